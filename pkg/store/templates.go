package store

import (
	"context"
	"fmt"
)

// EmailTemplate is a tblemailtemplates row.
type EmailTemplate struct {
	ID          int64  `db:"id"`
	Type        string `db:"type"`
	Name        string `db:"name"`
	Subject     string `db:"subject"`
	Message     string `db:"message"`
	FromName    string `db:"fromname"`
	FromEmail   string `db:"fromemail"`
	CopyTo      string `db:"copyto"`
	BlindCopyTo string `db:"blind_copy_to"`
	Language    string `db:"language"`
	Disabled    bool   `db:"disabled"`
	Plaintext   bool   `db:"plaintext"`
}

// Templates returns every email template named name, in id order.
func (s *Store) Templates(ctx context.Context, name string) ([]EmailTemplate, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var templates []EmailTemplate
	err := s.db.SelectContext(ctx, &templates, `
		SELECT id, type, name, subject, message, fromname, fromemail, copyto, blind_copy_to,
			language, disabled <> 0 AS disabled, plaintext <> 0 AS plaintext
		FROM tblemailtemplates WHERE name = ? ORDER BY id`, name)
	if err != nil {
		return nil, fmt.Errorf("read email template %q: %w", name, err)
	}
	return templates, nil
}

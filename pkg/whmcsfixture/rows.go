package whmcsfixture

import (
	"context"
	"fmt"
	"time"
)

// ZeroDate is written where a row needs MySQL's zero date
// '0000-00-00 00:00:00', which WHMCS stores in many columns.
var ZeroDate = time.Time{}

// Client is a tblclients row (a client account). Empty fields take
// WHMCS's defaults; Status defaults to Active.
type Client struct {
	FirstName   string
	LastName    string
	CompanyName string
	Email       string
	Status      string
	Language    string
	GroupID     int
	// LastLogin is NULL when nil and the zero date when it points at
	// ZeroDate.
	LastLogin *time.Time
}

// AddClient inserts a client account and returns its id.
func (f *Fixture) AddClient(ctx context.Context, c Client) (int64, error) {
	if c.Status == "" {
		c.Status = "Active"
	}
	result, err := f.DB.ExecContext(ctx, `
		INSERT INTO tblclients (firstname, lastname, companyname, email, status, language,
			groupid, lastlogin, datecreated, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, CURDATE(), '0000-00-00 00:00:00', '0000-00-00 00:00:00')`,
		c.FirstName, c.LastName, c.CompanyName, c.Email, c.Status, c.Language, c.GroupID,
		dateValue(c.LastLogin))
	if err != nil {
		return 0, fmt.Errorf("insert client %q: %w", c.Email, err)
	}
	return result.LastInsertId()
}

// User is a tblusers row (a login identity).
type User struct {
	FirstName string
	LastName  string
	Email     string
	Language  string
	// SecondFactor is the two-factor module name, such as totp; empty
	// means two-factor is off.
	SecondFactor string
	// LastLogin is NULL when nil and the zero date when it points at
	// ZeroDate.
	LastLogin *time.Time
}

// AddUser inserts a user and returns its id.
func (f *Fixture) AddUser(ctx context.Context, u User) (int64, error) {
	result, err := f.DB.ExecContext(ctx, `
		INSERT INTO tblusers (first_name, last_name, email, language, second_factor,
			last_login, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())`,
		u.FirstName, u.LastName, u.Email, u.Language, u.SecondFactor, dateValue(u.LastLogin))
	if err != nil {
		return 0, fmt.Errorf("insert user %q: %w", u.Email, err)
	}
	return result.LastInsertId()
}

// Link links a user to a client account, as its owner or as a sub-user.
func (f *Fixture) Link(ctx context.Context, userID, clientID int64, owner bool) error {
	_, err := f.DB.ExecContext(ctx, `
		INSERT INTO tblusers_clients (auth_user_id, client_id, owner, permissions,
			created_at, updated_at)
		VALUES (?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())`,
		userID, clientID, owner, permissionsFor(owner))
	if err != nil {
		return fmt.Errorf("link user %d to client %d: %w", userID, clientID, err)
	}
	return nil
}

func permissionsFor(owner bool) string {
	if owner {
		return ""
	}
	return "profile,contacts,products,manageproducts,domains,managedomains,invoices,tickets"
}

// SetUserSecondFactor sets tblusers.second_factor, as WHMCS does when a
// user turns two-factor authentication on or off.
func (f *Fixture) SetUserSecondFactor(ctx context.Context, userID int64, module string) error {
	_, err := f.DB.ExecContext(ctx, "UPDATE tblusers SET second_factor = ? WHERE id = ?",
		module, userID)
	if err != nil {
		return fmt.Errorf("set second factor of user %d: %w", userID, err)
	}
	return nil
}

// SetUserLastLogin sets tblusers.last_login, as WHMCS does at each login.
func (f *Fixture) SetUserLastLogin(ctx context.Context, userID int64, at time.Time) error {
	_, err := f.DB.ExecContext(ctx, "UPDATE tblusers SET last_login = ? WHERE id = ?",
		at.UTC(), userID)
	if err != nil {
		return fmt.Errorf("set last login of user %d: %w", userID, err)
	}
	return nil
}

// SetConfig sets a tblconfiguration value.
func (f *Fixture) SetConfig(ctx context.Context, setting, value string) error {
	_, err := f.DB.ExecContext(ctx, `
		INSERT INTO tblconfiguration (setting, value) VALUES (?, ?)
		ON DUPLICATE KEY UPDATE value = VALUES(value)`, setting, value)
	if err != nil {
		return fmt.Errorf("set tblconfiguration %s: %w", setting, err)
	}
	return nil
}

// SetAddon sets a tbladdonmodules value of the mfa_reminder addon, as
// WHMCS does when the admin saves the addon settings.
func (f *Fixture) SetAddon(ctx context.Context, setting, value string) error {
	_, err := f.DB.ExecContext(ctx,
		"DELETE FROM tbladdonmodules WHERE module = 'mfa_reminder' AND setting = ?", setting)
	if err != nil {
		return fmt.Errorf("set addon setting %s: %w", setting, err)
	}
	_, err = f.DB.ExecContext(ctx,
		"INSERT INTO tbladdonmodules (module, setting, value) VALUES ('mfa_reminder', ?, ?)",
		setting, value)
	if err != nil {
		return fmt.Errorf("set addon setting %s: %w", setting, err)
	}
	return nil
}

// Template is a tblemailtemplates row. Type defaults to general.
type Template struct {
	Name        string
	Type        string
	Subject     string
	Message     string
	Language    string
	FromName    string
	FromEmail   string
	CopyTo      string
	BlindCopyTo string
	Disabled    bool
	Plaintext   bool
}

// AddTemplate inserts an email template and returns its id.
func (f *Fixture) AddTemplate(ctx context.Context, t Template) (int64, error) {
	if t.Type == "" {
		t.Type = "general"
	}
	result, err := f.DB.ExecContext(ctx, `
		INSERT INTO tblemailtemplates (type, name, subject, message, attachments, fromname,
			fromemail, disabled, custom, language, copyto, blind_copy_to, plaintext)
		VALUES (?, ?, ?, ?, '', ?, ?, ?, 1, ?, ?, ?, ?)`,
		t.Type, t.Name, t.Subject, t.Message, t.FromName, t.FromEmail, t.Disabled,
		t.Language, t.CopyTo, t.BlindCopyTo, t.Plaintext)
	if err != nil {
		return 0, fmt.Errorf("insert template %q (%s): %w", t.Name, t.Language, err)
	}
	return result.LastInsertId()
}

// dateValue returns the value to store for an optional date.
func dateValue(at *time.Time) any {
	switch {
	case at == nil:
		return nil
	case at.IsZero():
		return "0000-00-00 00:00:00"
	default:
		return at.UTC()
	}
}

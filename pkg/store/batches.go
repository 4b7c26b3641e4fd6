package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Batch statuses.
const (
	BatchQueued  = "queued"
	BatchRunning = "running"
	BatchDone    = "done"
	BatchFailed  = "failed"
)

// Selection is the users of a batch: either listed ids or every user that
// a filter selects when the batch runs.
type Selection struct {
	UserIDs []int64    `json:"user_ids,omitempty"`
	Filter  *UserQuery `json:"filter,omitempty"`
	// Force sends to users reminded within frequency_days too, as a
	// reminder to one chosen user does.
	Force bool `json:"force,omitempty"`
}

// Batch is a bulk reminder requested on the dashboard.
type Batch struct {
	ID          int64    `db:"id"`
	Nonce       string   `db:"nonce"`
	RequestedBy string   `db:"requested_by"`
	Description string   `db:"description"`
	SelectionJS string   `db:"selection"`
	Status      string   `db:"status"`
	Total       int      `db:"total"`
	Sent        int      `db:"sent"`
	Skipped     int      `db:"skipped"`
	Failed      int      `db:"failed"`
	Error       *string  `db:"error"`
	CreatedAt   NullTime `db:"created_at"`
	FinishedAt  NullTime `db:"finished_at"`
}

// Selection decodes the batch's users.
func (b Batch) Selection() (Selection, error) {
	var selection Selection
	if err := json.Unmarshal([]byte(b.SelectionJS), &selection); err != nil {
		return selection, fmt.Errorf("decode selection of batch %d: %w", b.ID, err)
	}
	return selection, nil
}

// Finished reports whether the batch will change no more.
func (b Batch) Finished() bool {
	return b.Status == BatchDone || b.Status == BatchFailed
}

const batchColumns = `id, nonce, requested_by, description, selection, status, total, sent,
	skipped, failed, error, created_at, finished_at`

// CreateBatch stores a queued batch and returns its id. A second call with
// the same nonce returns the first batch's id and creates nothing, so a
// form posted twice sends once.
func (s *Store) CreateBatch(ctx context.Context, nonce, requestedBy, description string,
	selection Selection, total int, at time.Time) (int64, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	encoded, err := json.Marshal(selection)
	if err != nil {
		return 0, fmt.Errorf("encode batch selection: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `
		INSERT IGNORE INTO mod_mfa_reminder_batches (nonce, requested_by, description, selection,
			status, total, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		nonce, truncateText(requestedBy, 255), truncateText(description, 1000), encoded,
		BatchQueued, total, at.UTC())
	if err != nil {
		return 0, fmt.Errorf("store batch: %w", err)
	}

	var existing struct {
		ID        int64  `db:"id"`
		Selection string `db:"selection"`
	}
	err = s.db.GetContext(ctx, &existing,
		"SELECT id, selection FROM mod_mfa_reminder_batches WHERE nonce = ?", nonce)
	if err != nil {
		return 0, fmt.Errorf("read batch id: %w", err)
	}
	if existing.Selection != string(encoded) {
		return existing.ID, fmt.Errorf("batch %d: %w", existing.ID, ErrNonceReused)
	}
	return existing.ID, nil
}

// ErrNonceReused is returned by CreateBatch for a nonce that an earlier
// batch with another selection used: the admin changed a form that was
// already sent, for example on a page the browser restored from its
// back/forward cache.
var ErrNonceReused = errors.New("the form was already sent with another selection")

// Batch returns one batch, or ErrNotFound.
func (s *Store) Batch(ctx context.Context, id int64) (Batch, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var batch Batch
	err := s.db.GetContext(ctx, &batch,
		"SELECT "+batchColumns+" FROM mod_mfa_reminder_batches WHERE id = ?", id)
	if errors.Is(err, sql.ErrNoRows) {
		return batch, fmt.Errorf("batch %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return batch, fmt.Errorf("read batch %d: %w", id, err)
	}
	return batch, nil
}

// PendingBatches returns the batches that are queued or were running when
// a daemon stopped, oldest first.
func (s *Store) PendingBatches(ctx context.Context) ([]Batch, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var batches []Batch
	err := s.db.SelectContext(ctx, &batches, "SELECT "+batchColumns+
		" FROM mod_mfa_reminder_batches WHERE status IN (?, ?) ORDER BY id",
		BatchQueued, BatchRunning)
	if err != nil {
		return nil, fmt.Errorf("list pending batches: %w", err)
	}
	return batches, nil
}

// UpdateBatch stores a batch's status and counts.
func (s *Store) UpdateBatch(ctx context.Context, batch Batch) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	_, err := s.db.ExecContext(ctx, `
		UPDATE mod_mfa_reminder_batches
		SET status = ?, total = ?, sent = ?, skipped = ?, failed = ?, error = ?, finished_at = ?
		WHERE id = ?`,
		batch.Status, batch.Total, batch.Sent, batch.Skipped, batch.Failed, batch.Error,
		batch.FinishedAt.Ptr(), batch.ID)
	if err != nil {
		return fmt.Errorf("update batch %d: %w", batch.ID, err)
	}
	return nil
}

// BatchSends returns the reminders of a batch in the order they were made.
func (s *Store) BatchSends(ctx context.Context, batchID int64) ([]Send, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var sends []Send
	err := s.db.SelectContext(ctx, &sends, "SELECT "+sendColumns+
		" FROM mod_mfa_reminder_sends WHERE batch_id = ? ORDER BY id", batchID)
	if err != nil {
		return nil, fmt.Errorf("list reminders of batch %d: %w", batchID, err)
	}
	return sends, nil
}

// BatchUsersDone returns the users that already have a reminder in the
// batch, so a resumed batch skips them. Failed attempts do not count, so
// a batch that stopped because the mail server failed tries them again.
func (s *Store) BatchUsersDone(ctx context.Context, batchID int64) (map[int64]bool, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var ids []int64
	err := s.db.SelectContext(ctx, &ids,
		"SELECT user_id FROM mod_mfa_reminder_sends WHERE batch_id = ? AND status <> ?",
		batchID, SendFailed)
	if err != nil {
		return nil, fmt.Errorf("list users done in batch %d: %w", batchID, err)
	}
	done := make(map[int64]bool, len(ids))
	for _, id := range ids {
		done[id] = true
	}
	return done, nil
}

// CountBatch fills the batch's counts from the latest reminder of each
// user in it: sent, skipped, and failed, which includes unconfirmed
// messages and attempts still marked 'sending'.
func (s *Store) CountBatch(ctx context.Context, batch *Batch) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var counts []struct {
		Status string `db:"status"`
		Count  int    `db:"count"`
	}
	err := s.db.SelectContext(ctx, &counts, `
		SELECT latest.status, COUNT(*) AS count
		FROM mod_mfa_reminder_sends latest
		JOIN (SELECT MAX(id) AS id FROM mod_mfa_reminder_sends WHERE batch_id = ?
			GROUP BY user_id) last ON last.id = latest.id
		GROUP BY latest.status`, batch.ID)
	if err != nil {
		return fmt.Errorf("count reminders of batch %d: %w", batch.ID, err)
	}
	batch.Sent, batch.Skipped, batch.Failed = 0, 0, 0
	for _, count := range counts {
		switch count.Status {
		case SendSent:
			batch.Sent += count.Count
		case SendSkipped:
			batch.Skipped += count.Count
		default:
			batch.Failed += count.Count
		}
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Run is one reminder pass.
type Run struct {
	ID         int64    `db:"id"`
	Trigger    string   `db:"trigger_type"`
	StartedAt  NullTime `db:"started_at"`
	FinishedAt NullTime `db:"finished_at"`
	Due        int      `db:"due"`
	Sent       int      `db:"sent"`
	Skipped    int      `db:"skipped"`
	Failed     int      `db:"failed"`
	Error      *string  `db:"error"`
}

// StartRun records the start of a pass and returns its id.
func (s *Store) StartRun(ctx context.Context, trigger string, at time.Time) (int64, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	result, err := s.db.ExecContext(ctx,
		"INSERT INTO mod_mfa_reminder_runs (trigger_type, started_at) VALUES (?, ?)",
		trigger, at.UTC())
	if err != nil {
		return 0, fmt.Errorf("record reminder pass: %w", err)
	}
	return result.LastInsertId()
}

// FinishRun stores the counts and the error, if any, of a pass.
func (s *Store) FinishRun(ctx context.Context, run Run) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	_, err := s.db.ExecContext(ctx, `
		UPDATE mod_mfa_reminder_runs
		SET finished_at = ?, due = ?, sent = ?, skipped = ?, failed = ?, error = ?
		WHERE id = ?`,
		run.FinishedAt.Ptr(), run.Due, run.Sent, run.Skipped, run.Failed, run.Error, run.ID)
	if err != nil {
		return fmt.Errorf("record end of reminder pass %d: %w", run.ID, err)
	}
	return nil
}

// LastRun returns the most recent pass, or ErrNotFound when none ran.
func (s *Store) LastRun(ctx context.Context) (Run, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var run Run
	err := s.db.GetContext(ctx, &run, `
		SELECT id, trigger_type, started_at, finished_at, due, sent, skipped, failed, error
		FROM mod_mfa_reminder_runs ORDER BY id DESC LIMIT 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return run, fmt.Errorf("last reminder pass: %w", ErrNotFound)
	}
	if err != nil {
		return run, fmt.Errorf("read last reminder pass: %w", err)
	}
	return run, nil
}

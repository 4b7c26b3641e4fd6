package store

import (
	"context"
	"fmt"
	"time"
)

// Triggers of a reminder.
const (
	TriggerSchedule = "schedule"
	// TriggerAdmin is a single reminder sent from the dashboard.
	TriggerAdmin = "admin"
	// TriggerBulk is a reminder of a dashboard batch.
	TriggerBulk = "bulk"
	TriggerCLI  = "cli"
	// TriggerTest is a preview sent to an address the admin typed.
	TriggerTest = "test"
)

// Send statuses.
const (
	SendSending = "sending"
	SendSent    = "sent"
	SendFailed  = "failed"
	SendSkipped = "skipped"
	// SendUnconfirmed is a message whose connection failed after it was
	// fully sent: the server may have queued it. It counts as a reminder,
	// because sending again could deliver it twice.
	SendUnconfirmed = "unconfirmed"
)

// Send is one reminder attempt.
type Send struct {
	ID          int64    `db:"id"`
	UserID      int64    `db:"user_id"`
	Email       string   `db:"email"`
	Subject     string   `db:"subject"`
	Language    string   `db:"language"`
	Trigger     string   `db:"trigger_type"`
	TriggeredBy string   `db:"triggered_by"`
	BatchID     *int64   `db:"batch_id"`
	Status      string   `db:"status"`
	Reason      string   `db:"reason"`
	SMTPReply   *string  `db:"smtp_reply"`
	CreatedAt   NullTime `db:"created_at"`
	FinishedAt  NullTime `db:"finished_at"`
}

// sendColumns are the columns that scan into Send.
const sendColumns = `id, user_id, email, subject, language, trigger_type, triggered_by,
	batch_id, status, reason, smtp_reply, created_at, finished_at`

// ClaimSend records an attempt as 'sending' before the message goes to the
// mail server, and returns its id.
func (s *Store) ClaimSend(ctx context.Context, send Send, at time.Time) (int64, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	result, err := s.db.ExecContext(ctx, `
		INSERT INTO mod_mfa_reminder_sends (user_id, email, subject, language, trigger_type,
			triggered_by, batch_id, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		send.UserID, send.Email, send.Subject, send.Language, send.Trigger,
		send.TriggeredBy, send.BatchID, SendSending, at.UTC())
	if err != nil {
		return 0, fmt.Errorf("record reminder to user %d: %w", send.UserID, err)
	}
	id, err := result.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("record reminder to user %d: %w", send.UserID, err)
	}
	return id, nil
}

// CompleteSend marks an attempt as status (SendSent or SendUnconfirmed)
// and moves the user's last reminder time to at, in one transaction. Call
// it only after the mail server has accepted the message, or may have.
func (s *Store) CompleteSend(ctx context.Context, sendID, userID int64, status, reply string,
	at time.Time) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("confirm reminder %d: %w", sendID, err)
	}
	defer tx.Rollback()

	at = at.UTC()
	_, err = tx.ExecContext(ctx, `
		UPDATE mod_mfa_reminder_sends SET status = ?, smtp_reply = ?, finished_at = ?
		WHERE id = ?`, status, reply, at, sendID)
	if err != nil {
		return fmt.Errorf("confirm reminder %d: %w", sendID, err)
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO mod_mfa_reminder_users
			(user_id, last_reminded_at, reminders_sent, last_attempt_at, last_error, updated_at)
		VALUES (?, ?, 1, ?, NULL, ?)
		ON DUPLICATE KEY UPDATE last_reminded_at = VALUES(last_reminded_at),
			reminders_sent = reminders_sent + 1, last_attempt_at = VALUES(last_attempt_at),
			last_error = NULL, updated_at = VALUES(updated_at)`,
		userID, at, at, at)
	if err != nil {
		return fmt.Errorf("record reminder time of user %d: %w", userID, err)
	}

	if err := tx.Commit(); err != nil {
		return fmt.Errorf("confirm reminder %d: %w", sendID, err)
	}
	return nil
}

// FailSend marks an attempt as failed with the mail server's reply. The
// user's last reminder time stays as it was, so the next pass retries.
func (s *Store) FailSend(ctx context.Context, sendID, userID int64, reply string,
	at time.Time) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record failed reminder %d: %w", sendID, err)
	}
	defer tx.Rollback()

	at = at.UTC()
	_, err = tx.ExecContext(ctx, `
		UPDATE mod_mfa_reminder_sends SET status = ?, smtp_reply = ?, finished_at = ?
		WHERE id = ?`, SendFailed, reply, at, sendID)
	if err != nil {
		return fmt.Errorf("record failed reminder %d: %w", sendID, err)
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO mod_mfa_reminder_users (user_id, last_attempt_at, last_error, updated_at)
		VALUES (?, ?, ?, ?)
		ON DUPLICATE KEY UPDATE last_attempt_at = VALUES(last_attempt_at),
			last_error = VALUES(last_error), updated_at = VALUES(updated_at)`,
		userID, at, reply, at)
	if err != nil {
		return fmt.Errorf("record failed reminder of user %d: %w", userID, err)
	}

	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record failed reminder %d: %w", sendID, err)
	}
	return nil
}

// RecordSkip stores a reminder that was not sent, with the reason, so that
// a batch's result page and the activity log can show it.
func (s *Store) RecordSkip(ctx context.Context, send Send, reason string, at time.Time) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	_, err := s.db.ExecContext(ctx, `
		INSERT INTO mod_mfa_reminder_sends (user_id, email, subject, language, trigger_type,
			triggered_by, batch_id, status, reason, created_at, finished_at)
		VALUES (?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?)`,
		send.UserID, send.Email, send.Language, send.Trigger, send.TriggeredBy, send.BatchID,
		SendSkipped, truncateText(reason, 255), at.UTC(), at.UTC())
	if err != nil {
		return fmt.Errorf("record skipped reminder of user %d: %w", send.UserID, err)
	}
	return nil
}

func truncateText(s string, n int) string {
	runes := []rune(s)
	if len(runes) <= n {
		return s
	}
	return string(runes[:n-1]) + "…"
}

// Dismiss records that the user closed the client-area alert at at.
func (s *Store) Dismiss(ctx context.Context, userID int64, at time.Time) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	at = at.UTC()
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO mod_mfa_reminder_users (user_id, dismissed_at, updated_at) VALUES (?, ?, ?)
		ON DUPLICATE KEY UPDATE dismissed_at = VALUES(dismissed_at),
			updated_at = VALUES(updated_at)`, userID, at, at)
	if err != nil {
		return fmt.Errorf("record alert dismissal of user %d: %w", userID, err)
	}
	return nil
}

// FinishTestSend stores the outcome of a test message. Unlike CompleteSend
// it leaves the user's reminder state alone, because the user did not get
// the message.
func (s *Store) FinishTestSend(ctx context.Context, sendID int64, status, reply string,
	at time.Time) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	_, err := s.db.ExecContext(ctx, `
		UPDATE mod_mfa_reminder_sends SET status = ?, smtp_reply = ?, finished_at = ?
		WHERE id = ?`, status, reply, at.UTC(), sendID)
	if err != nil {
		return fmt.Errorf("record test message %d: %w", sendID, err)
	}
	return nil
}

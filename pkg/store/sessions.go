package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is a signed-in dashboard admin.
type Session struct {
	// ID is the SHA-256 of the cookie's secret, in hex.
	ID         string    `db:"id"`
	AdminID    string    `db:"admin_id"`
	AdminName  string    `db:"admin_name"`
	Method     string    `db:"method"`
	CreatedAt  time.Time `db:"created_at"`
	LastSeenAt time.Time `db:"last_seen_at"`
	ExpiresAt  time.Time `db:"expires_at"`
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, session Session) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	_, err := s.db.ExecContext(ctx, `
		INSERT INTO mod_mfa_reminder_sessions (id, admin_id, admin_name, method, created_at,
			last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		session.ID, truncateText(session.AdminID, 64), truncateText(session.AdminName, 255),
		session.Method, session.CreatedAt.UTC(), session.LastSeenAt.UTC(), session.ExpiresAt.UTC())
	if err != nil {
		return fmt.Errorf("store session: %w", err)
	}
	return nil
}

// Session returns the session with id, or ErrNotFound.
func (s *Store) Session(ctx context.Context, id string) (Session, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var session Session
	err := s.db.GetContext(ctx, &session, `
		SELECT id, admin_id, admin_name, method, created_at, last_seen_at, expires_at
		FROM mod_mfa_reminder_sessions WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return session, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return session, fmt.Errorf("read session: %w", err)
	}
	return session, nil
}

// TouchSession records a request of the session at at.
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	_, err := s.db.ExecContext(ctx,
		"UPDATE mod_mfa_reminder_sessions SET last_seen_at = ? WHERE id = ?", at.UTC(), id)
	if err != nil {
		return fmt.Errorf("update session: %w", err)
	}
	return nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	if _, err := s.db.ExecContext(ctx, "DELETE FROM mod_mfa_reminder_sessions WHERE id = ?", id); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteExpired removes sessions and sign-on token records that ended
// before now.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	for _, table := range []string{"mod_mfa_reminder_sessions", "mod_mfa_reminder_sso_tokens"} {
		if _, err := s.db.ExecContext(ctx, "DELETE FROM "+table+" WHERE expires_at < ?",
			now.UTC()); err != nil {
			return fmt.Errorf("delete expired rows of %s: %w", table, err)
		}
	}
	return nil
}

// ErrTokenUsed is returned by UseSSOToken for a jti seen before.
var ErrTokenUsed = errors.New("sign-on token already used")

// UseSSOToken records a sign-on token's jti until expires, and returns
// ErrTokenUsed when it was recorded before.
func (s *Store) UseSSOToken(ctx context.Context, jti string, expires time.Time) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	result, err := s.db.ExecContext(ctx,
		"INSERT IGNORE INTO mod_mfa_reminder_sso_tokens (jti, expires_at) VALUES (?, ?)",
		jti, expires.UTC())
	if err != nil {
		return fmt.Errorf("record sign-on token: %w", err)
	}
	if inserted, err := result.RowsAffected(); err != nil || inserted == 0 {
		return ErrTokenUsed
	}
	return nil
}

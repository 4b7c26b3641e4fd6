package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrLocked is returned when another process holds a named lock.
var ErrLocked = errors.New("held by another process")

// lock takes the MySQL named lock for purpose, waiting at most wait. The
// lock belongs to one connection, which is kept out of the pool until
// unlock runs; MySQL also frees it when that connection drops. Lock names
// are server-wide, so they include a hash of the database name to keep
// two WHMCS databases on one server apart.
func (s *Store) lock(ctx context.Context, purpose string, wait time.Duration) (func(), error) {
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("take %s lock: %w", purpose, err)
	}

	name := "CONCAT('mfa_reminder.', LEFT(SHA1(DATABASE()), 16), '." + purpose + "')"
	var got *int
	err = conn.GetContext(ctx, &got, "SELECT GET_LOCK("+name+", ?)", int(wait.Seconds()))
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("take %s lock: %w", purpose, err)
	}
	if got == nil || *got != 1 {
		conn.Close()
		return nil, fmt.Errorf("%s lock: %w", purpose, ErrLocked)
	}

	unlock := func() {
		// A fresh context: the caller's may be cancelled by now, and the
		// lock must still be released.
		releaseCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = conn.ExecContext(releaseCtx, "SELECT RELEASE_LOCK("+name+")")
		conn.Close()
	}
	return unlock, nil
}

// LockRun takes the lock that keeps two reminder passes from running at
// once, across processes. It returns an error wrapping ErrLocked at once
// when another pass holds it.
func (s *Store) LockRun(ctx context.Context) (unlock func(), err error) {
	return s.lock(ctx, "run", 0)
}

// LockRunWait takes the same lock as LockRun, waiting at most wait for a
// pass that holds it.
func (s *Store) LockRunWait(ctx context.Context, wait time.Duration) (unlock func(), err error) {
	return s.lock(ctx, "run", wait)
}

package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// ErrLocked is returned when another process holds a named lock.
var ErrLocked = errors.New("held by another process")

// ErrLockLost is returned by Lock.Held when the lock's connection has
// dropped, which releases a MySQL named lock.
var ErrLockLost = errors.New("the lock's database connection dropped, so another process " +
	"may hold the lock now")

// lockKeepalive is how often a held lock's connection is pinged, so that
// neither the server's wait_timeout nor a proxy closes it while idle.
const lockKeepalive = 20 * time.Second

// Lock is a MySQL named lock held on one dedicated connection.
type Lock struct {
	conn *sqlx.Conn
	name string
	// mu serialises the keepalive ping, Held and Release on conn.
	mu   sync.Mutex
	stop chan struct{}
	done chan struct{}
}

// lock takes the MySQL named lock for purpose, waiting at most wait. The
// lock belongs to one connection, kept out of the pool until Release;
// MySQL frees the lock when that connection drops. Lock names are
// server-wide, so they include a hash of the database name to keep two
// WHMCS databases on one server apart.
func (s *Store) lock(ctx context.Context, purpose string, wait time.Duration) (*Lock, error) {
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("take %s lock: %w", purpose, err)
	}

	name := "CONCAT('mfa_reminder.', LEFT(SHA1(DATABASE()), 16), '." + purpose + "')"
	// A long session wait_timeout keeps the server from closing the idle
	// lock connection between keepalive pings.
	if _, err := conn.ExecContext(ctx, "SET SESSION wait_timeout = 86400"); err != nil {
		conn.Close()
		return nil, fmt.Errorf("take %s lock: %w", purpose, err)
	}
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

	l := &Lock{conn: conn, name: name, stop: make(chan struct{}), done: make(chan struct{})}
	go l.keepalive()
	return l, nil
}

func (l *Lock) keepalive() {
	defer close(l.done)
	ticker := time.NewTicker(lockKeepalive)
	defer ticker.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-ticker.C:
			l.mu.Lock()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_ = l.conn.PingContext(ctx)
			cancel()
			l.mu.Unlock()
		}
	}
}

// Held returns nil while this process still holds the lock, and
// ErrLockLost once it does not.
func (l *Lock) Held(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()

	var owned *int
	err := l.conn.GetContext(ctx, &owned, "SELECT IS_USED_LOCK("+l.name+") = CONNECTION_ID()")
	if err != nil {
		return fmt.Errorf("check lock: %w: %w", ErrLockLost, err)
	}
	if owned == nil || *owned != 1 {
		return ErrLockLost
	}
	return nil
}

// Release frees the lock and returns its connection. It uses its own
// context, because the caller's may be cancelled by then.
func (l *Lock) Release() {
	close(l.stop)
	<-l.done

	l.mu.Lock()
	defer l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = l.conn.ExecContext(ctx, "SELECT RELEASE_LOCK("+l.name+")")
	l.conn.Close()
}

// LockRun takes the lock that keeps two reminder passes from running at
// once, across processes. It returns an error wrapping ErrLocked at once
// when another pass holds it.
func (s *Store) LockRun(ctx context.Context) (*Lock, error) {
	return s.lock(ctx, "run", 0)
}

// LockRunWait takes the same lock as LockRun, waiting at most wait for a
// pass that holds it.
func (s *Store) LockRunWait(ctx context.Context, wait time.Duration) (*Lock, error) {
	return s.lock(ctx, "run", wait)
}

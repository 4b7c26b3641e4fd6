// Package store is the daemon's only access to MySQL.
//
// It reads WHMCS's own tables with SELECT and nothing else, and writes only
// the daemon's tables, whose names start with mod_mfa_reminder (the WHMCS
// convention for addon tables). Every method takes a context.
package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// ErrNotFound is returned when a requested row does not exist.
var ErrNotFound = errors.New("not found")

// Store reads WHMCS and keeps the daemon's own state.
type Store struct {
	db *sqlx.DB
	// statuses are the tblclients.status values that put a user in scope.
	statuses []string
	// inStatuses is the "IN (?, ...)" list matching statuses.
	inStatuses string
	timeout    time.Duration
}

// New returns a Store on db. A user is in scope when linked to a client
// whose status is one of statuses. Each call without a tighter deadline is
// limited to timeout.
func New(db *sqlx.DB, statuses []string, timeout time.Duration) *Store {
	return &Store{
		db:         db,
		statuses:   statuses,
		inStatuses: "IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(statuses)), ", ") + ")",
		timeout:    timeout,
	}
}

// DB returns the underlying pool.
func (s *Store) DB() *sqlx.DB {
	return s.db
}

// Statuses returns the client statuses that put a user in scope.
func (s *Store) Statuses() []string {
	return s.statuses
}

func (s *Store) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// statusArgs returns the status values for one scope condition, followed
// by extra.
func (s *Store) statusArgs(extra ...any) []any {
	args := make([]any, 0, len(s.statuses)+len(extra))
	for _, status := range s.statuses {
		args = append(args, status)
	}
	return append(args, extra...)
}

// NullTime is a nullable time that also reads MySQL's zero dates
// ('0000-00-00 00:00:00', which the driver returns as year 1) as NULL.
type NullTime struct {
	Time  time.Time
	Valid bool
}

// Scan implements sql.Scanner.
func (n *NullTime) Scan(value any) error {
	var inner sql.NullTime
	if err := inner.Scan(value); err != nil {
		return err
	}
	n.Valid = inner.Valid && inner.Time.Year() > 1
	n.Time = time.Time{}
	if n.Valid {
		n.Time = inner.Time.UTC()
	}
	return nil
}

// Ptr returns the time, or nil when it is NULL.
func (n NullTime) Ptr() *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time
	return &t
}

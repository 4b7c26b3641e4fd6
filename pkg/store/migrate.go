package store

import (
	"context"
	"fmt"
	"time"
)

// OwnTables are the tables the daemon creates and writes, in creation
// order. The README's GRANT statements list the same names.
var OwnTables = []string{
	"mod_mfa_reminder_migrations",
	"mod_mfa_reminder_users",
	"mod_mfa_reminder_sends",
}

// migrations holds the schema changes of the daemon's own tables. Entry i
// brings the schema to version i+1. Append new entries; never edit one
// that has shipped.
var migrations = [][]string{
	{
		// Per-user reminder state and alert dismissal. A row exists only for
		// users the daemon has acted on.
		`CREATE TABLE IF NOT EXISTS mod_mfa_reminder_users (
			user_id INT UNSIGNED NOT NULL,
			last_reminded_at DATETIME NULL,
			reminders_sent INT UNSIGNED NOT NULL DEFAULT 0,
			last_attempt_at DATETIME NULL,
			last_error TEXT NULL,
			dismissed_at DATETIME NULL,
			updated_at DATETIME NOT NULL,
			PRIMARY KEY (user_id),
			KEY last_reminded_at (last_reminded_at)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
		// One row per reminder attempt: inserted as 'sending' before the
		// message goes to the server, then set to 'sent' or 'failed'.
		`CREATE TABLE IF NOT EXISTS mod_mfa_reminder_sends (
			id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
			user_id INT UNSIGNED NOT NULL,
			email VARCHAR(255) NOT NULL,
			subject TEXT NOT NULL,
			language VARCHAR(32) NOT NULL DEFAULT '',
			trigger_type VARCHAR(16) NOT NULL,
			triggered_by VARCHAR(255) NOT NULL DEFAULT '',
			status VARCHAR(16) NOT NULL,
			smtp_reply TEXT NULL,
			created_at DATETIME(3) NOT NULL,
			finished_at DATETIME(3) NULL,
			PRIMARY KEY (id),
			KEY user_created (user_id, created_at),
			KEY status_created (status, created_at),
			KEY created_at (created_at)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
	},
}

// SchemaVersion is the version the daemon's tables have after Migrate.
var SchemaVersion = len(migrations)

// Migrate creates or upgrades the daemon's own tables. It is idempotent,
// and concurrent callers wait for each other through a MySQL named lock.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	unlock, err := s.lock(ctx, "migrate", 30*time.Second)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	defer unlock()

	_, err = s.db.ExecContext(ctx, `
		CREATE TABLE IF NOT EXISTS mod_mfa_reminder_migrations (
			version INT UNSIGNED NOT NULL,
			applied_at DATETIME NOT NULL,
			PRIMARY KEY (version)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`)
	if err != nil {
		return 0, fmt.Errorf("create mod_mfa_reminder_migrations: %w", err)
	}

	current, err := s.AppliedSchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	if current > len(migrations) {
		return 0, fmt.Errorf("the daemon's tables are at schema version %d, newer than this "+
			"binary knows (%d): run the newer mfa-reminder binary", current, len(migrations))
	}

	for version := current + 1; version <= len(migrations); version++ {
		for _, statement := range migrations[version-1] {
			if _, err := s.db.ExecContext(ctx, statement); err != nil {
				return applied, fmt.Errorf("migrate to schema version %d: %w", version, err)
			}
		}
		_, err := s.db.ExecContext(ctx,
			"INSERT INTO mod_mfa_reminder_migrations (version, applied_at) VALUES (?, ?)",
			version, time.Now().UTC())
		if err != nil {
			return applied, fmt.Errorf("record schema version %d: %w", version, err)
		}
		applied++
	}

	return applied, nil
}

// AppliedSchemaVersion returns the schema version of the daemon's tables,
// 0 when none were created.
func (s *Store) AppliedSchemaVersion(ctx context.Context) (int, error) {
	var version int
	err := s.db.GetContext(ctx, &version,
		"SELECT COALESCE(MAX(version), 0) FROM mod_mfa_reminder_migrations")
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return version, nil
}

// CheckWritable proves that the daemon may write each of its tables by
// inserting a row into each inside a transaction that is rolled back.
func (s *Store) CheckWritable(ctx context.Context) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()

	now := time.Now().UTC()
	probes := []struct {
		table string
		query string
		args  []any
	}{
		{"mod_mfa_reminder_migrations",
			"INSERT INTO mod_mfa_reminder_migrations (version, applied_at) VALUES (?, ?)",
			[]any{4294967295, now}},
		{"mod_mfa_reminder_users",
			"INSERT INTO mod_mfa_reminder_users (user_id, updated_at) VALUES (?, ?)",
			[]any{4294967295, now}},
		{"mod_mfa_reminder_sends",
			`INSERT INTO mod_mfa_reminder_sends (user_id, email, subject, trigger_type,
				status, created_at) VALUES (0, '', '', 'check', 'check', ?)`,
			[]any{now}},
	}
	for _, probe := range probes {
		if _, err := tx.ExecContext(ctx, probe.query, probe.args...); err != nil {
			return fmt.Errorf("write %s: %w", probe.table, err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE "+probe.table+" SET "+
			updateProbeColumn[probe.table]+" WHERE 1 = 0"); err != nil {
			return fmt.Errorf("update %s: %w", probe.table, err)
		}
	}

	return nil
}

// updateProbeColumn is a no-op assignment per table for CheckWritable.
var updateProbeColumn = map[string]string{
	"mod_mfa_reminder_migrations": "applied_at = applied_at",
	"mod_mfa_reminder_users":      "updated_at = updated_at",
	"mod_mfa_reminder_sends":      "status = status",
}

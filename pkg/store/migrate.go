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
	"mod_mfa_reminder_batches",
	"mod_mfa_reminder_runs",
	"mod_mfa_reminder_snapshots",
	"mod_mfa_reminder_sessions",
	"mod_mfa_reminder_sso_tokens",
}

// migration is one schema change of the daemon's own tables. Each step is
// an SQL statement or an addColumn value.
type migration []any

// addColumn adds a column unless it exists. MySQL 8 has no
// ADD COLUMN IF NOT EXISTS, so the check reads information_schema.
type addColumn struct {
	table, column, definition string
}

// migrations holds the schema changes of the daemon's own tables. Entry i
// brings the schema to version i+1. Append new entries; never edit one
// that has shipped.
var migrations = []migration{
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
	{
		// A bulk reminder requested on the dashboard. The nonce of the form
		// is unique, so a form posted twice creates one batch.
		`CREATE TABLE IF NOT EXISTS mod_mfa_reminder_batches (
			id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
			nonce CHAR(32) NOT NULL,
			requested_by VARCHAR(255) NOT NULL,
			description VARCHAR(1000) NOT NULL DEFAULT '',
			selection MEDIUMTEXT NOT NULL,
			status VARCHAR(16) NOT NULL,
			total INT UNSIGNED NOT NULL DEFAULT 0,
			sent INT UNSIGNED NOT NULL DEFAULT 0,
			skipped INT UNSIGNED NOT NULL DEFAULT 0,
			failed INT UNSIGNED NOT NULL DEFAULT 0,
			error TEXT NULL,
			created_at DATETIME(3) NOT NULL,
			finished_at DATETIME(3) NULL,
			PRIMARY KEY (id),
			UNIQUE KEY nonce (nonce),
			KEY status (status)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
		addColumn{"mod_mfa_reminder_sends", "batch_id",
			"BIGINT UNSIGNED NULL AFTER triggered_by, ADD KEY batch_user (batch_id, user_id)"},
		// Why a reminder was skipped; skipped reminders of a batch are kept
		// so its result page can list them.
		addColumn{"mod_mfa_reminder_sends", "reason", "VARCHAR(255) NOT NULL DEFAULT '' AFTER status"},
		// One row per reminder pass, for the settings page.
		`CREATE TABLE IF NOT EXISTS mod_mfa_reminder_runs (
			id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
			trigger_type VARCHAR(16) NOT NULL,
			dry_run TINYINT(1) NOT NULL DEFAULT 0,
			started_at DATETIME(3) NOT NULL,
			finished_at DATETIME(3) NULL,
			due INT UNSIGNED NOT NULL DEFAULT 0,
			sent INT UNSIGNED NOT NULL DEFAULT 0,
			skipped INT UNSIGNED NOT NULL DEFAULT 0,
			failed INT UNSIGNED NOT NULL DEFAULT 0,
			error TEXT NULL,
			PRIMARY KEY (id),
			KEY started_at (started_at)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
		// The adoption figures of each day.
		`CREATE TABLE IF NOT EXISTS mod_mfa_reminder_snapshots (
			day DATE NOT NULL,
			total_users INT UNSIGNED NOT NULL,
			with_mfa INT UNSIGNED NOT NULL,
			owners INT UNSIGNED NOT NULL,
			owners_with_mfa INT UNSIGNED NOT NULL,
			accounts INT UNSIGNED NOT NULL,
			accounts_all_mfa INT UNSIGNED NOT NULL,
			accounts_no_mfa INT UNSIGNED NOT NULL,
			taken_at DATETIME NOT NULL,
			PRIMARY KEY (day)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
	},
	{
		// Dashboard sessions. id is the SHA-256 of the cookie's secret, so
		// a copy of the table opens no session.
		`CREATE TABLE IF NOT EXISTS mod_mfa_reminder_sessions (
			id CHAR(64) NOT NULL,
			admin_id VARCHAR(64) NOT NULL,
			admin_name VARCHAR(255) NOT NULL,
			method VARCHAR(16) NOT NULL,
			created_at DATETIME NOT NULL,
			last_seen_at DATETIME NOT NULL,
			expires_at DATETIME NOT NULL,
			PRIMARY KEY (id),
			KEY expires_at (expires_at)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
		// The jti of every WHMCS sign-on token used, until it expires, so a
		// token opens one session only.
		`CREATE TABLE IF NOT EXISTS mod_mfa_reminder_sso_tokens (
			jti VARCHAR(128) NOT NULL,
			expires_at DATETIME NOT NULL,
			PRIMARY KEY (jti),
			KEY expires_at (expires_at)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
	},
	{
		// Milliseconds, so a send can be ordered against a request made in
		// the same second.
		`ALTER TABLE mod_mfa_reminder_users MODIFY last_reminded_at DATETIME(3) NULL,
			MODIFY last_attempt_at DATETIME(3) NULL`,
	},
}

// SchemaVersion is the version the daemon's tables have after Migrate.
var SchemaVersion = len(migrations)

// Migrate creates or upgrades the daemon's own tables. It is idempotent,
// and concurrent callers wait for each other through a MySQL named lock.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	lock, err := s.lock(ctx, "migrate", 30*time.Second)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	defer lock.Release()

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
		for _, step := range migrations[version-1] {
			if err := s.migrateStep(ctx, step); err != nil {
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

func (s *Store) migrateStep(ctx context.Context, step any) error {
	switch step := step.(type) {
	case string:
		_, err := s.db.ExecContext(ctx, step)
		return err
	case addColumn:
		var exists int
		err := s.db.GetContext(ctx, &exists, `
			SELECT COUNT(*) FROM information_schema.columns
			WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?`,
			step.table, step.column)
		if err != nil || exists > 0 {
			return err
		}
		_, err = s.db.ExecContext(ctx, "ALTER TABLE "+step.table+" ADD COLUMN "+step.column+
			" "+step.definition)
		return err
	default:
		return fmt.Errorf("unknown migration step %T", step)
	}
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
		{"mod_mfa_reminder_batches",
			`INSERT INTO mod_mfa_reminder_batches (nonce, requested_by, selection, status,
				created_at) VALUES ('check', 'check', '', 'check', ?)`,
			[]any{now}},
		{"mod_mfa_reminder_runs",
			"INSERT INTO mod_mfa_reminder_runs (trigger_type, started_at) VALUES ('check', ?)",
			[]any{now}},
		{"mod_mfa_reminder_snapshots",
			`INSERT INTO mod_mfa_reminder_snapshots (day, total_users, with_mfa, owners,
				owners_with_mfa, accounts, accounts_all_mfa, accounts_no_mfa, taken_at)
			VALUES ('1000-01-01', 0, 0, 0, 0, 0, 0, 0, ?)`,
			[]any{now}},
		{"mod_mfa_reminder_sessions",
			`INSERT INTO mod_mfa_reminder_sessions (id, admin_id, admin_name, method, created_at,
				last_seen_at, expires_at) VALUES ('check', '', '', 'check', ?, ?, ?)`,
			[]any{now, now, now}},
		{"mod_mfa_reminder_sso_tokens",
			"INSERT INTO mod_mfa_reminder_sso_tokens (jti, expires_at) VALUES ('check', ?)",
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
	"mod_mfa_reminder_batches":    "status = status",
	"mod_mfa_reminder_runs":       "due = due",
	"mod_mfa_reminder_snapshots":  "taken_at = taken_at",
	"mod_mfa_reminder_sessions":   "last_seen_at = last_seen_at",
	"mod_mfa_reminder_sso_tokens": "expires_at = expires_at",
}

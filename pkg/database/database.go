// Package database opens the MySQL connection pool to the WHMCS database.
package database

import (
	"context"
	"fmt"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
)

// DSN returns the admin's DSN with the parameters the daemon relies on.
//
// Sessions run in UTC so that TIMESTAMP columns such as tblusers.last_login
// read as UTC instants and the daemon's own DATETIME columns hold UTC.
// Parameters are interpolated client-side, which saves a prepare round trip
// per query; that is safe because the connection uses utf8mb4.
func DSN(dsn string) (string, error) {
	parsed, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "", fmt.Errorf("parse database DSN %q: %w", config.RedactDSN(dsn), err)
	}

	parsed.ParseTime = true
	parsed.Loc = time.UTC
	parsed.InterpolateParams = true
	if parsed.Params == nil {
		parsed.Params = map[string]string{}
	}
	parsed.Params["time_zone"] = "'+00:00'"
	parsed.Params["charset"] = "utf8mb4"
	if parsed.Timeout == 0 {
		parsed.Timeout = 5 * time.Second
	}

	return parsed.FormatDSN(), nil
}

// Open connects to MySQL, checks the connection and sets the pool limits.
func Open(ctx context.Context, cfg config.DatabaseConfig) (*sqlx.DB, error) {
	dsn, err := DSN(cfg.DSN)
	if err != nil {
		return nil, err
	}

	db, err := sqlx.Open("mysql", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetMaxOpenConns(cfg.MaxOpenConns)
	db.SetMaxIdleConns(cfg.MaxIdleConns)
	db.SetConnMaxLifetime(cfg.ConnMaxLifetime)

	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database %s: %w", config.RedactDSN(cfg.DSN), err)
	}

	return db, nil
}

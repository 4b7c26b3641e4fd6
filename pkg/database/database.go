// Package database opens the MySQL connection pool to the WHMCS database.
package database

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
)

// DSN returns the admin's DSN with the parameters the daemon relies on,
// and password, when not empty, in place of the DSN's password.
//
// Sessions run in UTC so that TIMESTAMP columns such as tblusers.last_login
// read as UTC instants and the daemon's own DATETIME columns hold UTC.
// Parameters are interpolated client-side, which saves a prepare round trip
// per query; that is safe because the connection uses utf8mb4.
func DSN(dsn, password string) (string, error) {
	parsed, err := mysql.ParseDSN(dsn)
	if err != nil {
		// The driver's message can quote the DSN, password included.
		return "", fmt.Errorf("invalid database DSN %q: use the form "+
			"user:password@tcp(host:3306)/whmcs", config.RedactDSN(dsn))
	}

	if password != "" {
		parsed.Passwd = password
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
	dsn, err := DSN(cfg.DSN, cfg.Password)
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
		return nil, fmt.Errorf("connect to database %s: %w%s", config.RedactDSN(cfg.DSN), err,
			connectHint(err))
	}

	return db, nil
}

// connectHint returns what to check for a failed connection, or "".
func connectHint(err error) string {
	var mysqlErr *mysql.MySQLError
	if errors.As(err, &mysqlErr) {
		switch mysqlErr.Number {
		case 1045:
			return "; check the user name in database.dsn and the password in database.dsn " +
				"or database.password (MFA_REMINDER_DATABASE_PASSWORD or its _FILE variant)"
		case 1044, 1142:
			return "; check the database name in database.dsn and the GRANT statements " +
				"in the README"
		case 1049:
			return "; check the database name in database.dsn"
		}
		return ""
	}
	var netErr net.Error
	if errors.As(err, &netErr) || strings.Contains(err.Error(), "connection refused") {
		return "; check the host and port in database.dsn, and that MySQL is running " +
			"and reachable from this machine"
	}
	return ""
}

// driverLogger writes the MySQL driver's own messages, such as a dropped
// connection, to slog.
type driverLogger struct {
	logger *slog.Logger
}

func (d driverLogger) Print(v ...any) {
	d.logger.Warn("MySQL driver", "message", strings.TrimSpace(fmt.Sprint(v...)))
}

var driverLoggerOnce sync.Once

// SetDriverLogger sends the MySQL driver's messages to logger instead of
// standard error in the log package's format. The driver keeps one logger
// per process, so only the first call takes effect.
func SetDriverLogger(logger *slog.Logger) {
	driverLoggerOnce.Do(func() {
		_ = mysql.SetLogger(driverLogger{logger: logger})
	})
}

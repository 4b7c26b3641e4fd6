package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// WHMCSTables are the WHMCS tables the daemon reads. Nothing else of
// WHMCS is touched.
var WHMCSTables = []string{
	"tblusers", "tblusers_clients", "tblclients",
	"tblemailtemplates", "tblconfiguration", "tbladdonmodules", "tblclientgroups",
}

// ErrUnsupportedDatabase is wrapped by the error that Detect returns for a
// database that is not WHMCS 8 or newer.
var ErrUnsupportedDatabase = errors.New("unsupported database")

// WHMCSInfo describes the WHMCS installation found in the database.
type WHMCSInfo struct {
	Database string
	// Version is tblconfiguration Version, such as 8.4.0-release.1.
	Version string
	Major   int
}

// Detect checks that the database is WHMCS 8 or newer. The error for any
// other database names what was found and wraps ErrUnsupportedDatabase.
func (s *Store) Detect(ctx context.Context) (WHMCSInfo, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var info WHMCSInfo
	if err := s.db.GetContext(ctx, &info.Database, "SELECT COALESCE(DATABASE(), '')"); err != nil {
		return info, fmt.Errorf("read database name: %w", err)
	}
	if info.Database == "" {
		return info, fmt.Errorf("%w: the DSN selects no database; end it with /DATABASE",
			ErrUnsupportedDatabase)
	}

	var found []string
	err := s.db.SelectContext(ctx, &found, `
		SELECT table_name FROM information_schema.tables
		WHERE table_schema = DATABASE() AND table_name LIKE 'tbl%'
		ORDER BY table_name`)
	if err != nil {
		return info, fmt.Errorf("list tables of %s: %w", info.Database, err)
	}
	if !slices.Contains(found, "tblconfiguration") {
		return info, fmt.Errorf("%w: database %s has no tblconfiguration table, so it is not "+
			"a WHMCS database (tables found: %s); point database.dsn at the WHMCS database",
			ErrUnsupportedDatabase, info.Database, summarizeTables(found))
	}

	err = s.db.GetContext(ctx, &info.Version,
		"SELECT value FROM tblconfiguration WHERE setting = 'Version' ORDER BY value DESC LIMIT 1")
	if errors.Is(err, sql.ErrNoRows) {
		return info, fmt.Errorf("%w: database %s has a tblconfiguration table without a "+
			"Version row, so it is not a WHMCS database", ErrUnsupportedDatabase, info.Database)
	}
	if err != nil {
		return info, fmt.Errorf("read WHMCS version: %w", err)
	}

	info.Major = majorVersion(info.Version)
	if info.Major < 8 || !slices.Contains(found, "tblusers") {
		return info, fmt.Errorf("%w: database %s contains WHMCS %s, but mfa-reminder needs "+
			"WHMCS 8.0 or newer, where each login user has its own two-factor setting in "+
			"tblusers; upgrade WHMCS first", ErrUnsupportedDatabase, info.Database, info.Version)
	}
	for _, table := range WHMCSTables {
		if !slices.Contains(found, table) {
			return info, fmt.Errorf("%w: database %s contains WHMCS %s, but the MySQL user "+
				"cannot see its %s table: run that table's GRANT from the README, or check "+
				"that the table exists", ErrUnsupportedDatabase, info.Database, info.Version, table)
		}
	}

	return info, nil
}

func summarizeTables(tables []string) string {
	if len(tables) == 0 {
		return "none starting with tbl"
	}
	if len(tables) > 8 {
		return strings.Join(tables[:8], ", ") + fmt.Sprintf(" and %d more", len(tables)-8)
	}
	return strings.Join(tables, ", ")
}

// majorVersion returns the leading number of a version such as
// 8.4.0-release.1, or 0 when there is none.
func majorVersion(version string) int {
	head, _, _ := strings.Cut(strings.TrimSpace(version), ".")
	major, err := strconv.Atoi(head)
	if err != nil {
		return 0
	}
	return major
}

// SystemSettings are the tblconfiguration values the daemon uses.
type SystemSettings struct {
	Version          string
	Language         string
	SystemURL        string
	RouteUriPathMode string
	CompanyName      string
	Email            string
	Signature        string
	EmailCSS         string
	EmailHeader      string
	EmailFooter      string
	Domain           string
	LogoURL          string
	Charset          string
	// TwoFactorSettings is the PHP-serialised 2fasettings value.
	TwoFactorSettings string
}

// SystemSettings reads the tblconfiguration rows the daemon uses. Missing
// rows read as empty strings.
func (s *Store) SystemSettings(ctx context.Context) (SystemSettings, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var rows []struct {
		Setting string `db:"setting"`
		Value   string `db:"value"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT setting, value FROM tblconfiguration
		WHERE setting IN ('Version', 'Language', 'SystemURL', 'RouteUriPathMode',
			'CompanyName', 'Email', 'Signature', 'EmailCSS', 'EmailGlobalHeader',
			'EmailGlobalFooter', 'Domain', 'LogoURL', 'Charset', '2fasettings')`)
	if err != nil {
		return SystemSettings{}, fmt.Errorf("read tblconfiguration: %w", err)
	}

	var settings SystemSettings
	fields := map[string]*string{
		"Version":           &settings.Version,
		"Language":          &settings.Language,
		"SystemURL":         &settings.SystemURL,
		"RouteUriPathMode":  &settings.RouteUriPathMode,
		"CompanyName":       &settings.CompanyName,
		"Email":             &settings.Email,
		"Signature":         &settings.Signature,
		"EmailCSS":          &settings.EmailCSS,
		"EmailGlobalHeader": &settings.EmailHeader,
		"EmailGlobalFooter": &settings.EmailFooter,
		"Domain":            &settings.Domain,
		"LogoURL":           &settings.LogoURL,
		"Charset":           &settings.Charset,
		"2fasettings":       &settings.TwoFactorSettings,
	}
	for _, row := range rows {
		if field, ok := fields[row.Setting]; ok {
			*field = row.Value
		}
	}

	return settings, nil
}

// AddonModule is the tbladdonmodules module name of the WHMCS addon.
const AddonModule = "mfa_reminder"

// AddonSettings returns the WHMCS addon's settings by name. A setting the
// admin never saved has no entry.
func (s *Store) AddonSettings(ctx context.Context) (map[string]string, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var rows []struct {
		Setting string `db:"setting"`
		Value   string `db:"value"`
	}
	err := s.db.SelectContext(ctx, &rows,
		"SELECT setting, value FROM tbladdonmodules WHERE module = ? ORDER BY id", AddonModule)
	if err != nil {
		return nil, fmt.Errorf("read tbladdonmodules: %w", err)
	}

	settings := make(map[string]string, len(rows))
	for _, row := range rows {
		settings[row.Setting] = row.Value
	}
	return settings, nil
}

// columnsRead lists, per WHMCS table, the columns the daemon reads.
var columnsRead = map[string]string{
	"tblusers":          "id, first_name, last_name, email, language, second_factor, last_login",
	"tblusers_clients":  "id, auth_user_id, client_id, owner",
	"tblclients":        "id, firstname, lastname, companyname, status, language, groupid",
	"tblemailtemplates": "id, type, name, subject, message, fromname, fromemail, copyto, blind_copy_to, language, disabled, plaintext",
	"tblconfiguration":  "setting, value",
	"tbladdonmodules":   "module, setting, value",
	"tblclientgroups":   "id, groupname",
}

// CheckSelect runs a SELECT of the columns the daemon reads from table,
// which fails when a column is missing or the MySQL user lacks the
// SELECT privilege.
func (s *Store) CheckSelect(ctx context.Context, table string) error {
	columns, ok := columnsRead[table]
	if !ok {
		return fmt.Errorf("%s is not a table the daemon reads", table)
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	rows, err := s.db.QueryContext(ctx, "SELECT "+columns+" FROM "+table+" LIMIT 1")
	if err != nil {
		return fmt.Errorf("SELECT %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

// ServerVersion returns the MySQL server's version string.
func (s *Store) ServerVersion(ctx context.Context) (string, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var version string
	if err := s.db.GetContext(ctx, &version, "SELECT VERSION()"); err != nil {
		return "", fmt.Errorf("read server version: %w", err)
	}
	return version, nil
}

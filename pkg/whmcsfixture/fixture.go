// Package whmcsfixture creates WHMCS databases on a MySQL server and fills
// them with clients, users and templates. Tests and the demo use it; the
// daemon never does.
package whmcsfixture

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"
)

//go:embed schema/*.sql
var schemaFiles embed.FS

// Schema is a WHMCS database layout.
type Schema struct {
	File    string
	Version string
}

// Schemas of real WHMCS releases, created from their CREATE TABLE
// statements.
var (
	WHMCS84    = Schema{File: "schema/whmcs-8.4.sql", Version: "8.4.0-release.1"}
	WHMCS8Late = Schema{File: "schema/whmcs-8-late.sql", Version: "8.13.1-release.1"}
	WHMCS78    = Schema{File: "schema/whmcs-7.8.sql", Version: "7.8.3-release.1"}
)

// WHMCSTables lists every table that the schema files create.
var WHMCSTables = []string{
	"tblusers", "tblusers_clients", "tblclients", "tblclientgroups", "tblemailtemplates",
	"tblconfiguration", "tblemails", "tblactivitylog", "tbladmins", "tbladdonmodules",
}

// Fixture is one WHMCS database.
type Fixture struct {
	// Name is the database name.
	Name string
	// DSN connects to the database with the server credentials.
	DSN string
	// DB is a connection with WHMCS's non-strict sql_mode, for inserting
	// rows the way WHMCS does.
	DB *sqlx.DB

	server *sqlx.DB
}

// RandomName returns a database name with prefix and a random suffix.
func RandomName(prefix string) string {
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	return prefix + hex.EncodeToString(suffix)
}

// Create creates the database name on the server that serverDSN reaches,
// replacing any database of that name, loads schema and the usual
// tblconfiguration rows.
func Create(ctx context.Context, serverDSN, name string, schema Schema) (*Fixture, error) {
	serverConfig, err := mysql.ParseDSN(serverDSN)
	if err != nil {
		return nil, fmt.Errorf("parse server DSN: %w", err)
	}
	serverConfig.DBName = ""
	serverConfig.ParseTime = true
	serverConfig.Loc = time.UTC
	serverConfig.Params = map[string]string{"time_zone": "'+00:00'"}

	server, err := sqlx.Open("mysql", serverConfig.FormatDSN())
	if err != nil {
		return nil, fmt.Errorf("open server connection: %w", err)
	}
	if err := server.PingContext(ctx); err != nil {
		server.Close()
		return nil, fmt.Errorf("connect to MySQL at %s: %w", serverConfig.Addr, err)
	}

	quoted := "`" + strings.ReplaceAll(name, "`", "``") + "`"
	for _, statement := range []string{
		"DROP DATABASE IF EXISTS " + quoted,
		"CREATE DATABASE " + quoted + " CHARACTER SET utf8 COLLATE utf8_unicode_ci",
	} {
		if _, err := server.ExecContext(ctx, statement); err != nil {
			server.Close()
			return nil, fmt.Errorf("create database %s: %w", name, err)
		}
	}

	dbConfig := serverConfig.Clone()
	dbConfig.DBName = name
	// WHMCS runs without strict mode, and its schema has zero-date defaults.
	dbConfig.Params["sql_mode"] = "'NO_AUTO_VALUE_ON_ZERO'"
	dbConfig.Params["charset"] = "utf8mb4"
	db, err := sqlx.Open("mysql", dbConfig.FormatDSN())
	if err != nil {
		server.Close()
		return nil, fmt.Errorf("open database %s: %w", name, err)
	}

	plainConfig := serverConfig.Clone()
	plainConfig.DBName = name
	plainConfig.Params = nil
	plainConfig.ParseTime = false
	fixture := &Fixture{Name: name, DSN: plainConfig.FormatDSN(), DB: db, server: server}

	if err := fixture.load(ctx, schema); err != nil {
		fixture.Close()
		return nil, err
	}
	return fixture, nil
}

func (f *Fixture) load(ctx context.Context, schema Schema) error {
	for _, file := range []string{schema.File, "schema/settings.sql"} {
		data, err := schemaFiles.ReadFile(file)
		if err != nil {
			return fmt.Errorf("read %s: %w", file, err)
		}
		for _, statement := range splitStatements(string(data)) {
			if _, err := f.DB.ExecContext(ctx, statement); err != nil {
				return fmt.Errorf("load %s into %s: %w", file, f.Name, err)
			}
		}
	}
	return f.SetConfig(ctx, "Version", schema.Version)
}

// splitStatements splits SQL text at semicolons that end a line, and drops
// comment lines.
func splitStatements(text string) []string {
	var statements []string
	var current strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		current.WriteString(line)
		current.WriteString("\n")
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			statements = append(statements, strings.TrimSpace(current.String()))
			current.Reset()
		}
	}
	if rest := strings.TrimSpace(current.String()); rest != "" {
		statements = append(statements, rest)
	}
	return statements
}

// Close closes the connections and keeps the database.
func (f *Fixture) Close() {
	f.DB.Close()
	f.server.Close()
}

// Drop removes the database and closes the connections.
func (f *Fixture) Drop(ctx context.Context) error {
	f.DB.Close()
	defer f.server.Close()
	_, err := f.server.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+f.Name+"`")
	if err != nil {
		return fmt.Errorf("drop database %s: %w", f.Name, err)
	}
	return nil
}

// Server returns the server-level connection, for statements such as
// CREATE USER.
func (f *Fixture) Server() *sqlx.DB {
	return f.server
}

// Checksums returns CHECKSUM TABLE of every WHMCS table, by table name.
func (f *Fixture) Checksums(ctx context.Context) (map[string]int64, error) {
	sums := make(map[string]int64, len(WHMCSTables))
	for _, table := range WHMCSTables {
		var row struct {
			Table    string `db:"Table"`
			Checksum *int64 `db:"Checksum"`
		}
		if err := f.DB.GetContext(ctx, &row, "CHECKSUM TABLE "+table); err != nil {
			return nil, fmt.Errorf("checksum %s: %w", table, err)
		}
		if row.Checksum == nil {
			return nil, fmt.Errorf("checksum %s: table does not exist", table)
		}
		sums[table] = *row.Checksum
	}
	return sums, nil
}

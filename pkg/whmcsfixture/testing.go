package whmcsfixture

import (
	"context"
	"os"
	"testing"
	"time"
)

// ServerDSN returns the MySQL server that tests use: MFA_REMINDER_TEST_DSN,
// else root without a password on 127.0.0.1:3306.
func ServerDSN() string {
	if dsn := os.Getenv("MFA_REMINDER_TEST_DSN"); dsn != "" {
		return dsn
	}
	return "root@tcp(127.0.0.1:3306)/"
}

// T is a Fixture for one test: every helper fails the test on error, and
// the database is dropped when the test ends.
type T struct {
	*Fixture
	t testing.TB
}

// New creates a WHMCS 8.4 database, or one with the given schema, for the
// test t.
func New(t testing.TB, schema ...Schema) *T {
	t.Helper()
	chosen := WHMCS84
	if len(schema) > 0 {
		chosen = schema[0]
	}

	ctx := context.Background()
	fixture, err := Create(ctx, ServerDSN(), RandomName("mfa_test_"), chosen)
	if err != nil {
		t.Fatalf("create WHMCS test database: %v", err)
	}
	t.Cleanup(func() {
		if err := fixture.Drop(context.Background()); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})

	return &T{Fixture: fixture, t: t}
}

func (x *T) check(err error) {
	x.t.Helper()
	if err != nil {
		x.t.Fatal(err)
	}
}

// Client inserts a client account and returns its id.
func (x *T) Client(c Client) int64 {
	x.t.Helper()
	id, err := x.AddClient(context.Background(), c)
	x.check(err)
	return id
}

// User inserts a user and returns its id.
func (x *T) User(u User) int64 {
	x.t.Helper()
	id, err := x.AddUser(context.Background(), u)
	x.check(err)
	return id
}

// LinkUser links a user to a client account.
func (x *T) LinkUser(userID, clientID int64, owner bool) {
	x.t.Helper()
	x.check(x.Link(context.Background(), userID, clientID, owner))
}

// Owner inserts a client account owned by a new user, and returns both ids.
func (x *T) Owner(u User, c Client) (userID, clientID int64) {
	x.t.Helper()
	clientID = x.Client(c)
	userID = x.User(u)
	x.LinkUser(userID, clientID, true)
	return userID, clientID
}

// SubUser inserts a user linked to clientID as a sub-user, and returns its id.
func (x *T) SubUser(u User, clientID int64) int64 {
	x.t.Helper()
	userID := x.User(u)
	x.LinkUser(userID, clientID, false)
	return userID
}

// Config sets a tblconfiguration value.
func (x *T) Config(setting, value string) {
	x.t.Helper()
	x.check(x.SetConfig(context.Background(), setting, value))
}

// Addon sets an addon setting in tbladdonmodules.
func (x *T) Addon(setting, value string) {
	x.t.Helper()
	x.check(x.SetAddon(context.Background(), setting, value))
}

// Template inserts an email template and returns its id.
func (x *T) Template(tpl Template) int64 {
	x.t.Helper()
	id, err := x.AddTemplate(context.Background(), tpl)
	x.check(err)
	return id
}

// EnableMFA sets tblusers.second_factor to module.
func (x *T) EnableMFA(userID int64, module string) {
	x.t.Helper()
	x.check(x.SetUserSecondFactor(context.Background(), userID, module))
}

// Login sets tblusers.last_login.
func (x *T) Login(userID int64, at time.Time) {
	x.t.Helper()
	x.check(x.SetUserLastLogin(context.Background(), userID, at))
}

// Sums returns CHECKSUM TABLE of every WHMCS table.
func (x *T) Sums() map[string]int64 {
	x.t.Helper()
	sums, err := x.Checksums(context.Background())
	x.check(err)
	return sums
}

package store_test

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/database"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

// benchUsers is the number of account owners in the benchmark database,
// from MFA_REMINDER_BENCH_USERS; a third as many sub-users come on top.
func benchUsers() int {
	if n, err := strconv.Atoi(os.Getenv("MFA_REMINDER_BENCH_USERS")); err == nil && n > 0 {
		return n
	}
	return 200000
}

var (
	benchOnce    sync.Once
	benchFixture *whmcsfixture.Fixture
	benchStore   *store.Store
	benchErr     error
)

// TestMain drops the benchmark database after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchFixture != nil {
		_ = benchFixture.Drop(context.Background())
	}
	os.Exit(code)
}

// bigStore returns a store on a WHMCS database with benchUsers owners and
// their accounts, built once per test binary with MariaDB's sequence
// engine: a quarter have MFA, a tenth of the accounts are Inactive, a
// third never logged in.
func bigStore(b *testing.B) *store.Store {
	b.Helper()
	benchOnce.Do(func() {
		ctx := context.Background()
		n := strconv.Itoa(benchUsers())
		benchFixture, benchErr = whmcsfixture.Create(ctx, whmcsfixture.ServerDSN(),
			whmcsfixture.RandomName("mfa_bench_"), whmcsfixture.WHMCS84)
		if benchErr != nil {
			return
		}
		for _, statement := range []string{
			`INSERT INTO tblclients (firstname, lastname, companyname, email, status, language,
				groupid, datecreated)
			SELECT CONCAT('First', seq), CONCAT('Last', seq), CONCAT('Company ', seq),
				CONCAT('client', seq, '@example.test'), IF(seq % 10 = 0, 'Inactive', 'Active'),
				'', seq % 5, CURDATE()
			FROM seq_1_to_` + n,
			`INSERT INTO tblusers (first_name, last_name, email, second_factor, last_login)
			SELECT CONCAT('First', seq), CONCAT('Last', seq), CONCAT('user', seq, '@example.test'),
				IF(seq % 4 = 0, 'totp', ''),
				IF(seq % 3 = 0, NULL, UTC_TIMESTAMP() - INTERVAL seq MINUTE)
			FROM seq_1_to_` + n,
			`INSERT INTO tblusers_clients (auth_user_id, client_id, owner)
			SELECT seq, seq, 1 FROM seq_1_to_` + n,
			`INSERT INTO tblusers (first_name, last_name, email, second_factor)
			SELECT CONCAT('Sub', seq), CONCAT('Last', seq), CONCAT('sub', seq, '@example.test'), ''
			FROM seq_1_to_` + n + ` WHERE seq % 3 = 0`,
			`INSERT INTO tblusers_clients (auth_user_id, client_id, owner)
			SELECT u.id, u.id % ` + n + ` + 1, 0 FROM tblusers u WHERE u.first_name LIKE 'Sub%'`,
		} {
			if _, benchErr = benchFixture.DB.ExecContext(ctx, statement); benchErr != nil {
				return
			}
		}

		cfg := config.Default().Database
		cfg.DSN = benchFixture.DSN
		db, err := database.Open(ctx, cfg)
		if err != nil {
			benchErr = err
			return
		}
		benchStore = store.New(db, []string{"Active"}, time.Minute)
		_, benchErr = benchStore.Migrate(ctx)
	})
	if benchErr != nil {
		b.Skipf("benchmark database (needs MariaDB's sequence engine): %v", benchErr)
	}
	return benchStore
}

// BenchmarkUserByID measures the lookup behind every alert request.
func BenchmarkUserByID(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	users := int64(benchUsers())
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := s.User(ctx, int64(i)%users+1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrimaryKeyLookup is the floor for BenchmarkUserByID: one
// tblusers row by primary key on the same connection pool.
func BenchmarkPrimaryKeyLookup(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	users := int64(benchUsers())
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		var email string
		err := s.DB().GetContext(ctx, &email, "SELECT email FROM tblusers WHERE id = ?",
			int64(i)%users+1)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListUsers measures one page of the user list, first and deep,
// by the sort orders with and without an index.
func BenchmarkListUsers(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	// Deep positions: about nine tenths into the id order, and late in the
	// string orders.
	deep := map[string]string{
		"id":         strconv.Itoa(benchUsers() * 9 / 10),
		"email":      "user9",
		"name":       "First9",
		"last_login": time.Now().UTC().Add(-time.Hour).Format(time.DateTime),
	}
	for _, sort := range []string{"id", "email", "name", "last_login"} {
		b.Run("first page by "+sort, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.ListUsers(ctx, store.UserQuery{Sort: sort, Limit: 50}); err != nil {
					b.Fatal(err)
				}
			}
		})
		q := store.UserQuery{Sort: sort, Limit: 50, After: &store.Cursor{Value: deep[sort], ID: 1}}
		b.Run("deep page by "+sort, func(b *testing.B) {
			for b.Loop() {
				page, err := s.ListUsers(ctx, q)
				if err != nil || len(page.Users) == 0 {
					b.Fatalf("deep page: %d users, %v", len(page.Users), err)
				}
			}
		})
	}
}

// BenchmarkStats measures the adoption figures over every user.
func BenchmarkStats(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Stats(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEachUser measures a full export of the users without MFA, as
// /users.csv reads it. Allocations per run grow with the users, while
// live memory stays at one page.
func BenchmarkEachUser(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	for b.Loop() {
		rows := 0
		err := s.EachUser(ctx, store.UserQuery{Sort: "id"}, func(store.User, []store.Account) error {
			rows++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rows), "users")
	}
}

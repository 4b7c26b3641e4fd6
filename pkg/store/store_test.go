package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/database"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

func openStore(t *testing.T, fx *whmcsfixture.T, statuses ...string) *store.Store {
	t.Helper()
	if len(statuses) == 0 {
		statuses = []string{"Active"}
	}
	cfg := config.Default().Database
	cfg.DSN = fx.DSN
	db, err := database.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { db.Close() })

	s := store.New(db, statuses, 10*time.Second)
	if _, err := s.Detect(context.Background()); err != nil {
		t.Fatalf("detect WHMCS: %v", err)
	}
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

func TestUserScopeAndMFA(t *testing.T) {
	fx := whmcsfixture.New(t)
	ownerID, clientID := fx.Owner(
		whmcsfixture.User{FirstName: "Olga", Email: "olga@example.test", SecondFactor: "totp"},
		whmcsfixture.Client{FirstName: "Olga", CompanyName: "Olga GmbH", Language: "german"})
	subID := fx.SubUser(whmcsfixture.User{FirstName: "Sam", Email: "sam@example.test"}, clientID)
	closedOnlyID, _ := fx.Owner(whmcsfixture.User{Email: "closed@example.test"},
		whmcsfixture.Client{Status: "Closed"})
	loneID := fx.User(whmcsfixture.User{Email: "lone@example.test"})
	thirdPartyID, _ := fx.Owner(
		whmcsfixture.User{Email: "duo@example.test", SecondFactor: " dct_totp_2fa "},
		whmcsfixture.Client{})

	s := openStore(t, fx)
	ctx := context.Background()

	tests := []struct {
		name    string
		id      int64
		inScope bool
		hasMFA  bool
		owner   bool
	}{
		{"owner with MFA", ownerID, true, true, true},
		{"sub-user without MFA", subID, true, false, false},
		{"user of closed account only", closedOnlyID, false, false, false},
		{"user with no account", loneID, false, false, false},
		{"third-party second factor", thirdPartyID, true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, err := s.User(ctx, tt.id)
			if err != nil {
				t.Fatalf("User(%d): %v", tt.id, err)
			}
			if user.InScope() != tt.inScope {
				t.Errorf("InScope() = %v, want %v", user.InScope(), tt.inScope)
			}
			if user.HasMFA() != tt.hasMFA {
				t.Errorf("HasMFA() = %v, want %v", user.HasMFA(), tt.hasMFA)
			}
			if user.Owner != tt.owner {
				t.Errorf("Owner = %v, want %v", user.Owner, tt.owner)
			}
		})
	}

	sub, err := s.User(ctx, subID)
	if err != nil {
		t.Fatal(err)
	}
	if sub.ClientLanguage != "german" || sub.CompanyName != "Olga GmbH" {
		t.Errorf("sub-user account = %q/%q, want german/Olga GmbH", sub.ClientLanguage, sub.CompanyName)
	}

	if _, err := s.User(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("User(999999) error = %v, want ErrNotFound", err)
	}
}

func TestZeroDatesReadAsNever(t *testing.T) {
	fx := whmcsfixture.New(t)
	zero := whmcsfixture.ZeroDate
	userID, _ := fx.Owner(whmcsfixture.User{Email: "z@example.test", LastLogin: &zero},
		whmcsfixture.Client{LastLogin: &zero})
	nullID, _ := fx.Owner(whmcsfixture.User{Email: "n@example.test"}, whmcsfixture.Client{})

	s := openStore(t, fx)
	for _, id := range []int64{userID, nullID} {
		user, err := s.User(context.Background(), id)
		if err != nil {
			t.Fatalf("User(%d): %v", id, err)
		}
		if user.LastLogin.Valid {
			t.Errorf("user %d LastLogin = %v, want never", id, user.LastLogin.Time)
		}
	}
}

func TestStats(t *testing.T) {
	fx := whmcsfixture.New(t)
	_, clientA := fx.Owner(whmcsfixture.User{Email: "a@example.test", SecondFactor: "totp"},
		whmcsfixture.Client{})
	fx.SubUser(whmcsfixture.User{Email: "a2@example.test"}, clientA)
	fx.SubUser(whmcsfixture.User{Email: "a3@example.test", SecondFactor: "yubico"}, clientA)
	fx.Owner(whmcsfixture.User{Email: "b@example.test"}, whmcsfixture.Client{})
	fx.Owner(whmcsfixture.User{Email: "c@example.test", SecondFactor: "totp"},
		whmcsfixture.Client{Status: "Closed"})
	fx.User(whmcsfixture.User{Email: "d@example.test"})

	s := openStore(t, fx)
	stats, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	if stats.TotalUsers != 4 || stats.WithMFA != 2 || stats.WithoutMFA != 2 {
		t.Errorf("stats = %+v, want 4 users, 2 with MFA", stats.Adoption)
	}
	if stats.Owners.TotalUsers != 2 || stats.Owners.WithMFA != 1 {
		t.Errorf("owners = %+v, want 2 owners, 1 with MFA", stats.Owners)
	}
	if stats.SubUsers.TotalUsers != 2 || stats.SubUsers.WithMFA != 1 {
		t.Errorf("sub-users = %+v, want 2 sub-users, 1 with MFA", stats.SubUsers)
	}

	encoded, err := json.Marshal(stats)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(encoded), `"adoption_percent":50.0`) {
		t.Errorf("JSON %s lacks adoption_percent 50.0", encoded)
	}
}

func TestDetectRejectsOtherDatabases(t *testing.T) {
	fx7 := whmcsfixture.New(t, whmcsfixture.WHMCS78)
	cfg := config.Default().Database
	cfg.DSN = fx7.DSN
	db, err := database.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	_, err = store.New(db, []string{"Active"}, time.Second).Detect(context.Background())
	if !errors.Is(err, store.ErrUnsupportedDatabase) {
		t.Fatalf("Detect on WHMCS 7.8 error = %v, want ErrUnsupportedDatabase", err)
	}
	if !strings.Contains(err.Error(), "7.8.3-release.1") {
		t.Errorf("error %q does not name the version found", err)
	}

	if _, err := fx7.DB.Exec("DROP TABLE tblconfiguration"); err != nil {
		t.Fatal(err)
	}
	_, err = store.New(db, []string{"Active"}, time.Second).Detect(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not a WHMCS database") {
		t.Errorf("Detect without tblconfiguration error = %v, want 'not a WHMCS database'", err)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	fx := whmcsfixture.New(t)
	s := openStore(t, fx)
	applied, err := s.Migrate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if applied != 0 {
		t.Errorf("second Migrate applied %d migrations, want 0", applied)
	}
	if err := s.CheckWritable(context.Background()); err != nil {
		t.Errorf("CheckWritable: %v", err)
	}
}

func TestNullStringColumnsReadAsEmpty(t *testing.T) {
	fx := whmcsfixture.New(t)
	userID, _ := fx.Owner(whmcsfixture.User{Email: "null@example.test"}, whmcsfixture.Client{})
	for _, statement := range []string{
		"ALTER TABLE tblusers MODIFY first_name varchar(255) NULL, MODIFY language varchar(32) NULL",
		"UPDATE tblusers SET first_name = NULL, language = NULL",
	} {
		if _, err := fx.DB.Exec(statement); err != nil {
			t.Fatal(err)
		}
	}
	s := openStore(t, fx)

	user, err := s.User(context.Background(), userID)
	if err != nil {
		t.Fatalf("User with NULL name and language: %v", err)
	}
	if user.FirstName != "" || user.Language != "" {
		t.Errorf("NULL columns read as %q and %q, want empty", user.FirstName, user.Language)
	}
	due, err := s.DueUsers(context.Background(), time.Now(), 0, 10)
	if err != nil || len(due) != 1 {
		t.Errorf("DueUsers = %d users (%v), want 1", len(due), err)
	}
}

func TestCoverageEffectAndSnapshots(t *testing.T) {
	fx := whmcsfixture.New(t)
	allUser, allClient := fx.Owner(whmcsfixture.User{Email: "a1@example.test", SecondFactor: "totp"},
		whmcsfixture.Client{})
	fx.SubUser(whmcsfixture.User{Email: "a2@example.test", SecondFactor: "totp"}, allClient)
	_, mixedClient := fx.Owner(whmcsfixture.User{Email: "m1@example.test", SecondFactor: "totp"},
		whmcsfixture.Client{})
	fx.SubUser(whmcsfixture.User{Email: "m2@example.test"}, mixedClient)
	noneUser, _ := fx.Owner(whmcsfixture.User{Email: "n1@example.test"}, whmcsfixture.Client{})
	fx.Owner(whmcsfixture.User{Email: "closed@example.test"}, whmcsfixture.Client{Status: "Closed"})
	s := openStore(t, fx)
	ctx := context.Background()

	coverage, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if coverage != (store.Coverage{Accounts: 3, AllMFA: 1, NoMFA: 1}) {
		t.Errorf("coverage = %+v, want 3 accounts, 1 all, 1 none", coverage)
	}

	now := time.Now()
	for _, reminded := range []struct {
		user int64
		at   time.Time
	}{{allUser, now.AddDate(0, 0, -10)}, {noneUser, now.AddDate(0, 0, -10)},
		{noneUser, now.AddDate(0, 0, -60)}} {
		id, err := s.ClaimSend(ctx, store.Send{UserID: reminded.user, Trigger: store.TriggerSchedule},
			reminded.at)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CompleteSend(ctx, id, reminded.user, store.SendSent, "250 ok", reminded.at); err != nil {
			t.Fatal(err)
		}
	}
	effect, err := s.ReminderEffect(ctx, now, 30)
	if err != nil {
		t.Fatal(err)
	}
	if effect.Reminded != 2 || effect.Enabled != 1 {
		t.Errorf("30-day effect = %+v, want 2 reminded and 1 with MFA now", effect)
	}

	today := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	for _, day := range []time.Time{today.AddDate(0, 0, -1), today, today} {
		if _, err := s.TakeSnapshot(ctx, day, now); err != nil {
			t.Fatal(err)
		}
	}
	snapshots, err := s.Snapshots(ctx, today.AddDate(0, 0, -90))
	if err != nil {
		t.Fatal(err)
	}
	if len(snapshots) != 2 {
		t.Fatalf("got %d snapshots, want one per day: 2", len(snapshots))
	}
	if latest := snapshots[1]; latest.TotalUsers != 5 || latest.WithMFA != 3 || latest.AccountsAllMFA != 1 {
		t.Errorf("snapshot = %+v, want 5 users, 3 with MFA, 1 account all MFA", latest)
	}
}

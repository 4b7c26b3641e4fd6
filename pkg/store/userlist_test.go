package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mfa-reminder/mfa-reminder/pkg/store"
	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

// pageThrough lists every page of q forward and returns the emails in
// order, checking that paging backward from the end gives the same pages.
func pageThrough(t *testing.T, s *store.Store, q store.UserQuery) []string {
	t.Helper()
	ctx := context.Background()
	var forward [][]string
	for {
		page, err := s.ListUsers(ctx, q)
		if err != nil {
			t.Fatalf("ListUsers(%+v): %v", q, err)
		}
		forward = append(forward, emails(page.Users))
		if page.Next == nil {
			break
		}
		if len(forward) > 100 {
			t.Fatal("paging does not end")
		}
		q.After, q.Before = page.Next, nil
	}

	// Walk back from the last page with Before cursors.
	last, err := s.ListUsers(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(forward) - 2; i >= 0 && last.Prev != nil; i-- {
		q.After, q.Before = nil, last.Prev
		previous, err := s.ListUsers(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(emails(previous.Users), forward[i]) {
			t.Errorf("page %d backward = %v, forward = %v", i, emails(previous.Users), forward[i])
		}
		last = previous
	}

	var all []string
	for _, page := range forward {
		all = append(all, page...)
	}
	return all
}

func emails(users []store.User) []string {
	list := make([]string, len(users))
	for i, user := range users {
		list[i] = user.Email
	}
	return list
}

func TestListUsersSortsAndPages(t *testing.T) {
	fx := whmcsfixture.New(t)
	names := []string{"Cleo", "anna", "Bert", "Anna", "dora", "Emil", "Bert"}
	for i, name := range names {
		login := time.Date(2026, 1, 1+i%3, 0, 0, 0, 0, time.UTC)
		user := whmcsfixture.User{FirstName: name, Email: fmt.Sprintf("u%d@example.test", i)}
		if i%2 == 0 {
			user.LastLogin = &login
		}
		fx.Owner(user, whmcsfixture.Client{})
	}
	fx.Owner(whmcsfixture.User{FirstName: "Mfa", Email: "mfa@example.test", SecondFactor: "totp"},
		whmcsfixture.Client{})
	s := openStore(t, fx)

	for _, sort := range store.SortKeys {
		for _, descending := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s descending=%v", sort, descending), func(t *testing.T) {
				q := store.UserQuery{Sort: sort, Descending: descending, Limit: 2}
				got := pageThrough(t, s, q)
				if len(got) != len(names) {
					t.Fatalf("listed %d users %v, want %d", len(got), got, len(names))
				}
				seen := map[string]bool{}
				for _, email := range got {
					if seen[email] {
						t.Errorf("%s listed twice", email)
					}
					seen[email] = true
				}
				if seen["mfa@example.test"] {
					t.Error("a user with MFA is listed")
				}
			})
		}
	}

	byName := pageThrough(t, s, store.UserQuery{Sort: "name", Limit: 3})
	want := []string{"u1@example.test", "u3@example.test", "u2@example.test",
		"u6@example.test", "u0@example.test", "u4@example.test", "u5@example.test"}
	if !slices.Equal(byName, want) {
		t.Errorf("by name = %v, want %v", byName, want)
	}
}

func TestListUsersFilters(t *testing.T) {
	fx := whmcsfixture.New(t)
	goldOwner, gold := fx.Owner(whmcsfixture.User{FirstName: "Gold", LastName: "Owner",
		Email: "gold@example.test"}, whmcsfixture.Client{GroupID: 7})
	fx.SubUser(whmcsfixture.User{FirstName: "Gold", LastName: "Sub", Email: "gold.sub@example.test"}, gold)
	fx.Owner(whmcsfixture.User{FirstName: "Plain", Email: "100%_plain@example.test"}, whmcsfixture.Client{})
	fx.Owner(whmcsfixture.User{FirstName: "Idle", Email: "idle@example.test"},
		whmcsfixture.Client{Status: "Inactive"})
	s := openStore(t, fx, "Active", "Inactive")

	reminded, err := s.ClaimSend(context.Background(), store.Send{UserID: goldOwner,
		Email: "gold@example.test", Trigger: store.TriggerCLI}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CompleteSend(context.Background(), reminded, goldOwner, store.SendSent, "250 ok",
		time.Now()); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		q    store.UserQuery
		want []string
	}{
		{"search by name", store.UserQuery{Search: "gold su"}, []string{"gold.sub@example.test"}},
		{"search with LIKE characters", store.UserQuery{Search: "100%_"},
			[]string{"100%_plain@example.test"}},
		{"percent alone matches only literal percent", store.UserQuery{Search: "%"},
			[]string{"100%_plain@example.test"}},
		{"owners", store.UserQuery{Role: store.RoleOwner, Sort: "email"},
			[]string{"100%_plain@example.test", "gold@example.test", "idle@example.test"}},
		{"sub-users", store.UserQuery{Role: store.RoleSubUser}, []string{"gold.sub@example.test"}},
		{"client status", store.UserQuery{ClientStatus: "Inactive"}, []string{"idle@example.test"}},
		{"client group", store.UserQuery{ClientGroup: 7, Sort: "email"},
			[]string{"gold.sub@example.test", "gold@example.test"}},
		{"never reminded", store.UserQuery{Reminded: store.RemindedNever, Role: store.RoleOwner,
			Sort: "email"}, []string{"100%_plain@example.test", "idle@example.test"}},
		{"reminded and still without MFA", store.UserQuery{Reminded: store.RemindedStill},
			[]string{"gold@example.test"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pageThrough(t, s, tt.q)
			if !slices.Equal(got, tt.want) {
				t.Errorf("listed %v, want %v", got, tt.want)
			}
			count, err := s.CountUsers(context.Background(), tt.q)
			if err != nil || count != len(tt.want) {
				t.Errorf("CountUsers = %d (%v), want %d", count, err, len(tt.want))
			}
		})
	}
}

func TestListUsersRejectsBadQuery(t *testing.T) {
	fx := whmcsfixture.New(t)
	s := openStore(t, fx)
	for _, q := range []store.UserQuery{
		{Sort: "email; DROP TABLE tblusers"},
		{Role: "admin"},
		{Reminded: "sometimes"},
		{ClientStatus: "Closed"},
	} {
		if _, err := s.ListUsers(context.Background(), q); err == nil {
			t.Errorf("ListUsers(%+v) returned no error", q)
		}
	}
	if _, err := store.DecodeCursor("not-a-cursor"); err == nil {
		t.Error("DecodeCursor accepted garbage")
	}
}

package reminder_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"github.com/mfa-reminder/mfa-reminder/pkg/reminder"
	"github.com/mfa-reminder/mfa-reminder/pkg/settings"
	"github.com/mfa-reminder/mfa-reminder/pkg/stacktest"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

// pass runs one reminder pass with the clock set to at.
func pass(t *testing.T, h *stacktest.Stack, at time.Time) reminder.Summary {
	t.Helper()
	h.Runner.SetClock(func() time.Time { return at })
	summary, err := h.Runner.Run(context.Background(), reminder.Options{Trigger: store.TriggerCLI})
	if err != nil {
		t.Fatalf("pass at %s: %v", at, err)
	}
	return summary
}

func TestFrequencyDays(t *testing.T) {
	h := stacktest.New(t)
	h.FX.Owner(whmcsfixture.User{Email: "f@example.test"}, whmcsfixture.Client{})
	h.FX.Addon("frequency_days", "7")
	start := time.Now().UTC().Truncate(time.Second)

	tests := []struct {
		name     string
		at       time.Time
		wantSent int
	}{
		{"first pass", start, 1},
		{"six days later", start.Add(6 * 24 * time.Hour), 0},
		{"one second short of seven days", start.Add(7*24*time.Hour - time.Second), 0},
		{"seven days later", start.Add(7 * 24 * time.Hour), 1},
		{"the day after", start.Add(8 * 24 * time.Hour), 0},
	}
	for _, tt := range tests {
		summary := pass(t, h, tt.at)
		if summary.Sent != tt.wantSent || summary.Due != tt.wantSent {
			t.Errorf("%s: %s, want %d due and sent", tt.name, summary.Line(), tt.wantSent)
		}
	}
	if n := len(h.SMTP.Messages()); n != 2 {
		t.Errorf("server received %d messages, want 2", n)
	}
}

func TestUserWhoEnablesMFAIsNotRemindedAgain(t *testing.T) {
	h := stacktest.New(t)
	user, _ := h.FX.Owner(whmcsfixture.User{Email: "m@example.test"}, whmcsfixture.Client{})
	start := time.Now().UTC()

	if summary := pass(t, h, start); summary.Sent != 1 {
		t.Fatalf("first pass: %s, want 1 sent", summary.Line())
	}
	h.FX.EnableMFA(user, "totp")
	if summary := pass(t, h, start.Add(60*24*time.Hour)); summary.Due != 0 {
		t.Errorf("pass after MFA was enabled: %s, want nothing due", summary.Line())
	}
}

func TestOnlyOnePassAtATime(t *testing.T) {
	h := stacktest.New(t)
	h.FX.Owner(whmcsfixture.User{Email: "l@example.test"}, whmcsfixture.Client{})

	other := store.New(h.Store.DB(), []string{"Active"}, time.Second)
	unlock, err := other.LockRun(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Runner.Run(context.Background(), reminder.Options{Trigger: store.TriggerCLI})
	if err == nil || !strings.Contains(err.Error(), "another reminder pass is running") {
		t.Errorf("Run while another pass holds the lock: error %v", err)
	}
	if n := len(h.SMTP.Messages()); n != 0 {
		t.Errorf("sent %d messages while another pass ran", n)
	}

	unlock()
	if summary := pass(t, h, time.Now()); summary.Sent != 1 {
		t.Errorf("pass after the lock was released: %s, want 1 sent", summary.Line())
	}
}

func TestMailServerDownStopsThePass(t *testing.T) {
	h := stacktest.New(t)
	for _, email := range []string{"a@example.test", "b@example.test", "c@example.test"} {
		h.FX.Owner(whmcsfixture.User{Email: email}, whmcsfixture.Client{})
	}
	down := h.Config.SMTP
	down.Port = 1
	logger := h.Logger
	runner := reminder.New(h.Store, settings.NewProvider(h.Store, h.Config, logger), down,
		stacktest.NewTransport(down, logger), logger)

	summary, err := runner.Run(context.Background(), reminder.Options{Trigger: store.TriggerCLI})
	if err != nil {
		t.Fatal(err)
	}
	if summary.Due != 3 || summary.Failed != 1 || summary.Skipped != 2 {
		t.Errorf("summary %s, want 3 due, 1 failed and 2 not attempted", summary.Line())
	}
	if !strings.Contains(strings.Join(summary.Notes(), "\n"), "not attempted") {
		t.Errorf("notes %v do not say the rest was not attempted", summary.Notes())
	}

	if summary := pass(t, h, time.Now()); summary.Sent != 3 {
		t.Errorf("pass with the server back: %s, want all 3 sent", summary.Line())
	}
}

func TestScheduleRunsDailyAtRunAt(t *testing.T) {
	h := stacktest.New(t)
	h.FX.Owner(whmcsfixture.User{Email: "s@example.test"}, whmcsfixture.Client{})
	h.Config.RunAt, h.Config.Timezone = "09:30", "Europe/Berlin"

	berlin, _ := time.LoadLocation("Europe/Berlin")
	clock := clockwork.NewFakeClockAt(time.Date(2026, 12, 4, 9, 29, 0, 0, berlin))
	scheduler, err := reminder.Schedule(h.Config, h.Runner, h.Logger, gocron.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer scheduler.Shutdown()

	var pass gocron.Job
	for _, job := range scheduler.Jobs() {
		if job.Name() == "reminder pass" {
			pass = job
		}
	}
	if pass == nil {
		t.Fatal("scheduler has no reminder pass job")
	}
	next, err := pass.NextRun()
	if want := time.Date(2026, 12, 4, 9, 30, 0, 0, berlin); err != nil || !next.Equal(want) {
		t.Errorf("next run = %s (%v), want %s", next, err, want)
	}

	deadline := time.Now().Add(10 * time.Second)
	var snapshots []store.Snapshot
	for len(snapshots) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		snapshots, err = h.Store.Snapshots(context.Background(), time.Now().AddDate(0, 0, -2))
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(snapshots) != 1 || snapshots[0].TotalUsers != 1 {
		t.Errorf("snapshots at start = %+v, want one with 1 user", snapshots)
	}

	if err := clock.BlockUntilContext(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	deadline = time.Now().Add(10 * time.Second)
	for len(h.SMTP.Messages()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(h.SMTP.Messages()); n != 1 {
		t.Errorf("scheduled pass sent %d messages, want 1", n)
	}
}

func TestInvalidCopyAddressFailsOnlyThatMessage(t *testing.T) {
	h := stacktest.New(t)
	h.FX.Template(whmcsfixture.Template{Name: "MFA Reminder", Language: "german",
		Subject: "Konto", Message: "<p>Hallo</p>", CopyTo: "not an address"})
	h.FX.Owner(whmcsfixture.User{Email: "de@example.test", Language: "german"},
		whmcsfixture.Client{})
	h.FX.Owner(whmcsfixture.User{Email: "en@example.test"}, whmcsfixture.Client{})
	h.FX.Owner(whmcsfixture.User{Email: "Named <named@example.test>"}, whmcsfixture.Client{})

	summary := pass(t, h, time.Now())
	if summary.Due != 3 || summary.Sent != 1 || summary.Failed != 1 || summary.Skipped != 1 {
		t.Errorf("summary %s, want 1 sent, 1 failed (bad copy address), 1 skipped (bad email)",
			summary.Line())
	}
	if n := len(h.SMTP.MessagesTo("en@example.test")); n != 1 {
		t.Errorf("en@example.test got %d messages, want 1", n)
	}
	if n := len(h.SMTP.Messages()); n != 1 {
		t.Errorf("server received %d messages, want 1", n)
	}
}

package reminder_test

import (
	"context"
	"errors"
	"strconv"
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
	start := time.Date(2026, 3, 10, 16, 30, 0, 0, time.UTC)

	tests := []struct {
		name     string
		at       time.Time
		wantSent int
	}{
		{"first pass", start, 1},
		{"six days later", start.AddDate(0, 0, 6), 0},
		{"last minute of the sixth day", time.Date(2026, 3, 16, 23, 59, 0, 0, time.UTC), 0},
		{"first minute of the seventh day", time.Date(2026, 3, 17, 0, 1, 0, 0, time.UTC), 1},
		{"the day after", start.AddDate(0, 0, 8), 0},
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

func TestDailyFrequencyWithMovingClock(t *testing.T) {
	h := stacktest.New(t)
	for _, email := range []string{"a@example.test", "b@example.test", "c@example.test"} {
		h.FX.Owner(whmcsfixture.User{Email: email}, whmcsfixture.Client{})
	}
	h.FX.Addon("frequency_days", "1")

	for day := 0; day < 4; day++ {
		// Each read of the clock advances it, as sending takes time.
		now := time.Date(2026, 3, 10+day, 9, 0, 0, 0, time.UTC)
		h.Runner.SetClock(func() time.Time {
			now = now.Add(400 * time.Millisecond)
			return now
		})
		summary, err := h.Runner.Run(context.Background(), reminder.Options{Trigger: store.TriggerCLI})
		if err != nil {
			t.Fatal(err)
		}
		if summary.Sent != 3 {
			t.Errorf("day %d: %s, want all 3 reminded every day", day, summary.Line())
		}
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
	if err == nil || !strings.Contains(err.Error(), "another reminder pass or batch is running") {
		t.Errorf("Run while another pass holds the lock: error %v", err)
	}
	if n := len(h.SMTP.Messages()); n != 0 {
		t.Errorf("sent %d messages while another pass ran", n)
	}

	unlock.Release()
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
	cfg := *h.Config
	cfg.SMTP = down
	runner := reminder.New(h.Store, settings.NewProvider(h.Store, &cfg, logger), &cfg,
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

func TestBatchSkipsWithReasons(t *testing.T) {
	h := stacktest.New(t)
	due, _ := h.FX.Owner(whmcsfixture.User{Email: "due@example.test"}, whmcsfixture.Client{})
	withMFA, _ := h.FX.Owner(whmcsfixture.User{Email: "mfa@example.test", SecondFactor: "totp"},
		whmcsfixture.Client{})
	closed, _ := h.FX.Owner(whmcsfixture.User{Email: "closed@example.test"},
		whmcsfixture.Client{Status: "Closed"})
	recent, _ := h.FX.Owner(whmcsfixture.User{Email: "recent@example.test"}, whmcsfixture.Client{})
	if _, err := h.Runner.RemindUser(context.Background(), recent, store.TriggerCLI, "test"); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	id, err := h.Store.CreateBatch(ctx, "0123456789abcdef0123456789abcdef", "tester", "test",
		store.Selection{UserIDs: []int64{due, withMFA, closed, recent, 999999, due}}, 6, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Runner.ProcessBatch(ctx, id); err != nil {
		t.Fatal(err)
	}

	batch, err := h.Store.Batch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if batch.Status != store.BatchDone || batch.Sent != 1 || batch.Skipped != 4 || batch.Failed != 0 {
		t.Errorf("batch = %s sent=%d skipped=%d failed=%d, want done 1/4/0", batch.Status,
			batch.Sent, batch.Skipped, batch.Failed)
	}
	sends, err := h.Store.BatchSends(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[int64]string{}
	for _, send := range sends {
		reasons[send.UserID] = send.Reason
	}
	for user, want := range map[int64]string{withMFA: reminder.ReasonTurnedOn,
		closed: reminder.ReasonOutOfScope, recent: "reminded within the frequency",
		999999: reminder.ReasonGone} {
		if !strings.HasPrefix(reasons[user], want) {
			t.Errorf("user %d skip reason = %q, want %q", user, reasons[user], want)
		}
	}
	if n := len(h.SMTP.MessagesTo("due@example.test")); n != 1 {
		t.Errorf("due@example.test got %d messages, want 1 although listed twice", n)
	}

	if err := h.Runner.ProcessBatch(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := len(h.SMTP.Messages()); n != 2 {
		t.Errorf("processing a finished batch again sent more: %d messages in total", n)
	}
}

func TestBatchResumesAfterInterruption(t *testing.T) {
	h := stacktest.New(t)
	var ids []int64
	for _, email := range []string{"r1@example.test", "r2@example.test", "r3@example.test"} {
		id, _ := h.FX.Owner(whmcsfixture.User{Email: email}, whmcsfixture.Client{})
		ids = append(ids, id)
	}
	ctx := context.Background()
	id, err := h.Store.CreateBatch(ctx, "fedcba9876543210fedcba9876543210", "tester", "test",
		store.Selection{Filter: &store.UserQuery{}}, 3, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	// A daemon stopped after the first user's reminder: the batch is left
	// running with one send recorded.
	batchID := id
	sendID, err := h.Store.ClaimSend(ctx, store.Send{UserID: ids[0], Email: "r1@example.test",
		Trigger: store.TriggerBulk, BatchID: &batchID}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Store.CompleteSend(ctx, sendID, ids[0], store.SendSent, "250 ok", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.UpdateBatch(ctx, store.Batch{ID: id, Status: store.BatchRunning}); err != nil {
		t.Fatal(err)
	}

	if err := h.Runner.ProcessBatch(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := len(h.SMTP.MessagesTo("r1@example.test")); n != 0 {
		t.Errorf("the user done before the interruption got %d more messages", n)
	}
	for _, email := range []string{"r2@example.test", "r3@example.test"} {
		if n := len(h.SMTP.MessagesTo(email)); n != 1 {
			t.Errorf("%s got %d messages, want 1", email, n)
		}
	}
	batch, err := h.Store.Batch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if batch.Status != store.BatchDone || batch.Sent != 3 {
		t.Errorf("batch = %s with %d sent, want done with 3", batch.Status, batch.Sent)
	}
}

func TestShutdownStopsBetweenUsers(t *testing.T) {
	h := stacktest.New(t)
	for _, email := range []string{"s1@example.test", "s2@example.test", "s3@example.test"} {
		h.FX.Owner(whmcsfixture.User{Email: email}, whmcsfixture.Client{})
	}
	ctx, cancel := context.WithCancel(context.Background())
	summary, err := h.Runner.Run(ctx, reminder.Options{Trigger: store.TriggerCLI,
		OnOutcome: func(reminder.Outcome) { cancel() }})
	if err != nil {
		t.Fatalf("pass stopped by cancellation returned %v", err)
	}
	if summary.Sent != 1 || summary.Skipped != 2 {
		t.Errorf("summary %s, want 1 sent and 2 left for the next pass", summary.Line())
	}

	var sending int
	if err := h.FX.DB.Get(&sending, "SELECT COUNT(*) FROM mod_mfa_reminder_sends WHERE status = 'sending'"); err != nil {
		t.Fatal(err)
	}
	if sending != 0 {
		t.Errorf("%d attempts left as 'sending' after the shutdown", sending)
	}
	if summary := pass(t, h, time.Now()); summary.Sent != 2 {
		t.Errorf("next pass: %s, want the 2 remaining users", summary.Line())
	}
	if n := len(h.SMTP.Messages()); n != 3 {
		t.Errorf("server received %d messages, want 3", n)
	}
}

func TestUnconfirmedSendIsNotRepeated(t *testing.T) {
	h := stacktest.New(t)
	h.FX.Owner(whmcsfixture.User{Email: "slow@example.test"}, whmcsfixture.Client{})
	h.FX.Owner(whmcsfixture.User{Email: "next@example.test"}, whmcsfixture.Client{})
	h.SMTP.Stall("slow@example.test", 1500*time.Millisecond)

	cfg := *h.Config
	cfg.SMTP.Timeout = 300 * time.Millisecond
	runner := reminder.New(h.Store, h.Settings, &cfg, stacktest.NewTransport(cfg.SMTP, h.Logger),
		h.Logger)
	summary, err := runner.Run(context.Background(), reminder.Options{Trigger: store.TriggerCLI})
	if err != nil {
		t.Fatal(err)
	}
	if summary.Sent != 1 || summary.Unconfirmed != 1 {
		t.Errorf("summary %s with %d unconfirmed, want 1 sent and 1 unconfirmed", summary.Line(),
			summary.Unconfirmed)
	}
	if n := len(h.SMTP.MessagesTo("next@example.test")); n != 1 {
		t.Errorf("the user after the unconfirmed one got %d messages, want 1", n)
	}

	summary, err = runner.Run(context.Background(), reminder.Options{Trigger: store.TriggerCLI})
	if err != nil {
		t.Fatal(err)
	}
	if summary.Due != 0 {
		t.Errorf("second pass: %s, want nothing due", summary.Line())
	}
	if n := len(h.SMTP.MessagesTo("slow@example.test")); n != 1 {
		t.Errorf("slow@example.test got %d messages, want 1", n)
	}
}

func TestInterruptedAttemptIsNotRepeated(t *testing.T) {
	h := stacktest.New(t)
	user, _ := h.FX.Owner(whmcsfixture.User{Email: "crash@example.test"}, whmcsfixture.Client{})
	// A daemon killed after claiming the attempt leaves it 'sending'.
	if _, err := h.Store.ClaimSend(context.Background(), store.Send{UserID: user,
		Email: "crash@example.test", Trigger: store.TriggerSchedule}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if summary := pass(t, h, time.Now()); summary.Due != 0 {
		t.Errorf("pass after an interrupted attempt: %s, want nothing due", summary.Line())
	}
	if summary := pass(t, h, time.Now().AddDate(0, 0, 31)); summary.Sent != 1 {
		t.Errorf("pass after frequency_days: %s, want the user reminded", summary.Line())
	}
}

func TestLockLossIsDetected(t *testing.T) {
	h := stacktest.New(t)
	lock, err := h.Store.LockRun(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	if err := lock.Held(context.Background()); err != nil {
		t.Fatalf("Held on a fresh lock: %v", err)
	}

	var holder int64
	err = h.FX.DB.Get(&holder,
		"SELECT IS_USED_LOCK(CONCAT('mfa_reminder.', LEFT(SHA1(DATABASE()), 16), '.run'))")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.FX.Server().Exec("KILL " + strconv.FormatInt(holder, 10)); err != nil {
		t.Fatal(err)
	}
	if err := lock.Held(context.Background()); !errors.Is(err, store.ErrLockLost) {
		t.Errorf("Held after the lock connection was killed = %v, want ErrLockLost", err)
	}
}

func TestInterruptedAttemptBlocksBatchResend(t *testing.T) {
	h := stacktest.New(t)
	user, _ := h.FX.Owner(whmcsfixture.User{Email: "pending@example.test"}, whmcsfixture.Client{})
	ctx := context.Background()
	if _, err := h.Store.ClaimSend(ctx, store.Send{UserID: user, Email: "pending@example.test",
		Trigger: store.TriggerSchedule}, time.Now()); err != nil {
		t.Fatal(err)
	}

	never, err := h.Store.CountUsers(ctx, store.UserQuery{Reminded: store.RemindedNever})
	if err != nil || never != 0 {
		t.Errorf("users never reminded = %d (%v), want 0: a pending attempt counts", never, err)
	}
	id, err := h.Store.CreateBatch(ctx, "11111111111111111111111111111111", "tester", "test",
		store.Selection{Filter: &store.UserQuery{}}, 1, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Runner.ProcessBatch(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := len(h.SMTP.Messages()); n != 0 {
		t.Errorf("batch sent %d messages to a user with a pending attempt", n)
	}
}

func TestForcedSendSkipsUserRemindedMeanwhile(t *testing.T) {
	h := stacktest.New(t)
	user, _ := h.FX.Owner(whmcsfixture.User{Email: "meanwhile@example.test"}, whmcsfixture.Client{})
	ctx := context.Background()
	requested := time.Now().UTC().Add(-time.Minute)

	// A pass reminds the user after the request was made.
	sendID, err := h.Store.ClaimSend(ctx, store.Send{UserID: user, Trigger: store.TriggerSchedule},
		requested.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Store.CompleteSend(ctx, sendID, user, store.SendSent, "250 ok",
		requested.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}

	h.Runner.SetClock(func() time.Time { return requested })
	_, err = h.Runner.RemindUser(ctx, user, store.TriggerCLI, "test")
	if !errors.Is(err, reminder.ErrNotDue) {
		t.Errorf("RemindUser requested before the pass's send: error %v, want ErrNotDue", err)
	}

	id, err := h.Store.CreateBatch(ctx, "22222222222222222222222222222222", "tester", "test",
		store.Selection{UserIDs: []int64{user}, Force: true}, 1, requested)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Runner.ProcessBatch(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := len(h.SMTP.Messages()); n != 0 {
		t.Errorf("forced sends requested before the pass sent %d messages", n)
	}
}

func TestScheduledPassWaitsForLock(t *testing.T) {
	h := stacktest.New(t)
	h.FX.Owner(whmcsfixture.User{Email: "waits@example.test"}, whmcsfixture.Client{})
	batchLock, err := h.Store.LockRun(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(1500 * time.Millisecond)
		batchLock.Release()
	}()

	summary, err := h.Runner.Run(context.Background(), reminder.Options{
		Trigger: store.TriggerSchedule, LockWait: 30 * time.Second})
	if err != nil {
		t.Fatalf("scheduled pass while a batch held the lock: %v", err)
	}
	if summary.Sent != 1 {
		t.Errorf("summary %s, want the user sent once the lock was free", summary.Line())
	}
}

func TestBatchResumesAfterMailServerFailure(t *testing.T) {
	h := stacktest.New(t)
	for _, email := range []string{"m1@example.test", "m2@example.test", "m3@example.test"} {
		h.FX.Owner(whmcsfixture.User{Email: email}, whmcsfixture.Client{})
	}
	ctx := context.Background()
	id, err := h.Store.CreateBatch(ctx, "33333333333333333333333333333333", "tester", "test",
		store.Selection{Filter: &store.UserQuery{}}, 3, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	down := *h.Config
	down.SMTP.Port = 1
	failing := reminder.New(h.Store, h.Settings, &down, stacktest.NewTransport(down.SMTP, h.Logger),
		h.Logger)
	if err := failing.ProcessBatch(ctx, id); err == nil {
		t.Fatal("ProcessBatch with the mail server down returned no error")
	}
	batch, err := h.Store.Batch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if batch.Status != store.BatchQueued || batch.Error == nil {
		t.Errorf("batch after a mail server failure: status %s, error %v; want queued with the error",
			batch.Status, batch.Error)
	}

	if err := h.Runner.ProcessBatch(ctx, id); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"m1@example.test", "m2@example.test", "m3@example.test"} {
		if n := len(h.SMTP.MessagesTo(email)); n != 1 {
			t.Errorf("%s got %d messages, want 1", email, n)
		}
	}
	if batch, err = h.Store.Batch(ctx, id); err != nil {
		t.Fatal(err)
	}
	if batch.Status != store.BatchDone || batch.Sent != 3 || batch.Failed != 0 || batch.Error != nil {
		t.Errorf("batch = %s sent=%d failed=%d error=%v, want done with 3 sent and no error",
			batch.Status, batch.Sent, batch.Failed, batch.Error)
	}
}

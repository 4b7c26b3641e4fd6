// Package reminder sends the reminder emails: the daily pass over every
// due user, and single reminders that an admin requests.
package reminder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	mailer "github.com/mfa-reminder/mfa-reminder/pkg/mail"
	"github.com/mfa-reminder/mfa-reminder/pkg/settings"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// Outcome statuses.
const (
	StatusSent    = "sent"
	StatusSkipped = "skipped"
	StatusFailed  = "failed"
	// StatusUnconfirmed is a message whose connection failed after it was
	// fully sent. It counts as a failure in the summary but is not sent
	// again, because the server may have delivered it.
	StatusUnconfirmed = "unconfirmed"
	// StatusDue is the outcome of a dry run: the user would be emailed.
	StatusDue = "due"
)

// Skip reasons.
const (
	ReasonEmailOff         = "email reminders are off (enable_email)"
	ReasonTemplateDisabled = "the \"MFA Reminder\" email template is disabled in WHMCS"
	ReasonInvalidEmail     = "the user's email address is invalid"
	ReasonOutOfScope       = "the user is not linked to an account in scope"
	ReasonHasMFA           = "the user has two-factor authentication"
	ReasonNotAttempted     = "not attempted because the mail server failed; still due"
	ReasonStopped          = "not attempted because the daemon is stopping; still due"
	ReasonJustReminded     = "the user was reminded by another send"
)

// Outcome is the result of one user's reminder.
type Outcome struct {
	UserID   int64
	Email    string
	Language string
	// Template is the language of the template used; empty for the
	// default row or the built-in text.
	Template string
	Status   string
	// Reason is the skip reason, or the server's reply or error for a
	// failure.
	Reason string
}

// Summary counts the outcomes of a pass.
type Summary struct {
	Due     int
	Sent    int
	Skipped int
	// Failed counts failed and unconfirmed messages.
	Failed      int
	Unconfirmed int
	// Reasons counts skipped reminders by reason.
	Reasons map[string]int
}

// Line returns the summary as "due=N sent=N skipped=N failed=N".
func (s Summary) Line() string {
	return fmt.Sprintf("due=%d sent=%d skipped=%d failed=%d", s.Due, s.Sent, s.Skipped, s.Failed)
}

// Notes returns one line per skip reason and one for unconfirmed
// messages.
func (s Summary) Notes() []string {
	var notes []string
	for reason, count := range s.Reasons {
		notes = append(notes, fmt.Sprintf("skipped %d: %s", count, reason))
	}
	sort.Strings(notes)
	if s.Unconfirmed > 0 {
		notes = append(notes, fmt.Sprintf("unconfirmed %d: the connection failed after the "+
			"message was sent, so it is not sent again", s.Unconfirmed))
	}
	return notes
}

func (s *Summary) add(outcome Outcome) {
	switch outcome.Status {
	case StatusSent:
		s.Sent++
	case StatusFailed:
		s.Failed++
	case StatusUnconfirmed:
		s.Failed++
		s.Unconfirmed++
	case StatusSkipped:
		s.Skipped++
		if s.Reasons == nil {
			s.Reasons = map[string]int{}
		}
		s.Reasons[outcome.Reason]++
	}
}

// Options control one pass.
type Options struct {
	// DryRun lists the due users through OnOutcome and sends nothing.
	DryRun bool
	// Trigger is store.TriggerSchedule or store.TriggerCLI.
	Trigger string
	// LockWait is how long to wait for another pass or batch that holds the
	// lock; 0 gives up at once.
	LockWait time.Duration
	// OnOutcome, when set, receives every outcome as it happens.
	OnOutcome func(Outcome)
}

// Runner sends reminders.
type Runner struct {
	store        *store.Store
	settings     *settings.Provider
	smtp         config.SMTPConfig
	location     *time.Location
	newTransport func() mailer.Transport
	logger       *slog.Logger
	now          func() time.Time
	batchSize    int
}

// New returns a Runner. newTransport is called once per pass or single
// reminder; the transport it returns is closed at the end of it.
func New(s *store.Store, p *settings.Provider, cfg *config.Config,
	newTransport func() mailer.Transport, logger *slog.Logger) *Runner {
	return &Runner{
		store:        s,
		settings:     p,
		smtp:         cfg.SMTP,
		location:     cfg.Location(),
		newTransport: newTransport,
		logger:       logger,
		now:          time.Now,
		batchSize:    500,
	}
}

// SetClock replaces the clock, for tests.
func (r *Runner) SetClock(now func() time.Time) {
	r.now = now
}

// cutoff returns the time before which a last reminder makes a user due
// again: midnight, in the daemon's time zone, frequencyDays-1 days before
// the day of now. A user reminded on 4 November with frequency_days 30 is
// due from 4 December, whatever the hour of either send.
func (r *Runner) cutoff(frequencyDays int, now time.Time) time.Time {
	local := now.In(r.location)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, r.location)
	return midnight.AddDate(0, 0, -(frequencyDays - 1))
}

// Run emails every in-scope user without MFA who was never reminded or
// whose last reminder is at least frequency_days old. Only one pass runs at
// a time across all daemons on the database. The error reports
// configuration and database problems; failed sends are counted in the
// summary, stored with the server's reply and retried by the next pass.
//
// Cancelling ctx stops the pass between two users: the message being sent
// and its record are finished first, and the rest stay due.
func (r *Runner) Run(ctx context.Context, opts Options) (summary Summary, err error) {
	started := r.now()

	var lock *store.Lock
	if !opts.DryRun {
		lock, err = r.store.LockRunWait(ctx, opts.LockWait)
		if errors.Is(err, store.ErrLocked) {
			err = fmt.Errorf("another reminder pass or batch is running on this database " +
				"and did not finish in time; try again when it has finished")
		}
		if err != nil {
			r.recordUnstartedRun(opts.Trigger, started, err)
			return summary, err
		}
		defer lock.Release()

		runID, err := r.store.StartRun(ctx, opts.Trigger, started)
		if err != nil {
			return summary, err
		}
		defer func() { r.finishRun(runID, summary, err) }()
	}
	return r.runPass(ctx, opts, started, lock)
}

// recordUnstartedRun records a scheduled pass that could not start, so the
// settings page shows it. Other triggers return the error to the command
// or request that started them.
func (r *Runner) recordUnstartedRun(trigger string, started time.Time, cause error) {
	if trigger != store.TriggerSchedule {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	runID, err := r.store.StartRun(ctx, trigger, started)
	if err != nil {
		r.logger.Error("Recording the reminder pass failed", "error", err)
		return
	}
	r.finishRun(runID, Summary{}, cause)
}

// finishRun records the end of a pass. It uses its own context, because
// the pass's context may be cancelled by a shutdown.
func (r *Runner) finishRun(runID int64, summary Summary, runErr error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	run := store.Run{ID: runID, FinishedAt: store.NullTime{Time: r.now(), Valid: true},
		Due: summary.Due, Sent: summary.Sent, Skipped: summary.Skipped, Failed: summary.Failed}
	if runErr != nil {
		text := runErr.Error()
		run.Error = &text
	}
	if err := r.store.FinishRun(ctx, run); err != nil {
		r.logger.Error("Recording the end of the reminder pass failed", "run_id", runID,
			"error", err)
	}
}

// runPass runs the pass once the lock is held; lock is nil for a dry run.
func (r *Runner) runPass(ctx context.Context, opts Options, started time.Time,
	lock *store.Lock) (Summary, error) {
	var summary Summary
	// Sends and their records run on work, which a shutdown does not
	// cancel, so no message is cut off after the server took it.
	work := context.WithoutCancel(ctx)

	snapshot, err := r.settings.Get(work)
	if err != nil {
		return summary, err
	}
	var pass *pass
	if snapshot.EnableEmail {
		if pass, err = r.newPass(work, snapshot, opts.DryRun); err != nil {
			return summary, err
		}
		defer pass.close()
	}

	cutoff := r.cutoff(snapshot.FrequencyDays, started)
	r.logger.Info("Reminder pass started", "trigger", opts.Trigger, "dry_run", opts.DryRun,
		"frequency_days", snapshot.FrequencyDays)

	for afterID := int64(0); ; {
		users, err := r.store.DueUsers(work, cutoff, afterID, r.batchSize)
		if err != nil {
			return summary, err
		}
		if len(users) == 0 {
			break
		}
		afterID = users[len(users)-1].ID

		for _, user := range users {
			summary.Due++
			outcome, err := r.passOutcome(ctx, work, pass, snapshot, user, opts.Trigger, lock)
			if err != nil {
				return summary, err
			}
			summary.add(outcome)
			if opts.OnOutcome != nil {
				opts.OnOutcome(outcome)
			}
		}
	}

	r.logger.Info("Reminder pass finished", "due", summary.Due, "sent", summary.Sent,
		"skipped", summary.Skipped, "failed", summary.Failed,
		"duration", r.now().Sub(started).Round(time.Millisecond))
	return summary, nil
}

// passOutcome decides one user's outcome within a pass. Before each send
// it checks that the pass still holds its lock, because a lost lock lets
// another pass email the same users.
func (r *Runner) passOutcome(ctx, work context.Context, p *pass, snapshot *settings.Snapshot,
	user store.User, trigger string, lock *store.Lock) (Outcome, error) {
	switch {
	case !snapshot.EnableEmail:
		return skipped(user, ReasonEmailOff), nil
	case p.abort != nil:
		return skipped(user, ReasonNotAttempted), nil
	case ctx.Err() != nil:
		return skipped(user, ReasonStopped), nil
	}
	if lock != nil {
		if err := lock.Held(work); err != nil {
			return Outcome{}, fmt.Errorf("reminder pass stopped: %w", err)
		}
	}
	return p.remind(work, user, request{trigger: trigger})
}

// ErrNotDue wraps the error that RemindUser returns for a user who cannot
// get a reminder: out of scope or already using MFA.
var ErrNotDue = errors.New("no reminder due")

// remindLockWait is how long a single reminder waits for a running pass.
const remindLockWait = 30 * time.Second

// RemindUser sends one reminder to the tblusers id now, whatever the
// frequency and the enable_email setting. by names who asked, for the
// activity log. It returns an error wrapping store.ErrNotFound for an
// unknown user and ErrNotDue for a user out of scope or with MFA. It waits
// for a running pass, so the two never email the same user at once.
func (r *Runner) RemindUser(ctx context.Context, userID int64, trigger,
	by string) (Outcome, error) {
	requested := r.now()
	lock, err := r.store.LockRunWait(ctx, remindLockWait)
	if errors.Is(err, store.ErrLocked) {
		return Outcome{UserID: userID}, fmt.Errorf("a reminder pass is running on this " +
			"database; try again when it has finished")
	}
	if err != nil {
		return Outcome{UserID: userID}, err
	}
	defer lock.Release()
	work := context.WithoutCancel(ctx)

	user, err := r.store.User(work, userID)
	if err != nil {
		return Outcome{UserID: userID}, err
	}
	if !user.InScope() {
		return skipped(user, ReasonOutOfScope), fmt.Errorf("user %d: %w: %s (client status %v)",
			userID, ErrNotDue, ReasonOutOfScope, r.store.Statuses())
	}
	if user.HasMFA() {
		return skipped(user, ReasonHasMFA), fmt.Errorf("user %d: %w: %s (%s)",
			userID, ErrNotDue, ReasonHasMFA, user.SecondFactor)
	}
	// A pass that held the lock while this request waited may have
	// reminded the user already.
	if user.RemindedAfter(requested) {
		reason := fmt.Sprintf("%s at %s, while this request waited", ReasonJustReminded,
			user.LastReminder().Time.Format("15:04:05 UTC"))
		return skipped(user, reason), fmt.Errorf("user %d: %w: %s", userID, ErrNotDue, reason)
	}

	snapshot, err := r.settings.Get(work)
	if err != nil {
		return Outcome{UserID: userID}, err
	}
	pass, err := r.newPass(work, snapshot, false)
	if err != nil {
		return Outcome{UserID: userID}, err
	}
	defer pass.close()

	outcome, err := pass.remind(work, user, request{trigger: trigger, by: by})
	if err != nil {
		return outcome, err
	}
	if pass.abort != nil {
		return outcome, fmt.Errorf("send reminder to user %d: %w", userID, pass.abort)
	}
	return outcome, nil
}

func skipped(user store.User, reason string) Outcome {
	return Outcome{UserID: user.ID, Email: user.Email, Status: StatusSkipped, Reason: reason}
}

// DryRunLine formats an outcome of a dry run for the terminal.
func DryRunLine(w io.Writer, o Outcome) {
	switch o.Status {
	case StatusDue:
		template := o.Template
		if template == "" {
			template = "default language"
		}
		fmt.Fprintf(w, "would email user %d <%s> (language %s, template %s)\n", o.UserID,
			o.Email, o.Language, template)
	default:
		fmt.Fprintf(w, "would skip user %d <%s>: %s\n", o.UserID, o.Email, o.Reason)
	}
}

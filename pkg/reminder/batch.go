package reminder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// Skip reasons of batch reminders.
const (
	ReasonTurnedOn = "turned two-factor authentication on meanwhile"
	ReasonGone     = "no longer exists in WHMCS"
)

// batchLockWait is how long a batch waits for a running pass to finish.
const batchLockWait = 5 * time.Minute

// ProcessBatch sends the reminders of a batch. Users who already have a
// reminder in the batch are skipped, so a batch interrupted by a restart
// resumes where it stopped. It holds the same lock as a pass, so a batch
// and a pass never send at the same time. Cancelling ctx stops the batch
// between two users and leaves it running, to resume at the next start.
func (r *Runner) ProcessBatch(ctx context.Context, batchID int64) error {
	batch, err := r.store.Batch(ctx, batchID)
	if err != nil || batch.Finished() {
		return err
	}
	selection, err := batch.Selection()
	if err != nil {
		return r.failBatch(ctx, batch, err)
	}

	lock, err := r.store.LockRunWait(ctx, batchLockWait)
	if err != nil {
		return fmt.Errorf("batch %d: %w", batch.ID, err)
	}
	defer lock.Release()
	work := context.WithoutCancel(ctx)

	// Another daemon may have sent the batch while this one waited for
	// the lock.
	if batch, err = r.store.Batch(work, batchID); err != nil || batch.Finished() {
		return err
	}

	batch.Status = store.BatchRunning
	if err := r.store.UpdateBatch(work, batch); err != nil {
		return err
	}
	snapshot, err := r.settings.Get(work)
	if err != nil {
		return r.failBatch(work, batch, err)
	}
	pass, err := r.newPass(work, snapshot, false)
	if err != nil {
		return r.failBatch(work, batch, err)
	}
	defer pass.close()

	done, err := r.store.BatchUsersDone(work, batch.ID)
	if err != nil {
		return err
	}
	b := &batchRun{runner: r, pass: pass, batch: &batch, selection: selection, done: done,
		stop: ctx, lock: lock, cutoff: r.cutoff(snapshot.FrequencyDays, r.now()),
		req: request{trigger: store.TriggerBulk, by: batch.RequestedBy, batchID: &batch.ID}}
	if selection.Force {
		b.req.trigger = store.TriggerAdmin
	}

	if err := b.run(work); err != nil {
		return r.failBatch(work, batch, err)
	}
	if ctx.Err() != nil {
		r.logger.Info("Bulk reminder paused for shutdown", "batch_id", batch.ID)
		return ctx.Err()
	}
	if pass.abort != nil {
		// The mail server may be back in a minute: the batch waits for the
		// worker's next round and then retries the users not sent yet.
		return r.requeueBatch(work, batch, fmt.Errorf("paused because the mail server "+
			"failed, retrying every minute: %w", pass.abort))
	}
	return r.finishBatch(work, batch, store.BatchDone, nil)
}

// batchRun is the state of one batch being sent.
type batchRun struct {
	runner    *Runner
	pass      *pass
	batch     *store.Batch
	selection store.Selection
	done      map[int64]bool
	// stop ends the batch between two users when it is cancelled.
	stop   context.Context
	lock   *store.Lock
	cutoff time.Time
	req    request
}

func (b *batchRun) run(ctx context.Context) error {
	if b.selection.Filter != nil {
		// The order does not matter for sending, and sorting by id keeps
		// the pages stable while reminders change the other columns.
		filter := *b.selection.Filter
		filter.Sort, filter.Descending = "id", false
		return b.runner.store.EachUser(ctx, filter, func(user store.User, _ []store.Account) error {
			return b.visit(ctx, user)
		})
	}

	for _, id := range b.selection.UserIDs {
		if b.stop.Err() != nil || b.pass.abort != nil {
			return nil
		}
		user, err := b.runner.store.User(ctx, id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			if !b.done[id] {
				b.done[id] = true
				err = b.skip(ctx, store.User{ID: id}, ReasonGone)
			}
		case err == nil:
			err = b.visit(ctx, user)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// visit sends to one user of the batch or records why not.
func (b *batchRun) visit(ctx context.Context, user store.User) error {
	if b.done[user.ID] || b.pass.abort != nil || b.stop.Err() != nil {
		return nil
	}
	if err := b.lock.Held(ctx); err != nil {
		return fmt.Errorf("bulk reminder stopped: %w", err)
	}
	b.done[user.ID] = true

	var reason string
	switch {
	case !user.InScope():
		reason = ReasonOutOfScope
	case user.HasMFA():
		reason = ReasonTurnedOn
	case b.selection.Force && user.RemindedAfter(b.batch.CreatedAt.Time):
		// A pass reached the user while this request waited for the lock.
		reason = fmt.Sprintf("reminded by another send at %s, after this request",
			user.LastReminder().Time.Format("2006-01-02 15:04 UTC"))
	case !b.selection.Force && user.RemindedSince(b.cutoff):
		reason = fmt.Sprintf("reminded within the frequency, last on %s",
			user.LastReminder().Time.Format("2006-01-02 15:04 UTC"))
	}
	if reason != "" {
		return b.skip(ctx, user, reason)
	}

	outcome, err := b.pass.remind(ctx, user, b.req)
	if err != nil {
		return err
	}
	if outcome.Status == StatusSkipped {
		return b.skip(ctx, user, outcome.Reason)
	}
	return nil
}

func (b *batchRun) skip(ctx context.Context, user store.User, reason string) error {
	return b.runner.store.RecordSkip(ctx, store.Send{UserID: user.ID, Email: user.Email,
		Trigger: b.req.trigger, TriggeredBy: b.req.by, BatchID: b.req.batchID},
		reason, b.runner.now())
}

func (r *Runner) requeueBatch(ctx context.Context, batch store.Batch, cause error) error {
	r.logger.Warn("Reminder batch paused", "batch_id", batch.ID, "error", cause)
	if err := r.store.CountBatch(ctx, &batch); err != nil {
		return err
	}
	text := cause.Error()
	batch.Status, batch.Error = store.BatchQueued, &text
	batch.Total = batch.Sent + batch.Skipped + batch.Failed
	if err := r.store.UpdateBatch(ctx, batch); err != nil {
		return err
	}
	return cause
}

func (r *Runner) failBatch(ctx context.Context, batch store.Batch, cause error) error {
	r.logger.Error("Reminder batch failed", "batch_id", batch.ID, "error", cause)
	if err := r.finishBatch(ctx, batch, store.BatchFailed, cause); err != nil {
		return err
	}
	return cause
}

func (r *Runner) finishBatch(ctx context.Context, batch store.Batch, status string,
	cause error) error {
	if err := r.store.CountBatch(ctx, &batch); err != nil {
		return err
	}
	batch.Status = status
	batch.Total = batch.Sent + batch.Skipped + batch.Failed
	batch.FinishedAt = store.NullTime{Time: r.now(), Valid: true}
	batch.Error = nil
	if cause != nil {
		text := cause.Error()
		batch.Error = &text
	}
	if err := r.store.UpdateBatch(ctx, batch); err != nil {
		return err
	}
	r.logger.Info("Reminder batch finished", "batch_id", batch.ID, "status", status,
		"sent", batch.Sent, "skipped", batch.Skipped, "failed", batch.Failed)
	return nil
}

// Worker sends queued batches in the background, one at a time.
type Worker struct {
	runner *Runner
	logger *slog.Logger
	wake   chan struct{}
}

// NewWorker returns a worker for r's batches.
func NewWorker(r *Runner, logger *slog.Logger) *Worker {
	return &Worker{runner: r, logger: logger, wake: make(chan struct{}, 1)}
}

// Wake makes the worker look for queued batches now.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run processes pending batches until ctx ends: at start, which resumes
// batches a stopped daemon left, on Wake, and every minute.
func (w *Worker) Run(ctx context.Context) {
	ticker := time.NewTicker(time.Minute)
	defer ticker.Stop()
	for {
		w.processPending(ctx)
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-ticker.C:
		}
	}
}

func (w *Worker) processPending(ctx context.Context) {
	batches, err := w.runner.store.PendingBatches(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.logger.Error("Listing bulk reminders failed", "error", err)
		}
		return
	}
	for _, batch := range batches {
		if ctx.Err() != nil {
			return
		}
		if err := w.runner.ProcessBatch(ctx, batch.ID); err != nil && ctx.Err() == nil {
			w.logger.Warn("Bulk reminder not finished", "batch_id", batch.ID, "error", err)
		}
	}
}

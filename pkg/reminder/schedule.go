package reminder

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// scheduleLockWait is how long the daily pass waits for a dashboard batch
// or a pass of another daemon that holds the lock, instead of skipping
// the day.
const scheduleLockWait = 2 * time.Hour

// PassJobName is the scheduler's name for the daily reminder pass.
const PassJobName = "reminder pass"

// Schedule starts a scheduler that runs a pass every day at cfg.RunAt in
// cfg.Timezone and stores a snapshot of the adoption figures each day. A pass still running at the next start time delays that
// run instead of overlapping it. Shut the scheduler down to stop; that
// cancels the context of a running pass and waits for it.
func Schedule(cfg *config.Config, r *Runner, logger *slog.Logger,
	options ...gocron.SchedulerOption) (gocron.Scheduler, error) {
	hour, minute, err := cfg.RunTime()
	if err != nil {
		return nil, err
	}

	// A stopping pass finishes the message in flight and its record, which
	// can take a few SMTP timeouts and the record's retries.
	stopTimeout := 4*cfg.SMTP.Timeout + time.Minute
	options = append([]gocron.SchedulerOption{gocron.WithLocation(cfg.Location()),
		gocron.WithStopTimeout(stopTimeout)}, options...)
	scheduler, err := gocron.NewScheduler(options...)
	if err != nil {
		return nil, fmt.Errorf("create scheduler: %w", err)
	}

	job, err := scheduler.NewJob(
		gocron.DailyJob(1, gocron.NewAtTimes(gocron.NewAtTime(uint(hour), uint(minute), 0))),
		gocron.NewTask(func(ctx context.Context) {
			summary, err := r.Run(ctx, Options{Trigger: store.TriggerSchedule,
				LockWait: scheduleLockWait})
			if err != nil {
				logger.Error("Reminder pass failed", "error", err, "due", summary.Due,
					"sent", summary.Sent, "failed", summary.Failed)
			}
		}),
		gocron.WithName(PassJobName),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
	)
	if err != nil {
		return nil, fmt.Errorf("schedule reminder pass: %w", err)
	}

	// One snapshot of the adoption figures per day: at start, so a fresh
	// install has a first point, and shortly after each midnight.
	snapshot := gocron.NewTask(func(ctx context.Context) {
		if _, err := r.TakeSnapshot(ctx, cfg.Location()); err != nil {
			logger.Error("Adoption snapshot failed", "error", err)
		}
	})
	_, err = scheduler.NewJob(gocron.DailyJob(1, gocron.NewAtTimes(gocron.NewAtTime(0, 5, 0))),
		snapshot, gocron.WithName("adoption snapshot"),
		gocron.WithSingletonMode(gocron.LimitModeReschedule))
	if err != nil {
		return nil, fmt.Errorf("schedule adoption snapshot: %w", err)
	}
	_, err = scheduler.NewJob(gocron.OneTimeJob(gocron.OneTimeJobStartImmediately()), snapshot,
		gocron.WithName("first adoption snapshot"))
	if err != nil {
		return nil, fmt.Errorf("schedule adoption snapshot: %w", err)
	}

	scheduler.Start()
	next, err := job.NextRun()
	if err == nil {
		logger.Info("Reminder pass scheduled", "next_run", next, "run_at", cfg.RunAt,
			"timezone", cfg.Timezone)
	}
	return scheduler, nil
}

// TakeSnapshot stores the current adoption figures as today's snapshot,
// today being the date in location.
func (r *Runner) TakeSnapshot(ctx context.Context, location *time.Location) (store.Snapshot, error) {
	now := r.now()
	snapshot, err := r.store.TakeSnapshot(ctx, now.In(location), now)
	if err != nil {
		return snapshot, err
	}
	r.logger.Info("Adoption snapshot stored", "day", snapshot.Day.Format(time.DateOnly),
		"total_users", snapshot.TotalUsers, "with_mfa", snapshot.WithMFA)
	return snapshot, nil
}

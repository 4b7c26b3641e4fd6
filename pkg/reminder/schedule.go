package reminder

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/go-co-op/gocron/v2"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// Schedule starts a scheduler that runs a pass every day at cfg.RunAt in
// cfg.Timezone. A pass still running at the next start time delays that
// run instead of overlapping it. Shut the scheduler down to stop; that
// cancels the context of a running pass and waits for it.
func Schedule(cfg *config.Config, r *Runner, logger *slog.Logger,
	options ...gocron.SchedulerOption) (gocron.Scheduler, error) {
	hour, minute, err := cfg.RunTime()
	if err != nil {
		return nil, err
	}

	options = append([]gocron.SchedulerOption{gocron.WithLocation(cfg.Location())}, options...)
	scheduler, err := gocron.NewScheduler(options...)
	if err != nil {
		return nil, fmt.Errorf("create scheduler: %w", err)
	}

	job, err := scheduler.NewJob(
		gocron.DailyJob(1, gocron.NewAtTimes(gocron.NewAtTime(uint(hour), uint(minute), 0))),
		gocron.NewTask(func(ctx context.Context) {
			summary, err := r.Run(ctx, Options{Trigger: store.TriggerSchedule})
			if err != nil {
				logger.Error("Reminder pass failed", "error", err, "due", summary.Due,
					"sent", summary.Sent, "failed", summary.Failed)
			}
		}),
		gocron.WithName("reminder pass"),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
	)
	if err != nil {
		return nil, fmt.Errorf("schedule reminder pass: %w", err)
	}

	scheduler.Start()
	next, err := job.NextRun()
	if err == nil {
		logger.Info("Reminder pass scheduled", "next_run", next, "run_at", cfg.RunAt,
			"timezone", cfg.Timezone)
	}
	return scheduler, nil
}

package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/reminder"
	"github.com/mfa-reminder/mfa-reminder/pkg/server"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// shutdownTimeout bounds how long serve waits for requests in flight.
const shutdownTimeout = 10 * time.Second

func (c *cli) serve(ctx context.Context, args []string) int {
	if !c.parseFlags(flag.NewFlagSet("serve", flag.ContinueOnError), args) {
		return c.flagCode
	}
	e := c.open(ctx, config.NeedAPIToken, config.NeedSSOSecret, config.NeedMail)
	if e == nil {
		return exitSetup
	}
	defer e.close()
	if err := e.migrateTables(ctx); err != nil {
		return c.fail(exitSetup, err)
	}

	runner, provider := e.runner()
	listener, err := net.Listen("tcp", e.cfg.Listen)
	if err != nil {
		return c.fail(exitSetup, fmt.Errorf("listen on %s: %w; set listen "+
			"(MFA_REMINDER_LISTEN) to a free address", e.cfg.Listen, err))
	}
	scheduler, err := reminder.Schedule(e.cfg, runner, e.logger)
	if err != nil {
		listener.Close()
		return c.fail(exitSetup, err)
	}

	workerCtx, stopWorker := context.WithCancel(context.Background())
	worker := reminder.NewWorker(runner, e.logger)
	workerDone := make(chan struct{})
	go func() {
		defer close(workerDone)
		worker.Run(workerCtx)
	}()

	srv, err := server.New(server.Deps{Config: e.cfg, Store: e.store, Settings: provider,
		Runner: runner, Worker: worker, Logger: e.logger, Version: Version,
		NextRun: nextRun(scheduler)})
	if err != nil {
		stopWorker()
		listener.Close()
		return c.fail(exitSetup, err)
	}

	httpServer := &http.Server{
		Handler: srv.Handler(),
		// TLS handshake and connection errors go to the daemon's log, in its
		// format.
		ErrorLog:          slog.NewLogLogger(e.logger.Handler(), slog.LevelWarn),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       90 * time.Second,
	}
	served := make(chan error, 1)
	go func() {
		if e.cfg.TLS.CertFile != "" {
			served <- httpServer.ServeTLS(listener, e.cfg.TLS.CertFile, e.cfg.TLS.KeyFile)
			return
		}
		served <- httpServer.Serve(listener)
	}()
	e.logger.Info("Serving", "address", listener.Addr().String(), "whmcs_version", e.info.Version,
		"database", e.info.Database, "version", Version)

	code := exitOK
	select {
	case <-ctx.Done():
		e.logger.Info("Shutting down")
	case err := <-served:
		e.logger.Error("HTTP server stopped", "error", err)
		code = exitFailure
	}

	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		e.logger.Warn("HTTP shutdown did not finish", "error", err)
	}
	if err := scheduler.Shutdown(); err != nil {
		e.logger.Warn("Scheduler shutdown did not finish", "error", err)
	}
	stopWorker()
	<-workerDone
	e.logger.Info("Stopped")
	return code
}

// nextRun returns a function reporting the next scheduled reminder pass.
func nextRun(scheduler gocron.Scheduler) func() (time.Time, bool) {
	return func() (time.Time, bool) {
		for _, job := range scheduler.Jobs() {
			if job.Name() == reminder.PassJobName {
				next, err := job.NextRun()
				return next, err == nil && !next.IsZero()
			}
		}
		return time.Time{}, false
	}
}

func (c *cli) runOnce(ctx context.Context, args []string) int {
	flags := flag.NewFlagSet("run-once", flag.ContinueOnError)
	dryRun := flags.Bool("dry-run", false, "list who would be emailed and send nothing")
	if !c.parseFlags(flags, args) {
		return c.flagCode
	}

	needs := []config.Requirement{config.NeedMail}
	if *dryRun {
		needs = nil
	}
	e := c.open(ctx, needs...)
	if e == nil {
		return exitSetup
	}
	defer e.close()
	if err := e.migrateTables(ctx); err != nil {
		return c.fail(exitSetup, err)
	}

	runner, _ := e.runner()
	options := reminder.Options{DryRun: *dryRun, Trigger: store.TriggerCLI}
	if *dryRun {
		options.OnOutcome = func(o reminder.Outcome) { reminder.DryRunLine(c.stdout, o) }
	}
	summary, err := runner.Run(ctx, options)
	if err != nil && summary.Due == 0 {
		// Nothing was attempted, so a summary line would only mislead.
		return c.fail(exitSetup, err)
	}
	for _, note := range summary.Notes() {
		fmt.Fprintln(c.stdout, note)
	}
	fmt.Fprintln(c.stdout, summary.Line())

	switch {
	case err != nil:
		return c.fail(exitSetup, err)
	case summary.Failed > 0:
		return exitFailure
	}
	return exitOK
}

func (c *cli) stats(ctx context.Context, args []string) int {
	flags := flag.NewFlagSet("stats", flag.ContinueOnError)
	asJSON := flags.Bool("json", false, "print one JSON object")
	if !c.parseFlags(flags, args) {
		return c.flagCode
	}
	e := c.open(ctx)
	if e == nil {
		return exitSetup
	}
	defer e.close()

	stats, err := e.store.Stats(ctx)
	if err != nil {
		return c.fail(exitSetup, err)
	}
	if *asJSON {
		encoded, err := json.Marshal(stats)
		if err != nil {
			return c.fail(exitSetup, fmt.Errorf("encode stats: %w", err))
		}
		fmt.Fprintln(c.stdout, string(encoded))
		return exitOK
	}

	fmt.Fprintf(c.stdout, "Users in scope: %7d  (client status %v)\n", stats.TotalUsers,
		stats.ClientStatuses)
	fmt.Fprintf(c.stdout, "With MFA:       %7d\n", stats.WithMFA)
	fmt.Fprintf(c.stdout, "Without MFA:    %7d\n", stats.WithoutMFA)
	fmt.Fprintf(c.stdout, "Adoption:       %6s%%\n", stats.AdoptionPercent)
	fmt.Fprintf(c.stdout, "  Owners:       %7d with MFA of %d (%s%%)\n", stats.Owners.WithMFA,
		stats.Owners.TotalUsers, stats.Owners.AdoptionPercent)
	fmt.Fprintf(c.stdout, "  Sub-users:    %7d with MFA of %d (%s%%)\n", stats.SubUsers.WithMFA,
		stats.SubUsers.TotalUsers, stats.SubUsers.AdoptionPercent)
	return exitOK
}

func (c *cli) remind(ctx context.Context, args []string) int {
	flags := flag.NewFlagSet("remind", flag.ContinueOnError)
	userID := flags.Int64("user", 0, "WHMCS user `id` (tblusers.id)")
	if !c.parseFlags(flags, args) {
		return c.flagCode
	}
	if *userID < 1 {
		return c.fail(exitSetup, errors.New("remind needs --user ID, the WHMCS user id "+
			"(tblusers.id), a whole number from 1"))
	}

	e := c.open(ctx, config.NeedMail)
	if e == nil {
		return exitSetup
	}
	defer e.close()
	if err := e.migrateTables(ctx); err != nil {
		return c.fail(exitSetup, err)
	}

	runner, _ := e.runner()
	outcome, err := runner.RemindUser(ctx, *userID, store.TriggerCLI, "command line")
	switch {
	case errors.Is(err, store.ErrNotFound):
		return c.fail(exitFailure, fmt.Errorf("user %d does not exist in tblusers", *userID))
	case errors.Is(err, reminder.ErrNotDue):
		return c.fail(exitFailure, err)
	case err != nil && outcome.Status == reminder.StatusFailed:
		return c.fail(exitFailure, fmt.Errorf("reminder to user %d failed: %s", *userID,
			outcome.Reason))
	case err != nil:
		return c.fail(exitSetup, err)
	}

	switch outcome.Status {
	case reminder.StatusSent:
		fmt.Fprintf(c.stdout, "Reminder sent to user %d <%s>: %s\n", outcome.UserID,
			outcome.Email, outcome.Reason)
		return exitOK
	case reminder.StatusFailed:
		return c.fail(exitFailure, fmt.Errorf("reminder to user %d failed: %s", *userID,
			outcome.Reason))
	case reminder.StatusUnconfirmed:
		return c.fail(exitFailure, fmt.Errorf("reminder to user %d may have been delivered: "+
			"the connection failed after the message was sent, so it counts as sent and is "+
			"not sent again before frequency_days pass (%s)", *userID, outcome.Reason))
	default:
		return c.fail(exitFailure, fmt.Errorf("no reminder sent to user %d: %s", *userID,
			outcome.Reason))
	}
}

func (c *cli) migrate(ctx context.Context, args []string) int {
	if !c.parseFlags(flag.NewFlagSet("migrate", flag.ContinueOnError), args) {
		return c.flagCode
	}
	e := c.open(ctx)
	if e == nil {
		return exitSetup
	}
	defer e.close()

	applied, err := e.store.Migrate(ctx)
	if err != nil {
		return c.fail(exitSetup, err)
	}
	fmt.Fprintf(c.stdout, "Own tables are at schema version %d (migrations applied now: %d)\n",
		store.SchemaVersion, applied)
	return exitOK
}

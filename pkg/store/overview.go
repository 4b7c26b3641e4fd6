package store

import (
	"context"
	"fmt"
	"time"
)

// Coverage counts in-scope client accounts by how many of their linked
// users have MFA.
type Coverage struct {
	Accounts int `db:"accounts" json:"accounts"`
	// AllMFA counts accounts where every linked user has MFA.
	AllMFA int `db:"all_mfa" json:"all_mfa"`
	// NoMFA counts accounts where no linked user has MFA.
	NoMFA int `db:"no_mfa" json:"no_mfa"`
}

// Coverage computes the account coverage.
func (s *Store) Coverage(ctx context.Context) (Coverage, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var coverage Coverage
	err := s.db.GetContext(ctx, &coverage, `
		SELECT COUNT(*) AS accounts,
			COALESCE(SUM(a.with_mfa = a.linked), 0) AS all_mfa,
			COALESCE(SUM(a.with_mfa = 0), 0) AS no_mfa
		FROM (
			SELECT c.id, COUNT(*) AS linked,
				SUM(`+mfaOn+`) AS with_mfa
			FROM tblclients c
			JOIN tblusers_clients uc ON uc.client_id = c.id
			JOIN tblusers u ON u.id = uc.auth_user_id
			WHERE c.status `+s.inStatuses+`
			GROUP BY c.id
		) a`, s.statusArgs()...)
	if err != nil {
		return coverage, fmt.Errorf("count account coverage: %w", err)
	}
	return coverage, nil
}

// Effect counts users reminded in a period and how many of them have MFA
// now. Reminders go only to users without MFA, so each of those turned it
// on after a reminder.
type Effect struct {
	Days     int `json:"days"`
	Reminded int `db:"reminded" json:"reminded"`
	Enabled  int `db:"enabled" json:"enabled"`
}

// Percent returns Enabled as a percentage of Reminded.
func (e Effect) Percent() Percent {
	return percentOf(e.Enabled, e.Reminded)
}

// ReminderEffect counts the users who were sent a reminder in the days
// before now and how many of them have MFA now.
func (s *Store) ReminderEffect(ctx context.Context, now time.Time, days int) (Effect, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	effect := Effect{Days: days}
	err := s.db.GetContext(ctx, &effect, `
		SELECT COUNT(*) AS reminded,
			COALESCE(SUM(`+mfaOn+`), 0) AS enabled
		FROM (
			SELECT DISTINCT user_id FROM mod_mfa_reminder_sends
			WHERE status = ? AND trigger_type <> ? AND created_at >= ?
		) reminded
		JOIN tblusers u ON u.id = reminded.user_id`,
		SendSent, TriggerTest, now.UTC().AddDate(0, 0, -days))
	if err != nil {
		return effect, fmt.Errorf("count reminder effect over %d days: %w", days, err)
	}
	return effect, nil
}

// Snapshot is the adoption figures of one day.
type Snapshot struct {
	Day            time.Time `db:"day"`
	TotalUsers     int       `db:"total_users"`
	WithMFA        int       `db:"with_mfa"`
	Owners         int       `db:"owners"`
	OwnersWithMFA  int       `db:"owners_with_mfa"`
	Accounts       int       `db:"accounts"`
	AccountsAllMFA int       `db:"accounts_all_mfa"`
	AccountsNoMFA  int       `db:"accounts_no_mfa"`
	TakenAt        time.Time `db:"taken_at"`
}

// Percent returns the adoption of the day.
func (s Snapshot) Percent() Percent {
	return percentOf(s.WithMFA, s.TotalUsers)
}

// TakeSnapshot stores the current figures as the snapshot of day (a date
// in the daemon's time zone), replacing an earlier one of the same day.
func (s *Store) TakeSnapshot(ctx context.Context, day, now time.Time) (Snapshot, error) {
	stats, err := s.Stats(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	coverage, err := s.Coverage(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	snapshot := Snapshot{
		Day:            time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC),
		TotalUsers:     stats.TotalUsers,
		WithMFA:        stats.WithMFA,
		Owners:         stats.Owners.TotalUsers,
		OwnersWithMFA:  stats.Owners.WithMFA,
		Accounts:       coverage.Accounts,
		AccountsAllMFA: coverage.AllMFA,
		AccountsNoMFA:  coverage.NoMFA,
		TakenAt:        now.UTC(),
	}

	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	_, err = s.db.NamedExecContext(ctx, `
		INSERT INTO mod_mfa_reminder_snapshots (day, total_users, with_mfa, owners,
			owners_with_mfa, accounts, accounts_all_mfa, accounts_no_mfa, taken_at)
		VALUES (:day, :total_users, :with_mfa, :owners, :owners_with_mfa, :accounts,
			:accounts_all_mfa, :accounts_no_mfa, :taken_at)
		ON DUPLICATE KEY UPDATE total_users = VALUES(total_users), with_mfa = VALUES(with_mfa),
			owners = VALUES(owners), owners_with_mfa = VALUES(owners_with_mfa),
			accounts = VALUES(accounts), accounts_all_mfa = VALUES(accounts_all_mfa),
			accounts_no_mfa = VALUES(accounts_no_mfa), taken_at = VALUES(taken_at)`, snapshot)
	if err != nil {
		return snapshot, fmt.Errorf("store the snapshot of %s: %w", snapshot.Day.Format(time.DateOnly), err)
	}
	return snapshot, nil
}

// Snapshots returns the snapshots from the day since on, oldest first.
func (s *Store) Snapshots(ctx context.Context, since time.Time) ([]Snapshot, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var snapshots []Snapshot
	err := s.db.SelectContext(ctx, &snapshots, `
		SELECT day, total_users, with_mfa, owners, owners_with_mfa, accounts,
			accounts_all_mfa, accounts_no_mfa, taken_at
		FROM mod_mfa_reminder_snapshots WHERE day >= ? ORDER BY day`,
		since.Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("read snapshots: %w", err)
	}
	return snapshots, nil
}

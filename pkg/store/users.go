package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// User is a WHMCS login identity (a tblusers row) with its primary
// in-scope client account and the daemon's reminder state.
type User struct {
	ID           int64    `db:"id"`
	FirstName    string   `db:"first_name"`
	LastName     string   `db:"last_name"`
	Email        string   `db:"email"`
	Language     string   `db:"language"`
	SecondFactor string   `db:"second_factor"`
	LastLogin    NullTime `db:"last_login"`

	// ClientID is the in-scope client account the user owns, else the
	// lowest-numbered in-scope account the user belongs to; 0 when the
	// user is out of scope.
	ClientID       int64  `db:"client_id"`
	Owner          bool   `db:"owner"`
	ClientLanguage string `db:"client_language"`
	CompanyName    string `db:"company_name"`

	LastRemindedAt NullTime `db:"last_reminded_at"`
	RemindersSent  int      `db:"reminders_sent"`
	DismissedAt    NullTime `db:"dismissed_at"`
	// PendingSince is the time of the newest attempt still marked
	// 'sending': a process stopped before it learned whether the server
	// took the message. It counts as a reminder at that time.
	PendingSince NullTime `db:"pending_since"`
}

// RemindedSince reports whether the user got a reminder, or an attempt
// that may have delivered one, at or after t.
func (u User) RemindedSince(t time.Time) bool {
	return (u.LastRemindedAt.Valid && !u.LastRemindedAt.Time.Before(t)) ||
		(u.PendingSince.Valid && !u.PendingSince.Time.Before(t))
}

// RemindedAfter reports whether the user got a reminder, or an attempt
// that may have delivered one, after t. Times are stored in milliseconds.
func (u User) RemindedAfter(t time.Time) bool {
	return u.LastReminder().Valid && u.LastReminder().Time.After(t.Truncate(time.Millisecond))
}

// LastReminder returns the later of the last reminder and the pending
// attempt, or an invalid time when there is neither.
func (u User) LastReminder() NullTime {
	if u.PendingSince.Valid && (!u.LastRemindedAt.Valid || u.PendingSince.Time.After(u.LastRemindedAt.Time)) {
		return u.PendingSince
	}
	return u.LastRemindedAt
}

// HasMFA reports whether the user has any two-factor module enabled. WHMCS
// stores the module name (totp, duosecurity, a third-party module) in
// tblusers.second_factor and an empty string when two-factor is off. Only
// spaces are trimmed, as MySQL's TRIM does in mfaOn, so Go and SQL judge
// every value alike.
func (u User) HasMFA() bool {
	return strings.Trim(u.SecondFactor, " ") != ""
}

// mfaOn is the SQL condition for a user with MFA, the same rule as HasMFA.
const mfaOn = "TRIM(COALESCE(u.second_factor, '')) <> ''"

// pendingAttempt selects, as table alias pending, the attempts to user u
// still marked 'sending', which count as reminders. Test messages do not,
// because they go to another address.
const pendingAttempt = `mod_mfa_reminder_sends pending
	WHERE pending.user_id = u.id AND pending.status = 'sending'
		AND pending.trigger_type <> 'test'`

// InScope reports whether the user is linked to a client account whose
// status is in scope.
func (u User) InScope() bool {
	return u.ClientID != 0
}

// FullName returns the first and last name joined by a space.
func (u User) FullName() string {
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

// selectUsers selects users with their primary in-scope account. The
// subquery picks one tblusers_clients row per user through the unique key
// (auth_user_id, client_id): an owned account first, then the lowest
// client id.
func (s *Store) selectUsers(where string) string {
	return `
		SELECT u.id, COALESCE(u.first_name, '') AS first_name,
			COALESCE(u.last_name, '') AS last_name, COALESCE(u.email, '') AS email,
			COALESCE(u.language, '') AS language,
			COALESCE(u.second_factor, '') AS second_factor, u.last_login,
			COALESCE(c.id, 0) AS client_id, COALESCE(uc.owner, 0) > 0 AS owner,
			COALESCE(c.language, '') AS client_language,
			COALESCE(c.companyname, '') AS company_name,
			r.last_reminded_at, COALESCE(r.reminders_sent, 0) AS reminders_sent,
			r.dismissed_at,
			(SELECT MAX(pending.created_at) FROM ` + pendingAttempt + `) AS pending_since
		FROM tblusers u
		LEFT JOIN tblusers_clients uc ON uc.id = (
			SELECT pick.id FROM tblusers_clients pick
			JOIN tblclients pc ON pc.id = pick.client_id
			WHERE pick.auth_user_id = u.id AND pc.status ` + s.inStatuses + `
			ORDER BY pick.owner DESC, pick.client_id
			LIMIT 1)
		LEFT JOIN tblclients c ON c.id = uc.client_id
		LEFT JOIN mod_mfa_reminder_users r ON r.user_id = u.id
		` + where
}

// User returns one user by tblusers id, or ErrNotFound.
func (s *Store) User(ctx context.Context, id int64) (User, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var user User
	err := s.db.GetContext(ctx, &user, s.selectUsers("WHERE u.id = ?"), s.statusArgs(id)...)
	if errors.Is(err, sql.ErrNoRows) {
		return user, fmt.Errorf("user %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return user, fmt.Errorf("read user %d: %w", id, err)
	}
	return user, nil
}

// DueUsers returns up to limit in-scope users without MFA whose id is
// above afterID and who were never reminded or last reminded before
// remindedBefore, in id order. Callers page by passing the last id seen.
//
// A user with an attempt still marked 'sending' since remindedBefore is not
// due: the process that made it stopped before learning whether the
// server took the message, and sending again could deliver it twice.
func (s *Store) DueUsers(ctx context.Context, remindedBefore time.Time, afterID int64,
	limit int) ([]User, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	query := s.selectUsers(`
		WHERE u.id > ? AND uc.id IS NOT NULL AND NOT ` + mfaOn + `
			AND (r.last_reminded_at IS NULL OR r.last_reminded_at < ?)
			AND NOT EXISTS (SELECT 1 FROM ` + pendingAttempt + `
				AND pending.created_at >= ?)
		ORDER BY u.id
		LIMIT ?`)

	var users []User
	err := s.db.SelectContext(ctx, &users, query,
		s.statusArgs(afterID, remindedBefore, remindedBefore, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list users due for a reminder: %w", err)
	}
	return users, nil
}

// Percent is a percentage that encodes in JSON with exactly one decimal.
type Percent float64

// MarshalJSON implements json.Marshaler.
func (p Percent) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(p), 'f', 1, 64)), nil
}

// String returns the percentage with one decimal.
func (p Percent) String() string {
	return strconv.FormatFloat(float64(p), 'f', 1, 64)
}

// percentOf returns part as a percentage of whole, rounded to one decimal.
func percentOf(part, whole int) Percent {
	if whole == 0 {
		return 0
	}
	return Percent(math.Round(float64(part)*1000/float64(whole)) / 10)
}

// Adoption counts users with and without MFA.
type Adoption struct {
	TotalUsers      int     `json:"total_users"`
	WithMFA         int     `json:"with_mfa"`
	WithoutMFA      int     `json:"without_mfa"`
	AdoptionPercent Percent `json:"adoption_percent"`
}

func newAdoption(total, withMFA int) Adoption {
	return Adoption{
		TotalUsers:      total,
		WithMFA:         withMFA,
		WithoutMFA:      total - withMFA,
		AdoptionPercent: percentOf(withMFA, total),
	}
}

// Stats are the adoption figures over all in-scope users, split into
// account owners and sub-users. A user who owns any in-scope account
// counts as an owner.
type Stats struct {
	Adoption
	Owners         Adoption `json:"owners"`
	SubUsers       Adoption `json:"sub_users"`
	ClientStatuses []string `json:"client_statuses"`
}

// Stats computes the adoption figures.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var counts struct {
		Total         int `db:"total"`
		WithMFA       int `db:"with_mfa"`
		Owners        int `db:"owners"`
		OwnersWithMFA int `db:"owners_with_mfa"`
	}
	err := s.db.GetContext(ctx, &counts, `
		SELECT COUNT(*) AS total,
			COALESCE(SUM(m.has_mfa), 0) AS with_mfa,
			COALESCE(SUM(m.owner), 0) AS owners,
			COALESCE(SUM(m.owner * m.has_mfa), 0) AS owners_with_mfa
		FROM (
			SELECT `+mfaOn+` AS has_mfa, scope.owner
			FROM tblusers u
			JOIN (
				SELECT uc.auth_user_id, MAX(uc.owner > 0) AS owner
				FROM tblusers_clients uc
				JOIN tblclients c ON c.id = uc.client_id
				WHERE c.status `+s.inStatuses+`
				GROUP BY uc.auth_user_id
			) scope ON scope.auth_user_id = u.id
		) m`, s.statusArgs()...)
	if err != nil {
		return Stats{}, fmt.Errorf("count MFA adoption: %w", err)
	}

	return Stats{
		Adoption:       newAdoption(counts.Total, counts.WithMFA),
		Owners:         newAdoption(counts.Owners, counts.OwnersWithMFA),
		SubUsers:       newAdoption(counts.Total-counts.Owners, counts.WithMFA-counts.OwnersWithMFA),
		ClientStatuses: s.statuses,
	}, nil
}

package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// ActivityQuery selects entries of the activity log, newest first.
type ActivityQuery struct {
	// Status is SendSent, SendFailed, SendSkipped, SendSending or empty.
	Status string
	// Trigger is one of the Trigger constants or empty.
	Trigger string
	// Search matches part of the email address, or the user id exactly.
	Search string
	// BatchID keeps the reminders of one batch; 0 means any.
	BatchID int64
	// BeforeID starts the page below this id; 0 means the newest.
	BeforeID int64
	Limit    int
}

var (
	sendStatuses = []string{SendSent, SendFailed, SendSkipped, SendSending}
	triggers     = []string{TriggerSchedule, TriggerAdmin, TriggerBulk, TriggerCLI, TriggerTest}
)

// Validate checks the query's values.
func (q *ActivityQuery) Validate() error {
	if q.Status != "" && !slices.Contains(sendStatuses, q.Status) {
		return fmt.Errorf("invalid status %q: use one of %s", q.Status,
			strings.Join(sendStatuses, ", "))
	}
	if q.Trigger != "" && !slices.Contains(triggers, q.Trigger) {
		return fmt.Errorf("invalid trigger %q: use one of %s", q.Trigger,
			strings.Join(triggers, ", "))
	}
	if q.Limit < 1 || q.Limit > 500 {
		q.Limit = 50
	}
	return nil
}

// ActivityPage is one page of the activity log.
type ActivityPage struct {
	Sends []Send
	// NextBeforeID continues the log below the last entry; 0 on the last
	// page.
	NextBeforeID int64
}

// Activity returns one page of the activity log, paged by id.
func (s *Store) Activity(ctx context.Context, q ActivityQuery) (ActivityPage, error) {
	if err := q.Validate(); err != nil {
		return ActivityPage{}, err
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	conditions := []string{"1 = 1"}
	var args []any
	if q.Status != "" {
		conditions = append(conditions, "status = ?")
		args = append(args, q.Status)
	}
	if q.Trigger != "" {
		conditions = append(conditions, "trigger_type = ?")
		args = append(args, q.Trigger)
	}
	if q.Search != "" {
		conditions = append(conditions, "(email LIKE ? OR CAST(user_id AS CHAR) = ?)")
		args = append(args, "%"+escapeLike(q.Search)+"%", q.Search)
	}
	if q.BatchID > 0 {
		conditions = append(conditions, "batch_id = ?")
		args = append(args, q.BatchID)
	}
	if q.BeforeID > 0 {
		conditions = append(conditions, "id < ?")
		args = append(args, q.BeforeID)
	}
	args = append(args, q.Limit+1)

	var sends []Send
	err := s.db.SelectContext(ctx, &sends, "SELECT "+sendColumns+
		" FROM mod_mfa_reminder_sends WHERE "+strings.Join(conditions, " AND ")+
		" ORDER BY id DESC LIMIT ?", args...)
	if err != nil {
		return ActivityPage{}, fmt.Errorf("read activity log: %w", err)
	}

	page := ActivityPage{Sends: sends}
	if len(sends) > q.Limit {
		page.Sends = sends[:q.Limit]
		page.NextBeforeID = page.Sends[q.Limit-1].ID
	}
	return page, nil
}

package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfa-reminder/mfa-reminder/pkg/reminder"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// batchWait is how long a reminder request waits for its batch before
// showing the result page, which then refreshes until the batch is done.
const batchWait = 5 * time.Second

// maxSelected is the most users one bulk form may list by id.
const maxSelected = 5000

var noncePattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// sendReminders handles POST /reminders: one user (single=ID), the
// checked users (mode=selected, user_id=ID...), or every user the filter
// matches (mode=all with the filter's fields), resolved on the server. It
// stores a batch, lets the worker send it and redirects to the result
// page (post/redirect/get).
func (s *Server) sendReminders(c echo.Context) error {
	nonce := c.FormValue("nonce")
	if !noncePattern.MatchString(nonce) {
		return echo.NewHTTPError(http.StatusBadRequest,
			"the form has no valid nonce: reload the page and try again")
	}
	selection, description, total, err := s.parseSelection(c)
	if err != nil {
		return err
	}

	ctx := c.Request().Context()
	id, err := s.store.CreateBatch(ctx, nonce, s.admin(c), description, selection, total, s.now())
	if errors.Is(err, store.ErrNonceReused) {
		return echo.NewHTTPError(http.StatusConflict, fmt.Sprintf("this form was already sent "+
			"as reminder batch %d: reload the user list and choose the users again", id))
	}
	if err != nil {
		return unavailable(err)
	}
	s.logger.Info("Reminders requested", "batch_id", id, "total", total, "admin", s.admin(c))

	if s.Worker == nil {
		if err := s.runner.ProcessBatch(ctx, id); err != nil {
			s.logger.Warn("Bulk reminder not finished", "batch_id", id, "error", err)
		}
	} else {
		s.Worker.Wake()
		s.waitForBatch(ctx, id)
	}
	return c.Redirect(http.StatusSeeOther, s.url("/reminders/"+strconv.FormatInt(id, 10)))
}

// parseSelection reads which users a reminder form selects.
func (s *Server) parseSelection(c echo.Context) (store.Selection, string, int, error) {
	if single := c.FormValue("single"); single != "" {
		id, err := parseUserID(single)
		if err != nil {
			return store.Selection{}, "", 0, echo.NewHTTPError(http.StatusBadRequest, err.Error())
		}
		return store.Selection{UserIDs: []int64{id}, Force: true},
			fmt.Sprintf("Reminder to user %d", id), 1, nil
	}

	switch mode := c.FormValue("mode"); mode {
	case "selected":
		form, err := c.FormParams()
		if err != nil {
			return store.Selection{}, "", 0, echo.NewHTTPError(http.StatusBadRequest,
				"invalid form: "+err.Error())
		}
		raw := form["user_id"]
		if len(raw) == 0 {
			return store.Selection{}, "", 0, echo.NewHTTPError(http.StatusBadRequest,
				"no user selected: tick the users to remind, or use the button for all "+
					"matching users")
		}
		if len(raw) > maxSelected {
			return store.Selection{}, "", 0, echo.NewHTTPError(http.StatusBadRequest,
				fmt.Sprintf("%d users selected: tick at most %d, or use the button for all "+
					"matching users", len(raw), maxSelected))
		}
		seen := map[int64]bool{}
		var ids []int64
		for _, value := range raw {
			id, err := parseUserID(value)
			if err != nil {
				return store.Selection{}, "", 0, echo.NewHTTPError(http.StatusBadRequest, err.Error())
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		return store.Selection{UserIDs: ids},
			"Bulk reminder to " + countUsers(len(ids), "selected user"), len(ids), nil
	case "all":
		q, err := s.parseUserQuery(c)
		if err != nil {
			return store.Selection{}, "", 0, echo.NewHTTPError(http.StatusBadRequest, err.Error())
		}
		q.After, q.Before = nil, nil
		total, err := s.store.CountUsers(c.Request().Context(), q)
		if err != nil {
			return store.Selection{}, "", 0, unavailable(err)
		}
		description := "Bulk reminder to all " + countUsers(total, "user")
		if filter := describeFilter(q); filter != "" {
			description += " matching " + filter
		}
		return store.Selection{Filter: &q}, description, total, nil
	default:
		return store.Selection{}, "", 0, echo.NewHTTPError(http.StatusBadRequest,
			fmt.Sprintf("invalid mode %q: use selected or all", mode))
	}
}

// describeFilter returns the filter in words for the activity log, or ""
// for no filter.
func describeFilter(q store.UserQuery) string {
	var parts []string
	if q.Search != "" {
		parts = append(parts, fmt.Sprintf("search %q", q.Search))
	}
	if q.Role != "" {
		parts = append(parts, "role "+q.Role)
	}
	if q.ClientStatus != "" {
		parts = append(parts, "client status "+q.ClientStatus)
	}
	if q.ClientGroup > 0 {
		parts = append(parts, fmt.Sprintf("client group %d", q.ClientGroup))
	}
	switch q.Reminded {
	case store.RemindedNever:
		parts = append(parts, "never reminded")
	case store.RemindedStill:
		parts = append(parts, "reminded but still without MFA")
	}
	return strings.Join(parts, ", ")
}

// countUsers returns "1 user" or "N users" for a noun such as "user".
func countUsers(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// waitForBatch returns when the batch has finished, the wait is over or
// the request ends.
func (s *Server) waitForBatch(ctx context.Context, id int64) {
	deadline := time.Now().Add(batchWait)
	for time.Now().Before(deadline) {
		batch, err := s.store.Batch(ctx, id)
		// A batch with an error has finished or paused until its retry.
		if err != nil || batch.Finished() || batch.Error != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

type batchPage struct {
	Batch store.Batch
	Sends []store.Send
	// More counts reminders of the batch beyond those listed.
	More int
}

// batchListLimit is the most reminders a result page lists.
const batchListLimit = 500

// batch shows the result of a batch; while it runs, the page refreshes
// itself.
func (s *Server) batch(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return echo.NewHTTPError(http.StatusNotFound, "no such reminder batch")
	}
	ctx := c.Request().Context()
	batch, err := s.store.Batch(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "no such reminder batch")
	}
	if err != nil {
		return unavailable(err)
	}
	if err := s.store.CountBatch(ctx, &batch); err != nil {
		return unavailable(err)
	}
	page, err := s.store.Activity(ctx, store.ActivityQuery{BatchID: id, Limit: batchListLimit})
	if err != nil {
		return unavailable(err)
	}

	view := batchPage{Batch: batch, Sends: page.Sends}
	if listed := len(page.Sends); batch.Sent+batch.Skipped+batch.Failed > listed {
		view.More = batch.Sent + batch.Skipped + batch.Failed - listed
	}
	return s.render(c, http.StatusOK, "batch.html", "Reminder result", view)
}

type previewPage struct {
	UserID  int64
	Preview *reminder.Preview
	Error   string
}

// preview shows the reminder a chosen user would get, with a form that
// sends it to another address as a test.
func (s *Server) preview(c echo.Context) error {
	view := previewPage{}
	raw := c.QueryParam("user_id")
	if raw == "" {
		return s.render(c, http.StatusOK, "preview.html", "Email preview", view)
	}
	id, err := parseUserID(raw)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	view.UserID = id

	preview, err := s.runner.Preview(c.Request().Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		view.Error = fmt.Sprintf("User %d does not exist in WHMCS.", id)
	case err != nil:
		return unavailable(err)
	default:
		view.Preview = &preview
	}
	return s.render(c, http.StatusOK, "preview.html", "Email preview", view)
}

// sendTest sends the previewed reminder to the address the admin entered.
func (s *Server) sendTest(c echo.Context) error {
	id, err := parseUserID(c.FormValue("user_id"))
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	address := strings.TrimSpace(c.FormValue("address"))

	reply, err := s.runner.SendTest(c.Request().Context(), id, address, s.admin(c))
	if errors.Is(err, reminder.ErrDatabase) {
		return unavailable(err)
	}
	if err != nil {
		s.setFlash(c, "error", "The test message was not sent: "+err.Error())
	} else {
		s.setFlash(c, "success", fmt.Sprintf("Test message sent to %s: %s", address, reply))
	}
	return c.Redirect(http.StatusSeeOther,
		s.url("/reminders/preview?user_id="+strconv.FormatInt(id, 10)))
}

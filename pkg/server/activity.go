package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

type activityPage struct {
	Query    store.ActivityQuery
	Sends    []store.Send
	Next     string
	Statuses []string
	Triggers []string
}

// activity lists every reminder, newest first, filtered by status,
// trigger, user and batch.
func (s *Server) activity(c echo.Context) error {
	q := store.ActivityQuery{
		Status:  c.QueryParam("status"),
		Trigger: c.QueryParam("trigger"),
		Search:  strings.TrimSpace(c.QueryParam("q")),
		Limit:   pageSize,
	}
	for name, target := range map[string]*int64{"batch": &q.BatchID, "before": &q.BeforeID} {
		if raw := c.QueryParam(name); raw != "" {
			value, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || value < 0 {
				return echo.NewHTTPError(http.StatusBadRequest,
					fmt.Sprintf("invalid %s %q: use a whole number", name, raw))
			}
			*target = value
		}
	}
	if len(q.Search) > 200 {
		return echo.NewHTTPError(http.StatusBadRequest, "search text too long: use at most 200 characters")
	}

	if err := q.Validate(); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	page, err := s.store.Activity(c.Request().Context(), q)
	if err != nil {
		return unavailable(err)
	}

	view := activityPage{Query: q, Sends: page.Sends,
		Statuses: []string{store.SendSent, store.SendFailed, store.SendSkipped, store.SendSending},
		Triggers: []string{store.TriggerSchedule, store.TriggerAdmin, store.TriggerBulk,
			store.TriggerCLI, store.TriggerTest}}
	if page.NextBeforeID > 0 {
		values := url.Values{}
		for _, name := range []string{"status", "trigger", "q", "batch"} {
			if value := c.QueryParam(name); value != "" {
				values.Set(name, value)
			}
		}
		values.Set("before", strconv.FormatInt(page.NextBeforeID, 10))
		view.Next = s.url("/activity") + "?" + values.Encode()
	}
	return s.render(c, http.StatusOK, "activity.html", "Activity", view)
}

package server

import (
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// pageSize is the number of rows per dashboard page.
const pageSize = 50

// parseUserQuery reads the user list filter from request parameters.
func (s *Server) parseUserQuery(c echo.Context) (store.UserQuery, error) {
	q := store.UserQuery{
		Search:       strings.TrimSpace(c.FormValue("q")),
		Role:         c.FormValue("role"),
		ClientStatus: c.FormValue("status"),
		Reminded:     c.FormValue("reminded"),
		Sort:         c.FormValue("sort"),
		Descending:   c.FormValue("dir") == "desc",
		Limit:        pageSize,
	}
	if dir := c.FormValue("dir"); dir != "" && dir != "asc" && dir != "desc" {
		return q, fmt.Errorf("invalid sort direction %q: use asc or desc", dir)
	}
	if len(q.Search) > 200 {
		return q, fmt.Errorf("search text too long (%d characters): use at most 200",
			len(q.Search))
	}
	if group := c.FormValue("group"); group != "" {
		id, err := strconv.ParseInt(group, 10, 64)
		if err != nil || id < 0 {
			return q, fmt.Errorf("invalid client group %q: choose one from the list", group)
		}
		q.ClientGroup = id
	}
	for name, target := range map[string]**store.Cursor{"after": &q.After, "before": &q.Before} {
		if raw := c.QueryParam(name); raw != "" {
			cursor, err := store.DecodeCursor(raw)
			if err != nil {
				return q, err
			}
			*target = cursor
		}
	}
	if err := q.Validate(s.store.Statuses()); err != nil {
		return q, err
	}
	return q, nil
}

// filterValues returns the filter of q as query parameters, without the
// page position.
func filterValues(q store.UserQuery) url.Values {
	values := url.Values{}
	set := func(key, value string) {
		if value != "" {
			values.Set(key, value)
		}
	}
	set("q", q.Search)
	set("role", q.Role)
	set("status", q.ClientStatus)
	if q.ClientGroup > 0 {
		set("group", strconv.FormatInt(q.ClientGroup, 10))
	}
	set("reminded", q.Reminded)
	set("sort", q.Sort)
	if q.Descending {
		set("dir", "desc")
	}
	return values
}

type usersPage struct {
	Query    store.UserQuery
	Filter   url.Values
	Rows     []userRow
	Total    int
	Next     string
	Prev     string
	Columns  []column
	Groups   []store.ClientGroup
	Statuses []string
	// Nonce makes the bulk form's batch unique, so posting it twice sends
	// once.
	Nonce string
}

type userRow struct {
	store.User
	Accounts []accountLink
}

type accountLink struct {
	Name   string
	URL    string
	Status string
	Owner  bool
}

// column is a sortable column header.
type column struct {
	Label string
	URL   string
	// Sort is "ascending" or "descending" for the current sort column, for
	// aria-sort, and empty otherwise.
	Sort string
}

var columnLabels = []struct{ key, label string }{
	{"name", "Name"}, {"email", "Email"}, {"account", "Account"}, {"role", "Role"},
	{"last_login", "Last login"}, {"last_reminder", "Last reminder"},
	{"reminders", "Reminders sent"},
}

// users lists the in-scope users without MFA, filtered, sorted and paged.
func (s *Server) users(c echo.Context) error {
	q, err := s.parseUserQuery(c)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	ctx := c.Request().Context()

	page, err := s.store.ListUsers(ctx, q)
	if err != nil {
		return unavailable(err)
	}
	total, err := s.store.CountUsers(ctx, q)
	if err != nil {
		return unavailable(err)
	}
	groups, err := s.store.ClientGroups(ctx)
	if err != nil {
		return unavailable(err)
	}
	snapshot, err := s.settings.Get(ctx)
	if err != nil {
		return unavailable(err)
	}
	rows, err := s.userRows(c, page.Users, snapshot.WHMCSAdminURL)
	if err != nil {
		return err
	}

	filter := filterValues(q)
	view := usersPage{Query: q, Filter: filter, Rows: rows, Total: total, Groups: groups,
		Statuses: s.store.Statuses(), Nonce: newNonce()}
	if page.Next != nil {
		view.Next = s.listURL(filter, "after", page.Next.Encode())
	}
	if page.Prev != nil {
		view.Prev = s.listURL(filter, "before", page.Prev.Encode())
	}
	for _, col := range columnLabels {
		view.Columns = append(view.Columns, s.sortColumn(filter, q, col.key, col.label))
	}
	return s.render(c, http.StatusOK, "users.html", "Users without MFA", view)
}

func (s *Server) listURL(filter url.Values, key, value string) string {
	values := cloneValues(filter)
	values.Set(key, value)
	return s.url("/users") + "?" + values.Encode()
}

func cloneValues(values url.Values) url.Values {
	clone := make(url.Values, len(values))
	for name, list := range values {
		clone[name] = append([]string(nil), list...)
	}
	return clone
}

// sortColumn returns the header of a column that sorts by key; a second
// click on the current column reverses the order.
func (s *Server) sortColumn(filter url.Values, q store.UserQuery, key, label string) column {
	values := cloneValues(filter)
	values.Set("sort", key)
	values.Del("dir")
	col := column{Label: label}
	if q.Sort == key {
		col.Sort = "ascending"
		if q.Descending {
			col.Sort = "descending"
		} else {
			values.Set("dir", "desc")
		}
	}
	col.URL = s.url("/users") + "?" + values.Encode()
	return col
}

// userRows adds each user's client accounts with links to WHMCS's admin
// area.
func (s *Server) userRows(c echo.Context, users []store.User, adminURL string) ([]userRow, error) {
	ids := make([]int64, len(users))
	for i, user := range users {
		ids[i] = user.ID
	}
	accounts, err := s.store.Accounts(c.Request().Context(), ids)
	if err != nil {
		return nil, unavailable(err)
	}

	rows := make([]userRow, len(users))
	for i, user := range users {
		rows[i].User = user
		for _, account := range accounts[user.ID] {
			link := accountLink{Name: account.Name(), Status: account.Status, Owner: account.Owner}
			if adminURL != "" {
				link.URL = adminURL + "clientssummary.php?userid=" +
					strconv.FormatInt(account.ClientID, 10)
			}
			rows[i].Accounts = append(rows[i].Accounts, link)
		}
	}
	return rows, nil
}

func newNonce() string {
	data := make([]byte, 16)
	_, _ = rand.Read(data)
	return hex.EncodeToString(data)
}

// csvFlushRows is how many rows the CSV export writes between flushes.
const csvFlushRows = 200

// usersCSV streams the user list as CSV with the same filter, reading one
// page at a time, so memory stays flat however many users match.
func (s *Server) usersCSV(c echo.Context) error {
	q, err := s.parseUserQuery(c)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}

	header := c.Response().Header()
	header.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	header.Set(echo.HeaderContentDisposition, `attachment; filename="users-without-mfa.csv"`)
	header.Set(echo.HeaderCacheControl, "no-store")
	c.Response().WriteHeader(http.StatusOK)

	writer := csv.NewWriter(c.Response())
	_ = writer.Write([]string{"user_id", "first_name", "last_name", "email", "role",
		"accounts", "last_login_utc", "last_reminder_utc", "reminders_sent", "language"})
	rows := 0
	err = s.store.EachUser(c.Request().Context(), q, func(user store.User,
		accounts []store.Account) error {
		names := make([]string, len(accounts))
		for i, account := range accounts {
			names[i] = account.Name()
		}
		role := store.RoleSubUser
		if user.Owner {
			role = store.RoleOwner
		}
		record := []string{strconv.FormatInt(user.ID, 10), user.FirstName, user.LastName,
			user.Email, role, strings.Join(names, "; "), csvTime(user.LastLogin),
			csvTime(user.LastReminder()), strconv.Itoa(user.RemindersSent), user.Language}
		for i := range record {
			record[i] = csvCell(record[i])
		}
		if err := writer.Write(record); err != nil {
			return err
		}
		if rows++; rows%csvFlushRows == 0 {
			writer.Flush()
			c.Response().Flush()
		}
		return writer.Error()
	})
	writer.Flush()
	if err != nil {
		// The status line is sent, so the error can only be logged; the
		// file ends early.
		s.logger.Error("CSV export stopped", "rows", rows, "error", err)
	}
	return nil
}

func csvTime(t store.NullTime) string {
	if !t.Valid {
		return ""
	}
	return t.Time.UTC().Format("2006-01-02 15:04:05")
}

// csvCell neutralises a value that a spreadsheet would read as a formula,
// by putting an apostrophe before it.
func csvCell(value string) string {
	if value != "" && strings.ContainsRune("=+-@\t\r", rune(value[0])) {
		return "'" + value
	}
	return value
}

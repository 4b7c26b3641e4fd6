package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// Roles of a user in the user list filter.
const (
	RoleOwner   = "owner"
	RoleSubUser = "sub-user"
)

// Reminder filters of the user list.
const (
	RemindedNever = "never"
	// RemindedStill selects users who were reminded and still have no MFA.
	RemindedStill = "reminded"
)

// sortColumns maps each sort key of the user list to its SQL expression.
// NULL dates sort as the earliest date, like "never".
//
// NOTE: only id, email and last_reminder have an index. Sorting by
// another column reads every in-scope user without MFA for each page.
// Keyset paging keeps that a scan with a bounded sort, never an OFFSET.
var sortColumns = map[string]string{
	"id":            "u.id",
	"name":          "CONCAT(u.first_name, ' ', u.last_name)",
	"email":         "u.email",
	"account":       "COALESCE(NULLIF(c.companyname, ''), CONCAT(c.firstname, ' ', c.lastname))",
	"role":          "uc.owner",
	"last_login":    "COALESCE(u.last_login, '1000-01-01 00:00:00')",
	"last_reminder": "COALESCE(r.last_reminded_at, '1000-01-01 00:00:00')",
	"reminders":     "COALESCE(r.reminders_sent, 0)",
}

// SortKeys lists the user list's sort keys.
var SortKeys = []string{"name", "email", "account", "role", "last_login", "last_reminder",
	"reminders", "id"}

// UserQuery selects in-scope users without MFA for the user list.
type UserQuery struct {
	// Search matches part of the name or email address.
	Search string
	// Role is RoleOwner, RoleSubUser or empty for both.
	Role string
	// ClientStatus keeps users linked to an account with this status.
	ClientStatus string
	// ClientGroup keeps users linked to an in-scope account of this
	// tblclientgroups id; 0 means any.
	ClientGroup int64
	// Reminded is RemindedNever, RemindedStill or empty for both.
	Reminded   string
	Sort       string
	Descending bool
	// After starts the page after this position, Before ends it before.
	After  *Cursor
	Before *Cursor
	Limit  int
}

// Validate checks the query's values against statuses, the client
// statuses in scope.
func (q *UserQuery) Validate(statuses []string) error {
	if q.Sort == "" {
		q.Sort = "name"
	}
	if !fitsUTF8MB3(q.Search) {
		return fmt.Errorf("invalid search text %q: it is not UTF-8 or has characters above "+
			"U+FFFF, such as emoji, which WHMCS cannot store", q.Search)
	}
	if _, ok := sortColumns[q.Sort]; !ok {
		return fmt.Errorf("invalid sort %q: use one of %s", q.Sort, strings.Join(SortKeys, ", "))
	}
	if q.Role != "" && q.Role != RoleOwner && q.Role != RoleSubUser {
		return fmt.Errorf("invalid role %q: use %s or %s", q.Role, RoleOwner, RoleSubUser)
	}
	if q.Reminded != "" && q.Reminded != RemindedNever && q.Reminded != RemindedStill {
		return fmt.Errorf("invalid reminder filter %q: use %s or %s", q.Reminded,
			RemindedNever, RemindedStill)
	}
	if q.ClientStatus != "" && !slices.Contains(statuses, q.ClientStatus) {
		return fmt.Errorf("invalid client status %q: use one of the statuses in scope, %s",
			q.ClientStatus, strings.Join(statuses, ", "))
	}
	if q.ClientGroup < 0 {
		return fmt.Errorf("invalid client group %d", q.ClientGroup)
	}
	if q.Limit < 1 || q.Limit > 1000 {
		q.Limit = 50
	}
	return nil
}

// Cursor is a position in the user list: the sort value and the user id
// of a row.
type Cursor struct {
	Value string `json:"v"`
	ID    int64  `json:"i"`
}

// Encode returns the cursor as an opaque URL-safe string.
func (c Cursor) Encode() string {
	data, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(data)
}

// ErrInvalidCursor is returned for a page position that does not decode.
var ErrInvalidCursor = errors.New("invalid page position: start again from the first page")

// DecodeCursor reads a cursor made by Encode.
func DecodeCursor(text string) (*Cursor, error) {
	data, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil || len(data) > 2048 {
		return nil, ErrInvalidCursor
	}
	var cursor Cursor
	if err := json.Unmarshal(data, &cursor); err != nil || cursor.ID < 1 ||
		!fitsUTF8MB3(cursor.Value) {
		return nil, ErrInvalidCursor
	}
	return &cursor, nil
}

// listedUser is a user row with the value it was sorted by.
type listedUser struct {
	User
	SortValue string `db:"sort_value"`
}

// where builds the filter conditions of q and their arguments, without
// the page position.
func (s *Store) where(q UserQuery) (string, []any) {
	conditions := []string{
		"uc.id IS NOT NULL",
		"NOT " + mfaOn,
	}
	var args []any

	if q.Search != "" {
		pattern := "%" + escapeLike(q.Search) + "%"
		conditions = append(conditions,
			"(u.email LIKE ? OR CONCAT(u.first_name, ' ', u.last_name) LIKE ?)")
		args = append(args, pattern, pattern)
	}
	switch q.Role {
	case RoleOwner:
		conditions = append(conditions, "uc.owner > 0")
	case RoleSubUser:
		conditions = append(conditions, "uc.owner = 0")
	}
	if q.ClientStatus != "" {
		conditions = append(conditions, `EXISTS (SELECT 1 FROM tblusers_clients x
			JOIN tblclients xc ON xc.id = x.client_id
			WHERE x.auth_user_id = u.id AND xc.status = ?)`)
		args = append(args, q.ClientStatus)
	}
	if q.ClientGroup > 0 {
		conditions = append(conditions, `EXISTS (SELECT 1 FROM tblusers_clients x
			JOIN tblclients xc ON xc.id = x.client_id
			WHERE x.auth_user_id = u.id AND xc.groupid = ? AND xc.status `+s.inStatuses+`)`)
		args = append(args, q.ClientGroup)
		args = append(args, s.statusArgs()...)
	}
	pending := "EXISTS (SELECT 1 FROM " + pendingAttempt + ")"
	switch q.Reminded {
	case RemindedNever:
		conditions = append(conditions, "r.last_reminded_at IS NULL AND NOT "+pending)
	case RemindedStill:
		conditions = append(conditions, "(r.last_reminded_at IS NOT NULL OR "+pending+")")
	}

	return strings.Join(conditions, " AND "), args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// UserPage is one page of the user list.
type UserPage struct {
	Users []User
	// Next is the position after the last row, nil on the last page.
	Next *Cursor
	// Prev is the position before the first row, nil on the first page.
	Prev *Cursor
}

// ListUsers returns one page of in-scope users without MFA, filtered and
// sorted by q, using keyset paging.
func (s *Store) ListUsers(ctx context.Context, q UserQuery) (UserPage, error) {
	if err := q.Validate(s.statuses); err != nil {
		return UserPage{}, err
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	expression := sortColumns[q.Sort]
	where, args := s.where(q)
	// A page before a cursor is read in the opposite order, then reversed.
	backward := q.Before != nil
	descending := q.Descending != backward
	cursor := q.After
	if backward {
		cursor = q.Before
	}
	if cursor != nil {
		operator := ">"
		if descending {
			operator = "<"
		}
		where += fmt.Sprintf(" AND (%[1]s %[2]s ? OR (%[1]s = ? AND u.id %[2]s ?))",
			expression, operator)
		args = append(args, cursor.Value, cursor.Value, cursor.ID)
	}
	direction := "ASC"
	if descending {
		direction = "DESC"
	}

	query := strings.Replace(s.selectUsers("WHERE "+where), "SELECT u.id,",
		"SELECT CAST("+expression+" AS CHAR) AS sort_value, u.id,", 1)
	query += fmt.Sprintf(" ORDER BY %s %s, u.id %s LIMIT ?", expression, direction, direction)
	args = append(s.statusArgs(args...), q.Limit+1)

	var rows []listedUser
	if err := s.db.SelectContext(ctx, &rows, query, args...); err != nil {
		return UserPage{}, fmt.Errorf("list users without MFA: %w", err)
	}

	more := len(rows) > q.Limit
	if more {
		rows = rows[:q.Limit]
	}
	if backward {
		slices.Reverse(rows)
	}

	page := UserPage{Users: make([]User, len(rows))}
	for i, row := range rows {
		page.Users[i] = row.User
	}
	if len(rows) == 0 {
		return page, nil
	}
	first := &Cursor{Value: rows[0].SortValue, ID: rows[0].ID}
	last := &Cursor{Value: rows[len(rows)-1].SortValue, ID: rows[len(rows)-1].ID}
	switch {
	case backward:
		page.Next = last
		if more {
			page.Prev = first
		}
	default:
		if more {
			page.Next = last
		}
		if q.After != nil {
			page.Prev = first
		}
	}
	return page, nil
}

// CountUsers counts the users that q selects, ignoring its page position.
func (s *Store) CountUsers(ctx context.Context, q UserQuery) (int, error) {
	if err := q.Validate(s.statuses); err != nil {
		return 0, err
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	where, args := s.where(q)
	query := "SELECT COUNT(*) FROM (" + s.selectUsers("WHERE "+where) + ") matched"
	var count int
	if err := s.db.GetContext(ctx, &count, query, s.statusArgs(args...)...); err != nil {
		return 0, fmt.Errorf("count users without MFA: %w", err)
	}
	return count, nil
}

// EachUser calls fn for every user that q selects, in q's order, reading
// one page at a time so that memory stays flat on any number of users. It
// stops at the first error fn returns.
func (s *Store) EachUser(ctx context.Context, q UserQuery,
	fn func(User, []Account) error) error {
	q.Limit, q.After, q.Before = 1000, nil, nil
	for {
		page, err := s.ListUsers(ctx, q)
		if err != nil {
			return err
		}
		accounts, err := s.Accounts(ctx, userIDs(page.Users))
		if err != nil {
			return err
		}
		for _, user := range page.Users {
			if err := fn(user, accounts[user.ID]); err != nil {
				return err
			}
		}
		if page.Next == nil {
			return nil
		}
		q.After = page.Next
	}
}

func userIDs(users []User) []int64 {
	ids := make([]int64, len(users))
	for i, user := range users {
		ids[i] = user.ID
	}
	return ids
}

// Account is a client account a user is linked to.
type Account struct {
	UserID      int64  `db:"auth_user_id"`
	ClientID    int64  `db:"id"`
	FirstName   string `db:"firstname"`
	LastName    string `db:"lastname"`
	CompanyName string `db:"companyname"`
	Status      string `db:"status"`
	Owner       bool   `db:"owner"`
}

// Name returns the company name, else the client's name.
func (a Account) Name() string {
	if name := strings.TrimSpace(a.CompanyName); name != "" {
		return name
	}
	return strings.TrimSpace(a.FirstName + " " + a.LastName)
}

// Accounts returns the client accounts of each user, owned ones first.
func (s *Store) Accounts(ctx context.Context, userIDs []int64) (map[int64][]Account, error) {
	accounts := map[int64][]Account{}
	if len(userIDs) == 0 {
		return accounts, nil
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	query, args, err := sqlx.In(`
		SELECT uc.auth_user_id, c.id, c.firstname, c.lastname, c.companyname, c.status,
			uc.owner > 0 AS owner
		FROM tblusers_clients uc
		JOIN tblclients c ON c.id = uc.client_id
		WHERE uc.auth_user_id IN (?)
		ORDER BY uc.auth_user_id, uc.owner DESC, c.id`, userIDs)
	if err != nil {
		return nil, fmt.Errorf("build accounts query: %w", err)
	}
	var rows []Account
	if err := s.db.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("read accounts of %d users: %w", len(userIDs), err)
	}
	for _, row := range rows {
		accounts[row.UserID] = append(accounts[row.UserID], row)
	}
	return accounts, nil
}

// ClientGroup is a tblclientgroups row.
type ClientGroup struct {
	ID   int64  `db:"id"`
	Name string `db:"groupname"`
}

// ClientGroups returns the client groups by name.
func (s *Store) ClientGroups(ctx context.Context) ([]ClientGroup, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()

	var groups []ClientGroup
	err := s.db.SelectContext(ctx, &groups,
		"SELECT id, groupname FROM tblclientgroups ORDER BY groupname, id")
	if err != nil {
		return nil, fmt.Errorf("read client groups: %w", err)
	}
	return groups, nil
}

// fitsUTF8MB3 reports whether s is UTF-8 with no character above U+FFFF,
// so that MySQL can compare it with WHMCS's utf8mb3 columns.
func fitsUTF8MB3(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return r > 0xFFFF })
}

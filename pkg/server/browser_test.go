package server_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/jmoiron/sqlx"

	"github.com/mfa-reminder/mfa-reminder/pkg/browsertest"
	"github.com/mfa-reminder/mfa-reminder/pkg/reminder"
	"github.com/mfa-reminder/mfa-reminder/pkg/server"
	"github.com/mfa-reminder/mfa-reminder/pkg/smtptest"
	"github.com/mfa-reminder/mfa-reminder/pkg/stacktest"
	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

// browserSite is the dashboard served on 127.0.0.1 and a headless
// Chromium tab that uses it.
type browserSite struct {
	// t is the test that runs now: each subtest sets it to itself first.
	t     *testing.T
	stack *stacktest.Stack
	url   string
	tab   context.Context
}

// newBrowserSite serves the dashboard of stack with worker (nil sends
// batches within the request) and starts Chromium.
func newBrowserSite(t *testing.T, stack *stacktest.Stack, worker *reminder.Worker) *browserSite {
	t.Helper()
	tab := browsertest.Start(t)
	srv, err := server.New(server.Deps{Config: stack.Config, Store: stack.Store,
		Settings: stack.Settings, Runner: stack.Runner, Worker: worker, Logger: stack.Logger,
		Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	httpServer := httptest.NewServer(srv.Handler())
	t.Cleanup(httpServer.Close)

	site := &browserSite{t: t, stack: stack, url: httpServer.URL, tab: tab}
	browsertest.SetViewport(tab, t, browsertest.Desktop)
	return site
}

// open loads path of the dashboard and fails the test unless the
// response has status 200.
func (s *browserSite) open(path string) {
	s.t.Helper()
	response := browsertest.Run(s.tab, s.t, chromedp.NavigateResponse(s.url+path))
	if response == nil || response.Status != http.StatusOK {
		s.t.Fatalf("GET %s: %v, want status 200", path, statusOf(response))
	}
}

// click clicks the first element that selector matches, waits for the
// page that the click loads and fails the test unless its response has
// status 200.
func (s *browserSite) click(selector string) {
	s.t.Helper()
	limited, cancel := context.WithTimeout(s.tab, browsertest.ActionTimeout)
	defer cancel()
	response, err := chromedp.RunResponse(limited, chromedp.Click(chromedp.CSS(selector)))
	if err != nil {
		s.t.Fatalf("click %s: %v", selector, err)
	}
	if response == nil || response.Status != http.StatusOK {
		s.t.Fatalf("click %s: %v, want status 200", selector, statusOf(response))
	}
}

func statusOf(response *network.Response) string {
	if response == nil {
		return "no response"
	}
	return "status " + strconv.FormatInt(response.Status, 10)
}

// path returns the path and query of the page in the tab.
func (s *browserSite) path() string {
	s.t.Helper()
	location := browsertest.Run(s.tab, s.t, chromedp.Location())
	return strings.TrimPrefix(location, s.url)
}

// text returns the text content of the first element that selector
// matches, trimmed, or "(missing)".
func (s *browserSite) text(selector string) string {
	s.t.Helper()
	return browsertest.Evaluate[string](s.tab, s.t, fmt.Sprintf(
		`(document.querySelector(%q)?.textContent ?? "(missing)").trim()`, selector))
}

// typeInto replaces the value of a text field with value, as a person
// does: select all with Ctrl+A, delete, then type key by key.
//
// NOTE: chromedp.SetValue(selector, "") fails in chromedp v0.23.1 with
// cdproto v0.160.1 ("could not set value on node N"), because
// runtime.CallArgument.Value is tagged omitempty and json v2 omits an
// argument that encodes as "", so the page receives undefined.
func (s *browserSite) typeInto(selector, value string) {
	s.t.Helper()
	browsertest.Do(s.tab, s.t,
		chromedp.Focus(chromedp.CSS(selector)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(kb.Backspace),
		chromedp.SendKeys(chromedp.CSS(selector), value))
	if got := browsertest.Run(s.tab, s.t, chromedp.Value(chromedp.CSS(selector))); got != value {
		s.t.Fatalf("%s holds %q after typing, want %q", selector, got, value)
	}
}

// signIn signs in through the login form with the local admin account.
func (s *browserSite) signIn() {
	s.t.Helper()
	s.open("/login")
	s.typeInto("#username", stacktest.AdminUser)
	s.typeInto("#password", stacktest.AdminPassword)
	s.click(`form[action$="/login"] button[type=submit]`)
	if got := s.path(); got != "/" {
		s.t.Fatalf("after signing in the tab shows %s, want the overview /", got)
	}
}

// seededUsers are the users of seedDashboard that the test acts on.
type seededUsers struct {
	vipGroup int64
	// aaron and abigail are ticked in the bulk form; both sort onto the
	// first page by name.
	aaron, abigail int64
	// northwind are the three in-scope users without MFA whose address
	// contains "northwind".
	northwind []string
}

// seedDashboard fills the WHMCS database with more than one page of
// users without MFA. It adds owners and sub-users, some with TOTP, two
// client groups, Inactive and Closed accounts and names with HTML and
// quotes. Some users never logged in, some were reminded before, and a
// few daily snapshots draw the trend chart.
func seedDashboard(t *testing.T, stack *stacktest.Stack) seededUsers {
	t.Helper()
	fx, db := stack.FX, stack.FX.DB
	now := time.Now().UTC()
	var seeded seededUsers

	seeded.vipGroup = insertClientGroup(t, db, "VIP resellers", "#1a55ad")
	partners := insertClientGroup(t, db, "Partners", "#1b6e3f")

	firstNames := []string{"Anna", "Ben", "Carla", "David", "Eva", "Felix", "Greta", "Hugo",
		"Ines", "Jonas", "Karin", "Lukas", "Mara", "Nils", "Olga", "Paul", "Rosa", "Simon",
		"Tara", "Uwe", "Vera", "Wim", "Xenia", "Yann", "Zora"}
	lastNames := []string{"Berger", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia",
		"Hansen", "Ivanova", "Jansen", "Kowalski"}

	var firstAccount int64
	for i := range 34 {
		first, last := firstNames[i%len(firstNames)], lastNames[i%len(lastNames)]
		client := whmcsfixture.Client{FirstName: first, LastName: last,
			Email: fmt.Sprintf("owner%02d@customers.test", i)}
		if i%2 == 0 {
			client.CompanyName = fmt.Sprintf("%s Hosting %02d", last, i)
		}
		switch {
		case i%4 == 0:
			client.GroupID = int(seeded.vipGroup)
		case i%7 == 3:
			client.GroupID = int(partners)
		}
		owner := whmcsfixture.User{FirstName: first, LastName: last, Email: client.Email}
		if i%5 == 2 {
			owner.SecondFactor = "totp"
		}
		if i%3 != 0 {
			login := now.Add(-time.Duration(i+1) * 24 * time.Hour)
			owner.LastLogin = &login
		}
		ownerID, clientID := fx.Owner(owner, client)
		if i == 1 {
			firstAccount = clientID
		}

		switch i % 6 {
		case 0:
			insertReminded(t, db, ownerID, now.AddDate(0, 0, -45), 1)
		case 3:
			insertReminded(t, db, ownerID, now.AddDate(0, 0, -10), 2)
		}

		if i%3 != 2 {
			sub := whmcsfixture.User{FirstName: firstNames[(i+7)%len(firstNames)],
				LastName: lastNames[(i+3)%len(lastNames)],
				Email:    fmt.Sprintf("sub%02d@customers.test", i)}
			if i%4 == 1 {
				sub.SecondFactor = "totp"
			}
			fx.SubUser(sub, clientID)
		}
	}

	ticked := whmcsfixture.Client{FirstName: "Aaron", LastName: "Ticked", CompanyName: "Ticked Ltd",
		Email: "aaron@tick.test"}
	aaron, tickedClient := fx.Owner(whmcsfixture.User{FirstName: "Aaron", LastName: "Ticked",
		Email: "aaron@tick.test"}, ticked)
	seeded.aaron = aaron
	seeded.abigail = fx.SubUser(whmcsfixture.User{FirstName: "Abigail", LastName: "Ticked",
		Email: "abigail@tick.test"}, tickedClient)

	northwind := whmcsfixture.Client{FirstName: "Nora", LastName: "North",
		CompanyName: "Northwind Traders", Email: "nora@northwind.test", GroupID: int(partners)}
	_, northwindClient := fx.Owner(whmcsfixture.User{FirstName: "Nora", LastName: "North",
		Email: "nora@northwind.test"}, northwind)
	fx.SubUser(whmcsfixture.User{FirstName: "Sam", LastName: "Sea", Email: "sam@northwind.test"},
		northwindClient)
	fx.SubUser(whmcsfixture.User{FirstName: "Nick", LastName: "Nord", Email: "nick@northwind.test"},
		northwindClient)
	fx.SubUser(whmcsfixture.User{FirstName: "Sue", LastName: "South", Email: "sue@northwind.test",
		SecondFactor: "totp"}, northwindClient)
	fx.Owner(whmcsfixture.User{FirstName: "Olaf", LastName: "Old", Email: "old@northwind.test"},
		whmcsfixture.Client{FirstName: "Olaf", LastName: "Old", Status: "Closed",
			Email: "old@northwind.test"})
	seeded.northwind = []string{"nick@northwind.test", "nora@northwind.test", "sam@northwind.test"}

	_, quotes := fx.Owner(whmcsfixture.User{FirstName: "<b>Bold</b>", LastName: "O'Brien",
		Email: "bold@quotes.test"}, whmcsfixture.Client{FirstName: "<b>Bold</b>",
		LastName: "O'Brien", CompanyName: `Quote & <Co> "Ltd"`, Email: "bold@quotes.test"})
	fx.SubUser(whmcsfixture.User{FirstName: `"Quoted"`, LastName: "Smith & Sons",
		Email: "quoted@quotes.test"}, quotes)
	fx.SubUser(whmcsfixture.User{FirstName: "<img src=x onerror=alert(1)>", LastName: "Zoë",
		Email: "img@quotes.test"}, quotes)

	for i := range 3 {
		user := whmcsfixture.User{FirstName: "Ivo", LastName: fmt.Sprintf("Inactive %d", i),
			Email: fmt.Sprintf("inactive%d@customers.test", i)}
		if i == 0 {
			user.SecondFactor = "totp"
		}
		fx.Owner(user, whmcsfixture.Client{FirstName: "Ivo", LastName: user.LastName,
			Status: "Inactive", Email: user.Email})
	}
	fx.Owner(whmcsfixture.User{FirstName: "Cleo", LastName: "Closed", Email: "closed@customers.test"},
		whmcsfixture.Client{FirstName: "Cleo", LastName: "Closed", Status: "Closed",
			Email: "closed@customers.test"})
	fx.User(whmcsfixture.User{FirstName: "Lone", LastName: "Login", Email: "lone@customers.test"})

	// A sub-user of an Active account who owns only a Closed account is
	// in scope as a sub-user.
	multi, _ := fx.Owner(whmcsfixture.User{FirstName: "Mona", LastName: "Multi",
		Email: "multi@customers.test"}, whmcsfixture.Client{FirstName: "Mona", LastName: "Multi",
		Status: "Closed", Email: "multi@customers.test"})
	fx.LinkUser(multi, firstAccount, false)

	// Snapshots of earlier days, with made-up figures, draw the trend chart.
	for i, days := range []int{60, 45, 30, 14, 7, 1} {
		_, err := db.Exec(`
			INSERT INTO mod_mfa_reminder_snapshots (day, total_users, with_mfa, owners,
				owners_with_mfa, accounts, accounts_all_mfa, accounts_no_mfa, taken_at)
			VALUES (?, 67, ?, 37, ?, 37, ?, ?, ?)`,
			now.AddDate(0, 0, -days).Format(time.DateOnly), 6+i, 3+i/2, 1+i/3, 30-i,
			now.AddDate(0, 0, -days))
		if err != nil {
			t.Fatalf("insert snapshot: %v", err)
		}
	}
	return seeded
}

func insertClientGroup(t *testing.T, db *sqlx.DB, name, colour string) int64 {
	t.Helper()
	result, err := db.Exec(`INSERT INTO tblclientgroups (groupname, groupcolour, separateinvoices)
		VALUES (?, ?, '')`, name, colour)
	if err != nil {
		t.Fatalf("insert client group %s: %v", name, err)
	}
	id, err := result.LastInsertId()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// insertReminded stores the reminder state that earlier passes leave.
func insertReminded(t *testing.T, db *sqlx.DB, userID int64, at time.Time, sent int) {
	t.Helper()
	_, err := db.Exec(`INSERT INTO mod_mfa_reminder_users (user_id, last_reminded_at,
		reminders_sent, updated_at) VALUES (?, ?, ?, ?)`, userID, at, sent, at)
	if err != nil {
		t.Fatalf("insert reminder state of user %d: %v", userID, err)
	}
}

// inScope returns the SQL condition, with its arguments, that user u is
// linked to an account whose status is in the configured scope and that
// meets the condition extra on uc (tblusers_clients) and c (tblclients).
func (s *browserSite) inScope(extra string) (string, []any) {
	statuses := s.stack.Config.Scope.ClientStatuses
	condition := `EXISTS (SELECT 1 FROM tblusers_clients uc JOIN tblclients c ON c.id = uc.client_id
		WHERE uc.auth_user_id = u.id AND c.status IN (?` + strings.Repeat(", ?", len(statuses)-1) +
		`)` + extra + `)`
	args := make([]any, len(statuses))
	for i, status := range statuses {
		args[i] = status
	}
	return condition, args
}

// listedUser is one row of the user list.
type listedUser struct {
	ID    int64  `json:"id" db:"id"`
	Name  string `json:"name" db:"name"`
	Email string `json:"email" db:"email"`
}

// userFilter is a user list filter, as the test computes it in SQL.
type userFilter struct {
	// search is matched with LIKE unescaped, so it must not contain % or _.
	search        string
	role          string
	group         int64
	neverReminded bool
}

// expectedUsers returns the in-scope users without MFA that filter
// selects, in the order of orderBy, from offset on and at most 50, and
// how many there are in all.
func (s *browserSite) expectedUsers(filter userFilter, orderBy string, offset int) ([]listedUser, int) {
	s.t.Helper()
	scope, args := s.inScope("")
	conditions := []string{"TRIM(u.second_factor) = ''", scope}
	if filter.search != "" {
		conditions = append(conditions,
			"(u.email LIKE ? OR CONCAT(u.first_name, ' ', u.last_name) LIKE ?)")
		pattern := "%" + filter.search + "%"
		args = append(args, pattern, pattern)
	}
	switch filter.role {
	case "owner":
		owns, ownsArgs := s.inScope(" AND uc.owner = 1")
		conditions = append(conditions, owns)
		args = append(args, ownsArgs...)
	case "sub-user":
		owns, ownsArgs := s.inScope(" AND uc.owner = 1")
		conditions = append(conditions, "NOT "+owns)
		args = append(args, ownsArgs...)
	}
	if filter.group != 0 {
		grouped, groupArgs := s.inScope(" AND c.groupid = ?")
		conditions = append(conditions, grouped)
		args = append(args, append(groupArgs, filter.group)...)
	}
	if filter.neverReminded {
		conditions = append(conditions, `NOT EXISTS (SELECT 1 FROM mod_mfa_reminder_users r
			WHERE r.user_id = u.id AND r.last_reminded_at IS NOT NULL)`)
	}
	where := strings.Join(conditions, " AND ")

	var total int
	if err := s.stack.FX.DB.Get(&total, "SELECT COUNT(*) FROM tblusers u WHERE "+where,
		args...); err != nil {
		s.t.Fatalf("count expected users: %v", err)
	}
	var users []listedUser
	err := s.stack.FX.DB.Select(&users, `
		SELECT u.id, TRIM(CONCAT(u.first_name, ' ', u.last_name)) AS name, u.email
		FROM tblusers u WHERE `+where+` ORDER BY `+orderBy+` LIMIT 50 OFFSET ?`,
		append(args, offset)...)
	if err != nil {
		s.t.Fatalf("list expected users: %v", err)
	}
	return users, total
}

// shownUsers returns the rows of the user list and the #match-count
// figure.
func (s *browserSite) shownUsers() ([]listedUser, int) {
	s.t.Helper()
	rows := browsertest.Evaluate[[]listedUser](s.tab, s.t, `
		Array.from(document.querySelectorAll("table.users tbody tr")).map((row) => ({
			id: Number(row.querySelector("input[name=user_id]").value),
			name: row.cells[1].textContent,
			email: row.cells[2].textContent,
		}))`)
	count, err := strconv.Atoi(s.text("#match-count"))
	if err != nil {
		s.t.Fatalf("#match-count is not a number: %v", err)
	}
	return rows, count
}

// checkUsers compares the user list in the tab with the database.
func (s *browserSite) checkUsers(check string, filter userFilter, orderBy string, offset int) {
	s.t.Helper()
	want, wantTotal := s.expectedUsers(filter, orderBy, offset)
	got, gotTotal := s.shownUsers()
	if gotTotal != wantTotal {
		s.t.Errorf("%s: #match-count = %d, want %d", check, gotTotal, wantTotal)
	}
	if len(got) != len(want) {
		s.t.Errorf("%s: %d rows shown, want %d", check, len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			s.t.Errorf("%s: row %d = %+v, want %+v", check, i+1, got[i], want[i])
		}
	}
}

// recipients returns the sorted recipients of messages.
func recipients(messages []smtptest.Message) []string {
	var all []string
	for _, message := range messages {
		all = append(all, message.To...)
	}
	slices.Sort(all)
	return all
}

// subjectOf returns the decoded Subject header of message.
func subjectOf(t *testing.T, message smtptest.Message) string {
	t.Helper()
	parsed, err := message.Parsed()
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode subject: %v", err)
	}
	return subject
}

// textPartOf returns the text/plain part of a multipart message.
func textPartOf(t *testing.T, message smtptest.Message) string {
	t.Helper()
	parsed, err := message.Parsed()
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	mediaType, params, err := mime.ParseMediaType(parsed.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mediaType, "multipart/") {
		t.Fatalf("message Content-Type %q is not multipart", parsed.Header.Get("Content-Type"))
	}
	reader := multipart.NewReader(parsed.Body, params["boundary"])
	for {
		part, err := reader.NextPart()
		if err != nil {
			t.Fatalf("message has no text/plain part: %v", err)
		}
		if strings.HasPrefix(part.Header.Get("Content-Type"), "text/plain") {
			body, err := io.ReadAll(part)
			if err != nil {
				t.Fatalf("read text part: %v", err)
			}
			return string(body)
		}
	}
}

// normalizeSpace collapses runs of white space, so texts compare across
// CRLF and LF line ends.
func normalizeSpace(text string) string {
	return strings.Join(strings.Fields(text), " ")
}

var resultPath = regexp.MustCompile(`^/reminders/[0-9]+$`)

func TestBrowserDashboard(t *testing.T) {
	stack := stacktest.New(t)
	seeded := seedDashboard(t, stack)
	site := newBrowserSite(t, stack, nil)
	smtp := stack.SMTP
	site.signIn()

	t.Run("overview figures", func(t *testing.T) {
		site.t = t
		scope, args := site.inScope("")
		var users struct {
			Total   int `db:"total"`
			WithMFA int `db:"with_mfa"`
		}
		err := stack.FX.DB.Get(&users, `
			SELECT COUNT(*) AS total, COALESCE(SUM(TRIM(u.second_factor) <> ''), 0) AS with_mfa
			FROM tblusers u WHERE `+scope, args...)
		if err != nil {
			t.Fatal(err)
		}
		var accounts struct {
			AllMFA int `db:"all_mfa"`
			NoMFA  int `db:"no_mfa"`
		}
		statuses := stack.Config.Scope.ClientStatuses
		query, accountArgs, err := sqlx.In(`
			SELECT COALESCE(SUM(with_mfa = linked), 0) AS all_mfa,
				COALESCE(SUM(with_mfa = 0), 0) AS no_mfa
			FROM (SELECT c.id, COUNT(*) AS linked, SUM(TRIM(u.second_factor) <> '') AS with_mfa
				FROM tblclients c
				JOIN tblusers_clients uc ON uc.client_id = c.id
				JOIN tblusers u ON u.id = uc.auth_user_id
				WHERE c.status IN (?) GROUP BY c.id) linked`, statuses)
		if err != nil {
			t.Fatal(err)
		}
		if err := stack.FX.DB.Get(&accounts, query, accountArgs...); err != nil {
			t.Fatal(err)
		}
		adoption := math.Round(float64(users.WithMFA)*1000/float64(users.Total)) / 10

		site.open("/")
		for selector, want := range map[string]string{
			"#total-users":      strconv.Itoa(users.Total),
			"#with-mfa":         strconv.Itoa(users.WithMFA),
			"#without-mfa":      strconv.Itoa(users.Total - users.WithMFA),
			"#adoption":         strconv.FormatFloat(adoption, 'f', 1, 64) + "%",
			"#accounts-all-mfa": strconv.Itoa(accounts.AllMFA),
			"#accounts-no-mfa":  strconv.Itoa(accounts.NoMFA),
		} {
			if got := site.text(selector); got != want {
				t.Errorf("%s = %q, want %q", selector, got, want)
			}
		}
		if users.Total-users.WithMFA <= 50 {
			t.Errorf("the seed has %d in-scope users without MFA, want more than one page of 50",
				users.Total-users.WithMFA)
		}
	})

	byName := "CONCAT(u.first_name, ' ', u.last_name), u.id"
	filterForm := `form[aria-label="Filter users"]`
	apply := filterForm + ` button[type=submit]`

	t.Run("user list", func(t *testing.T) {
		site.t = t
		site.open("/users")
		site.checkUsers("first page", userFilter{}, byName, 0)
		nameCells := browsertest.Evaluate[[]string](site.tab, t,
			`Array.from(document.querySelectorAll("table.users tbody td:nth-child(2)"), (cell) => cell.innerHTML)`)
		for _, html := range nameCells {
			if strings.Contains(html, "<b>") || strings.Contains(html, "<img") {
				t.Errorf("a name cell contains markup from the database: %s", html)
			}
		}

		site.click(`nav.pager a[rel=next]`)
		site.checkUsers("second page", userFilter{}, byName, 50)
		site.click(`nav.pager a[rel=prev]`)
		site.checkUsers("back on the first page", userFilter{}, byName, 0)

		site.typeInto("#f-q", "O'Brien")
		site.click(apply)
		site.checkUsers("search by name", userFilter{search: "O'Brien"}, byName, 0)
		if got := site.text("table.users tbody td:nth-child(2)"); got != "<b>Bold</b> O'Brien" {
			t.Errorf("name shown as %q, want the text <b>Bold</b> O'Brien", got)
		}
		if got := site.text("table.users tbody td:nth-child(4)"); got != `Quote & <Co> "Ltd"` {
			t.Errorf("account shown as %q, want the text Quote & <Co> \"Ltd\"", got)
		}

		site.typeInto("#f-q", "@tick.test")
		site.click(apply)
		site.checkUsers("search by email", userFilter{search: "@tick.test"}, byName, 0)

		filters := []struct {
			name   string
			field  string
			value  string
			filter userFilter
		}{
			{"role sub-user", "#f-role", "sub-user", userFilter{role: "sub-user"}},
			{"role owner", "#f-role", "owner", userFilter{role: "owner"}},
			{"client group", "#f-group", strconv.FormatInt(seeded.vipGroup, 10),
				userFilter{group: seeded.vipGroup}},
			{"never reminded", "#f-reminded", "never", userFilter{neverReminded: true}},
		}
		for _, f := range filters {
			site.click(filterForm + ` a[href$="/users"]`)
			browsertest.Do(site.tab, t, chromedp.SetValue(chromedp.CSS(f.field), f.value))
			site.click(apply)
			site.checkUsers(f.name, f.filter, byName, 0)
		}

		site.click(filterForm + ` a[href$="/users"]`)
		sortByEmail := `table.users thead a[href*="sort=email"]`
		site.click(sortByEmail)
		site.checkUsers("sorted by email", userFilter{}, "u.email, u.id", 0)
		if got := site.text(`th[aria-sort="ascending"]`); !strings.HasPrefix(got, "Email") {
			t.Errorf("ascending sort column is %q, want Email", got)
		}
		site.click(sortByEmail)
		site.checkUsers("sorted by email, reversed", userFilter{}, "u.email DESC, u.id DESC", 0)
		if got := site.text(`th[aria-sort="descending"]`); !strings.HasPrefix(got, "Email") {
			t.Errorf("descending sort column is %q, want Email", got)
		}
	})

	var resultURL string
	t.Run("bulk reminder to selected users", func(t *testing.T) {
		site.t = t
		site.open("/users")
		browsertest.Do(site.tab, t,
			chromedp.Click(chromedp.CSS(fmt.Sprintf("#select-%d", seeded.aaron))),
			chromedp.Click(chromedp.CSS(fmt.Sprintf("#select-%d", seeded.abigail))))
		site.click(`#bulk button[name=mode][value=selected]`)

		resultURL = site.path()
		if !resultPath.MatchString(resultURL) {
			t.Fatalf("the bulk form led to %s, want a result page /reminders/ID", resultURL)
		}
		checkCounts(t, site, "2", "0", "0")
		want := []string{"aaron@tick.test", "abigail@tick.test"}
		if got := recipients(smtp.Messages()); !slices.Equal(got, want) {
			t.Fatalf("SMTP server received messages to %v, want %v", got, want)
		}

		browsertest.Do(site.tab, t, chromedp.Reload())
		checkCounts(t, site, "2", "0", "0")
		// Chromium 156 restores this no-store page from its back/forward
		// cache, so GoBack replaces chromedp.NavigateBack.
		browsertest.GoBack(site.tab, t)
		if got := site.path(); !strings.HasPrefix(got, "/users") {
			t.Errorf("going back shows %s, want the user list", got)
		}
		browsertest.GoForward(site.tab, t)
		if got := site.path(); got != resultURL {
			t.Errorf("going forward shows %s, want %s", got, resultURL)
		}
		checkCounts(t, site, "2", "0", "0")
		if got := len(smtp.Messages()); got != 2 {
			t.Errorf("after reload, back and forward the SMTP server has %d messages, want 2", got)
		}
	})

	t.Run("reminder to all matching users", func(t *testing.T) {
		site.t = t
		before := len(smtp.Messages())
		site.open("/users")
		site.typeInto("#f-q", "northwind")
		site.click(apply)
		site.checkUsers("search northwind", userFilter{search: "northwind"}, byName, 0)
		button := `#bulk button[name=mode][value=all]`
		if got := site.text(button); got != "Send reminder to all 3 users matching this filter" {
			t.Errorf("button reads %q, want it to name 3 users", got)
		}
		site.click(button)

		if got := site.path(); !resultPath.MatchString(got) {
			t.Fatalf("the bulk form led to %s, want a result page", got)
		}
		checkCounts(t, site, "3", "0", "0")
		if got := site.text("main p"); !strings.Contains(got, `search "northwind"`) {
			t.Errorf("result page describes the batch as %q, want the search named", got)
		}
		messages := smtp.Messages()
		if got := recipients(messages[before:]); !slices.Equal(got, seeded.northwind) {
			t.Errorf("SMTP server received messages to %v, want %v", got, seeded.northwind)
		}
	})

	previewURL := fmt.Sprintf("/reminders/preview?user_id=%d", seeded.aaron)
	t.Run("preview and test message", func(t *testing.T) {
		site.t = t
		sent := smtp.MessagesTo("aaron@tick.test")
		if len(sent) != 1 {
			t.Fatalf("aaron@tick.test has %d messages, want the 1 from the bulk reminder", len(sent))
		}
		site.open(previewURL)

		subject := site.text("#preview-subject")
		if want := subjectOf(t, sent[0]); subject != want {
			t.Errorf("preview subject %q, want the sent subject %q", subject, want)
		}
		frame := browsertest.Evaluate[struct {
			Sandboxed bool   `json:"sandboxed"`
			Sandbox   string `json:"sandbox"`
			Title     string `json:"title"`
			Source    string `json:"source"`
		}](site.tab, t, `(() => {
			const frame = document.querySelector("iframe.preview");
			return frame ? {sandboxed: frame.hasAttribute("sandbox"),
				sandbox: frame.getAttribute("sandbox") ?? "", title: frame.title,
				source: frame.srcdoc} : {};
		})()`)
		if !frame.Sandboxed {
			t.Error("the HTML part is not in an iframe with a sandbox attribute")
		}
		if frame.Sandbox != "" {
			t.Errorf("iframe sandbox=%q, want an empty value that allows nothing", frame.Sandbox)
		}
		if frame.Title == "" {
			t.Error("the iframe of the HTML part has no title")
		}
		if !strings.Contains(frame.Source, "Enable two-factor authentication") {
			t.Errorf("iframe srcdoc lacks the reminder HTML: %.200s", frame.Source)
		}
		text := site.text("pre.text-part")
		if want := textPartOf(t, sent[0]); normalizeSpace(text) != normalizeSpace(want) {
			t.Errorf("preview text part:\n%s\nwant the sent text part:\n%s", text, want)
		}

		before := len(smtp.Messages())
		address := "security-team@example.test"
		site.typeInto("#p-address", address)
		site.click(`form[method=post][action$="/reminders/preview"] button[type=submit]`)
		if got := site.text(".flash-success"); !strings.Contains(got, "Test message sent to "+address) {
			t.Errorf("after sending a test the page shows %q", got)
		}
		tests := smtp.MessagesTo(address)
		if len(tests) != 1 {
			t.Fatalf("%s got %d messages, want 1", address, len(tests))
		}
		if got := subjectOf(t, tests[0]); got != "[Test] "+subject {
			t.Errorf("test message subject %q, want %q", got, "[Test] "+subject)
		}
		if got := len(smtp.Messages()); got != before+1 {
			t.Errorf("sending a test added %d messages, want 1", got-before)
		}
	})

	t.Run("activity and settings", func(t *testing.T) {
		site.t = t
		site.open("/activity")
		type entry struct {
			Email   string `json:"email"`
			Trigger string `json:"trigger"`
			Outcome string `json:"outcome"`
		}
		entries := func() []entry {
			return browsertest.Evaluate[[]entry](site.tab, t, `
				Array.from(document.querySelectorAll("table.activity tbody tr"), (row) => ({
					email: row.cells[2].textContent.trim(),
					trigger: row.cells[3].textContent.trim(),
					outcome: row.cells[4].textContent.trim(),
				}))`)
		}
		listed := entries()
		wantTrigger := map[string]string{
			"aaron@tick.test":            "bulk by admin (batch ",
			"abigail@tick.test":          "bulk by admin (batch ",
			"nick@northwind.test":        "bulk by admin (batch ",
			"nora@northwind.test":        "bulk by admin (batch ",
			"sam@northwind.test":         "bulk by admin (batch ",
			"security-team@example.test": "test by admin",
		}
		if len(listed) != len(wantTrigger) {
			t.Errorf("activity lists %d reminders, want %d: %+v", len(listed), len(wantTrigger), listed)
		}
		for _, e := range listed {
			want, ok := wantTrigger[e.Email]
			switch {
			case !ok:
				t.Errorf("activity lists an unexpected reminder %+v", e)
			case !strings.HasPrefix(e.Trigger, want):
				t.Errorf("activity trigger of %s = %q, want %q…", e.Email, e.Trigger, want)
			case e.Outcome != "sent":
				t.Errorf("activity outcome of %s = %q, want sent", e.Email, e.Outcome)
			}
		}

		browsertest.Do(site.tab, t, chromedp.SetValue(chromedp.CSS("#a-trigger"), "test"))
		site.click(`form[aria-label="Filter activity"] button[type=submit]`)
		if got := entries(); len(got) != 1 || got[0].Email != "security-team@example.test" {
			t.Errorf("activity filtered by trigger test lists %+v, want the test message only", got)
		}

		site.open("/settings")
		settings := browsertest.Evaluate[map[string]string](site.tab, t, `
			Object.fromEntries(Array.from(document.querySelectorAll("table.settings tbody tr"),
				(row) => [row.cells[0].textContent.trim(), row.cells[1].textContent.trim()]))`)
		for key, want := range map[string]string{
			"api_token":      "(set, hidden)",
			"smtp.host":      "127.0.0.1",
			"frequency_days": "30",
			"enable_email":   "on",
		} {
			if got, ok := settings[key]; !ok || got != want {
				t.Errorf("settings show %s = %q, want %q", key, got, want)
			}
		}
		html := browsertest.Evaluate[string](site.tab, t, "document.documentElement.outerHTML")
		for name, secret := range map[string]string{"API token": stacktest.Token,
			"SSO secret": stacktest.SSOSecret} {
			if strings.Contains(html, secret) {
				t.Errorf("the settings page HTML contains the %s", name)
			}
		}
	})

	t.Run("screenshots and accessibility", func(t *testing.T) {
		site.t = t
		if resultURL == "" {
			t.Skip("the bulk reminder step made no result page")
		}
		checkContrastFormula(t, site)
		checkAuditFinds(t, site)

		pages := []struct{ name, path string }{
			{"overview", "/"},
			{"users", "/users"},
			{"result", resultURL},
			{"preview", previewURL},
			{"activity", "/activity"},
			{"settings", "/settings"},
		}
		for _, page := range pages {
			site.open(page.path)
			browsertest.Screenshot(site.tab, t, browsertest.Desktop, "dashboard-"+page.name)
			for _, violation := range browsertest.Audit(site.tab, t) {
				t.Errorf("%s page: %s", page.name, violation)
			}
			for _, violation := range browsertest.TabWalk(site.tab, t) {
				t.Errorf("%s page: %s", page.name, violation)
			}
		}

		browsertest.SetViewport(site.tab, t, browsertest.Phone)
		defer browsertest.SetViewport(site.tab, t, browsertest.Desktop)
		for _, page := range pages {
			site.open(page.path)
			browsertest.Screenshot(site.tab, t, browsertest.Phone, "dashboard-"+page.name+"-phone")
			overflow := browsertest.Evaluate[int](site.tab, t,
				"document.documentElement.scrollWidth - document.documentElement.clientWidth")
			if overflow > 0 {
				t.Errorf("%s page at %d px wide scrolls sideways by %d px", page.name,
					browsertest.Phone.Width, overflow)
			}
		}
	})
}

// checkCounts compares the figures of the result page in the tab.
func checkCounts(t *testing.T, site *browserSite, sent, skipped, failed string) {
	t.Helper()
	for selector, want := range map[string]string{
		"#sent-count": sent, "#skipped-count": skipped, "#failed-count": failed,
	} {
		if got := site.text(selector); got != want {
			t.Errorf("result page %s = %s, want %s", selector, got, want)
		}
	}
}

// plantedViolations is a page with one violation of each kind that
// browsertest.Audit and browsertest.TabWalk check, and near misses that
// pass.
const plantedViolations = `<!DOCTYPE html>
<html lang="en"><head><title>Audit check</title></head>
<body style="background: #fff; color: #000">
<a href="#top">Top</a>
<p id="faint" style="color: #999">Faint text</p>
<p id="large" style="color: #888; font-size: 24px">Large grey text</p>
<div style="background: rgba(0, 0, 0, 0.5)"><span id="dimmed" style="color: #333">Dimmed</span></div>
<input id="unnamed" type="text">
<label>Wrapped <input id="wrapped" type="text"></label>
<button id="removed" tabindex="-1">Removed</button>
<button id="jumping" tabindex="2">Jumping</button>
<button id="empty"></button>
</body></html>`

// elementID finds the #id in the element name of a violation.
var elementID = regexp.MustCompile(`#[a-z]+`)

// checkAuditFinds checks that the audit reports each planted violation
// and nothing else.
func checkAuditFinds(t *testing.T, site *browserSite) {
	t.Helper()
	planted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, plantedViolations)
	}))
	defer planted.Close()
	browsertest.Do(site.tab, t, chromedp.Navigate(planted.URL))

	found := map[string]bool{}
	for _, v := range append(browsertest.Audit(site.tab, t), browsertest.TabWalk(site.tab, t)...) {
		found[v.Rule+" "+elementID.FindString(v.Element)] = true
	}
	want := []string{"contrast #faint", "contrast #dimmed", "accessible-name #unnamed",
		"accessible-name #empty", "negative-tabindex #removed", "positive-tabindex #jumping",
		"keyboard #removed"}
	for _, key := range want {
		if !found[key] {
			t.Errorf("audit of the planted page misses %s", key)
		}
		delete(found, key)
	}
	for key := range found {
		t.Errorf("audit of the planted page reports %s, which is no violation", key)
	}
}

// checkContrastFormula checks the contrast computation of the audit on
// pairs with known WCAG ratios.
func checkContrastFormula(t *testing.T, site *browserSite) {
	t.Helper()
	for _, pair := range []struct {
		foreground, background string
		want                   float64
	}{
		{"rgb(0, 0, 0)", "rgb(255, 255, 255)", 21},
		{"rgb(118, 118, 118)", "rgb(255, 255, 255)", 4.54},
		{"rgb(255, 255, 255)", "rgb(255, 255, 255)", 1},
	} {
		got := browsertest.ContrastRatio(site.tab, t, pair.foreground, pair.background)
		if math.Abs(got-pair.want) > 0.01 {
			t.Errorf("contrast of %s on %s = %.3f, want %.2f", pair.foreground, pair.background,
				got, pair.want)
		}
	}
}

// TestBrowserBatchWithWorker sends a bulk reminder through the background
// worker while a reminder pass holds the run lock, so the result page
// first shows the batch as sending and then refreshes itself until the
// worker has sent it.
func TestBrowserBatchWithWorker(t *testing.T) {
	stack := stacktest.New(t)
	for _, name := range []string{"Wanda", "Walt", "Wes"} {
		stack.FX.Owner(whmcsfixture.User{FirstName: name, LastName: "Worker",
			Email: strings.ToLower(name) + "@worker.test"},
			whmcsfixture.Client{FirstName: name, LastName: "Worker"})
	}
	worker := reminder.NewWorker(stack.Runner, stack.Logger)
	site := newBrowserSite(t, stack, worker)

	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		worker.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-stopped
	})

	// The lock of a running reminder pass keeps the worker waiting.
	lock, err := stack.Store.LockRun(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	locked := true
	defer func() {
		if locked {
			lock.Release()
		}
	}()

	site.signIn()
	site.open("/users")
	site.click(`#bulk button[name=mode][value=all]`)
	result := site.path()
	if !resultPath.MatchString(result) {
		t.Fatalf("the bulk form led to %s, want a result page", result)
	}
	if got := site.text(".flash-info"); !strings.Contains(got, "refreshes by itself") {
		t.Errorf("result page of a waiting batch shows %q, want the sending notice", got)
	}
	checkCounts(t, site, "0", "0", "0")
	browsertest.Screenshot(site.tab, t, browsertest.Desktop, "dashboard-result-worker-sending")
	if n := len(stack.SMTP.Messages()); n != 0 {
		t.Fatalf("the SMTP server has %d messages while the pass holds the lock, want 0", n)
	}
	browsertest.Evaluate[chromedp.Void](site.tab, t, "window.loadedBeforeRefresh = true")

	lock.Release()
	locked = false
	deadline := time.Now().Add(15 * time.Second)
	type state struct {
		Sent       string `json:"sent"`
		Refreshing bool   `json:"refreshing"`
		Reloaded   bool   `json:"reloaded"`
		Path       string `json:"path"`
	}
	var last state
	for time.Now().Before(deadline) {
		limited, cancelRead := context.WithTimeout(site.tab, 2*time.Second)
		// A read can fail while the page reloads; the loop reads again.
		last, err = chromedp.Run(limited, chromedp.Evaluate[state](`({
			sent: document.querySelector("#sent-count")?.textContent ?? "",
			refreshing: document.querySelector('meta[http-equiv="refresh"]') !== null,
			reloaded: window.loadedBeforeRefresh === undefined,
			path: location.pathname,
		})`))
		cancelRead()
		if err == nil && !last.Refreshing && last.Sent == "3" {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if last.Refreshing || last.Sent != "3" {
		t.Fatalf("result page after the pass ended: %+v, want 3 sent and no refresh", last)
	}
	if !last.Reloaded || last.Path != result {
		t.Errorf("result page did not reload itself at %s: %+v", result, last)
	}
	want := []string{"walt@worker.test", "wanda@worker.test", "wes@worker.test"}
	if got := recipients(stack.SMTP.Messages()); !slices.Equal(got, want) {
		t.Errorf("SMTP server received messages to %v, want %v", got, want)
	}
	browsertest.Screenshot(site.tab, t, browsertest.Desktop, "dashboard-result-worker-done")
}

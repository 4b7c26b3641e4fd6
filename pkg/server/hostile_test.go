package server_test

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/reminder"
	"github.com/mfa-reminder/mfa-reminder/pkg/server"
	"github.com/mfa-reminder/mfa-reminder/pkg/settings"
	"github.com/mfa-reminder/mfa-reminder/pkg/smtptest"
	"github.com/mfa-reminder/mfa-reminder/pkg/stacktest"
	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

// lockedBuffer is a bytes.Buffer that the server's goroutines write and
// the test reads at the same time.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// hostileSite is a server on a fresh stack, wired as stacktest wires it,
// whose log goes at debug level into a buffer.
type hostileSite struct {
	t      *testing.T
	base   string
	fx     *whmcsfixture.T
	smtp   *smtptest.Server
	cfg    *config.Config
	http   *httptest.Server
	client *http.Client
	logs   *lockedBuffer
}

func newHostileSite(t *testing.T, configure ...func(*config.Config)) *hostileSite {
	t.Helper()
	stack := stacktest.New(t)
	for _, change := range configure {
		change(stack.Config)
	}
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	provider := settings.NewProvider(stack.Store, stack.Config, logger)
	runner := reminder.New(stack.Store, provider, stack.Config,
		stacktest.NewTransport(stack.Config.SMTP, logger), logger)
	srv, err := server.New(server.Deps{Config: stack.Config, Store: stack.Store,
		Settings: provider, Runner: runner, Logger: logger, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	httpServer := httptest.NewServer(srv.Handler())
	t.Cleanup(httpServer.Close)
	return &hostileSite{t: t, base: stack.Config.BasePath(), fx: stack.FX, smtp: stack.SMTP,
		cfg: stack.Config, http: httpServer, client: newClient(), logs: logs}
}

// reply is one HTTP response, read in full.
type reply struct {
	status int
	header http.Header
	body   string
}

// do sends a request with client, without following redirects.
func (s *hostileSite) do(t *testing.T, client *http.Client, method, path string,
	header http.Header, body io.Reader) reply {
	t.Helper()
	request, err := http.NewRequest(method, s.http.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for name, values := range header {
		request.Header[name] = values
	}
	response, err := client.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	defer response.Body.Close()
	data, _ := io.ReadAll(response.Body)
	return reply{status: response.StatusCode, header: response.Header, body: string(data)}
}

// get sends GET path with the site's client.
func (s *hostileSite) get(t *testing.T, path string) reply {
	t.Helper()
	return s.do(t, s.client, http.MethodGet, path, nil, nil)
}

// apiGet sends GET path with the API token.
func (s *hostileSite) apiGet(t *testing.T, path string) reply {
	t.Helper()
	return s.do(t, s.client, http.MethodGet, path,
		http.Header{"Authorization": {"Bearer " + token}}, nil)
}

// postForm posts form with the session's CSRF token in the X-CSRF-Token
// header when csrf is not empty.
func (s *hostileSite) postForm(t *testing.T, path, csrf string, form url.Values) reply {
	t.Helper()
	header := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	if csrf != "" {
		header.Set("X-CSRF-Token", csrf)
	}
	return s.do(t, s.client, http.MethodPost, path, header, strings.NewReader(form.Encode()))
}

// signIn signs the site's client in with the local admin account and
// returns the session's CSRF token.
func (s *hostileSite) signIn(t *testing.T) string {
	t.Helper()
	form := s.get(t, s.base+"/login")
	match := loginCSRF.FindStringSubmatch(form.body)
	if match == nil {
		t.Fatalf("sign-in form has no CSRF token:\n%s", form.body)
	}
	signedIn := s.do(t, s.client, http.MethodPost, s.base+"/login",
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		strings.NewReader(url.Values{"username": {stacktest.AdminUser},
			"password": {stacktest.AdminPassword}, "csrf_token": {match[1]}}.Encode()))
	if signedIn.status != http.StatusSeeOther {
		t.Fatalf("sign-in: status %d, want 303", signedIn.status)
	}
	page := s.get(t, s.base+"/settings")
	csrf := csrfPattern.FindStringSubmatch(page.body)
	if csrf == nil {
		t.Fatalf("signed-in page has no CSRF token:\n%s", page.body)
	}
	return csrf[1]
}

// remind sends one reminder from the dashboard and returns the path of
// the result page.
func (s *hostileSite) remind(t *testing.T, csrf string, userID int64) string {
	t.Helper()
	sent := s.postForm(t, s.base+"/reminders", csrf,
		url.Values{"single": {id(userID)}, "nonce": {randomNonce(t)}})
	if sent.status != http.StatusSeeOther {
		t.Fatalf("reminder to user %d: status %d, want 303\n%s", userID, sent.status,
			truncateBody(sent.body))
	}
	location := sent.header.Get("Location")
	if !strings.HasPrefix(location, s.base+"/reminders/") {
		t.Fatalf("reminder to user %d: redirect to %q, want the result page", userID, location)
	}
	return location
}

func randomNonce(t *testing.T) string {
	t.Helper()
	data := make([]byte, 16)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(data)
}

// internalMarkers are fragments of SQL, driver and Go runtime error texts
// that no response body may carry.
var internalMarkers = []string{"Error 1", "SQL syntax", "MariaDB", "sqlx", "sql: ",
	"goroutine ", "runtime error", "panic:", "invalid character", "json: ",
	"http: request body too large", "strconv.", "Illegal mix of collations",
	"Data too long"}

// checkNoInternals fails t when the body of the response to source
// contains a fragment of an internal error.
func checkNoInternals(t *testing.T, source, body string) {
	t.Helper()
	for _, marker := range internalMarkers {
		if strings.Contains(body, marker) {
			t.Errorf("%s: body contains internal error text %q:\n%s", shorten(source, 200), marker,
				truncateBody(body))
		}
	}
}

func truncateBody(body string) string {
	return shorten(body, 2000)
}

// shorten returns text cut to at most n bytes, marked with "...".
func shorten(text string, n int) string {
	if len(text) > n {
		return text[:n] + "..."
	}
	return text
}

// checkLogHasNoErrors fails t when the server logged at level ERROR.
func checkLogHasNoErrors(t *testing.T, logs string) {
	t.Helper()
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "level=ERROR") {
			t.Errorf("server logged an error: %s", line)
		}
	}
}

// Hostile texts stored in WHMCS rows. Each must land escaped wherever the
// daemon shows it.
const (
	scriptText    = `<script>alert("xss")</script>`
	attributeText = `"><img src=x onerror=alert(1)>`
	quoteText     = `' onmouseover='alert(2)`
	headerText    = "Line\r\nInjected: yes"
	controlText   = "nul\x00esc\x1b[31mrlo\u202Etxt.exe"
	emojiText     = "emoji \U0001F600 end"
)

// rawMarkup lists hostile markup that must never reach a page unescaped.
var rawMarkup = []string{"<script", attributeText, "<img src=x", "onerror=alert(1)>",
	"' onmouseover='", "<b><b>", "<s>"}

// hostileUsers seeds users without MFA whose names, emails and company
// names carry hostile text, and returns their ids by label.
func hostileUsers(t *testing.T, fx *whmcsfixture.T) map[string]int64 {
	t.Helper()
	long := strings.Repeat("<b>", 85)
	users := map[string]int64{}
	users["script"], _ = fx.Owner(whmcsfixture.User{FirstName: scriptText, LastName: attributeText,
		Email: "script@example.test"}, whmcsfixture.Client{CompanyName: attributeText})
	users["quote"], _ = fx.Owner(whmcsfixture.User{FirstName: quoteText, LastName: headerText,
		Email: "quote@example.test"}, whmcsfixture.Client{CompanyName: quoteText})
	users["control"], _ = fx.Owner(whmcsfixture.User{FirstName: controlText, LastName: emojiText,
		Email: "control@example.test"}, whmcsfixture.Client{CompanyName: controlText})
	users["long"], _ = fx.Owner(whmcsfixture.User{FirstName: long, LastName: long,
		Email: "long@example.test"}, whmcsfixture.Client{CompanyName: long})
	// An address that no mail server takes, with markup in it.
	users["email"], _ = fx.Owner(whmcsfixture.User{FirstName: "Mail",
		Email: `x"><script>alert(3)</script>@example.test`}, whmcsfixture.Client{})
	// Invalid UTF-8 and a tag: MariaDB stores "?(??<s>" and "??" in the
	// utf8mb3 columns.
	users["bytes"], _ = fx.Owner(whmcsfixture.User{Email: "bytes@example.test"},
		whmcsfixture.Client{})
	if _, err := fx.DB.Exec("UPDATE tblusers SET first_name = UNHEX('C328FFFE3C733E'), "+
		"last_name = UNHEX('E282') WHERE id = ?", users["bytes"]); err != nil {
		t.Fatal(err)
	}
	return users
}

// checkPage fails t when a dashboard page shows hostile markup raw.
func checkPage(t *testing.T, path string, page reply) {
	t.Helper()
	if page.status != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200\n%s", path, page.status, truncateBody(page.body))
	}
	for _, raw := range rawMarkup {
		if strings.Contains(page.body, raw) {
			t.Errorf("GET %s shows %q unescaped", path, raw)
		}
	}
	if !utf8.ValidString(page.body) {
		t.Errorf("GET %s is not valid UTF-8", path)
	}
}

func TestHostileRowsEscapedOnPages(t *testing.T) {
	site := newHostileSite(t)
	users := hostileUsers(t, site.fx)
	site.fx.Template(whmcsfixture.Template{Name: reminder.TemplateName,
		Subject: "Hi {$client_first_name} " + scriptText,
		Message: "<p>{$client_name}</p>" + scriptText + "<p title=\"{$client_company_name}\">x</p>"})
	group, err := site.fx.DB.Exec(`INSERT INTO tblclientgroups (groupname, groupcolour,
		separateinvoices) VALUES ('<script>alert(9)</script>', '"><img src=x>', '')`)
	if err != nil {
		t.Fatal(err)
	}
	groupID, err := group.LastInsertId()
	if err != nil {
		t.Fatal(err)
	}
	site.fx.Owner(whmcsfixture.User{FirstName: "Grouped", Email: "grouped@example.test"},
		whmcsfixture.Client{CompanyName: scriptText, GroupID: int(groupID)})
	site.fx.Config("CompanyName", scriptText)
	site.fx.Config("Signature", attributeText)
	csrf := site.signIn(t)

	// Sends with markup in the stored reply and reason.
	if _, err := site.fx.DB.Exec(`INSERT INTO mod_mfa_reminder_sends (user_id, email, subject,
		trigger_type, triggered_by, status, reason, smtp_reply, created_at)
		VALUES (?, ?, ?, 'admin', ?, 'failed', ?, ?, UTC_TIMESTAMP(3))`, users["script"],
		attributeText+"@example.test", scriptText, scriptText, attributeText,
		scriptText); err != nil {
		t.Fatal(err)
	}
	var results []string
	for _, label := range []string{"script", "email", "control"} {
		results = append(results, site.remind(t, csrf, users[label]))
	}

	paths := []string{"/", "/users", "/users?q=" + url.QueryEscape("<script>"),
		"/users?group=" + id(groupID), "/users?sort=account", "/activity",
		"/activity?q=" + url.QueryEscape(`"><img`)}
	paths = append(paths, results...)
	for label, userID := range users {
		paths = append(paths, "/reminders/preview?user_id="+id(userID))
		if label == "long" {
			paths = append(paths, "/users?q=long")
		}
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			checkPage(t, path, site.get(t, path))
		})
	}

	usersPage := site.get(t, "/users")
	for _, escaped := range []string{"&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;",
		"&#34;&gt;&lt;img src=x onerror=alert(1)&gt;", "?(??&lt;s&gt;"} {
		if !strings.Contains(usersPage.body, escaped) {
			t.Errorf("/users lacks the escaped name %q", escaped)
		}
	}
	activity := site.get(t, "/activity")
	if !strings.Contains(activity.body, "x&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;@example.test") {
		t.Error("/activity lacks the escaped address of the skipped reminder")
	}
}

func TestHostileRowsInCSV(t *testing.T) {
	site := newHostileSite(t)
	hostileUsers(t, site.fx)
	formulas := map[string]string{
		"equals":  "=HYPERLINK(\"http://evil.test\",\"x\")",
		"plus":    "+SUM(1,2)",
		"minus":   "-2+3",
		"at":      "@SUM(1)",
		"tab":     "\t=1+1",
		"return":  "\r=1+1",
		"newline": "a\r\nb,c\"d",
	}
	for label, text := range formulas {
		site.fx.Owner(whmcsfixture.User{FirstName: text, LastName: text, Language: text,
			Email: label + "@example.test"}, whmcsfixture.Client{CompanyName: text})
	}
	site.signIn(t)

	export := site.get(t, "/users.csv?sort=email")
	if export.status != http.StatusOK {
		t.Fatalf("status %d, want 200", export.status)
	}
	if !utf8.ValidString(export.body) {
		t.Error("CSV is not valid UTF-8")
	}
	records, err := csv.NewReader(strings.NewReader(export.body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if want := 1 + 6 + len(formulas); len(records) != want {
		t.Fatalf("CSV has %d records, want a header and %d users", len(records), want-1)
	}
	byEmail := map[string][]string{}
	for _, record := range records[1:] {
		if len(record) != len(records[0]) {
			t.Errorf("record %q has %d fields, want %d", record, len(record), len(records[0]))
			continue
		}
		byEmail[record[3]] = record
		for column, cell := range record {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("user %s: column %s starts with %q", record[0], records[0][column], cell[0])
			}
		}
	}
	for label, text := range formulas {
		record := byEmail[label+"@example.test"]
		if record == nil {
			t.Errorf("CSV lacks %s@example.test", label)
			continue
		}
		want := text
		if strings.ContainsRune("=+-@\t\r", rune(text[0])) {
			want = "'" + text
		}
		// encoding/csv reads CR LF inside a quoted field as LF.
		want = strings.ReplaceAll(want, "\r\n", "\n")
		for _, column := range []int{1, 2} {
			if record[column] != want {
				t.Errorf("%s: column %s = %q, want %q", label, records[0][column], record[column], want)
			}
		}
		// Account names are trimmed before they are written.
		account := strings.TrimSpace(text)
		if strings.ContainsRune("=+-@", rune(account[0])) {
			account = "'" + account
		}
		account = strings.ReplaceAll(account, "\r\n", "\n")
		if record[5] != account {
			t.Errorf("%s: column accounts = %q, want %q", label, record[5], account)
		}
	}
}

// messageParts returns the decoded text and HTML parts of a message.
func messageParts(t *testing.T, parsed *mail.Message) (text, html string) {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(parsed.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("parse Content-Type: %v", err)
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		t.Fatalf("Content-Type %s, want multipart/alternative", mediaType)
	}
	reader := multipart.NewReader(parsed.Body, params["boundary"])
	for {
		part, err := reader.NextPart()
		if err == io.EOF {
			return text, html
		}
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		// NextPart decodes quoted-printable itself and drops the header.
		body, err := io.ReadAll(part)
		if err != nil {
			t.Fatalf("read part body: %v", err)
		}
		if strings.EqualFold(part.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body, _ = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		}
		partType, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		switch partType {
		case "text/plain":
			text = string(body)
		case "text/html":
			html = string(body)
		}
	}
}

// headerBlock returns the raw header lines of a message.
func headerBlock(data []byte) []string {
	head, _, _ := bytes.Cut(data, []byte("\r\n\r\n"))
	return strings.Split(string(head), "\r\n")
}

var fieldName = regexp.MustCompile(`^[!-9;-~]+:`)

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

func TestHostileRowsInEmail(t *testing.T) {
	site := newHostileSite(t)
	const evil = "evil@attacker.test"
	user, _ := site.fx.Owner(whmcsfixture.User{
		FirstName: scriptText + " Eve \"the \\ admin\" <" + evil + ">",
		LastName:  headerText + "\nBcc: " + evil + "\x00\x1b[2J\u202E",
		Email:     "victim@example.test",
	}, whmcsfixture.Client{CompanyName: attributeText})
	site.fx.Template(whmcsfixture.Template{Name: reminder.TemplateName,
		Subject:  "Security for {$client_name}\r\nBcc: " + evil,
		FromName: "Support\r\nBcc: " + evil,
		Message: "<p>Dear {$client_first_name} {$client_last_name},</p>" +
			"<p title=\"{$client_company_name}\">{$client_company_name}</p>" +
			"<p>{$client_email}</p><a href=\"{$security_url}\">Enable</a>"})
	csrf := site.signIn(t)
	site.remind(t, csrf, user)

	if n := len(site.smtp.MessagesTo(evil)); n != 0 {
		t.Errorf("%s got %d messages", evil, n)
	}
	messages := site.smtp.MessagesTo("victim@example.test")
	if len(messages) != 1 {
		t.Fatalf("victim@example.test got %d messages, want 1", len(messages))
	}
	message := messages[0]
	if len(message.To) != 1 {
		t.Errorf("envelope recipients %q, want only victim@example.test", message.To)
	}

	for _, line := range headerBlock(message.Data) {
		if strings.ContainsFunc(line, func(r rune) bool { return r > unicode.MaxASCII }) {
			t.Errorf("header line is not ASCII: %q", line)
		}
		if hasControl(strings.TrimLeft(line, "\t")) {
			t.Errorf("header line has a control character: %q", line)
		}
		if line != "" && line[0] != ' ' && line[0] != '\t' && !fieldName.MatchString(line) {
			t.Errorf("header line is neither a field nor a continuation: %q", line)
		}
	}

	parsed, err := message.Parsed()
	if err != nil {
		t.Fatalf("message does not parse: %v", err)
	}
	for _, name := range []string{"Bcc", "Injected"} {
		if values := parsed.Header[name]; len(values) != 0 {
			t.Errorf("message has an injected %s header: %q", name, values)
		}
	}
	decoder := &mime.WordDecoder{}
	addresses := &mail.AddressParser{WordDecoder: decoder}
	to, err := addresses.ParseList(parsed.Header.Get("To"))
	if err != nil {
		t.Fatalf("To header %q does not parse: %v", parsed.Header.Get("To"), err)
	}
	if len(to) != 1 {
		t.Fatalf("To header names %d addresses, want 1: %v", len(to), to)
	}
	if to[0].Address != "victim@example.test" {
		t.Errorf("To address = %q, want victim@example.test", to[0].Address)
	}
	if hasControl(to[0].Name) {
		t.Errorf("To display name has a control character: %q", to[0].Name)
	}
	from, err := addresses.Parse(parsed.Header.Get("From"))
	if err != nil {
		t.Fatalf("From header %q does not parse: %v", parsed.Header.Get("From"), err)
	}
	if from.Address != "noreply@example-hosting.test" {
		t.Errorf("From address = %q, want noreply@example-hosting.test", from.Address)
	}
	if hasControl(from.Name) {
		t.Errorf("From display name has a control character: %q", from.Name)
	}
	subject, err := decoder.DecodeHeader(parsed.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("Subject %q does not decode: %v", parsed.Header.Get("Subject"), err)
	}
	if hasControl(subject) {
		t.Errorf("Subject has a control character: %q", subject)
	}

	_, html := messageParts(t, parsed)
	for _, raw := range []string{scriptText, attributeText, "<img src=x", "<" + evil + ">"} {
		if strings.Contains(html, raw) {
			t.Errorf("HTML part contains %q unescaped", raw)
		}
	}
	for _, escaped := range []string{"&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;",
		"title=\"&#34;&gt;&lt;img src=x onerror=alert(1)&gt;\""} {
		if !strings.Contains(html, escaped) {
			t.Errorf("HTML part lacks the escaped field %q:\n%s", escaped, html)
		}
	}
}

func TestHostileTemplateCopyAddress(t *testing.T) {
	site := newHostileSite(t)
	const evil = "evil@attacker.test"
	user, _ := site.fx.Owner(whmcsfixture.User{FirstName: "Copy", Email: "copy@example.test"},
		whmcsfixture.Client{})
	site.fx.Template(whmcsfixture.Template{Name: reminder.TemplateName, Subject: "Hello",
		Message: "<p>Hello</p>", CopyTo: "audit@example.test\r\nBcc: " + evil,
		BlindCopyTo: "archive@example.test>\r\nTo: " + evil})
	csrf := site.signIn(t)
	result := site.get(t, site.remind(t, csrf, user))

	for _, message := range site.smtp.Messages() {
		for _, to := range message.To {
			if to == evil {
				t.Errorf("message went to %s: %q", evil, message.To)
			}
		}
		if bytes.Contains(message.Data, []byte(evil)) {
			t.Errorf("message names %s:\n%s", evil, message.Data)
		}
	}
	if !strings.Contains(result.body, `id="failed-count">1<`) {
		t.Errorf("result page does not show the send as failed:\n%s", truncateBody(result.body))
	}
	checkPage(t, "result page", result)
}

func TestHostileAlertFragment(t *testing.T) {
	tests := []struct {
		name      string
		addon     map[string]string
		config    map[string]string
		lang      string
		forbidden []string
	}{
		{"System URL with markup", nil,
			map[string]string{"SystemURL": `https://billing.example.test/"><script>alert(1)</script>`},
			"", []string{"<script>", `"><script`}},
		{"security_url with quotes", map[string]string{"security_url": `https://x.test/" onmouseover="alert(1)`},
			nil, "", []string{`" onmouseover="`}},
		{"security_url javascript", map[string]string{"security_url": "javascript:alert(1)"},
			nil, "", []string{"javascript:"}},
		{"alert_style with markup", map[string]string{"alert_style": `danger"><script>alert(1)</script>`},
			nil, "", []string{"<script>", `"><script`}},
		{"lang with markup", nil, nil, `de"><script>alert(1)</script>`,
			[]string{"<script>", `"><script`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newHostileSite(t)
			for setting, value := range tt.addon {
				site.fx.Addon(setting, value)
			}
			for setting, value := range tt.config {
				site.fx.Config(setting, value)
			}
			user, _ := site.fx.Owner(whmcsfixture.User{FirstName: scriptText, Email: "a@example.test"},
				whmcsfixture.Client{CompanyName: attributeText})

			fragment := site.apiGet(t, "/api/v1/alert?user_id="+id(user)+"&lang="+url.QueryEscape(tt.lang))
			if fragment.status != http.StatusOK {
				t.Fatalf("status %d, want 200\n%s", fragment.status, fragment.body)
			}
			for _, raw := range append(tt.forbidden, scriptText, attributeText) {
				if strings.Contains(fragment.body, raw) {
					t.Errorf("fragment contains %q:\n%s", raw, fragment.body)
				}
			}
		})
	}
}

// encodeCursor returns a user list position with value, as the store
// encodes one.
func encodeCursor(value string, userID int64) string {
	data, _ := json.Marshal(map[string]any{"v": value, "i": userID})
	return base64.RawURLEncoding.EncodeToString(data)
}

// injections are SQL injection attempts and awkward bytes for every
// search, sort and filter parameter.
var injections = []string{
	"' OR '1'='1",
	"1' OR 1=1 -- ",
	"1; DROP TABLE tblusers; --",
	"name`; DROP TABLE tblusers; --",
	`\' OR 1=1 #`,
	"%' UNION SELECT password FROM tbladmins -- ",
	"1 AND SLEEP(3)",
	`") OR ("1"="1`,
	"1/**/OR/**/1=1",
	"Active' OR status<>'",
	"%_%",
	`\`,
	"\x00",
	"\xff\xfe",
	"\U0001F600",
	strings.Repeat("A", 5000),
}

func TestInjectionParameters(t *testing.T) {
	site := newHostileSite(t, func(cfg *config.Config) {
		cfg.API.RateLimit = 10000
	})
	users := hostileUsers(t, site.fx)
	csrf := site.signIn(t)
	site.remind(t, csrf, users["script"])
	before := site.fx.Sums()

	var cursors []string
	for _, injection := range injections {
		cursors = append(cursors, encodeCursor(injection, users["script"]))
	}

	type target struct {
		path   string
		params []string
		api    bool
	}
	targets := []target{
		{"/users", []string{"q", "sort", "dir", "role", "status", "group", "reminded", "after",
			"before"}, false},
		{"/users.csv", []string{"q", "sort", "dir", "role", "status", "group", "reminded", "after",
			"before"}, false},
		{"/activity", []string{"q", "status", "trigger", "batch", "before"}, false},
		{"/reminders/preview", []string{"user_id"}, false},
		{"/api/v1/alert", []string{"user_id", "lang"}, true},
		{"/api/v1/stats", []string{"user_id"}, true},
	}
	for _, target := range targets {
		for _, param := range target.params {
			values := injections
			if target.path != "/activity" && (param == "after" || param == "before") {
				values = append(append([]string(nil), injections...), cursors...)
			}
			for i, value := range values {
				query := url.Values{param: {value}}
				if target.path == "/api/v1/alert" && param == "lang" {
					query.Set("user_id", id(users["script"]))
				}
				path := target.path + "?" + query.Encode()
				t.Run(fmt.Sprintf("%s %s %d", target.path, param, i), func(t *testing.T) {
					var got reply
					if target.api {
						got = site.apiGet(t, path)
					} else {
						got = site.get(t, path)
					}
					checkHarmless(t, path, got)
				})
			}
		}
	}

	batchIDs := append([]string{"1e3", "0x1", "-1", "1.0", "\uff19", "99999999999999999999"},
		injections...)
	for i, value := range batchIDs {
		path := "/reminders/" + url.PathEscape(value)
		t.Run(fmt.Sprintf("batch %d", i), func(t *testing.T) {
			got := site.get(t, path)
			checkHarmless(t, path, got)
			if got.status == http.StatusOK {
				t.Errorf("%s: status 200, want 404", shorten(path, 200))
			}
		})
	}

	for i, value := range injections {
		if len(value) > 1000 {
			// TestDismissBodyLimits covers bodies above the 4 KiB dismiss limit.
			continue
		}
		for _, contentType := range []string{"application/x-www-form-urlencoded", "application/json"} {
			body := url.Values{"user_id": {value}}.Encode()
			if contentType == "application/json" {
				data, _ := json.Marshal(map[string]string{"user_id": value})
				body = string(data)
			}
			t.Run(fmt.Sprintf("dismiss %s %d", contentType, i), func(t *testing.T) {
				got := site.do(t, site.client, http.MethodPost, "/api/v1/dismiss",
					http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {contentType}},
					strings.NewReader(body))
				checkHarmless(t, "POST /api/v1/dismiss "+body, got)
				if got.status == http.StatusNoContent {
					t.Errorf("dismiss with user_id %q: status 204, want 400", value)
				}
			})
		}
	}

	after := site.fx.Sums()
	for table, sum := range before {
		if after[table] != sum {
			t.Errorf("CHECKSUM TABLE %s changed from %d to %d", table, sum, after[table])
		}
	}
	checkLogHasNoErrors(t, site.logs.String())
}

// checkHarmless fails t unless the response to source is a success, 400
// with a reason or 404, with no internal error text.
func checkHarmless(t *testing.T, source string, got reply) {
	t.Helper()
	switch got.status {
	case http.StatusOK, http.StatusNoContent, http.StatusNotFound:
	case http.StatusBadRequest:
		if !strings.Contains(got.body, "invalid") && !strings.Contains(got.body, "missing") &&
			!strings.Contains(got.body, "too long") {
			t.Errorf("%s: 400 gives no reason:\n%s", shorten(source, 200), truncateBody(got.body))
		}
	default:
		t.Errorf("%s: status %d, want 200, 204, 400 or 404\n%s", shorten(source, 200), got.status,
			truncateBody(got.body))
	}
	checkNoInternals(t, source, got.body)
}

func TestUsersSearchOutsideUTF8MB3(t *testing.T) {
	site := newHostileSite(t)
	site.fx.Owner(whmcsfixture.User{FirstName: "Plain", Email: "plain@example.test"},
		whmcsfixture.Client{})
	csrf := site.signIn(t)

	for _, search := range []string{"\U0001F600", "\xff"} {
		for _, path := range []string{"/users", "/users.csv"} {
			t.Run(fmt.Sprintf("%s %q", path, search), func(t *testing.T) {
				stopped := strings.Count(site.logs.String(), "CSV export stopped")
				got := site.get(t, path+"?q="+url.QueryEscape(search))
				if got.status >= 500 {
					t.Errorf("status %d, want 200 with no match or 400\n%s", got.status,
						truncateBody(got.body))
				}
				checkNoInternals(t, path, got.body)
				// A failed export still returns 200, so only the log shows that
				// the file ended early.
				if strings.Count(site.logs.String(), "CSV export stopped") != stopped {
					t.Error("the export ended early with a database error")
				}
			})
		}
		t.Run(fmt.Sprintf("bulk reminder %q", search), func(t *testing.T) {
			got := site.postForm(t, "/reminders", csrf, url.Values{"mode": {"all"},
				"q": {search}, "nonce": {randomNonce(t)}})
			if got.status >= 500 {
				t.Errorf("status %d, want 303 or 400\n%s", got.status, truncateBody(got.body))
			}
		})
	}
	t.Run("cursor", func(t *testing.T) {
		got := site.get(t, "/users?sort=email&after="+encodeCursor("\U0001F600", 1))
		if got.status >= 500 {
			t.Errorf("status %d, want 200 or 400\n%s", got.status, truncateBody(got.body))
		}
	})
	checkLogHasNoErrors(t, site.logs.String())
}

// rawGet sends target unchanged as the request line, so that no client
// library cleans or re-encodes it, and returns the status and body.
func rawGet(t *testing.T, address, target string) (int, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", address, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
		target, address); err != nil {
		t.Fatal(err)
	}
	response, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %q: read response: %v", target, err)
	}
	defer response.Body.Close()
	body, _ := io.ReadAll(response.Body)
	return response.StatusCode, string(body)
}

// traversals are paths that try to leave /static/ or the path prefix.
var traversals = []string{
	"/static/../go.mod",
	"/static/../../go.mod",
	"/static/..%2f..%2fgo.mod",
	"/static/%2e%2e/%2e%2e/go.mod",
	"/static/%2e%2e%2f%2e%2e%2fgo.mod",
	"/static/%252e%252e%252fgo.mod",
	"/static/..\\..\\go.mod",
	"/static/..%5c..%5cgo.mod",
	"/static/....//....//go.mod",
	"/static/..%c0%af..%c0%afetc/passwd",
	"/static//etc/passwd",
	"/static/%2fetc%2fpasswd",
	"/static/../../../../../../etc/passwd",
	"/static/app.css%00.html",
	"/static/%00",
	"/static/templates/layout.html",
	"/static/../templates/layout.html",
	"/static/../embed.go",
	"/static/C:%5cwindows%5cwin.ini",
	"/static/../users",
	"/static/..%2fusers",
	"/static/%2e%2e/settings",
	"/api/v1/../../users",
	"/users/../static/app.css/../../settings",
}

func TestStaticTraversal(t *testing.T) {
	root := newHostileSite(t)
	prefixed := newHostileSite(t, func(cfg *config.Config) {
		cfg.PublicURL = "https://billing.example.net/mfa/"
	})
	prefixed.fx.Owner(whmcsfixture.User{Email: "listed@example.test"}, whmcsfixture.Client{})
	root.fx.Owner(whmcsfixture.User{Email: "listed@example.test"}, whmcsfixture.Client{})

	var targets []string
	for _, path := range traversals {
		targets = append(targets, path, "/mfa"+path)
	}
	targets = append(targets, "/mfa/..%2fstatic/app.css", "/mfa%2f..%2fsettings",
		"/mfa/%2e%2e/mfa/settings", "/mfa/static/%2e%2e%2f%2e%2e%2fgo.mod", "/mfa\\..\\settings")

	for _, site := range []*hostileSite{root, prefixed} {
		address := strings.TrimPrefix(site.http.URL, "http://")
		for _, target := range targets {
			t.Run(site.base+" "+target, func(t *testing.T) {
				status, body := rawGet(t, address, target)
				if status != http.StatusNotFound && status != http.StatusBadRequest &&
					status != http.StatusSeeOther {
					t.Errorf("status %d, want 404, 400 or 303 to the sign-in page\n%s", status,
						truncateBody(body))
				}
				for _, leak := range []string{"module github.com", "package dashboard", "root:",
					"{{define", "[fonts]", "listed@example.test", "Users without MFA"} {
					if strings.Contains(body, leak) {
						t.Errorf("body contains %q", leak)
					}
				}
			})
		}
	}

	for _, site := range []*hostileSite{root, prefixed} {
		address := strings.TrimPrefix(site.http.URL, "http://")
		status, body := rawGet(t, address, site.base+"/static/app.css")
		if status != http.StatusOK {
			t.Errorf("GET %s/static/app.css: status %d, want 200", site.base, status)
		}
		if !strings.Contains(body, "{") {
			t.Errorf("GET %s/static/app.css: body is not the style sheet", site.base)
		}
	}
}

// chunked hides a reader's length, so that the client sends it with
// chunked transfer encoding and no Content-Length.
type chunked struct{ io.Reader }

func TestOversizedBodies(t *testing.T) {
	site := newHostileSite(t)
	user, _ := site.fx.Owner(whmcsfixture.User{Email: "big@example.test"}, whmcsfixture.Client{})
	csrf := site.signIn(t)
	loginPage := newClient()
	form := site.do(t, loginPage, http.MethodGet, "/login", nil, nil)
	loginToken := loginCSRF.FindStringSubmatch(form.body)
	if loginToken == nil {
		t.Fatal("sign-in form has no CSRF token")
	}
	padding := strings.Repeat("x", 65<<10)

	type route struct {
		path   string
		client *http.Client
		header http.Header
		body   string
	}
	formType := "application/x-www-form-urlencoded"
	routes := []route{
		{"/api/v1/dismiss", site.client, http.Header{"Authorization": {"Bearer " + token},
			"Content-Type": {formType}}, "user_id=" + id(user) + "&pad=" + padding},
		{"/api/v1/dismiss", site.client, http.Header{"Authorization": {"Bearer " + token},
			"Content-Type": {"application/json"}},
			`{"user_id": ` + id(user) + `, "pad": "` + padding + `"}`},
		{"/login", loginPage, http.Header{"Content-Type": {formType}},
			url.Values{"username": {stacktest.AdminUser}, "password": {stacktest.AdminPassword},
				"csrf_token": {loginToken[1]}, "pad": {padding}}.Encode()},
		{"/reminders", site.client, http.Header{"Content-Type": {formType}, "X-CSRF-Token": {csrf}},
			url.Values{"single": {id(user)}, "nonce": {randomNonce(t)}, "pad": {padding}}.Encode()},
		{"/reminders/preview", site.client, http.Header{"Content-Type": {formType},
			"X-CSRF-Token": {csrf}},
			url.Values{"user_id": {id(user)}, "address": {"test@example.test"}, "pad": {padding}}.Encode()},
		{"/logout", site.client, http.Header{"Content-Type": {formType}, "X-CSRF-Token": {csrf}},
			"pad=" + padding},
	}
	for _, length := range []string{"Content-Length", "chunked"} {
		for _, r := range routes {
			t.Run(length+" "+r.path+" "+r.header.Get("Content-Type"), func(t *testing.T) {
				var body io.Reader = strings.NewReader(r.body)
				if length == "chunked" {
					body = chunked{body}
				}
				got := site.do(t, r.client, http.MethodPost, r.path, r.header, body)
				if got.status != http.StatusRequestEntityTooLarge {
					t.Errorf("%d-byte body: status %d, want 413\n%s", len(r.body), got.status,
						truncateBody(got.body))
				}
				checkNoInternals(t, r.path, got.body)
			})
		}
	}

	if n := len(site.smtp.Messages()); n != 0 {
		t.Errorf("oversized requests sent %d messages", n)
	}
	if got := site.apiGet(t, "/api/v1/alert?user_id="+id(user)); got.status != http.StatusOK {
		t.Errorf("alert after oversized dismissals: status %d, want 200", got.status)
	}
	if got := site.get(t, "/users"); got.status != http.StatusOK {
		t.Errorf("session after an oversized sign-out: status %d, want 200", got.status)
	}
}

func TestDismissBodyLimits(t *testing.T) {
	site := newHostileSite(t)
	user, _ := site.fx.Owner(whmcsfixture.User{Email: "limit@example.test"}, whmcsfixture.Client{})
	padding := strings.Repeat("x", 5<<10)
	for contentType, body := range map[string]string{
		"application/x-www-form-urlencoded": "user_id=" + id(user) + "&pad=" + padding,
		"application/json":                  `{"user_id": ` + id(user) + `, "pad": "` + padding + `"}`,
	} {
		t.Run(contentType, func(t *testing.T) {
			got := site.do(t, site.client, http.MethodPost, "/api/v1/dismiss",
				http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {contentType}},
				strings.NewReader(body))
			if got.status != http.StatusRequestEntityTooLarge {
				t.Errorf("%d-byte body: status %d, want 413\n%s", len(body), got.status, got.body)
			}
			checkNoInternals(t, "POST /api/v1/dismiss", got.body)
		})
	}
}

// routeMethods lists every route with the methods it serves.
var routeMethods = map[string][]string{
	"/healthz":           {http.MethodGet},
	"/api/v1/alert":      {http.MethodGet},
	"/api/v1/dismiss":    {http.MethodPost},
	"/api/v1/stats":      {http.MethodGet},
	"/static/app.css":    {http.MethodGet},
	"/login":             {http.MethodGet, http.MethodPost},
	"/sso":               {http.MethodGet},
	"/logout":            {http.MethodPost},
	"/":                  {http.MethodGet},
	"/users":             {http.MethodGet},
	"/users.csv":         {http.MethodGet},
	"/reminders":         {http.MethodPost},
	"/reminders/1":       {http.MethodGet},
	"/reminders/preview": {http.MethodGet, http.MethodPost},
	"/activity":          {http.MethodGet},
	"/settings":          {http.MethodGet},
}

func TestWrongMethods(t *testing.T) {
	site := newHostileSite(t)
	csrf := site.signIn(t)
	for path, allowed := range routeMethods {
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut,
			http.MethodPatch, http.MethodDelete, http.MethodTrace} {
			if slicesContains(allowed, method) {
				continue
			}
			t.Run(method+" "+path, func(t *testing.T) {
				got := site.do(t, site.client, method, path, http.Header{
					"Authorization": {"Bearer " + token}, "X-CSRF-Token": {csrf},
					"Content-Type": {"application/x-www-form-urlencoded"}},
					strings.NewReader("user_id=1"))
				if got.status != http.StatusMethodNotAllowed {
					t.Errorf("status %d, want 405", got.status)
				}
				if strings.Contains(got.body, token) || strings.Contains(got.body, csrf) {
					t.Error("405 body echoes the request's headers")
				}
			})
		}
	}
	if got := site.get(t, "/users"); got.status != http.StatusOK {
		t.Errorf("session after the wrong methods: status %d, want 200", got.status)
	}
}

func slicesContains(list []string, value string) bool {
	for _, item := range list {
		if item == value {
			return true
		}
	}
	return false
}

// multipartBody encodes fields as multipart/form-data and returns the body
// and its Content-Type.
func multipartBody(t *testing.T, fields map[string]string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	writer := multipart.NewWriter(&buf)
	for name, value := range fields {
		if err := writer.WriteField(name, value); err != nil {
			t.Fatal(err)
		}
	}
	if err := writer.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String(), writer.FormDataContentType()
}

func TestWrongContentTypes(t *testing.T) {
	site := newHostileSite(t)
	user, _ := site.fx.Owner(whmcsfixture.User{Email: "types@example.test"}, whmcsfixture.Client{})
	csrf := site.signIn(t)

	fresh := newClient()
	form := site.do(t, fresh, http.MethodGet, "/login", nil, nil)
	loginToken := loginCSRF.FindStringSubmatch(form.body)
	if loginToken == nil {
		t.Fatal("sign-in form has no CSRF token")
	}
	signIn, _ := json.Marshal(map[string]string{"username": stacktest.AdminUser,
		"password": stacktest.AdminPassword, "csrf_token": loginToken[1]})
	got := site.do(t, fresh, http.MethodPost, "/login",
		http.Header{"Content-Type": {"application/json"}}, bytes.NewReader(signIn))
	if got.status != http.StatusForbidden && got.status != http.StatusBadRequest {
		t.Errorf("JSON sign-in: status %d, want 400 or 403", got.status)
	}
	checkNoInternals(t, "JSON sign-in", got.body)

	dashboard := map[string]string{
		"/reminders":         `{"single": "` + id(user) + `", "nonce": "` + randomNonce(t) + `"}`,
		"/reminders/preview": `{"user_id": "` + id(user) + `", "address": "test@example.test"}`,
	}
	for path, body := range dashboard {
		for _, contentType := range []string{"application/json", "text/plain", "application/xml"} {
			t.Run(contentType+" to "+path, func(t *testing.T) {
				got := site.do(t, site.client, http.MethodPost, path,
					http.Header{"Content-Type": {contentType}, "X-CSRF-Token": {csrf}},
					strings.NewReader(body))
				if got.status != http.StatusBadRequest {
					t.Errorf("status %d, want 400\n%s", got.status, truncateBody(got.body))
				}
				checkNoInternals(t, path, got.body)
			})
		}
	}
	if n := len(site.smtp.Messages()); n != 0 {
		t.Errorf("requests with a JSON or text body sent %d messages", n)
	}

	malformed := []string{`{"user_id": 1`, `{"user_id": 1e3}`, `{"user_id": -1}`,
		`{"user_id": null}`, `{"user_id": [1]}`, `{"user_id": {"$gt": 0}}`, `[]`, `"x"`, ``,
		`{"user_id": "1 OR 1=1"}`, `{"user_id": 18446744073709551616}`, "\xef\xbb\xbf{}",
		`{"user_id": true}`, `{"user_id": "\u0000"}`, `<user_id>1</user_id>`}
	for i, body := range malformed {
		t.Run(fmt.Sprintf("malformed JSON %d", i), func(t *testing.T) {
			got := site.do(t, site.client, http.MethodPost, "/api/v1/dismiss",
				http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"application/json"}},
				strings.NewReader(body))
			if got.status != http.StatusBadRequest {
				t.Errorf("body %q: status %d, want 400\n%s", body, got.status, got.body)
			}
			checkNoInternals(t, "dismiss "+body, got.body)
		})
	}

	other, _ := site.fx.Owner(whmcsfixture.User{Email: "multi@example.test"}, whmcsfixture.Client{})
	body, contentType := multipartBody(t, map[string]string{"user_id": id(other)})
	got = site.do(t, site.client, http.MethodPost, "/api/v1/dismiss",
		http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {contentType}},
		strings.NewReader(body))
	if got.status >= 500 {
		t.Errorf("multipart dismiss: status %d, want below 500", got.status)
	}
	got = site.do(t, site.client, http.MethodPost, "/api/v1/dismiss",
		http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"text/plain"}},
		strings.NewReader("user_id="+id(user)))
	if got.status != http.StatusBadRequest {
		t.Errorf("text/plain dismiss: status %d, want 400", got.status)
	}
	if alert := site.apiGet(t, "/api/v1/alert?user_id="+id(user)); alert.status != http.StatusOK {
		t.Errorf("alert after rejected dismissals: status %d, want 200", alert.status)
	}
	checkLogHasNoErrors(t, site.logs.String())
}

func TestDuplicateParameters(t *testing.T) {
	site := newHostileSite(t)
	first, _ := site.fx.Owner(whmcsfixture.User{Email: "first@example.test"}, whmcsfixture.Client{})
	second, _ := site.fx.Owner(whmcsfixture.User{Email: "second@example.test"}, whmcsfixture.Client{})
	csrf := site.signIn(t)

	if got := site.apiGet(t, "/api/v1/alert?user_id="+id(first)+"&user_id=abc"); got.status != http.StatusOK {
		t.Errorf("alert with a valid then an invalid user_id: status %d, want 200", got.status)
	}
	if got := site.apiGet(t, "/api/v1/alert?user_id=abc&user_id="+id(first)); got.status != http.StatusBadRequest {
		t.Errorf("alert with an invalid then a valid user_id: status %d, want 400", got.status)
	}
	for _, path := range []string{"/users?sort=email&sort=bogus", "/users?q=first&q=second",
		"/users.csv?role=owner&role=x", "/activity?status=sent&status=x"} {
		if got := site.get(t, path); got.status != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200 from the first value", path, got.status)
		}
	}

	dismissed := func(userID int64) bool {
		return site.apiGet(t, "/api/v1/alert?user_id="+id(userID)).status == http.StatusNoContent
	}
	got := site.do(t, site.client, http.MethodPost, "/api/v1/dismiss?user_id="+id(second),
		http.Header{"Authorization": {"Bearer " + token},
			"Content-Type": {"application/x-www-form-urlencoded"}},
		strings.NewReader("user_id="+id(first)+"&user_id="+id(second)))
	if got.status != http.StatusNoContent {
		t.Errorf("dismiss with repeated user_id: status %d, want 204", got.status)
	}
	if !dismissed(first) {
		t.Error("the first user_id of the body was not dismissed")
	}
	if dismissed(second) {
		t.Error("a repeated user_id dismissed a second user")
	}

	sent := site.postForm(t, "/reminders", csrf, url.Values{"single": {id(first), id(second)},
		"nonce": {randomNonce(t)}})
	if sent.status != http.StatusSeeOther {
		t.Errorf("reminder with two single values: status %d, want 303", sent.status)
	}
	if n := len(site.smtp.Messages()); n != 1 {
		t.Errorf("reminder with two single values sent %d messages, want 1", n)
	}
	if n := len(site.smtp.MessagesTo("second@example.test")); n != 0 {
		t.Errorf("the repeated single value reached second@example.test")
	}
}

// sessionCookieHeader returns a Cookie header with the session cookie
// set to value.
func sessionCookieHeader(value string) http.Header {
	return http.Header{"Cookie": {"mfa_reminder_session=" + value}}
}

func TestDashboardForgedSessions(t *testing.T) {
	site := newHostileSite(t)
	user, _ := site.fx.Owner(whmcsfixture.User{Email: "secret-user@example.test"},
		whmcsfixture.Client{})
	site.signIn(t)
	var real string
	for _, cookie := range site.client.Jar.Cookies(mustURL(t, site.http.URL)) {
		if cookie.Name == "mfa_reminder_session" {
			real = cookie.Value
		}
	}
	if real == "" {
		t.Fatal("no session cookie after sign-in")
	}
	var stored string
	if err := site.fx.DB.Get(&stored, "SELECT id FROM mod_mfa_reminder_sessions LIMIT 1"); err != nil {
		t.Fatal(err)
	}
	flipped := []byte(real)
	flipped[len(flipped)-1] ^= 1

	cookies := map[string]string{
		"random":          base64.RawURLEncoding.EncodeToString([]byte(randomNonce(t) + "0123456789a")),
		"tampered":        string(flipped),
		"extended":        real + "A",
		"truncated":       real[:len(real)-1],
		"stored id":       stored,
		"over 100 bytes":  real + strings.Repeat("A", 100),
		"SQL":             "' OR '1'='1",
		"percent-encoded": url.QueryEscape(real + "'"),
	}
	gets := []string{"/", "/users", "/users.csv", "/reminders/1", "/reminders/preview?user_id=" +
		id(user), "/activity", "/settings"}
	posts := map[string]url.Values{
		"/reminders":         {"single": {id(user)}, "nonce": {randomNonce(t)}},
		"/reminders/preview": {"user_id": {id(user)}, "address": {"test@example.test"}},
		"/logout":            {},
	}
	anonymous := &http.Client{CheckRedirect: newClient().CheckRedirect}
	for name, value := range cookies {
		for _, path := range gets {
			t.Run(name+" GET "+path, func(t *testing.T) {
				got := site.do(t, anonymous, http.MethodGet, path, sessionCookieHeader(value), nil)
				checkSignInRedirect(t, got)
			})
		}
		for path, form := range posts {
			t.Run(name+" POST "+path, func(t *testing.T) {
				header := sessionCookieHeader(value)
				header.Set("Content-Type", "application/x-www-form-urlencoded")
				header.Set("X-CSRF-Token", csrfOf(t, site))
				got := site.do(t, anonymous, http.MethodPost, path, header,
					strings.NewReader(form.Encode()))
				if got.status != http.StatusForbidden {
					checkSignInRedirect(t, got)
				}
			})
		}
	}
	t.Run("no cookie", func(t *testing.T) {
		for _, path := range gets {
			checkSignInRedirect(t, site.do(t, anonymous, http.MethodGet, path, nil, nil))
		}
	})
	if n := len(site.smtp.Messages()); n != 0 {
		t.Errorf("forged sessions sent %d messages", n)
	}
	if got := site.get(t, "/users"); got.status != http.StatusOK {
		t.Errorf("the real session after forged sign-outs: status %d, want 200", got.status)
	}
}

// csrfOf returns the CSRF token of the site's signed-in client.
func csrfOf(t *testing.T, site *hostileSite) string {
	t.Helper()
	match := csrfPattern.FindStringSubmatch(site.get(t, "/settings").body)
	if match == nil {
		t.Fatal("signed-in page has no CSRF token")
	}
	return match[1]
}

func checkSignInRedirect(t *testing.T, got reply) {
	t.Helper()
	if got.status != http.StatusSeeOther {
		t.Errorf("status %d, want 303", got.status)
	}
	if location := got.header.Get("Location"); location != "/login" {
		t.Errorf("redirect to %q, want /login", location)
	}
	if strings.Contains(got.body, "@example.test") {
		t.Errorf("response shows user data:\n%s", truncateBody(got.body))
	}
}

func TestForgedFlashMessage(t *testing.T) {
	site := newHostileSite(t)
	site.signIn(t)
	payload := base64.RawURLEncoding.EncodeToString([]byte("success\nForged " + scriptText))
	for name, value := range map[string]string{
		"unsigned":        payload,
		"wrong signature": payload + "." + strings.Repeat("0", 64),
		"no payload":      "." + strings.Repeat("0", 64),
	} {
		t.Run(name, func(t *testing.T) {
			got := site.do(t, site.client, http.MethodGet, "/users",
				http.Header{"Cookie": {"mfa_reminder_flash=" + value}}, nil)
			if got.status != http.StatusOK {
				t.Fatalf("status %d, want 200", got.status)
			}
			if strings.Contains(got.body, "Forged") {
				t.Error("page shows a forged flash message")
			}
		})
	}

	// The daemon signs flash messages with a key derived from the SSO
	// secret. A message signed that way shows, so the checks above can fail.
	t.Run("signed", func(t *testing.T) {
		key := hmac.New(sha256.New, []byte(stacktest.SSOSecret))
		key.Write([]byte("mfa-reminder dashboard forms"))
		signature := hmac.New(sha256.New, key.Sum(nil))
		signature.Write([]byte("flash|" + payload))
		value := payload + "." + hex.EncodeToString(signature.Sum(nil))
		got := site.do(t, site.client, http.MethodGet, "/users",
			http.Header{"Cookie": {"mfa_reminder_flash=" + value}}, nil)
		if !strings.Contains(got.body, "Forged &lt;script&gt;") {
			t.Errorf("page does not show the signed flash message escaped:\n%s",
				truncateBody(got.body))
		}
		checkPage(t, "/users with a signed flash", got)
	})
}

func TestAPITokenVariants(t *testing.T) {
	site := newHostileSite(t)
	user, _ := site.fx.Owner(whmcsfixture.User{Email: "api-user@example.test"}, whmcsfixture.Client{})
	variants := map[string]string{
		"none":             "",
		"scheme only":      "Bearer",
		"scheme and space": "Bearer ",
		"wrong":            "Bearer wrong",
		"last byte cut":    "Bearer " + token[:len(token)-1],
		"extra byte":       "Bearer " + token + "x",
		"first half":       "Bearer " + token[:len(token)/2],
		"upper case":       "Bearer " + strings.ToUpper(token),
		"SSO secret":       "Bearer " + stacktest.SSOSecret,
		"no scheme":        token,
		"no space":         "Bearer" + token,
		"Basic":            "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:"+token)),
		"Token scheme":     "Token " + token,
		"quoted":           `Bearer "` + token + `"`,
		"two tokens":       "Bearer wrong, Bearer " + token,
	}
	requests := []struct {
		method, path, body string
	}{
		{http.MethodGet, "/api/v1/alert?user_id=" + id(user), ""},
		{http.MethodPost, "/api/v1/dismiss", "user_id=" + id(user)},
		{http.MethodGet, "/api/v1/stats", ""},
		{http.MethodGet, "/api/v1/stats?access_token=" + token, ""},
	}
	for name, authorization := range variants {
		for _, r := range requests {
			t.Run(name+" "+r.method+" "+r.path, func(t *testing.T) {
				header := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
				if authorization != "" {
					header.Set("Authorization", authorization)
				}
				got := site.do(t, site.client, r.method, r.path, header, strings.NewReader(r.body))
				if got.status != http.StatusUnauthorized {
					t.Errorf("status %d, want 401", got.status)
				}
				if got.header.Get("WWW-Authenticate") == "" {
					t.Error("401 has no WWW-Authenticate header")
				}
				for _, leak := range []string{"api-user@example.test", "total_users", token} {
					if strings.Contains(got.body, leak) {
						t.Errorf("401 body contains %q", leak)
					}
				}
			})
		}
	}
	if got := site.apiGet(t, "/api/v1/alert?user_id="+id(user)); got.status != http.StatusOK {
		t.Errorf("alert after rejected dismissals: status %d, want 200", got.status)
	}
}

// signToken signs claims with method and key.
func signToken(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	signed, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// relabel returns a token whose header names alg, with the payload of
// claims and an HS256 signature made with the SSO secret.
func relabel(t *testing.T, alg string, claims jwt.MapClaims) string {
	t.Helper()
	header, _ := json.Marshal(map[string]string{"alg": alg, "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	unsigned := base64.RawURLEncoding.EncodeToString(header) + "." +
		base64.RawURLEncoding.EncodeToString(payload)
	signature, err := jwt.SigningMethodHS256.Sign(unsigned, []byte(stacktest.SSOSecret))
	if err != nil {
		t.Fatal(err)
	}
	return unsigned + "." + base64.RawURLEncoding.EncodeToString(signature)
}

func TestSSOHostileTokens(t *testing.T) {
	site := newHostileSite(t)
	secret := []byte(stacktest.SSOSecret)
	claims := func(jti string, change func(jwt.MapClaims)) jwt.MapClaims {
		c := validClaims(jti)
		if change != nil {
			change(c)
		}
		return c
	}
	valid := signToken(t, jwt.SigningMethodHS256, secret, claims("jti-hostile-valid", nil))
	tokens := map[string]string{
		"HS512 with the secret": signToken(t, jwt.SigningMethodHS512, secret, claims("jti-h-1", nil)),
		"HS384 with the secret": signToken(t, jwt.SigningMethodHS384, secret, claims("jti-h-2", nil)),
		"RS256 label":           relabel(t, "RS256", claims("jti-h-3", nil)),
		"none label":            relabel(t, "none", claims("jti-h-4", nil)),
		"nOnE label":            relabel(t, "nOnE", claims("jti-h-5", nil)),
		"API token as key": signToken(t, jwt.SigningMethodHS256, []byte(token),
			claims("jti-h-6", nil)),
		"not valid yet": signToken(t, jwt.SigningMethodHS256, secret, claims("jti-h-7",
			func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(time.Minute).Unix() })),
		"no exp": signToken(t, jwt.SigningMethodHS256, secret, claims("jti-h-8",
			func(c jwt.MapClaims) { delete(c, "exp") })),
		"no aud": signToken(t, jwt.SigningMethodHS256, secret, claims("jti-h-9",
			func(c jwt.MapClaims) { delete(c, "aud") })),
		"empty name": signToken(t, jwt.SigningMethodHS256, secret, claims("jti-h-10",
			func(c jwt.MapClaims) { c["name"] = " " })),
		"no sub": signToken(t, jwt.SigningMethodHS256, secret, claims("jti-h-11",
			func(c jwt.MapClaims) { delete(c, "sub") })),
		"exp as text": signToken(t, jwt.SigningMethodHS256, secret, claims("jti-h-12",
			func(c jwt.MapClaims) { c["exp"] = "tomorrow" })),
		"extra segment": valid + ".e30",
		"over 4096":     valid + strings.Repeat("A", 4096),
		"signature cut": valid[:len(valid)-2],
	}
	for name, signed := range tokens {
		t.Run(name, func(t *testing.T) {
			got := site.do(t, newClient(), http.MethodGet, "/sso?token="+url.QueryEscape(signed),
				nil, nil)
			if got.status != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", got.status)
			}
			for _, header := range got.header.Values("Set-Cookie") {
				if strings.HasPrefix(header, "mfa_reminder_session=") {
					t.Errorf("a rejected token set a session cookie: %s", header)
				}
			}
			if strings.Contains(got.body, stacktest.SSOSecret) {
				t.Error("page shows the SSO secret")
			}
		})
	}
}

func TestSSOConcurrentReplay(t *testing.T) {
	site := newHostileSite(t)
	signed := signToken(t, jwt.SigningMethodHS256, []byte(stacktest.SSOSecret),
		validClaims("jti-concurrent-0001"))
	const attempts = 10
	statuses := make(chan int, attempts)
	var wg sync.WaitGroup
	for range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			response, err := newClient().Get(site.http.URL + "/sso?token=" + signed)
			if err != nil {
				statuses <- 0
				return
			}
			response.Body.Close()
			statuses <- response.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	opened := 0
	for status := range statuses {
		switch status {
		case http.StatusSeeOther:
			opened++
		case http.StatusUnauthorized:
		default:
			t.Errorf("status %d, want 303 once and 401 otherwise", status)
		}
	}
	if opened != 1 {
		t.Errorf("%d sessions opened with one token, want 1", opened)
	}
}

func TestSecretsNeverShown(t *testing.T) {
	const (
		smtpSecret     = "smtp-password-secret-7f3a9c"
		dsnSecret      = "dsn-password-secret-4b8e21"
		passwordSecret = "db-password-secret-9d2c55"
	)
	site := newHostileSite(t, func(cfg *config.Config) {
		cfg.SMTP.Username = "mailer"
		cfg.SMTP.Password = smtpSecret
		// Shown on the settings page only: the store is already open.
		cfg.Database.DSN = "mfa:" + dsnSecret + "@tcp(127.0.0.1:3306)/whmcs"
		cfg.Database.Password = passwordSecret
	})
	user, _ := site.fx.Owner(whmcsfixture.User{FirstName: "Holder",
		Email: "secret-holder@example.test"}, whmcsfixture.Client{})
	var replies []reply

	anonymous := newClient()
	for _, password := range []string{token, stacktest.SSOSecret, smtpSecret} {
		form := site.do(t, anonymous, http.MethodGet, "/login", nil, nil)
		replies = append(replies, form)
		match := loginCSRF.FindStringSubmatch(form.body)
		if match == nil {
			t.Fatal("sign-in form has no CSRF token")
		}
		replies = append(replies, site.do(t, anonymous, http.MethodPost, "/login",
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			strings.NewReader(url.Values{"username": {stacktest.AdminUser}, "password": {password},
				"csrf_token": {match[1]}}.Encode())))
	}
	for _, authorization := range []string{"Bearer " + stacktest.SSOSecret, "Bearer " + token + "x",
		"Basic " + token} {
		replies = append(replies, site.do(t, site.client, http.MethodGet, "/api/v1/stats",
			http.Header{"Authorization": {authorization}}, nil))
	}
	for _, key := range []string{token, "wrong-key-0123456789abcdef0123456789"} {
		signed := signToken(t, jwt.SigningMethodHS256, []byte(key), validClaims("jti-"+key[:8]))
		replies = append(replies, site.do(t, newClient(), http.MethodGet, "/sso?token="+signed, nil, nil))
	}

	csrf := site.signIn(t)
	// The mail server offers no AUTH, so both sends fail on the SMTP
	// credentials.
	result := site.remind(t, csrf, user)
	replies = append(replies, site.get(t, result))
	sent := site.postForm(t, "/reminders/preview", csrf,
		url.Values{"user_id": {id(user)}, "address": {"test@example.test"}})
	replies = append(replies, sent, site.get(t, sent.header.Get("Location")))
	for _, path := range []string{"/", "/users", "/activity", "/settings", "/users.csv",
		"/reminders/preview?user_id=" + id(user)} {
		replies = append(replies, site.get(t, path))
	}

	if _, err := site.fx.DB.Exec("RENAME TABLE mod_mfa_reminder_sends TO hostile_sends"); err != nil {
		t.Fatal(err)
	}
	failed := site.get(t, "/activity")
	if _, err := site.fx.DB.Exec("RENAME TABLE hostile_sends TO mod_mfa_reminder_sends"); err != nil {
		t.Fatal(err)
	}
	if failed.status != http.StatusServiceUnavailable {
		t.Errorf("activity without its table: status %d, want 503", failed.status)
	}
	checkNoInternals(t, "activity without its table", failed.body)
	replies = append(replies, failed)

	settingsPage := site.get(t, "/settings")
	if !strings.Contains(settingsPage.body, "mfa:***@tcp(127.0.0.1:3306)/whmcs") {
		t.Errorf("settings page does not show the DSN with its password hidden:\n%s",
			truncateBody(settingsPage.body))
	}

	secrets := map[string]string{"API token": token, "SSO secret": stacktest.SSOSecret,
		"admin password": stacktest.AdminPassword, "SMTP password": smtpSecret,
		"DSN password": dsnSecret, "database password": passwordSecret}
	logs := site.logs.String()
	for name, secret := range secrets {
		if strings.Contains(logs, secret) {
			t.Errorf("log contains the %s", name)
		}
		for _, got := range replies {
			if strings.Contains(got.body, secret) {
				t.Errorf("a %d response shows the %s:\n%s", got.status, name, truncateBody(got.body))
			}
			for header, values := range got.header {
				if strings.Contains(strings.Join(values, "\n"), secret) {
					t.Errorf("header %s of a %d response contains the %s", header, got.status, name)
				}
			}
		}
	}
	if strings.Contains(logs, "secret-holder@example.test") {
		t.Errorf("log names a user's email address:\n%s", logs)
	}
	if !strings.Contains(logs, "user_id="+id(user)) {
		t.Errorf("log does not name the user by id:\n%s", logs)
	}
}

func TestPreviewSendHostileAddress(t *testing.T) {
	site := newHostileSite(t)
	user, _ := site.fx.Owner(whmcsfixture.User{Email: "preview@example.test"}, whmcsfixture.Client{})
	csrf := site.signIn(t)
	addresses := map[string]string{
		"300 bytes":    strings.Repeat("a", 287) + "@example.test",
		"header break": "test@example.test\r\nBcc: evil@attacker.test",
		"two":          "test@example.test, evil@attacker.test",
		"display name": "Test <test@example.test>",
		"markup":       `"<script>alert(1)</script>"@example.test`,
	}
	for name, address := range addresses {
		t.Run(name, func(t *testing.T) {
			sent := site.postForm(t, "/reminders/preview", csrf,
				url.Values{"user_id": {id(user)}, "address": {address}})
			if sent.status != http.StatusSeeOther {
				t.Fatalf("status %d, want 303 back to the preview\n%s", sent.status,
					truncateBody(sent.body))
			}
			page := site.get(t, sent.header.Get("Location"))
			checkPage(t, "preview after the test send", page)
			checkNoInternals(t, "preview after the test send", page.body)
			if !strings.Contains(page.body, "flash-error") {
				t.Errorf("preview shows no error for the address %q", address)
			}
		})
	}
	if n := len(site.smtp.Messages()); n != 0 {
		t.Errorf("invalid addresses got %d messages", n)
	}
}

func TestSSOAdminNames(t *testing.T) {
	site := newHostileSite(t)
	names := map[string]string{
		"markup":     scriptText,
		"log line":   "admin\ntime=2000-01-01 level=ERROR msg=forged",
		"300 bytes":  strings.Repeat("a", 300),
		"300 runes":  strings.Repeat("é", 300),
		"long sub":   "admin",
		"emoji name": "admin \U0001F600",
	}
	for label, name := range names {
		t.Run(label, func(t *testing.T) {
			claims := validClaims("jti-name-" + strings.ReplaceAll(label, " ", "-"))
			claims["name"] = name
			if label == "long sub" {
				claims["sub"] = strings.Repeat("9", 80)
			}
			signed := signToken(t, jwt.SigningMethodHS256, []byte(stacktest.SSOSecret), claims)
			browser := newClient()
			got := site.do(t, browser, http.MethodGet, "/sso?token="+signed, nil, nil)
			if got.status != http.StatusSeeOther && got.status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 303 or 401 with a reason\n%s", got.status,
					truncateBody(got.body))
			}
			if got.status == http.StatusUnauthorized {
				return
			}
			overview := site.do(t, browser, http.MethodGet, "/", nil, nil)
			checkPage(t, "overview", overview)
		})
	}
	for _, line := range strings.Split(site.logs.String(), "\n") {
		if strings.HasPrefix(line, "time=2000-01-01") {
			t.Errorf("an admin name forged a log line: %s", line)
		}
	}
}

func TestLoginHostileUsername(t *testing.T) {
	site := newHostileSite(t)
	usernames := map[string]string{
		"markup":        attributeText + scriptText,
		"line break":    "admin\r\nSet-Cookie: forged=1",
		"split rune":    "a" + strings.Repeat("é", 150),
		"10000 bytes":   strings.Repeat("<", 10000),
		"control bytes": "admin\x00\x1b[2J",
	}
	for label, username := range usernames {
		t.Run(label, func(t *testing.T) {
			browser := newClient()
			form := site.do(t, browser, http.MethodGet, "/login", nil, nil)
			match := loginCSRF.FindStringSubmatch(form.body)
			if match == nil {
				t.Fatal("sign-in form has no CSRF token")
			}
			got := site.do(t, browser, http.MethodPost, "/login",
				http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
				strings.NewReader(url.Values{"username": {username}, "password": {"wrong"},
					"csrf_token": {match[1]}}.Encode()))
			if got.status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", got.status)
			}
			for _, raw := range []string{scriptText, attributeText, "<<"} {
				if strings.Contains(got.body, raw) {
					t.Errorf("sign-in page shows %q unescaped", raw)
				}
			}
			if !utf8.ValidString(got.body) {
				t.Error("sign-in page is not valid UTF-8")
			}
			if len(got.header.Values("Set-Cookie")) > 0 &&
				strings.Contains(strings.Join(got.header.Values("Set-Cookie"), ";"), "forged") {
				t.Error("a username set a cookie")
			}
		})
	}
}

func TestLongNamesInEmailHeaders(t *testing.T) {
	site := newHostileSite(t)
	first, last := strings.Repeat("Ab ", 85), strings.Repeat("é", 255)
	user, _ := site.fx.Owner(whmcsfixture.User{FirstName: first, LastName: last,
		Email: "long-name@example.test"}, whmcsfixture.Client{CompanyName: strings.Repeat("C", 255)})
	site.fx.Template(whmcsfixture.Template{Name: reminder.TemplateName,
		Subject: "{$client_name} {$client_company_name} {$client_name}",
		Message: "<p>{$client_name}</p>", FromName: strings.Repeat("Ö", 200)})
	csrf := site.signIn(t)
	site.remind(t, csrf, user)

	messages := site.smtp.MessagesTo("long-name@example.test")
	if len(messages) != 1 {
		t.Fatalf("long-name@example.test got %d messages, want 1", len(messages))
	}
	for _, line := range headerBlock(messages[0].Data) {
		if len(line) > 998 {
			t.Errorf("header line of %d bytes, above the 998 of RFC 5322: %.80q...", len(line), line)
		}
	}
	parsed, err := messages[0].Parsed()
	if err != nil {
		t.Fatalf("message does not parse: %v", err)
	}
	decoder := &mime.WordDecoder{}
	subject, err := decoder.DecodeHeader(parsed.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("Subject does not decode: %v", err)
	}
	if !strings.Contains(subject, strings.TrimSpace(first+" "+last)) {
		t.Errorf("Subject %q lacks the full name", shorten(subject, 200))
	}
	to, err := (&mail.AddressParser{WordDecoder: decoder}).Parse(parsed.Header.Get("To"))
	if err != nil {
		t.Fatalf("To %q does not parse: %v", shorten(parsed.Header.Get("To"), 200), err)
	}
	if to.Address != "long-name@example.test" {
		t.Errorf("To address = %q, want long-name@example.test", to.Address)
	}
}

func TestPreviewSendDatabaseError(t *testing.T) {
	site := newHostileSite(t)
	user, _ := site.fx.Owner(whmcsfixture.User{Email: "db-error@example.test"}, whmcsfixture.Client{})
	csrf := site.signIn(t)
	if _, err := site.fx.DB.Exec("RENAME TABLE mod_mfa_reminder_sends TO hostile_sends"); err != nil {
		t.Fatal(err)
	}
	sent := site.postForm(t, "/reminders/preview", csrf,
		url.Values{"user_id": {id(user)}, "address": {"test@example.test"}})
	if _, err := site.fx.DB.Exec("RENAME TABLE hostile_sends TO mod_mfa_reminder_sends"); err != nil {
		t.Fatal(err)
	}
	checkNoInternals(t, "test send response", sent.body)
	if location := sent.header.Get("Location"); location != "" {
		page := site.get(t, location)
		checkNoInternals(t, "preview after the test send", page.body)
		if strings.Contains(page.body, site.fx.Name) {
			t.Error("preview names the database")
		}
	}
}

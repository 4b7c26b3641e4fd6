package server_test

import (
	"encoding/csv"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/server"
	"github.com/mfa-reminder/mfa-reminder/pkg/smtptest"
	"github.com/mfa-reminder/mfa-reminder/pkg/stacktest"
	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

const token = stacktest.Token

type harness struct {
	t *testing.T
	// base is the path prefix of public_url.
	base   string
	fx     *whmcsfixture.T
	smtp   *smtptest.Server
	http   *httptest.Server
	client *http.Client
}

// newHarness serves the dashboard and API on a fresh stack; configure, when
// given, changes the configuration first.
func newHarness(t *testing.T, configure ...func(*config.Config)) *harness {
	t.Helper()
	stack := stacktest.New(t)
	for _, change := range configure {
		change(stack.Config)
	}
	srv, err := server.New(server.Deps{Config: stack.Config, Store: stack.Store,
		Settings: stack.Settings, Runner: stack.Runner, Logger: stack.Logger, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	httpServer := httptest.NewServer(srv.Handler())
	t.Cleanup(httpServer.Close)

	jar, _ := cookiejar.New(nil)
	client := &http.Client{
		Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return &harness{t: t, base: stack.Config.BasePath(), fx: stack.FX, smtp: stack.SMTP,
		http: httpServer, client: client}
}

// api sends a request with the Authorization header given and returns
// the status and body.
func (h *harness) api(method, path, contentType, body string, authorization string) (int, string) {
	h.t.Helper()
	request, err := http.NewRequest(method, h.http.URL+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if authorization != "" {
		request.Header.Set("Authorization", authorization)
	}
	if contentType != "" {
		request.Header.Set("Content-Type", contentType)
	}
	response, err := h.client.Do(request)
	if err != nil {
		h.t.Fatal(err)
	}
	defer response.Body.Close()
	data, _ := io.ReadAll(response.Body)
	return response.StatusCode, string(data)
}

func (h *harness) alert(query string) (int, string) {
	h.t.Helper()
	return h.api(http.MethodGet, "/api/v1/alert?"+query, "", "", "Bearer "+token)
}

func TestAlertDecisions(t *testing.T) {
	h := newHarness(t)
	owner, client := h.fx.Owner(whmcsfixture.User{Email: "o@example.test", SecondFactor: "totp"},
		whmcsfixture.Client{Language: "french"})
	sub := h.fx.SubUser(whmcsfixture.User{Email: "s@example.test"}, client)
	german := h.fx.SubUser(whmcsfixture.User{Email: "g@example.test", Language: "german"}, client)
	closed, _ := h.fx.Owner(whmcsfixture.User{Email: "c@example.test"},
		whmcsfixture.Client{Status: "Closed"})
	lone := h.fx.User(whmcsfixture.User{Email: "l@example.test"})

	tests := []struct {
		name       string
		query      string
		wantStatus int
		wantBody   string
	}{
		{"owner with MFA", "user_id=" + id(owner), http.StatusNoContent, ""},
		{"sub-user without MFA", "user_id=" + id(sub), http.StatusOK,
			"authentification à deux facteurs"},
		{"user language before account language", "user_id=" + id(german), http.StatusOK,
			"Zwei-Faktor-Authentifizierung"},
		{"lang parameter first", "user_id=" + id(german) + "&lang=nl", http.StatusOK,
			"tweestapsverificatie"},
		{"unknown lang falls back to English", "user_id=" + id(sub) + "&lang=klingon",
			http.StatusOK, "please enable Two-Factor Authentication"},
		{"closed account only", "user_id=" + id(closed), http.StatusNoContent, ""},
		{"no account", "user_id=" + id(lone), http.StatusNoContent, ""},
		{"unknown user", "user_id=999999", http.StatusNotFound, "unknown user"},
		{"missing user_id", "", http.StatusBadRequest, "missing user_id"},
		{"malformed user_id", "user_id=1%20OR%201=1", http.StatusBadRequest, "invalid user_id"},
		{"negative user_id", "user_id=-4", http.StatusBadRequest, "invalid user_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := h.alert(tt.query)
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d (body %q)", status, tt.wantStatus, body)
			}
			if !strings.Contains(body, tt.wantBody) {
				t.Errorf("body %q lacks %q", body, tt.wantBody)
			}
		})
	}
}

func id(n int64) string {
	return strconv.FormatInt(n, 10)
}

func TestAlertFragment(t *testing.T) {
	h := newHarness(t)
	user, _ := h.fx.Owner(whmcsfixture.User{Email: "f@example.test"}, whmcsfixture.Client{})
	h.fx.Addon("alert_style", "danger")

	status, body := h.alert("user_id=" + id(user))
	if status != http.StatusOK {
		t.Fatalf("status = %d, want 200", status)
	}
	for _, want := range []string{
		`class="alert alert-danger alert-dismissible`,
		"mfa-reminder-alert",
		`data-dismiss="alert"`,
		`data-bs-dismiss="alert"`,
		`href="https://billing.example-hosting.test/index.php?rp=/user/security"`,
		"For your security, please enable Two-Factor Authentication",
		`action="index.php?m=mfa_reminder&amp;action=dismiss"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("fragment lacks %q:\n%s", want, body)
		}
	}
}

func TestAlertSettingsFromAddon(t *testing.T) {
	tests := []struct {
		name      string
		addon     map[string]string
		config    map[string]string
		wantShown bool
		wantLink  string
	}{
		{"alerts off", map[string]string{"enable_alert": ""}, nil, false, ""},
		{"custom security URL", map[string]string{"security_url": "https://example.test/2fa"},
			nil, true, "https://example.test/2fa"},
		{"friendly URLs", nil, map[string]string{"RouteUriPathMode": "rewrite"}, true,
			"https://billing.example-hosting.test/user/security"},
		{"friendly index.php URLs", nil, map[string]string{"RouteUriPathMode": "acceptpathinfo"},
			true, "https://billing.example-hosting.test/index.php/user/security"},
		{"System URL without slash", nil, map[string]string{"SystemURL": "https://b.example.test/whmcs"},
			true, "https://b.example.test/whmcs/index.php?rp=/user/security"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			for setting, value := range tt.addon {
				h.fx.Addon(setting, value)
			}
			for setting, value := range tt.config {
				h.fx.Config(setting, value)
			}
			user, _ := h.fx.Owner(whmcsfixture.User{Email: "u@example.test"}, whmcsfixture.Client{})

			status, body := h.alert("user_id=" + id(user))
			if shown := status == http.StatusOK; shown != tt.wantShown {
				t.Fatalf("status = %d, want shown=%v", status, tt.wantShown)
			}
			if tt.wantLink != "" && !strings.Contains(body, `href="`+tt.wantLink+`"`) {
				t.Errorf("fragment lacks link %q:\n%s", tt.wantLink, body)
			}
		})
	}
}

func TestDismissLastsUntilNextLogin(t *testing.T) {
	h := newHarness(t)
	user, _ := h.fx.Owner(whmcsfixture.User{Email: "d@example.test"}, whmcsfixture.Client{})
	h.fx.Login(user, time.Now().Add(-time.Hour))

	status, _ := h.api(http.MethodPost, "/api/v1/dismiss", "application/x-www-form-urlencoded",
		"user_id="+id(user), "Bearer "+token)
	if status != http.StatusNoContent {
		t.Fatalf("dismiss status = %d, want 204", status)
	}
	if status, _ := h.alert("user_id=" + id(user)); status != http.StatusNoContent {
		t.Errorf("alert after dismissal: status %d, want 204", status)
	}

	h.fx.Login(user, time.Now().Add(2*time.Second))
	if status, _ := h.alert("user_id=" + id(user)); status != http.StatusOK {
		t.Errorf("alert after the next login: status %d, want 200", status)
	}

	other, _ := h.fx.Owner(whmcsfixture.User{Email: "j@example.test"}, whmcsfixture.Client{})
	status, _ = h.api(http.MethodPost, "/api/v1/dismiss", "application/json",
		`{"user_id": `+id(other)+`}`, "Bearer "+token)
	if status != http.StatusNoContent {
		t.Errorf("JSON dismiss status = %d, want 204", status)
	}
	if status, _ := h.alert("user_id=" + id(other)); status != http.StatusNoContent {
		t.Errorf("alert after JSON dismissal of a user who never logged in: status %d, want 204",
			status)
	}

	for _, body := range []string{`{"user_id": "abc"}`, `{not json`} {
		if status, _ := h.api(http.MethodPost, "/api/v1/dismiss", "application/json", body,
			"Bearer "+token); status != http.StatusBadRequest {
			t.Errorf("dismiss with body %s: status %d, want 400", body, status)
		}
	}
	if status, _ := h.api(http.MethodPost, "/api/v1/dismiss", "application/x-www-form-urlencoded",
		"user_id=424242", "Bearer "+token); status != http.StatusNotFound {
		t.Errorf("dismiss of an unknown user: status %d, want 404", status)
	}
}

func TestAPIRequiresToken(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/api/v1/alert?user_id=1", "/api/v1/stats"} {
		for _, authorization := range []string{"", "Bearer wrong", "Basic " + token, token} {
			status, body := h.api(http.MethodGet, path, "", "", authorization)
			if status != http.StatusUnauthorized {
				t.Errorf("GET %s with Authorization %q: status %d, want 401", path, authorization, status)
			}
			if strings.Contains(body, "user") && strings.Contains(body, "@") {
				t.Errorf("401 body leaks data: %s", body)
			}
		}
	}
}

func TestStatsAPI(t *testing.T) {
	h := newHarness(t)
	h.fx.Owner(whmcsfixture.User{Email: "a@example.test", SecondFactor: "totp"}, whmcsfixture.Client{})
	h.fx.Owner(whmcsfixture.User{Email: "b@example.test"}, whmcsfixture.Client{})

	status, body := h.api(http.MethodGet, "/api/v1/stats", "", "", "Bearer "+token)
	if status != http.StatusOK {
		t.Fatalf("status = %d, want 200", status)
	}
	for _, want := range []string{`"total_users":2`, `"with_mfa":1`, `"without_mfa":1`,
		`"adoption_percent":50.0`} {
		if !strings.Contains(body, want) {
			t.Errorf("stats %s lacks %s", body, want)
		}
	}
}

var (
	csrfPattern  = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	noncePattern = regexp.MustCompile(`name="nonce" value="([^"]+)"`)
)

var loginCSRF = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// signIn opens a dashboard session with the local admin account.
func (h *harness) signIn() {
	h.t.Helper()
	status := h.login(stacktest.AdminUser, stacktest.AdminPassword)
	if status != http.StatusSeeOther {
		h.t.Fatalf("sign-in: status %d, want 303", status)
	}
}

// login submits the sign-in form and returns the status.
func (h *harness) login(username, password string) int {
	h.t.Helper()
	response, err := h.client.Get(h.http.URL + h.base + "/login")
	if err != nil {
		h.t.Fatal(err)
	}
	body, _ := io.ReadAll(response.Body)
	response.Body.Close()
	match := loginCSRF.FindStringSubmatch(string(body))
	if match == nil {
		h.t.Fatalf("sign-in form has no CSRF token:\n%s", body)
	}
	status, _ := h.post(h.base+"/login", url.Values{"username": {username},
		"password": {password}, "csrf_token": {match[1]}})
	return status
}

// post submits a form and returns the status and the Location header.
func (h *harness) post(path string, form url.Values) (int, string) {
	h.t.Helper()
	response, err := h.client.PostForm(h.http.URL+path, form)
	if err != nil {
		h.t.Fatal(err)
	}
	response.Body.Close()
	return response.StatusCode, response.Header.Get("Location")
}

func TestDashboardRequiresSignIn(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/", "/users", "/users.csv", "/activity", "/settings",
		"/reminders/preview", "/reminders/1"} {
		response, err := h.client.Get(h.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		response.Body.Close()
		if response.StatusCode != http.StatusSeeOther || response.Header.Get("Location") != "/login" {
			t.Errorf("GET %s without a session: %d to %q, want 303 to /login", path,
				response.StatusCode, response.Header.Get("Location"))
		}
	}
	if status, _ := h.post("/reminders", url.Values{"single": {"1"}}); status != http.StatusSeeOther {
		t.Errorf("POST /reminders without a session: status %d, want 303 to /login", status)
	}

	if status := h.login(stacktest.AdminUser, "wrong"); status != http.StatusUnauthorized {
		t.Errorf("sign-in with a wrong password: status %d, want 401", status)
	}
}

func TestDashboardSendReminder(t *testing.T) {
	h := newHarness(t)
	user, _ := h.fx.Owner(whmcsfixture.User{FirstName: "<script>x</script>", Email: "dash@example.test"},
		whmcsfixture.Client{})
	h.signIn()

	page := h.page("/users")
	if !strings.Contains(page, "dash@example.test") {
		t.Fatalf("user list lacks the user without MFA:\n%s", page)
	}
	if strings.Contains(page, "<script>x</script>") {
		t.Error("user list shows a name's HTML unescaped")
	}
	csrf, nonce := csrfPattern.FindStringSubmatch(page), noncePattern.FindStringSubmatch(page)
	if csrf == nil || nonce == nil {
		t.Fatal("user list has no CSRF token or nonce")
	}

	form := url.Values{"single": {id(user)}, "nonce": {nonce[1]}, "csrf_token": {"forged"}}
	if status, _ := h.post("/reminders", form); status != http.StatusForbidden {
		t.Errorf("reminder with a forged CSRF token: status %d, want 403", status)
	}

	form.Set("csrf_token", csrf[1])
	status, location := h.post("/reminders", form)
	if status != http.StatusSeeOther || !strings.HasPrefix(location, "/reminders/") {
		t.Fatalf("send reminder: %d to %q, want 303 to the result page", status, location)
	}
	if n := len(h.smtp.MessagesTo("dash@example.test")); n != 1 {
		t.Errorf("dash@example.test got %d messages, want 1", n)
	}

	result := h.page(location)
	if !strings.Contains(result, `id="sent-count">1<`) {
		t.Errorf("result page does not show 1 sent:\n%s", result)
	}
	h.page(location)
	if again, _ := h.post("/reminders", form); again != http.StatusSeeOther {
		t.Errorf("posting the same form again: status %d, want 303", again)
	}
	if n := len(h.smtp.MessagesTo("dash@example.test")); n != 1 {
		t.Errorf("reloading or re-posting sent again: %d messages", n)
	}
}

func (h *harness) page(path string) string {
	h.t.Helper()
	response, err := h.client.Get(h.http.URL + path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer response.Body.Close()
	body, _ := io.ReadAll(response.Body)
	if response.StatusCode != http.StatusOK {
		h.t.Fatalf("GET %s: status %d\n%s", path, response.StatusCode, body)
	}
	return string(body)
}

func TestDashboardUnderPathPrefix(t *testing.T) {
	h := newHarness(t, func(cfg *config.Config) {
		cfg.PublicURL = "https://billing.example.net/mfa/"
	})
	h.fx.Owner(whmcsfixture.User{Email: "prefix@example.test"}, whmcsfixture.Client{})

	response, err := h.client.Get(h.http.URL + "/mfa/users")
	if err != nil {
		t.Fatal(err)
	}
	response.Body.Close()
	if location := response.Header.Get("Location"); location != "/mfa/login" {
		t.Errorf("redirect without a session = %q, want /mfa/login", location)
	}

	form, err := h.client.Get(h.http.URL + "/mfa/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(form.Body)
	form.Body.Close()
	csrf := loginCSRF.FindStringSubmatch(string(body))
	if csrf == nil {
		t.Fatal("sign-in form has no CSRF token")
	}
	response, err = h.client.PostForm(h.http.URL+"/mfa/login", url.Values{
		"username": {stacktest.AdminUser}, "password": {stacktest.AdminPassword},
		"csrf_token": {csrf[1]}})
	if err != nil {
		t.Fatal(err)
	}
	response.Body.Close()
	cookie := ""
	for _, header := range response.Header.Values("Set-Cookie") {
		if strings.HasPrefix(header, "mfa_reminder_session=") {
			cookie = header
		}
	}
	if !strings.Contains(cookie, "Path=/mfa/") || !strings.Contains(cookie, "Secure") {
		t.Errorf("session cookie %q, want Path=/mfa/ and Secure for an https public_url", cookie)
	}
	if location := response.Header.Get("Location"); location != "/mfa/" {
		t.Errorf("redirect after sign-in = %q, want /mfa/", location)
	}

	page := h.page("/mfa/users")
	for _, want := range []string{`href="/mfa/static/app.css?v=`, `action="/mfa/reminders"`,
		`href="/mfa/activity"`, `href="/mfa/users.csv?`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, `href="/users"`) || strings.Contains(page, `action="/reminders"`) {
		t.Error("page has links without the /mfa prefix")
	}
}

var externalResource = regexp.MustCompile(`(?i)<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//`)

func TestDashboardLoadsNothingFromOtherHosts(t *testing.T) {
	h := newHarness(t)
	user, _ := h.fx.Owner(whmcsfixture.User{Email: "offline@example.test"}, whmcsfixture.Client{})
	h.signIn()
	for _, path := range []string{"/", "/users", "/activity", "/settings",
		"/reminders/preview?user_id=" + id(user)} {
		if match := externalResource.FindString(h.page(path)); match != "" {
			t.Errorf("%s loads a resource from another host: %s", path, match)
		}
	}
}

func TestUsersCSV(t *testing.T) {
	h := newHarness(t)
	h.fx.Owner(whmcsfixture.User{FirstName: "=HYPERLINK(\"http://evil\")", LastName: "+1",
		Email: "formula@example.test"}, whmcsfixture.Client{CompanyName: "@Corp"})
	for i := 0; i < 1205; i++ {
		h.fx.Owner(whmcsfixture.User{FirstName: "Bulk", Email: "bulk" + strconv.Itoa(i) + "@example.test"},
			whmcsfixture.Client{})
	}
	h.fx.Owner(whmcsfixture.User{Email: "mfa@example.test", SecondFactor: "totp"}, whmcsfixture.Client{})
	h.signIn()

	response, err := h.client.Get(h.http.URL + "/users.csv?sort=email")
	if err != nil {
		t.Fatal(err)
	}
	defer response.Body.Close()
	if got := response.Header.Get("Content-Type"); got != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	records, err := csv.NewReader(response.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 1207 {
		t.Fatalf("CSV has %d records, want a header and 1206 users", len(records))
	}
	var formula []string
	for _, record := range records {
		if record[3] == "formula@example.test" {
			formula = record
		}
		if record[3] == "mfa@example.test" {
			t.Error("CSV lists a user with MFA")
		}
	}
	if formula == nil {
		t.Fatal("CSV lacks formula@example.test")
	}
	for column, want := range map[int]string{1: `'=HYPERLINK("http://evil")`, 2: "'+1", 5: "'@Corp"} {
		if formula[column] != want {
			t.Errorf("column %s = %q, want %q", records[0][column], formula[column], want)
		}
	}

	response, err = h.client.Get(h.http.URL + "/users.csv?q=bulk1&sort=email")
	if err != nil {
		t.Fatal(err)
	}
	filtered, err := csv.NewReader(response.Body).ReadAll()
	response.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	// bulk1, bulk10 to bulk19, bulk100 to bulk199 and bulk1000 to bulk1204.
	if want := 1 + 1 + 10 + 100 + 205; len(filtered) != want {
		t.Errorf("filtered CSV has %d records, want %d", len(filtered), want)
	}
}

func TestOverviewNamesWHMCSTwoFactorSettings(t *testing.T) {
	h := newHarness(t)
	h.fx.Config("2fasettings", `a:3:{s:7:"modules";a:1:{s:4:"totp";a:2:{s:13:"clientenabled";i:0;`+
		`s:12:"adminenabled";i:1;}}s:11:"forceclient";i:1;s:10:"forceadmin";i:0;}`)
	h.signIn()
	page := h.page("/")
	for _, want := range []string{"No two-factor module is enabled for clients",
		"WHMCS already makes clients set up two-factor authentication"} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
}

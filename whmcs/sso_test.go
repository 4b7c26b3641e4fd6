package whmcs_test

// Tests of the admin page's "Open dashboard" button: the form on the page,
// the redirect with a signed token that a click on it produces, and the
// sign-in at the real daemon's GET /sso.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// ssoSecret is the addon's sso_secret and the daemon's
// MFA_REMINDER_SSO_SECRET in every test.
const ssoSecret = "whmcs-test-sso-secret-5e0c3a9b71d24f86"

// ssoHeader is the JOSE header that the addon writes.
const ssoHeader = `{"alg":"HS256","typ":"JWT"}`

// dashboardAddress is the dashboard_url of tests that need no daemon.
const dashboardAddress = "https://billing.example.test/mfa"

// ssoClaims are the claims of the addon's sign-in token.
type ssoClaims struct {
	Sub  string `json:"sub"`
	Name string `json:"name"`
	Aud  string `json:"aud"`
	Iat  int64  `json:"iat"`
	Exp  int64  `json:"exp"`
	Jti  string `json:"jti"`
}

// addAdmin inserts a tbladmins row and returns its id.
func (s *site) addAdmin(username string) int64 {
	s.t.Helper()
	result, err := s.fx.DB.Exec(`
		INSERT INTO tbladmins (roleid, username, firstname, lastname, email, disabled, loginattempts)
		VALUES (1, ?, 'Ada', 'Admin', 'ada@example.test', 0, 0)`, username)
	if err != nil {
		s.t.Fatalf("insert admin %q: %v", username, err)
	}
	id, err := result.LastInsertId()
	if err != nil {
		s.t.Fatal(err)
	}
	return id
}

// useSSO sets the addon's sso_secret and dashboard_url.
func (s *site) useSSO(secret, dashboardURL string) {
	s.fx.Addon("sso_secret", secret)
	s.fx.Addon("dashboard_url", dashboardURL)
}

// output renders the admin page with php-cli for adminID (0 = no admin
// session).
func (s *site) output(adminID int64, extraEnv ...string) phpResult {
	s.t.Helper()
	env := append([]string{fmt.Sprintf("WHMCS_STUB_ADMIN_ID=%d", adminID)}, extraEnv...)
	return s.run("output", env...)
}

// adminBrowser is an HTTP client with a cookie jar that does not follow
// redirects, so each test checks every hop itself.
type adminBrowser struct {
	t      *testing.T
	client *http.Client
}

// newAdminBrowser returns a browser logged in to the WHMCS admin area of
// web as adminID.
func newAdminBrowser(t *testing.T, web *webServer, adminID int64) *adminBrowser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	base, err := url.Parse(web.URL)
	if err != nil {
		t.Fatal(err)
	}
	jar.SetCookies(base, []*http.Cookie{{Name: "stub_admin_id", Value: fmt.Sprint(adminID), Path: "/"}})
	return &adminBrowser{t: t, client: &http.Client{
		Jar:     jar,
		Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// response is a completed HTTP response with its body read.
type response struct {
	status int
	header http.Header
	body   string
}

func (b *adminBrowser) do(request *http.Request) response {
	b.t.Helper()
	r, err := b.client.Do(request)
	if err != nil {
		b.t.Fatalf("%s %s: %v", request.Method, request.URL, err)
	}
	defer r.Body.Close()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		b.t.Fatalf("read the body of %s %s: %v", request.Method, request.URL, err)
	}
	return response{status: r.StatusCode, header: r.Header, body: string(body)}
}

func (b *adminBrowser) get(address string) response {
	b.t.Helper()
	request, err := http.NewRequest(http.MethodGet, address, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(request)
}

func (b *adminBrowser) post(address string, form url.Values) response {
	b.t.Helper()
	request, err := http.NewRequest(http.MethodPost, address, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(request)
}

// adminPageURL returns the address of the addon's admin page on web.
func adminPageURL(web *webServer) string {
	return web.URL + "/admin/addonmodules.php?module=mfa_reminder"
}

var (
	dashboardForm = regexp.MustCompile(
		`<form method="post" action="([^"]*)" target="_blank" rel="noopener" class="mfa-reminder-dashboard">`)
	formTokenField = regexp.MustCompile(`<input type="hidden" name="mfa_reminder_form_token" value="([0-9a-f]{32})">`)
)

// dashboardFormOf returns the absolute action URL and the form token of
// the "Open dashboard" form on page, which web served.
func dashboardFormOf(t *testing.T, web *webServer, page string) (action, formToken string) {
	t.Helper()
	form := dashboardForm.FindStringSubmatch(page)
	if form == nil {
		t.Fatalf("admin page has no Open dashboard form:\n%s", page)
	}
	field := formTokenField.FindStringSubmatch(page)
	if field == nil {
		t.Fatalf("Open dashboard form has no form token field:\n%s", page)
	}
	base, err := url.Parse(adminPageURL(web))
	if err != nil {
		t.Fatal(err)
	}
	target, err := base.Parse(html.UnescapeString(form[1]))
	if err != nil {
		t.Fatalf("form action %q: %v", form[1], err)
	}
	return target.String(), field[1]
}

// openDashboard loads the admin page and submits its "Open dashboard"
// form, as a click on the button does. It returns the response to the
// form's POST.
func (b *adminBrowser) openDashboard(web *webServer) response {
	b.t.Helper()
	page := b.get(adminPageURL(web))
	if page.status != http.StatusOK {
		b.t.Fatalf("GET admin page: status %d, want 200\n%s", page.status, page.body)
	}
	action, formToken := dashboardFormOf(b.t, web, page.body)
	return b.post(action, url.Values{"mfa_reminder_form_token": {formToken}})
}

// signInLocation checks that r is the 302 redirect to the dashboard's
// sign-in URL under base, and returns the token from it.
func signInLocation(t *testing.T, r response, base string) (location, token string) {
	t.Helper()
	if r.status != http.StatusFound {
		t.Fatalf("Open dashboard: status %d, want 302\n%s", r.status, r.body)
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control of the redirect = %q, want no-store", got)
	}
	location = r.header.Get("Location")
	prefix := base + "/sso?token="
	if !strings.HasPrefix(location, prefix) {
		t.Fatalf("Location = %q, want prefix %q", location, prefix)
	}
	return location, strings.TrimPrefix(location, prefix)
}

// decodeSegment decodes one base64url segment of a token, which must have
// no padding.
func decodeSegment(t *testing.T, name, segment string) []byte {
	t.Helper()
	if strings.ContainsAny(segment, "=+/") {
		t.Errorf("token %s %q is not unpadded base64url", name, segment)
	}
	data, err := base64.RawURLEncoding.DecodeString(segment)
	if err != nil {
		t.Fatalf("token %s %q: %v", name, segment, err)
	}
	return data
}

// verifyToken checks the token's header and HS256 signature with secret,
// and returns its claims.
func verifyToken(t *testing.T, token, secret string) ssoClaims {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts, want 3", token, len(parts))
	}

	if header := decodeSegment(t, "header", parts[0]); string(header) != ssoHeader {
		t.Errorf("token header = %s, want %s", header, ssoHeader)
	}

	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if signature := decodeSegment(t, "signature", parts[2]); !hmac.Equal(signature, mac.Sum(nil)) {
		t.Errorf("token signature does not match HMAC-SHA256 with the SSO secret")
	}

	payload := decodeSegment(t, "claims", parts[1])
	var names map[string]json.RawMessage
	if err := json.Unmarshal(payload, &names); err != nil {
		t.Fatalf("token claims %s: %v", payload, err)
	}
	for _, name := range []string{"sub", "name", "aud", "iat", "exp", "jti"} {
		if _, ok := names[name]; !ok {
			t.Errorf("token claims %s lack %s", payload, name)
		}
	}
	if len(names) != 6 {
		t.Errorf("token claims %s have %d members, want 6", payload, len(names))
	}

	decoder := json.NewDecoder(bytes.NewReader(payload))
	decoder.DisallowUnknownFields()
	var claims ssoClaims
	if err := decoder.Decode(&claims); err != nil {
		t.Fatalf("token claims %s do not have the expected types: %v", payload, err)
	}
	return claims
}

var jtiPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// checkClaims checks the claims of a token issued just now for the admin.
func checkClaims(t *testing.T, claims ssoClaims, adminID int64, username string) {
	t.Helper()
	if claims.Sub != fmt.Sprint(adminID) {
		t.Errorf("sub = %q, want %q", claims.Sub, fmt.Sprint(adminID))
	}
	if claims.Name != username {
		t.Errorf("name = %q, want %q", claims.Name, username)
	}
	if claims.Aud != "mfa-reminder" {
		t.Errorf("aud = %q, want mfa-reminder", claims.Aud)
	}
	now := time.Now().Unix()
	if claims.Iat < now-30 || claims.Iat > now+5 {
		t.Errorf("iat = %d, want about now (%d)", claims.Iat, now)
	}
	if lifetime := claims.Exp - claims.Iat; lifetime <= 0 || lifetime > 60 {
		t.Errorf("exp - iat = %d s, want 1 to 60 s", lifetime)
	}
	if !jtiPattern.MatchString(claims.Jti) {
		t.Errorf("jti = %q, want 32 lowercase hexadecimal characters", claims.Jti)
	}
}

func TestAdminPageShowsDashboardButton(t *testing.T) {
	s := newSite(t)
	s.addPeople()
	d := s.startDaemon()
	s.useDaemon(d.URL, apiToken)
	s.useSSO(ssoSecret, dashboardAddress+"/")
	admin := s.addAdmin("ada")

	page := s.output(admin).Output
	form := dashboardForm.FindStringSubmatch(page)
	if form == nil {
		t.Fatalf("admin page has no Open dashboard form:\n%s", page)
	}
	if want := "addonmodules.php?module=mfa_reminder&amp;action=open_dashboard"; form[1] != want {
		t.Errorf("form action = %q, want %q", form[1], want)
	}
	if !formTokenField.MatchString(page) {
		t.Errorf("form has no form token field:\n%s", page)
	}
	if !strings.Contains(page, ">Open dashboard</button>") {
		t.Errorf("admin page has no Open dashboard button:\n%s", page)
	}
	for _, want := range []string{dashboardAddress, "as ada", "60 seconds"} {
		if !strings.Contains(page, want) {
			t.Errorf("button hint lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "/sso?token=") {
		t.Errorf("admin page contains a sign-in token, which only a click should create:\n%s", page)
	}
	if strings.Contains(page, "mfa-reminder-sso-fallback") {
		t.Errorf("admin page shows the sidecar URL hint although dashboard_url is set:\n%s", page)
	}
	if strings.Contains(page, ssoSecret) {
		t.Errorf("admin page contains the SSO secret")
	}
	if got := cell(t, page, "all", "total_users"); got != "3" {
		t.Errorf("all total_users = %q, want 3 next to the button", got)
	}

	german := s.output(admin, "WHMCS_STUB_ADMIN_LANGUAGE=german").Output
	if !strings.Contains(german, ">Dashboard öffnen</button>") {
		t.Errorf("German admin page has no German button:\n%s", german)
	}
}

func TestAdminPageExplainsSSOProblems(t *testing.T) {
	s := newSite(t)
	admin := s.addAdmin("ada")
	shortSecret := strings.Repeat("s", 31)

	cases := []struct {
		name       string
		secret     string
		dashboard  string
		sidecar    string
		adminID    int64
		problem    string
		wantInText []string
	}{
		{"no secret", "", dashboardAddress, "http://127.0.0.1:8087", admin, "sso_secret_missing",
			[]string{"SSO secret is empty", "MFA_REMINDER_SSO_SECRET", "mfa-reminder gen-secret", "Configure"}},
		{"short secret", shortSecret, dashboardAddress, "http://127.0.0.1:8087", admin, "sso_secret_short",
			[]string{"shorter than 32 bytes", "MFA_REMINDER_SSO_SECRET", "mfa-reminder gen-secret"}},
		{"secret of spaces", strings.Repeat(" ", 40), dashboardAddress, "http://127.0.0.1:8087", admin,
			"sso_secret_missing", []string{"SSO secret is empty"}},
		{"no address", ssoSecret, "", "", admin, "sso_url_missing",
			[]string{"Dashboard URL and Sidecar URL are both empty", "https://billing.example.net/mfa/"}},
		{"invalid dashboard URL", ssoSecret, "billing.example.test/mfa", "http://127.0.0.1:8087", admin,
			"sso_url_invalid", []string{"billing.example.test/mfa", "http:// or https://"}},
		{"dashboard URL with query", ssoSecret, dashboardAddress + "?a=b", "http://127.0.0.1:8087", admin,
			"sso_url_invalid", []string{"query string"}},
		{"no admin session", ssoSecret, dashboardAddress, "http://127.0.0.1:8087", 0, "sso_admin_missing",
			[]string{"admin ID 0", "Log in"}},
		{"unknown admin", ssoSecret, dashboardAddress, "http://127.0.0.1:8087", admin + 100,
			"sso_admin_missing", []string{fmt.Sprintf("admin ID %d", admin+100)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.useSSO(c.secret, c.dashboard)
			s.fx.Addon("sidecar_url", c.sidecar)

			page := s.output(c.adminID).Output
			if !strings.Contains(page, `data-sso-problem="`+c.problem+`"`) {
				t.Errorf("admin page does not show %s:\n%s", c.problem, page)
			}
			for _, text := range c.wantInText {
				if !strings.Contains(page, text) {
					t.Errorf("admin page lacks %q:\n%s", text, page)
				}
			}
			if dashboardForm.MatchString(page) {
				t.Errorf("admin page shows the Open dashboard form despite %s:\n%s", c.problem, page)
			}
			if strings.TrimSpace(c.secret) != "" && strings.Contains(page, strings.TrimSpace(c.secret)) {
				t.Errorf("admin page contains the SSO secret")
			}
		})
	}
}

func TestSSORedirectCarriesSignedToken(t *testing.T) {
	s := newSite(t)
	s.useDaemon("http://127.0.0.1:8087", apiToken)
	s.useSSO(ssoSecret, dashboardAddress)
	admin := s.addAdmin("ada")
	web := s.startWebServer()

	_, token := signInLocation(t, newAdminBrowser(t, web, admin).openDashboard(web), dashboardAddress)
	checkClaims(t, verifyToken(t, token, ssoSecret), admin, "ada")
	s.assertNoPHPErrors()
}

func TestSSOHandlesTrailingSlash(t *testing.T) {
	s := newSite(t)
	s.useDaemon("http://127.0.0.1:8087", apiToken)
	admin := s.addAdmin("ada")
	web := s.startWebServer()

	for _, address := range []string{dashboardAddress + "/", dashboardAddress + "//", " " + dashboardAddress + "/ "} {
		s.useSSO(ssoSecret, address)
		location, token := signInLocation(t, newAdminBrowser(t, web, admin).openDashboard(web), dashboardAddress)
		if strings.Contains(strings.TrimPrefix(location, "https://"), "//") {
			t.Errorf("dashboard_url %q: Location %q contains //", address, location)
		}
		verifyToken(t, token, ssoSecret)
	}
	s.assertNoPHPErrors()
}

func TestSSOFallsBackToSidecarURL(t *testing.T) {
	s := newSite(t)
	s.useDaemon("http://127.0.0.1:8087/", apiToken)
	s.useSSO(ssoSecret, "")
	admin := s.addAdmin("ada")
	web := s.startWebServer()
	browser := newAdminBrowser(t, web, admin)

	page := browser.get(adminPageURL(web)).body
	if !strings.Contains(page, "mfa-reminder-sso-fallback") {
		t.Errorf("admin page does not say that the button uses the sidecar URL:\n%s", page)
	}
	_, token := signInLocation(t, browser.openDashboard(web), "http://127.0.0.1:8087")
	checkClaims(t, verifyToken(t, token, ssoSecret), admin, "ada")
	s.assertNoPHPErrors()
}

func TestSSOTokensDifferPerClick(t *testing.T) {
	s := newSite(t)
	s.useDaemon("http://127.0.0.1:8087", apiToken)
	s.useSSO(ssoSecret, dashboardAddress)
	admin := s.addAdmin("ada")
	web := s.startWebServer()
	browser := newAdminBrowser(t, web, admin)

	_, first := signInLocation(t, browser.openDashboard(web), dashboardAddress)
	_, second := signInLocation(t, browser.openDashboard(web), dashboardAddress)
	firstClaims := verifyToken(t, first, ssoSecret)
	secondClaims := verifyToken(t, second, ssoSecret)
	if firstClaims.Jti == secondClaims.Jti {
		t.Errorf("two clicks gave the same jti %q", firstClaims.Jti)
	}
	if first == second {
		t.Errorf("two clicks gave the same token")
	}
}

func TestSSOEscapesAdminUsername(t *testing.T) {
	s := newSite(t)
	s.useDaemon("http://127.0.0.1:8087", apiToken)
	s.useSSO(ssoSecret, dashboardAddress)
	username := `<script>alert("x")</script>&amp;Zoë`
	admin := s.addAdmin(username)

	page := s.output(admin).Output
	if strings.Contains(page, "<script>") {
		t.Errorf("admin page contains the unescaped username:\n%s", page)
	}
	if want := `&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;Zoë`; !strings.Contains(page, want) {
		t.Errorf("admin page lacks the escaped username %q:\n%s", want, page)
	}

	web := s.startWebServer()
	_, token := signInLocation(t, newAdminBrowser(t, web, admin).openDashboard(web), dashboardAddress)
	checkClaims(t, verifyToken(t, token, ssoSecret), admin, username)
	s.assertNoPHPErrors()
}

func TestSSONeverShowsSecret(t *testing.T) {
	s := newSite(t)
	s.useDaemon("http://127.0.0.1:8087", apiToken)
	s.useSSO(ssoSecret, dashboardAddress)
	admin := s.addAdmin("ada")
	web := s.startWebServer()
	browser := newAdminBrowser(t, web, admin)

	page := browser.get(adminPageURL(web))
	redirect := browser.openDashboard(web)
	cliPage := s.output(admin)
	fallback := s.run("signin", fmt.Sprintf("WHMCS_STUB_ADMIN_ID=%d", admin))

	texts := map[string]string{
		"admin page":            page.body,
		"redirect":              redirect.body + fmt.Sprint(redirect.header),
		"php-cli admin page":    cliPage.Output,
		"sign-in link page":     fallback.Output,
		"module log of php-cli": fmt.Sprint(cliPage.ModuleLog, fallback.ModuleLog),
	}
	entries, _ := s.stubLog()
	texts["module log of php -S"] = fmt.Sprint(entries)
	for name, text := range texts {
		if strings.Contains(text, ssoSecret) {
			t.Errorf("%s contains the SSO secret:\n%s", name, text)
		}
	}
}

func TestSSORejectsPostWithoutFormToken(t *testing.T) {
	s := newSite(t)
	s.useDaemon("http://127.0.0.1:8087", apiToken)
	s.useSSO(ssoSecret, dashboardAddress)
	admin := s.addAdmin("ada")
	web := s.startWebServer()
	browser := newAdminBrowser(t, web, admin)

	page := browser.get(adminPageURL(web))
	action, formToken := dashboardFormOf(t, web, page.body)
	cases := []struct {
		name string
		form url.Values
	}{
		{"no token", url.Values{}},
		{"wrong token", url.Values{"mfa_reminder_form_token": {strings.Repeat("0", 32)}}},
		{"token as array", url.Values{"mfa_reminder_form_token[]": {formToken}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := browser.post(action, c.form)
			if r.status != http.StatusOK {
				t.Errorf("status = %d, want 200 (the admin page, no redirect)", r.status)
			}
			if location := r.header.Get("Location"); location != "" {
				t.Errorf("Location = %q, want none", location)
			}
			if !strings.Contains(r.body, `data-error="sso_form_expired"`) {
				t.Errorf("page does not explain the missing form token:\n%s", r.body)
			}
		})
	}

	// Another browser session has its own form token.
	other := newAdminBrowser(t, web, admin)
	other.get(adminPageURL(web))
	if r := other.post(action, url.Values{"mfa_reminder_form_token": {formToken}}); r.status != http.StatusOK {
		t.Errorf("POST with the form token of another session: status %d, want 200", r.status)
	}

	// A GET of the action URL renders the page and creates no token.
	if r := browser.get(action); r.status != http.StatusOK || r.header.Get("Location") != "" {
		t.Errorf("GET %s: status %d Location %q, want 200 without Location", action, r.status, r.header.Get("Location"))
	}
	s.assertNoPHPErrors()
}

func TestSSOReportsDatabaseError(t *testing.T) {
	s := newSite(t)
	s.useDaemon("http://127.0.0.1:8087", apiToken)
	s.useSSO(ssoSecret, dashboardAddress)
	admin := s.addAdmin("ada")
	web := s.startWebServer()
	browser := newAdminBrowser(t, web, admin)

	page := browser.get(adminPageURL(web))
	action, formToken := dashboardFormOf(t, web, page.body)
	if _, err := s.fx.DB.Exec("DROP TABLE tbladmins"); err != nil {
		t.Fatal(err)
	}

	r := browser.post(action, url.Values{"mfa_reminder_form_token": {formToken}})
	if r.status != http.StatusOK || r.header.Get("Location") != "" {
		t.Errorf("status %d Location %q, want 200 without Location", r.status, r.header.Get("Location"))
	}
	if !strings.Contains(r.body, `data-error="error_exception"`) || !strings.Contains(r.body, "tbladmins") {
		t.Errorf("page does not show the database error naming tbladmins:\n%s", r.body)
	}

	entries, phpErrors := s.stubLog()
	if len(phpErrors) > 0 {
		t.Errorf("the admin page raised PHP errors:\n%s", strings.Join(phpErrors, "\n"))
	}
	var logged bool
	for _, entry := range entries {
		if entry.Action == "sso" && strings.Contains(entry.Response, "tbladmins") {
			logged = true
		}
		if strings.Contains(entry.Request+entry.Response, ssoSecret) {
			t.Errorf("module log contains the SSO secret: %+v", entry)
		}
	}
	if !logged {
		t.Errorf("module log = %+v, want an sso entry naming tbladmins", entries)
	}
}

func TestSSOLinkWhenHeadersSent(t *testing.T) {
	s := newSite(t)
	s.useDaemon("http://127.0.0.1:8087", apiToken)
	s.useSSO(ssoSecret, dashboardAddress+"/")
	admin := s.addAdmin("ada")

	result := s.run("signin", fmt.Sprintf("WHMCS_STUB_ADMIN_ID=%d", admin))
	if !result.HeadersSent {
		t.Fatalf("the signin entry ran with unsent headers, so it did not test the link")
	}
	link := regexp.MustCompile(`<a class="btn btn-primary mfa-reminder-sso-link" href="([^"]*)">`).
		FindStringSubmatch(result.Output)
	if link == nil {
		t.Fatalf("page has no sign-in link:\n%s", result.Output)
	}
	location := html.UnescapeString(link[1])
	prefix := dashboardAddress + "/sso?token="
	if !strings.HasPrefix(location, prefix) {
		t.Fatalf("sign-in link = %q, want prefix %q", location, prefix)
	}
	checkClaims(t, verifyToken(t, strings.TrimPrefix(location, prefix), ssoSecret), admin, "ada")
	if !strings.Contains(result.Output, "60 seconds") {
		t.Errorf("page does not say how long the link is valid:\n%s", result.Output)
	}
}

func TestSSOOpensDaemonDashboard(t *testing.T) {
	s := newSite(t)
	s.addPeople()
	d := s.startDaemon()
	s.useDaemon(d.URL, apiToken)
	s.useSSO(ssoSecret, d.URL+"/")
	admin := s.addAdmin("ada.lovelace")
	web := s.startWebServer()
	browser := newAdminBrowser(t, web, admin)

	location, _ := signInLocation(t, browser.openDashboard(web), d.URL)

	signIn := browser.get(location)
	if signIn.status != http.StatusSeeOther {
		t.Fatalf("GET /sso: status %d, want 303\n%s\ndaemon output:\n%s", signIn.status, signIn.body, d.output.String())
	}
	overviewURL, err := url.Parse(location)
	if err != nil {
		t.Fatal(err)
	}
	overviewURL, err = overviewURL.Parse(signIn.header.Get("Location"))
	if err != nil {
		t.Fatalf("Location of /sso %q: %v", signIn.header.Get("Location"), err)
	}
	if overviewURL.Path != "/" {
		t.Errorf("GET /sso redirects to %s, want the overview /", overviewURL)
	}

	overview := browser.get(overviewURL.String())
	if overview.status != http.StatusOK {
		t.Fatalf("GET %s after sign-in: status %d, want 200\n%s", overviewURL, overview.status, overview.body)
	}
	if !strings.Contains(overview.body, "Two-factor adoption") {
		t.Errorf("overview page lacks its heading Two-factor adoption:\n%s", overview.body)
	}
	if !strings.Contains(overview.body, "ada.lovelace") {
		t.Errorf("overview page does not name the signed-in admin ada.lovelace:\n%s", overview.body)
	}

	// The signed-in browser keeps its session when it reloads the link;
	// any other browser gets 401.
	if again := browser.get(location); again.status != http.StatusSeeOther {
		t.Errorf("reload of the used link in the signed-in browser: status %d, want 303",
			again.status)
	}
	stranger := newAdminBrowser(t, web, admin)
	if again := stranger.get(location); again.status != http.StatusUnauthorized {
		t.Errorf("second use of the sign-in link in another browser: status %d, want 401",
			again.status)
	}
	s.assertNoPHPErrors()
}

func TestSSOTokenRejectedByDaemon(t *testing.T) {
	s := newSite(t)
	d := s.startDaemon()
	s.useDaemon(d.URL, apiToken)
	admin := s.addAdmin("ada")
	web := s.startWebServer()
	browser := newAdminBrowser(t, web, admin)

	// A token signed with another secret.
	s.useSSO("another-sso-secret-of-the-addon-0123456789", d.URL)
	location, _ := signInLocation(t, browser.openDashboard(web), d.URL)
	if r := browser.get(location); r.status != http.StatusUnauthorized {
		t.Errorf("token signed with another secret: status %d, want 401", r.status)
	}

	// A token whose claims were changed after signing.
	s.useSSO(ssoSecret, d.URL)
	_, token := signInLocation(t, browser.openDashboard(web), d.URL)
	parts := strings.Split(token, ".")
	claims := verifyToken(t, token, ssoSecret)
	claims.Sub = "1"
	claims.Name = "admin"
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	altered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]
	if r := browser.get(d.URL + "/sso?token=" + altered); r.status != http.StatusUnauthorized {
		t.Errorf("altered token: status %d, want 401", r.status)
	}
}

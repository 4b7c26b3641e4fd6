package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/stacktest"
	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

// ssoToken signs claims as the WHMCS addon does, with secret.
func ssoToken(t *testing.T, secret string, claims jwt.MapClaims) string {
	t.Helper()
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func validClaims(jti string) jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{"sub": "1", "name": "whmcs-admin", "aud": "mfa-reminder",
		"iat": now.Unix(), "exp": now.Add(60 * time.Second).Unix(), "jti": jti}
}

// get requests path without following redirects and returns status,
// Location and body.
func (h *harness) get(path string) (int, string, string) {
	h.t.Helper()
	response, err := h.client.Get(h.http.URL + path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer response.Body.Close()
	body, _ := io.ReadAll(response.Body)
	return response.StatusCode, response.Header.Get("Location"), string(body)
}

func TestSSO(t *testing.T) {
	h := newHarness(t)

	reused := ssoToken(t, stacktest.SSOSecret, validClaims("jti-reused-0001"))
	// The payload of a token for another admin under the signature of a
	// genuine one.
	genuine := strings.Split(ssoToken(t, stacktest.SSOSecret, validClaims("jti-altered-0001")), ".")
	forged := validClaims("jti-altered-0001")
	forged["name"] = "attacker"
	forgedParts := strings.Split(ssoToken(t, "any-key-0123456789abcdef0123456789", forged), ".")
	altered := genuine[0] + "." + forgedParts[1] + "." + genuine[2]
	expired := validClaims("jti-expired-0001")
	expired["exp"] = time.Now().Add(-time.Minute).Unix()
	tooLong := validClaims("jti-too-long-0001")
	tooLong["exp"] = time.Now().Add(time.Hour).Unix()
	wrongAudience := validClaims("jti-audience-0001")
	wrongAudience["aud"] = "another-app"
	noJTI := validClaims("")
	delete(noJTI, "jti")
	none := jwt.NewWithClaims(jwt.SigningMethodNone, validClaims("jti-none-0001"))
	unsigned, err := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}

	status, location, _ := h.get("/sso?token=" + reused)
	if status != http.StatusSeeOther || location != "/" {
		t.Fatalf("valid token: %d to %q, want 303 to /", status, location)
	}
	if page := h.page("/"); !strings.Contains(page, "whmcs-admin") {
		t.Error("overview after sign-on does not name the WHMCS admin")
	}

	tests := []struct {
		name  string
		token string
		want  string
	}{
		{"replayed", reused, "already used"},
		{"altered", altered, "signature is wrong"},
		{"wrong secret", ssoToken(t, "another-secret-0123456789abcdef0123", validClaims("jti-w-1")),
			"signature is wrong"},
		{"expired", ssoToken(t, stacktest.SSOSecret, expired), "expired"},
		{"valid too long", ssoToken(t, stacktest.SSOSecret, tooLong), "too long"},
		{"wrong audience", ssoToken(t, stacktest.SSOSecret, wrongAudience), "not meant for"},
		{"no jti", ssoToken(t, stacktest.SSOSecret, noJTI), "jti"},
		{"unsigned", unsigned, "algorithm"},
		{"garbage", "not-a-token", "malformed"},
		{"missing", "", "no sign-on token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fresh := newClient()
			response, err := fresh.Get(h.http.URL + "/sso?token=" + url.QueryEscape(tt.token))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(response.Body)
			response.Body.Close()
			if response.StatusCode != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", response.StatusCode)
			}
			if !strings.Contains(string(body), tt.want) {
				t.Errorf("page does not say %q:\n%s", tt.want, body)
			}
			for _, header := range response.Header.Values("Set-Cookie") {
				if strings.HasPrefix(header, "mfa_reminder_session=") {
					t.Errorf("a rejected token set a session cookie: %s", header)
				}
			}
		})
	}
}

func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

func TestCSRFOnEveryStateChange(t *testing.T) {
	h := newHarness(t)
	user, _ := h.fx.Owner(whmcsfixture.User{Email: "csrf@example.test"}, whmcsfixture.Client{})
	h.signIn()
	page := h.page("/users")
	nonce := noncePattern.FindStringSubmatch(page)[1]

	other := newHarnessClient(h)
	otherCSRF := csrfPattern.FindStringSubmatch(other.page("/users"))[1]

	requests := []struct {
		path string
		form url.Values
	}{
		{"/reminders", url.Values{"single": {id(user)}, "nonce": {nonce}}},
		{"/reminders/preview", url.Values{"user_id": {id(user)}, "address": {"x@example.test"}}},
		{"/logout", url.Values{}},
	}
	for _, request := range requests {
		for name, token := range map[string]string{"no token": "", "wrong token": "0123abcd",
			"another session's token": otherCSRF} {
			form := url.Values{}
			for key, values := range request.form {
				form[key] = values
			}
			if token != "" {
				form.Set("csrf_token", token)
			}
			if status, _ := h.post(request.path, form); status != http.StatusForbidden {
				t.Errorf("POST %s with %s: status %d, want 403", request.path, name, status)
			}
		}
	}
	if n := len(h.smtp.Messages()); n != 0 {
		t.Errorf("rejected requests sent %d messages", n)
	}

	// A fetch request carries the token in a header instead.
	csrf := csrfPattern.FindStringSubmatch(page)[1]
	request, _ := http.NewRequest(http.MethodPost, h.http.URL+"/reminders",
		strings.NewReader(url.Values{"single": {id(user)}, "nonce": {nonce}}.Encode()))
	request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	request.Header.Set("X-CSRF-Token", csrf)
	response, err := h.client.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	response.Body.Close()
	if response.StatusCode != http.StatusSeeOther {
		t.Errorf("POST /reminders with the token in X-CSRF-Token: status %d, want 303",
			response.StatusCode)
	}

	status, _, body := h.getWithoutSession("/login")
	if status != http.StatusOK || !strings.Contains(body, "csrf_token") {
		t.Fatalf("sign-in form: %d", status)
	}
	if status, _ := postWith(newClient(), h.http.URL+"/login", url.Values{
		"username": {stacktest.AdminUser}, "password": {stacktest.AdminPassword}}); status != http.StatusForbidden {
		t.Errorf("sign-in without its CSRF token: status %d, want 403", status)
	}
}

// newHarnessClient returns a second signed-in browser on h's server.
func newHarnessClient(h *harness) *harness {
	other := *h
	other.client = newClient()
	other.signIn()
	return &other
}

func (h *harness) getWithoutSession(path string) (int, string, string) {
	fresh := *h
	fresh.client = newClient()
	return fresh.get(path)
}

func postWith(client *http.Client, target string, form url.Values) (int, string) {
	response, err := client.PostForm(target, form)
	if err != nil {
		return 0, err.Error()
	}
	response.Body.Close()
	return response.StatusCode, response.Header.Get("Location")
}

func TestLogoutEndsSessionOnServer(t *testing.T) {
	h := newHarness(t)
	h.signIn()
	csrf := csrfPattern.FindStringSubmatch(h.page("/users"))[1]
	var cookie *http.Cookie
	for _, c := range h.client.Jar.Cookies(mustURL(t, h.http.URL)) {
		if c.Name == "mfa_reminder_session" {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("no session cookie after sign-in")
	}

	if status, _ := h.post("/logout", url.Values{"csrf_token": {csrf}}); status != http.StatusSeeOther {
		t.Fatalf("logout: status %d, want 303", status)
	}
	// A copy of the old cookie opens nothing once the session is gone.
	replay := newClient()
	replay.Jar.SetCookies(mustURL(t, h.http.URL), []*http.Cookie{cookie})
	response, err := replay.Get(h.http.URL + "/users")
	if err != nil {
		t.Fatal(err)
	}
	response.Body.Close()
	if response.StatusCode != http.StatusSeeOther {
		t.Errorf("old session cookie after logout: status %d, want 303 to /login", response.StatusCode)
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	parsed, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

func TestSessionTimeouts(t *testing.T) {
	for _, tt := range []struct {
		name   string
		update string
	}{
		{"idle", "UPDATE mod_mfa_reminder_sessions SET last_seen_at = UTC_TIMESTAMP() - INTERVAL 31 MINUTE"},
		{"absolute", "UPDATE mod_mfa_reminder_sessions SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.signIn()
			if status, _, _ := h.get("/users"); status != http.StatusOK {
				t.Fatalf("fresh session: status %d", status)
			}
			if _, err := h.fx.DB.Exec(tt.update); err != nil {
				t.Fatal(err)
			}
			if status, location, _ := h.get("/users"); status != http.StatusSeeOther || location != "/login" {
				t.Errorf("after the %s timeout: %d to %q, want 303 to /login", tt.name, status, location)
			}
		})
	}
}

func TestSignInLockout(t *testing.T) {
	h := newHarness(t)
	for i := 0; i < 5; i++ {
		if status := h.login(stacktest.AdminUser, fmt.Sprintf("wrong-%d", i)); status != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, status)
		}
	}
	if status := h.login(stacktest.AdminUser, stacktest.AdminPassword); status != http.StatusTooManyRequests {
		t.Errorf("right password after 5 failures: status %d, want 429 while locked", status)
	}
	if status := h.login("nobody", "x"); status != http.StatusTooManyRequests {
		t.Errorf("another username from the locked address: status %d, want 429", status)
	}
}

func TestSecurityHeadersAndLimits(t *testing.T) {
	h := newHarness(t, func(cfg *config.Config) {
		cfg.WHMCSAdminURL = "https://billing.example.net/admin/"
	})
	response, err := h.client.Get(h.http.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	response.Body.Close()
	policy := response.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors https://billing.example.net",
		"object-src 'none'"} {
		if !strings.Contains(policy, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", policy, want)
		}
	}
	if strings.Contains(policy, "script-src 'self' 'unsafe-inline'") {
		t.Error("Content-Security-Policy allows inline script")
	}
	for header, want := range map[string]string{"X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "same-origin"} {
		if got := response.Header.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}

	for _, request := range []struct{ method, path string }{
		{http.MethodPut, "/api/v1/alert?user_id=1"}, {http.MethodDelete, "/api/v1/stats"},
		{http.MethodGet, "/api/v1/dismiss"}, {http.MethodPut, "/users"}, {http.MethodPost, "/settings"},
	} {
		status, _ := h.api(request.method, request.path, "", "", "Bearer "+token)
		if status != http.StatusMethodNotAllowed {
			t.Errorf("%s %s: status %d, want 405", request.method, request.path, status)
		}
	}

	huge := "user_id=1&pad=" + strings.Repeat("x", 100<<10)
	status, _ := h.api(http.MethodPost, "/api/v1/dismiss", "application/x-www-form-urlencoded",
		huge, "Bearer "+token)
	if status != http.StatusRequestEntityTooLarge {
		t.Errorf("100 KiB body: status %d, want 413", status)
	}
}

func TestAPIAllowList(t *testing.T) {
	h := newHarness(t, func(cfg *config.Config) {
		cfg.API.AllowedIPs = []string{"10.0.0.0/8"}
	})
	if status, _ := h.api(http.MethodGet, "/api/v1/stats", "", "", "Bearer "+token); status != http.StatusForbidden {
		t.Errorf("API request from 127.0.0.1 outside the allow-list: status %d, want 403", status)
	}

	allowed := newHarness(t, func(cfg *config.Config) {
		cfg.API.AllowedIPs = []string{"127.0.0.1"}
	})
	if status, _ := allowed.api(http.MethodGet, "/api/v1/stats", "", "", "Bearer "+token); status != http.StatusOK {
		t.Errorf("API request from an allowed address: status %d, want 200", status)
	}
}

func TestAPIRateLimit(t *testing.T) {
	h := newHarness(t, func(cfg *config.Config) {
		cfg.API.RateLimit = 5
	})
	limited := 0
	for i := 0; i < 60; i++ {
		if status, _ := h.api(http.MethodGet, "/api/v1/alert?user_id=1", "", "",
			"Bearer "+token); status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Error("60 quick requests at a limit of 5 per second got no 429")
	}
}

package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/go-sql-driver/mysql"
	"golang.org/x/crypto/bcrypt"

	"github.com/mfa-reminder/mfa-reminder/pkg/cli"
	"github.com/mfa-reminder/mfa-reminder/pkg/smtptest"
	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

// Secrets of the hostile tests. Each is distinctive, so that a search of
// the output finds any copy of it.
const (
	hostileToken         = "hostile-api-token-5e1f0c9a7b3d2e4f6a8b"
	hostileSSOSecret     = "hostile-sso-secret-9a8b7c6d5e4f3a2b1c0d"
	hostileSMTPPassword  = "hostile-smtp-password-1b2c3d"
	hostileDBPassword    = "hostile-db-password-4e5f6a"
	hostileAdminPassword = "hostile-admin-password"
)

// hostileSecrets names every secret that output must not contain.
var hostileSecrets = map[string]string{
	"API token":      hostileToken,
	"SSO secret":     hostileSSOSecret,
	"SMTP password":  hostileSMTPPassword,
	"DSN password":   hostileDBPassword,
	"admin password": hostileAdminPassword,
}

// syncBuffer collects output that serve writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// rejectingBackend is an SMTP server that offers AUTH PLAIN and rejects
// every login with 535, as a server does for a wrong password.
type rejectingBackend struct{}

func (rejectingBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return rejectingSession{}, nil
}

type rejectingSession struct{}

func (rejectingSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (rejectingSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, _, _ string) error {
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8},
			Message: "authentication credentials invalid"}
	}), nil
}

func (rejectingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (rejectingSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (rejectingSession) Data(io.Reader) error                 { return nil }
func (rejectingSession) Reset()                               {}
func (rejectingSession) Logout() error                        { return nil }

// startRejectingSMTP starts a rejectingBackend server on 127.0.0.1 and
// returns its port.
func startRejectingSMTP(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := smtp.NewServer(rejectingBackend{})
	server.Domain = "localhost"
	server.AllowInsecureAuth = true
	server.ReadTimeout = 10 * time.Second
	server.WriteTimeout = 10 * time.Second
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(func() { server.Close() })
	return strconv.Itoa(listener.Addr().(*net.TCPAddr).Port)
}

// passwordDSN creates a MySQL user with hostileDBPassword for the database
// of fx and returns its DSN.
func passwordDSN(t *testing.T, fx *whmcsfixture.T) string {
	t.Helper()
	user := "hx_" + fx.Name[len(fx.Name)-12:]
	for _, statement := range []string{
		"CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + hostileDBPassword + "'",
		"GRANT ALL ON `" + fx.Name + "`.* TO '" + user + "'@'127.0.0.1'",
	} {
		if _, err := fx.Server().Exec(statement); err != nil {
			t.Fatalf("%s: %v", statement, err)
		}
	}
	t.Cleanup(func() { fx.Server().Exec("DROP USER IF EXISTS '" + user + "'@'127.0.0.1'") })

	server, err := mysql.ParseDSN(whmcsfixture.ServerDSN())
	if err != nil {
		t.Fatal(err)
	}
	dsn := mysql.NewConfig()
	dsn.User, dsn.Passwd, dsn.Net, dsn.Addr, dsn.DBName = user, hostileDBPassword, "tcp",
		server.Addr, fx.Name
	return dsn.FormatDSN()
}

// hostileCommand runs the command line with secrets in the environment
// and a local admin account in a config file.
type hostileCommand struct {
	t          *testing.T
	fx         *whmcsfixture.T
	env        map[string]string
	configPath string
}

func newHostileCommand(t *testing.T) *hostileCommand {
	t.Helper()
	fx := whmcsfixture.New(t)
	hash, err := bcrypt.GenerateFromPassword([]byte(hostileAdminPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	configPath := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(configPath, []byte(fmt.Sprintf(
		"admins:\n  - username: admin\n    password_hash: %q\n", hash)), 0o600); err != nil {
		t.Fatal(err)
	}
	return &hostileCommand{t: t, fx: fx, configPath: configPath, env: map[string]string{
		"MFA_REMINDER_DATABASE_DSN":    passwordDSN(t, fx),
		"MFA_REMINDER_API_TOKEN":       hostileToken,
		"MFA_REMINDER_SSO_SECRET":      hostileSSOSecret,
		"MFA_REMINDER_SMTP_HOST":       "127.0.0.1",
		"MFA_REMINDER_SMTP_PORT":       startRejectingSMTP(t),
		"MFA_REMINDER_SMTP_ENCRYPTION": "none",
		"MFA_REMINDER_SMTP_USERNAME":   "mailer",
		"MFA_REMINDER_SMTP_PASSWORD":   hostileSMTPPassword,
		"MFA_REMINDER_SMTP_FROM":       "noreply@example-hosting.test",
		"MFA_REMINDER_LOG_LEVEL":       "debug",
	}}
}

func (c *hostileCommand) lookup(name string) (string, bool) {
	value, ok := c.env[name]
	return value, ok
}

// run runs the command line and returns the exit code and everything it
// printed.
func (c *hostileCommand) run(args ...string) (int, string) {
	c.t.Helper()
	var output bytes.Buffer
	args = append([]string{"--config", c.configPath}, args...)
	code := cli.Run(context.Background(), args, &output, &output, c.lookup)
	return code, output.String()
}

// checkNoSecret fails t when text, the output of source, contains a
// secret.
func checkNoSecret(t *testing.T, source, text string, secrets map[string]string) {
	t.Helper()
	for name, secret := range secrets {
		if strings.Contains(text, secret) {
			t.Errorf("%s contains the %s:\n%s", source, name, text)
		}
	}
}

func TestConfigErrorsHideSecrets(t *testing.T) {
	command := newHostileCommand(t)
	valid := command.env["MFA_REMINDER_DATABASE_DSN"]
	config, err := mysql.ParseDSN(valid)
	if err != nil {
		t.Fatal(err)
	}
	// The part of a password after an '@' also counts as the secret.
	const tail = "Secret-Tail-77c1"

	tests := []struct {
		name string
		env  map[string]string
	}{
		{"DSN without closing bracket", map[string]string{"MFA_REMINDER_DATABASE_DSN": "mfa:" +
			hostileDBPassword + "@tcp(127.0.0.1:3306"}},
		{"DSN without database", map[string]string{"MFA_REMINDER_DATABASE_DSN": "mfa:" +
			hostileDBPassword + "@tcp(127.0.0.1:3306)/"}},
		{"DSN with wrong password", map[string]string{"MFA_REMINDER_DATABASE_DSN": config.User +
			":wrong-" + hostileDBPassword + "@tcp(" + config.Addr + ")/" + config.DBName}},
		{"DSN to a closed port", map[string]string{"MFA_REMINDER_DATABASE_DSN": "mfa:" +
			hostileDBPassword + "@tcp(127.0.0.1:1)/whmcs"}},
		{"DSN without address", map[string]string{"MFA_REMINDER_DATABASE_DSN": "mfa:Sup3r@" +
			tail + "/whmcs"}},
		{"separate password wrong", map[string]string{"MFA_REMINDER_DATABASE_DSN": config.User +
			"@tcp(" + config.Addr + ")/" + config.DBName,
			"MFA_REMINDER_DATABASE_PASSWORD": "wrong-" + hostileDBPassword}},
		{"short API token", map[string]string{"MFA_REMINDER_API_TOKEN": "short-" + tail}},
		{"SSO secret equal to the token", map[string]string{"MFA_REMINDER_SSO_SECRET": hostileToken}},
		{"invalid SMTP port", map[string]string{"MFA_REMINDER_SMTP_PORT": "abc"}},
		{"secret and secret file", map[string]string{"MFA_REMINDER_SMTP_PASSWORD_FILE": "/nonexistent"}},
		{"invalid log level", map[string]string{"MFA_REMINDER_LOG_LEVEL": "loud"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			saved := map[string]string{}
			for name, value := range command.env {
				saved[name] = value
			}
			defer func() { command.env = saved }()
			for name, value := range tt.env {
				command.env[name] = value
			}
			secrets := map[string]string{"password tail": tail}
			for name, secret := range hostileSecrets {
				secrets[name] = secret
			}

			for _, args := range [][]string{{"stats"}, {"check"}, {"run-once", "--dry-run"}} {
				code, output := command.run(args...)
				if code == 0 {
					t.Errorf("%v: exit 0 with a broken configuration\n%s", args, output)
				}
				checkNoSecret(t, fmt.Sprint(args), output, secrets)
			}
		})
	}
}

func TestCheckWithWrongSMTPPassword(t *testing.T) {
	command := newHostileCommand(t)
	if code, output := command.run("migrate"); code != 0 {
		t.Fatalf("migrate: exit %d\n%s", code, output)
	}
	code, output := command.run("check")
	if code != 1 {
		t.Errorf("check: exit %d, want 1", code)
	}
	if !strings.Contains(output, "FAIL  SMTP AUTH") {
		t.Errorf("check does not report the failed SMTP login:\n%s", output)
	}
	if !strings.Contains(output, "535") {
		t.Errorf("check does not show the server's 535 reply:\n%s", output)
	}
	if !strings.Contains(output, "OK    database reachable") {
		t.Errorf("check does not reach the database with the DSN's password:\n%s", output)
	}
	checkNoSecret(t, "check output", output, hostileSecrets)

	command.fx.Owner(whmcsfixture.User{Email: "due@example.test"}, whmcsfixture.Client{})
	code, output = command.run("run-once")
	if code == 0 {
		t.Errorf("run-once with a wrong SMTP password: exit 0\n%s", output)
	}
	checkNoSecret(t, "run-once output", output, hostileSecrets)
	if strings.Contains(output, "due@example.test") {
		t.Errorf("run-once output names the user's email address:\n%s", output)
	}
}

// hostileBrowser is an HTTP client with a cookie jar that does not follow
// redirects.
func hostileBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var hostileCSRF = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// exchange is one request and its response, read in full.
type exchange struct {
	request string
	status  int
	header  http.Header
	body    string
}

func TestServeHidesSecrets(t *testing.T) {
	command := newHostileCommand(t)
	user, _ := command.fx.Owner(whmcsfixture.User{FirstName: "Seeded",
		Email: "seeded.user@example.test"}, whmcsfixture.Client{})
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := listener.Addr().String()
	listener.Close()
	command.env["MFA_REMINDER_LISTEN"] = address

	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan int, 1)
	go func() {
		served <- cli.Run(ctx, []string{"--config", command.configPath, "serve"}, &logs, &logs,
			command.lookup)
	}()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			if code := <-served; code != 0 {
				t.Errorf("serve: exit %d after the stop, want 0", code)
			}
		}
	}
	defer stop()

	base := "http://" + address
	var exchanges []exchange
	send := func(client *http.Client, method, path string, header http.Header, body string) exchange {
		t.Helper()
		request, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for name, values := range header {
			request.Header[name] = values
		}
		response, err := client.Do(request)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer response.Body.Close()
		data, _ := io.ReadAll(response.Body)
		got := exchange{request: method + " " + path, status: response.StatusCode,
			header: response.Header, body: string(data)}
		exchanges = append(exchanges, got)
		return got
	}
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}

	deadline := time.Now().Add(15 * time.Second)
	for {
		response, err := http.Get(base + "/healthz")
		if err == nil {
			response.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not respond within 15 s:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Failed sign-ins that type a secret as the password.
	stranger := hostileBrowser()
	for _, password := range []string{hostileToken, hostileSMTPPassword} {
		page := send(stranger, http.MethodGet, "/login", nil, "")
		match := hostileCSRF.FindStringSubmatch(page.body)
		if match == nil {
			t.Fatal("sign-in form has no CSRF token")
		}
		send(stranger, http.MethodPost, "/login", form, url.Values{"username": {"admin"},
			"password": {password}, "csrf_token": {match[1]}}.Encode())
	}
	for _, authorization := range []string{"Bearer " + hostileSSOSecret, "Bearer " + hostileToken + "0",
		"Bearer " + hostileToken[:20]} {
		send(stranger, http.MethodGet, "/api/v1/stats", http.Header{"Authorization": {authorization}}, "")
	}
	send(stranger, http.MethodGet, "/sso?token=eyJhbGciOiJIUzI1NiJ9.e30."+hostileSSOSecret, nil, "")

	admin := hostileBrowser()
	page := send(admin, http.MethodGet, "/login", nil, "")
	match := hostileCSRF.FindStringSubmatch(page.body)
	if match == nil {
		t.Fatal("sign-in form has no CSRF token")
	}
	signedIn := send(admin, http.MethodPost, "/login", form, url.Values{"username": {"admin"},
		"password": {hostileAdminPassword}, "csrf_token": {match[1]}}.Encode())
	if signedIn.status != http.StatusSeeOther {
		t.Fatalf("sign-in: status %d, want 303", signedIn.status)
	}
	settingsPage := send(admin, http.MethodGet, "/settings", nil, "")
	match = hostileCSRF.FindStringSubmatch(settingsPage.body)
	if match == nil {
		t.Fatal("settings page has no CSRF token")
	}
	csrf := http.Header{"Content-Type": {"application/x-www-form-urlencoded"},
		"X-CSRF-Token": {match[1]}}
	if !strings.Contains(settingsPage.body, ":***@tcp(") {
		t.Errorf("settings page does not show the DSN with its password hidden:\n%s", settingsPage.body)
	}

	// Both sends fail on the mail server's 535 to the SMTP password.
	reminded := send(admin, http.MethodPost, "/reminders", csrf, url.Values{
		"single": {strconv.FormatInt(user, 10)}, "nonce": {"0123456789abcdef0123456789abcdef"}}.Encode())
	if location := reminded.header.Get("Location"); location != "" {
		send(admin, http.MethodGet, location, nil, "")
	}
	tested := send(admin, http.MethodPost, "/reminders/preview", csrf, url.Values{
		"user_id": {strconv.FormatInt(user, 10)}, "address": {"test@example.test"}}.Encode())
	if location := tested.header.Get("Location"); location != "" {
		send(admin, http.MethodGet, location, nil, "")
	}
	for _, path := range []string{"/", "/users", "/users.csv", "/activity", "/settings"} {
		send(admin, http.MethodGet, path, nil, "")
	}

	// A database error: the table of sends is missing for one request.
	if _, err := command.fx.DB.Exec("RENAME TABLE mod_mfa_reminder_sends TO hostile_sends"); err != nil {
		t.Fatal(err)
	}
	failed := send(admin, http.MethodGet, "/activity", nil, "")
	if _, err := command.fx.DB.Exec("RENAME TABLE hostile_sends TO mod_mfa_reminder_sends"); err != nil {
		t.Fatal(err)
	}
	if failed.status != http.StatusServiceUnavailable {
		t.Errorf("activity without its table: status %d, want 503", failed.status)
	}
	stop()

	output := logs.String()
	if !strings.Contains(output, "535") {
		t.Errorf("log does not record the rejected SMTP login:\n%s", output)
	}
	checkNoSecret(t, "serve log", output, hostileSecrets)
	if strings.Contains(output, "seeded.user@example.test") {
		t.Errorf("serve log names a user's email address:\n%s", output)
	}
	if !strings.Contains(output, "user_id="+strconv.FormatInt(user, 10)) {
		t.Errorf("serve log does not name the user by id:\n%s", output)
	}
	for _, got := range exchanges {
		for name, secret := range hostileSecrets {
			if strings.Contains(got.body, secret) {
				t.Errorf("%s: the %d response shows the %s", got.request, got.status, name)
			}
			for header, values := range got.header {
				if strings.Contains(strings.Join(values, "\n"), secret) {
					t.Errorf("%s: header %s contains the %s", got.request, header, name)
				}
			}
		}
	}
}

func TestLogsRedactAddressShapes(t *testing.T) {
	fx := whmcsfixture.New(t)
	mailServer := smtptest.Start(t)
	addresses := []string{"First.Last+tag@Example.TEST", "o'brien@example.test",
		"ops@mail.sub.example.co.uk", "UPPER_CASE@EXAMPLE.TEST", "user-1@example-hosting.test",
		"digits.123@123.example.test"}
	for _, address := range addresses {
		fx.Owner(whmcsfixture.User{Email: address}, whmcsfixture.Client{})
		mailServer.Reject(address, 550, "5.1.1 <"+address+">: Recipient address rejected: "+
			address+"; user unknown ("+address+")")
	}
	env := map[string]string{
		"MFA_REMINDER_DATABASE_DSN":    fx.DSN,
		"MFA_REMINDER_API_TOKEN":       hostileToken,
		"MFA_REMINDER_SSO_SECRET":      hostileSSOSecret,
		"MFA_REMINDER_SMTP_HOST":       mailServer.Host,
		"MFA_REMINDER_SMTP_PORT":       strconv.Itoa(mailServer.Port),
		"MFA_REMINDER_SMTP_ENCRYPTION": "none",
		"MFA_REMINDER_SMTP_FROM":       "noreply@example-hosting.test",
		"MFA_REMINDER_LOG_LEVEL":       "debug",
	}
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			env["MFA_REMINDER_LOG_FORMAT"] = format
			var output bytes.Buffer
			lookup := func(name string) (string, bool) { value, ok := env[name]; return value, ok }
			code := cli.Run(context.Background(), []string{"run-once"}, &output, &output, lookup)
			if code != 1 {
				t.Errorf("run-once with every recipient rejected: exit %d, want 1", code)
			}
			if !strings.Contains(output.String(), "Reminder failed") {
				t.Fatalf("log lacks the failures:\n%s", output.String())
			}
			for _, address := range addresses {
				if strings.Contains(strings.ToLower(output.String()), strings.ToLower(address)) {
					t.Errorf("log names %s", address)
				}
			}
		})
	}
}

package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mfa-reminder/mfa-reminder/pkg/cli"
	"github.com/mfa-reminder/mfa-reminder/pkg/smtptest"
	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

// harness runs the command line against one WHMCS database and one SMTP
// server.
type harness struct {
	t    *testing.T
	fx   *whmcsfixture.T
	smtp *smtptest.Server
	env  map[string]string
}

func newHarness(t *testing.T) *harness {
	fx := whmcsfixture.New(t)
	server := smtptest.Start(t)
	// The addon holds the same secrets as the daemon, as after an install.
	fx.Addon("api_token", "test-token-0123456789abcdef0123456789")
	fx.Addon("sso_secret", "test-sso-secret-0123456789abcdef012345")
	return &harness{
		t:    t,
		fx:   fx,
		smtp: server,
		env: map[string]string{
			"MFA_REMINDER_DATABASE_DSN":    fx.DSN,
			"MFA_REMINDER_API_TOKEN":       "test-token-0123456789abcdef0123456789",
			"MFA_REMINDER_SSO_SECRET":      "test-sso-secret-0123456789abcdef012345",
			"MFA_REMINDER_SMTP_HOST":       server.Host,
			"MFA_REMINDER_SMTP_PORT":       server.Addr()[strings.LastIndex(server.Addr(), ":")+1:],
			"MFA_REMINDER_SMTP_ENCRYPTION": "none",
			"MFA_REMINDER_SMTP_FROM":       "noreply@example-hosting.test",
			"MFA_REMINDER_LOG_LEVEL":       "warn",
		},
	}
}

// run runs the command line and returns the exit code, stdout and stderr.
func (h *harness) run(args ...string) (int, string, string) {
	h.t.Helper()
	var stdout, stderr bytes.Buffer
	lookup := func(name string) (string, bool) {
		value, ok := h.env[name]
		return value, ok
	}
	code := cli.Run(context.Background(), args, &stdout, &stderr, lookup)
	return code, stdout.String(), stderr.String()
}

// lastLine returns the last non-empty line of output.
func lastLine(output string) string {
	lines := strings.Split(strings.TrimSpace(output), "\n")
	return lines[len(lines)-1]
}

// parts returns the text and HTML bodies of a captured message.
func parts(t *testing.T, message smtptest.Message) (header mail.Header, text, html string) {
	t.Helper()
	parsed, err := message.Parsed()
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	mediaType, params, err := mime.ParseMediaType(parsed.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("parse Content-Type: %v", err)
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		body, _ := io.ReadAll(parsed.Body)
		return parsed.Header, decodeBody(t, parsed.Header.Get("Content-Transfer-Encoding"), body), ""
	}

	reader := multipart.NewReader(parsed.Body, params["boundary"])
	for {
		part, err := reader.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		body, _ := io.ReadAll(part)
		partType, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		switch partType {
		case "text/plain":
			text = string(body)
		case "text/html":
			html = string(body)
		}
	}
	return parsed.Header, text, html
}

// decodeBody decodes a single-part body by its Content-Transfer-Encoding.
func decodeBody(t *testing.T, encoding string, body []byte) string {
	t.Helper()
	if !strings.EqualFold(encoding, "quoted-printable") {
		return string(body)
	}
	decoded, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
	if err != nil {
		t.Fatalf("decode quoted-printable body: %v", err)
	}
	return string(decoded)
}

func TestRunOnceSendsToExactlyTheDueUsers(t *testing.T) {
	h := newHarness(t)
	fx := h.fx
	zero := whmcsfixture.ZeroDate

	_, acme := fx.Owner(
		whmcsfixture.User{FirstName: "Olga", LastName: "Owner", Email: "olga@example.test",
			SecondFactor: "totp"},
		whmcsfixture.Client{CompanyName: "Acme"})
	fx.SubUser(whmcsfixture.User{FirstName: "Sam", LastName: "Sub", Email: "sam@example.test"}, acme)
	fx.Owner(whmcsfixture.User{FirstName: "Carl", Email: "closed@example.test"},
		whmcsfixture.Client{Status: "Closed"})
	fx.User(whmcsfixture.User{FirstName: "Lone", Email: "lone@example.test"})
	fx.Owner(whmcsfixture.User{FirstName: "Dana", Email: "duo@example.test",
		SecondFactor: "dct_totp_2fa"}, whmcsfixture.Client{})
	fx.Owner(whmcsfixture.User{FirstName: "Zed", Email: "zero@example.test", LastLogin: &zero},
		whmcsfixture.Client{LastLogin: &zero})

	before := fx.Sums()
	code, stdout, stderr := h.run("run-once")
	if code != 0 {
		t.Fatalf("run-once exit %d, stderr: %s", code, stderr)
	}
	if got, want := lastLine(stdout), "due=2 sent=2 skipped=0 failed=0"; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}

	for _, address := range []string{"sam@example.test", "zero@example.test"} {
		if n := len(h.smtp.MessagesTo(address)); n != 1 {
			t.Errorf("%s got %d messages, want 1", address, n)
		}
	}
	if n := len(h.smtp.Messages()); n != 2 {
		t.Errorf("server received %d messages, want 2", n)
	}

	code, stdout, _ = h.run("run-once")
	if code != 0 || lastLine(stdout) != "due=0 sent=0 skipped=0 failed=0" {
		t.Errorf("second run-once: exit %d, summary %q, want nothing due", code, lastLine(stdout))
	}
	if n := len(h.smtp.Messages()); n != 2 {
		t.Errorf("after the second run the server has %d messages, want still 2", n)
	}

	after := fx.Sums()
	for table, sum := range before {
		if after[table] != sum {
			t.Errorf("CHECKSUM TABLE %s changed from %d to %d", table, sum, after[table])
		}
	}
}

func TestRunOnceRendersTemplates(t *testing.T) {
	h := newHarness(t)
	fx := h.fx
	fx.Template(whmcsfixture.Template{Name: "MFA Reminder",
		Subject: "Secure your account, {$client_first_name}",
		Message: "<p>Hello {$client_name},</p><p><a href=\"{$security_url}\">Enable</a></p><p>{$signature}</p>"})
	fx.Template(whmcsfixture.Template{Name: "MFA Reminder", Language: "german",
		Subject: "Sichern Sie Ihr Konto", Message: "<p>Hallo {$client_first_name}</p>"})

	fx.Owner(whmcsfixture.User{FirstName: "<b>Eve</b> & Co", LastName: "Html",
		Email: "eve@example.test"}, whmcsfixture.Client{})
	fx.Owner(whmcsfixture.User{FirstName: "Mallory\r\nBcc: victim@example.test",
		Email: "crlf@example.test"}, whmcsfixture.Client{})
	fx.Owner(whmcsfixture.User{FirstName: "Jürgen", Email: "juergen@example.test",
		Language: "german"}, whmcsfixture.Client{})

	code, stdout, stderr := h.run("run-once")
	if code != 0 {
		t.Fatalf("run-once exit %d, stdout %s, stderr: %s", code, stdout, stderr)
	}

	t.Run("HTML in names is escaped", func(t *testing.T) {
		messages := h.smtp.MessagesTo("eve@example.test")
		if len(messages) != 1 {
			t.Fatalf("got %d messages, want 1", len(messages))
		}
		header, text, html := parts(t, messages[0])
		if strings.Contains(html, "<b>Eve</b>") {
			t.Errorf("HTML part contains the raw name: %s", html)
		}
		if !strings.Contains(html, "&lt;b&gt;Eve&lt;/b&gt; &amp; Co") {
			t.Errorf("HTML part lacks the escaped name: %s", html)
		}
		if !strings.Contains(html, "index.php?rp=/user/security") {
			t.Errorf("HTML part lacks the security link: %s", html)
		}
		if !strings.Contains(html, "Log in to your account") {
			t.Errorf("HTML part is not wrapped in EmailGlobalHeader and EmailGlobalFooter")
		}
		if !strings.Contains(text, "Hello <b>Eve</b> & Co Html") {
			t.Errorf("text part = %q, want the plain name", text)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(header.Get("Subject"))
		if err != nil || subject != "Secure your account, <b>Eve</b> & Co" {
			t.Errorf("subject = %q (%v)", subject, err)
		}
	})

	t.Run("CR LF in a name adds no header", func(t *testing.T) {
		messages := h.smtp.MessagesTo("crlf@example.test")
		if len(messages) != 1 {
			t.Fatalf("got %d messages, want 1", len(messages))
		}
		header, _, _ := parts(t, messages[0])
		if header.Get("Bcc") != "" {
			t.Errorf("message has a Bcc header: %q", header.Get("Bcc"))
		}
		if len(messages[0].To) != 1 {
			t.Errorf("envelope recipients = %v, want only crlf@example.test", messages[0].To)
		}
		if len(h.smtp.MessagesTo("victim@example.test")) != 0 {
			t.Error("the injected address received a message")
		}
	})

	t.Run("user language picks the template", func(t *testing.T) {
		messages := h.smtp.MessagesTo("juergen@example.test")
		if len(messages) != 1 {
			t.Fatalf("got %d messages, want 1", len(messages))
		}
		header, _, html := parts(t, messages[0])
		subject, _ := new(mime.WordDecoder).DecodeHeader(header.Get("Subject"))
		if subject != "Sichern Sie Ihr Konto" {
			t.Errorf("subject = %q, want the german template's", subject)
		}
		if !strings.Contains(html, "Hallo Jürgen") {
			t.Errorf("HTML part lacks the german greeting: %s", html)
		}
	})
}

func TestRunOnceSkipsDisabledTemplate(t *testing.T) {
	h := newHarness(t)
	h.fx.Template(whmcsfixture.Template{Name: "MFA Reminder", Language: "german",
		Subject: "Konto", Message: "<p>Hallo</p>", Disabled: true})
	h.fx.Owner(whmcsfixture.User{Email: "de@example.test", Language: "german"},
		whmcsfixture.Client{})
	h.fx.Owner(whmcsfixture.User{Email: "en@example.test"}, whmcsfixture.Client{})

	code, stdout, _ := h.run("run-once")
	if code != 0 {
		t.Fatalf("run-once exit %d: %s", code, stdout)
	}
	if got, want := lastLine(stdout), "due=2 sent=1 skipped=1 failed=0"; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
	if !strings.Contains(stdout, "disabled") {
		t.Errorf("output does not say the template is disabled: %s", stdout)
	}
	if len(h.smtp.MessagesTo("de@example.test")) != 0 {
		t.Error("the german user was emailed although the german template is disabled")
	}

	code, stdout, _ = h.run("check")
	if code != 1 || !strings.Contains(stdout, `FAIL  email template "MFA Reminder" (german): disabled`) {
		t.Errorf("check exit %d, output:\n%s\nwant a FAIL line for the disabled template", code, stdout)
	}
}

func TestRunOnceRetriesRejectedSend(t *testing.T) {
	h := newHarness(t)
	h.fx.Owner(whmcsfixture.User{Email: "full@example.test"}, whmcsfixture.Client{})
	h.fx.Owner(whmcsfixture.User{Email: "ok@example.test"}, whmcsfixture.Client{})
	h.smtp.Reject("full@example.test", 552, "mailbox full")

	code, stdout, _ := h.run("run-once")
	if code != 1 {
		t.Errorf("run-once with a rejected send exit %d, want 1", code)
	}
	if got, want := lastLine(stdout), "due=2 sent=1 skipped=0 failed=1"; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}

	var reply string
	err := h.fx.DB.Get(&reply, `SELECT smtp_reply FROM mod_mfa_reminder_sends
		WHERE email = 'full@example.test' AND status = 'failed'`)
	if err != nil || !strings.Contains(reply, "mailbox full") {
		t.Errorf("stored reply = %q (%v), want the server's reply", reply, err)
	}

	h.smtp.Accept("full@example.test")
	code, stdout, _ = h.run("run-once")
	if code != 0 || lastLine(stdout) != "due=1 sent=1 skipped=0 failed=0" {
		t.Errorf("retry run: exit %d, summary %q, want the failed user sent", code, lastLine(stdout))
	}
	if n := len(h.smtp.MessagesTo("full@example.test")); n != 1 {
		t.Errorf("full@example.test got %d messages, want 1", n)
	}
	if n := len(h.smtp.MessagesTo("ok@example.test")); n != 1 {
		t.Errorf("ok@example.test got %d messages, want 1", n)
	}
}

func TestRunOnceDryRunSendsNothing(t *testing.T) {
	h := newHarness(t)
	h.fx.Owner(whmcsfixture.User{Email: "dry@example.test"}, whmcsfixture.Client{})
	delete(h.env, "MFA_REMINDER_SMTP_HOST")

	code, stdout, stderr := h.run("run-once", "--dry-run")
	if code != 0 {
		t.Fatalf("dry run exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "would email user") || !strings.Contains(stdout, "dry@example.test") {
		t.Errorf("dry run output lacks the user: %s", stdout)
	}
	if got, want := lastLine(stdout), "due=1 sent=0 skipped=0 failed=0"; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
	if n := len(h.smtp.Messages()); n != 0 {
		t.Errorf("dry run sent %d messages", n)
	}
}

func TestRunOnceWithEmailOff(t *testing.T) {
	h := newHarness(t)
	h.fx.Owner(whmcsfixture.User{Email: "off@example.test"}, whmcsfixture.Client{})
	h.fx.Addon("enable_email", "")

	code, stdout, _ := h.run("run-once")
	if code != 0 || lastLine(stdout) != "due=1 sent=0 skipped=1 failed=0" {
		t.Errorf("exit %d, summary %q, want the user skipped", code, lastLine(stdout))
	}
	if !strings.Contains(stdout, "enable_email") {
		t.Errorf("output does not name enable_email: %s", stdout)
	}
	if n := len(h.smtp.Messages()); n != 0 {
		t.Errorf("sent %d messages with email off", n)
	}
}

func TestStatsJSON(t *testing.T) {
	h := newHarness(t)
	_, client := h.fx.Owner(whmcsfixture.User{Email: "a@example.test", SecondFactor: "totp"},
		whmcsfixture.Client{})
	h.fx.SubUser(whmcsfixture.User{Email: "b@example.test"}, client)
	h.fx.SubUser(whmcsfixture.User{Email: "c@example.test"}, client)

	code, stdout, stderr := h.run("stats", "--json")
	if code != 0 {
		t.Fatalf("stats exit %d: %s", code, stderr)
	}
	var stats map[string]any
	if err := json.Unmarshal([]byte(stdout), &stats); err != nil {
		t.Fatalf("stats output is not JSON: %v\n%s", err, stdout)
	}
	for key, want := range map[string]float64{"total_users": 3, "with_mfa": 1, "without_mfa": 2,
		"adoption_percent": 33.3} {
		if stats[key] != want {
			t.Errorf("%s = %v, want %v", key, stats[key], want)
		}
	}
	if !strings.Contains(stdout, `"adoption_percent":33.3`) {
		t.Errorf("adoption_percent does not have one decimal: %s", stdout)
	}
}

func TestRemindUser(t *testing.T) {
	h := newHarness(t)
	withMFA, client := h.fx.Owner(whmcsfixture.User{Email: "mfa@example.test", SecondFactor: "totp"},
		whmcsfixture.Client{})
	sub := h.fx.SubUser(whmcsfixture.User{Email: "sub@example.test"}, client)
	closed, _ := h.fx.Owner(whmcsfixture.User{Email: "gone@example.test"},
		whmcsfixture.Client{Status: "Closed"})

	tests := []struct {
		name     string
		user     int64
		wantCode int
		wantText string
	}{
		{"sub-user without MFA", sub, 0, "Reminder sent to user"},
		{"again whatever the frequency", sub, 0, "Reminder sent to user"},
		{"user with MFA", withMFA, 1, "two-factor authentication"},
		{"user out of scope", closed, 1, "not linked to an account in scope"},
		{"unknown user", 987654, 1, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := h.run("remind", "--user", strconv.FormatInt(tt.user, 10))
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d (stderr %s)", code, tt.wantCode, stderr)
			}
			if !strings.Contains(stdout+stderr, tt.wantText) {
				t.Errorf("output %q lacks %q", stdout+stderr, tt.wantText)
			}
		})
	}
	if n := len(h.smtp.MessagesTo("sub@example.test")); n != 2 {
		t.Errorf("sub@example.test got %d messages, want 2", n)
	}
}

func TestCheckReportsEachStep(t *testing.T) {
	h := newHarness(t)
	if code, _, stderr := h.run("migrate"); code != 0 {
		t.Fatalf("migrate exit %d: %s", code, stderr)
	}

	code, stdout, _ := h.run("check")
	if code != 0 {
		t.Errorf("check exit %d, output:\n%s", code, stdout)
	}
	for _, want := range []string{
		"OK    configuration",
		"OK    database reachable",
		"OK    WHMCS 8 or newer: WHMCS 8.4.0-release.1",
		"OK    SELECT on tblusers",
		"OK    SELECT on tbladdonmodules",
		"OK    own tables writable",
		`OK    email template "MFA Reminder"`,
		"OK    SMTP",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestConfigurationErrorsAreReportedTogether(t *testing.T) {
	h := newHarness(t)
	h.env["MFA_REMINDER_SMTP_ENCRYPTION"] = "ssl"
	h.env["MFA_REMINDER_RUN_AT"] = "25:00"
	h.env["MFA_REMINDER_TIMEZONE"] = "Mars/Olympus"
	h.env["MFA_REMINDER_SMTP_PASSWORD"] = "hunter2-secret"

	code, _, stderr := h.run("run-once")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	for _, want := range []string{"smtp.encryption", `"ssl"`, "run_at", "25:00", "timezone",
		"Mars/Olympus", "MFA_REMINDER_SMTP_ENCRYPTION"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("error output lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "hunter2-secret") {
		t.Error("error output contains the SMTP password")
	}
}

func TestRejectsWHMCS7(t *testing.T) {
	h := newHarness(t)
	old := whmcsfixture.New(t, whmcsfixture.WHMCS78)
	h.env["MFA_REMINDER_DATABASE_DSN"] = old.DSN

	code, _, stderr := h.run("stats")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(stderr, "7.8.3-release.1") || !strings.Contains(stderr, "WHMCS 8.0 or newer") {
		t.Errorf("error %q does not name the version found and the one needed", stderr)
	}
}

func TestLogsNameNoEmailAddress(t *testing.T) {
	h := newHarness(t)
	h.fx.Owner(whmcsfixture.User{Email: "private.person@example.test"}, whmcsfixture.Client{})
	h.smtp.Reject("private.person@example.test", 550, "<private.person@example.test>: no such user")
	h.env["MFA_REMINDER_LOG_LEVEL"] = "debug"

	_, _, stderr := h.run("run-once")
	if !strings.Contains(stderr, "Reminder failed") {
		t.Fatalf("log lacks the failure:\n%s", stderr)
	}
	if strings.Contains(stderr, "private.person@example.test") {
		t.Errorf("log names the user's email address:\n%s", stderr)
	}
}

func TestSecretsFromFiles(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	write := func(name, value string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(value+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	h.env["MFA_REMINDER_API_TOKEN_FILE"] = write("token", h.env["MFA_REMINDER_API_TOKEN"])
	h.env["MFA_REMINDER_SSO_SECRET_FILE"] = write("sso", h.env["MFA_REMINDER_SSO_SECRET"])
	h.env["MFA_REMINDER_DATABASE_DSN_FILE"] = write("dsn", h.env["MFA_REMINDER_DATABASE_DSN"])
	delete(h.env, "MFA_REMINDER_API_TOKEN")
	delete(h.env, "MFA_REMINDER_SSO_SECRET")
	delete(h.env, "MFA_REMINDER_DATABASE_DSN")

	if code, stdout, _ := h.run("migrate"); code != 0 {
		t.Fatalf("migrate with the DSN from a file: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ := h.run("check"); code != 0 || !strings.Contains(stdout, "OK    configuration") {
		t.Errorf("check with secrets from files: exit %d\n%s", code, stdout)
	}

	h.env["MFA_REMINDER_API_TOKEN"] = "also-set-directly-0123456789abcdef0123"
	h.env["MFA_REMINDER_SSO_SECRET_FILE"] = filepath.Join(dir, "missing")
	code, _, stderr := h.run("stats")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	for _, want := range []string{"MFA_REMINDER_API_TOKEN and MFA_REMINDER_API_TOKEN_FILE are both set",
		"MFA_REMINDER_SSO_SECRET_FILE: cannot read"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("error lacks %q:\n%s", want, stderr)
		}
	}
}

func TestCheckComparesAddonSecrets(t *testing.T) {
	h := newHarness(t)
	if code, _, stderr := h.run("migrate"); code != 0 {
		t.Fatal(stderr)
	}
	h.fx.Addon("api_token", h.env["MFA_REMINDER_API_TOKEN"])
	h.fx.Addon("sso_secret", "a-stale-secret-from-another-install-0123")

	code, stdout, _ := h.run("check")
	if code != 1 {
		t.Errorf("check exit %d, want 1", code)
	}
	if !strings.Contains(stdout, "OK    WHMCS addon api_token: matches") {
		t.Errorf("check lacks the matching API token line:\n%s", stdout)
	}
	if !strings.Contains(stdout, "FAIL  WHMCS addon sso_secret: differs from the daemon's") {
		t.Errorf("check lacks the differing SSO secret line:\n%s", stdout)
	}
	if strings.Contains(stdout, "a-stale-secret") || strings.Contains(stdout, h.env["MFA_REMINDER_SSO_SECRET"]) {
		t.Errorf("check prints a secret:\n%s", stdout)
	}
}

func TestHelpPrintsOnce(t *testing.T) {
	h := newHarness(t)
	code, stdout, stderr := h.run("run-once", "--help")
	if code != 0 || stderr != "" || strings.Count(stdout, "Usage:") != 1 {
		t.Errorf("run-once --help: exit %d, stdout %q, stderr %q; want the help once on stdout",
			code, stdout, stderr)
	}
	if code, _, stderr := h.run("help", "bogus"); code != 2 || !strings.Contains(stderr, `unknown command "bogus"`) {
		t.Errorf("help bogus: exit %d, stderr %q", code, stderr)
	}
	if code, stdout, _ := h.run("stats", "--config", "/nonexistent/config.yaml"); code != 2 {
		t.Errorf("--config after the command: exit %d, want 2 for the missing file\n%s", code, stdout)
	}
}

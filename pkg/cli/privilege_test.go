package cli_test

import (
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
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"golang.org/x/crypto/bcrypt"

	"github.com/mfa-reminder/mfa-reminder/pkg/cli"
	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

// readmeGrants returns the SQL statements between the grants markers of
// the README.
func readmeGrants(t *testing.T) []string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, found := strings.Cut(string(readme), "<!-- grants:begin -->")
	block, _, closed := strings.Cut(rest, "<!-- grants:end -->")
	if !found || !closed {
		t.Fatal("README.md has no grants block")
	}

	var statements []string
	for _, line := range strings.Split(block, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasSuffix(line, ";") {
			statements = append(statements, strings.TrimSuffix(line, ";"))
		}
	}
	if len(statements) < 2 {
		t.Fatalf("README grants block has %d statements", len(statements))
	}
	return statements
}

// leastPrivilegeDSN creates the README's MySQL user for the database of
// fx under a unique name and returns its DSN.
func leastPrivilegeDSN(t *testing.T, fx *whmcsfixture.T) string {
	t.Helper()
	user := "mfa_" + fx.Name[len(fx.Name)-12:]
	password := "pw-" + strconv.FormatInt(time.Now().UnixNano(), 36)

	for _, statement := range readmeGrants(t) {
		statement = strings.ReplaceAll(statement, "`whmcs`.", "`"+fx.Name+"`.")
		statement = strings.ReplaceAll(statement, "'mfa_reminder'@", "'"+user+"'@")
		statement = strings.ReplaceAll(statement, "'CHANGE-ME'", "'"+password+"'")
		if _, err := fx.Server().Exec(statement); err != nil {
			t.Fatalf("README statement %q: %v", statement, err)
		}
	}
	t.Cleanup(func() { fx.Server().Exec("DROP USER IF EXISTS '" + user + "'@'127.0.0.1'") })

	server, err := mysql.ParseDSN(whmcsfixture.ServerDSN())
	if err != nil {
		t.Fatal(err)
	}
	dsn := mysql.NewConfig()
	dsn.User, dsn.Passwd, dsn.Net, dsn.Addr, dsn.DBName = user, password, "tcp", server.Addr, fx.Name
	return dsn.FormatDSN()
}

func freePort(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	return listener.Addr().String()
}

func TestLeastPrivilegeUserFromREADME(t *testing.T) {
	h := newHarness(t)
	_, client := h.fx.Owner(whmcsfixture.User{Email: "owner@example.test", SecondFactor: "totp"},
		whmcsfixture.Client{})
	sub := h.fx.SubUser(whmcsfixture.User{Email: "sub@example.test"}, client)
	h.env["MFA_REMINDER_DATABASE_DSN"] = leastPrivilegeDSN(t, h.fx)
	before := h.fx.Sums()

	for _, args := range [][]string{{"migrate"}, {"check"}, {"stats", "--json"},
		{"run-once"}, {"remind", "--user", strconv.FormatInt(sub, 10)}} {
		if code, stdout, stderr := h.run(args...); code != 0 {
			t.Fatalf("%v as the README's MySQL user: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
	if n := len(h.smtp.MessagesTo("sub@example.test")); n != 2 {
		t.Errorf("sub@example.test got %d messages, want 2 (pass and remind)", n)
	}

	// A local dashboard account, from a config file.
	hash, err := bcrypt.GenerateFromPassword([]byte("privilege-test-password"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	configPath := filepath.Join(t.TempDir(), "config.yaml")
	err = os.WriteFile(configPath, []byte(fmt.Sprintf("admins:\n  - username: least\n"+
		"    password_hash: %q\n", hash)), 0o600)
	if err != nil {
		t.Fatal(err)
	}

	address := freePort(t)
	h.env["MFA_REMINDER_LISTEN"] = address
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan int, 1)
	go func() {
		lookup := func(name string) (string, bool) { value, ok := h.env[name]; return value, ok }
		served <- cli.Run(ctx, []string{"--config", configPath, "serve"}, io.Discard, io.Discard,
			lookup)
	}()
	defer func() {
		cancel()
		if code := <-served; code != 0 {
			t.Errorf("serve exit %d after SIGTERM, want 0", code)
		}
	}()

	base := "http://" + address
	waitHealthy(t, base)
	status := apiStatus(t, http.MethodGet, fmt.Sprintf("%s/api/v1/alert?user_id=%d", base, sub), "")
	if status != http.StatusOK {
		t.Errorf("alert as the README's MySQL user: status %d, want 200", status)
	}
	status = apiStatus(t, http.MethodPost, base+"/api/v1/dismiss", fmt.Sprintf("user_id=%d", sub))
	if status != http.StatusNoContent {
		t.Errorf("dismiss as the README's MySQL user: status %d, want 204", status)
	}
	remindFromDashboard(t, base, "least", "privilege-test-password", sub)
	if n := len(h.smtp.MessagesTo("sub@example.test")); n != 3 {
		t.Errorf("sub@example.test got %d messages, want 3 (pass, remind and dashboard)", n)
	}
	browser := dashboardClient(t, base, "least", "privilege-test-password")
	for _, path := range []string{"/", "/users", "/activity", "/settings", "/users.csv"} {
		response, err := browser.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		response.Body.Close()
		if response.StatusCode != http.StatusOK {
			t.Errorf("GET %s as the README's MySQL user: status %d, want 200", path,
				response.StatusCode)
		}
	}

	after := h.fx.Sums()
	for table, sum := range before {
		if after[table] != sum {
			t.Errorf("CHECKSUM TABLE %s changed from %d to %d", table, sum, after[table])
		}
	}
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		response, err := http.Get(base + "/healthz")
		if err == nil {
			response.Body.Close()
			if response.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s/healthz did not answer within 10 s", base)
}

func apiStatus(t *testing.T, method, url, form string) int {
	t.Helper()
	request, err := http.NewRequest(method, url, strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	request.Header.Set("Authorization", "Bearer test-token-0123456789abcdef0123456789")
	if form != "" {
		request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	response.Body.Close()
	return response.StatusCode
}

var formField = regexp.MustCompile(`name="(csrf_token|nonce)" value="([^"]+)"`)

// dashboardClient signs in to the dashboard at base with a local account.
func dashboardClient(t *testing.T, base, username, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	fields := formFields(t, client, base+"/login")
	response, err := client.PostForm(base+"/login", url.Values{"username": {username},
		"password": {password}, "csrf_token": {fields["csrf_token"]}})
	if err != nil {
		t.Fatal(err)
	}
	response.Body.Close()
	if response.Request.URL.Path != "/" {
		t.Fatalf("sign-in ended on %s, want the overview", response.Request.URL.Path)
	}
	return client
}

// formFields returns the hidden csrf_token and nonce fields of a page.
func formFields(t *testing.T, client *http.Client, page string) map[string]string {
	t.Helper()
	response, err := client.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(response.Body)
	response.Body.Close()
	fields := map[string]string{}
	for _, match := range formField.FindAllStringSubmatch(string(body), -1) {
		fields[match[1]] = match[2]
	}
	return fields
}

// remindFromDashboard sends one reminder from the dashboard's user list.
func remindFromDashboard(t *testing.T, base, username, password string, userID int64) {
	t.Helper()
	client := dashboardClient(t, base, username, password)
	fields := formFields(t, client, base+"/users")
	response, err := client.PostForm(base+"/reminders", url.Values{
		"single": {strconv.FormatInt(userID, 10)}, "nonce": {fields["nonce"]},
		"csrf_token": {fields["csrf_token"]}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(response.Body)
	response.Body.Close()
	if !strings.Contains(string(body), `id="sent-count">1<`) {
		t.Errorf("dashboard reminder as the README's MySQL user: result page shows no send "+
			"(status %d)", response.StatusCode)
	}
}

package whmcs_test

// End-to-end tests of the WHMCS addon: the PHP code runs in php-cli on top
// of tests/stubs.php, against a real WHMCS database and the real
// mfa-reminder daemon built from ./cmd/mfa-reminder.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

// apiToken is the daemon's MFA_REMINDER_API_TOKEN in every test.
const apiToken = "whmcs-test-token-7c1e4b-0123456789abcdef"

// hookTimeLimit is the hook's total curl time limit (CURLOPT_TIMEOUT_MS).
const hookTimeLimit = 1500 * time.Millisecond

var (
	// phpBinary is the path of php-cli, or "" when it is not installed.
	phpBinary string
	// daemonBinary is the mfa-reminder binary built by TestMain.
	daemonBinary string
	// daemonBuildError is set when the daemon did not build.
	daemonBuildError error
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	phpBinary, _ = exec.LookPath("php")
	if phpBinary == "" {
		return m.Run()
	}

	dir, err := os.MkdirTemp("", "mfa-reminder-whmcs-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "create temporary directory:", err)
		return 1
	}
	defer os.RemoveAll(dir)

	daemonBinary = filepath.Join(dir, "mfa-reminder")
	build := exec.Command("go", "build", "-o", daemonBinary, "./cmd/mfa-reminder")
	build.Dir = ".." // the module root
	if output, err := build.CombinedOutput(); err != nil {
		daemonBuildError = fmt.Errorf("go build ./cmd/mfa-reminder: %v\n%s", err, output)
	}
	return m.Run()
}

// requirePHP skips the test when php-cli is not installed.
func requirePHP(t *testing.T) {
	t.Helper()
	if phpBinary == "" {
		t.Skip("php is not installed; the WHMCS addon tests need php-cli with pdo_mysql and curl")
	}
}

// site is one WHMCS installation under test: a fixture database, the
// addon's PHP code and the stub environment it runs in.
type site struct {
	t  *testing.T
	fx *whmcsfixture.T
	// logFile receives the stubs' module-log entries and PHP errors of
	// php's built-in web server.
	logFile string
}

func newSite(t *testing.T) *site {
	t.Helper()
	requirePHP(t)
	return &site{
		t:       t,
		fx:      whmcsfixture.New(t),
		logFile: filepath.Join(t.TempDir(), "stub-log.jsonl"),
	}
}

// env returns the environment of a PHP process: this process's
// environment without WHMCS_STUB_* variables, the log file and database
// of the site (none for a site without a fixture), then extra as
// NAME=VALUE.
func (s *site) env(extra ...string) []string {
	s.t.Helper()
	var env []string
	for _, entry := range os.Environ() {
		if !strings.HasPrefix(entry, "WHMCS_STUB_") {
			env = append(env, entry)
		}
	}

	env = append(env, "WHMCS_STUB_LOG_FILE="+s.logFile)
	if s.fx == nil {
		return append(env, extra...)
	}

	config, err := mysql.ParseDSN(s.fx.DSN)
	if err != nil {
		s.t.Fatalf("parse fixture DSN: %v", err)
	}
	var dsn string
	if config.Net == "unix" {
		dsn = fmt.Sprintf("mysql:unix_socket=%s;dbname=%s;charset=utf8mb4", config.Addr, config.DBName)
	} else {
		host, port, err := net.SplitHostPort(config.Addr)
		if err != nil {
			s.t.Fatalf("parse database address %q: %v", config.Addr, err)
		}
		dsn = fmt.Sprintf("mysql:host=%s;port=%s;dbname=%s;charset=utf8mb4", host, port, config.DBName)
	}

	env = append(env,
		"WHMCS_STUB_DB_DSN="+dsn,
		"WHMCS_STUB_DB_USER="+config.User,
		"WHMCS_STUB_DB_PASSWORD="+config.Passwd,
	)
	return append(env, extra...)
}

// useDaemon points the addon settings at address with the given token and
// turns the alert on.
func (s *site) useDaemon(address, token string) {
	s.fx.Addon("sidecar_url", address)
	s.fx.Addon("api_token", token)
	s.fx.Addon("enable_alert", "on")
}

// moduleLogEntry is one logModuleCall() call.
type moduleLogEntry struct {
	Module   string `json:"module"`
	Action   string `json:"action"`
	Request  string `json:"request"`
	Response string `json:"response"`
}

// hookRun is one run of the ClientAreaHomepage hooks.
type hookRun struct {
	Outputs   []string `json:"outputs"`
	ElapsedMS float64  `json:"elapsed_ms"`
}

// phpResult is the JSON that tests/run.php prints.
type phpResult struct {
	Config     mfaConfig                    `json:"config"`
	Result     map[string]string            `json:"result"`
	Registered int                          `json:"registered"`
	Runs       []hookRun                    `json:"runs"`
	Output     string                       `json:"output"`
	ElapsedMS  float64                      `json:"elapsed_ms"`
	Languages  map[string]map[string]string `json:"languages"`
	ModuleLog  []moduleLogEntry             `json:"module_log"`
	PHPErrors  []string                     `json:"php_errors"`
	Exception  string                       `json:"exception"`
	// HeadersSent reports whether php-cli counted the response headers
	// as sent before the output and signin entries called the addon.
	HeadersSent bool `json:"headers_sent"`

	// Wall is the run time of the php process, startup included.
	Wall time.Duration `json:"-"`
}

type mfaConfig struct {
	Name     string              `json:"name"`
	Version  string              `json:"version"`
	Language string              `json:"language"`
	Fields   map[string]mfaField `json:"fields"`
}

type mfaField struct {
	FriendlyName string          `json:"FriendlyName"`
	Type         string          `json:"Type"`
	Default      string          `json:"Default"`
	Options      json.RawMessage `json:"Options"`
}

// run runs one entry point of tests/run.php with the extra environment
// variables, and fails the test on PHP errors or uncaught exceptions.
func (s *site) run(entry string, extraEnv ...string) phpResult {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	cmd := exec.CommandContext(ctx, phpBinary, filepath.Join("tests", "run.php"), entry)
	cmd.Env = s.env(extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	started := time.Now()
	err := cmd.Run()
	wall := time.Since(started)
	if err != nil {
		s.t.Fatalf("php tests/run.php %s: %v\nstdout:\n%s\nstderr:\n%s", entry, err, stdout.String(), stderr.String())
	}

	var result phpResult
	if err := json.Unmarshal(stdout.Bytes(), &result); err != nil {
		s.t.Fatalf("php tests/run.php %s printed invalid JSON: %v\n%s", entry, err, stdout.String())
	}
	result.Wall = wall
	if len(result.PHPErrors) > 0 {
		s.t.Errorf("php tests/run.php %s raised PHP errors:\n%s", entry, strings.Join(result.PHPErrors, "\n"))
	}
	if result.Exception != "" {
		s.t.Errorf("php tests/run.php %s threw %s", entry, result.Exception)
	}
	return result
}

// hook runs the ClientAreaHomepage hooks once for userID (0 = logged out)
// and returns the single hook's output.
func (s *site) hook(userID int64, extraEnv ...string) (string, phpResult) {
	s.t.Helper()
	env := append([]string{fmt.Sprintf("WHMCS_STUB_USER_ID=%d", userID)}, extraEnv...)
	result := s.run("hook", env...)
	if result.Registered != 1 {
		s.t.Fatalf("hooks.php registered %d ClientAreaHomepage hooks, want 1", result.Registered)
	}
	if len(result.Runs) != 1 || len(result.Runs[0].Outputs) != 1 {
		s.t.Fatalf("hook runs = %+v, want one run with one output", result.Runs)
	}
	return result.Runs[0].Outputs[0], result
}

// daemon is a running "mfa-reminder serve".
type daemon struct {
	URL    string
	cmd    *exec.Cmd
	exited chan error
	output *lockedBuffer

	stopOnce sync.Once
}

// lockedBuffer is a bytes.Buffer that the daemon's output goroutines and
// the test may use at the same time.
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

// freeAddress returns a 127.0.0.1 address with a port that was free a
// moment ago.
func freeAddress(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	address := listener.Addr().String()
	listener.Close()
	return address
}

// startDaemon starts "mfa-reminder serve" on the site's database and waits
// until GET /healthz returns 200. The daemon stops when the test ends.
func (s *site) startDaemon() *daemon {
	s.t.Helper()
	if daemonBuildError != nil {
		s.t.Fatal(daemonBuildError)
	}

	address := freeAddress(s.t)
	cmd := exec.Command(daemonBinary, "serve")
	cmd.Env = append(os.Environ(),
		"MFA_REMINDER_DATABASE_DSN="+s.fx.DSN,
		"MFA_REMINDER_API_TOKEN="+apiToken,
		"MFA_REMINDER_SSO_SECRET="+ssoSecret,
		"MFA_REMINDER_LISTEN="+address,
		"MFA_REMINDER_SMTP_OUTBOX_DIR="+s.t.TempDir(),
	)
	output := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = output, output
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start %s serve: %v", daemonBinary, err)
	}

	d := &daemon{URL: "http://" + address, cmd: cmd, exited: make(chan error, 1), output: output}
	go func() { d.exited <- cmd.Wait() }()
	s.t.Cleanup(d.stop)

	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-d.exited:
			s.t.Fatalf("mfa-reminder serve exited during startup: %v\n%s", err, output.String())
		default:
		}
		response, err := client.Get(d.URL + "/healthz")
		if err == nil {
			response.Body.Close()
			if response.StatusCode == http.StatusOK {
				return d
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("mfa-reminder serve did not answer GET /healthz with 200 within 20 s\n%s", output.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the daemon with SIGTERM, or SIGKILL after 10 s.
func (d *daemon) stop() {
	d.stopOnce.Do(func() {
		_ = d.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-d.exited:
		case <-time.After(10 * time.Second):
			_ = d.cmd.Process.Kill()
			<-d.exited
		}
	})
}

// alertStatus requests the alert of userID from the daemon directly and
// returns the HTTP status.
func (d *daemon) alertStatus(t *testing.T, userID int64) int {
	t.Helper()
	request, err := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/alert?user_id=%d", d.URL, userID), nil)
	if err != nil {
		t.Fatal(err)
	}
	request.Header.Set("Authorization", "Bearer "+apiToken)
	response, err := (&http.Client{Timeout: 5 * time.Second}).Do(request)
	if err != nil {
		t.Fatalf("GET /api/v1/alert: %v", err)
	}
	defer response.Body.Close()
	_, _ = io.Copy(io.Discard, response.Body)
	return response.StatusCode
}

// hangingListener accepts connections on 127.0.0.1 and never sends a
// response. It returns its http:// address.
func hangingListener(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		listener.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, conn := range conns {
			conn.Close()
		}
	})
	return "http://" + listener.Addr().String()
}

// people creates the users that most tests use: an owner with MFA whose
// account has a sub-user without MFA, and a second owner without MFA.
type people struct {
	ownerWithMFA    int64
	subUser         int64
	ownerWithoutMFA int64
}

func (s *site) addPeople() people {
	s.t.Helper()
	owner, client := s.fx.Owner(
		whmcsfixture.User{FirstName: "Olga", LastName: "Owner", Email: "olga@example.test", SecondFactor: "totp"},
		whmcsfixture.Client{FirstName: "Olga", LastName: "Owner", Email: "olga@example.test"},
	)
	sub := s.fx.SubUser(
		whmcsfixture.User{FirstName: "Sam", LastName: "Sub", Email: "sam@example.test"},
		client,
	)
	second, _ := s.fx.Owner(
		whmcsfixture.User{FirstName: "Nina", LastName: "NoMFA", Email: "nina@example.test"},
		whmcsfixture.Client{FirstName: "Nina", LastName: "NoMFA", Email: "nina@example.test"},
	)
	return people{ownerWithMFA: owner, subUser: sub, ownerWithoutMFA: second}
}

// assertAlertFragment checks that output is the daemon's alert fragment
// followed by the dismiss script.
func assertAlertFragment(t *testing.T, output string) {
	t.Helper()
	if !strings.HasPrefix(output, "<div ") {
		t.Errorf("hook output does not start with the alert <div>:\n%s", output)
	}
	if !strings.Contains(output, "mfa-reminder-alert") {
		t.Errorf("hook output has no element with class mfa-reminder-alert:\n%s", output)
	}
	if !strings.Contains(output, `action="index.php?m=mfa_reminder&amp;action=dismiss"`) {
		t.Errorf("hook output has no dismiss form:\n%s", output)
	}
	if n := strings.Count(output, "<script>"); n != 1 {
		t.Errorf("hook output has %d <script> elements, want 1:\n%s", n, output)
	}
	for _, want := range []string{
		"fetch(form.action",
		"method: 'POST'",
		"new FormData(form)",
		"credentials: 'same-origin'",
		"keepalive: true",
		"'X-Requested-With': 'XMLHttpRequest'",
		"event.preventDefault()",
		"removeChild(alert)",
	} {
		if !strings.Contains(output, want) {
			t.Errorf("dismiss script lacks %q", want)
		}
	}
	if script := strings.Index(output, "<script>"); script < strings.Index(output, "</div>") {
		t.Errorf("dismiss script comes before the end of the alert fragment:\n%s", output)
	}
}

func TestConfigDeclaresSettings(t *testing.T) {
	requirePHP(t)
	s := &site{t: t, logFile: filepath.Join(t.TempDir(), "stub-log.jsonl")}
	config := s.run("config").Config

	if config.Name != "MFA Reminder" || config.Version != "1.0.0" || config.Language != "english" {
		t.Errorf("name, version, language = %q, %q, %q; want MFA Reminder, 1.0.0, english",
			config.Name, config.Version, config.Language)
	}
	want := map[string]struct{ typ, def string }{
		"sidecar_url":    {"text", "http://127.0.0.1:8087"},
		"api_token":      {"password", ""},
		"enable_alert":   {"yesno", "on"},
		"alert_style":    {"dropdown", "warning"},
		"security_url":   {"text", ""},
		"enable_email":   {"yesno", "on"},
		"frequency_days": {"text", "30"},
		"sso_secret":     {"password", ""},
		"dashboard_url":  {"text", ""},
	}
	for name, field := range want {
		got, ok := config.Fields[name]
		if !ok {
			t.Errorf("setting %s is missing", name)
			continue
		}
		if got.Type != field.typ {
			t.Errorf("setting %s has Type %q, want %q", name, got.Type, field.typ)
		}
		if got.Default != field.def {
			t.Errorf("setting %s has Default %q, want %q", name, got.Default, field.def)
		}
		if got.FriendlyName == "" {
			t.Errorf("setting %s has no FriendlyName", name)
		}
	}
	if len(config.Fields) != len(want) {
		t.Errorf("config has %d settings, want %d", len(config.Fields), len(want))
	}

	var options map[string]string
	if err := json.Unmarshal(config.Fields["alert_style"].Options, &options); err != nil {
		t.Fatalf("alert_style Options: %v", err)
	}
	keys := make([]string, 0, len(options))
	for key := range options {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"danger", "info", "warning"}) {
		t.Errorf("alert_style options = %v, want danger, info, warning", keys)
	}
}

func TestLanguageFilesHaveSameKeys(t *testing.T) {
	requirePHP(t)
	s := &site{t: t, logFile: filepath.Join(t.TempDir(), "stub-log.jsonl")}
	languages := s.run("lang").Languages

	english, ok := languages["english"]
	if !ok {
		t.Fatal("lang/english.php is missing")
	}
	placeholder := regexp.MustCompile(`%[sd]`)
	for _, name := range []string{"german", "french", "spanish", "dutch"} {
		texts, ok := languages[name]
		if !ok {
			t.Errorf("lang/%s.php is missing", name)
			continue
		}
		for key, text := range english {
			translated, ok := texts[key]
			if !ok {
				t.Errorf("lang/%s.php lacks %s", name, key)
				continue
			}
			if translated == "" {
				t.Errorf("lang/%s.php has an empty %s", name, key)
			}
			got := len(placeholder.FindAllString(translated, -1))
			want := len(placeholder.FindAllString(text, -1))
			if got != want {
				t.Errorf("lang/%s.php %s has %d placeholders, English has %d", name, key, got, want)
			}
		}
		for key := range texts {
			if _, ok := english[key]; !ok {
				t.Errorf("lang/%s.php has %s, which English lacks", name, key)
			}
		}
	}
}

func TestHookShowsAlertToSubUserWithoutMFA(t *testing.T) {
	s := newSite(t)
	p := s.addPeople()
	s.fx.Addon("alert_style", "danger")
	d := s.startDaemon()
	s.useDaemon(d.URL, apiToken)

	output, result := s.hook(p.ownerWithMFA)
	if output != "" {
		t.Errorf("owner with MFA got hook output %q, want ''", output)
	}
	if len(result.ModuleLog) != 0 {
		t.Errorf("204 from the daemon was logged as a failure: %+v", result.ModuleLog)
	}

	output, _ = s.hook(p.subUser)
	assertAlertFragment(t, output)
	if !strings.Contains(output, "alert-danger") {
		t.Errorf("alert does not use the alert_style setting danger:\n%s", output)
	}
	if !strings.Contains(output, `lang="en"`) {
		t.Errorf("alert is not in English for Lang::getName() = english:\n%s", output)
	}

	output, _ = s.hook(p.subUser, "WHMCS_STUB_LANGUAGE=german")
	if !strings.Contains(output, `lang="de"`) {
		t.Errorf("alert is not in German for Lang::getName() = german:\n%s", output)
	}

	output, _ = s.hook(p.subUser, "WHMCS_STUB_PLUCK=array")
	assertAlertFragment(t, output)

	output, _ = s.hook(p.subUser, "WHMCS_STUB_LANGUAGE=none")
	assertAlertFragment(t, output)
}

func TestHookEmitsScriptOncePerPage(t *testing.T) {
	s := newSite(t)
	p := s.addPeople()
	d := s.startDaemon()
	s.useDaemon(d.URL, apiToken)

	result := s.run("hook", fmt.Sprintf("WHMCS_STUB_USER_ID=%d", p.subUser), "WHMCS_STUB_HOOK_RUNS=2")
	if len(result.Runs) != 2 {
		t.Fatalf("got %d hook runs, want 2", len(result.Runs))
	}
	assertAlertFragment(t, result.Runs[0].Outputs[0])
	second := result.Runs[1].Outputs[0]
	if !strings.Contains(second, "mfa-reminder-alert") {
		t.Errorf("second run has no alert:\n%s", second)
	}
	if strings.Contains(second, "<script>") {
		t.Errorf("second run on the same page repeats the script:\n%s", second)
	}
}

func TestHookReturnsNothingWhenLoggedOut(t *testing.T) {
	s := newSite(t)
	s.addPeople()
	d := s.startDaemon()
	s.useDaemon(d.URL, apiToken)

	if output, _ := s.hook(0); output != "" {
		t.Errorf("logged-out visitor got hook output %q, want ''", output)
	}
}

func TestHookRespectsEnableAlertOff(t *testing.T) {
	s := newSite(t)
	p := s.addPeople()
	d := s.startDaemon()
	s.useDaemon(d.URL, apiToken)
	s.fx.Addon("enable_alert", "")

	if output, _ := s.hook(p.subUser); output != "" {
		t.Errorf("hook output with enable_alert off = %q, want ''", output)
	}
}

func TestHookSkipsRequestWhenAlertOff(t *testing.T) {
	s := newSite(t)
	p := s.addPeople()

	// A sidecar that always returns an alert shows that the hook checks
	// enable_alert itself and does not call the daemon at all.
	var requests sync.Map
	sidecar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Store(r.URL.String(), true)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<div class="alert mfa-reminder-alert">always</div>`)
	}))
	t.Cleanup(sidecar.Close)
	s.useDaemon(sidecar.URL, apiToken)

	if output, _ := s.hook(p.subUser); !strings.Contains(output, "always") {
		t.Fatalf("hook output with enable_alert on = %q, want the sidecar's fragment", output)
	}

	for _, value := range []string{"", "off"} {
		requests.Clear()
		s.fx.Addon("enable_alert", value)
		if output, _ := s.hook(p.subUser); output != "" {
			t.Errorf("hook output with enable_alert %q = %q, want ''", value, output)
		}
		requests.Range(func(key, _ any) bool {
			t.Errorf("hook requested %s with enable_alert %q", key, value)
			return true
		})
	}
}

func TestHookFailsOpenWhenDaemonStopped(t *testing.T) {
	s := newSite(t)
	p := s.addPeople()
	d := s.startDaemon()
	s.useDaemon(d.URL, apiToken)
	d.stop()

	output, result := s.hook(p.subUser)
	if output != "" {
		t.Errorf("hook output with the daemon stopped = %q, want ''", output)
	}
	if elapsed := result.Runs[0].ElapsedMS; elapsed > 500 {
		t.Errorf("hook took %.0f ms with the daemon stopped, want a refused connection within 500 ms", elapsed)
	}
	if len(result.ModuleLog) != 1 || !strings.Contains(result.ModuleLog[0].Response, "curl error 7") {
		t.Errorf("module log = %+v, want one entry with curl error 7 (connection refused)", result.ModuleLog)
	}
}

func TestHookTimesOutOnHangingSidecar(t *testing.T) {
	s := newSite(t)
	p := s.addPeople()
	s.useDaemon(hangingListener(t), apiToken)

	output, result := s.hook(p.subUser)
	if output != "" {
		t.Errorf("hook output with a hanging sidecar = %q, want ''", output)
	}

	// The hook itself must stop at its 1.5 s limit; curl overshoots by a
	// few milliseconds, and the margins cover a loaded test machine.
	elapsed := time.Duration(result.Runs[0].ElapsedMS * float64(time.Millisecond))
	if elapsed > hookTimeLimit+300*time.Millisecond {
		t.Errorf("hook took %v with a hanging sidecar, want at most %v plus 300 ms", elapsed, hookTimeLimit)
	}
	if elapsed < hookTimeLimit-200*time.Millisecond {
		t.Errorf("hook returned after %v, before the time limit: the request did not hang as intended", elapsed)
	}
	if result.Wall > hookTimeLimit+2*time.Second {
		t.Errorf("php process took %v in total, want at most %v plus 2 s of startup", result.Wall, hookTimeLimit)
	}
	if len(result.ModuleLog) != 1 || !strings.Contains(result.ModuleLog[0].Response, "curl error 28") {
		t.Errorf("module log = %+v, want one entry with curl error 28 (timeout)", result.ModuleLog)
	}
}

func TestHookReturnsNothingForWrongToken(t *testing.T) {
	s := newSite(t)
	p := s.addPeople()
	d := s.startDaemon()
	wrongToken := "wrong-token-3b9d"
	s.useDaemon(d.URL, wrongToken)

	output, result := s.hook(p.subUser)
	if output != "" {
		t.Errorf("hook output with a wrong token = %q, want ''", output)
	}
	if len(result.ModuleLog) != 1 || !strings.Contains(result.ModuleLog[0].Response, "HTTP 401") {
		t.Errorf("module log = %+v, want one entry with HTTP 401", result.ModuleLog)
	}
	for _, entry := range result.ModuleLog {
		if strings.Contains(entry.Request+entry.Response, wrongToken) {
			t.Errorf("module log contains the API token: %+v", entry)
		}
	}
}

func TestHookReturnsNothingWithoutSettings(t *testing.T) {
	s := newSite(t)
	p := s.addPeople()
	d := s.startDaemon()
	s.fx.Addon("sidecar_url", d.URL)
	// No api_token row: the addon is not configured yet.

	if output, _ := s.hook(p.subUser); output != "" {
		t.Errorf("hook output without an API token = %q, want ''", output)
	}
}

// templateRow is the "MFA Reminder" row of tblemailtemplates.
type templateRow struct {
	ID          int64  `db:"id"`
	Type        string `db:"type"`
	Name        string `db:"name"`
	Subject     string `db:"subject"`
	Message     string `db:"message"`
	Attachments string `db:"attachments"`
	FromName    string `db:"fromname"`
	FromEmail   string `db:"fromemail"`
	Disabled    int    `db:"disabled"`
	Custom      int    `db:"custom"`
	Language    string `db:"language"`
	CopyTo      string `db:"copyto"`
	BlindCopyTo string `db:"blind_copy_to"`
	Plaintext   int    `db:"plaintext"`
	CreatedAt   string `db:"created_at"`
	UpdatedAt   string `db:"updated_at"`
}

func (s *site) templates() []templateRow {
	s.t.Helper()
	var rows []templateRow
	err := s.fx.DB.Select(&rows, `
		SELECT id, type, name, subject, message, attachments, fromname, fromemail, disabled, custom,
			language, copyto, blind_copy_to, plaintext,
			CAST(created_at AS CHAR) AS created_at, CAST(updated_at AS CHAR) AS updated_at
		FROM tblemailtemplates WHERE name = 'MFA Reminder' ORDER BY id`)
	if err != nil {
		s.t.Fatalf("read MFA Reminder templates: %v", err)
	}
	return rows
}

const wantTemplateBody = "<p>{if $client_first_name}Dear {$client_first_name},{else}Hello,{/if}</p>\n" +
	"<p>Your account at {$company_name} is not yet protected by two-factor authentication. " +
	"With it turned on, nobody can log in with your password alone, so your domains, services and " +
	"payment details stay safe even if your password is stolen.</p>\n" +
	"<p>Turning it on takes about two minutes: log in and open the security settings of your account.</p>\n" +
	"<p><a href=\"{$security_url}\">Enable two-factor authentication</a></p>\n" +
	"<p>{$signature}</p>"

func TestActivateCreatesTemplateOnce(t *testing.T) {
	s := newSite(t)

	result := s.run("activate").Result
	if result["status"] != "success" {
		t.Fatalf("activate = %v, want status success", result)
	}
	rows := s.templates()
	if len(rows) != 1 {
		t.Fatalf("found %d MFA Reminder templates after activate, want 1", len(rows))
	}
	row := rows[0]
	checks := []struct {
		field     string
		got, want any
	}{
		{"type", row.Type, "general"},
		{"subject", row.Subject, "Secure Your Account with Two-Factor Authentication"},
		{"message", row.Message, wantTemplateBody},
		{"language", row.Language, ""},
		{"plaintext", row.Plaintext, 0},
		{"disabled", row.Disabled, 0},
		{"custom", row.Custom, 1},
		{"attachments", row.Attachments, ""},
		{"fromname", row.FromName, ""},
		{"fromemail", row.FromEmail, ""},
		{"copyto", row.CopyTo, ""},
		{"blind_copy_to", row.BlindCopyTo, ""},
	}
	for _, check := range checks {
		if check.got != check.want {
			t.Errorf("template %s = %#v, want %#v", check.field, check.got, check.want)
		}
	}
	if row.CreatedAt == "0000-00-00 00:00:00" {
		t.Errorf("template created_at is the zero date")
	}

	again := s.run("activate").Result
	if again["status"] != "success" {
		t.Errorf("second activate = %v, want status success", again)
	}
	if rows := s.templates(); len(rows) != 1 || rows[0] != row {
		t.Errorf("second activate changed the templates:\nbefore %+v\nafter  %+v", row, rows)
	}
}

func TestActivateKeepsEditedTemplate(t *testing.T) {
	s := newSite(t)
	s.run("activate")
	_, err := s.fx.DB.Exec(`UPDATE tblemailtemplates SET subject = 'Please turn on 2FA',
		message = '<p>Edited by an admin</p>', disabled = 1 WHERE name = 'MFA Reminder'`)
	if err != nil {
		t.Fatal(err)
	}
	edited := s.templates()

	if result := s.run("activate").Result; result["status"] != "success" {
		t.Errorf("activate = %v, want status success", result)
	}
	if after := s.templates(); !slices.Equal(after, edited) {
		t.Errorf("activate changed an edited template:\nbefore %+v\nafter  %+v", edited, after)
	}
}

func TestActivateKeepsTranslatedOnlyTemplate(t *testing.T) {
	s := newSite(t)
	s.fx.Template(whmcsfixture.Template{
		Name: "MFA Reminder", Subject: "Zwei-Faktor-Authentifizierung", Message: "<p>Hallo</p>", Language: "german",
	})
	before := s.templates()

	s.run("activate")
	if after := s.templates(); !slices.Equal(after, before) {
		t.Errorf("activate added or changed a template although one named MFA Reminder exists:\nbefore %+v\nafter  %+v",
			before, after)
	}
}

func TestActivateReportsDatabaseError(t *testing.T) {
	s := newSite(t)
	if _, err := s.fx.DB.Exec("DROP TABLE tblemailtemplates"); err != nil {
		t.Fatal(err)
	}

	result := s.run("activate").Result
	if result["status"] != "error" {
		t.Errorf("activate without tblemailtemplates = %v, want status error", result)
	}
	if !strings.Contains(result["description"], "tblemailtemplates") {
		t.Errorf("error description %q does not name the missing table", result["description"])
	}
}

func TestDeactivateKeepsTemplate(t *testing.T) {
	s := newSite(t)
	s.run("activate")
	before := s.templates()

	result := s.run("deactivate").Result
	if result["status"] != "success" {
		t.Errorf("deactivate = %v, want status success", result)
	}
	if !strings.Contains(result["description"], "kept") {
		t.Errorf("deactivate description %q does not say that data is kept", result["description"])
	}
	if after := s.templates(); !slices.Equal(after, before) {
		t.Errorf("deactivate changed the templates:\nbefore %+v\nafter  %+v", before, after)
	}
}

// webServer is php's built-in web server running tests/router.php.
type webServer struct {
	URL string
}

// startWebServer serves the addon's client-area route and admin page
// with php -S until the test ends.
func (s *site) startWebServer() *webServer {
	s.t.Helper()
	address := freeAddress(s.t)
	cmd := exec.Command(phpBinary, "-S", address, "router.php")
	cmd.Dir = "tests"
	cmd.Env = s.env("WHMCS_STUB_SESSION_DIR=" + s.t.TempDir())
	output := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = output, output
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start php -S: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	s.t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case err := <-exited:
			s.t.Fatalf("php -S exited during startup: %v\n%s", err, output.String())
		default:
		}
		conn, err := net.DialTimeout("tcp", address, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return &webServer{URL: "http://" + address}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("php -S did not accept connections within 10 s\n%s", output.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// dismissRequest is one request to index.php?m=mfa_reminder.
type dismissRequest struct {
	method       string
	query        string
	userID       int64
	masquerading bool
	xhr          bool
	header       map[string]string
	form         url.Values
}

// send performs the request without following redirects and returns the
// status and the Location header.
func (w *webServer) send(t *testing.T, r dismissRequest) (int, string) {
	t.Helper()
	if r.method == "" {
		r.method = http.MethodPost
	}
	if r.query == "" {
		r.query = "m=mfa_reminder&action=dismiss"
	}
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	request, err := http.NewRequest(r.method, w.URL+"/index.php?"+r.query, body)
	if err != nil {
		t.Fatal(err)
	}
	if r.form != nil {
		request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.userID > 0 {
		request.AddCookie(&http.Cookie{Name: "stub_user_id", Value: fmt.Sprint(r.userID)})
	}
	if r.masquerading {
		request.AddCookie(&http.Cookie{Name: "stub_masquerading", Value: "1"})
	}
	if r.xhr {
		request.Header.Set("X-Requested-With", "XMLHttpRequest")
	}
	for name, value := range r.header {
		request.Header.Set(name, value)
	}

	client := &http.Client{
		Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	response, err := client.Do(request)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, request.URL, err)
	}
	defer response.Body.Close()
	_, _ = io.Copy(io.Discard, response.Body)
	return response.StatusCode, response.Header.Get("Location")
}

// assertRedirect checks for the 302 redirect to clientarea.php.
func assertRedirect(t *testing.T, status int, location string) {
	t.Helper()
	if status != http.StatusFound || location != "clientarea.php" {
		t.Errorf("response = %d Location %q, want 302 Location clientarea.php", status, location)
	}
}

// stubLog returns the module-log entries and PHP errors that php -S wrote.
func (s *site) stubLog() (entries []moduleLogEntry, phpErrors []string) {
	s.t.Helper()
	data, err := os.ReadFile(s.logFile)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		s.t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var entry struct {
			Kind    string `json:"kind"`
			Message string `json:"message"`
			moduleLogEntry
		}
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			s.t.Fatalf("stub log line %q: %v", line, err)
		}
		if entry.Kind == "php_error" {
			phpErrors = append(phpErrors, entry.Message)
		} else {
			entries = append(entries, entry.moduleLogEntry)
		}
	}
	return entries, phpErrors
}

// assertNoPHPErrors fails the test when php -S logged PHP errors.
func (s *site) assertNoPHPErrors() {
	s.t.Helper()
	if _, phpErrors := s.stubLog(); len(phpErrors) > 0 {
		s.t.Errorf("the client-area route raised PHP errors:\n%s", strings.Join(phpErrors, "\n"))
	}
}

func TestDismissForwardsToDaemon(t *testing.T) {
	s := newSite(t)
	p := s.addPeople()
	d := s.startDaemon()
	s.useDaemon(d.URL, apiToken)
	web := s.startWebServer()

	if status := d.alertStatus(t, p.subUser); status != http.StatusOK {
		t.Fatalf("alert status before dismissal = %d, want 200", status)
	}

	// The form's user_id names another user; the route must use the
	// session's user instead.
	status, location := web.send(t, dismissRequest{
		userID: p.subUser,
		form:   url.Values{"user_id": {fmt.Sprint(p.ownerWithoutMFA)}},
	})
	assertRedirect(t, status, location)

	if status := d.alertStatus(t, p.subUser); status != http.StatusNoContent {
		t.Errorf("alert status after dismissal = %d, want 204", status)
	}
	if output, _ := s.hook(p.subUser); output != "" {
		t.Errorf("hook output after dismissal = %q, want ''", output)
	}
	if status := d.alertStatus(t, p.ownerWithoutMFA); status != http.StatusOK {
		t.Errorf("alert status of the user named in the form = %d, want 200 (not dismissed)", status)
	}
	s.assertNoPHPErrors()
}

func TestDismissAnswersFetchWith204(t *testing.T) {
	s := newSite(t)
	p := s.addPeople()
	d := s.startDaemon()
	s.useDaemon(d.URL, apiToken)
	web := s.startWebServer()

	status, _ := web.send(t, dismissRequest{userID: p.ownerWithoutMFA, xhr: true})
	if status != http.StatusNoContent {
		t.Errorf("fetch dismissal status = %d, want 204", status)
	}
	if status := d.alertStatus(t, p.ownerWithoutMFA); status != http.StatusNoContent {
		t.Errorf("alert status after fetch dismissal = %d, want 204", status)
	}
	s.assertNoPHPErrors()
}

func TestDismissIgnoresMasqueradingAdmin(t *testing.T) {
	s := newSite(t)
	p := s.addPeople()
	d := s.startDaemon()
	s.useDaemon(d.URL, apiToken)
	web := s.startWebServer()

	status, location := web.send(t, dismissRequest{userID: p.subUser, masquerading: true})
	assertRedirect(t, status, location)
	status, _ = web.send(t, dismissRequest{userID: p.subUser, masquerading: true, xhr: true})
	if status != http.StatusNoContent {
		t.Errorf("fetch dismissal by a masquerading admin: status = %d, want 204", status)
	}

	if status := d.alertStatus(t, p.subUser); status != http.StatusOK {
		t.Errorf("alert status after an admin's dismissal = %d, want 200 (nothing recorded)", status)
	}
	s.assertNoPHPErrors()
}

func TestDismissRecordsNothingForOtherRequests(t *testing.T) {
	s := newSite(t)
	p := s.addPeople()
	d := s.startDaemon()
	s.useDaemon(d.URL, apiToken)
	web := s.startWebServer()

	cases := []struct {
		name    string
		request dismissRequest
		status  int
	}{
		{"GET", dismissRequest{method: http.MethodGet, userID: p.subUser}, http.StatusFound},
		{"GET from fetch", dismissRequest{method: http.MethodGet, userID: p.subUser, xhr: true}, http.StatusMethodNotAllowed},
		{"other action", dismissRequest{query: "m=mfa_reminder&action=other", userID: p.subUser}, http.StatusFound},
		{"no action", dismissRequest{query: "m=mfa_reminder", userID: p.subUser}, http.StatusFound},
		{"cross-site POST", dismissRequest{
			userID: p.subUser,
			header: map[string]string{"Sec-Fetch-Site": "cross-site"},
		}, http.StatusFound},
		{"logged out", dismissRequest{form: url.Values{"user_id": {fmt.Sprint(p.subUser)}}}, http.StatusFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, location := web.send(t, c.request)
			if status != c.status {
				t.Errorf("status = %d, want %d", status, c.status)
			}
			if c.status == http.StatusFound && location != "clientarea.php" {
				t.Errorf("Location = %q, want clientarea.php", location)
			}
			if status := d.alertStatus(t, p.subUser); status != http.StatusOK {
				t.Errorf("alert status = %d, want 200 (nothing recorded)", status)
			}
		})
	}
	s.assertNoPHPErrors()
}

func TestDismissRedirectsWhenDaemonDown(t *testing.T) {
	s := newSite(t)
	p := s.addPeople()
	s.useDaemon("http://"+freeAddress(t), apiToken)
	web := s.startWebServer()

	status, location := web.send(t, dismissRequest{userID: p.subUser})
	assertRedirect(t, status, location)

	entries, _ := s.stubLog()
	if len(entries) != 1 || entries[0].Action != "dismiss" || !strings.Contains(entries[0].Response, "curl error 7") {
		t.Errorf("module log = %+v, want one dismiss entry with curl error 7", entries)
	}
	s.assertNoPHPErrors()
}

func TestDismissRedirectsOnHangingSidecar(t *testing.T) {
	s := newSite(t)
	p := s.addPeople()
	s.useDaemon(hangingListener(t), apiToken)
	web := s.startWebServer()

	started := time.Now()
	status, location := web.send(t, dismissRequest{userID: p.subUser})
	elapsed := time.Since(started)
	assertRedirect(t, status, location)
	if elapsed > hookTimeLimit+time.Second {
		t.Errorf("dismissal took %v with a hanging sidecar, want at most %v plus 1 s", elapsed, hookTimeLimit)
	}
	s.assertNoPHPErrors()
}

// cell returns the text of the admin page's cell for field in the row of
// group (all, owners or sub_users).
func cell(t *testing.T, page, group, field string) string {
	t.Helper()
	row := regexp.MustCompile(`<tr data-group="` + group + `">(.*?)</tr>`).FindStringSubmatch(page)
	if row == nil {
		t.Errorf("admin page has no %s row:\n%s", group, page)
		return ""
	}
	value := regexp.MustCompile(`<td data-field="` + field + `">([^<]*)</td>`).FindStringSubmatch(row[1])
	if value == nil {
		t.Errorf("%s row has no %s cell: %s", group, field, row[1])
		return ""
	}
	return value[1]
}

func TestOutputShowsAdoptionFigures(t *testing.T) {
	s := newSite(t)
	s.addPeople()
	d := s.startDaemon()
	s.useDaemon(d.URL, apiToken)

	page := s.run("output").Output
	if strings.Contains(page, "mfa-reminder-error") {
		t.Fatalf("admin page shows an error:\n%s", page)
	}
	want := []struct{ group, field, value string }{
		{"all", "total_users", "3"},
		{"all", "with_mfa", "1"},
		{"all", "without_mfa", "2"},
		{"all", "adoption_percent", "33.3 %"},
		{"owners", "total_users", "2"},
		{"owners", "with_mfa", "1"},
		{"owners", "adoption_percent", "50.0 %"},
		{"sub_users", "total_users", "1"},
		{"sub_users", "without_mfa", "1"},
		{"sub_users", "adoption_percent", "0.0 %"},
	}
	for _, w := range want {
		if got := cell(t, page, w.group, w.field); got != w.value {
			t.Errorf("%s %s = %q, want %q", w.group, w.field, got, w.value)
		}
	}
	if !strings.Contains(page, "Users in scope") {
		t.Errorf("admin page lacks the column heading Users in scope:\n%s", page)
	}

	german := s.run("output", "WHMCS_STUB_ADMIN_LANGUAGE=german").Output
	if !strings.Contains(german, "Erfasste Benutzer") {
		t.Errorf("German admin page lacks the German column heading:\n%s", german)
	}
}

func TestOutputExplainsProblems(t *testing.T) {
	s := newSite(t)
	d := s.startDaemon()
	down := "http://" + freeAddress(t)

	cases := []struct {
		name     string
		url      string
		token    string
		errorKey string
		want     []string
	}{
		{"daemon down", down, apiToken, "error_unreachable",
			[]string{down, "mfa-reminder serve", "sidecar URL", "curl error 7"}},
		{"wrong token", d.URL, "wrong-token", "error_unauthorized",
			[]string{"HTTP 401", "API token", "MFA_REMINDER_API_TOKEN"}},
		{"empty token", d.URL, "", "error_token", []string{"API token is empty"}},
		{"invalid URL", "127.0.0.1:8087", apiToken, "error_url", []string{"http://"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.fx.Addon("sidecar_url", c.url)
			s.fx.Addon("api_token", c.token)

			result := s.run("output")
			page := result.Output
			if !strings.Contains(page, `data-error="`+c.errorKey+`"`) {
				t.Errorf("admin page does not show %s:\n%s", c.errorKey, page)
			}
			for _, text := range c.want {
				if !strings.Contains(page, text) {
					t.Errorf("admin page lacks %q:\n%s", text, page)
				}
			}
			if strings.Contains(page, "<table") {
				t.Errorf("admin page shows a figures table despite the error:\n%s", page)
			}
			if c.token != "" && c.token != apiToken && strings.Contains(page, c.token) {
				t.Errorf("admin page shows the API token")
			}
		})
	}
}

func TestOutputEscapesDaemonAddress(t *testing.T) {
	s := newSite(t)
	address := `http://127.0.0.1:1/"><script>alert(1)</script>`
	s.useDaemon(address, apiToken)

	page := s.run("output").Output
	if strings.Contains(page, "<script>") {
		t.Errorf("admin page contains the unescaped address:\n%s", page)
	}
	if !strings.Contains(page, "&lt;script&gt;") {
		t.Errorf("admin page does not show the escaped address:\n%s", page)
	}
}

func TestOutputReadsSettingsWithoutVars(t *testing.T) {
	s := newSite(t)
	s.addPeople()
	d := s.startDaemon()
	s.useDaemon(d.URL, apiToken)

	page := s.run("output", "WHMCS_STUB_OUTPUT_SETTINGS=omit").Output
	if got := cell(t, page, "all", "total_users"); got != "3" {
		t.Errorf("all total_users = %q, want 3 with settings read from tbladdonmodules", got)
	}
}

func TestOutputShowsDatabaseError(t *testing.T) {
	s := newSite(t)
	if _, err := s.fx.DB.Exec("DROP TABLE tbladdonmodules"); err != nil {
		t.Fatal(err)
	}

	result := s.run("output", "WHMCS_STUB_OUTPUT_SETTINGS=omit")
	if !strings.Contains(result.Output, `data-error="error_exception"`) {
		t.Errorf("admin page does not show error_exception:\n%s", result.Output)
	}
	if !strings.Contains(result.Output, "tbladdonmodules") {
		t.Errorf("admin page does not name the failing table:\n%s", result.Output)
	}
}

package whmcs_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// phpWasmDir is where .ci/run installs PHP.wasm (npm packages
// @php-wasm/node and @php-wasm/node-7-4); MFA_REMINDER_PHP_WASM overrides it.
func phpWasmDir() string {
	if dir := os.Getenv("MFA_REMINDER_PHP_WASM"); dir != "" {
		return dir
	}
	return "/opt/mfa-reminder-php-wasm"
}

// TestAddonRunsOnEverySupportedPHP parses the addon with PHP 7.4 to 8.3
// and checks that every function it calls exists in each of them. Debian
// ships one PHP version, so the others come from PHP.wasm builds.
func TestAddonRunsOnEverySupportedPHP(t *testing.T) {
	dir := phpWasmDir()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@php-wasm", "node")); err != nil {
		t.Skipf("PHP.wasm is not installed in %s: run .ci/run, or npm install --prefix %s "+
			"@php-wasm/node@3.1.56 @php-wasm/node-7-4@3.1.56", dir, dir)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}

	files, err := filepath.Glob("modules/addons/mfa_reminder/*.php")
	if err != nil {
		t.Fatal(err)
	}
	library, err := filepath.Glob("modules/addons/mfa_reminder/lib/*.php")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, library...)
	for i, file := range files {
		if files[i], err = filepath.Abs(file); err != nil {
			t.Fatal(err)
		}
	}

	// ES modules resolve packages from their own folder upwards, so the
	// script runs from a copy beside the installed packages.
	script, err := os.ReadFile("tests/phpcompat.mjs")
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(dir, "phpcompat-"+filepath.Base(t.TempDir())+".mjs")
	if err := os.WriteFile(copyPath, script, 0o644); err != nil {
		t.Skipf("cannot write to %s: %v", dir, err)
	}
	defer os.Remove(copyPath)

	args := append([]string{copyPath, "7.4,8.0,8.1,8.2,8.3"}, files...)
	output, err := exec.Command(node, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("PHP compatibility check failed: %v\n%s", err, output)
	}
	for _, version := range []string{"7.4", "8.0", "8.1", "8.2", "8.3"} {
		if !strings.Contains(string(output), "checked PHP "+version) {
			t.Errorf("PHP %s was not checked:\n%s", version, output)
		}
	}
}

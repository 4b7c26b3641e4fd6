package mail

import (
	"context"
	"crypto/tls"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
)

func TestCheck(t *testing.T) {
	cert := newTestCertificate(t)
	const helo = "EHLO mfa-reminder.test"

	tests := []struct {
		name       string
		opts       serverOptions
		encryption string
		// configure changes the configuration after it is built for the server.
		configure func(cfg *config.SMTPConfig)
		tlsConfig *tls.Config
		wantSteps []string // "connect" stands for "connect 127.0.0.1:port"
		wantError string   // in the last step; empty when every step succeeds
	}{
		{
			name:       "none",
			encryption: "none",
			tlsConfig:  cert.client,
			wantSteps:  []string{"connect", helo, "QUIT"},
		},
		{
			name:       "starttls with AUTH PLAIN",
			opts:       serverOptions{tls: cert.server, username: "acme", password: testPassword},
			encryption: "starttls",
			tlsConfig:  cert.client,
			wantSteps:  []string{"connect", "STARTTLS", helo, "AUTH PLAIN", "QUIT"},
		},
		{
			name: "tls with AUTH LOGIN",
			opts: serverOptions{tls: cert.server, implicitTLS: true, username: "acme",
				password: testPassword, loginOnly: true},
			encryption: "tls",
			tlsConfig:  cert.client,
			wantSteps:  []string{"connect", helo, "AUTH LOGIN", "QUIT"},
		},
		{
			name:       "STARTTLS not offered",
			encryption: "starttls",
			tlsConfig:  cert.client,
			wantSteps:  []string{"connect", "STARTTLS"},
			wantError:  "does not offer STARTTLS: set smtp.encryption to tls or none",
		},
		{
			name:       "wrong password",
			opts:       serverOptions{tls: cert.server, username: "acme", password: testPassword},
			encryption: "starttls",
			configure:  func(cfg *config.SMTPConfig) { cfg.Password = "wrong-" + testPassword },
			tlsConfig:  cert.client,
			wantSteps:  []string{"connect", "STARTTLS", helo, "AUTH PLAIN"},
			wantError:  "535 5.7.8 Authentication failed: check smtp.username and smtp.password",
		},
		{
			name:       "AUTH not offered",
			encryption: "none",
			configure: func(cfg *config.SMTPConfig) {
				cfg.Username, cfg.Password = "acme", testPassword
			},
			wantSteps: []string{"connect", helo, "AUTH"},
			wantError: "does not offer AUTH on this connection",
		},
		{
			name:       "untrusted certificate after STARTTLS",
			opts:       serverOptions{tls: cert.server},
			encryption: "starttls",
			tlsConfig:  nil,
			wantSteps:  []string{"connect", "STARTTLS", "TLS handshake"},
			wantError:  "this machine does not trust the server certificate",
		},
		{
			name:       "untrusted certificate with tls",
			opts:       serverOptions{tls: cert.server, implicitTLS: true},
			encryption: "tls",
			tlsConfig:  nil,
			wantSteps:  []string{"connect"},
			wantError:  "this machine does not trust the server certificate",
		},
		{
			name:       "certificate for another name",
			opts:       serverOptions{tls: cert.server, implicitTLS: true},
			encryption: "tls",
			tlsConfig:  &tls.Config{RootCAs: cert.client.RootCAs, ServerName: "mail.example.com"},
			wantSteps:  []string{"connect"},
			wantError:  "the certificate is for another name",
		},
		{
			name:       "tls against a plain server",
			encryption: "tls",
			tlsConfig:  cert.client,
			wantSteps:  []string{"connect"},
			wantError:  "did not answer with TLS; port 587 and 25 usually need smtp.encryption starttls",
		},
		{
			name:       "starttls against an implicit TLS port",
			opts:       serverOptions{tls: cert.server, implicitTLS: true},
			encryption: "starttls",
			configure:  func(cfg *config.SMTPConfig) { cfg.Timeout = 300 * time.Millisecond },
			tlsConfig:  cert.client,
			wantSteps:  []string{"connect", "STARTTLS"},
			wantError:  "if the port expects TLS from the start (usually 465), set smtp.encryption to tls",
		},
		{
			name:       "password over plain SMTP to another host",
			encryption: "none",
			configure: func(cfg *config.SMTPConfig) {
				cfg.Host, cfg.Username, cfg.Password = "smtp.example.com", "acme", testPassword
			},
			wantSteps: []string{"configuration"},
			wantError: "refusing to send the SMTP password unencrypted to smtp.example.com",
		},
		{
			name:       "unknown encryption",
			encryption: "ssl",
			wantSteps:  []string{"configuration"},
			wantError:  `invalid smtp.encryption "ssl": use none, starttls or tls`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := startTestServer(t, tt.opts)
			cfg := server.config(tt.encryption)
			if tt.configure != nil {
				tt.configure(&cfg)
			}

			steps := Check(context.Background(), cfg, tt.tlsConfig)

			var names []string
			for _, step := range steps {
				names = append(names, strings.Replace(step.Name, "connect "+server.address(),
					"connect", 1))
			}
			if !slices.Equal(names, tt.wantSteps) {
				t.Fatalf("steps = %q, want %q", names, tt.wantSteps)
			}
			for i, step := range steps[:len(steps)-1] {
				if step.Err != nil {
					t.Errorf("step %d %s failed: %v", i, step.Name, step.Err)
				}
			}
			last := steps[len(steps)-1]
			switch {
			case tt.wantError == "" && last.Err != nil:
				t.Errorf("last step %s failed: %v", last.Name, last.Err)
			case tt.wantError != "" && last.Err == nil:
				t.Errorf("last step %s succeeded, want an error containing %q", last.Name, tt.wantError)
			case tt.wantError != "" && !strings.Contains(last.Err.Error(), tt.wantError):
				t.Errorf("last step %s error %q does not contain %q", last.Name, last.Err, tt.wantError)
			}
			for _, step := range steps {
				if step.Err != nil && strings.Contains(step.Err.Error(), testPassword) {
					t.Errorf("step %s error %q contains the password", step.Name, step.Err)
				}
			}
			if got := len(server.received()); got != 0 {
				t.Errorf("Check sent %d messages, want 0", got)
			}
		})
	}
}

func TestCheckConnectionRefused(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	port := listener.Addr().(*net.TCPAddr).Port
	listener.Close()
	cfg := config.SMTPConfig{Host: "127.0.0.1", Port: port, Encryption: "none",
		Timeout: time.Second}

	steps := Check(context.Background(), cfg, nil)

	if len(steps) != 1 {
		t.Fatalf("got %d steps, want 1: %+v", len(steps), steps)
	}
	wantName := "connect " + listener.Addr().String()
	if steps[0].Name != wantName {
		t.Errorf("step name = %q, want %q", steps[0].Name, wantName)
	}
	if steps[0].Err == nil || !strings.Contains(steps[0].Err.Error(), "check smtp.host and smtp.port") {
		t.Errorf("step error = %v, want one that says to check smtp.host and smtp.port", steps[0].Err)
	}
}

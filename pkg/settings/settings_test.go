package settings_test

import (
	"slices"
	"testing"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/settings"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

func TestParseTwoFactor(t *testing.T) {
	tests := []struct {
		name        string
		serialized  string
		wantModules []string
		wantForce   bool
		wantErr     bool
	}{
		{"WHMCS 8.4 default",
			`a:3:{s:7:"modules";a:1:{s:4:"totp";a:2:{s:13:"clientenabled";i:1;s:12:"adminenabled";i:1;}}s:11:"forceclient";i:0;s:10:"forceadmin";i:0;}`,
			[]string{"totp"}, false, false},
		{"no client module and forced",
			`a:3:{s:7:"modules";a:2:{s:4:"totp";a:2:{s:13:"clientenabled";i:0;s:12:"adminenabled";i:1;}s:6:"yubico";a:1:{s:13:"clientenabled";s:1:"0";}}s:11:"forceclient";i:1;s:10:"forceadmin";b:0;}`,
			nil, true, false},
		{"two client modules",
			`a:1:{s:7:"modules";a:2:{s:6:"yubico";a:1:{s:13:"clientenabled";b:1;}s:11:"duosecurity";a:1:{s:13:"clientenabled";i:1;}}}`,
			[]string{"duosecurity", "yubico"}, false, false},
		{"empty", "", nil, false, false},
		{"truncated", `a:3:{s:7:"modules";a:1:{s:4:"to`, nil, false, true},
		{"string length beyond the end", `a:1:{s:99:"x";i:1;}`, nil, false, true},
		{"not serialised", `{"modules":{}}`, nil, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := settings.ParseTwoFactor(tt.serialized)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if !slices.Equal(got.ClientModules, tt.wantModules) {
				t.Errorf("client modules = %v, want %v", got.ClientModules, tt.wantModules)
			}
			if got.ForceClient != tt.wantForce {
				t.Errorf("force client = %v, want %v", got.ForceClient, tt.wantForce)
			}
		})
	}
}

func TestSecurityURL(t *testing.T) {
	tests := []struct {
		base, mode, want string
	}{
		{"https://b.example/", "basic", "https://b.example/index.php?rp=/user/security"},
		{"https://b.example/", "", "https://b.example/index.php?rp=/user/security"},
		{"https://b.example/", "acceptpathinfo", "https://b.example/index.php/user/security"},
		{"https://b.example/", "rewrite", "https://b.example/user/security"},
		{"https://b.example/", "something-new", "https://b.example/index.php?rp=/user/security"},
		{"", "basic", ""},
	}
	for _, tt := range tests {
		if got := settings.SecurityURL(tt.base, tt.mode); got != tt.want {
			t.Errorf("SecurityURL(%q, %q) = %q, want %q", tt.base, tt.mode, got, tt.want)
		}
	}
}

func TestResolveAddonOverDefaults(t *testing.T) {
	cfg := config.Default()
	system := store.SystemSettings{SystemURL: "https://billing.example"}

	s := settings.Resolve(cfg, map[string]string{
		"enable_alert": "", "alert_style": "danger", "frequency_days": "0", "enable_email": "on",
	}, system)
	if s.EnableAlert {
		t.Error("enable_alert '' should turn the alert off")
	}
	if s.AlertStyle != "danger" || s.Sources["alert_style"] != settings.SourceAddon {
		t.Errorf("alert_style = %q from %s, want danger from the addon", s.AlertStyle,
			s.Sources["alert_style"])
	}
	if s.FrequencyDays != 30 || len(s.Problems) != 1 {
		t.Errorf("frequency_days = %d with problems %v, want the default 30 and one problem",
			s.FrequencyDays, s.Problems)
	}
	if s.SecurityURL != "https://billing.example/index.php?rp=/user/security" {
		t.Errorf("security URL = %q", s.SecurityURL)
	}
	if s.Sources["enable_email"] != settings.SourceAddon {
		t.Errorf("enable_email source = %s, want the addon", s.Sources["enable_email"])
	}
}

func TestResolveRejectsNonHTTPLinks(t *testing.T) {
	cfg := config.Default()
	s := settings.Resolve(cfg, map[string]string{"security_url": "javascript:alert(1)"},
		store.SystemSettings{SystemURL: "javascript:alert(2)"})
	if s.SecurityURL != "" || s.WHMCSURL != "" {
		t.Errorf("security URL %q and WHMCS URL %q, want both empty", s.SecurityURL, s.WHMCSURL)
	}
	if len(s.Problems) != 2 {
		t.Errorf("problems = %v, want one for each URL", s.Problems)
	}
}

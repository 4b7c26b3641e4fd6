// Package alert decides whether a WHMCS user sees the client-area alert
// and renders it as a Bootstrap alert fragment.
package alert

import (
	"html/template"
	"io"

	"github.com/mfa-reminder/mfa-reminder/pkg/i18n"
	"github.com/mfa-reminder/mfa-reminder/pkg/settings"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// Reasons for showing no alert.
const (
	ReasonAlertsOff  = "alerts are off"
	ReasonOutOfScope = "user is not linked to an account in scope"
	ReasonHasMFA     = "user has two-factor authentication"
	ReasonDismissed  = "user dismissed the alert since the last login"
)

// Decide returns whether the user should see the alert, and the reason
// when not. A dismissal holds until tblusers.last_login is later than it,
// that is, until the user's next login.
func Decide(user store.User, s *settings.Snapshot) (show bool, reason string) {
	switch {
	case !s.EnableAlert:
		return false, ReasonAlertsOff
	case !user.InScope():
		return false, ReasonOutOfScope
	case user.HasMFA():
		return false, ReasonHasMFA
	case user.DismissedAt.Valid &&
		!(user.LastLogin.Valid && user.LastLogin.Time.After(user.DismissedAt.Time)):
		return false, ReasonDismissed
	}
	return true, ""
}

// Language returns the language of the alert: requested when not empty,
// else the user's language, else the language of the user's account,
// else the WHMCS default language.
func Language(requested string, user store.User, systemDefault string) string {
	return i18n.Resolve(requested, user.Language, user.ClientLanguage, systemDefault)
}

// DismissPath is the WHMCS addon's client-area route that records a
// dismissal. It is relative to the client area, where the alert shows.
const DismissPath = "index.php?m=mfa_reminder&action=dismiss"

// The close button carries both Bootstrap 4 (close, data-dismiss) and
// Bootstrap 5 (btn-close, data-bs-dismiss) markup. The style hides the
// "×" glyph where Bootstrap 5 draws its own icon. Without JavaScript the
// button submits the form, which records the dismissal in WHMCS.
var fragment = template.Must(template.New("alert").Parse(
	`<div class="alert alert-{{.Style}} alert-dismissible fade show in mfa-reminder-alert" role="alert" lang="{{.Text.Code}}">
<style>.mfa-reminder-alert .btn-close>span{display:none}.mfa-reminder-alert form{margin:0}</style>
<form method="post" action="{{.DismissPath}}" class="mfa-reminder-dismiss">
<button type="submit" class="close btn-close" data-dismiss="alert" data-bs-dismiss="alert" aria-label="{{.Text.Close}}"><span aria-hidden="true">&times;</span></button>
</form>
<strong>{{.Text.Lead}}</strong> {{.Text.Body}}{{if .SecurityURL}} <a href="{{.SecurityURL}}" class="alert-link">{{.Text.Action}}</a>{{end}}
</div>
`))

// Render writes the alert fragment in language with the Bootstrap style
// (danger, warning or info) and a link to securityURL.
func Render(w io.Writer, style, securityURL, language string) error {
	text, _ := i18n.Lookup(language)
	return fragment.Execute(w, struct {
		Style       string
		DismissPath string
		SecurityURL string
		Text        i18n.Messages
	}{style, DismissPath, securityURL, text})
}

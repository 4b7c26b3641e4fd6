package reminder

import (
	"context"
	"fmt"
	"html"
	"net/mail"
	"strings"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/i18n"
	mailer "github.com/mfa-reminder/mfa-reminder/pkg/mail"
	"github.com/mfa-reminder/mfa-reminder/pkg/settings"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// TemplateName is the tblemailtemplates name of the reminder. The WHMCS
// addon creates it on activation; admins edit and translate it in WHMCS.
const TemplateName = "MFA Reminder"

// DefaultTemplate is used when WHMCS has no "MFA Reminder" template in the
// user's language or the default language. The WHMCS addon creates the
// same text on activation.
var DefaultTemplate = store.EmailTemplate{
	Name:    TemplateName,
	Type:    "general",
	Subject: "Secure Your Account with Two-Factor Authentication",
	Message: "<p>{if $client_first_name}Dear {$client_first_name},{else}Hello,{/if}</p>\n" +
		"<p>Your account at {$company_name} is not yet protected by two-factor " +
		"authentication. With it turned on, nobody can log in with your password alone, " +
		"so your domains, services and payment details stay safe even if your password " +
		"is stolen.</p>\n" +
		"<p>Turning it on takes about two minutes: log in and open the security settings " +
		"of your account.</p>\n" +
		"<p><a href=\"{$security_url}\">Enable two-factor authentication</a></p>\n" +
		"<p>{$signature}</p>",
}

// templateSet holds the "MFA Reminder" rows by language.
type templateSet struct {
	byLanguage map[string]store.EmailTemplate
}

func newTemplateSet(rows []store.EmailTemplate) templateSet {
	set := templateSet{byLanguage: map[string]store.EmailTemplate{}}
	for _, row := range rows {
		language := i18n.Normalize(row.Language)
		// Rows come in id order; the first row of a language wins.
		if _, seen := set.byLanguage[language]; !seen {
			set.byLanguage[language] = row
		}
	}
	return set
}

// forLanguage returns the template in language, else the row with an
// empty language, else DefaultTemplate.
func (t templateSet) forLanguage(language string) store.EmailTemplate {
	if row, ok := t.byLanguage[i18n.Normalize(language)]; ok {
		return row
	}
	if row, ok := t.byLanguage[""]; ok {
		return row
	}
	return DefaultTemplate
}

// mergeFields returns the values of the template's merge fields for user.
// The client_* fields describe the recipient, which is the user even when
// the user is a sub-user of someone else's account.
func mergeFields(user store.User, s *settings.Snapshot) mailer.Fields {
	name := user.FullName()
	if name == "" {
		name = user.Email
	}
	charset := s.System.Charset
	if charset == "" {
		charset = "utf-8"
	}

	return mailer.Fields{
		"client_name":         name,
		"client_first_name":   user.FirstName,
		"client_last_name":    user.LastName,
		"client_email":        user.Email,
		"client_company_name": user.CompanyName,
		"client_id":           fmt.Sprint(user.ClientID),
		"user_id":             fmt.Sprint(user.ID),
		"user_first_name":     user.FirstName,
		"user_last_name":      user.LastName,
		"user_email":          user.Email,
		"security_url":        s.SecurityURL,
		"company_name":        s.System.CompanyName,
		"companyname":         s.System.CompanyName,
		"company_domain":      s.System.Domain,
		"company_logo_url":    s.System.LogoURL,
		"whmcs_url":           s.WHMCSURL,
		"whmcs_link": mailer.HTML(`<a href="` + html.EscapeString(s.WHMCSURL) + `">` +
			html.EscapeString(s.WHMCSURL) + `</a>`),
		"signature": s.System.Signature,
		"charset":   charset,
	}
}

// sender returns the From address: the template's own sender when it has
// one, else the configured smtp.from, else the WHMCS Email setting.
func sender(tpl store.EmailTemplate, smtp config.SMTPConfig,
	s *settings.Snapshot) (mailer.Address, error) {
	address := mailer.Address{Email: smtp.From, Name: smtp.FromName}
	if address.Email == "" {
		address.Email = strings.TrimSpace(s.System.Email)
	}
	if address.Name == "" {
		address.Name = s.System.CompanyName
	}
	if tpl.FromEmail != "" {
		address.Email = strings.TrimSpace(tpl.FromEmail)
	}
	if tpl.FromName != "" {
		address.Name = tpl.FromName
	}

	if address.Email == "" {
		return address, fmt.Errorf("no sender address: set smtp.from " +
			"(MFA_REMINDER_SMTP_FROM) or the Email address in WHMCS General Settings")
	}
	if _, err := mail.ParseAddress(address.Email); err != nil {
		return address, fmt.Errorf("invalid sender address %q: set smtp.from "+
			"(MFA_REMINDER_SMTP_FROM) to a valid address", address.Email)
	}
	return address, nil
}

// splitAddresses splits a comma-separated tblemailtemplates copyto or
// blind_copy_to value.
func splitAddresses(list string) []string {
	var addresses []string
	for _, address := range strings.Split(list, ",") {
		if address = strings.TrimSpace(address); address != "" {
			addresses = append(addresses, address)
		}
	}
	return addresses
}

// TemplateReport describes one "MFA Reminder" template for the check
// command.
type TemplateReport struct {
	// Language is the template's language; empty for the default row.
	Language string
	// BuiltIn is true when WHMCS has no "MFA Reminder" row, so the built-in
	// default text is used.
	BuiltIn  bool
	Disabled bool
	// Err is the error of rendering the template for a sample user.
	Err error
}

// CheckTemplates renders every "MFA Reminder" template for a sample user.
func (r *Runner) CheckTemplates(ctx context.Context) ([]TemplateReport, error) {
	snapshot, err := r.settings.Get(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := r.store.Templates(ctx, TemplateName)
	if err != nil {
		return nil, err
	}

	builtIn := len(rows) == 0
	if builtIn {
		rows = []store.EmailTemplate{DefaultTemplate}
	}
	sample := store.User{ID: 1, FirstName: "Sample", LastName: "User",
		Email: "sample.user@example.com", ClientID: 1, Owner: true}
	p := &pass{runner: r, snapshot: snapshot}

	reports := make([]TemplateReport, 0, len(rows))
	for _, row := range rows {
		_, err := p.message(sample, row)
		reports = append(reports, TemplateReport{Language: row.Language, BuiltIn: builtIn,
			Disabled: row.Disabled, Err: err})
	}
	return reports, nil
}

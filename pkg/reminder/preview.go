package reminder

import (
	"context"
	"errors"
	"fmt"

	"github.com/mfa-reminder/mfa-reminder/pkg/i18n"
	mailer "github.com/mfa-reminder/mfa-reminder/pkg/mail"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// Preview is the reminder a user would get now.
type Preview struct {
	User     store.User
	Language string
	// TemplateLanguage is the language of the template row used: empty for
	// the default row.
	TemplateLanguage string
	// BuiltIn is true when WHMCS has no "MFA Reminder" template.
	BuiltIn  bool
	Disabled bool
	Message  *mailer.Message
	// Err is the rendering error, when the template does not render.
	Err error
}

// Preview renders the reminder for a user without sending it.
func (r *Runner) Preview(ctx context.Context, userID int64) (Preview, error) {
	user, err := r.store.User(ctx, userID)
	if err != nil {
		return Preview{}, err
	}
	snapshot, err := r.settings.Get(ctx)
	if err != nil {
		return Preview{}, err
	}
	rows, err := r.store.Templates(ctx, TemplateName)
	if err != nil {
		return Preview{}, err
	}

	p := &pass{runner: r, snapshot: snapshot, templates: newTemplateSet(rows)}
	language := i18n.Resolve(user.Language, user.ClientLanguage, snapshot.System.Language)
	tpl := p.templates.forLanguage(language)
	preview := Preview{User: user, Language: language, TemplateLanguage: tpl.Language,
		BuiltIn: len(rows) == 0, Disabled: tpl.Disabled}
	preview.Message, preview.Err = p.message(user, tpl)
	return preview, nil
}

// ErrDatabase wraps the database errors of SendTest, whose text is for
// the log and not for the dashboard.
var ErrDatabase = errors.New("database error")

// SendTest sends the reminder that the user would get to address instead,
// with "[Test]" before the subject. It is logged with the trigger test and
// does not count as a reminder to the user.
func (r *Runner) SendTest(ctx context.Context, userID int64, address, by string) (string, error) {
	if !validAddress(address) {
		return "", fmt.Errorf("invalid address %q: enter one address such as you@example.com",
			address)
	}
	preview, err := r.Preview(ctx, userID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("%w: %w", ErrDatabase, err)
	}
	if err != nil {
		return "", err
	}
	if preview.Err != nil {
		return "", preview.Err
	}

	message := *preview.Message
	message.To = mailer.Address{Email: address}
	message.Cc, message.Bcc = nil, nil
	message.Content.Subject = "[Test] " + message.Content.Subject

	sendID, err := r.store.ClaimSend(ctx, store.Send{UserID: userID, Email: address,
		Subject: message.Content.Subject, Language: preview.Language,
		Trigger: store.TriggerTest, TriggeredBy: by}, r.now())
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrDatabase, err)
	}

	transport := r.newTransport()
	defer transport.Close()
	reply, sendErr := transport.Send(ctx, &message)
	status := store.SendSent
	if sendErr != nil {
		status, reply = store.SendFailed, replyText(sendErr)
	}
	if err := r.store.FinishTestSend(ctx, sendID, status, reply, r.now()); err != nil {
		return "", errors.Join(sendErr, fmt.Errorf("%w: %w", ErrDatabase, err))
	}
	if sendErr != nil {
		return reply, fmt.Errorf("send test message to %s: %w", address, sendErr)
	}
	return reply, nil
}

package reminder

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/mfa-reminder/mfa-reminder/pkg/i18n"
	mailer "github.com/mfa-reminder/mfa-reminder/pkg/mail"
	"github.com/mfa-reminder/mfa-reminder/pkg/settings"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// pass is the state shared by the reminders of one pass: the settings,
// the templates and one mail transport.
type pass struct {
	runner    *Runner
	snapshot  *settings.Snapshot
	templates templateSet
	dryRun    bool
	transport mailer.Transport
	// abort is the transport error that ended sending in this pass. The
	// remaining users stay due for the next pass.
	abort error
}

func (r *Runner) newPass(ctx context.Context, snapshot *settings.Snapshot,
	dryRun bool) (*pass, error) {
	if snapshot.SecurityURL == "" {
		return nil, errors.New("the security settings link is unknown because the WHMCS " +
			"System URL is empty: set it in WHMCS General Settings, or set whmcs_url " +
			"(MFA_REMINDER_WHMCS_URL) or the addon's security_url")
	}
	rows, err := r.store.Templates(ctx, TemplateName)
	if err != nil {
		return nil, err
	}
	if _, err := sender(store.EmailTemplate{}, r.smtp, snapshot); err != nil {
		return nil, err
	}

	p := &pass{runner: r, snapshot: snapshot, templates: newTemplateSet(rows), dryRun: dryRun}
	if !dryRun {
		p.transport = r.newTransport()
	}
	return p, nil
}

func (p *pass) close() {
	if p.transport == nil {
		return
	}
	if err := p.transport.Close(); err != nil {
		p.runner.logger.Warn("Closing the mail connection failed", "error", err)
	}
}

// request records who requested a reminder, for the activity log.
type request struct {
	trigger string
	// by names the admin or tool; empty for the schedule.
	by      string
	batchID *int64
}

// remind renders and sends one user's reminder. The error reports
// database failures only; a send the server refuses is a failed outcome.
func (p *pass) remind(ctx context.Context, user store.User, req request) (Outcome, error) {
	language := i18n.Resolve(user.Language, user.ClientLanguage, p.snapshot.System.Language)
	tpl := p.templates.forLanguage(language)
	outcome := Outcome{UserID: user.ID, Email: user.Email, Language: language,
		Template: tpl.Language}

	if tpl.Disabled {
		return skipped(user, ReasonTemplateDisabled), nil
	}
	if !validAddress(user.Email) {
		return skipped(user, ReasonInvalidEmail), nil
	}

	message, renderErr := p.message(user, tpl)
	if renderErr == nil {
		// An invalid copy address or header fails this message only, before
		// it reaches the mail server.
		_, renderErr = message.Bytes()
	}
	if p.dryRun {
		outcome.Status = StatusDue
		if renderErr != nil {
			outcome.Status, outcome.Reason = StatusFailed, renderErr.Error()
		}
		return outcome, nil
	}

	subject := tpl.Subject
	if message != nil {
		subject = message.Content.Subject
	}
	sendID, err := p.runner.store.ClaimSend(ctx, store.Send{
		UserID: user.ID, Email: user.Email, Subject: subject, Language: language,
		Trigger: req.trigger, TriggeredBy: req.by, BatchID: req.batchID,
	}, p.runner.now())
	if err != nil {
		return outcome, err
	}
	if renderErr != nil {
		return p.fail(ctx, outcome, sendID, renderErr.Error())
	}

	reply, err := p.transport.Send(ctx, message)
	switch {
	case errors.Is(err, mailer.ErrUnconfirmed):
		// The connection broke after the last byte: the server may have
		// queued the message, so it counts as sent and is not repeated.
		// The transport reconnects for the next user.
		outcome.Status, outcome.Reason = StatusUnconfirmed, err.Error()
		p.runner.logger.Warn("Reminder delivery unconfirmed", "user_id", user.ID,
			"send_id", sendID, "error", err)
		return outcome, p.confirm(ctx, sendID, user.ID, store.SendUnconfirmed, err.Error())
	case err != nil:
		var rejected *mailer.RejectedError
		if !errors.As(err, &rejected) {
			p.abort = err
		}
		return p.fail(ctx, outcome, sendID, replyText(err))
	}

	if err := p.confirm(ctx, sendID, user.ID, store.SendSent, reply); err != nil {
		return outcome, err
	}
	p.runner.logger.Info("Reminder sent", "user_id", user.ID, "send_id", sendID,
		"trigger", req.trigger, "language", language)
	outcome.Status, outcome.Reason = StatusSent, reply
	return outcome, nil
}

// confirmAttempts bound how long confirm retries a failed database write.
const (
	confirmAttempts = 6
	confirmBackoff  = 2 * time.Second
)

// confirm records that the server took the message, retrying a failed
// write for a while because the message is out and only the record is
// missing. A write that still fails leaves the attempt as 'sending',
// which keeps the user from being emailed again.
//
// NOTE: a crash between the server's acceptance and this write leaves the
// attempt as 'sending' too. The user then gets no reminder until
// frequency_days have passed, even if the message never arrived.
func (p *pass) confirm(ctx context.Context, sendID, userID int64, status, reply string) error {
	var err error
	for attempt := 1; attempt <= confirmAttempts; attempt++ {
		err = p.runner.store.CompleteSend(ctx, sendID, userID, status, reply, p.runner.now())
		if err == nil {
			return nil
		}
		p.runner.logger.Error("Reminder sent but not recorded yet", "user_id", userID,
			"send_id", sendID, "attempt", attempt, "error", err)
		time.Sleep(time.Duration(attempt) * confirmBackoff)
	}
	return fmt.Errorf("reminder %d to user %d was sent but could not be recorded: %w",
		sendID, userID, err)
}

func (p *pass) fail(ctx context.Context, outcome Outcome, sendID int64,
	reply string) (Outcome, error) {
	p.runner.logger.Warn("Reminder failed", "user_id", outcome.UserID, "send_id", sendID,
		"reply", reply)
	if err := p.runner.store.FailSend(ctx, sendID, outcome.UserID, reply,
		p.runner.now()); err != nil {
		return outcome, err
	}
	outcome.Status, outcome.Reason = StatusFailed, reply
	return outcome, nil
}

// message renders the user's reminder from tpl.
func (p *pass) message(user store.User, tpl store.EmailTemplate) (*mailer.Message, error) {
	from, err := sender(tpl, p.runner.smtp, p.snapshot)
	if err != nil {
		return nil, err
	}

	content, err := mailer.Render(
		mailer.Template{Subject: tpl.Subject, Body: tpl.Message, Plaintext: tpl.Plaintext},
		mailer.Wrapper{
			Header: p.snapshot.System.EmailHeader,
			Footer: p.snapshot.System.EmailFooter,
			CSS:    p.snapshot.System.EmailCSS,
		},
		mergeFields(user, p.snapshot))
	if err != nil {
		return nil, fmt.Errorf("render the %q template (%s): %w", TemplateName,
			languageLabel(tpl.Language), err)
	}

	return &mailer.Message{
		From:    from,
		To:      mailer.Address{Email: user.Email, Name: user.FullName()},
		Cc:      splitAddresses(tpl.CopyTo),
		Bcc:     splitAddresses(tpl.BlindCopyTo),
		Content: content,
		Headers: map[string]string{"Auto-Submitted": "auto-generated"},
	}, nil
}

// validAddress reports whether address is a bare email address, without a
// display name.
func validAddress(address string) bool {
	if len(address) > 254 {
		return false
	}
	parsed, err := mail.ParseAddress(address)
	return err == nil && parsed.Name == "" && parsed.Address == strings.TrimSpace(address)
}

func languageLabel(language string) string {
	if strings.TrimSpace(language) == "" {
		return "default language"
	}
	return language
}

// replyText returns the server's reply in a send error, or the error text.
func replyText(err error) string {
	var rejected *mailer.RejectedError
	if errors.As(err, &rejected) {
		return rejected.Reply
	}
	return err.Error()
}

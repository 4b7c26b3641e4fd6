package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mfa-reminder/mfa-reminder/pkg/reminder"
	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

var (
	firstNames = []string{"Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hugo",
		"Ines", "Jonas", "Katrin", "Lucas", "Marie", "Noah", "Olivia", "Paul", "Quentin", "Rosa",
		"Sofia", "Tim", "Ursula", "Victor", "Wiebke", "Xavier", "Yara", "Zoe", "José", "Søren",
		"Chloé", "Jürgen"}
	lastNames = []string{"Schmidt", "Müller", "Dubois", "García", "de Vries", "Rossi", "Smith",
		"Jansen", "Martin", "López", "Fischer", "Bernard", "Bakker", "Weber", "Moreau", "Brown",
		"Nowak", "Lefèvre", "van Dijk", "O'Brien"}
	companies = []string{"Webwerk", "Pixel & Co", "Nordlicht Media", "Atelier Lumière",
		"Soluciones Web", "Bakkerij Online", "Cloudnine Studio", "Bergblick IT", "Le Petit Serveur",
		"Tapas Digital", ""}
	// clientLanguages are tblclients.language values; "" means the WHMCS
	// default (English).
	clientLanguages = []string{"", "", "", "german", "german", "french", "spanish", "dutch"}
	mfaModules      = []string{"totp", "totp", "totp", "totp", "duosecurity", "yubico"}
)

type seedCounts struct {
	accounts, users, owners, subUsers, outOfScope, withMFA int
	firstSubUserWithoutMFA                                 int64
}

// seed fills the demo database: client accounts with their owners and
// sub-users, a few users with no active account, the "MFA Reminder"
// template in three languages and the addon settings.
func seed(ctx context.Context, f *whmcsfixture.Fixture, accounts int, sidecarURL, token,
	ssoSecret string) (seedCounts, error) {
	random := rand.New(rand.NewPCG(2026, 12))
	var counts seedCounts
	now := time.Now().UTC()

	if err := seedSettings(ctx, f, sidecarURL, token, ssoSecret); err != nil {
		return counts, err
	}

	for i := 0; i < accounts; i++ {
		status := "Active"
		switch roll := random.IntN(100); {
		case roll < 8:
			status = "Inactive"
		case roll < 12:
			status = "Closed"
		}
		owner := person(random, i)
		clientID, err := f.AddClient(ctx, whmcsfixture.Client{
			FirstName: owner.FirstName, LastName: owner.LastName, Email: owner.Email,
			CompanyName: pick(random, companies), Status: status,
			Language: pick(random, clientLanguages), LastLogin: lastLogin(random, now),
		})
		if err != nil {
			return counts, err
		}
		counts.accounts++

		ownerMFA := random.IntN(100) < 30
		if ownerMFA {
			owner.SecondFactor = pick(random, mfaModules)
		}
		owner.LastLogin = lastLogin(random, now)
		if err := addLinkedUser(ctx, f, owner, clientID, true); err != nil {
			return counts, err
		}
		counts.tally(owner, status, true)

		subUsers := 0
		if random.IntN(100) < 35 {
			subUsers = 1 + random.IntN(3)
		}
		for j := 0; j < subUsers; j++ {
			sub := person(random, accounts+i*4+j)
			if random.IntN(100) < 15 {
				sub.SecondFactor = "totp"
			}
			sub.LastLogin = lastLogin(random, now)
			userID, err := f.AddUser(ctx, sub)
			if err != nil {
				return counts, err
			}
			if err := f.Link(ctx, userID, clientID, false); err != nil {
				return counts, err
			}
			counts.tally(sub, status, false)
			if status == "Active" && sub.SecondFactor == "" && counts.firstSubUserWithoutMFA == 0 {
				counts.firstSubUserWithoutMFA = userID
			}
		}
	}

	// Users whose access to every account was removed.
	for i := 0; i < accounts/50; i++ {
		loner := person(random, 10*accounts+i)
		if _, err := f.AddUser(ctx, loner); err != nil {
			return counts, err
		}
		counts.users++
		counts.outOfScope++
	}
	return counts, nil
}

func (c *seedCounts) tally(user whmcsfixture.User, status string, owner bool) {
	c.users++
	if status != "Active" {
		c.outOfScope++
		return
	}
	if owner {
		c.owners++
	} else {
		c.subUsers++
	}
	if user.SecondFactor != "" {
		c.withMFA++
	}
}

func addLinkedUser(ctx context.Context, f *whmcsfixture.Fixture, user whmcsfixture.User,
	clientID int64, owner bool) error {
	userID, err := f.AddUser(ctx, user)
	if err != nil {
		return err
	}
	return f.Link(ctx, userID, clientID, owner)
}

// person returns a user with a unique address for index n.
func person(random *rand.Rand, n int) whmcsfixture.User {
	first, last := pick(random, firstNames), pick(random, lastNames)
	local := strings.NewReplacer(" ", "", "'", "", "ü", "ue", "é", "e", "è", "e", "í", "i",
		"ó", "o", "ø", "o", "ç", "c").Replace(strings.ToLower(first + "." + last))
	language := ""
	if random.IntN(100) < 20 {
		language = pick(random, clientLanguages)
	}
	return whmcsfixture.User{FirstName: first, LastName: last, Language: language,
		Email: fmt.Sprintf("%s.%d@example-customer.test", local, n)}
}

// lastLogin returns a login in the last 180 days, or nil (never) for one
// user in ten.
func lastLogin(random *rand.Rand, now time.Time) *time.Time {
	if random.IntN(10) == 0 {
		return nil
	}
	at := now.Add(-time.Duration(random.Int64N(int64(180 * 24 * time.Hour))))
	return &at
}

func pick[T any](random *rand.Rand, values []T) T {
	return values[random.IntN(len(values))]
}

func seedSettings(ctx context.Context, f *whmcsfixture.Fixture, sidecarURL, token,
	ssoSecret string) error {
	for setting, value := range map[string]string{
		"version": "1.0.0", "access": "1", "sidecar_url": sidecarURL, "api_token": token,
		"sso_secret": ssoSecret, "dashboard_url": sidecarURL,
		"enable_alert": "on", "alert_style": "warning", "security_url": "",
		"enable_email": "on", "frequency_days": "30",
	} {
		if err := f.SetAddon(ctx, setting, value); err != nil {
			return err
		}
	}

	templates := []whmcsfixture.Template{
		{Name: reminder.TemplateName, Subject: reminder.DefaultTemplate.Subject,
			Message: reminder.DefaultTemplate.Message},
		{Name: reminder.TemplateName, Language: "german",
			Subject: "Schützen Sie Ihr Konto mit Zwei-Faktor-Authentifizierung",
			Message: "<p>{if $client_first_name}Hallo {$client_first_name},{else}Hallo,{/if}</p>\n" +
				"<p>Ihr Konto bei {$company_name} ist noch nicht mit Zwei-Faktor-Authentifizierung " +
				"geschützt. Ist sie aktiv, kann sich niemand allein mit Ihrem Passwort anmelden.</p>\n" +
				"<p><a href=\"{$security_url}\">Zwei-Faktor-Authentifizierung aktivieren</a></p>\n" +
				"<p>{$signature}</p>"},
		{Name: reminder.TemplateName, Language: "french",
			Subject: "Protégez votre compte avec l'authentification à deux facteurs",
			Message: "<p>{if $client_first_name}Bonjour {$client_first_name},{else}Bonjour,{/if}</p>\n" +
				"<p>Votre compte chez {$company_name} n'est pas encore protégé par " +
				"l'authentification à deux facteurs. Une fois activée, personne ne peut se " +
				"connecter avec votre seul mot de passe.</p>\n" +
				"<p><a href=\"{$security_url}\">Activer l'authentification à deux facteurs</a></p>\n" +
				"<p>{$signature}</p>"},
	}
	for _, tpl := range templates {
		if _, err := f.AddTemplate(ctx, tpl); err != nil {
			return err
		}
	}
	return nil
}

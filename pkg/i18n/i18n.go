// Package i18n maps language names and codes to WHMCS language names and
// holds the translated texts of the client-area alert.
package i18n

import "strings"

// Fallback is the language used when no translation exists.
const Fallback = "english"

// Messages are the alert texts in one language.
type Messages struct {
	// Code is the BCP 47 language tag, for HTML lang attributes.
	Code string
	// Lead is the sentence that requests the user to enable two-factor
	// authentication.
	Lead string
	// Body explains why, in one sentence.
	Body string
	// Action is the text of the link to the security settings.
	Action string
	// Close is the accessible label of the close button.
	Close string
}

var catalog = map[string]Messages{
	"english": {
		Code:   "en",
		Lead:   "For your security, please enable Two-Factor Authentication.",
		Body:   "It stops anyone who learns your password from logging in to your account.",
		Action: "Enable it now",
		Close:  "Close",
	},
	"german": {
		Code:   "de",
		Lead:   "Zu Ihrer Sicherheit aktivieren Sie bitte die Zwei-Faktor-Authentifizierung.",
		Body:   "Sie verhindert, dass sich jemand allein mit Ihrem Passwort in Ihr Konto einloggt.",
		Action: "Jetzt aktivieren",
		Close:  "Schließen",
	},
	"french": {
		Code:   "fr",
		Lead:   "Pour votre sécurité, veuillez activer l'authentification à deux facteurs.",
		Body:   "Elle empêche toute personne connaissant votre mot de passe de se connecter à votre compte.",
		Action: "L'activer maintenant",
		Close:  "Fermer",
	},
	"spanish": {
		Code:   "es",
		Lead:   "Por su seguridad, active la autenticación de dos factores.",
		Body:   "Impide que alguien que conozca su contraseña inicie sesión en su cuenta.",
		Action: "Activarla ahora",
		Close:  "Cerrar",
	},
	"dutch": {
		Code:   "nl",
		Lead:   "Schakel voor uw veiligheid tweestapsverificatie in.",
		Body:   "Zo kan niemand die uw wachtwoord kent inloggen op uw account.",
		Action: "Nu inschakelen",
		Close:  "Sluiten",
	},
	"italian": {
		Code:   "it",
		Lead:   "Per la tua sicurezza, attiva l'autenticazione a due fattori.",
		Body:   "Impedisce a chi conosce la tua password di accedere al tuo account.",
		Action: "Attivala ora",
		Close:  "Chiudi",
	},
	"portuguese-br": {
		Code:   "pt-BR",
		Lead:   "Para sua segurança, ative a autenticação de dois fatores.",
		Body:   "Ela impede que alguém que saiba sua senha entre na sua conta.",
		Action: "Ativar agora",
		Close:  "Fechar",
	},
	"portuguese-pt": {
		Code:   "pt-PT",
		Lead:   "Para sua segurança, ative a autenticação de dois fatores.",
		Body:   "Impede que alguém que saiba a sua palavra-passe entre na sua conta.",
		Action: "Ativar agora",
		Close:  "Fechar",
	},
}

// aliases maps ISO 639-1 codes, locales and native names to WHMCS
// language names.
var aliases = map[string]string{
	"en": "english", "en-us": "english", "en-gb": "english",
	"de": "german", "de-de": "german", "de-at": "german", "de-ch": "german", "deutsch": "german",
	"fr": "french", "fr-fr": "french", "fr-ca": "french", "fr-be": "french", "français": "french",
	"es": "spanish", "es-es": "spanish", "es-mx": "spanish", "español": "spanish",
	"nl": "dutch", "nl-nl": "dutch", "nl-be": "dutch", "nederlands": "dutch",
	"it": "italian", "it-it": "italian", "italiano": "italian",
	"pt": "portuguese-pt", "pt-pt": "portuguese-pt", "pt-br": "portuguese-br",
	"portuguese": "portuguese-pt",
}

// Normalize returns the WHMCS language name (lowercase, such as german)
// for a WHMCS name in any case, an ISO code or a locale such as de_DE. It
// returns an empty string for an empty name and the lowercased input for
// a name it does not know.
func Normalize(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	name = strings.ReplaceAll(name, "_", "-")
	if canonical, ok := aliases[name]; ok {
		return canonical
	}
	return name
}

// Lookup returns the alert texts for a language and the language they are
// in, falling back to English.
func Lookup(language string) (Messages, string) {
	language = Normalize(language)
	if messages, ok := catalog[language]; ok {
		return messages, language
	}
	return catalog[Fallback], Fallback
}

// Resolve returns the first non-empty of the candidate languages,
// normalised. Callers list them in priority order.
func Resolve(candidates ...string) string {
	for _, candidate := range candidates {
		if language := Normalize(candidate); language != "" {
			return language
		}
	}
	return Fallback
}

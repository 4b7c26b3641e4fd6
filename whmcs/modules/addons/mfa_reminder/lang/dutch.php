<?php
/**
 * Dutch admin-area strings of the MFA Reminder addon. Strings with %s
 * are sprintf formats, where %% prints a percent sign.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

$_ADDONLANG['intro'] = 'Gebruik van tweestapsverificatie (MFA) onder de gebruikers van de meegetelde klantaccounts, zoals geteld door de mfa-reminder-dienst.';
$_ADDONLANG['column_total'] = 'Meegetelde gebruikers';
$_ADDONLANG['column_with_mfa'] = 'Met MFA';
$_ADDONLANG['column_without_mfa'] = 'Zonder MFA';
$_ADDONLANG['column_adoption'] = 'Aandeel met MFA';
$_ADDONLANG['row_all'] = 'Alle gebruikers';
$_ADDONLANG['row_owners'] = 'Accounteigenaren';
$_ADDONLANG['row_sub_users'] = 'Subgebruikers';
$_ADDONLANG['percent'] = '%s %%';
$_ADDONLANG['client_statuses'] = 'Meegetelde klantstatussen: %s';
$_ADDONLANG['daemon_address'] = 'Adres van de dienst: %s';
$_ADDONLANG['error_url'] = 'De sidecar-URL is leeg of is geen http://- of https://-adres. Vul het adres van de mfa-reminder-dienst, bijvoorbeeld http://127.0.0.1:8087, in bij de instellingen van de addon (System Settings > Addon Modules > MFA Reminder > Configure).';
$_ADDONLANG['error_token'] = 'Het API-token is leeg. Vul de waarde MFA_REMINDER_API_TOKEN van de mfa-reminder-dienst in bij de instellingen van de addon (System Settings > Addon Modules > MFA Reminder > Configure).';
$_ADDONLANG['error_unreachable'] = 'Geen antwoord van de mfa-reminder-dienst op %s (%s). Controleer de sidecar-URL in de instellingen van de addon, en of "mfa-reminder serve" draait en op dat adres luistert.';
$_ADDONLANG['error_unauthorized'] = 'De mfa-reminder-dienst op %s heeft het API-token geweigerd (HTTP 401). Zet het API-token in de instellingen van de addon op de waarde MFA_REMINDER_API_TOKEN van "mfa-reminder serve".';
$_ADDONLANG['error_status'] = 'De mfa-reminder-dienst op %s antwoordde HTTP %s op de vraag naar de cijfers. Bekijk het logboek van de dienst.';
$_ADDONLANG['daemon_message'] = 'Melding van de dienst: %s';
$_ADDONLANG['error_response'] = 'De dienst op %s leverde cijfers in een onbekend formaat. Controleer of de sidecar-URL in de instellingen van de addon naar "mfa-reminder serve" wijst en niet naar een andere dienst.';
$_ADDONLANG['error_exception'] = 'De pagina MFA Reminder kon niet worden getoond: %s';
$_ADDONLANG['sso_button'] = 'Dashboard openen';
$_ADDONLANG['sso_button_hint'] = 'Opent het dashboard op %s in een nieuw tabblad en meldt u daar aan als %s. Elke klik maakt een nieuwe aanmeldlink, die 60 seconden geldig is en één keer werkt.';
$_ADDONLANG['sso_fallback_url'] = 'De instelling Dashboard URL van de addon is leeg, dus de knop gebruikt de sidecar-URL. Als de browsers van beheerders dat adres niet kunnen bereiken, vul dan het openbare adres van het dashboard, bijvoorbeeld https://billing.example.net/mfa/, in als Dashboard URL.';
$_ADDONLANG['sso_secret_missing'] = 'De knop "Dashboard openen" is niet beschikbaar omdat het SSO-geheim leeg is. Stel SSO Secret in bij de instellingen van de addon (System Settings > Addon Modules > MFA Reminder > Configure) op de waarde MFA_REMINDER_SSO_SECRET van de mfa-reminder-dienst. Het commando "mfa-reminder gen-secret" toont een nieuw geheim voor beide.';
$_ADDONLANG['sso_secret_short'] = 'De knop "Dashboard openen" is niet beschikbaar omdat het SSO-geheim korter is dan 32 bytes. Stel SSO Secret in bij de instellingen van de addon (System Settings > Addon Modules > MFA Reminder > Configure) op de waarde MFA_REMINDER_SSO_SECRET van de mfa-reminder-dienst, die minstens 32 bytes lang moet zijn. Het commando "mfa-reminder gen-secret" toont een nieuw geheim voor beide.';
$_ADDONLANG['sso_url_missing'] = 'De knop "Dashboard openen" is niet beschikbaar omdat Dashboard URL en Sidecar URL allebei leeg zijn. Vul bij de instellingen van de addon (System Settings > Addon Modules > MFA Reminder > Configure) als Dashboard URL het adres in waarop de browsers van beheerders het dashboard bereiken, bijvoorbeeld https://billing.example.net/mfa/.';
$_ADDONLANG['sso_url_invalid'] = 'De knop "Dashboard openen" is niet beschikbaar omdat het dashboardadres %s geen http://- of https://-URL is, of een querystring, een fragment of spaties bevat. Vul bij de instellingen van de addon (System Settings > Addon Modules > MFA Reminder > Configure) als Dashboard URL het adres in waarop de browsers van beheerders het dashboard bereiken, bijvoorbeeld https://billing.example.net/mfa/.';
$_ADDONLANG['sso_admin_missing'] = 'De knop "Dashboard openen" is niet beschikbaar omdat het beheerdersaccount van deze sessie (beheerders-ID %s) niet is gevonden. Meld u opnieuw aan in het beheergedeelte van WHMCS.';
$_ADDONLANG['sso_form_expired'] = 'Het dashboard is niet geopend omdat het verzoek het formuliertoken van deze pagina miste. Dat gebeurt als de WHMCS-sessie is veranderd sinds de pagina werd geladen, of als een andere site het verzoek heeft verstuurd. Klik opnieuw op "Dashboard openen".';
$_ADDONLANG['sso_failed'] = 'De aanmeldlink voor het dashboard kon niet worden gemaakt. Het modulelogboek van WHMCS bevat de fout als de debuglogging van modules aanstaat.';
$_ADDONLANG['sso_continue'] = 'Dashboard openen';
$_ADDONLANG['sso_continue_hint'] = 'Deze aanmeldlink is 60 seconden geldig en werkt één keer. Laad daarna de pagina MFA Reminder opnieuw en klik nogmaals op "Dashboard openen".';

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

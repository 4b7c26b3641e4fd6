<?php
/**
 * German admin-area strings of the MFA Reminder addon. Strings with %s
 * are sprintf formats, where %% prints a percent sign.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

$_ADDONLANG['intro'] = 'Verbreitung der Zwei-Faktor-Authentifizierung (MFA) unter den Benutzern der erfassten Kundenkonten, gezählt vom mfa-reminder-Dienst.';
$_ADDONLANG['column_total'] = 'Erfasste Benutzer';
$_ADDONLANG['column_with_mfa'] = 'Mit MFA';
$_ADDONLANG['column_without_mfa'] = 'Ohne MFA';
$_ADDONLANG['column_adoption'] = 'Anteil mit MFA';
$_ADDONLANG['row_all'] = 'Alle Benutzer';
$_ADDONLANG['row_owners'] = 'Kontoinhaber';
$_ADDONLANG['row_sub_users'] = 'Unterbenutzer';
$_ADDONLANG['percent'] = '%s %%';
$_ADDONLANG['client_statuses'] = 'Erfasste Kundenstatus: %s';
$_ADDONLANG['daemon_address'] = 'Adresse des Dienstes: %s';
$_ADDONLANG['error_url'] = 'Die Sidecar-URL ist leer oder keine http://- oder https://-Adresse. Tragen Sie die Adresse des mfa-reminder-Dienstes, etwa http://127.0.0.1:8087, in den Addon-Einstellungen ein (System Settings > Addon Modules > MFA Reminder > Configure).';
$_ADDONLANG['error_token'] = 'Das API-Token ist leer. Tragen Sie den Wert MFA_REMINDER_API_TOKEN des mfa-reminder-Dienstes in den Addon-Einstellungen ein (System Settings > Addon Modules > MFA Reminder > Configure).';
$_ADDONLANG['error_unreachable'] = 'Keine Antwort vom mfa-reminder-Dienst unter %s (%s). Prüfen Sie die Sidecar-URL in den Addon-Einstellungen und ob "mfa-reminder serve" läuft und auf dieser Adresse lauscht.';
$_ADDONLANG['error_unauthorized'] = 'Der mfa-reminder-Dienst unter %s hat das API-Token abgelehnt (HTTP 401). Setzen Sie das API-Token in den Addon-Einstellungen auf den Wert MFA_REMINDER_API_TOKEN von "mfa-reminder serve".';
$_ADDONLANG['error_status'] = 'Der mfa-reminder-Dienst unter %s hat für die Zahlen HTTP %s geantwortet. Prüfen Sie das Protokoll des Dienstes.';
$_ADDONLANG['daemon_message'] = 'Meldung des Dienstes: %s';
$_ADDONLANG['error_response'] = 'Der Dienst unter %s hat Zahlen in einem unbekannten Format geliefert. Prüfen Sie, ob die Sidecar-URL in den Addon-Einstellungen auf "mfa-reminder serve" zeigt und nicht auf einen anderen Dienst.';
$_ADDONLANG['error_exception'] = 'Die Seite MFA Reminder konnte nicht geladen werden: %s';

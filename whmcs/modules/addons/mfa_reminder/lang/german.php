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
$_ADDONLANG['sso_button'] = 'Dashboard öffnen';
$_ADDONLANG['sso_button_hint'] = 'Öffnet das Dashboard unter %s in einem neuen Tab und meldet Sie dort als %s an. Jeder Klick erzeugt einen neuen Anmeldelink, der 60 Sekunden lang gilt und nur einmal funktioniert.';
$_ADDONLANG['sso_fallback_url'] = 'Die Dashboard-URL in den Addon-Einstellungen ist leer, daher verwendet die Schaltfläche die Sidecar-URL. Wenn die Browser der Administratoren diese Adresse nicht erreichen, tragen Sie die öffentliche Adresse des Dashboards, etwa https://billing.example.net/mfa/, als Dashboard URL ein.';
$_ADDONLANG['sso_secret_missing'] = 'Die Schaltfläche „Dashboard öffnen“ ist nicht verfügbar, weil das SSO-Secret leer ist. Setzen Sie SSO Secret in den Addon-Einstellungen (System Settings > Addon Modules > MFA Reminder > Configure) auf den Wert MFA_REMINDER_SSO_SECRET des mfa-reminder-Dienstes. Der Befehl „mfa-reminder gen-secret“ gibt ein neues Secret für beide aus.';
$_ADDONLANG['sso_secret_short'] = 'Die Schaltfläche „Dashboard öffnen“ ist nicht verfügbar, weil das SSO-Secret kürzer als 32 Bytes ist. Setzen Sie SSO Secret in den Addon-Einstellungen (System Settings > Addon Modules > MFA Reminder > Configure) auf den Wert MFA_REMINDER_SSO_SECRET des mfa-reminder-Dienstes, der mindestens 32 Bytes lang sein muss. Der Befehl „mfa-reminder gen-secret“ gibt ein neues Secret für beide aus.';
$_ADDONLANG['sso_url_missing'] = 'Die Schaltfläche „Dashboard öffnen“ ist nicht verfügbar, weil Dashboard URL und Sidecar URL beide leer sind. Tragen Sie die Adresse, unter der die Browser der Administratoren das Dashboard erreichen, etwa https://billing.example.net/mfa/, in den Addon-Einstellungen als Dashboard URL ein (System Settings > Addon Modules > MFA Reminder > Configure).';
$_ADDONLANG['sso_url_invalid'] = 'Die Schaltfläche „Dashboard öffnen“ ist nicht verfügbar, weil die Dashboard-Adresse %s keine http://- oder https://-URL ist oder einen Query-String, ein Fragment oder Leerzeichen enthält. Tragen Sie die Adresse, unter der die Browser der Administratoren das Dashboard erreichen, etwa https://billing.example.net/mfa/, in den Addon-Einstellungen als Dashboard URL ein (System Settings > Addon Modules > MFA Reminder > Configure).';
$_ADDONLANG['sso_admin_missing'] = 'Die Schaltfläche „Dashboard öffnen“ ist nicht verfügbar, weil das Administratorkonto dieser Sitzung (Admin-ID %s) nicht gefunden wurde. Melden Sie sich erneut im WHMCS-Adminbereich an.';
$_ADDONLANG['sso_form_expired'] = 'Das Dashboard wurde nicht geöffnet, weil der Anfrage das Formular-Token dieser Seite fehlte. Das geschieht, wenn sich die WHMCS-Sitzung seit dem Laden der Seite geändert hat oder eine andere Website die Anfrage gesendet hat. Klicken Sie erneut auf „Dashboard öffnen“.';
$_ADDONLANG['sso_failed'] = 'Der Anmeldelink für das Dashboard konnte nicht erzeugt werden. Das WHMCS-Modulprotokoll enthält den Fehler, wenn die Modul-Debug-Protokollierung eingeschaltet ist.';
$_ADDONLANG['sso_continue'] = 'Dashboard öffnen';
$_ADDONLANG['sso_continue_hint'] = 'Dieser Anmeldelink gilt 60 Sekunden lang und funktioniert nur einmal. Laden Sie danach die Seite MFA Reminder neu und klicken Sie erneut auf „Dashboard öffnen“.';

<?php
/**
 * French admin-area strings of the MFA Reminder addon. Strings with %s
 * are sprintf formats, where %% prints a percent sign.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

$_ADDONLANG['intro'] = 'Adoption de l\'authentification à deux facteurs (MFA) par les utilisateurs des comptes clients concernés, selon le décompte du service mfa-reminder.';
$_ADDONLANG['column_total'] = 'Utilisateurs concernés';
$_ADDONLANG['column_with_mfa'] = 'Avec MFA';
$_ADDONLANG['column_without_mfa'] = 'Sans MFA';
$_ADDONLANG['column_adoption'] = 'Taux d\'adoption';
$_ADDONLANG['row_all'] = 'Tous les utilisateurs';
$_ADDONLANG['row_owners'] = 'Titulaires de compte';
$_ADDONLANG['row_sub_users'] = 'Sous-utilisateurs';
$_ADDONLANG['percent'] = '%s %%';
$_ADDONLANG['client_statuses'] = 'Statuts de client concernés : %s';
$_ADDONLANG['daemon_address'] = 'Adresse du service : %s';
$_ADDONLANG['error_url'] = 'L\'URL du sidecar est vide ou n\'est pas une adresse http:// ou https://. Saisissez l\'adresse du service mfa-reminder, par exemple http://127.0.0.1:8087, dans les réglages de l\'addon (System Settings > Addon Modules > MFA Reminder > Configure).';
$_ADDONLANG['error_token'] = 'Le jeton d\'API est vide. Saisissez la valeur MFA_REMINDER_API_TOKEN du service mfa-reminder dans les réglages de l\'addon (System Settings > Addon Modules > MFA Reminder > Configure).';
$_ADDONLANG['error_unreachable'] = 'Aucune réponse du service mfa-reminder à l\'adresse %s (%s). Vérifiez l\'URL du sidecar dans les réglages de l\'addon, et que « mfa-reminder serve » tourne et écoute sur cette adresse.';
$_ADDONLANG['error_unauthorized'] = 'Le service mfa-reminder à l\'adresse %s a refusé le jeton d\'API (HTTP 401). Réglez le jeton d\'API de l\'addon sur la valeur MFA_REMINDER_API_TOKEN de « mfa-reminder serve ».';
$_ADDONLANG['error_status'] = 'Le service mfa-reminder à l\'adresse %s a répondu HTTP %s pour les chiffres d\'adoption. Consultez le journal du service.';
$_ADDONLANG['daemon_message'] = 'Message du service : %s';
$_ADDONLANG['error_response'] = 'Le service à l\'adresse %s a renvoyé des chiffres dans un format inconnu. Vérifiez que l\'URL du sidecar dans les réglages de l\'addon désigne « mfa-reminder serve » et non un autre service.';
$_ADDONLANG['error_exception'] = 'La page MFA Reminder n\'a pas pu être affichée : %s';

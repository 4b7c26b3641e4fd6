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
$_ADDONLANG['sso_button'] = 'Ouvrir le tableau de bord';
$_ADDONLANG['sso_button_hint'] = 'Ouvre le tableau de bord à l\'adresse %s dans un nouvel onglet et vous y connecte en tant que %s. Chaque clic crée un nouveau lien de connexion, valable 60 secondes et utilisable une seule fois.';
$_ADDONLANG['sso_fallback_url'] = 'Le réglage Dashboard URL de l\'addon est vide, le bouton utilise donc l\'URL du sidecar. Si les navigateurs des administrateurs ne peuvent pas joindre cette adresse, saisissez l\'adresse publique du tableau de bord, par exemple https://billing.example.net/mfa/, comme Dashboard URL.';
$_ADDONLANG['sso_secret_missing'] = 'Le bouton « Ouvrir le tableau de bord » est indisponible, car le secret SSO est vide. Donnez à SSO Secret, dans les réglages de l\'addon (System Settings > Addon Modules > MFA Reminder > Configure), la valeur MFA_REMINDER_SSO_SECRET du service mfa-reminder. La commande « mfa-reminder gen-secret » affiche un nouveau secret pour les deux.';
$_ADDONLANG['sso_secret_short'] = 'Le bouton « Ouvrir le tableau de bord » est indisponible, car le secret SSO fait moins de 32 octets. Donnez à SSO Secret, dans les réglages de l\'addon (System Settings > Addon Modules > MFA Reminder > Configure), la valeur MFA_REMINDER_SSO_SECRET du service mfa-reminder, qui doit faire au moins 32 octets. La commande « mfa-reminder gen-secret » affiche un nouveau secret pour les deux.';
$_ADDONLANG['sso_url_missing'] = 'Le bouton « Ouvrir le tableau de bord » est indisponible, car Dashboard URL et Sidecar URL sont tous deux vides. Saisissez comme Dashboard URL, dans les réglages de l\'addon (System Settings > Addon Modules > MFA Reminder > Configure), l\'adresse à laquelle les navigateurs des administrateurs joignent le tableau de bord, par exemple https://billing.example.net/mfa/.';
$_ADDONLANG['sso_url_invalid'] = 'Le bouton « Ouvrir le tableau de bord » est indisponible, car l\'adresse du tableau de bord %s n\'est pas une URL http:// ou https://, ou contient une chaîne de requête, un fragment ou des espaces. Saisissez comme Dashboard URL, dans les réglages de l\'addon (System Settings > Addon Modules > MFA Reminder > Configure), l\'adresse à laquelle les navigateurs des administrateurs joignent le tableau de bord, par exemple https://billing.example.net/mfa/.';
$_ADDONLANG['sso_admin_missing'] = 'Le bouton « Ouvrir le tableau de bord » est indisponible, car le compte administrateur de cette session (ID admin %s) est introuvable. Reconnectez-vous à l\'espace d\'administration de WHMCS.';
$_ADDONLANG['sso_form_expired'] = 'Le tableau de bord n\'a pas été ouvert, car la requête ne contenait pas le jeton de formulaire de cette page. Cela arrive quand la session WHMCS a changé depuis le chargement de la page, ou quand un autre site a envoyé la requête. Cliquez de nouveau sur « Ouvrir le tableau de bord ».';
$_ADDONLANG['sso_failed'] = 'Le lien de connexion au tableau de bord n\'a pas pu être créé. Le journal des modules de WHMCS contient l\'erreur quand la journalisation de débogage des modules est activée.';
$_ADDONLANG['sso_continue'] = 'Ouvrir le tableau de bord';
$_ADDONLANG['sso_continue_hint'] = 'Ce lien de connexion est valable 60 secondes et ne fonctionne qu\'une fois. Ensuite, rechargez la page MFA Reminder et cliquez de nouveau sur « Ouvrir le tableau de bord ».';

<?php
/**
 * English admin-area strings of the MFA Reminder addon. Strings with %s
 * are sprintf formats, where %% prints a percent sign.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

$_ADDONLANG['intro'] = 'Two-factor authentication (MFA) adoption among the users of client accounts in scope, as counted by the mfa-reminder daemon.';
$_ADDONLANG['column_total'] = 'Users in scope';
$_ADDONLANG['column_with_mfa'] = 'With MFA';
$_ADDONLANG['column_without_mfa'] = 'Without MFA';
$_ADDONLANG['column_adoption'] = 'Adoption';
$_ADDONLANG['row_all'] = 'All users';
$_ADDONLANG['row_owners'] = 'Account owners';
$_ADDONLANG['row_sub_users'] = 'Sub-users';
$_ADDONLANG['percent'] = '%s %%';
$_ADDONLANG['client_statuses'] = 'Client statuses in scope: %s';
$_ADDONLANG['daemon_address'] = 'Daemon address: %s';
$_ADDONLANG['error_url'] = 'The sidecar URL is empty or is not an http:// or https:// address. Enter the address of the mfa-reminder daemon, such as http://127.0.0.1:8087, in the addon settings (System Settings > Addon Modules > MFA Reminder > Configure).';
$_ADDONLANG['error_token'] = 'The API token is empty. Enter the MFA_REMINDER_API_TOKEN value of the mfa-reminder daemon in the addon settings (System Settings > Addon Modules > MFA Reminder > Configure).';
$_ADDONLANG['error_unreachable'] = 'No response from the mfa-reminder daemon at %s (%s). Check the sidecar URL in the addon settings, and check that "mfa-reminder serve" is running and listens on that address.';
$_ADDONLANG['error_unauthorized'] = 'The mfa-reminder daemon at %s rejected the API token (HTTP 401). Set the API token in the addon settings to the MFA_REMINDER_API_TOKEN value of "mfa-reminder serve".';
$_ADDONLANG['error_status'] = 'The mfa-reminder daemon at %s returned HTTP %s for the adoption figures. Check the daemon\'s log.';
$_ADDONLANG['daemon_message'] = 'Message from the daemon: %s';
$_ADDONLANG['error_response'] = 'The service at %s returned adoption figures in an unknown format. Check that the sidecar URL in the addon settings points at "mfa-reminder serve" and not at another service.';
$_ADDONLANG['error_exception'] = 'The MFA Reminder page failed: %s';
$_ADDONLANG['sso_button'] = 'Open dashboard';
$_ADDONLANG['sso_button_hint'] = 'Opens the dashboard at %s in a new tab and signs you in as %s. Each click creates a new sign-in link, which is valid for 60 seconds and works once.';
$_ADDONLANG['sso_fallback_url'] = 'Dashboard URL is empty in the addon settings, so the button uses the sidecar URL. If admins\' browsers cannot reach that address, enter the dashboard\'s public address, such as https://billing.example.net/mfa/, as Dashboard URL.';
$_ADDONLANG['sso_secret_missing'] = 'The "Open dashboard" button is unavailable because the SSO secret is empty. Set SSO Secret in the addon settings (System Settings > Addon Modules > MFA Reminder > Configure) to the MFA_REMINDER_SSO_SECRET value of the mfa-reminder daemon. The command "mfa-reminder gen-secret" prints a new secret for both.';
$_ADDONLANG['sso_secret_short'] = 'The "Open dashboard" button is unavailable because the SSO secret is shorter than 32 bytes. Set SSO Secret in the addon settings (System Settings > Addon Modules > MFA Reminder > Configure) to the MFA_REMINDER_SSO_SECRET value of the mfa-reminder daemon, which must be at least 32 bytes long. The command "mfa-reminder gen-secret" prints a new secret for both.';
$_ADDONLANG['sso_url_missing'] = 'The "Open dashboard" button is unavailable because Dashboard URL and Sidecar URL are both empty. Enter the address at which admins\' browsers reach the dashboard, such as https://billing.example.net/mfa/, as Dashboard URL in the addon settings (System Settings > Addon Modules > MFA Reminder > Configure).';
$_ADDONLANG['sso_url_invalid'] = 'The "Open dashboard" button is unavailable because the dashboard address %s is not an http:// or https:// URL, or contains a query string, a fragment or spaces. Enter the address at which admins\' browsers reach the dashboard, such as https://billing.example.net/mfa/, as Dashboard URL in the addon settings (System Settings > Addon Modules > MFA Reminder > Configure).';
$_ADDONLANG['sso_admin_missing'] = 'The "Open dashboard" button is unavailable because the admin account of this session (admin ID %s) was not found. Log in to the WHMCS admin area again.';
$_ADDONLANG['sso_form_expired'] = 'The dashboard was not opened because the request lacked the form token of this page. This happens when the WHMCS session has changed since the page was loaded, or when another site sent the request. Click "Open dashboard" again.';
$_ADDONLANG['sso_failed'] = 'The dashboard sign-in link could not be created. The WHMCS module log contains the error when module debug logging is on.';
$_ADDONLANG['sso_continue'] = 'Open dashboard';
$_ADDONLANG['sso_continue_hint'] = 'This sign-in link is valid for 60 seconds and works once. After that, reload the MFA Reminder page and click "Open dashboard" again.';

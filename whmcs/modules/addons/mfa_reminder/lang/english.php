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

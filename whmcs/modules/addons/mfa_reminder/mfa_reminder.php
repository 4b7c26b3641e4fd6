<?php
/**
 * MFA Reminder addon module for WHMCS 8 and 9.
 *
 * The mfa-reminder daemon ("sidecar") runs beside WHMCS and reads its
 * database. This addon stores the daemon's settings in tbladdonmodules,
 * creates the "MFA Reminder" email template, shows the adoption figures
 * in the admin area, and records when a user closes the client-area alert
 * that hooks.php shows. Its admin page also has an "Open dashboard" button
 * that signs the admin in to the daemon's dashboard.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

use WHMCS\Database\Capsule;

require_once __DIR__ . '/lib/Sidecar.php';
require_once __DIR__ . '/lib/ClientArea.php';
require_once __DIR__ . '/lib/AdminPage.php';
require_once __DIR__ . '/lib/Dashboard.php';

/**
 * Defines the module and its settings. WHMCS calls this before it loads
 * the addon's language file, so the texts are English.
 *
 * @return array
 */
function mfa_reminder_config()
{
    $defaults = \MfaReminder\Sidecar::defaultSettings();

    return array(
        'name' => 'MFA Reminder',
        'description' => 'Raises two-factor authentication (MFA) adoption: shows logged-in users without MFA'
            . ' an alert on the client-area homepage and lets the mfa-reminder daemon send them periodic'
            . ' reminder emails.',
        'version' => '1.0.0',
        'author' => 'mfa-reminder',
        'language' => 'english',
        'fields' => array(
            'sidecar_url' => array(
                'FriendlyName' => 'Sidecar URL',
                'Type' => 'text',
                'Size' => '40',
                'Default' => $defaults['sidecar_url'],
                'Description' => 'Address of the mfa-reminder daemon, the MFA_REMINDER_LISTEN address'
                    . ' of "mfa-reminder serve".',
            ),
            'api_token' => array(
                'FriendlyName' => 'API Token',
                'Type' => 'password',
                'Size' => '40',
                'Default' => $defaults['api_token'],
                'Description' => 'The daemon\'s MFA_REMINDER_API_TOKEN value.',
            ),
            'enable_alert' => array(
                'FriendlyName' => 'Client Area Alert',
                'Type' => 'yesno',
                'Default' => $defaults['enable_alert'],
                'Description' => 'Tick to show users without two-factor authentication an alert on the'
                    . ' client-area homepage.',
            ),
            'alert_style' => array(
                'FriendlyName' => 'Alert Style',
                'Type' => 'dropdown',
                'Options' => array(
                    'danger' => 'Danger (red)',
                    'warning' => 'Warning (yellow)',
                    'info' => 'Info (blue)',
                ),
                'Default' => $defaults['alert_style'],
                'Description' => 'Bootstrap colour of the client-area alert.',
            ),
            'security_url' => array(
                'FriendlyName' => 'Security Page URL',
                'Type' => 'text',
                'Size' => '60',
                'Default' => $defaults['security_url'],
                'Description' => 'Link target of the alert and the reminder email. Leave empty to use the'
                    . ' security settings page under the WHMCS System URL.',
            ),
            'enable_email' => array(
                'FriendlyName' => 'Reminder Emails',
                'Type' => 'yesno',
                'Default' => $defaults['enable_email'],
                'Description' => 'Tick to let the daemon email users without two-factor authentication.',
            ),
            'frequency_days' => array(
                'FriendlyName' => 'Reminder Interval',
                'Type' => 'text',
                'Size' => '5',
                'Default' => $defaults['frequency_days'],
                'Description' => 'Days between two reminder emails to the same user.',
            ),
            'sso_secret' => array(
                'FriendlyName' => 'SSO Secret',
                'Type' => 'password',
                'Size' => '64',
                'Default' => $defaults['sso_secret'],
                'Description' => 'The daemon\'s MFA_REMINDER_SSO_SECRET value, at least 32 bytes. The "Open dashboard"'
                    . ' button signs admins in to the dashboard with tokens signed by this secret.'
                    . ' "mfa-reminder gen-secret" prints a new secret.',
            ),
            'dashboard_url' => array(
                'FriendlyName' => 'Dashboard URL',
                'Type' => 'text',
                'Size' => '60',
                'Default' => $defaults['dashboard_url'],
                'Description' => 'Address of the dashboard as admins\' browsers reach it, such as'
                    . ' https://billing.example.net/mfa/. Leave empty to use the Sidecar URL.',
            ),
        ),
    );
}

/**
 * Creates the "MFA Reminder" email template unless a template of that
 * name already exists in any language, so an admin's edits survive a
 * deactivation and reactivation.
 *
 * @return array WHMCS's status and description
 */
function mfa_reminder_activate()
{
    // The daemon sends the reminder email from the template of this name.
    $templateName = 'MFA Reminder';

    try {
        $exists = Capsule::table('tblemailtemplates')
            ->where('name', $templateName)
            ->exists();
        if ($exists) {
            return array(
                'status' => 'success',
                'description' => 'MFA Reminder is active. The existing "MFA Reminder" email template was kept'
                    . ' unchanged. Enter the daemon\'s address and API token in the addon settings.',
            );
        }

        $now = date('Y-m-d H:i:s');
        Capsule::table('tblemailtemplates')->insert(array(
            'type' => 'general',
            'name' => $templateName,
            'subject' => 'Secure Your Account with Two-Factor Authentication',
            'message' => mfa_reminder_template_body(),
            'attachments' => '',
            'fromname' => '',
            'fromemail' => '',
            'disabled' => 0,
            'custom' => 1,
            'language' => '',
            'copyto' => '',
            'blind_copy_to' => '',
            'plaintext' => 0,
            'created_at' => $now,
            'updated_at' => $now,
        ));

        return array(
            'status' => 'success',
            'description' => 'MFA Reminder is active and created the "MFA Reminder" email template.'
                . ' Enter the daemon\'s address and API token in the addon settings.',
        );
    } catch (\Throwable $e) {
        return array(
            'status' => 'error',
            'description' => 'Could not create the "MFA Reminder" email template: ' . $e->getMessage(),
        );
    }
}

/**
 * Returns the HTML body of the "MFA Reminder" email template.
 *
 * @return string
 */
function mfa_reminder_template_body()
{
    return "<p>{if \$client_first_name}Dear {\$client_first_name},{else}Hello,{/if}</p>\n"
        . "<p>Your account at {\$company_name} is not yet protected by two-factor authentication."
        . " With it turned on, nobody can log in with your password alone, so your domains, services"
        . " and payment details stay safe even if your password is stolen.</p>\n"
        . "<p>Turning it on takes about two minutes: log in and open the security settings of your"
        . " account.</p>\n"
        . "<p><a href=\"{\$security_url}\">Enable two-factor authentication</a></p>\n"
        . "<p>{\$signature}</p>";
}

/**
 * Deactivates the module. The email template, the addon settings and
 * the daemon's tables stay, so a later activation continues where this
 * one stopped.
 *
 * @return array WHMCS's status and description
 */
function mfa_reminder_deactivate()
{
    return array(
        'status' => 'success',
        'description' => 'MFA Reminder is deactivated. The "MFA Reminder" email template and the reminder'
            . ' data were kept; stop the mfa-reminder daemon to stop reminder emails.',
    );
}

/**
 * Prints the admin page with the MFA adoption figures and the "Open
 * dashboard" button. A click on the button posts back to this page, which
 * then redirects to the dashboard's sign-in URL with a new token.
 *
 * @param array $vars addon settings, modulelink and _lang from WHMCS
 *
 * @return void
 */
function mfa_reminder_output($vars)
{
    $vars = is_array($vars) ? $vars : array();
    $lang = isset($vars['_lang']) && is_array($vars['_lang']) ? $vars['_lang'] : mfa_reminder_english();

    $page = new \MfaReminder\AdminPage($lang);
    $location = $page->signInLocation($vars);
    if ($location === '') {
        echo $page->render($vars);
        return;
    }

    // WHMCS 8's addonmodules.php buffers the output of _output(), so the
    // headers are normally still unsent here.
    if (headers_sent()) {
        echo $page->renderSignInLink($location);
        return;
    }
    header('Cache-Control: no-store');
    header('Location: ' . $location, true, 302);
    exit;
}

/**
 * Handles index.php?m=mfa_reminder. The only route is action=dismiss,
 * which records that the user closed the alert and ends the request.
 *
 * @param array $vars addon settings from WHMCS (unused: the route reads
 *                    tbladdonmodules itself)
 *
 * @return void
 */
function mfa_reminder_clientarea($vars)
{
    \MfaReminder\ClientArea::handleDismiss();
}

/**
 * Returns the English admin strings, for callers that pass no _lang.
 *
 * @return array<string, string>
 */
function mfa_reminder_english()
{
    $_ADDONLANG = array();
    include __DIR__ . '/lang/english.php';
    return $_ADDONLANG;
}

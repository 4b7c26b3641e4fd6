<?php
/**
 * MFA Reminder client-area hooks.
 *
 * WHMCS loads this file on every page while the addon is active. The
 * ClientAreaHomepage hook requests the two-factor authentication alert
 * for the logged-in user from the mfa-reminder daemon, and returns its
 * HTML. Every failure returns '' so the page renders without
 * the alert.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

// A missing library file must not turn every client-area page into a
// fatal error, so the hook is only registered when the file is present.
if (is_file(__DIR__ . '/lib/ClientArea.php')) {
    require_once __DIR__ . '/lib/ClientArea.php';

    add_hook('ClientAreaHomepage', 1, function (array $vars = array()) {
        try {
            return \MfaReminder\ClientArea::homepageAlert();
        } catch (\Throwable $e) {
            \MfaReminder\Sidecar::logFailure('ClientAreaHomepage', '', get_class($e) . ': ' . $e->getMessage());
            return '';
        }
    });
}

<?php
/**
 * Router script for php's built-in web server that serves the addon's
 * client-area route the way WHMCS's index.php?m=mfa_reminder does, and
 * its admin page the way WHMCS's admin/addonmodules.php?module=mfa_reminder
 * does:
 *
 *   php -S 127.0.0.1:8080 router.php
 *
 * The client-area session is simulated with two cookies: stub_user_id (the
 * logged-in tblusers id, absent when logged out) and stub_masquerading=1
 * (an admin is logged in as that user). The admin page runs in a real PHP
 * session whose $_SESSION['adminid'] is the stub_admin_id cookie. Other
 * paths return 404. Module-log entries and PHP errors go to
 * WHMCS_STUB_LOG_FILE.
 */

require __DIR__ . '/stubs.php';

$path = parse_url(isset($_SERVER['REQUEST_URI']) ? $_SERVER['REQUEST_URI'] : '/', PHP_URL_PATH);

if ($path === '/admin/addonmodules.php' && isset($_GET['module']) && $_GET['module'] === 'mfa_reminder') {
    whmcs_stub_start_admin_session();
    require dirname(__DIR__) . '/modules/addons/mfa_reminder/mfa_reminder.php';
    $vars = whmcs_stub_admin_vars('english');

    // WHMCS 8's addonmodules.php buffers the output of _output() and
    // prints it inside the admin area's page. Role checks happen before
    // WHMCS calls _output(), so this stub leaves them out.
    ob_start();
    mfa_reminder_output($vars);
    $content = ob_get_clean();
    header('Content-Type: text/html; charset=utf-8');
    echo "<!DOCTYPE html>\n<html><head><title>MFA Reminder</title></head><body>\n", $content, "\n</body></html>\n";
    return true;
}

$module = isset($_GET['m']) ? $_GET['m'] : '';
if ($path !== '/index.php' || $module !== 'mfa_reminder') {
    http_response_code(404);
    header('Content-Type: text/plain');
    echo "not found: this test server serves only /index.php?m=mfa_reminder and"
        . " /admin/addonmodules.php?module=mfa_reminder\n";
    return true;
}

$GLOBALS['whmcs_stub_user_id'] = isset($_COOKIE['stub_user_id']) ? (int) $_COOKIE['stub_user_id'] : 0;
$GLOBALS['whmcs_stub_masquerading'] = isset($_COOKIE['stub_masquerading']) && $_COOKIE['stub_masquerading'] === '1';

require dirname(__DIR__) . '/modules/addons/mfa_reminder/mfa_reminder.php';
mfa_reminder_clientarea(array('modulelink' => 'index.php?m=mfa_reminder'));

// mfa_reminder_clientarea() ends the request itself. Reaching this line is
// a bug that the tests detect by the status.
http_response_code(500);
header('Content-Type: text/plain');
echo "mfa_reminder_clientarea returned instead of ending the request\n";
return true;

<?php
/**
 * Router script for php's built-in web server that serves the addon's
 * client-area route the way WHMCS's index.php?m=mfa_reminder does:
 *
 *   php -S 127.0.0.1:8080 router.php
 *
 * The WHMCS session is simulated with two cookies: stub_user_id (the
 * logged-in tblusers id, absent when logged out) and stub_masquerading=1
 * (an admin is logged in as that user). Other paths return 404. Module-log
 * entries and PHP errors go to WHMCS_STUB_LOG_FILE.
 */

require __DIR__ . '/stubs.php';

$path = parse_url(isset($_SERVER['REQUEST_URI']) ? $_SERVER['REQUEST_URI'] : '/', PHP_URL_PATH);
$module = isset($_GET['m']) ? $_GET['m'] : '';
if ($path !== '/index.php' || $module !== 'mfa_reminder') {
    http_response_code(404);
    header('Content-Type: text/plain');
    echo "not found: this test server serves only /index.php?m=mfa_reminder\n";
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

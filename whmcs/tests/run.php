<?php
/**
 * Runs one entry point of the MFA Reminder addon on top of stubs.php and
 * prints the result as one JSON object. Usage:
 *
 *   php run.php config|activate|deactivate|hook|output|signin|lang
 *
 * Every result has module_log (logModuleCall entries) and php_errors
 * (warnings and notices raised while it ran). The hook entry runs the
 * ClientAreaHomepage hooks WHMCS_STUB_HOOK_RUNS times (default 1) in this
 * process, as repeated renders of one page would, and reports each run's
 * output and duration. The output entry passes the addon settings, the
 * module link and the language strings of WHMCS_STUB_ADMIN_LANGUAGE
 * (default english) the way WHMCS's admin area does, or no settings when
 * WHMCS_STUB_OUTPUT_SETTINGS=omit. Both output and signin run with
 * $_SESSION['adminid'] = WHMCS_STUB_ADMIN_ID. The signin entry renders
 * the page for a click on "Open dashboard" after the response headers
 * were sent, which php-cli cannot undo. The lang entry returns the
 * $_ADDONLANG strings of every language file.
 */

require __DIR__ . '/stubs.php';

$addonDir = dirname(__DIR__) . '/modules/addons/mfa_reminder';
$entry = isset($argv[1]) ? $argv[1] : '';
$result = array('entry' => $entry);

try {
    switch ($entry) {
        case 'config':
            require $addonDir . '/mfa_reminder.php';
            $result['config'] = mfa_reminder_config();
            break;

        case 'activate':
            require $addonDir . '/mfa_reminder.php';
            $result['result'] = mfa_reminder_activate();
            break;

        case 'deactivate':
            require $addonDir . '/mfa_reminder.php';
            $result['result'] = mfa_reminder_deactivate();
            break;

        case 'hook':
            require $addonDir . '/hooks.php';
            $result['registered'] = isset($GLOBALS['whmcs_stub_hooks']['ClientAreaHomepage'])
                ? count($GLOBALS['whmcs_stub_hooks']['ClientAreaHomepage']) : 0;
            $result['runs'] = array();
            $runs = max(1, (int) whmcs_stub_env('WHMCS_STUB_HOOK_RUNS', '1'));
            for ($i = 0; $i < $runs; $i++) {
                $started = microtime(true);
                $outputs = whmcs_stub_run_hook('ClientAreaHomepage', array());
                $result['runs'][] = array(
                    'outputs' => $outputs,
                    'elapsed_ms' => (microtime(true) - $started) * 1000,
                );
            }
            break;

        case 'output':
        case 'signin':
            require $addonDir . '/mfa_reminder.php';
            $language = whmcs_stub_env('WHMCS_STUB_ADMIN_LANGUAGE', 'english');
            $vars = whmcs_stub_admin_vars($language, whmcs_stub_env('WHMCS_STUB_OUTPUT_SETTINGS') !== 'omit');
            $_SESSION = array();
            $adminId = (int) whmcs_stub_env('WHMCS_STUB_ADMIN_ID', '0');
            if ($adminId > 0) {
                $_SESSION['adminid'] = $adminId;
            }
            if ($entry === 'signin') {
                // php-cli counts the headers as sent once output has reached
                // stdout, and the JSON decoder skips the leading newline.
                echo "\n";
                $_SERVER['REQUEST_METHOD'] = 'POST';
                $_GET['action'] = \MfaReminder\Dashboard::ACTION;
                $_POST[\MfaReminder\Dashboard::FORM_TOKEN_FIELD] = \MfaReminder\Dashboard::formToken();
            }
            $result['headers_sent'] = headers_sent();
            ob_start();
            $started = microtime(true);
            mfa_reminder_output($vars);
            $result['elapsed_ms'] = (microtime(true) - $started) * 1000;
            $result['output'] = ob_get_clean();
            break;

        case 'lang':
            $result['languages'] = array();
            foreach (glob($addonDir . '/lang/*.php') as $file) {
                $_ADDONLANG = array();
                require $file;
                $result['languages'][basename($file, '.php')] = $_ADDONLANG;
            }
            break;

        default:
            fwrite(STDERR, "usage: php run.php config|activate|deactivate|hook|output|signin|lang\n");
            exit(2);
    }
} catch (\Throwable $e) {
    $result['exception'] = get_class($e) . ': ' . $e->getMessage() . ' at ' . $e->getFile() . ':' . $e->getLine();
}

$result['module_log'] = $GLOBALS['whmcs_stub_module_log'];
$result['php_errors'] = $GLOBALS['whmcs_stub_php_errors'];
echo json_encode($result, JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT), "\n";

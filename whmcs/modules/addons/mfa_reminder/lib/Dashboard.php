<?php

namespace MfaReminder;

use WHMCS\Database\Capsule;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/SsoToken.php';

/**
 * Single sign-on from the WHMCS admin area into the daemon's dashboard.
 *
 * The admin page shows an "Open dashboard" form that posts back to the
 * addon's own page. That request creates a token for the logged-in admin
 * and redirects to {dashboard address}/sso?token=TOKEN, so each token is
 * created on click and expires 60 seconds later. WHMCS calls the addon's
 * admin page only for the admin roles that the addon's access control
 * allows, so this class does not check roles itself.
 */
final class Dashboard
{
    /** Value of the action query parameter of the sign-in request. */
    const ACTION = 'open_dashboard';

    /** Form field that carries the form token. */
    const FORM_TOKEN_FIELD = 'mfa_reminder_form_token';

    /** $_SESSION key of the form token. */
    const SESSION_FORM_TOKEN = 'mfa_reminder_form_token';

    /**
     * Returns the trimmed sso_secret setting.
     *
     * @param array $settings
     *
     * @return string
     */
    public static function secret(array $settings)
    {
        return isset($settings['sso_secret']) ? trim((string) $settings['sso_secret']) : '';
    }

    /**
     * Reports whether dashboard_url is empty, so the sidecar_url is used.
     *
     * @param array $settings
     *
     * @return bool
     */
    public static function usesSidecarUrl(array $settings)
    {
        return !isset($settings['dashboard_url']) || trim((string) $settings['dashboard_url']) === '';
    }

    /**
     * Returns the dashboard address as admins' browsers reach it, without a
     * trailing slash: the dashboard_url setting, or the sidecar_url when
     * dashboard_url is empty. Returns '' when both are empty.
     *
     * @param array $settings
     *
     * @return string
     */
    public static function baseUrl(array $settings)
    {
        $key = self::usesSidecarUrl($settings) ? 'sidecar_url' : 'dashboard_url';
        $url = isset($settings[$key]) ? trim((string) $settings[$key]) : '';
        return rtrim($url, '/');
    }

    /**
     * Validates the sign-in settings and returns the reason that no sign-in
     * link can be made, or '' when the settings are usable. The reasons are
     * 'secret_missing', 'secret_short' (under 32 bytes), 'url_missing'
     * (dashboard_url and sidecar_url both empty) and 'url_invalid'. An
     * invalid address is not an http(s) URL, or it contains a query
     * string, a fragment, whitespace or a control character.
     *
     * @param array $settings
     *
     * @return string
     */
    public static function configurationProblem(array $settings)
    {
        $secret = self::secret($settings);
        if ($secret === '') {
            return 'secret_missing';
        }
        if (strlen($secret) < SsoToken::MIN_SECRET_BYTES) {
            return 'secret_short';
        }

        $url = self::baseUrl($settings);
        if ($url === '') {
            return 'url_missing';
        }
        $parts = parse_url($url);
        $scheme = is_array($parts) && isset($parts['scheme']) ? strtolower($parts['scheme']) : '';
        $valid = ($scheme === 'http' || $scheme === 'https')
            && isset($parts['host']) && $parts['host'] !== ''
            && !isset($parts['query']) && !isset($parts['fragment'])
            && !preg_match('/[\x00-\x20\x7f]/', $url);
        return $valid ? '' : 'url_invalid';
    }

    /**
     * Returns the sign-in URL {dashboard address}/sso?token=TOKEN with a new
     * token for the admin.
     *
     * @param array $settings addon settings without a configurationProblem()
     * @param array $admin    currentAdmin() result
     * @param int   $now      Unix time of issue
     *
     * @return string
     */
    public static function signInUrl(array $settings, array $admin, $now)
    {
        $token = SsoToken::create(self::secret($settings), $admin['id'], $admin['username'], $now);
        return self::baseUrl($settings) . '/sso?token=' . rawurlencode($token);
    }

    /**
     * Returns the admin id of the WHMCS admin session, $_SESSION['adminid'],
     * or 0 when the session has none.
     *
     * @return int
     */
    public static function sessionAdminId()
    {
        if (!isset($_SESSION) || !is_array($_SESSION) || !isset($_SESSION['adminid'])) {
            return 0;
        }
        $id = $_SESSION['adminid'];
        return is_numeric($id) && (int) $id > 0 ? (int) $id : 0;
    }

    /**
     * Returns the logged-in admin as array('id' => int, 'username' =>
     * string) from tbladmins, or null when the session has no admin id or
     * tbladmins has no row for it. Database errors are thrown.
     *
     * @return array|null
     */
    public static function currentAdmin()
    {
        $id = self::sessionAdminId();
        if ($id === 0) {
            return null;
        }
        $row = Capsule::table('tbladmins')->where('id', $id)->first(array('id', 'username'));
        if ($row === null) {
            return null;
        }
        return array('id' => (int) $row->id, 'username' => (string) $row->username);
    }

    /**
     * Returns the form token of the session, and creates it on first use.
     * A POST to the sign-in action must carry it, so that other sites
     * cannot make an admin's browser open the dashboard. Returns '' when
     * there is no session to store it in.
     *
     * @return string
     */
    public static function formToken()
    {
        if (!isset($_SESSION) || !is_array($_SESSION)) {
            return '';
        }
        $token = isset($_SESSION[self::SESSION_FORM_TOKEN]) ? $_SESSION[self::SESSION_FORM_TOKEN] : '';
        if (!is_string($token) || strlen($token) !== 32) {
            $token = bin2hex(random_bytes(16));
            $_SESSION[self::SESSION_FORM_TOKEN] = $token;
        }
        return $token;
    }

    /**
     * Reports whether the request's form token matches the session's, in
     * constant time.
     *
     * @return bool
     */
    public static function hasValidFormToken()
    {
        $expected = isset($_SESSION) && is_array($_SESSION) && isset($_SESSION[self::SESSION_FORM_TOKEN])
            ? $_SESSION[self::SESSION_FORM_TOKEN] : '';
        $received = isset($_POST[self::FORM_TOKEN_FIELD]) ? $_POST[self::FORM_TOKEN_FIELD] : '';
        return is_string($expected) && $expected !== '' && is_string($received)
            && hash_equals($expected, $received);
    }

    /**
     * Reports whether the request is a POST to the sign-in action.
     *
     * @return bool
     */
    public static function isSignInRequest()
    {
        $method = isset($_SERVER['REQUEST_METHOD']) && is_string($_SERVER['REQUEST_METHOD']) ? $_SERVER['REQUEST_METHOD'] : '';
        $action = isset($_GET['action']) && is_string($_GET['action']) ? $_GET['action'] : '';
        return strtoupper($method) === 'POST' && $action === self::ACTION;
    }
}

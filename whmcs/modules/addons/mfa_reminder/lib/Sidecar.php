<?php

namespace MfaReminder;

use WHMCS\Database\Capsule;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/SidecarResponse.php';

/**
 * Client of the mfa-reminder daemon's HTTP API, plus the addon settings
 * that locate it. The addon module and its hooks both use this class.
 */
final class Sidecar
{
    /** Addon module name, which is also the tbladdonmodules.module value. */
    const MODULE = 'mfa_reminder';

    /** Address of the daemon when the addon has no sidecar_url setting. */
    const DEFAULT_URL = 'http://127.0.0.1:8087';

    /** Connection timeout of client-area requests, in milliseconds. */
    const CLIENT_CONNECT_TIMEOUT_MS = 500;

    /**
     * Total time limit of client-area requests, in milliseconds. The
     * client-area page waits for this request, so it stays short.
     */
    const CLIENT_TIMEOUT_MS = 1500;

    /** Connection timeout of admin-area requests, in milliseconds. */
    const ADMIN_CONNECT_TIMEOUT_MS = 2000;

    /** Total time limit of admin-area requests, in milliseconds. */
    const ADMIN_TIMEOUT_MS = 5000;

    /** Maximum response body size in bytes. A larger body aborts the request. */
    const MAX_BODY_BYTES = 1048576;

    /** @var string */
    private $baseUrl;

    /** @var string */
    private $token;

    /**
     * @param string $baseUrl daemon address such as http://127.0.0.1:8087
     * @param string $token   bearer token, the daemon's MFA_REMINDER_API_TOKEN
     */
    public function __construct($baseUrl, $token)
    {
        $this->baseUrl = rtrim((string) $baseUrl, '/');
        $this->token = (string) $token;
    }

    /**
     * Returns the default value of every addon setting, as declared in
     * mfa_reminder_config(). A yesno setting is 'on' when ticked and ''
     * when not, as WHMCS stores it.
     *
     * @return array<string, string>
     */
    public static function defaultSettings()
    {
        return array(
            'sidecar_url' => self::DEFAULT_URL,
            'api_token' => '',
            'enable_alert' => 'on',
            'alert_style' => 'warning',
            'security_url' => '',
            'enable_email' => 'on',
            'frequency_days' => '30',
            'sso_secret' => '',
            'dashboard_url' => '',
        );
    }

    /**
     * Reads the addon settings from tbladdonmodules. A setting without a
     * row keeps its default from defaultSettings(). Values are trimmed.
     *
     * @return array<string, string>
     */
    public static function readSettings()
    {
        $rows = Capsule::table('tbladdonmodules')
            ->where('module', self::MODULE)
            ->pluck('value', 'setting');

        $settings = self::defaultSettings();
        foreach (self::toArray($rows) as $name => $value) {
            $settings[(string) $name] = trim((string) $value);
        }
        return $settings;
    }

    /**
     * Reports whether a yesno setting is ticked. WHMCS stores 'on' for a
     * ticked box. The values 'yes', '1' and 'true' count too, as they do in
     * the daemon.
     *
     * @param string $value
     *
     * @return bool
     */
    public static function isTicked($value)
    {
        return in_array(strtolower(trim((string) $value)), array('on', 'yes', '1', 'true'), true);
    }

    /**
     * Converts a query result to an array. WHMCS 8 and later return an
     * Illuminate Collection from pluck(), and WHMCS 7 returns an array.
     *
     * @param mixed $rows
     *
     * @return array
     */
    public static function toArray($rows)
    {
        if (is_array($rows)) {
            return $rows;
        }
        if (is_object($rows) && method_exists($rows, 'toArray')) {
            return (array) $rows->toArray();
        }
        if ($rows instanceof \Traversable) {
            return iterator_to_array($rows);
        }
        return array();
    }

    /**
     * Validates the daemon address of the settings and returns the reason
     * it cannot be used: 'url' for a missing or non-http(s) sidecar_url,
     * 'token' for a missing api_token, or '' when both are usable.
     *
     * @param array $settings
     *
     * @return string
     */
    public static function configurationProblem(array $settings)
    {
        $url = isset($settings['sidecar_url']) ? trim((string) $settings['sidecar_url']) : '';
        $token = isset($settings['api_token']) ? trim((string) $settings['api_token']) : '';

        $scheme = strtolower((string) parse_url($url, PHP_URL_SCHEME));
        $host = (string) parse_url($url, PHP_URL_HOST);
        if ($url === '' || ($scheme !== 'http' && $scheme !== 'https') || $host === '') {
            return 'url';
        }
        if ($token === '') {
            return 'token';
        }
        return '';
    }

    /**
     * Creates a client from the addon settings, or returns null when
     * configurationProblem() reports a problem.
     *
     * @param array $settings
     *
     * @return self|null
     */
    public static function fromSettings(array $settings)
    {
        if (self::configurationProblem($settings) !== '') {
            return null;
        }
        return new self(trim($settings['sidecar_url']), trim($settings['api_token']));
    }

    /**
     * Returns the daemon address without a trailing slash.
     *
     * @return string
     */
    public function baseUrl()
    {
        return $this->baseUrl;
    }

    /**
     * Requests the client-area alert fragment of a user. The daemon returns
     * 200 with text/html, 204 when no alert is due, 400 for an invalid
     * user_id, 401 for a wrong token and 404 for an unknown user.
     *
     * @param int    $userId   tblusers.id
     * @param string $language client-area language such as english; '' omits it
     *
     * @return SidecarResponse
     */
    public function alert($userId, $language)
    {
        $query = array('user_id' => (string) (int) $userId);
        if ($language !== '') {
            $query['lang'] = $language;
        }
        return $this->send('GET', '/api/v1/alert', $query, null, self::CLIENT_CONNECT_TIMEOUT_MS, self::CLIENT_TIMEOUT_MS);
    }

    /**
     * Records that a user closed the client-area alert. The daemon returns
     * 204 on success.
     *
     * @param int $userId tblusers.id
     *
     * @return SidecarResponse
     */
    public function dismiss($userId)
    {
        $form = array('user_id' => (string) (int) $userId);
        return $this->send('POST', '/api/v1/dismiss', array(), $form, self::CLIENT_CONNECT_TIMEOUT_MS, self::CLIENT_TIMEOUT_MS);
    }

    /**
     * Requests the MFA adoption figures, a JSON object with total_users,
     * with_mfa, without_mfa and adoption_percent.
     *
     * @return SidecarResponse
     */
    public function stats()
    {
        return $this->send('GET', '/api/v1/stats', array(), null, self::ADMIN_CONNECT_TIMEOUT_MS, self::ADMIN_TIMEOUT_MS);
    }

    /**
     * Sends one request with curl and returns the response. Transport
     * failures are returned as a response with status 0, not thrown.
     * Redirects are not followed, and proxy settings from the environment
     * are ignored because the daemon runs beside WHMCS.
     *
     * @param string     $method           GET or POST
     * @param string     $path             path below the daemon address
     * @param array      $query            query string parameters
     * @param array|null $form             form fields for a POST body
     * @param int        $connectTimeoutMs connection timeout in milliseconds
     * @param int        $totalTimeoutMs   limit of the whole request in milliseconds
     *
     * @return SidecarResponse
     */
    private function send($method, $path, array $query, $form, $connectTimeoutMs, $totalTimeoutMs)
    {
        $started = microtime(true);
        if (!function_exists('curl_init')) {
            return new SidecarResponse(0, '', '', 'the PHP curl extension is not installed', 0);
        }

        $url = $this->baseUrl . $path;
        if ($query) {
            $url .= '?' . http_build_query($query, '', '&', PHP_QUERY_RFC3986);
        }

        $body = '';
        $handle = curl_init();
        if ($handle === false) {
            return new SidecarResponse(0, '', '', 'curl_init() failed', 0);
        }
        $options = array(
            CURLOPT_URL => $url,
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_HTTPHEADER => array(
                'Authorization: Bearer ' . $this->token,
                'Accept: text/html, application/json',
                'Expect:',
            ),
            CURLOPT_HEADER => false,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_PROXY => '',
            // According to the libcurl manual (CURLOPT_TIMEOUT_MS,
            // CURLOPT_NOSIGNAL), timeouts may use SIGALRM unless NOSIGNAL is
            // set, and multi-threaded servers must avoid that signal. NOTE: with NOSIGNAL, a
            // libcurl built with the standard system resolver cannot time
            // out a slow DNS lookup of a host name in sidecar_url (threaded
            // and c-ares builds can), so an IP address is safer.
            CURLOPT_NOSIGNAL => true,
            CURLOPT_CONNECTTIMEOUT_MS => $connectTimeoutMs,
            CURLOPT_TIMEOUT_MS => $totalTimeoutMs,
            CURLOPT_WRITEFUNCTION => function ($curl, $chunk) use (&$body) {
                if (strlen($body) + strlen($chunk) > Sidecar::MAX_BODY_BYTES) {
                    return 0;
                }
                $body .= $chunk;
                return strlen($chunk);
            },
        );
        if ($form !== null) {
            $options[CURLOPT_POST] = true;
            $options[CURLOPT_POSTFIELDS] = http_build_query($form, '', '&');
        }
        curl_setopt_array($handle, $options);

        $ok = curl_exec($handle);
        $status = (int) curl_getinfo($handle, CURLINFO_HTTP_CODE);
        $contentType = (string) curl_getinfo($handle, CURLINFO_CONTENT_TYPE);
        $error = $ok === false ? sprintf('curl error %d: %s', curl_errno($handle), curl_error($handle)) : '';
        if (PHP_VERSION_ID < 80000) {
            curl_close($handle);
        }

        $elapsedMs = (microtime(true) - $started) * 1000;
        if ($ok === false) {
            // A partial response, such as a body cut off by the time limit,
            // counts as no response.
            return new SidecarResponse(0, '', '', $error, $elapsedMs);
        }
        return new SidecarResponse($status, $contentType, $body, '', $elapsedMs);
    }

    /**
     * Records a failed call in the WHMCS module log, which keeps entries
     * only while module debug logging is on. The API token is masked. Does
     * nothing outside WHMCS, and catches any exception of logModuleCall().
     *
     * @param string $action   what was attempted, such as alert or dismiss
     * @param string $request  request summary
     * @param string $response response summary or error message
     * @param string $token    API token to mask in the log
     *
     * @return void
     */
    public static function logFailure($action, $request, $response, $token = '')
    {
        if (!function_exists('logModuleCall')) {
            return;
        }
        $masked = $token !== '' ? array($token) : array();
        try {
            logModuleCall(self::MODULE, $action, $request, $response, '', $masked);
        } catch (\Throwable $e) {
            // The module log is best effort: a failing log write must not
            // break the client-area page.
        }
    }

    /**
     * Returns the API token, for masking it in logs.
     *
     * @return string
     */
    public function token()
    {
        return $this->token;
    }
}

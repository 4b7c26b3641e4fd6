<?php

namespace MfaReminder;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/Sidecar.php';
require_once __DIR__ . '/Dashboard.php';

/**
 * Admin-area page of the addon: the "Open dashboard" button and the MFA
 * adoption figures from the daemon, or the reason either is unavailable
 * and how to fix it.
 */
final class AdminPage
{
    /** @var array<string, string> */
    private $lang;

    /**
     * Language key of the message that explains why the last sign-in
     * request did not redirect, or '' when there is none.
     *
     * @var string
     */
    private $signInProblem = '';

    /**
     * @param array $lang $_ADDONLANG strings of the admin's language
     */
    public function __construct(array $lang)
    {
        $this->lang = $lang;
    }

    /**
     * Renders the page, or an error box when an exception occurs. Settings
     * come from $vars, which WHMCS fills with the addon settings, and fall
     * back to tbladdonmodules.
     *
     * @param array $vars the parameters WHMCS passes to mfa_reminder_output()
     *
     * @return string HTML
     */
    public function render(array $vars)
    {
        try {
            return $this->renderPage($vars);
        } catch (\Throwable $e) {
            Sidecar::logFailure('output', 'admin page', get_class($e) . ': ' . $e->getMessage());
            return $this->error('error_exception', $e->getMessage());
        }
    }

    /**
     * Handles a click on "Open dashboard": a POST to the sign-in action
     * with the session's form token. Returns the dashboard's sign-in URL
     * with a new token, or '' when the request is not a sign-in request or
     * no token can be made. In the second case, render() shows the reason.
     *
     * @param array $vars the parameters WHMCS passes to mfa_reminder_output()
     *
     * @return string
     */
    public function signInLocation(array $vars)
    {
        if (!Dashboard::isSignInRequest()) {
            return '';
        }
        if (!Dashboard::hasValidFormToken()) {
            $this->signInProblem = 'sso_form_expired';
            return '';
        }

        try {
            $settings = self::settings($vars);
            if (Dashboard::configurationProblem($settings) !== '') {
                // render() explains the problem in place of the button.
                return '';
            }
            $admin = Dashboard::currentAdmin();
            if ($admin === null) {
                return '';
            }
            return Dashboard::signInUrl($settings, $admin, time());
        } catch (\Throwable $e) {
            $secret = isset($settings) ? Dashboard::secret($settings) : '';
            $request = 'POST addonmodules.php?module=' . Sidecar::MODULE . '&action=' . Dashboard::ACTION;
            Sidecar::logFailure('sso', $request, get_class($e) . ': ' . $e->getMessage(), $secret);
            $this->signInProblem = 'sso_failed';
            return '';
        }
    }

    /**
     * Renders a link to the dashboard's sign-in URL, for the case that
     * WHMCS has already sent the response headers, so no redirect is
     * possible.
     *
     * @param string $location signInLocation() result
     *
     * @return string HTML
     */
    public function renderSignInLink($location)
    {
        return '<p><a class="btn btn-primary mfa-reminder-sso-link" href="' . self::escape($location) . '">'
            . $this->text('sso_continue') . '</a></p>'
            . '<p class="text-muted">' . $this->text('sso_continue_hint') . '</p>';
    }

    /**
     * Returns the addon settings: $vars, which WHMCS fills with the addon
     * settings, or tbladdonmodules when $vars has none.
     *
     * @param array $vars
     *
     * @return array<string, string>
     */
    private static function settings(array $vars)
    {
        return isset($vars['sidecar_url']) ? array_merge(Sidecar::defaultSettings(), $vars) : Sidecar::readSettings();
    }

    /**
     * Renders the page and lets database errors through to render().
     *
     * @param array $vars
     *
     * @return string HTML
     */
    private function renderPage(array $vars)
    {
        $settings = self::settings($vars);

        $html = '<p>' . $this->text('intro') . '</p>';
        if ($this->signInProblem !== '') {
            $html .= $this->error($this->signInProblem);
        }
        $html .= $this->dashboardSection($settings, $vars);
        return $html . $this->statsSection($settings);
    }

    /**
     * Renders the "Open dashboard" form, or the reason it is unavailable.
     * The secret is never part of the output.
     *
     * @param array $settings
     * @param array $vars
     *
     * @return string HTML
     */
    private function dashboardSection(array $settings, array $vars)
    {
        $problem = Dashboard::configurationProblem($settings);
        if ($problem === 'url_invalid') {
            return $this->unavailable('sso_' . $problem, Dashboard::baseUrl($settings));
        }
        if ($problem !== '') {
            return $this->unavailable('sso_' . $problem);
        }
        $admin = Dashboard::currentAdmin();
        if ($admin === null) {
            return $this->unavailable('sso_admin_missing', Dashboard::sessionAdminId());
        }

        $moduleLink = isset($vars['modulelink']) && is_string($vars['modulelink']) && $vars['modulelink'] !== ''
            ? $vars['modulelink'] : 'addonmodules.php?module=' . Sidecar::MODULE;
        $action = $moduleLink . '&action=' . Dashboard::ACTION;
        $address = Dashboard::baseUrl($settings);

        // target="_blank" keeps the admin area open in its tab. The form
        // token belongs to the session and is no sign-in token, because
        // the sign-in token is created only when the form is submitted.
        $html = '<form method="post" action="' . self::escape($action) . '" target="_blank" rel="noopener"'
            . ' class="mfa-reminder-dashboard">'
            . '<input type="hidden" name="' . Dashboard::FORM_TOKEN_FIELD . '" value="'
            . self::escape(Dashboard::formToken()) . '">'
            . '<button type="submit" class="btn btn-primary">' . $this->text('sso_button') . '</button> '
            . '<span class="text-muted">' . $this->text('sso_button_hint', $address, $admin['username']) . '</span>'
            . '</form>';
        if (Dashboard::usesSidecarUrl($settings)) {
            $html .= '<p class="text-muted mfa-reminder-sso-fallback">' . $this->text('sso_fallback_url') . '</p>';
        }
        return $html;
    }

    /**
     * Renders the adoption figures, or the reason they are unavailable.
     *
     * @param array $settings
     *
     * @return string HTML
     */
    private function statsSection(array $settings)
    {
        $html = '';
        $problem = Sidecar::configurationProblem($settings);
        if ($problem === 'url') {
            return $html . $this->error('error_url');
        }
        if ($problem === 'token') {
            return $html . $this->error('error_token');
        }

        $sidecar = Sidecar::fromSettings($settings);
        $response = $sidecar->stats();
        $address = $sidecar->baseUrl();

        if (!$response->isReachable()) {
            Sidecar::logFailure('stats', 'GET ' . $address . '/api/v1/stats', $response->summary(), $sidecar->token());
            return $html . $this->error('error_unreachable', $address, $response->error);
        }
        if ($response->status === 401) {
            return $html . $this->error('error_unauthorized', $address);
        }
        if ($response->status !== 200) {
            Sidecar::logFailure('stats', 'GET ' . $address . '/api/v1/stats', $response->summary(), $sidecar->token());
            $html .= $this->error('error_status', $address, $response->status);
            $message = self::daemonMessage($response->body);
            if ($message !== '') {
                $html .= '<p class="mfa-reminder-daemon-message">' . $this->text('daemon_message', $message) . '</p>';
            }
            return $html;
        }

        $stats = json_decode($response->body, true);
        if (!is_array($stats) || !isset($stats['total_users'], $stats['with_mfa'], $stats['without_mfa'], $stats['adoption_percent'])) {
            return $html . $this->error('error_response', $address);
        }

        return $html . $this->statsTable($stats) . '<p class="text-muted">' . $this->text('daemon_address', $address) . '</p>';
    }

    /**
     * Renders the adoption figures: all users, then account owners and
     * sub-users when the daemon reports them separately.
     *
     * @param array $stats decoded /api/v1/stats response
     *
     * @return string
     */
    private function statsTable(array $stats)
    {
        $rows = array('row_all' => $stats);
        if (isset($stats['owners']) && is_array($stats['owners'])) {
            $rows['row_owners'] = $stats['owners'];
        }
        if (isset($stats['sub_users']) && is_array($stats['sub_users'])) {
            $rows['row_sub_users'] = $stats['sub_users'];
        }

        $html = '<table class="table table-striped mfa-reminder-stats"><thead><tr>'
            . '<th></th>'
            . '<th>' . $this->text('column_total') . '</th>'
            . '<th>' . $this->text('column_with_mfa') . '</th>'
            . '<th>' . $this->text('column_without_mfa') . '</th>'
            . '<th>' . $this->text('column_adoption') . '</th>'
            . '</tr></thead><tbody>';
        foreach ($rows as $labelKey => $figures) {
            $html .= '<tr data-group="' . self::escape(substr($labelKey, 4)) . '">'
                . '<th>' . $this->text($labelKey) . '</th>'
                . self::cell('total_users', $figures)
                . self::cell('with_mfa', $figures)
                . self::cell('without_mfa', $figures)
                . '<td data-field="adoption_percent">'
                . $this->text('percent', number_format(self::number($figures, 'adoption_percent'), 1))
                . '</td></tr>';
        }
        $html .= '</tbody></table>';

        if (isset($stats['client_statuses']) && is_array($stats['client_statuses']) && $stats['client_statuses']) {
            $statuses = implode(', ', array_map('strval', $stats['client_statuses']));
            $html .= '<p>' . $this->text('client_statuses', $statuses) . '</p>';
        }
        return $html;
    }

    /**
     * Returns the "error" text of a JSON error response of the daemon, at
     * most 300 bytes, or '' when the body has none.
     *
     * @param string $body
     *
     * @return string
     */
    private static function daemonMessage($body)
    {
        $decoded = json_decode($body, true);
        if (!is_array($decoded) || !isset($decoded['error']) || !is_string($decoded['error'])) {
            return '';
        }
        return substr(trim($decoded['error']), 0, 300);
    }

    /**
     * @param string $field
     * @param array  $figures
     *
     * @return string
     */
    private static function cell($field, array $figures)
    {
        $value = (string) (int) self::number($figures, $field);
        return '<td data-field="' . $field . '">' . $value . '</td>';
    }

    /**
     * @param array  $figures
     * @param string $field
     *
     * @return float
     */
    private static function number(array $figures, $field)
    {
        return isset($figures[$field]) && is_numeric($figures[$field]) ? (float) $figures[$field] : 0.0;
    }

    /**
     * Renders an error box with a translated message.
     *
     * @param string $key
     * @param mixed  ...$args values for the message's sprintf placeholders
     *
     * @return string
     */
    private function error($key, ...$args)
    {
        return '<div class="alert alert-danger mfa-reminder-error" data-error="' . self::escape($key) . '">'
            . $this->text($key, ...$args) . '</div>';
    }

    /**
     * Renders a notice that the "Open dashboard" button is unavailable,
     * with a translated message that explains how to fix it.
     *
     * @param string $key
     * @param mixed  ...$args values for the message's sprintf placeholders
     *
     * @return string
     */
    private function unavailable($key, ...$args)
    {
        return '<div class="alert alert-warning mfa-reminder-sso-unavailable" data-sso-problem="' . self::escape($key) . '">'
            . $this->text($key, ...$args) . '</div>';
    }

    /**
     * Returns a translated string with its placeholders filled, escaped for
     * HTML. A key missing from the language file shows the key itself.
     *
     * @param string $key
     * @param mixed  ...$args values for the string's sprintf placeholders
     *
     * @return string
     */
    private function text($key, ...$args)
    {
        $format = isset($this->lang[$key]) && is_string($this->lang[$key]) ? $this->lang[$key] : $key;
        if (!$args) {
            return self::escape($format);
        }

        $values = array_map('strval', $args);
        try {
            $text = vsprintf($format, $values);
        } catch (\Throwable $e) {
            // PHP 8 throws on a translation with too many placeholders, and
            // PHP 7 returns false with a warning.
            $text = false;
        }
        if ($text === false) {
            $text = $format . ' ' . implode(' ', $values);
        }
        return self::escape($text);
    }

    /**
     * @param string $text
     *
     * @return string
     */
    private static function escape($text)
    {
        return htmlspecialchars((string) $text, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    }
}

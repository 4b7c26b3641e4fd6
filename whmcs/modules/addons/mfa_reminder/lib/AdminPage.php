<?php

namespace MfaReminder;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/Sidecar.php';

/**
 * Admin-area page of the addon: MFA adoption figures from the daemon, or
 * the reason they are unavailable and how to fix it.
 */
final class AdminPage
{
    /** @var array<string, string> */
    private $lang;

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
     * Renders the page and lets database errors through to render().
     *
     * @param array $vars
     *
     * @return string HTML
     */
    private function renderPage(array $vars)
    {
        $settings = isset($vars['sidecar_url']) ? array_merge(Sidecar::defaultSettings(), $vars) : Sidecar::readSettings();

        $html = '<p>' . $this->text('intro') . '</p>';

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

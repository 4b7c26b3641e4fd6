<?php

namespace MfaReminder;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/Sidecar.php';

/**
 * Client-area side of the addon: the homepage alert and the route that
 * records its dismissal.
 */
final class ClientArea
{
    /** @var bool whether this request has already emitted dismissScript() */
    private static $scriptEmitted = false;

    /**
     * Returns the HTML of the MFA alert for the logged-in user, or '' when
     * no alert is due, the alert is turned off, or the daemon request
     * fails. Database errors are thrown, so the hook wraps the call in a
     * catch-all.
     *
     * @return string
     */
    public static function homepageAlert()
    {
        $identity = self::currentIdentity();
        if ($identity === null) {
            return '';
        }

        $settings = Sidecar::readSettings();
        if (!Sidecar::isTicked($settings['enable_alert'])) {
            return '';
        }
        $sidecar = Sidecar::fromSettings($settings);
        if ($sidecar === null) {
            return '';
        }

        $language = self::languageName();
        $response = $sidecar->alert($identity['user_id'], $language);
        if ($response->status === 200 && $response->isHtml() && trim($response->body) !== '') {
            return $response->body . self::dismissScript();
        }

        // 204 means that no alert is due for this user, which is no failure.
        if ($response->status !== 204) {
            $request = sprintf('GET %s/api/v1/alert user_id=%d lang=%s', $sidecar->baseUrl(), $identity['user_id'], $language);
            $summary = $response->summary();
            if ($response->status === 200) {
                $summary = 'unexpected Content-Type "' . $response->contentType . '" or empty body; ' . $summary;
            }
            Sidecar::logFailure('alert', $request, $summary, $sidecar->token());
        }
        return '';
    }

    /**
     * Returns the script that records a dismissal when the user closes the
     * alert, or '' when this request has already emitted it.
     *
     * The listener runs in the capture phase on document, so it receives
     * the click before Bootstrap's data-dismiss handler. Bootstrap 4's
     * alert.js calls preventDefault() on that click, so without this
     * listener the form would not submit. Without fetch or FormData the
     * listener does nothing, and without JavaScript the button submits its
     * form, which redirects back to clientarea.php.
     *
     * @return string
     */
    public static function dismissScript()
    {
        if (self::$scriptEmitted) {
            return '';
        }
        self::$scriptEmitted = true;

        return <<<'HTML'
<script>
(function () {
    if (window.mfaReminderDismissBound) {
        return;
    }
    window.mfaReminderDismissBound = true;
    document.addEventListener('click', function (event) {
        if (!window.fetch || !window.FormData || !event.target || !event.target.closest) {
            return;
        }
        var button = event.target.closest('.mfa-reminder-alert form button');
        if (!button) {
            return;
        }
        var form = button.closest('form');
        var alert = button.closest('.mfa-reminder-alert');
        event.preventDefault();
        fetch(form.action, {
            method: 'POST',
            body: new FormData(form),
            credentials: 'same-origin',
            keepalive: true,
            headers: {'X-Requested-With': 'XMLHttpRequest'}
        }).catch(function () {});
        if (alert && alert.parentNode) {
            alert.parentNode.removeChild(alert);
        }
    }, true);
})();
</script>
HTML;
    }

    /**
     * Handles index.php?m=mfa_reminder&action=dismiss and ends the request.
     *
     * A POST from the logged-in user is forwarded to the daemon, unless an
     * admin is logged in as the user or the browser marks the request as
     * cross-site. The user id always comes from the WHMCS session. The
     * response is 204 for XMLHttpRequest/fetch calls and a redirect to
     * clientarea.php otherwise, also when recording fails. A request that
     * is not a POST records nothing and gets 405 from fetch, or the same
     * redirect from a browser navigation.
     *
     * @return void
     */
    public static function handleDismiss()
    {
        $isXhr = strtolower(self::server('HTTP_X_REQUESTED_WITH')) === 'xmlhttprequest';
        $isPost = strtoupper(self::server('REQUEST_METHOD')) === 'POST';
        $action = isset($_GET['action']) && is_string($_GET['action']) ? $_GET['action'] : '';

        if ($isPost && $action === 'dismiss') {
            try {
                self::recordDismissal();
            } catch (\Throwable $e) {
                Sidecar::logFailure('dismiss', 'POST index.php?m=mfa_reminder&action=dismiss', get_class($e) . ': ' . $e->getMessage());
            }
        }

        if ($isXhr) {
            if (!$isPost) {
                header('Allow: POST');
                http_response_code(405);
            } else {
                http_response_code(204);
            }
        } else {
            header('Location: clientarea.php', true, 302);
        }
        exit;
    }

    /**
     * Forwards the dismissal of the logged-in user to the daemon.
     *
     * @return void
     */
    private static function recordDismissal()
    {
        // The alert's own form and script post from the same origin, so a
        // POST that the browser marks as cross-site was forged by another
        // site. Browsers without Sec-Fetch-Site support are not checked.
        if (strtolower(self::server('HTTP_SEC_FETCH_SITE')) === 'cross-site') {
            return;
        }

        $identity = self::currentIdentity();
        if ($identity === null || $identity['masquerading']) {
            return;
        }

        $sidecar = Sidecar::fromSettings(Sidecar::readSettings());
        if ($sidecar === null) {
            return;
        }

        $response = $sidecar->dismiss($identity['user_id']);
        if ($response->status !== 204 && $response->status !== 200) {
            $request = sprintf('POST %s/api/v1/dismiss user_id=%d', $sidecar->baseUrl(), $identity['user_id']);
            Sidecar::logFailure('dismiss', $request, $response->summary(), $sidecar->token());
        }
    }

    /**
     * Returns the logged-in user as array('user_id' => int, 'masquerading'
     * => bool), or null when no user is logged in or WHMCS is older than 8.0,
     * which has no CurrentUser class.
     *
     * @return array|null
     */
    public static function currentIdentity()
    {
        if (!class_exists('WHMCS\Authentication\CurrentUser')) {
            return null;
        }
        $currentUser = new \WHMCS\Authentication\CurrentUser();
        $user = $currentUser->user();
        if (!$user) {
            return null;
        }
        $userId = (int) $user->id;
        if ($userId <= 0) {
            return null;
        }
        return array(
            'user_id' => $userId,
            'masquerading' => (bool) $currentUser->isMasqueradingAdmin(),
        );
    }

    /**
     * Returns the current client-area language name such as english, or ''
     * when WHMCS does not provide one. Lang::getName() may be a facade call
     * through __callStatic, so is_callable() is used instead of
     * method_exists().
     *
     * @return string
     */
    public static function languageName()
    {
        try {
            if (!class_exists('Lang') || !is_callable(array('Lang', 'getName'))) {
                return '';
            }
            $name = strtolower(trim((string) call_user_func(array('Lang', 'getName'))));
        } catch (\Throwable $e) {
            return '';
        }
        if (!preg_match('/^[a-z][a-z0-9_-]{0,31}$/', $name)) {
            return '';
        }
        return $name;
    }

    /**
     * @param string $name
     *
     * @return string
     */
    private static function server($name)
    {
        return isset($_SERVER[$name]) && is_string($_SERVER[$name]) ? $_SERVER[$name] : '';
    }
}

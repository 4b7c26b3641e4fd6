<?php

namespace MfaReminder;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Result of one HTTP request to the mfa-reminder daemon.
 *
 * A status of 0 means that no HTTP response arrived (connection refused,
 * timeout, invalid URL), and error then contains the curl error message.
 */
final class SidecarResponse
{
    /** @var int */
    public $status;

    /** @var string */
    public $contentType;

    /** @var string */
    public $body;

    /** @var string */
    public $error;

    /** @var float */
    public $elapsedMs;

    /**
     * @param int    $status
     * @param string $contentType
     * @param string $body
     * @param string $error
     * @param float  $elapsedMs
     */
    public function __construct($status, $contentType, $body, $error, $elapsedMs)
    {
        $this->status = (int) $status;
        $this->contentType = (string) $contentType;
        $this->body = (string) $body;
        $this->error = (string) $error;
        $this->elapsedMs = (float) $elapsedMs;
    }

    /**
     * Reports whether the daemon sent an HTTP response at all.
     *
     * @return bool
     */
    public function isReachable()
    {
        return $this->status > 0;
    }

    /**
     * Reports whether the media type of the response is text/html.
     *
     * @return bool
     */
    public function isHtml()
    {
        $mediaType = strtolower(trim(explode(';', $this->contentType)[0]));
        return $mediaType === 'text/html';
    }

    /**
     * Returns a one-line summary for the WHMCS module log.
     *
     * @return string
     */
    public function summary()
    {
        if (!$this->isReachable()) {
            return sprintf('no response after %.0f ms: %s', $this->elapsedMs, $this->error);
        }
        return sprintf('HTTP %d after %.0f ms: %s', $this->status, $this->elapsedMs, substr($this->body, 0, 500));
    }
}

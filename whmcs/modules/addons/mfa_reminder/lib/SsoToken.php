<?php

namespace MfaReminder;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Sign-in token for the daemon's GET /sso: a JSON Web Token (RFC 7519)
 * signed with HS256, which is HMAC-SHA256 with the shared SSO secret
 * (RFC 7518, section 3.2).
 */
final class SsoToken
{
    /** Value of the aud claim, which the daemon requires. */
    const AUDIENCE = 'mfa-reminder';

    /** Seconds from iat to exp. The daemon rejects tokens that live longer. */
    const LIFETIME_SECONDS = 60;

    /** Minimum length of the SSO secret in bytes, as the daemon requires. */
    const MIN_SECRET_BYTES = 32;

    /**
     * Creates a token for one WHMCS admin. The claims are sub (the admin id
     * as a string), name (the admin username), aud, iat, exp (iat plus 60
     * seconds) and jti (32 random hexadecimal characters), so that the
     * daemon can reject a second use of the same token.
     *
     * @param string $secret   the SSO secret, at least MIN_SECRET_BYTES bytes
     * @param int    $adminId  tbladmins.id
     * @param string $username tbladmins.username
     * @param int    $now      Unix time of issue
     *
     * @return string the token: header, claims and signature, base64url-encoded and joined by dots
     *
     * @throws \InvalidArgumentException when the secret is shorter than MIN_SECRET_BYTES
     * @throws \Exception when random_bytes() finds no source of randomness
     */
    public static function create($secret, $adminId, $username, $now)
    {
        $secret = (string) $secret;
        if (strlen($secret) < self::MIN_SECRET_BYTES) {
            throw new \InvalidArgumentException(sprintf(
                'the SSO secret is shorter than %d bytes',
                self::MIN_SECRET_BYTES
            ));
        }

        $header = array('alg' => 'HS256', 'typ' => 'JWT');
        $claims = array(
            'sub' => (string) (int) $adminId,
            'name' => (string) $username,
            'aud' => self::AUDIENCE,
            'iat' => (int) $now,
            'exp' => (int) $now + self::LIFETIME_SECONDS,
            'jti' => bin2hex(random_bytes(16)),
        );

        $signingInput = self::encodeJson($header) . '.' . self::encodeJson($claims);
        $signature = hash_hmac('sha256', $signingInput, $secret, true);
        return $signingInput . '.' . self::base64UrlEncode($signature);
    }

    /**
     * Encodes a value as JSON and the JSON as base64url. Invalid UTF-8 in a
     * username becomes U+FFFD, so it does not make the encoding fail.
     *
     * @param array $value
     *
     * @return string
     */
    private static function encodeJson(array $value)
    {
        $json = json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
        if ($json === false) {
            throw new \RuntimeException('json_encode failed: ' . json_last_error_msg());
        }
        return self::base64UrlEncode($json);
    }

    /**
     * Encodes bytes as base64url without padding (RFC 4648, section 5), as
     * JSON Web Tokens require.
     *
     * @param string $bytes
     *
     * @return string
     */
    private static function base64UrlEncode($bytes)
    {
        return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
    }
}

package server

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
)

// maxBody is the largest request body the daemon reads.
const maxBody = "64K"

// maxBodyBytes is maxBody in bytes.
const maxBodyBytes = 64 << 10

// bufferUnknownLength reads a body sent without Content-Length, such as a
// chunked one, and rejects it with 413 when it is over maxBody, so that
// handlers never see a body cut at the limit.
func bufferUnknownLength(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		request := c.Request()
		if request.ContentLength >= 0 || request.Body == nil || request.Body == http.NoBody {
			return next(c)
		}
		data, err := io.ReadAll(io.LimitReader(request.Body, maxBodyBytes+1))
		if err != nil || len(data) > maxBodyBytes {
			return echo.ErrStatusRequestEntityTooLarge
		}
		request.Body = io.NopCloser(bytes.NewReader(data))
		request.ContentLength = int64(len(data))
		return next(c)
	}
}

// securityHeaders sets the headers of every response: a Content Security
// Policy with no inline script, framing only by the WHMCS admin origin,
// no MIME sniffing and no referrer beyond this site.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	// Inline styles are allowed because the email preview shows the
	// template's own <style>; scripts run from this origin only.
	policy := "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; " +
		"frame-ancestors " + frameAncestors(s.cfg.WHMCSAdminURL)
	return func(c echo.Context) error {
		header := c.Response().Header()
		header.Set("Content-Security-Policy", policy)
		header.Set("X-Content-Type-Options", "nosniff")
		header.Set("Referrer-Policy", "same-origin")
		header.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.secure(c) {
			header.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// frameAncestors returns the origin of the WHMCS admin URL, or 'none'.
func frameAncestors(adminURL string) string {
	parsed, err := url.Parse(adminURL)
	if err != nil || parsed.Scheme == "" || parsed.Host == "" {
		return "'none'"
	}
	return parsed.Scheme + "://" + parsed.Host
}

// ipExtractor returns the client address from the connection, or from
// X-Forwarded-For when the connection comes from a trusted proxy.
func ipExtractor(proxies []netip.Prefix) echo.IPExtractor {
	if len(proxies) == 0 {
		return echo.ExtractIPDirect()
	}
	options := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false),
		echo.TrustPrivateNet(false)}
	for _, proxy := range proxies {
		options = append(options, echo.TrustIPRange(prefixNet(proxy)))
	}
	return echo.ExtractIPFromXFFHeader(options...)
}

// fromTrustedProxy reports whether the connection comes from a trusted
// proxy.
func (s *Server) fromTrustedProxy(c echo.Context) bool {
	peer, err := netip.ParseAddrPort(c.Request().RemoteAddr)
	if err != nil {
		return false
	}
	return containsAddr(s.proxies, peer.Addr())
}

func containsAddr(prefixes []netip.Prefix, addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, prefix := range prefixes {
		if prefix.Contains(addr) {
			return true
		}
	}
	return false
}

// allowAPIClients rejects API requests from addresses outside
// api.allowed_ips, when that list is set.
func (s *Server) allowAPIClients(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if len(s.allowed) == 0 {
			return next(c)
		}
		addr, err := netip.ParseAddr(c.RealIP())
		if err != nil || !containsAddr(s.allowed, addr) {
			s.logger.Warn("API request from an address not allowed", "client_ip", c.RealIP())
			return echo.NewHTTPError(http.StatusForbidden,
				"this client address may not use the API: add it to api.allowed_ips")
		}
		return next(c)
	}
}

// rateLimit limits each client address to perSecond requests per second
// on average, with bursts of twice as many and at least 20.
func (s *Server) rateLimit(perSecond float64) echo.MiddlewareFunc {
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(perSecond), Burst: max(int(2*perSecond), 20), ExpiresIn: 5 * time.Minute,
	})
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: store,
		IdentifierExtractor: func(c echo.Context) (string, error) {
			return c.RealIP(), nil
		},
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", "1")
			return echo.NewHTTPError(http.StatusTooManyRequests,
				"too many requests from this address: slow down")
		},
		ErrorHandler: func(c echo.Context, err error) error {
			return echo.NewHTTPError(http.StatusForbidden, "client address unknown")
		},
	})
}

// networks parses address ranges that Validate has checked.
func networks(entries []string) []netip.Prefix {
	var prefixes []netip.Prefix
	for _, entry := range entries {
		if prefix, err := config.ParseNetwork(entry); err == nil {
			prefixes = append(prefixes, prefix)
		}
	}
	return prefixes
}

func prefixNet(prefix netip.Prefix) *net.IPNet {
	addr := prefix.Addr()
	return &net.IPNet{IP: net.IP(addr.AsSlice()), Mask: net.CIDRMask(prefix.Bits(), addr.BitLen())}
}

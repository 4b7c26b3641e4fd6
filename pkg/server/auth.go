package server

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// Sign-in limits: this many failures within the window, from one client
// address or for one username, lock further attempts for the window.
const (
	maxFailures   = 5
	failureWindow = 15 * time.Minute
)

// ssoAudience is the aud claim of WHMCS sign-on tokens.
const ssoAudience = "mfa-reminder"

// ssoMaxLifetime is how far ahead a sign-on token's exp may be. The addon
// issues tokens valid for 60 s, and 10 s more allow for clock drift.
const ssoMaxLifetime = 70 * time.Second

// dummyHash is compared against when a username is unknown, so that the
// response takes as long as for a known one.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("mfa-reminder unknown user"),
	bcrypt.DefaultCost)

// failures counts failed sign-ins per key within failureWindow.
type failures struct {
	mu     sync.Mutex
	recent map[string][]time.Time
}

func newFailures() *failures {
	return &failures{recent: map[string][]time.Time{}}
}

// locked returns how long key stays locked at now, or 0.
func (f *failures) locked(key string, now time.Time) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	times := f.prune(key, now)
	if len(times) < maxFailures {
		return 0
	}
	return times[len(times)-maxFailures].Add(failureWindow).Sub(now)
}

func (f *failures) add(key string, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recent[key] = append(f.prune(key, now), now)
}

// prune drops failures older than the window; the caller holds mu.
func (f *failures) prune(key string, now time.Time) []time.Time {
	times := f.recent[key]
	kept := times[:0]
	for _, at := range times {
		if now.Sub(at) < failureWindow {
			kept = append(kept, at)
		}
	}
	if len(kept) == 0 {
		delete(f.recent, key)
		return nil
	}
	f.recent[key] = kept
	return kept
}

type loginPage struct {
	Error string
	CSRF  string
	// Local is true when the configuration lists local accounts.
	Local    bool
	Username string
}

// showLogin shows the sign-in form. Its CSRF token is bound to a random
// cookie, because no session exists yet.
func (s *Server) showLogin(c echo.Context) error {
	session, err := s.loadSession(c)
	if err != nil {
		return err
	}
	if session != nil {
		return c.Redirect(http.StatusSeeOther, s.url("/"))
	}
	return s.renderLogin(c, http.StatusOK, loginPage{})
}

func (s *Server) renderLogin(c echo.Context, status int, page loginPage) error {
	value := randomToken()
	if cookie, err := c.Cookie(loginCookie); err == nil && len(cookie.Value) == len(value) {
		value = cookie.Value
	} else {
		s.setCookie(c, loginCookie, value, time.Hour)
	}
	page.CSRF = s.signer.sign("login", value)
	page.Local = len(s.cfg.Admins) > 0
	return s.render(c, status, "login.html", "Sign in", page)
}

// login checks a local account's password. Failures are counted per
// client address and per username; five within 15 minutes lock that
// address or username for the rest of the 15 minutes.
func (s *Server) login(c echo.Context) error {
	cookie, err := c.Cookie(loginCookie)
	if err != nil || !hmac.Equal([]byte(c.FormValue("csrf_token")),
		[]byte(s.signer.sign("login", cookie.Value))) {
		return echo.NewHTTPError(http.StatusForbidden,
			"the sign-in form has expired or came from another site: reload it and try again")
	}

	username := strings.TrimSpace(c.FormValue("username"))
	if len(username) > 200 {
		username = strings.ToValidUTF8(username[:200], "")
	}
	now := s.now()
	ipKey, userKey := "ip:"+c.RealIP(), "user:"+strings.ToLower(username)
	wait := max(s.failures.locked(ipKey, now), s.failures.locked(userKey, now))
	if wait > 0 {
		s.logger.Warn("Dashboard sign-in locked", "client_ip", c.RealIP())
		c.Response().Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		return s.renderLogin(c, http.StatusTooManyRequests, loginPage{Username: username,
			Error: fmt.Sprintf("Too many failed sign-ins. Try again in %d minutes.",
				int(wait.Minutes())+1)})
	}

	if !s.checkPassword(username, c.FormValue("password")) {
		s.failures.add(ipKey, now)
		s.failures.add(userKey, now)
		s.logger.Warn("Dashboard sign-in failed", "client_ip", c.RealIP())
		return s.renderLogin(c, http.StatusUnauthorized, loginPage{Username: username,
			Error: "Wrong username or password."})
	}

	if err := s.startSession(c, "local:"+username, username, methodLocal); err != nil {
		return err
	}
	s.setCookie(c, loginCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, s.url("/"))
}

// checkPassword compares in bcrypt's time whether or not username exists.
func (s *Server) checkPassword(username, password string) bool {
	hash := dummyHash
	known := false
	for _, admin := range s.cfg.Admins {
		if strings.EqualFold(admin.Username, username) {
			hash, known = []byte(admin.PasswordHash), true
			break
		}
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	return known && err == nil
}

// logout ends the session.
func (s *Server) logout(c echo.Context) error {
	if session, ok := c.Get(sessionKey).(*store.Session); ok {
		if err := s.store.DeleteSession(c.Request().Context(), session.ID); err != nil {
			return unavailable(err)
		}
		s.logger.Info("Dashboard sign-out", "admin", session.AdminName)
	}
	s.setCookie(c, sessionCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, s.url("/login"))
}

// ssoClaims are the claims of the WHMCS addon's sign-on token.
type ssoClaims struct {
	Name string `json:"name"`
	jwt.RegisteredClaims
}

type ssoErrorPage struct {
	Reason string
}

// sso signs in an admin with the token of the WHMCS addon's "Open
// dashboard" button: an HS256 JWT with aud mfa-reminder, exp at most 60 s
// ahead, and a jti that is accepted once.
func (s *Server) sso(c echo.Context) error {
	raw := c.QueryParam("token")
	if raw == "" || len(raw) > 4096 {
		return s.ssoRejected(c, "the link carries no sign-on token")
	}

	claims := &ssoClaims{}
	token, err := jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) {
		return []byte(s.cfg.SSOSecret), nil
	}, jwt.WithValidMethods([]string{"HS256"}), jwt.WithAudience(ssoAudience),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithTimeFunc(s.now),
		jwt.WithLeeway(5*time.Second))
	switch {
	case err != nil && token != nil && token.Method != nil && token.Method.Alg() != "HS256":
		return s.ssoRejected(c, "the token is signed with "+token.Method.Alg()+", not HS256: "+
			"the algorithm is not accepted")
	case err != nil:
		return s.ssoRejected(c, ssoReason(err))
	}

	now := s.now()
	switch {
	case claims.ExpiresAt.Sub(now) > ssoMaxLifetime:
		return s.ssoRejected(c, "the token is valid for too long; the addon issues tokens "+
			"that expire within 60 seconds")
	case claims.ID == "" || len(claims.ID) > 128:
		return s.ssoRejected(c, "the token has no valid jti")
	case claims.Subject == "" || strings.TrimSpace(claims.Name) == "":
		return s.ssoRejected(c, "the token names no admin (sub and name)")
	}

	err = s.store.UseSSOToken(c.Request().Context(), claims.ID, claims.ExpiresAt.Add(time.Minute))
	if errors.Is(err, store.ErrTokenUsed) {
		// A browser that reloads the link after signing in keeps its session.
		if session, _ := s.loadSession(c); session != nil {
			return c.Redirect(http.StatusSeeOther, s.url("/"))
		}
		return s.ssoRejected(c, "the token was already used; links from WHMCS work once")
	}
	if err != nil {
		return unavailable(err)
	}

	if err := s.startSession(c, "whmcs:"+claims.Subject, claims.Name, methodSSO); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.url("/"))
}

func (s *Server) ssoRejected(c echo.Context, reason string) error {
	s.logger.Warn("WHMCS sign-on rejected", "reason", reason, "client_ip", c.RealIP())
	return s.render(c, http.StatusUnauthorized, "sso.html", "Sign-on failed",
		ssoErrorPage{Reason: reason})
}

// ssoReason returns in words why a token failed verification.
func ssoReason(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "the token has expired; open the dashboard from WHMCS again"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "the token's signature is wrong: it was altered, or the addon's SSO secret " +
			"differs from the daemon's sso_secret"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "the token is not meant for mfa-reminder (aud)"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing) && strings.Contains(err.Error(), "aud"):
		return "the token names no audience (aud)"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "the token has no expiry (exp)"
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "the token is not valid yet; check the clocks of the WHMCS and daemon servers"
	default:
		return "the token is malformed"
	}
}

package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfa-reminder/mfa-reminder/dashboard"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// pages are the dashboard templates; each is parsed with layout.html.
var pages = []string{"login.html", "sso.html", "overview.html", "users.html", "batch.html",
	"preview.html", "activity.html", "settings.html", "error.html"}

// views holds the parsed dashboard templates and the static files with
// their content hashes.
type views struct {
	base   string
	pages  map[string]*template.Template
	static map[string]staticFile
}

type staticFile struct {
	body []byte
	hash string
}

// parseViews parses every page once at start, so a broken template stops
// the daemon at start instead of failing a request. base is the path
// prefix of every link.
func parseViews(base string) (*views, error) {
	v := &views{base: base, pages: map[string]*template.Template{},
		static: map[string]staticFile{}}

	err := fs.WalkDir(dashboard.Files, "static", func(name string, entry fs.DirEntry, err error) error {
		if err != nil || entry.IsDir() {
			return err
		}
		body, err := fs.ReadFile(dashboard.Files, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		v.static[path.Base(name)] = staticFile{body: body, hash: hex.EncodeToString(sum[:8])}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read dashboard static files: %w", err)
	}

	funcs := template.FuncMap{
		"url":     v.url,
		"static":  v.staticURL,
		"when":    formatTime,
		"date":    func(t time.Time) string { return t.Format("2006-01-02") },
		"percent": func(p store.Percent) string { return p.String() + "%" },
		"query":   func(values url.Values) template.URL { return template.URL(values.Encode()) },
		"users":   func(n int) string { return countUsers(n, "user") },
	}
	for _, page := range pages {
		tpl, err := template.New(page).Funcs(funcs).ParseFS(dashboard.Files,
			"templates/layout.html", "templates/"+page)
		if err != nil {
			return nil, fmt.Errorf("parse dashboard template %s: %w", page, err)
		}
		v.pages[page] = tpl
	}
	return v, nil
}

// url returns a dashboard path under the path prefix.
func (v *views) url(path string) string {
	return v.base + path
}

// staticURL returns the URL of a static file with its content hash, so
// browsers may cache it for as long as the file does not change.
func (v *views) staticURL(name string) string {
	return v.base + "/static/" + name + "?v=" + v.static[name].hash
}

func formatTime(t store.NullTime) string {
	if !t.Valid {
		return "Never"
	}
	return t.Time.UTC().Format("2006-01-02 15:04") + " UTC"
}

// layout is the data every page gets.
type layout struct {
	Title string
	// Nav is the path of the navigation entry to mark as current.
	Nav       string
	CSRF      string
	Admin     string
	SignedIn  bool
	Flash     *flash
	Version   string
	Generated time.Time
	Page      any
}

type errorPage struct {
	Status  int
	Message string
}

// render executes a page into a buffer first, so a template error never
// sends half a page.
func (s *Server) render(c echo.Context, status int, page, title string, data any) error {
	tpl, ok := s.views.pages[page]
	if !ok {
		return fmt.Errorf("unknown dashboard page %s", page)
	}

	view := layout{
		Title:     title,
		Nav:       c.Path(),
		Flash:     s.takeFlash(c),
		Version:   s.Version,
		Generated: s.now().UTC(),
		Page:      data,
	}
	if session, ok := c.Get(sessionKey).(*store.Session); ok {
		view.SignedIn = true
		view.CSRF = s.signer.csrfToken(session.ID)
		view.Admin = session.AdminName
	}

	var body bytes.Buffer
	if err := tpl.ExecuteTemplate(&body, "layout", view); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.HTMLBlob(status, body.Bytes())
}

// static serves the embedded static files.
func (s *Server) static(c echo.Context) error {
	name := c.Param("*")
	file, ok := s.views.static[name]
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "no such file")
	}
	header := c.Response().Header()
	if c.QueryParam("v") == file.hash {
		header.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
	}
	header.Set("ETag", `"`+file.hash+`"`)
	return c.Blob(http.StatusOK, mime.TypeByExtension(path.Ext(name)), file.body)
}

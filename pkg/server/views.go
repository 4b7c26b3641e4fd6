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
	"path"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfa-reminder/mfa-reminder/dashboard"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// pages are the dashboard templates; each is parsed with layout.html.
var pages = []string{"login.html", "overview.html", "error.html"}

// views holds the parsed dashboard templates and the static files with
// their content hashes.
type views struct {
	pages  map[string]*template.Template
	static map[string]staticFile
}

type staticFile struct {
	body []byte
	hash string
}

// parseViews parses every page once at start, so a broken template stops
// the daemon at start instead of failing a request.
func parseViews() (*views, error) {
	v := &views{pages: map[string]*template.Template{}, static: map[string]staticFile{}}

	funcs := template.FuncMap{
		"when":   formatTime,
		"static": v.staticURL,
		"mul10":  func(p store.Percent) float64 { return float64(p) * 10 },
	}
	for _, page := range pages {
		tpl, err := template.New(page).Funcs(funcs).ParseFS(dashboard.Files,
			"templates/layout.html", "templates/"+page)
		if err != nil {
			return nil, fmt.Errorf("parse dashboard template %s: %w", page, err)
		}
		v.pages[page] = tpl
	}

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
	return v, nil
}

// staticURL returns the URL of a static file with its content hash, so
// browsers may cache it for as long as the file does not change.
func (v *views) staticURL(name string) string {
	return "/static/" + name + "?v=" + v.static[name].hash
}

func formatTime(t store.NullTime) string {
	if !t.Valid {
		return "Never"
	}
	return t.Time.UTC().Format("2006-01-02 15:04") + " UTC"
}

// layout is the data every page gets.
type layout struct {
	Title     string
	CSRF      string
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

	session := s.sessionValue(c)
	view := layout{
		Title:     title,
		SignedIn:  session != "",
		Flash:     s.takeFlash(c),
		Version:   s.version,
		Generated: s.now().UTC(),
		Page:      data,
	}
	if session != "" {
		view.CSRF = s.sessions.csrfToken(session)
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
	file, ok := s.views.static[path.Base(c.Param("*"))]
	if !ok || c.Param("*") != path.Base(c.Param("*")) {
		return echo.NewHTTPError(http.StatusNotFound, "no such file")
	}
	header := c.Response().Header()
	if c.QueryParam("v") == file.hash {
		header.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
	}
	header.Set("ETag", `"`+file.hash+`"`)
	contentType := mime.TypeByExtension(path.Ext(c.Param("*")))
	return c.Blob(http.StatusOK, contentType, file.body)
}

package mail

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// Elements whose content never appears in the text alternative.
var skippedElements = map[string]bool{
	"head": true, "style": true, "script": true, "title": true,
}

// Elements that start and end a line.
var blockElements = map[string]bool{
	"address": true, "article": true, "aside": true, "caption": true, "center": true,
	"dd": true, "div": true, "dl": true, "dt": true, "fieldset": true, "figcaption": true,
	"figure": true, "footer": true, "form": true, "header": true, "li": true, "main": true,
	"nav": true, "section": true, "table": true, "tbody": true, "tfoot": true,
	"thead": true, "tr": true,
}

// Elements that are separated from their neighbours by a blank line.
var paragraphElements = map[string]bool{
	"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"blockquote": true, "hr": true, "ol": true, "ul": true, "pre": true,
}

// htmlToText returns the plain-text form of an HTML document or fragment:
// the visible text with line breaks for block elements and <br>, a blank
// line around paragraphs, "text (url)" for links whose text is not the URL,
// entities decoded and runs of blank lines collapsed.
func htmlToText(src string) string {
	c := &textConverter{}
	z := html.NewTokenizer(strings.NewReader(src))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return c.w.result()
		case html.TextToken:
			c.text(string(z.Text()))
		case html.StartTagToken:
			c.startTag(z.Token(), false)
		case html.SelfClosingTagToken:
			c.startTag(z.Token(), true)
		case html.EndTagToken:
			name, _ := z.TagName()
			c.endTag(string(name))
		}
	}
}

type textConverter struct {
	w        textWriter
	skipping []string // open elements from skippedElements
	preDepth int
	links    []openLink
}

type openLink struct {
	href  string
	start int // length of the output when the link opened
}

func (c *textConverter) text(s string) {
	if len(c.skipping) > 0 {
		return
	}
	if c.preDepth > 0 {
		c.w.preformatted(s)
		return
	}
	c.w.text(s)
}

func (c *textConverter) startTag(t html.Token, selfClosing bool) {
	name := t.Data
	if name == "body" && len(c.skipping) > 0 && c.skipping[0] == "head" {
		// A document may omit </head>.
		c.skipping = nil
	}
	if skippedElements[name] {
		if !selfClosing {
			c.skipping = append(c.skipping, name)
		}
		return
	}
	if len(c.skipping) > 0 {
		return
	}

	switch {
	case name == "br":
		c.w.lineBreak()
	case name == "img":
		c.w.text(attribute(t, "alt"))
	case name == "a" && !selfClosing:
		c.links = append(c.links, openLink{href: attribute(t, "href"), start: c.w.b.Len()})
	case name == "li":
		c.w.blockBreak(1)
		c.w.text("- ")
	case name == "td" || name == "th":
		c.w.space = true
	case name == "pre" && !selfClosing:
		c.w.blockBreak(2)
		c.preDepth++
	case paragraphElements[name]:
		c.w.blockBreak(2)
	case blockElements[name]:
		c.w.blockBreak(1)
	}
}

func (c *textConverter) endTag(name string) {
	if len(c.skipping) > 0 {
		if c.skipping[len(c.skipping)-1] == name {
			c.skipping = c.skipping[:len(c.skipping)-1]
		}
		return
	}

	switch {
	case name == "a" && len(c.links) > 0:
		c.closeLink()
	case name == "td" || name == "th":
		c.w.space = true
	case name == "pre":
		c.preDepth = max(c.preDepth-1, 0)
		c.w.blockBreak(2)
	case paragraphElements[name]:
		c.w.blockBreak(2)
	case blockElements[name]:
		c.w.blockBreak(1)
	}
}

// closeLink writes the URL after the link text unless the text already is
// the URL.
func (c *textConverter) closeLink() {
	link := c.links[len(c.links)-1]
	c.links = c.links[:len(c.links)-1]

	href := strings.TrimSpace(link.href)
	if href == "" || strings.HasPrefix(href, "#") ||
		strings.HasPrefix(strings.ToLower(href), "javascript:") {
		return
	}
	text := strings.TrimSpace(c.w.b.String()[min(link.start, c.w.b.Len()):])
	if text == href || "mailto:"+text == href {
		return
	}
	if text == "" {
		c.w.appendInline(href)
		return
	}
	c.w.appendInline("(" + href + ")")
}

func attribute(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textWriter collapses white space as a browser does and merges the line
// breaks that neighbouring block elements ask for.
type textWriter struct {
	b        strings.Builder
	newlines int  // newlines at the end of b
	pending  int  // newlines that block elements requested before the next text
	space    bool // white space seen since the last character written
}

// blockBreak requests n newlines before the next text: 1 ends the line,
// 2 leaves a blank line.
func (w *textWriter) blockBreak(n int) {
	w.pending = max(w.pending, n)
	w.space = false
}

func (w *textWriter) lineBreak() {
	w.flushBreaks()
	w.b.WriteByte('\n')
	w.newlines++
	w.space = false
}

func (w *textWriter) flushBreaks() {
	if w.b.Len() == 0 {
		w.pending = 0
		return
	}
	for w.newlines < w.pending {
		w.b.WriteByte('\n')
		w.newlines++
	}
	w.pending = 0
}

func (w *textWriter) text(s string) {
	for _, r := range s {
		if unicode.IsSpace(r) {
			w.space = true
			continue
		}
		w.flushBreaks()
		if w.space && w.newlines == 0 && w.b.Len() > 0 {
			w.b.WriteByte(' ')
		}
		w.space = false
		w.b.WriteRune(r)
		w.newlines = 0
	}
}

// preformatted writes the text of a <pre> element with its spacing.
// appendInline writes s after a space right behind the last text, before
// the line breaks that block elements closed since then requested, so a
// link around a heading keeps its URL on the heading's line.
func (w *textWriter) appendInline(s string) {
	pending := w.pending
	w.pending = 0
	w.space = true
	w.text(s)
	w.pending = pending
}

func (w *textWriter) preformatted(s string) {
	for _, r := range s {
		if r == '\n' {
			w.lineBreak()
			continue
		}
		w.flushBreaks()
		w.b.WriteRune(r)
		w.newlines = 0
	}
}

// result trims the white space at the ends of lines and of the text and
// collapses runs of blank lines into one.
func (w *textWriter) result() string {
	lines := strings.Split(w.b.String(), "\n")
	var out []string
	blank := false
	for _, line := range lines {
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		if line == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
		}
		blank = false
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// Package mail renders WHMCS email templates and sends the result over SMTP
// or into an outbox folder.
//
// Templates use the subset of Smarty 3 that WHMCS email templates use:
// {$field}, {if}/{elseif}/{else}, {literal}, comments and five modifiers.
// Any other tag is an error, so a message is never sent half-rendered.
package mail

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// HTML is a merge-field value that is already HTML: inserted unescaped into
// HTML bodies, reduced to text in subjects and text bodies.
type HTML string

// Fields are merge-field values by name (without "$"): string values are plain
// text, HTML values are trusted markup. Booleans, integers, floats and
// fmt.Stringer values are converted to text the way PHP prints them, so
// false is "" and true is "1".
type Fields map[string]any

// Template is a WHMCS email template (tblemailtemplates row).
type Template struct {
	Subject   string
	Body      string // the message column
	Plaintext bool   // plaintext=1: body is text, no wrapping, no HTML part
}

// Wrapper is WHMCS's global email layout from tblconfiguration.
type Wrapper struct {
	Header string // EmailGlobalHeader
	Footer string // EmailGlobalFooter
	// CSS is EmailCSS. It replaces the literal [EmailCSS] in the template
	// text of Header and Footer after rendering, so its braces are never
	// read as Smarty tags. Field values are left alone.
	CSS string
}

// Content is a rendered email.
type Content struct {
	Subject string // single line: CR, LF and other control characters replaced by spaces, trimmed
	HTML    string // empty for plain-text templates
	Text    string // always set: the plain-text body, or the text alternative derived from HTML
}

// Render renders tpl with fields. For HTML templates: every string value is
// HTML-escaped (and newlines in it become <br />), the body is wrapped as
// Header + body + Footer with merge fields rendered in header and footer too,
// then [EmailCSS] is replaced by wrap.CSS. Text is derived from the final
// HTML: head, style, script and title are skipped, block elements and <br>
// end lines, paragraphs get a blank line around them, links become
// "text (url)" when the text is not the URL, entities are decoded and runs of
// blank lines collapse. For plaintext templates: no escaping, no wrapping,
// HTML is "". The subject is rendered with no escaping and then made
// single-line. A template error returns an empty Content, never partial text.
func Render(tpl Template, wrap Wrapper, fields Fields) (Content, error) {
	values, err := fieldValues(fields)
	if err != nil {
		return Content{}, err
	}

	subject, err := renderPart("subject", tpl.Subject, values, modeText, nil)
	if err != nil {
		return Content{}, err
	}
	content := Content{Subject: singleLine(subject)}

	if tpl.Plaintext {
		content.Text, err = renderPart("body", tpl.Body, values, modeText, nil)
		if err != nil {
			return Content{}, err
		}
		return content, nil
	}

	body, err := renderPart("body", tpl.Body, values, modeHTML, nil)
	if err != nil {
		return Content{}, err
	}
	css := strings.NewReplacer("[EmailCSS]", wrap.CSS)
	header, err := renderPart("email header", wrap.Header, values, modeHTML, css)
	if err != nil {
		return Content{}, err
	}
	footer, err := renderPart("email footer", wrap.Footer, values, modeHTML, css)
	if err != nil {
		return Content{}, err
	}

	content.HTML = header + body + footer
	content.Text = htmlToText(content.HTML)
	return content, nil
}

func renderPart(part, src string, values map[string]value, mode outputMode,
	textReplacer *strings.Replacer) (string, error) {
	nodes, err := parseTemplate(src)
	if err != nil {
		return "", fmt.Errorf("render %s: %w", part, err)
	}

	r := &renderer{values: values, mode: mode, textReplacer: textReplacer}
	var out strings.Builder
	for _, n := range nodes {
		n.render(r, &out)
	}
	return out.String(), nil
}

type outputMode int

const (
	modeHTML outputMode = iota // string values are escaped
	modeText                   // HTML values are reduced to text
)

// value is a merge-field value or a literal from the template.
type value struct {
	text string
	html bool // text is trusted markup
}

type renderer struct {
	values       map[string]value
	mode         outputMode
	textReplacer *strings.Replacer // applied to template text only; may be nil
}

func fieldValues(fields Fields) (map[string]value, error) {
	values := make(map[string]value, len(fields))
	for name, raw := range fields {
		v, err := toValue(raw)
		if err != nil {
			return nil, fmt.Errorf("merge field %q: %w", name, err)
		}
		values[name] = v
	}
	return values, nil
}

func toValue(raw any) (value, error) {
	switch v := raw.(type) {
	case nil:
		return value{}, nil
	case string:
		return value{text: normalizeNewlines(v)}, nil
	case HTML:
		return value{text: string(v), html: true}, nil
	case bool:
		if v {
			return value{text: "1"}, nil
		}
		return value{}, nil
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return value{text: fmt.Sprint(v)}, nil
	case float32:
		return value{text: strconv.FormatFloat(float64(v), 'f', -1, 32)}, nil
	case float64:
		return value{text: strconv.FormatFloat(v, 'f', -1, 64)}, nil
	case fmt.Stringer:
		return value{text: normalizeNewlines(v.String())}, nil
	default:
		return value{}, fmt.Errorf("unsupported type %T: use string or mail.HTML", raw)
	}
}

func (n textNode) render(r *renderer, out *strings.Builder) {
	if r.textReplacer != nil {
		out.WriteString(r.textReplacer.Replace(string(n)))
		return
	}
	out.WriteString(string(n))
}

func (n varNode) render(r *renderer, out *strings.Builder) {
	v := r.eval(n.variable)
	switch {
	case r.mode == modeText && v.html:
		out.WriteString(htmlToText(v.text))
	case r.mode == modeText || v.html:
		out.WriteString(v.text)
	default:
		out.WriteString(escapeText(v.text))
	}
}

func (n *ifNode) render(r *renderer, out *strings.Builder) {
	for _, branch := range n.branches {
		if branch.condition != nil && !branch.condition.eval(r) {
			continue
		}
		for _, child := range branch.body {
			child.render(r, out)
		}
		return
	}
}

// escapeText escapes plain text for HTML and turns each newline into
// "<br />\n", as PHP's nl2br does.
func escapeText(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "\n", "<br />\n")
}

// eval returns the value of an operand after its modifiers. An unknown
// field is empty, as in Smarty. A literal string is template text, so it
// counts as markup in HTML mode like the text around it.
func (r *renderer) eval(o operand) value {
	v := value{text: o.literal, html: r.mode == modeHTML}
	if o.variable != "" {
		v = r.values[o.variable]
	}
	for _, m := range o.modifiers {
		v = r.apply(m, v)
	}
	return v
}

// apply runs one modifier.
func (r *renderer) apply(m modifier, v value) value {
	switch m.name {
	case "upper":
		v.text = strings.ToUpper(v.text)
	case "lower":
		v.text = strings.ToLower(v.text)
	case "ucfirst":
		v.text = upperFirst(v.text)
	case "default":
		if v.text == "" {
			v = r.eval(m.args[0])
		}
	case "escape":
		v = r.escape(v)
	}
	return v
}

// escape implements |escape. In HTML mode string values are escaped on
// output anyway, so escaping only marks HTML values as text, which then
// get escaped once. In text mode it escapes the text form of the value.
func (r *renderer) escape(v value) value {
	if r.mode == modeHTML {
		return value{text: v.text}
	}
	if v.html {
		v.text = htmlToText(v.text)
	}
	return value{text: html.EscapeString(v.text)}
}

func upperFirst(s string) string {
	first, size := utf8.DecodeRuneInString(s)
	if first == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(first)) + s[size:]
}

func (c truthy) eval(r *renderer) bool {
	text := r.eval(c.value).text
	return text != "" && text != "0"
}

func (c not) eval(r *renderer) bool { return !c.inner.eval(r) }

func (c and) eval(r *renderer) bool { return c.left.eval(r) && c.right.eval(r) }

func (c or) eval(r *renderer) bool { return c.left.eval(r) || c.right.eval(r) }

func (c comparison) eval(r *renderer) bool {
	left, right := r.eval(c.left).text, r.eval(c.right).text
	equal := left == right
	if !c.strict && !equal {
		equal = numericEqual(left, right)
	}
	return equal != c.negate
}

// numericPattern matches the numeric strings of PHP 8, which == compares
// as numbers, so "1.0" == "1".
var numericPattern = regexp.MustCompile(`^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$`)

func numericEqual(a, b string) bool {
	if !numericPattern.MatchString(a) || !numericPattern.MatchString(b) {
		return false
	}
	x, errX := strconv.ParseFloat(strings.TrimSpace(a), 64)
	y, errY := strconv.ParseFloat(strings.TrimSpace(b), 64)
	return errX == nil && errY == nil && x == y
}

// singleLine replaces each run of control characters with one space and
// trims the result, so a subject can never span header lines.
func singleLine(s string) string {
	var b strings.Builder
	inControl := false
	for _, c := range s {
		if unicode.IsControl(c) || c == '\u2028' || c == '\u2029' {
			if !inControl {
				b.WriteByte(' ')
			}
			inControl = true
			continue
		}
		inControl = false
		b.WriteRune(c)
	}
	return strings.TrimSpace(b.String())
}

package mail

import (
	"strings"
	"testing"
)

// renderHTML renders body as an HTML template without header or footer.
func renderHTML(t *testing.T, body string, fields Fields) string {
	t.Helper()
	content, err := Render(Template{Subject: "s", Body: body}, Wrapper{}, fields)
	if err != nil {
		t.Fatalf("Render(%q) error: %v", body, err)
	}
	return content.HTML
}

func TestRenderFields(t *testing.T) {
	fields := Fields{
		"client_first_name": "Ann",
		"client_name":       `<script>alert(1)</script> Tom & "Jerry"`,
		"signature":         "Kind regards\nThe Team",
		"whmcs_link":        HTML(`<a href="https://billing.example.com/">billing</a>`),
		"a.b":               "dotted",
		"mixed":             "hello wORLD",
		"empty":             "",
		"count":             3,
		"enabled":           true,
		"disabled":          false,
		"crlf":              "one\r\ntwo",
	}
	tests := []struct {
		name string
		body string
		want string
	}{
		{"field", "<p>Dear {$client_first_name},</p>", "<p>Dear Ann,</p>"},
		{"unknown field is empty", "[{$nope}]", "[]"},
		{"dotted name without field", "[{$value.domain}]", "[]"},
		{"dotted name with field", "[{$a.b}]", "[dotted]"},
		{"escaped", "{$client_name}",
			"&lt;script&gt;alert(1)&lt;/script&gt; Tom &amp; &#34;Jerry&#34;"},
		{"newline becomes br", "{$signature}", "Kind regards<br />\nThe Team"},
		{"CRLF in value becomes br", "{$crlf}", "one<br />\ntwo"},
		{"HTML field unescaped", "{$whmcs_link}",
			`<a href="https://billing.example.com/">billing</a>`},
		{"integer and booleans", "{$count}/{$enabled}/{$disabled}", "3/1/"},
		{"upper", "{$mixed|upper}", "HELLO WORLD"},
		{"lower", "{$mixed|lower}", "hello world"},
		{"ucfirst", "{$mixed|ucfirst}", "Hello wORLD"},
		{"default when empty", `{$empty|default:"friend"}`, "friend"},
		{"default when unknown", `{$nope|default:'a}b'}`, "a}b"},
		{"default not used", `{$client_first_name|default:"friend"}`, "Ann"},
		{"default from field", `{$nope|default:$client_first_name}`, "Ann"},
		{"escape does not escape twice", "{$client_name|escape}",
			"&lt;script&gt;alert(1)&lt;/script&gt; Tom &amp; &#34;Jerry&#34;"},
		{"escape with charset", `{$client_first_name|escape:'htmlall':'UTF-8'}`, "Ann"},
		{"escape on HTML field", `{$whmcs_link|escape:"html"}`,
			"&lt;a href=&#34;https://billing.example.com/&#34;&gt;billing&lt;/a&gt;"},
		{"chained modifiers", `{$empty|default:"x"|upper}`, "X"},
		{"comment", "a{* {foreach} is ignored\n here *}b", "ab"},
		{"literal", "{literal}{$client_first_name} {if}{/literal}", "{$client_first_name} {if}"},
		{"ldelim and rdelim", "{ldelim}$x{rdelim}", "{$x}"},
		{"brace before space is text", "a { color: red }\n{\nb", "a { color: red }\n{\nb"},
		{"brace at end is text", "x {", "x {"},
		{"lone closing brace is text", "a } b", "a } b"},
		{"CRLF template", "<p>\r\n{$client_first_name}\r</p>", "<p>\nAnn\n</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderHTML(t, tt.body, fields)
			if got != tt.want {
				t.Errorf("Render(%q) HTML = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestRenderConditions(t *testing.T) {
	fields := Fields{
		"logo":    "https://example.com/logo.png",
		"zero":    "0",
		"empty":   "",
		"status":  "Active",
		"amount":  "1.00",
		"other":   "Active",
		"html":    HTML("<b>x</b>"),
		"spaces":  " ",
		"company": "Example & Co",
	}
	tests := []struct {
		name      string
		condition string
		want      bool
	}{
		{"set", "$logo", true},
		{"zero is false", "$zero", false},
		{"empty is false", "$empty", false},
		{"unknown is false", "$nope", false},
		{"space is true", "$spaces", true},
		{"HTML field", "$html", true},
		{"not", "!$logo", false},
		{"not word", "not $empty", true},
		{"double not", "!!$logo", true},
		{"equal string", `$status == "Active"`, true},
		{"equal single quotes", `$status == 'Active'`, true},
		{"equal is case sensitive", `$status == "active"`, false},
		{"eq", `$status eq "Active"`, true},
		{"EQ upper case", `$status EQ "Active"`, true},
		{"not equal", `$status != "Active"`, false},
		{"neq", `$status neq "Closed"`, true},
		{"ne", `$status ne "Closed"`, true},
		{"numeric string equals number", "$amount == 1", true},
		{"numeric strings", `$amount == "1.0"`, true},
		{"strict equal is textual", `$amount === "1"`, false},
		{"strict not equal", `$amount !== "1"`, true},
		{"text against zero", "$status == 0", false},
		{"two variables", "$status == $other", true},
		{"and", `$logo && $status == "Active"`, true},
		{"and false", "$logo and $empty", false},
		{"or", "$empty || $zero || $logo", true},
		{"or word", "$empty or $zero", false},
		{"and binds tighter than or", "$logo || $empty && $zero", true},
		{"parentheses", "($logo || $empty) && $zero", false},
		{"not parentheses", `!($status == "Closed")`, true},
		{"modifier in condition", `$status|lower == "active"`, true},
		{"value with ampersand", `$company == "Example & Co"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := "{if " + tt.condition + "}yes{else}no{/if}"
			want := map[bool]string{true: "yes", false: "no"}[tt.want]
			if got := renderHTML(t, body, fields); got != want {
				t.Errorf("Render(%q) = %q, want %q", body, got, want)
			}
		})
	}
}

func TestRenderIfBranches(t *testing.T) {
	body := "{if $a}A{elseif $b}B{else if $c}C{else}D{/if}" +
		"|{if $a}{if $b}AB{else}A-{/if}{/if}" +
		"|{if $b}only{/if}"
	tests := []struct {
		name   string
		fields Fields
		want   string
	}{
		{"first", Fields{"a": "1", "b": "1"}, "A|AB|only"},
		{"elseif", Fields{"b": "1"}, "B||only"},
		{"else if", Fields{"c": "1"}, "C||"},
		{"else", Fields{}, "D||"},
		{"nested else", Fields{"a": "1"}, "A|A-|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderHTML(t, body, tt.fields); got != tt.want {
				t.Errorf("Render = %q, want %q", got, tt.want)
			}
		})
	}
}

// WHMCS 8 default EmailGlobalHeader, shortened: the {if} around the logo,
// the [EmailCSS] placeholder and Smarty fields in attributes.
const testHeader = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"
 "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={$charset}" />
<title>{$company_name}</title>
<style type="text/css">[EmailCSS]</style>
</head>
<body>
<table id="bodyTable"><tr><td align="center" id="templateHeader">
<a href="{$company_domain}">{if $company_logo_url}<img src="{$company_logo_url}" alt="{$company_name}" />{else}{$company_name}{/if}</a>
</td></tr>
<tr><td valign="top" class="bodyContent">
`

const testFooter = `
</td></tr>
<tr><td class="footerContent">
<a href="{$company_domain}">visit our website</a> | <a href="{$whmcs_url}">log in to your account</a> | <a href="{$whmcs_url}submitticket.php">get support</a><br />
Copyright &copy; {$company_name}, All rights reserved.
</td></tr></table>
</body>
</html>
`

const testCSS = `body { margin: 0; } .bodyContent{color:#505050;} a:hover{ {$not_a_field} }`

func TestRenderWrapper(t *testing.T) {
	wrap := Wrapper{Header: testHeader, Footer: testFooter, CSS: testCSS}
	tpl := Template{Subject: "Hello", Body: "<p>Dear {$client_first_name},</p>"}
	base := Fields{
		"charset":           "utf-8",
		"company_name":      "Acme <Hosting>",
		"company_domain":    "https://acme.example",
		"whmcs_url":         "https://billing.acme.example/",
		"client_first_name": "Ann",
	}
	tests := []struct {
		name    string
		logo    string
		want    []string
		notWant []string
	}{
		{
			name: "with logo",
			logo: "https://acme.example/logo.png",
			want: []string{
				`<img src="https://acme.example/logo.png" alt="Acme &lt;Hosting&gt;" />`,
			},
			notWant: []string{`">Acme &lt;Hosting&gt;</a>`},
		},
		{
			name:    "without logo",
			logo:    "",
			want:    []string{`<a href="https://acme.example">Acme &lt;Hosting&gt;</a>`},
			notWant: []string{"<img"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := Fields{"company_logo_url": tt.logo}
			for k, v := range base {
				fields[k] = v
			}
			content, err := Render(tpl, wrap, fields)
			if err != nil {
				t.Fatalf("Render error: %v", err)
			}
			got := content.HTML

			if !strings.HasPrefix(got, "<!DOCTYPE html") {
				t.Errorf("HTML does not start with the header: %q", got[:min(len(got), 40)])
			}
			if !strings.HasSuffix(got, "</html>\n") {
				t.Errorf("HTML does not end with the footer: %q", got[max(0, len(got)-40):])
			}
			body := `<td valign="top" class="bodyContent">` + "\n<p>Dear Ann,</p>\n</td>"
			if !strings.Contains(got, body) {
				t.Errorf("HTML does not contain the body between header and footer %q", body)
			}
			want := append([]string{
				`<style type="text/css">` + testCSS + `</style>`,
				"charset=utf-8",
				"<title>Acme &lt;Hosting&gt;</title>",
				`<a href="https://billing.acme.example/submitticket.php">get support</a>`,
				"Copyright &copy; Acme &lt;Hosting&gt;, All rights reserved.",
			}, tt.want...)
			for _, s := range want {
				if !strings.Contains(got, s) {
					t.Errorf("HTML does not contain %q", s)
				}
			}
			for _, s := range append([]string{"[EmailCSS]"}, tt.notWant...) {
				if strings.Contains(got, s) {
					t.Errorf("HTML contains %q", s)
				}
			}
		})
	}
}

func TestRenderEmailCSSOnlyInWrapper(t *testing.T) {
	wrap := Wrapper{Header: "<style>[EmailCSS]</style>", CSS: "p { margin: 0 }"}
	tpl := Template{Subject: "[EmailCSS]", Body: "<p>[EmailCSS] {$x}</p>"}

	content, err := Render(tpl, wrap, Fields{"x": "[EmailCSS]"})
	if err != nil {
		t.Fatalf("Render error: %v", err)
	}
	want := "<style>p { margin: 0 }</style><p>[EmailCSS] [EmailCSS]</p>"
	if content.HTML != want {
		t.Errorf("HTML = %q, want %q", content.HTML, want)
	}
	if content.Subject != "[EmailCSS]" {
		t.Errorf("Subject = %q, want %q", content.Subject, "[EmailCSS]")
	}
}

func TestRenderPlaintext(t *testing.T) {
	tpl := Template{
		Subject:   "Ticket {$ticket_subject}",
		Body:      "Dear {$client_name},\r\n\r\n{$ticket_message}\r\n{if $link}Link: {$link|escape}{/if}\n{$whmcs_link}",
		Plaintext: true,
	}
	wrap := Wrapper{Header: "<html>HEADER", Footer: "FOOTER</html>", CSS: "x"}
	fields := Fields{
		"client_name":    "Tom & <Jerry>",
		"ticket_subject": "Login <help>",
		"ticket_message": "Line one\nLine two",
		"link":           "https://example.com/?a=1&b=2",
		"whmcs_link":     HTML(`<a href="https://billing.example.com/">Client area</a> &amp; more`),
	}

	content, err := Render(tpl, wrap, fields)
	if err != nil {
		t.Fatalf("Render error: %v", err)
	}
	wantText := "Dear Tom & <Jerry>,\n\nLine one\nLine two\n" +
		"Link: https://example.com/?a=1&amp;b=2\n" +
		"Client area (https://billing.example.com/) & more"
	if content.Text != wantText {
		t.Errorf("Text = %q, want %q", content.Text, wantText)
	}
	if content.HTML != "" {
		t.Errorf("HTML = %q, want empty", content.HTML)
	}
	if content.Subject != "Ticket Login <help>" {
		t.Errorf("Subject = %q, want %q", content.Subject, "Ticket Login <help>")
	}
}

func TestRenderSubject(t *testing.T) {
	tests := []struct {
		name    string
		subject string
		fields  Fields
		want    string
	}{
		{"plain", "Welcome", nil, "Welcome"},
		{"not escaped", "{$company} news", Fields{"company": "Tom & Jerry <Ltd>"},
			"Tom & Jerry <Ltd> news"},
		{"CRLF in template", "Hello\r\nthere\n", nil, "Hello there"},
		{"CRLF in field", "Re: {$s}", Fields{"s": "x\r\nBcc: evil@example.com"},
			"Re: x Bcc: evil@example.com"},
		{"tabs and other controls", "a\tb\x00c\x1bd", nil, "a b c d"},
		{"trimmed", "  {$s}  ", Fields{"s": "\nhi\n"}, "hi"},
		{"HTML field as text", "{$h}", Fields{"h": HTML("<b>Bold</b> &amp; <i>more</i>")},
			"Bold & more"},
		{"condition", "{if $admin}An agent of {$company}{else}{$name}{/if} invited you",
			Fields{"company": "Acme", "name": "Bob"}, "Bob invited you"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content, err := Render(Template{Subject: tt.subject, Body: "x"}, Wrapper{}, tt.fields)
			if err != nil {
				t.Fatalf("Render error: %v", err)
			}
			if content.Subject != tt.want {
				t.Errorf("Subject = %q, want %q", content.Subject, tt.want)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name   string
		tpl    Template
		wrap   Wrapper
		fields Fields
		want   []string
	}{
		{
			name: "foreach",
			tpl:  Template{Body: "<p>a</p>\n<p>b</p>\n{foreach from=$items item=i}{$i}{/foreach}"},
			want: []string{"render body: template line 3: unsupported Smarty tag {foreach}: " +
				"mfa-reminder supports {$field}, {if}, {elseif}, {else}, {literal} and comments"},
		},
		{
			name: "assign",
			tpl:  Template{Body: `{assign "total" true}`},
			want: []string{"line 1", "unsupported Smarty tag {assign}"},
		},
		{
			name: "unknown modifier",
			tpl:  Template{Body: "\n{$date|date_format}"},
			want: []string{"render body: template line 2: ", `unsupported Smarty modifier "date_format"`,
				"{$date|date_format}", "escape, upper, lower, ucfirst and default"},
		},
		{
			name: "variable with brackets",
			tpl:  Template{Body: "{$items[0]}"},
			want: []string{"line 1", "unsupported Smarty tag {$items[0]}"},
		},
		{
			name: "function in condition",
			tpl:  Template{Body: "{if isset($x)}a{/if}"},
			want: []string{"line 1", `unexpected "isset"`},
		},
		{
			name: "unsupported operator",
			tpl:  Template{Body: "{if $a > 1}a{/if}"},
			want: []string{"line 1", `unsupported syntax at ">"`, "conditions support"},
		},
		{
			name: "if without condition",
			tpl:  Template{Body: "{if}a{/if}"},
			want: []string{"{if} has no condition"},
		},
		{
			name: "unclosed if",
			tpl:  Template{Body: "a\n{if $x}\nb"},
			want: []string{"render body: template line 2: {if} is not closed: add {/if}"},
		},
		{
			name: "unclosed nested if",
			tpl:  Template{Body: "{if $x}{if $y}b{/if}"},
			want: []string{"template line 1: {if} is not closed"},
		},
		{
			name: "closing if without if",
			tpl:  Template{Body: "a{/if}"},
			want: []string{"{/if} without a matching {if}"},
		},
		{
			name: "else without if",
			tpl:  Template{Body: "a{else}b"},
			want: []string{"{else} without a matching {if}"},
		},
		{
			name: "elseif after else",
			tpl:  Template{Body: "{if $a}a{else}b{elseif $c}c{/if}"},
			want: []string{"{elseif} after {else}"},
		},
		{
			name: "unclosed comment",
			tpl:  Template{Body: "a\n{* note"},
			want: []string{"template line 2: comment {* is not closed"},
		},
		{
			name: "unclosed literal",
			tpl:  Template{Body: "{literal}a"},
			want: []string{"{literal} is not closed: add {/literal}"},
		},
		{
			name: "unclosed tag",
			tpl:  Template{Body: "a {$name"},
			want: []string{"tag {$name is not closed"},
		},
		{
			name: "unclosed string",
			tpl:  Template{Body: `{if $a == "x}y{/if}`},
			want: []string{"is not closed"},
		},
		{
			name: "modifier argument missing",
			tpl:  Template{Body: "{$a|default}"},
			want: []string{"modifier default takes exactly 1 argument"},
		},
		{
			name: "too many modifier arguments",
			tpl:  Template{Body: `{$a|escape:"html":"UTF-8":"x"}`},
			want: []string{"modifier escape takes at most 2 arguments"},
		},
		{
			name: "modifier argument on upper",
			tpl:  Template{Body: `{$a|upper:"x"}`},
			want: []string{"modifier upper takes no arguments"},
		},
		{
			name: "unsupported escape format",
			tpl:  Template{Body: `{$a|escape:"url"}`},
			want: []string{"unsupported escape format"},
		},
		{
			name: "error in plain-text body",
			tpl:  Template{Subject: "ok", Body: "a\n{$x|date_format}", Plaintext: true},
			want: []string{"render body: template line 2: unsupported Smarty modifier"},
		},
		{
			name: "error in subject",
			tpl:  Template{Subject: "{foreach $a as $b}", Body: "x"},
			want: []string{"render subject: template line 1: unsupported Smarty tag {foreach}"},
		},
		{
			name: "error in header",
			tpl:  Template{Body: "x"},
			wrap: Wrapper{Header: "{include file='x'}"},
			want: []string{"render email header: ", "unsupported Smarty tag {include}"},
		},
		{
			name: "error in footer",
			tpl:  Template{Body: "x"},
			wrap: Wrapper{Footer: "{/if}"},
			want: []string{"render email footer: "},
		},
		{
			name:   "unsupported field type",
			tpl:    Template{Body: "x"},
			fields: Fields{"items": []string{"a"}},
			want:   []string{`merge field "items": unsupported type []string`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content, err := Render(tt.tpl, tt.wrap, tt.fields)
			if err == nil {
				t.Fatalf("Render returned no error and %+v", content)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if content != (Content{}) {
				t.Errorf("Render returned content %+v with its error", content)
			}
		})
	}
}

func TestRenderTextAlternative(t *testing.T) {
	wrap := Wrapper{Header: testHeader, Footer: testFooter, CSS: testCSS}
	tpl := Template{
		Subject: "Secure your account",
		Body: "<h2>Two-factor authentication</h2>\r\n" +
			"<p>{if $client_first_name}Dear {$client_first_name},{else}Hello,{/if}</p>\r\n" +
			"<p>Your account at {$company_name} is not yet protected by two-factor\r\n" +
			"   authentication.</p>\r\n" +
			"<p>To turn it on:</p>\r\n<ol><li>Log in</li><li>Open <b>Security</b></li></ol>\r\n" +
			`<p><a href="{$security_url}">Enable two-factor authentication</a></p>` + "\r\n" +
			`<p>Or open <a href="{$security_url}">{$security_url}</a>.</p>` + "\r\n" +
			"<p>{$signature}</p>",
	}
	fields := Fields{
		"charset":           "utf-8",
		"company_name":      "Acme & Co",
		"company_domain":    "https://acme.example",
		"company_logo_url":  "https://acme.example/logo.png",
		"whmcs_url":         "https://billing.acme.example/",
		"client_first_name": "Jürgen",
		"security_url":      "https://billing.acme.example/index.php?rp=/user/security&x=1",
		"signature":         "Kind regards,\nThe Acme Team",
	}

	content, err := Render(tpl, wrap, fields)
	if err != nil {
		t.Fatalf("Render error: %v", err)
	}
	want := `Acme & Co (https://acme.example)

Two-factor authentication

Dear Jürgen,

Your account at Acme & Co is not yet protected by two-factor authentication.

To turn it on:

- Log in
- Open Security

Enable two-factor authentication (https://billing.acme.example/index.php?rp=/user/security&x=1)

Or open https://billing.acme.example/index.php?rp=/user/security&x=1.

Kind regards,
The Acme Team

visit our website (https://acme.example) | log in to your account (https://billing.acme.example/) | get support (https://billing.acme.example/submitticket.php)
Copyright © Acme & Co, All rights reserved.`
	if content.Text != want {
		t.Errorf("Text =\n%s\n\nwant\n%s", content.Text, want)
	}
}

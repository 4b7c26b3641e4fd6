package mail

import "testing"

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name string
		html string
		want string
	}{
		{"plain text", "Hello", "Hello"},
		{"white space collapsed", "  Hello \n\t  world  ", "Hello world"},
		{"br", "a<br>b<br />c", "a\nb\nc"},
		{"several br collapse to one blank line", "a<br><br><br><br>b", "a\n\nb"},
		{"paragraphs", "<p>a</p><p>b</p>", "a\n\nb"},
		{"div", "<div>a</div><div>b</div>c", "a\nb\nc"},
		{"headings", "<h1>Title</h1>text", "Title\n\ntext"},
		{"list", "<ul><li>one</li><li>two</li></ul>after", "- one\n- two\n\nafter"},
		{"table rows and cells", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
			"a b\nc"},
		{"entities", "&lt;b&gt; &amp; &copy; &quot;q&quot; &#39;s&#39; caf&eacute;",
			`<b> & © "q" 's' café`},
		{"non-breaking space", "a&nbsp;b", "a b"},
		{"link with other text", `<a href="https://example.com/x">Click</a>`,
			"Click (https://example.com/x)"},
		{"link text is the URL", `<a href="https://example.com/">https://example.com/</a>`,
			"https://example.com/"},
		{"mailto link", `<a href="mailto:help@example.com">help@example.com</a>`,
			"help@example.com"},
		{"image link", `<a href="https://example.com/"><img src="logo.png"></a>`,
			"https://example.com/"},
		{"image alt in link", `<a href="https://example.com/"><img src="l.png" alt="Acme"></a>`,
			"Acme (https://example.com/)"},
		{"anchor link", `<a href="#top">Top</a>`, "Top"},
		{"link around a heading", `<a href="https://example.com/"><h1>Acme</h1></a><p>Hi</p>`,
			"Acme (https://example.com/)\n\nHi"},
		{"script and style skipped", "<style>p { color: red }</style>a<script>var x = 1;</script>b",
			"ab"},
		{"head skipped", "<html><head><title>T</title><meta charset=utf-8></head><body>x</body></html>",
			"x"},
		{"head without end tag", "<head><title>T</title><body>x</body>", "x"},
		{"comments skipped", "a<!-- hidden -->b", "ab"},
		{"pre keeps spacing", "<pre>a  b\n  c</pre>d", "a  b\n  c\n\nd"},
		{"trailing spaces trimmed", "<p>a </p>  <p> b</p>", "a\n\nb"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := htmlToText(tt.html); got != tt.want {
				t.Errorf("htmlToText(%q) = %q, want %q", tt.html, got, tt.want)
			}
		})
	}
}

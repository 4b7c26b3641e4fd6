package mail

import (
	"fmt"
	"strings"
)

// The template language is the subset of Smarty 3 that WHMCS email
// templates use. Parsing turns a template into a tree of nodes; rendering
// (render.go) walks the tree with the merge-field values.

const supportedTags = "mfa-reminder supports {$field}, {if}, {elseif}, {else}, " +
	"{literal} and comments"

type node interface {
	render(r *renderer, out *strings.Builder)
}

// textNode is template text, copied to the output as it is.
type textNode string

// varNode is a {$field|modifier} tag.
type varNode struct {
	variable operand
}

// ifNode is an {if}…{elseif}…{else}…{/if} block. A branch with a nil
// condition is the {else} branch.
type ifNode struct {
	branches []ifBranch
}

type ifBranch struct {
	condition condition
	body      []node
}

// tag is the text between { and } with its position in the template.
type tag struct {
	line int
	text string // trimmed, without the braces
}

// name returns the first word of the tag, such as "if", "/if" or "$name".
func (t tag) name() string {
	name, _, _ := strings.Cut(t.text, " ")
	name, _, _ = strings.Cut(name, "\t")
	name, _, _ = strings.Cut(name, "\n")
	return name
}

// args returns the tag text after its first word.
func (t tag) args() string {
	return strings.TrimSpace(strings.TrimPrefix(t.text, t.name()))
}

func (t tag) errorf(format string, args ...any) error {
	return fmt.Errorf("template line %d: "+format, append([]any{t.line}, args...)...)
}

type parser struct {
	src  string
	pos  int
	line int // line number of src[pos], from 1
}

// parseTemplate parses src, which may use \n, \r\n or \r line endings.
func parseTemplate(src string) ([]node, error) {
	p := &parser{src: normalizeNewlines(src), line: 1}
	nodes, end, err := p.parseNodes()
	if err != nil {
		return nil, err
	}
	if end != nil {
		return nil, end.errorf("{%s} without a matching {if}", end.name())
	}
	return nodes, nil
}

func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// advance moves the parser to position to, counting the lines it passes.
func (p *parser) advance(to int) {
	p.line += strings.Count(p.src[p.pos:to], "\n")
	p.pos = to
}

// parseNodes parses until the end of the template or until an {elseif},
// {else} or {/if} tag, which it returns to the enclosing {if}.
func (p *parser) parseNodes() ([]node, *tag, error) {
	var nodes []node
	var text strings.Builder
	flushText := func() {
		if text.Len() > 0 {
			nodes = append(nodes, textNode(text.String()))
			text.Reset()
		}
	}

	for p.pos < len(p.src) {
		i := strings.IndexByte(p.src[p.pos:], '{')
		if i < 0 {
			text.WriteString(p.src[p.pos:])
			p.advance(len(p.src))
			break
		}
		text.WriteString(p.src[p.pos : p.pos+i])
		p.advance(p.pos + i)

		// Smarty's auto_literal: a { followed by white space is text, so
		// inline CSS such as "a { color: red }" passes through.
		if p.pos+1 == len(p.src) || isSpace(p.src[p.pos+1]) {
			text.WriteByte('{')
			p.advance(p.pos + 1)
			continue
		}
		if p.src[p.pos+1] == '*' {
			if err := p.skipComment(); err != nil {
				return nil, nil, err
			}
			continue
		}

		t, err := p.readTag()
		if err != nil {
			return nil, nil, err
		}
		switch name := t.name(); {
		case name == "literal" && t.args() == "":
			raw, err := p.readLiteral(t)
			if err != nil {
				return nil, nil, err
			}
			text.WriteString(raw)
		case name == "ldelim" && t.args() == "":
			text.WriteByte('{')
		case name == "rdelim" && t.args() == "":
			text.WriteByte('}')
		case strings.HasPrefix(name, "$"):
			variable, err := parseVariableTag(t)
			if err != nil {
				return nil, nil, err
			}
			flushText()
			nodes = append(nodes, varNode{variable: variable})
		case name == "if":
			block, err := p.parseIf(t)
			if err != nil {
				return nil, nil, err
			}
			flushText()
			nodes = append(nodes, block)
		case name == "elseif" || name == "else" || name == "/if":
			flushText()
			return nodes, &t, nil
		default:
			return nil, nil, t.errorf("unsupported Smarty tag {%s}: %s", name, supportedTags)
		}
	}

	flushText()
	return nodes, nil, nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n'
}

func (p *parser) skipComment() error {
	start := p.line
	end := strings.Index(p.src[p.pos+2:], "*}")
	if end < 0 {
		return fmt.Errorf("template line %d: comment {* is not closed: add *}", start)
	}
	p.advance(p.pos + 2 + end + 2)
	return nil
}

// readTag reads the tag that starts at p.pos. A } inside a quoted string
// does not end the tag.
func (p *parser) readTag() (tag, error) {
	start := p.pos
	var quote byte
	for i := start + 1; i < len(p.src); i++ {
		c := p.src[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '"' || c == '\'':
			quote = c
		case c == '}':
			t := tag{line: p.line, text: strings.TrimSpace(p.src[start+1 : i])}
			p.advance(i + 1)
			return t, nil
		}
	}

	excerpt, _, _ := strings.Cut(p.src[start:], "\n")
	if len(excerpt) > 30 {
		excerpt = excerpt[:30] + "…"
	}
	return tag{}, fmt.Errorf("template line %d: tag %s is not closed: add }, "+
		"or write {ldelim} for a literal {", p.line, excerpt)
}

// readLiteral returns the raw text up to {/literal}.
func (p *parser) readLiteral(open tag) (string, error) {
	end := strings.Index(p.src[p.pos:], "{/literal}")
	if end < 0 {
		return "", open.errorf("{literal} is not closed: add {/literal}")
	}
	raw := p.src[p.pos : p.pos+end]
	p.advance(p.pos + end + len("{/literal}"))
	return raw, nil
}

// parseIf parses the branches of an {if} block up to its {/if}.
func (p *parser) parseIf(open tag) (*ifNode, error) {
	cond, err := parseCondition(open, open.args())
	if err != nil {
		return nil, err
	}

	block := &ifNode{}
	branch := ifBranch{condition: cond}
	hasElse := false
	for {
		body, end, err := p.parseNodes()
		if err != nil {
			return nil, err
		}
		if end == nil {
			return nil, open.errorf("{if} is not closed: add {/if}")
		}
		branch.body = body
		block.branches = append(block.branches, branch)

		name, args := end.name(), end.args()
		// Smarty accepts "{else if …}" as a spelling of {elseif}.
		if name == "else" && strings.HasPrefix(args, "if ") {
			name, args = "elseif", strings.TrimSpace(strings.TrimPrefix(args, "if "))
		}
		if hasElse && name != "/if" {
			return nil, end.errorf("{%s} after {else}: {else} must be the last branch of an {if}",
				name)
		}

		switch name {
		case "/if":
			return block, nil
		case "else":
			if args != "" {
				return nil, end.errorf("unexpected text after {else}: %q", args)
			}
			hasElse = true
			branch = ifBranch{}
		case "elseif":
			cond, err := parseCondition(*end, args)
			if err != nil {
				return nil, err
			}
			branch = ifBranch{condition: cond}
		}
	}
}

// parseVariableTag parses a {$name|modifier:arg} tag.
func parseVariableTag(t tag) (operand, error) {
	lex, err := lexExpression(t.text)
	if err != nil {
		return operand{}, t.errorf("unsupported Smarty tag {%s}: %v: %s", t.text, err,
			supportedTags)
	}
	variable, err := lex.operand(t)
	if err != nil {
		return operand{}, err
	}
	if !lex.done() {
		return operand{}, t.errorf("unsupported Smarty tag {%s}: %s", t.text, supportedTags)
	}
	return variable, nil
}

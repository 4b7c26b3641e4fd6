package mail

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Expressions appear in {$field|modifier} tags and {if} conditions.

type tokenKind int

const (
	tokenVariable tokenKind = iota // $name or $name.part, text without the $
	tokenString                    // quoted string, text unquoted
	tokenNumber
	tokenWord     // and, or, eq, neq, ne, not, modifier names
	tokenOperator // == != === !== && || ! ( ) | :
)

type token struct {
	kind tokenKind
	text string
}

type lexer struct {
	tokens []token
	pos    int
}

var (
	variablePattern = regexp.MustCompile(`^\$[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*`)
	numberPattern   = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?`)
	wordPattern     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*`)
)

// Longer operators come first so "===" is not read as "==" and "=".
var operators = []string{"===", "!==", "==", "!=", "&&", "||", "!", "(", ")", "|", ":"}

func lexExpression(s string) (*lexer, error) {
	lex := &lexer{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimLeft(s, " \t\n") {
		t, rest, err := nextToken(s)
		if err != nil {
			return nil, err
		}
		lex.tokens = append(lex.tokens, t)
		s = rest
	}
	return lex, nil
}

func nextToken(s string) (token, string, error) {
	if m := variablePattern.FindString(s); m != "" {
		return token{kind: tokenVariable, text: m[1:]}, s[len(m):], nil
	}
	if s[0] == '"' || s[0] == '\'' {
		return lexString(s)
	}
	if m := numberPattern.FindString(s); m != "" {
		return token{kind: tokenNumber, text: m}, s[len(m):], nil
	}
	if m := wordPattern.FindString(s); m != "" {
		return token{kind: tokenWord, text: m}, s[len(m):], nil
	}
	for _, op := range operators {
		if strings.HasPrefix(s, op) {
			return token{kind: tokenOperator, text: op}, s[len(op):], nil
		}
	}
	excerpt, _, _ := strings.Cut(s, " ")
	return token{}, "", fmt.Errorf("unsupported syntax at %q", excerpt)
}

// lexString reads a quoted string in which a backslash escapes the next
// character.
func lexString(s string) (token, string, error) {
	quote := s[0]
	var text strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			text.WriteByte(s[i])
		case c == quote:
			return token{kind: tokenString, text: text.String()}, s[i+1:], nil
		default:
			text.WriteByte(c)
		}
	}
	return token{}, "", errors.New("quoted string is not closed")
}

func (l *lexer) done() bool {
	return l.pos == len(l.tokens)
}

func (l *lexer) peek() (token, bool) {
	if l.done() {
		return token{}, false
	}
	return l.tokens[l.pos], true
}

// accept consumes the next token when it is the operator or word text.
func (l *lexer) accept(texts ...string) (string, bool) {
	t, ok := l.peek()
	if !ok || (t.kind != tokenOperator && t.kind != tokenWord) {
		return "", false
	}
	if !slices.Contains(texts, strings.ToLower(t.text)) {
		return "", false
	}
	l.pos++
	return strings.ToLower(t.text), true
}

// operand is a variable, string or number, with modifiers.
type operand struct {
	variable  string // field name; empty for a literal
	literal   string
	modifiers []modifier
}

type modifier struct {
	name string
	args []operand
}

// modifierArgCounts is the minimum and maximum argument count of each
// modifier. The second argument of escape is a charset, which is ignored
// because every value is UTF-8.
var modifierArgCounts = map[string][2]int{
	"escape":  {0, 2},
	"upper":   {0, 0},
	"lower":   {0, 0},
	"ucfirst": {0, 0},
	"default": {1, 1},
}

const supportedModifiers = "mfa-reminder supports escape, upper, lower, ucfirst and default"

// operand parses a variable or literal and the modifiers after it.
func (l *lexer) operand(t tag) (operand, error) {
	first, ok := l.peek()
	if !ok {
		return operand{}, t.errorf("missing value in {%s}", t.text)
	}

	var result operand
	switch first.kind {
	case tokenVariable:
		result.variable = first.text
	case tokenString, tokenNumber:
		result.literal = first.text
	default:
		return operand{}, t.errorf("expected a $variable, string or number in {%s}, found %q",
			t.text, first.text)
	}
	l.pos++

	for {
		if _, ok := l.accept("|"); !ok {
			return result, nil
		}
		m, err := l.modifier(t)
		if err != nil {
			return operand{}, err
		}
		result.modifiers = append(result.modifiers, m)
	}
}

func (l *lexer) modifier(t tag) (modifier, error) {
	name, ok := l.peek()
	if !ok || name.kind != tokenWord {
		return modifier{}, t.errorf("missing modifier name after | in {%s}", t.text)
	}
	l.pos++

	m := modifier{name: name.text}
	counts, known := modifierArgCounts[m.name]
	if !known {
		return modifier{}, t.errorf("unsupported Smarty modifier %q in {%s}: %s",
			m.name, t.text, supportedModifiers)
	}

	for {
		if _, ok := l.accept(":"); !ok {
			break
		}
		arg, ok := l.peek()
		if !ok || arg.kind == tokenOperator || arg.kind == tokenWord {
			return modifier{}, t.errorf("missing argument after : in {%s}", t.text)
		}
		l.pos++
		if arg.kind == tokenVariable {
			m.args = append(m.args, operand{variable: arg.text})
		} else {
			m.args = append(m.args, operand{literal: arg.text})
		}
	}

	if len(m.args) < counts[0] || len(m.args) > counts[1] {
		return modifier{}, t.errorf("modifier %s takes %s in {%s}", m.name,
			describeArgCount(counts), t.text)
	}
	if m.name == "escape" && len(m.args) > 0 {
		format := m.args[0]
		if format.variable != "" || (format.literal != "html" && format.literal != "htmlall") {
			return modifier{}, t.errorf("unsupported escape format in {%s}: "+
				"mfa-reminder supports escape, escape:\"html\" and escape:\"htmlall\"", t.text)
		}
	}
	return m, nil
}

func describeArgCount(counts [2]int) string {
	plural := ""
	if counts[1] > 1 {
		plural = "s"
	}
	switch {
	case counts[1] == 0:
		return "no arguments"
	case counts[0] == counts[1]:
		return fmt.Sprintf("exactly %d argument%s", counts[0], plural)
	default:
		return fmt.Sprintf("at most %d argument%s", counts[1], plural)
	}
}

// condition is the parsed expression of an {if} or {elseif} tag.
type condition interface {
	eval(r *renderer) bool
}

type truthy struct{ value operand }

type not struct{ inner condition }

type and struct{ left, right condition }

type or struct{ left, right condition }

type comparison struct {
	left, right operand
	strict      bool // === and !==: no numeric comparison
	negate      bool
}

const supportedConditions = "conditions support $field, !, ==, !=, eq, neq, ne, " +
	"&&, ||, and, or and parentheses"

func parseCondition(t tag, text string) (condition, error) {
	if text == "" {
		return nil, t.errorf("{%s} has no condition", t.name())
	}
	lex, err := lexExpression(text)
	if err != nil {
		return nil, t.errorf("invalid condition in {%s}: %v: %s", t.text, err,
			supportedConditions)
	}
	cond, err := lex.or(t)
	if err != nil {
		return nil, err
	}
	if next, ok := lex.peek(); ok {
		return nil, t.errorf("invalid condition in {%s}: unexpected %q: %s", t.text,
			next.text, supportedConditions)
	}
	return cond, nil
}

func (l *lexer) or(t tag) (condition, error) {
	left, err := l.and(t)
	if err != nil {
		return nil, err
	}
	for {
		if _, ok := l.accept("||", "or"); !ok {
			return left, nil
		}
		right, err := l.and(t)
		if err != nil {
			return nil, err
		}
		left = or{left: left, right: right}
	}
}

func (l *lexer) and(t tag) (condition, error) {
	left, err := l.unary(t)
	if err != nil {
		return nil, err
	}
	for {
		if _, ok := l.accept("&&", "and"); !ok {
			return left, nil
		}
		right, err := l.unary(t)
		if err != nil {
			return nil, err
		}
		left = and{left: left, right: right}
	}
}

func (l *lexer) unary(t tag) (condition, error) {
	if _, ok := l.accept("!", "not"); ok {
		inner, err := l.unary(t)
		if err != nil {
			return nil, err
		}
		return not{inner: inner}, nil
	}
	if _, ok := l.accept("("); ok {
		inner, err := l.or(t)
		if err != nil {
			return nil, err
		}
		if _, ok := l.accept(")"); !ok {
			return nil, t.errorf("invalid condition in {%s}: missing )", t.text)
		}
		return inner, nil
	}
	return l.comparison(t)
}

func (l *lexer) comparison(t tag) (condition, error) {
	if next, ok := l.peek(); ok && (next.kind == tokenOperator || next.kind == tokenWord) {
		return nil, t.errorf("invalid condition in {%s}: unexpected %q: %s", t.text,
			next.text, supportedConditions)
	}
	left, err := l.operand(t)
	if err != nil {
		return nil, err
	}

	op, ok := l.accept("==", "!=", "===", "!==", "eq", "neq", "ne")
	if !ok {
		return truthy{value: left}, nil
	}
	right, err := l.operand(t)
	if err != nil {
		return nil, err
	}
	return comparison{
		left:   left,
		right:  right,
		strict: op == "===" || op == "!==",
		negate: op == "!=" || op == "!==" || op == "neq" || op == "ne",
	}, nil
}

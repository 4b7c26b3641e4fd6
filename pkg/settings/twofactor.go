package settings

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// TwoFactor is WHMCS's global two-factor configuration, from
// tblconfiguration 2fasettings.
type TwoFactor struct {
	// ClientModules are the two-factor modules enabled for clients.
	ClientModules []string
	// ForceClient is true when WHMCS makes clients enrol at their next
	// login.
	ForceClient bool
}

// ParseTwoFactor reads the PHP-serialised 2fasettings value, such as
// a:3:{s:7:"modules";a:1:{s:4:"totp";a:2:{s:13:"clientenabled";i:1;...}}
// s:11:"forceclient";i:0;...}.
func ParseTwoFactor(serialized string) (TwoFactor, error) {
	var settings TwoFactor
	if strings.TrimSpace(serialized) == "" {
		return settings, nil
	}
	parser := &phpParser{text: serialized}
	value, err := parser.value()
	if err != nil {
		return settings, fmt.Errorf("parse 2fasettings: %w", err)
	}
	root, ok := value.(map[string]any)
	if !ok {
		return settings, fmt.Errorf("parse 2fasettings: not an array")
	}

	if modules, ok := root["modules"].(map[string]any); ok {
		for name, module := range modules {
			if fields, ok := module.(map[string]any); ok && phpTrue(fields["clientenabled"]) {
				settings.ClientModules = append(settings.ClientModules, name)
			}
		}
	}
	sort.Strings(settings.ClientModules)
	settings.ForceClient = phpTrue(root["forceclient"])
	return settings, nil
}

func phpTrue(value any) bool {
	switch v := value.(type) {
	case int64:
		return v != 0
	case bool:
		return v
	case string:
		return v != "" && v != "0"
	}
	return false
}

// phpParser reads the subset of PHP's serialize format that 2fasettings
// uses: arrays, strings, integers, booleans, floats and null.
type phpParser struct {
	text string
	pos  int
}

func (p *phpParser) value() (any, error) {
	if p.pos+1 >= len(p.text) {
		return nil, fmt.Errorf("unexpected end at offset %d", p.pos)
	}
	kind := p.text[p.pos]
	if kind == 'N' && p.text[p.pos+1] == ';' {
		p.pos += 2
		return nil, nil
	}
	if p.text[p.pos+1] != ':' {
		return nil, fmt.Errorf("invalid value at offset %d", p.pos)
	}
	p.pos += 2

	switch kind {
	case 'i', 'b', 'd':
		raw, err := p.until(';')
		if err != nil {
			return nil, err
		}
		switch kind {
		case 'i':
			return strconv.ParseInt(raw, 10, 64)
		case 'b':
			return raw == "1", nil
		default:
			return strconv.ParseFloat(raw, 64)
		}
	case 's':
		return p.string()
	case 'a':
		return p.array()
	}
	return nil, fmt.Errorf("unsupported type %q at offset %d", kind, p.pos-2)
}

// until returns the text up to the delimiter and moves past it.
func (p *phpParser) until(delimiter byte) (string, error) {
	end := strings.IndexByte(p.text[p.pos:], delimiter)
	if end < 0 {
		return "", fmt.Errorf("missing %q after offset %d", delimiter, p.pos)
	}
	raw := p.text[p.pos : p.pos+end]
	p.pos += end + 1
	return raw, nil
}

// string reads N:"...";, where N counts bytes.
func (p *phpParser) string() (string, error) {
	raw, err := p.until(':')
	if err != nil {
		return "", err
	}
	length, err := strconv.Atoi(raw)
	if err != nil || length < 0 || p.pos+length+3 > len(p.text) || p.text[p.pos] != '"' {
		return "", fmt.Errorf("invalid string at offset %d", p.pos)
	}
	value := p.text[p.pos+1 : p.pos+1+length]
	if p.text[p.pos+1+length:p.pos+3+length] != `";` {
		return "", fmt.Errorf("invalid string end at offset %d", p.pos+1+length)
	}
	p.pos += length + 3
	return value, nil
}

// array reads N:{key;value;...}. Keys become strings.
func (p *phpParser) array() (map[string]any, error) {
	raw, err := p.until(':')
	if err != nil {
		return nil, err
	}
	count, err := strconv.Atoi(raw)
	if err != nil || count < 0 || p.pos >= len(p.text) || p.text[p.pos] != '{' {
		return nil, fmt.Errorf("invalid array at offset %d", p.pos)
	}
	p.pos++

	array := make(map[string]any, count)
	for i := 0; i < count; i++ {
		key, err := p.value()
		if err != nil {
			return nil, err
		}
		value, err := p.value()
		if err != nil {
			return nil, err
		}
		array[fmt.Sprint(key)] = value
	}
	if p.pos >= len(p.text) || p.text[p.pos] != '}' {
		return nil, fmt.Errorf("missing } at offset %d", p.pos)
	}
	p.pos++
	return array, nil
}

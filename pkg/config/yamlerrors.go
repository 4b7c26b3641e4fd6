package config

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	unknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type config\.(\w+)$`)
	wrongType    = regexp.MustCompile(`^line (\d+): cannot unmarshal !!\w+(?: .*)? into (\S+)$`)
)

// sectionOf maps the Go type of each YAML section to its key prefix.
var sectionOf = map[string]string{
	"Config":         "",
	"DatabaseConfig": "database.",
	"SMTPConfig":     "smtp.",
	"ScopeConfig":    "scope.",
	"DefaultsConfig": "defaults.",
	"LogConfig":      "log.",
	"TLSConfig":      "tls.",
	"APIConfig":      "api.",
	"SessionConfig":  "sessions.",
	"AdminAccount":   "admins[].",
}

// expected describes the form of a value of a Go type.
var expected = map[string]string{
	"int":           "a whole number",
	"float64":       "a number",
	"bool":          "true or false",
	"string":        "text, in quotes when it contains a colon",
	"time.Duration": "a duration such as 30s or 3m",
	"[]string":      "a list such as [Active, Inactive]",
}

// yamlProblems turns the errors of decoding the file into problems that
// name the dotted key and the expected form. They never repeat the value,
// which may be a secret.
func yamlProblems(err *yaml.TypeError, tree *yaml.Node) []string {
	problems := make([]string, 0, len(err.Errors))
	for _, message := range err.Errors {
		if match := unknownField.FindStringSubmatch(message); match != nil {
			key := sectionOf[match[3]] + match[2]
			problem := fmt.Sprintf("%s (line %s): unknown key", key, match[1])
			if suggestion := closestKey(key); suggestion != "" {
				problem += "; did you mean " + suggestion + "?"
			}
			problems = append(problems, problem)
			continue
		}
		if match := wrongType.FindStringSubmatch(message); match != nil {
			line, _ := strconv.Atoi(match[1])
			key := keyAtLine(tree, line, "")
			if key == "" {
				key = "line " + match[1]
			} else {
				key += " (line " + match[1] + ")"
			}
			form := expected[match[2]]
			switch {
			case strings.HasPrefix(match[2], "config."):
				form = "a section of indented keys, as config.example.yaml shows"
			case form == "":
				form = "a value of type " + match[2]
			}
			problems = append(problems, fmt.Sprintf("%s: invalid value: use %s", key, form))
			continue
		}
		problems = append(problems, message)
	}
	return problems
}

// keyAtLine returns the dotted key whose value starts on line.
func keyAtLine(node *yaml.Node, line int, prefix string) string {
	if node == nil {
		return ""
	}
	if node.Kind == yaml.DocumentNode {
		for _, child := range node.Content {
			if key := keyAtLine(child, line, prefix); key != "" {
				return key
			}
		}
		return ""
	}
	if node.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		name, value := node.Content[i], node.Content[i+1]
		key := prefix + name.Value
		if value.Kind == yaml.MappingNode {
			if found := keyAtLine(value, line, key+"."); found != "" {
				return found
			}
			continue
		}
		if value.Line == line || name.Line == line {
			return key
		}
	}
	return ""
}

// Keys returns every dotted key of the configuration file.
func Keys() []string {
	var keys []string
	collectKeys(reflect.TypeOf(Config{}), "", &keys)
	return keys
}

func collectKeys(t reflect.Type, prefix string, keys *[]string) {
	for i := 0; i < t.NumField(); i++ {
		field := t.Field(i)
		name, _, _ := strings.Cut(field.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		if field.Type.Kind() == reflect.Struct && field.Type.String() != "time.Duration" {
			collectKeys(field.Type, prefix+name+".", keys)
			continue
		}
		*keys = append(*keys, prefix+name)
	}
}

// closestKey returns the known key nearest to key when it is close
// enough to be a typo, else "".
func closestKey(key string) string {
	best, bestDistance := "", 4
	for _, known := range Keys() {
		if distance := editDistance(key, known); distance < bestDistance {
			best, bestDistance = known, distance
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	previous := make([]int, len(b)+1)
	for j := range previous {
		previous[j] = j
	}
	for i := 1; i <= len(a); i++ {
		current := make([]int, len(b)+1)
		current[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			current[j] = min(previous[j]+1, current[j-1]+1, previous[j-1]+cost)
		}
		previous = current
	}
	return previous[len(b)]
}

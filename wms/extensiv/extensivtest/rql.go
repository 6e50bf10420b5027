package extensivtest

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The RQL subset served here is FIQL-shaped: ";" is and, "," is or and
// binds looser, parentheses group; comparisons are ==, !=, =gt=, =ge=,
// =lt=, =le=, =in=(…) and =out=(…); "*" is a wildcard in == and != on
// strings; property names are case-insensitive. As in Extensiv, values are
// URL-decoded once more after the query is split, so a client escapes
// reserved characters inside values twice.

type fieldKind int

const (
	kindString fieldKind = iota
	kindInt
	kindTime
)

// rqlNode is a parsed RQL expression; a nil node matches everything.
type rqlNode struct {
	op       string // "and", "or" or a comparison operator
	children []*rqlNode
	field    string
	values   []string
}

type rqlParser struct {
	text string
	pos  int
}

func parseRQL(text string) (*rqlNode, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	parser := &rqlParser{text: text}
	node, err := parser.or()
	if err != nil {
		return nil, err
	}
	if parser.pos != len(parser.text) {
		return nil, fmt.Errorf("unexpected %q at position %d of the rql", parser.text[parser.pos:], parser.pos)
	}
	return node, nil
}

func (p *rqlParser) peek() byte {
	if p.pos < len(p.text) {
		return p.text[p.pos]
	}
	return 0
}

func (p *rqlParser) or() (*rqlNode, error) {
	return p.list(',', "or", p.and)
}

func (p *rqlParser) and() (*rqlNode, error) {
	return p.list(';', "and", p.factor)
}

func (p *rqlParser) list(separator byte, op string, next func() (*rqlNode, error)) (*rqlNode, error) {
	first, err := next()
	if err != nil {
		return nil, err
	}
	node := &rqlNode{op: op, children: []*rqlNode{first}}
	for p.peek() == separator {
		p.pos++
		child, err := next()
		if err != nil {
			return nil, err
		}
		node.children = append(node.children, child)
	}
	if len(node.children) == 1 {
		return first, nil
	}
	return node, nil
}

func (p *rqlParser) factor() (*rqlNode, error) {
	if p.peek() == '(' {
		p.pos++
		node, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, fmt.Errorf("missing ) at position %d of the rql", p.pos)
		}
		p.pos++
		return node, nil
	}
	return p.comparison()
}

var rqlOperators = []string{"==", "!=", "=gt=", "=ge=", "=lt=", "=le=", "=in=", "=out="}

func (p *rqlParser) comparison() (*rqlNode, error) {
	start := p.pos
	for p.pos < len(p.text) && p.text[p.pos] != '=' && p.text[p.pos] != '!' {
		p.pos++
	}
	field := strings.ToLower(strings.TrimSpace(p.text[start:p.pos]))
	if field == "" {
		return nil, fmt.Errorf("missing property name at position %d of the rql", start)
	}
	op := ""
	for _, candidate := range rqlOperators {
		if strings.HasPrefix(p.text[p.pos:], candidate) {
			op = candidate
			break
		}
	}
	if op == "" {
		return nil, fmt.Errorf("unknown operator after %q in the rql", field)
	}
	p.pos += len(op)

	node := &rqlNode{op: op, field: field}
	if op == "=in=" || op == "=out=" {
		if p.peek() != '(' {
			return nil, fmt.Errorf("%s on %q needs a list in parentheses", op, field)
		}
		p.pos++
		for {
			value, err := p.value()
			if err != nil {
				return nil, err
			}
			node.values = append(node.values, value)
			if p.peek() == ',' {
				p.pos++
				continue
			}
			if p.peek() != ')' {
				return nil, fmt.Errorf("missing ) after the list of %q", field)
			}
			p.pos++
			return node, nil
		}
	}
	value, err := p.value()
	if err != nil {
		return nil, err
	}
	node.values = []string{value}
	return node, nil
}

// value reads up to the next reserved character and decodes it the second
// time. A "*" that was escaped stays a literal star; an unescaped one is
// kept as the wildcard marker \x00.
func (p *rqlParser) value() (string, error) {
	start := p.pos
	for p.pos < len(p.text) && !strings.ContainsRune(";,()", rune(p.text[p.pos])) {
		p.pos++
	}
	raw := p.text[start:p.pos]
	parts := strings.Split(raw, "*")
	for i, part := range parts {
		decoded, err := url.QueryUnescape(part)
		if err != nil {
			return "", fmt.Errorf("value %q in the rql is not URL-encoded correctly", raw)
		}
		parts[i] = decoded
	}
	return strings.Join(parts, "\x00"), nil
}

// check rejects properties the resource does not have.
func (n *rqlNode) check(fields map[string]fieldKind) error {
	if n == nil {
		return nil
	}
	for _, child := range n.children {
		if err := child.check(fields); err != nil {
			return err
		}
	}
	if n.field != "" {
		if _, ok := fields[n.field]; !ok {
			return fmt.Errorf("unknown property %q in the rql", n.field)
		}
	}
	return nil
}

func (n *rqlNode) match(field func(name string) any) bool {
	if n == nil {
		return true
	}
	switch n.op {
	case "and":
		for _, child := range n.children {
			if !child.match(field) {
				return false
			}
		}
		return true
	case "or":
		for _, child := range n.children {
			if child.match(field) {
				return true
			}
		}
		return false
	}

	actual := field(n.field)
	switch n.op {
	case "==":
		return equal(actual, n.values[0])
	case "!=":
		return !equal(actual, n.values[0])
	case "=in=", "=out=":
		found := false
		for _, value := range n.values {
			if equal(actual, value) {
				found = true
			}
		}
		return found == (n.op == "=in=")
	}
	order, ok := compare(actual, n.values[0])
	if !ok {
		return false
	}
	switch n.op {
	case "=gt=":
		return order > 0
	case "=ge=":
		return order >= 0
	case "=lt=":
		return order < 0
	case "=le=":
		return order <= 0
	}
	return false
}

func equal(actual any, value string) bool {
	if text, ok := actual.(string); ok {
		return wildcardMatch(strings.ToLower(text), strings.ToLower(value))
	}
	order, ok := compare(actual, strings.ReplaceAll(value, "\x00", "*"))
	return ok && order == 0
}

// wildcardMatch matches text against a pattern whose \x00 marks match any
// run of characters.
func wildcardMatch(text, pattern string) bool {
	parts := strings.Split(pattern, "\x00")
	if len(parts) == 1 {
		return text == pattern
	}
	if !strings.HasPrefix(text, parts[0]) {
		return false
	}
	text = text[len(parts[0]):]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(text, part)
		if i < 0 {
			return false
		}
		text = text[i+len(part):]
	}
	return strings.HasSuffix(text, parts[len(parts)-1])
}

// compare orders actual against a value written in the query.
func compare(actual any, value string) (int, bool) {
	switch typed := actual.(type) {
	case int:
		parsed, err := strconv.Atoi(value)
		if err != nil {
			return 0, false
		}
		return cmpInt(typed, parsed), true
	case string:
		return strings.Compare(strings.ToLower(typed), strings.ToLower(value)), true
	}
	return 0, false
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// timeValues resolves time comparisons, which need the facility's zone.
// It rewrites the tree so time fields compare as Unix milliseconds.
func (s *Server) timeValues(n *rqlNode, fields map[string]fieldKind) error {
	if n == nil {
		return nil
	}
	for _, child := range n.children {
		if err := s.timeValues(child, fields); err != nil {
			return err
		}
	}
	if n.field == "" || fields[n.field] != kindTime {
		return nil
	}
	for i, value := range n.values {
		parsed, err := s.parseTime(value)
		if err != nil {
			return fmt.Errorf("value %q of %q is not a timestamp", value, n.field)
		}
		n.values[i] = strconv.FormatInt(parsed.UnixMilli(), 10)
	}
	return nil
}

// sortKey is one field of a sort parameter.
type sortKey struct {
	field      string
	descending bool
}

type sorter []sortKey

func parseSort(text string) (sorter, error) {
	var keys sorter
	for _, part := range strings.Split(text, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key := sortKey{field: strings.ToLower(strings.TrimPrefix(part, "-")), descending: strings.HasPrefix(part, "-")}
		if _, ok := receiverFields[key.field]; !ok {
			return nil, fmt.Errorf("unknown sort property %q", key.field)
		}
		keys = append(keys, key)
	}
	return keys, nil
}

// apply sorts receivers by the keys, then by id so pages are stable.
func (keys sorter) apply(receivers []*Receiver, field func(*Receiver, string) any) {
	sort.SliceStable(receivers, func(i, j int) bool {
		for _, key := range keys {
			order := orderOf(field(receivers[i], key.field), field(receivers[j], key.field))
			if order != 0 {
				return (order < 0) != key.descending
			}
		}
		return receivers[i].ID < receivers[j].ID
	})
}

func orderOf(a, b any) int {
	switch typed := a.(type) {
	case int:
		return cmpInt(typed, b.(int))
	case string:
		return strings.Compare(strings.ToLower(typed), strings.ToLower(b.(string)))
	case time.Time:
		return typed.Compare(b.(time.Time))
	}
	return 0
}

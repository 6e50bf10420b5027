package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// fit truncates or pads a possibly styled line to exactly width cells.
func fit(line string, width int) string {
	if width <= 0 {
		return ""
	}
	if lipgloss.Width(line) > width {
		line = ansi.Truncate(line, width, "…")
	}
	if pad := width - lipgloss.Width(line); pad > 0 {
		line += strings.Repeat(" ", pad)
	}
	return line
}

// wrapIndented wraps text to the room left of width after indent cells,
// styles each line and indents it. Below 20 cells of room it indents by 2
// instead, so that a narrow form still has room for the words.
func wrapIndented(style lipgloss.Style, text string, indent, width int) []string {
	if width-indent < 20 {
		indent = min(2, width)
	}
	room := max(1, width-indent)
	pad := strings.Repeat(" ", indent)
	var lines []string
	for _, line := range strings.Split(ansi.Wrap(text, room, ""), "\n") {
		lines = append(lines, pad+style.Render(line))
	}
	return lines
}

// wrapHanging wraps a possibly styled line to width cells and starts each
// continuation line indent cells in, under a column or past a label. A
// line that fits comes back as it is.
func wrapHanging(line string, width, indent int) []string {
	if width <= 0 || lipgloss.Width(line) <= width {
		return []string{line}
	}
	indent = clamp(indent, 0, width/2)
	head, _, _ := strings.Cut(ansi.Wrap(line, width, ""), "\n")
	rest := strings.TrimLeft(ansi.TruncateLeft(line, lipgloss.Width(head), ""), " ")

	lines := []string{head}
	pad := strings.Repeat(" ", indent)
	for _, tail := range strings.Split(ansi.Wrap(rest, width-indent, ""), "\n") {
		lines = append(lines, pad+tail)
	}
	return lines
}

// wrapBody wraps each line of body to width cells. Continuation lines start
// 2 cells past the line's own leading spaces, so indented lines stay
// indented.
func wrapBody(body []string, width int) []string {
	var lines []string
	for _, line := range body {
		lead := len(line) - len(strings.TrimLeft(line, " "))
		lines = append(lines, wrapHanging(line, width, lead+2)...)
	}
	return lines
}

// fitLeft right-aligns a plain value in width cells, truncating if needed.
func fitLeft(text string, width int) string {
	if lipgloss.Width(text) > width {
		return ansi.Truncate(text, width, "…")
	}
	return strings.Repeat(" ", width-lipgloss.Width(text)) + text
}

// box draws a rounded border of width×height cells around body, with title
// set into the top edge. Body lines beyond the inner height are dropped and
// missing ones are blank, so every pane has exactly the size it was given.
func (s *Styles) box(title string, body []string, width, height int, focused bool) string {
	if width < 4 || height < 2 {
		return ""
	}
	border, titleStyle := s.Border, s.Title
	if focused {
		border, titleStyle = s.BorderFocused, s.TitleFocused
	}
	inner := width - 2

	// Top edge: "╭─ Title ───╮", the title cut to fit.
	titleText := ansi.Truncate(title, max(0, inner-3), "…")
	top := border.Render("╭─") + titleStyle.Render(" "+titleText+" ")
	if rest := width - lipgloss.Width(top) - 1; rest > 0 {
		top += border.Render(strings.Repeat("─", rest))
	}
	top = fit(top, width-1) + border.Render("╮")

	var b strings.Builder
	b.WriteString(top)
	side := border.Render("│")
	for i := 0; i < height-2; i++ {
		line := ""
		if i < len(body) {
			line = body[i]
		}
		b.WriteString("\n" + side + fit(line, inner) + side)
	}
	b.WriteString("\n" + border.Render("╰"+strings.Repeat("─", inner)+"╯"))
	return b.String()
}

// bar draws a progress bar of width cells for done out of total. Over-receipts
// fill the bar; nothing ordered draws an empty bar.
func (s *Styles) bar(done, total, width int) string {
	if width <= 0 {
		return ""
	}
	filled := 0
	if total > 0 {
		filled = min(width, done*width/total)
	}
	return s.BarFull.Render(strings.Repeat("█", filled)) + s.BarEmpty.Render(strings.Repeat("░", width-filled))
}

// quantity formats received/ordered, for example "40/100".
func quantity(received, ordered int) string {
	return fmt.Sprintf("%d/%d", received, ordered)
}

// clamp keeps v within [lo, hi]; hi below lo yields lo.
func clamp(v, lo, hi int) int {
	if v > hi {
		v = hi
	}
	if v < lo {
		v = lo
	}
	return v
}

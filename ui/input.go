package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// textInput is a one-line text field in place of bubbles' textinput, whose
// clipboard dependency (github.com/atotto/clipboard) is not in go.sum. It
// has the subset of that API the forms use. Its cursor does not blink, so
// an idle form sends no ticks.
type textInput struct {
	Prompt      string
	Placeholder string
	CharLimit   int
	// Width is the visible width of the value in cells; 0 shows it all.
	Width int

	value   []rune
	pos     int
	focused bool
	styles  *Styles
}

func newTextInput(styles *Styles) textInput {
	return textInput{styles: styles}
}

// Value returns the text typed so far.
func (t *textInput) Value() string { return string(t.value) }

// SetValue replaces the text and puts the cursor at its end.
func (t *textInput) SetValue(value string) {
	runes := []rune(value)
	if t.CharLimit > 0 && len(runes) > t.CharLimit {
		runes = runes[:t.CharLimit]
	}
	t.value, t.pos = runes, len(runes)
}

// Focus makes the field take keys; the Cmd is always nil, as in bubbles.
func (t *textInput) Focus() tea.Cmd {
	t.focused = true
	return nil
}

// Blur stops the field from taking keys.
func (t *textInput) Blur() { t.focused = false }

// Focused reports whether the field takes keys.
func (t *textInput) Focused() bool { return t.focused }

// Update edits the text: printable keys insert, backspace and delete
// remove, left, right, home, end, ctrl+a, ctrl+e move, ctrl+u and ctrl+k
// cut to the start or end.
func (t textInput) Update(msg tea.Msg) (textInput, tea.Cmd) {
	key, ok := msg.(tea.KeyMsg)
	if !ok || !t.focused {
		return t, nil
	}
	switch key.Type {
	case tea.KeyRunes, tea.KeySpace:
		runes := key.Runes
		if key.Type == tea.KeySpace {
			runes = []rune{' '}
		}
		for _, r := range runes {
			if t.CharLimit > 0 && len(t.value) >= t.CharLimit {
				break
			}
			if r < ' ' {
				continue
			}
			t.value = append(t.value[:t.pos], append([]rune{r}, t.value[t.pos:]...)...)
			t.pos++
		}
	case tea.KeyBackspace:
		if t.pos > 0 {
			t.value = append(t.value[:t.pos-1], t.value[t.pos:]...)
			t.pos--
		}
	case tea.KeyDelete:
		if t.pos < len(t.value) {
			t.value = append(t.value[:t.pos], t.value[t.pos+1:]...)
		}
	case tea.KeyLeft:
		t.pos = max(0, t.pos-1)
	case tea.KeyRight:
		t.pos = min(len(t.value), t.pos+1)
	case tea.KeyHome, tea.KeyCtrlA:
		t.pos = 0
	case tea.KeyEnd, tea.KeyCtrlE:
		t.pos = len(t.value)
	case tea.KeyCtrlU:
		t.value, t.pos = append([]rune(nil), t.value[t.pos:]...), 0
	case tea.KeyCtrlK:
		t.value = t.value[:t.pos]
	}
	return t, nil
}

// View renders the prompt and the text, with a block cursor when focused.
// Text wider than Width scrolls so the cursor stays visible.
func (t textInput) View() string {
	s := t.styles
	prompt := s.InputPrompt.Render(t.Prompt)
	if len(t.value) == 0 {
		placeholder := s.InputPlaceholder.Render(t.Placeholder)
		if t.focused {
			return prompt + s.InputCursor.Reverse(true).Render(" ") + placeholder
		}
		return prompt + placeholder
	}

	// Show the window of runes around the cursor that fits Width.
	start, end := 0, len(t.value)
	if t.Width > 0 && len(t.value)+1 > t.Width {
		start = max(0, t.pos-t.Width+1)
		end = min(len(t.value), start+t.Width)
	}
	if !t.focused {
		return prompt + s.InputText.Render(string(t.value[start:end]))
	}
	var b strings.Builder
	b.WriteString(s.InputText.Render(string(t.value[start:min(t.pos, end)])))
	under := " "
	if t.pos < len(t.value) {
		under = string(t.value[t.pos])
	}
	b.WriteString(s.InputCursor.Reverse(true).Render(under))
	if t.pos+1 < end {
		b.WriteString(s.InputText.Render(string(t.value[t.pos+1 : end])))
	}
	return prompt + b.String()
}

package ui

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
)

// textInput is the one-line text field of forms, prompts and the filter:
// bubbles' textinput with the board's styles.
type textInput = textinput.Model

// newTextInput returns a text field drawn with styles. Its cursor does not
// blink, so an idle form sends no ticks. ctrl+v is off because it reads
// the clipboard of the machine running poboard, which over SSH is not the
// user's. A terminal's own paste still works.
func newTextInput(styles *Styles) textInput {
	input := textinput.New()
	input.PromptStyle = styles.InputPrompt
	input.TextStyle = styles.InputText
	input.PlaceholderStyle = styles.InputPlaceholder
	input.CompletionStyle = styles.InputPlaceholder
	input.Cursor.Style = styles.InputCursor
	input.Cursor.TextStyle = styles.InputText
	input.Cursor.SetMode(cursor.CursorStatic)
	input.KeyMap.Paste.SetEnabled(false)
	return input
}

package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"poboard/store"
)

// Styles holds every style of the board, all built from one renderer so that
// an SSH session gets the colour profile of its own terminal.
type Styles struct {
	renderer *lipgloss.Renderer

	Border        lipgloss.Style
	BorderFocused lipgloss.Style
	Title         lipgloss.Style
	TitleFocused  lipgloss.Style

	Header   lipgloss.Style
	Selected lipgloss.Style
	Muted    lipgloss.Style
	Bold     lipgloss.Style
	Label    lipgloss.Style

	Status  map[store.Status]lipgloss.Style
	Lock    lipgloss.Style
	Overdue lipgloss.Style
	Flag    lipgloss.Style

	BarFull  lipgloss.Style
	BarEmpty lipgloss.Style

	Error   lipgloss.Style
	Warning lipgloss.Style
	Info    lipgloss.Style
	Success lipgloss.Style
	Spinner lipgloss.Style

	Button       lipgloss.Style
	MenuSelected lipgloss.Style

	InputPrompt      lipgloss.Style
	InputText        lipgloss.Style
	InputPlaceholder lipgloss.Style
	InputCursor      lipgloss.Style
	InputFocused     lipgloss.Style

	Help help.Styles
}

// NewStyles builds the board's styles from r. Pass the session's renderer
// over SSH and lipgloss.DefaultRenderer() locally.
func NewStyles(r *lipgloss.Renderer) *Styles {
	accent := lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#A48CFF"}
	muted := lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#8A8A8A"}
	red := lipgloss.AdaptiveColor{Light: "#C0262D", Dark: "#FF6B6B"}
	green := lipgloss.AdaptiveColor{Light: "#1E7B34", Dark: "#5FD37A"}
	amber := lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#F2C14E"}
	blue := lipgloss.AdaptiveColor{Light: "#1F5FBF", Dark: "#6FA8FF"}

	s := &Styles{renderer: r}
	s.Border = r.NewStyle().Foreground(muted)
	s.BorderFocused = r.NewStyle().Foreground(accent)
	s.Title = r.NewStyle().Bold(true)
	s.TitleFocused = r.NewStyle().Bold(true).Foreground(accent)

	s.Header = r.NewStyle().Foreground(muted).Bold(true)
	s.Selected = r.NewStyle().Reverse(true)
	s.Muted = r.NewStyle().Foreground(muted)
	s.Bold = r.NewStyle().Bold(true)
	s.Label = r.NewStyle().Foreground(muted)

	s.Status = map[store.Status]lipgloss.Style{
		store.StatusDraft:             r.NewStyle().Foreground(muted),
		store.StatusApproved:          r.NewStyle().Foreground(blue),
		store.StatusOrdered:           r.NewStyle().Foreground(accent),
		store.StatusPartiallyReceived: r.NewStyle().Foreground(amber),
		store.StatusReceived:          r.NewStyle().Foreground(green),
		store.StatusClosed:            r.NewStyle().Foreground(muted),
		store.StatusCancelled:         r.NewStyle().Foreground(muted).Strikethrough(true),
	}
	s.Lock = r.NewStyle().Foreground(amber)
	s.Overdue = r.NewStyle().Foreground(red).Bold(true)
	s.Flag = r.NewStyle().Foreground(red)

	s.BarFull = r.NewStyle().Foreground(green)
	s.BarEmpty = r.NewStyle().Foreground(muted)

	s.Error = r.NewStyle().Foreground(red)
	s.Warning = r.NewStyle().Foreground(amber)
	s.Info = r.NewStyle().Foreground(blue)
	s.Success = r.NewStyle().Foreground(green)
	s.Spinner = r.NewStyle().Foreground(accent)

	s.Button = r.NewStyle().Bold(true).Padding(0, 1)
	s.MenuSelected = r.NewStyle().Foreground(accent).Bold(true)

	s.InputPrompt = r.NewStyle().Foreground(muted)
	s.InputText = r.NewStyle()
	s.InputPlaceholder = r.NewStyle().Foreground(muted)
	s.InputCursor = r.NewStyle().Foreground(accent)
	s.InputFocused = r.NewStyle().Foreground(accent)

	s.Help = help.Styles{
		Ellipsis:       r.NewStyle().Foreground(muted),
		ShortKey:       r.NewStyle().Foreground(accent),
		ShortDesc:      r.NewStyle().Foreground(muted),
		ShortSeparator: r.NewStyle().Foreground(muted),
		FullKey:        r.NewStyle().Foreground(accent),
		FullDesc:       r.NewStyle().Foreground(muted),
		FullSeparator:  r.NewStyle().Foreground(muted),
	}
	return s
}

// StatusStyle returns the style of a status label.
func (s *Styles) StatusStyle(status store.Status) lipgloss.Style {
	if style, ok := s.Status[status]; ok {
		return style
	}
	return s.Muted
}

// PushButton returns the style of the push button in the connector's
// colour, given as "#RRGGBB". The text is black or white, whichever reads
// better on that colour. An invalid colour falls back to reverse video.
func (s *Styles) PushButton(color string) lipgloss.Style {
	style := s.Button
	r, g, b, ok := parseHexColor(color)
	if !ok {
		return style.Reverse(true)
	}
	// Relative luminance by the ITU-R BT.601 weights, on 0–255 channels.
	luma := (299*r + 587*g + 114*b) / 1000
	text := "#FFFFFF"
	if luma > 150 {
		text = "#000000"
	}
	return style.Background(lipgloss.Color(color)).Foreground(lipgloss.Color(text))
}

// pushButton renders the push button. Without colours the button has
// brackets, so it still reads as one.
func (s *Styles) pushButton(label, color string) string {
	if s.renderer.ColorProfile() == termenv.Ascii {
		return "[ " + label + " ]"
	}
	return s.PushButton(color).Render(label)
}

func parseHexColor(color string) (r, g, b int, ok bool) {
	hex := strings.TrimPrefix(color, "#")
	if len(hex) != 6 {
		return 0, 0, 0, false
	}
	value, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return 0, 0, 0, false
	}
	return int(value >> 16 & 0xFF), int(value >> 8 & 0xFF), int(value & 0xFF), true
}

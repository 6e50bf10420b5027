package ui

import (
	"math"
	"strings"
)

// sparkLevels are the eighth blocks a sparkline draws, lowest first.
var sparkLevels = []rune("▁▂▃▄▅▆▇█")

// resample shrinks values to width cells by averaging the days each cell
// covers; fewer values than cells are kept as they are.
func resample(values []float64, width int) []float64 {
	if width <= 0 || len(values) <= width {
		return values
	}
	cells := make([]float64, width)
	for i := range cells {
		from, to := i*len(values)/width, (i+1)*len(values)/width
		sum := 0.0
		for _, v := range values[from:to] {
			sum += v
		}
		cells[i] = sum / float64(to-from)
	}
	return cells
}

// sparkline draws values in at most width cells, scaled to their maximum.
// A cell with no demand is a space, so days without sales read as gaps.
func sparkline(values []float64, width int) string {
	cells := resample(values, width)
	peak := 0.0
	for _, v := range cells {
		peak = max(peak, v)
	}
	var b strings.Builder
	for _, v := range cells {
		if v <= 0 || peak <= 0 {
			b.WriteByte(' ')
			continue
		}
		level := int(math.Ceil(v/peak*float64(len(sparkLevels)))) - 1
		b.WriteRune(sparkLevels[clamp(level, 0, len(sparkLevels)-1)])
	}
	return b.String()
}

// stockChart draws projected stock as a bar chart rows cells high and at
// most width cells wide, scaled to the highest stock. Days at or below
// zero draw "·" on the bottom row, so a stockout shows without colours.
// It returns the rows top first and the number of cells drawn.
func stockChart(values []float64, width, rows int) ([]string, int) {
	cells := resample(values, width)
	peak := 0.0
	for _, v := range cells {
		peak = max(peak, v)
	}
	levels := len(sparkLevels)
	lines := make([]strings.Builder, rows)
	for _, v := range cells {
		// Height in eighths of a row; a positive value shows at least one.
		height := 0
		if v > 0 && peak > 0 {
			height = max(1, int(math.Round(v/peak*float64(rows*levels))))
		}
		for row := range rows {
			// row 0 is the top; floor is the eighths below this row.
			floor := (rows - 1 - row) * levels
			switch {
			case v <= 0 && row == rows-1:
				lines[row].WriteString("·")
			case height >= floor+levels:
				lines[row].WriteRune(sparkLevels[levels-1])
			case height > floor:
				lines[row].WriteRune(sparkLevels[height-floor-1])
			default:
				lines[row].WriteByte(' ')
			}
		}
	}
	out := make([]string, rows)
	for i := range lines {
		out[i] = lines[i].String()
	}
	return out, len(cells)
}

// markerLine puts "▲ label" under the cell where day falls, for a chart of
// days values drawn in cells cells. The label goes left of the mark when
// it would not fit in room cells on the right.
func markerLine(day, days, cells, room int, label string) string {
	if days <= 0 || cells <= 0 {
		return ""
	}
	col := clamp(day*cells/days, 0, cells-1)
	right := strings.Repeat(" ", col) + "▲ " + label
	if col+2+len([]rune(label)) <= room {
		return right
	}
	start := max(0, col-len([]rune(label))-1)
	return strings.Repeat(" ", start) + label + " ▲"
}

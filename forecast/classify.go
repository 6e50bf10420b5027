package forecast

// Class is a demand pattern after Syntetos, Boylan and Croston (2005):
// average inter-demand interval (ADI) against the squared coefficient of
// variation of non-zero demand sizes (CV²), cut at 1.32 and 0.49.
type Class string

// Demand classes.
const (
	ClassSmooth       Class = "smooth"
	ClassErratic      Class = "erratic"
	ClassIntermittent Class = "intermittent"
	ClassLumpy        Class = "lumpy"
	// ClassNoDemand is a SKU without sales in the classified window.
	ClassNoDemand Class = "no_demand"
)

// Classification cut-offs of Syntetos, Boylan and Croston (2005).
const (
	adiCutoff = 1.32
	cv2Cutoff = 0.49
)

// classifyWeeks is how many recent weeks Classify looks at.
const classifyWeeks = 52

// Classify buckets the last 52 weeks (fewer for a younger SKU) into weekly
// totals and classifies them. Weekly buckets are used because on daily data
// nearly every e-commerce SKU has ADI > 1.32 and the classes would not
// separate anything. Stockout days are left out of the week totals.
func Classify(s Series) (class Class, adi, cv2 float64) {
	// A partial week at the start counts as a week, so a young SKU whose
	// sales all fall in its first days is not taken for one without demand.
	weeks := min((len(s.Units)+6)/7, classifyWeeks)
	var sizes []float64
	for w := range weeks {
		total := 0.0
		end := len(s.Units) - w*7
		for t := max(0, end-7); t < end; t++ {
			if s.InStock(t) {
				total += s.Units[t]
			}
		}
		if total > 0 {
			sizes = append(sizes, total)
		}
	}
	if len(sizes) == 0 {
		return ClassNoDemand, 0, 0
	}

	adi = float64(weeks) / float64(len(sizes))
	mean := 0.0
	for _, size := range sizes {
		mean += size
	}
	mean /= float64(len(sizes))
	variance := 0.0
	for _, size := range sizes {
		variance += (size - mean) * (size - mean)
	}
	variance /= float64(len(sizes))
	cv2 = variance / (mean * mean)

	switch {
	case adi <= adiCutoff && cv2 <= cv2Cutoff:
		class = ClassSmooth
	case adi <= adiCutoff:
		class = ClassErratic
	case cv2 <= cv2Cutoff:
		class = ClassIntermittent
	default:
		class = ClassLumpy
	}
	return class, adi, cv2
}

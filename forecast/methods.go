package forecast

// Method names a forecasting method, as written in JSON.
type Method string

// Forecasting methods. Every method reads only days up to its origin and
// skips stockout days, so no backtest fold uses days after its origin.
const (
	// MethodMovingAverage is the mean of the last 90 calendar days,
	// stockout days left out (the default of most Shopify restock apps).
	MethodMovingAverage Method = "moving_average"
	// MethodSES is simple exponential smoothing of daily demand.
	MethodSES Method = "ses"
	// MethodHolt is Holt's linear trend with a damped trend, for SKUs whose
	// demand grows or shrinks steadily.
	MethodHolt Method = "holt_damped"
	// MethodSBA is Croston's method with the Syntetos-Boylan bias
	// correction (1 - alpha/2), for intermittent demand.
	MethodSBA Method = "sba"
	// MethodTSB is Teunter-Syntetos-Babai: it smooths the probability of
	// demand every day, so the forecast decays when a SKU stops selling.
	MethodTSB Method = "tsb"
	// MethodSeasonal repeats the same weeks of last year (364 days back, so
	// weekdays line up), scaled by the ratio of the last 90 days to the same
	// 90 days a year earlier. Used only with at least two years of history.
	MethodSeasonal Method = "seasonal"
	// MethodWeekday is the level of the last four weeks times a
	// day-of-week index from the last twelve weeks, for demand that is
	// higher on some weekdays (weekends in most consumer shops).
	MethodWeekday Method = "weekday"
	// MethodNone forecasts zero: the SKU has no sales in the last 180 days
	// or none at all.
	MethodNone Method = "none"
)

// sesAlphas are the smoothing weights MethodSES chooses from per SKU.
var sesAlphas = [...]float64{0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3}

// holtWeights are the level and trend weights MethodHolt chooses from.
var holtWeights = [...]struct{ alpha, beta float64 }{
	{0.05, 0.01}, {0.1, 0.01}, {0.2, 0.01}, {0.1, 0.05}, {0.2, 0.05}, {0.3, 0.1},
}

// Parameters of the other methods. They are fixed rather than fitted per
// SKU: Kourentzes (2014) found that fitting intermittent methods with the
// usual error measures gains little, and fixed values keep 20,000 SKUs
// fast. SES and Holt pick from the small grids above instead, because on
// smooth demand a fitted weight forecasts better than a fixed one.
const (
	maWindow       = 90
	maMinInStock   = 7
	holtPhi        = 0.98
	crostonAlpha   = 0.1
	tsbAlpha       = 0.1
	tsbBeta        = 0.05
	warmupDays     = 14
	seasonLag      = 364
	seasonMinDays  = 730
	seasonRatioMin = 0.25
	seasonRatioMax = 4.0
	// weekdayLevelDays is whole weeks, so every weekday weighs the same in
	// the level; weekdayIndexDays is the window of the day-of-week index.
	weekdayLevelDays = 28
	weekdayIndexDays = 84
)

// model is one method's running state. observe consumes day t in order;
// forecast fills out with the demand of the days after the last day
// observed.
type model interface {
	observe(t int)
	forecast(out []float64)
}

func newModel(method Method, s *Series) model {
	switch method {
	case MethodMovingAverage:
		return &movingAverage{s: s, last: -1}
	case MethodSES:
		return &ses{s: s}
	case MethodHolt:
		return &holt{s: s}
	case MethodSBA:
		return &sba{s: s}
	case MethodTSB:
		return &tsb{s: s}
	case MethodSeasonal:
		return &seasonal{s: s, last: -1}
	case MethodWeekday:
		return &weekday{s: s, last: -1}
	}
	return zero{}
}

func fill(out []float64, value float64) {
	for i := range out {
		out[i] = value
	}
}

type zero struct{}

func (zero) observe(int)            {}
func (zero) forecast(out []float64) { fill(out, 0) }

// movingAverage reads the series directly at forecast time, which happens
// only at backtest origins and at the end.
type movingAverage struct {
	s    *Series
	last int
}

func (m *movingAverage) observe(t int) { m.last = t }

func (m *movingAverage) forecast(out []float64) {
	fill(out, inStockMean(m.s, m.last-maWindow+1, m.last, maMinInStock, 365))
}

// inStockMean returns the mean demand of in-stock days in [from, to]. With
// fewer than minDays in-stock days there, the window is widened back to
// widen days.
func inStockMean(s *Series, from, to, minDays, widen int) float64 {
	sum, days := 0.0, 0
	for t := max(0, from); t <= to; t++ {
		if s.InStock(t) {
			sum += s.Units[t]
			days++
		}
	}
	if days < minDays && widen > to-from+1 && from > 0 {
		return inStockMean(s, to-widen+1, to, 0, 0)
	}
	if days == 0 {
		return 0
	}
	return sum / float64(days)
}

// warmup averages the first in-stock days before smoothing starts, so no
// method depends on a single first observation.
type warmup struct {
	sum  float64
	days int
}

func (w *warmup) add(y float64) bool {
	w.sum += y
	w.days++
	return w.days >= warmupDays
}

func (w *warmup) mean() float64 {
	if w.days == 0 {
		return 0
	}
	return w.sum / float64(w.days)
}

// ses runs simple exponential smoothing with each of sesAlphas side by
// side and forecasts with the one whose one-day-ahead squared errors sum
// lowest so far. That picks the smoothing weight from the days observed
// only, as R's ets does by likelihood, so backtests stay honest.
type ses struct {
	s      *Series
	w      warmup
	levels [len(sesAlphas)]float64
	errors [len(sesAlphas)]float64
	ready  bool
}

func (m *ses) observe(t int) {
	if !m.s.InStock(t) {
		return
	}
	y := m.s.Units[t]
	if !m.ready {
		m.ready = m.w.add(y)
		for i := range m.levels {
			m.levels[i] = m.w.mean()
		}
		return
	}
	for i, alpha := range sesAlphas {
		e := y - m.levels[i]
		m.errors[i] += e * e
		m.levels[i] += alpha * e
	}
}

func (m *ses) forecast(out []float64) {
	best := 0
	for i := range m.errors {
		if m.errors[i] < m.errors[best] {
			best = i
		}
	}
	fill(out, m.levels[best])
}

// holt runs damped Holt with each pair of holtWeights side by side and
// forecasts with the pair whose one-day-ahead squared errors sum lowest so
// far, as ses does with its weights.
type holt struct {
	s              *Series
	w              warmup
	levels, trends [len(holtWeights)]float64
	errors         [len(holtWeights)]float64
	ready          bool
}

func (m *holt) observe(t int) {
	if !m.s.InStock(t) {
		return
	}
	y := m.s.Units[t]
	if !m.ready {
		m.ready = m.w.add(y)
		for i := range m.levels {
			m.levels[i] = m.w.mean()
		}
		return
	}
	for i, weights := range holtWeights {
		previous := m.levels[i]
		predicted := previous + holtPhi*m.trends[i]
		e := y - predicted
		m.errors[i] += e * e
		m.levels[i] = predicted + weights.alpha*e
		m.trends[i] = holtPhi*m.trends[i] + weights.beta*(m.levels[i]-previous-holtPhi*m.trends[i])
	}
}

func (m *holt) forecast(out []float64) {
	best := 0
	for i := range m.errors {
		if m.errors[i] < m.errors[best] {
			best = i
		}
	}
	damping := 0.0
	step := 1.0
	for i := range out {
		step *= holtPhi
		damping += step
		out[i] = max(0, m.levels[best]+damping*m.trends[best])
	}
}

// sba keeps Croston's two smoothed quantities: the size of non-zero demands
// and the interval between them, counted in in-stock days.
type sba struct {
	s        *Series
	size     float64
	interval float64
	sinceHit int
	seen     bool
}

func (m *sba) observe(t int) {
	if !m.s.InStock(t) {
		return
	}
	m.sinceHit++
	y := m.s.Units[t]
	if y <= 0 {
		return
	}
	if !m.seen {
		m.size, m.interval, m.seen = y, float64(m.sinceHit), true
	} else {
		m.size += crostonAlpha * (y - m.size)
		m.interval += crostonAlpha * (float64(m.sinceHit) - m.interval)
	}
	m.sinceHit = 0
}

func (m *sba) forecast(out []float64) {
	if !m.seen {
		fill(out, 0)
		return
	}
	fill(out, (1-crostonAlpha/2)*m.size/m.interval)
}

type tsb struct {
	s           *Series
	w           warmup
	hits        int
	probability float64
	size        float64
	seen, ready bool
}

func (m *tsb) observe(t int) {
	if !m.s.InStock(t) {
		return
	}
	y := m.s.Units[t]
	if y > 0 {
		if !m.seen {
			m.size, m.seen = y, true
		} else {
			m.size += tsbAlpha * (y - m.size)
		}
	}
	if !m.ready {
		if y > 0 {
			m.hits++
		}
		m.ready = m.w.add(y)
		m.probability = float64(m.hits) / float64(m.w.days)
		return
	}
	hit := 0.0
	if y > 0 {
		hit = 1
	}
	m.probability += tsbBeta * (hit - m.probability)
}

func (m *tsb) forecast(out []float64) { fill(out, m.probability*m.size) }

type seasonal struct {
	s    *Series
	last int
}

func (m *seasonal) observe(t int) { m.last = t }

func (m *seasonal) forecast(out []float64) {
	t := m.last
	recent := inStockMean(m.s, t-maWindow+1, t, 0, 0)
	yearAgo := inStockMean(m.s, t-seasonLag-maWindow+1, t-seasonLag, 0, 0)
	ratio := 1.0
	if yearAgo > 0 {
		ratio = min(max(recent/yearAgo, seasonRatioMin), seasonRatioMax)
	}
	for k := range out {
		// A week centred on the same weekday 52 weeks before day t+k+1,
		// never reaching past the origin.
		day := t + k + 1 - seasonLag
		out[k] = ratio * inStockMean(m.s, day-3, min(day+3, t), 0, 0)
	}
}

// weekday reads the series at forecast time, like movingAverage. Day t
// falls on weekday t mod 7 of the series, which is all the index needs.
type weekday struct {
	s    *Series
	last int
}

func (m *weekday) observe(t int) { m.last = t }

func (m *weekday) forecast(out []float64) {
	t := m.last
	index := weekdayIndex(m.s, t-weekdayIndexDays+1, t)

	// The level divides each in-stock day by its index, so stockout days
	// do not tilt it towards the weekdays that remain.
	units, weight := 0.0, 0.0
	for day := max(0, t-weekdayLevelDays+1); day <= t; day++ {
		if m.s.InStock(day) {
			units += m.s.Units[day]
			weight += index[day%7]
		}
	}
	level := 0.0
	if weight > 0 {
		level = units / weight
	}
	for k := range out {
		out[k] = level * index[(t+k+1)%7]
	}
}

// weekdayIndex returns each weekday's mean demand over [from, to] divided
// by the mean of all in-stock days there. A weekday without in-stock days
// gets 1, and so does every weekday when the window has no demand.
func weekdayIndex(s *Series, from, to int) [7]float64 {
	var sums, counts [7]float64
	total, days := 0.0, 0.0
	for t := max(0, from); t <= to; t++ {
		if s.InStock(t) {
			sums[t%7] += s.Units[t]
			counts[t%7]++
			total += s.Units[t]
			days++
		}
	}
	var index [7]float64
	for w := range index {
		index[w] = 1
		if counts[w] > 0 && total > 0 {
			index[w] = (sums[w] / counts[w]) / (total / days)
		}
	}
	return index
}

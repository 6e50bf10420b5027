package forecast

import (
	"math"
	"runtime"
	"sync"
)

// Backtest settings: four origins two weeks apart, each scored on the 28
// days that follow it.
const (
	backtestHorizon = 28
	backtestOrigins = 4
	backtestStep    = 14
	// minTrainDays is the shortest history a backtest fold trains on.
	minTrainDays = 56
	// MinBacktestDays is the history a SKU needs for one backtest fold:
	// the training days and the days scored after them.
	MinBacktestDays = minTrainDays + backtestHorizon
	// obsoleteDays without a sale make a SKU forecast zero, as in the
	// statsforecast VN1 entry.
	obsoleteDays = 180
	// selectMargin is how much lower than the best score so far a later
	// candidate must score to replace it, so noise in four folds does not
	// pick a richer model.
	selectMargin = 0.02
	// baselineMargin is how much lower than SES, the baseline for smooth and
	// erratic demand, a candidate must score as well. SES with a fitted
	// weight matches R's ets on such series, and with the 2 % margin alone
	// noise picks cost about 0.01 MASE on the generated benchmark series.
	baselineMargin = 0.15
)

// Score is one method's backtest error on one SKU.
type Score struct {
	Method Method
	// MASE is the mean absolute error over the backtest days divided by the
	// in-sample mean absolute error of the one-day naive forecast.
	MASE float64
	// Bias is the mean error on the same scale; positive means the method
	// forecast too much.
	Bias float64
}

// Result is a SKU's fitted forecast.
type Result struct {
	Method Method
	Class  Class
	ADI    float64
	CV2    float64
	// Forecast is the demand of each day after the series ends.
	Forecast []float64
	// Backtested is false when the history was too short to score methods;
	// the method then follows the class and MASE is NaN.
	Backtested bool
	MASE       float64
	// Scores lists every candidate's backtest error, the chosen one included.
	Scores []Score
	// AbsError, Error and Actual are the chosen method's backtest sums in
	// units, for the portfolio's WAPE and bias.
	AbsError, Error, Actual float64
}

// candidates returns the methods worth trying for a class, the baseline
// that the others must beat first: the moving average for intermittent
// demand and SES for the rest.
func candidates(class Class, days int) []Method {
	var methods []Method
	switch class {
	case ClassIntermittent, ClassLumpy:
		methods = append(methods, MethodMovingAverage, MethodSBA, MethodTSB)
	default:
		methods = append(methods, MethodSES, MethodMovingAverage, MethodHolt, MethodWeekday)
		if days >= seasonMinDays {
			methods = append(methods, MethodSeasonal)
		}
	}
	return methods
}

// fallback is the method for a SKU too young to backtest.
func fallback(class Class) Method {
	if class == ClassIntermittent || class == ClassLumpy {
		return MethodSBA
	}
	return MethodMovingAverage
}

// tally accumulates one method's backtest errors.
type tally struct {
	abs, err, actual float64
	days             int
}

// Fit classifies s, backtests the candidate methods from rolling origins,
// keeps the best by MASE + |bias| (the VN1 score's shape, which stops a
// method that always forecasts too little from winning on intermittent
// data) and forecasts horizon days past the end of s.
func Fit(s Series, horizon int) Result {
	class, adi, cv2 := Classify(s)
	result := Result{Class: class, ADI: adi, CV2: cv2, MASE: math.NaN(), Forecast: make([]float64, horizon)}
	n := len(s.Units)
	if class == ClassNoDemand || n == 0 || (n >= obsoleteDays && !soldSince(s, n-obsoleteDays)) {
		result.Method = MethodNone
		return result
	}

	methods := candidates(class, n)
	origins := backtestOriginsFor(n)
	if len(origins) == 0 {
		result.Method = fallback(class)
		runMethod(result.Method, &s, result.Forecast)
		return result
	}

	models := make([]model, len(methods))
	for i, method := range methods {
		models[i] = newModel(method, &s)
	}
	tallies := make([]tally, len(methods))
	window := make([]float64, backtestHorizon)
	next := 0
	for t := range n {
		for _, model := range models {
			model.observe(t)
		}
		if next < len(origins) && t == origins[next] {
			for i, model := range models {
				model.forecast(window)
				tallies[i].add(&s, t, window)
			}
			next++
		}
	}

	if tallies[0].days == 0 {
		// Every backtest day was a stockout: nothing to score on.
		result.Method = fallback(class)
		runMethod(result.Method, &s, result.Forecast)
		return result
	}

	scale := naiveScale(&s, origins[0])
	fromBaseline := baselineMargin
	if class == ClassIntermittent || class == ClassLumpy {
		fromBaseline = selectMargin
	}
	best := 0
	result.Scores = make([]Score, len(methods))
	for i, method := range methods {
		tl := tallies[i]
		result.Scores[i] = Score{Method: method, MASE: tl.abs / float64(tl.days) / scale, Bias: tl.err / float64(tl.days) / scale}
		candidate := score(result.Scores[i])
		if i > 0 && candidate < score(result.Scores[best])*(1-selectMargin) && candidate < score(result.Scores[0])*(1-fromBaseline) {
			best = i
		}
	}

	result.Method = methods[best]
	result.Backtested = true
	result.MASE = result.Scores[best].MASE
	result.AbsError, result.Error, result.Actual = tallies[best].abs, tallies[best].err, tallies[best].actual
	models[best].forecast(result.Forecast)
	return result
}

// runMethod fits method on all of s and writes its forecast to out.
func runMethod(method Method, s *Series, out []float64) {
	model := newModel(method, s)
	for t := range s.Units {
		model.observe(t)
	}
	model.forecast(out)
}

func score(s Score) float64 { return s.MASE + math.Abs(s.Bias) }

func (tl *tally) add(s *Series, origin int, forecast []float64) {
	for k, f := range forecast {
		t := origin + 1 + k
		if t >= len(s.Units) || !s.InStock(t) {
			continue
		}
		e := f - s.Units[t]
		tl.abs += math.Abs(e)
		tl.err += e
		tl.actual += s.Units[t]
		tl.days++
	}
}

// backtestOriginsFor returns the origins, oldest first: the last day each
// fold trains on. None when the history is too short for one fold.
func backtestOriginsFor(n int) []int {
	var origins []int
	for j := backtestOrigins - 1; j >= 0; j-- {
		origin := n - 1 - backtestHorizon - j*backtestStep
		if origin+1 >= minTrainDays {
			origins = append(origins, origin)
		}
	}
	return origins
}

// naiveScale returns the in-sample mean absolute error of the one-day
// naive forecast up to day last, over pairs of in-stock days. A constant
// series has none, so the mean demand is used instead, and 1 when that is
// zero too, so MASE stays finite.
func naiveScale(s *Series, last int) float64 {
	sum, pairs := 0.0, 0
	for t := 1; t <= last; t++ {
		if s.InStock(t) && s.InStock(t-1) {
			sum += math.Abs(s.Units[t] - s.Units[t-1])
			pairs++
		}
	}
	if pairs > 0 && sum > 0 {
		return sum / float64(pairs)
	}
	if mean := inStockMean(s, 0, last, 0, 0); mean > 0 {
		return mean
	}
	return 1
}

func soldSince(s Series, from int) bool {
	for t := max(0, from); t < len(s.Units); t++ {
		if s.Units[t] > 0 {
			return true
		}
	}
	return false
}

// FitAll fits every series on all CPUs; horizons[i] is the forecast length
// for series i.
func FitAll(series []Series, horizons []int) []Result {
	results := make([]Result, len(series))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(series)))
	var wg sync.WaitGroup
	jobs := make(chan int, 256)
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				results[i] = Fit(series[i], horizons[i])
			}
		})
	}
	for i := range series {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}

// Accuracy is the portfolio's backtest error over the backtested SKUs,
// each on its chosen method.
type Accuracy struct {
	SKUs       int
	Backtested int
	// WAPE is the sum of absolute errors over the sum of actual units.
	WAPE float64
	// Bias is the sum of errors over the sum of actual units; positive
	// means forecasts ran high.
	Bias float64
}

// NOTE: the scores are those of the method that won the same backtest, so
// they flatter the forecast somewhat; a holdout after selection would not.

// Summarize returns the portfolio accuracy of results.
func Summarize(results []Result) Accuracy {
	accuracy := Accuracy{SKUs: len(results)}
	var abs, err, actual float64
	for _, r := range results {
		if !r.Backtested {
			continue
		}
		accuracy.Backtested++
		abs += r.AbsError
		err += r.Error
		actual += r.Actual
	}
	if actual > 0 {
		accuracy.WAPE = abs / actual
		accuracy.Bias = err / actual
	}
	return accuracy
}

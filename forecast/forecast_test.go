package forecast

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

var day0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func seriesOf(units []float64) Series { return Series{Start: day0, Units: units} }

func sum(values []float64) float64 {
	total := 0.0
	for _, v := range values {
		total += v
	}
	return total
}

func TestConstantSeries(t *testing.T) {
	units := make([]float64, 200)
	for i := range units {
		units[i] = 5
	}
	fit := Fit(seriesOf(units), 30)
	if fit.Class != ClassSmooth {
		t.Errorf("class = %s, want smooth", fit.Class)
	}
	if !fit.Backtested {
		t.Fatal("200 days were not backtested")
	}
	if fit.Method != MethodSES {
		t.Errorf("method = %s, want the SES baseline on a tie", fit.Method)
	}
	for k, f := range fit.Forecast {
		if math.Abs(f-5) > 1e-9 {
			t.Fatalf("forecast day %d = %v, want 5", k, f)
		}
	}
	if fit.MASE != 0 {
		t.Errorf("MASE = %v, want 0", fit.MASE)
	}
}

// intermittent returns days with demand on about one day in five, sizes 1..4.
func intermittent(days int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	units := make([]float64, days)
	for i := range units {
		if rng.Float64() < 0.2 {
			units[i] = float64(1 + rng.IntN(4))
		}
	}
	return units
}

func TestIntermittentSeries(t *testing.T) {
	// Weekly totals are rarely zero at 20 % daily occurrence, so weeks are
	// built from a lower rate to make the weekly series intermittent.
	rng := rand.New(rand.NewPCG(7, 1))
	units := make([]float64, 365)
	for i := range units {
		if rng.Float64() < 0.03 {
			units[i] = 2
		}
	}
	fit := Fit(seriesOf(units), 60)
	if fit.Class != ClassIntermittent && fit.Class != ClassLumpy {
		t.Errorf("class = %s (ADI %.2f, CV² %.2f), want intermittent or lumpy", fit.Class, fit.ADI, fit.CV2)
	}
	for _, s := range fit.Scores {
		if s.Method == MethodSES || s.Method == MethodHolt {
			t.Errorf("candidate %s tried on intermittent demand", s.Method)
		}
	}
	// True mean is 0.06/day: 3.6 units over 60 days.
	total := sum(fit.Forecast)
	if total < 1 || total > 10 {
		t.Errorf("60-day forecast = %.2f units, want near 3.6", total)
	}
}

func TestSBARate(t *testing.T) {
	// Demand of exactly 3 units every 4th day: Croston's size 3 and
	// interval 4 give 0.75/day, which SBA scales by 1 - 0.1/2.
	units := make([]float64, 400)
	for i := 3; i < len(units); i += 4 {
		units[i] = 3
	}
	out := make([]float64, 5)
	runMethod(MethodSBA, &Series{Start: day0, Units: units}, out)
	want := 0.95 * 0.75
	if math.Abs(out[0]-want) > 1e-6 {
		t.Errorf("SBA = %v, want %v", out[0], want)
	}
}

func TestTSBDecaysAfterLastSale(t *testing.T) {
	units := intermittent(300, 3)
	for i := 200; i < 300; i++ {
		units[i] = 0
	}
	early := make([]float64, 1)
	late := make([]float64, 1)
	runMethod(MethodTSB, &Series{Start: day0, Units: units[:200]}, early)
	runMethod(MethodTSB, &Series{Start: day0, Units: units}, late)
	if !(late[0] < early[0]*0.05) {
		t.Errorf("TSB after 100 idle days = %v, want far below %v", late[0], early[0])
	}
}

func TestTrendingSeries(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 1))
	units := make([]float64, 365)
	for i := range units {
		units[i] = math.Max(0, 10+0.1*float64(i)+rng.NormFloat64())
	}
	fit := Fit(seriesOf(units), 28)
	if fit.Method != MethodHolt {
		t.Errorf("method = %s, want %s on a steady trend (scores %+v)", fit.Method, MethodHolt, fit.Scores)
	}
	// Days 365..392 have a true mean of 10 + 0.1 × 378.5 = 47.85.
	mean := sum(fit.Forecast) / 28
	if math.Abs(mean-47.85) > 4 {
		t.Errorf("mean forecast = %.2f, want within 4 of 47.85", mean)
	}
}

func TestSeasonalSeries(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 1))
	units := make([]float64, 3*364)
	for i := range units {
		season := 20 + 15*math.Sin(2*math.Pi*float64(i)/364)
		units[i] = math.Max(0, season+2*rng.NormFloat64())
	}
	// Stop 91 days into the third year, where the season climbs steeply.
	history := units[:2*364+91]
	fit := Fit(seriesOf(history), 28)
	if fit.Method != MethodSeasonal {
		t.Errorf("method = %s, want %s (scores %+v)", fit.Method, MethodSeasonal, fit.Scores)
	}
	truth := 0.0
	for k := range 28 {
		truth += 20 + 15*math.Sin(2*math.Pi*float64(len(history)+k)/364)
	}
	if got := sum(fit.Forecast); math.Abs(got-truth)/truth > 0.15 {
		t.Errorf("28-day forecast = %.1f, want within 15%% of %.1f", got, truth)
	}
}

func TestSESFitsItsWeight(t *testing.T) {
	// A level shift ten days before the end: only a large weight catches up.
	units := make([]float64, 160)
	for i := range units {
		units[i] = 5
		if i >= 150 {
			units[i] = 15
		}
	}
	out := make([]float64, 1)
	runMethod(MethodSES, &Series{Start: day0, Units: units}, out)
	if out[0] < 14 {
		t.Errorf("SES after a level shift = %.2f, want above 14 from the largest weight", out[0])
	}

	// Stationary noise: the smallest weight, close to the mean, wins.
	rng := rand.New(rand.NewPCG(4, 1))
	noisy := make([]float64, 400)
	for i := range noisy {
		noisy[i] = float64(rng.IntN(7))
	}
	model := newModel(MethodSES, &Series{Start: day0, Units: noisy}).(*ses)
	for i := range noisy {
		model.observe(i)
	}
	best := 0
	for i := range model.errors {
		if model.errors[i] < model.errors[best] {
			best = i
		}
	}
	if sesAlphas[best] > 0.05 {
		t.Errorf("weight chosen on stationary noise = %v, want 0.05 or less", sesAlphas[best])
	}
}

func TestWeekdaySeries(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 1))
	units := make([]float64, 200)
	for i := range units {
		// Days 5 and 6 of each week sell 2.25 times the others.
		rate := 10.0
		if i%7 >= 5 {
			rate = 22.5
		}
		units[i] = math.Max(0, math.Round(rate+rng.NormFloat64()))
	}
	fit := Fit(seriesOf(units), 14)
	if fit.Method != MethodWeekday {
		t.Fatalf("method = %s, want %s (scores %+v)", fit.Method, MethodWeekday, fit.Scores)
	}
	for k, f := range fit.Forecast {
		want := 10.0
		if (len(units)+k)%7 >= 5 {
			want = 22.5
		}
		if math.Abs(f-want) > 1.5 {
			t.Errorf("forecast day %d = %.2f, want within 1.5 of %.1f", k, f, want)
		}
	}
}

func TestWeekdayLevelSkipsStockouts(t *testing.T) {
	units := make([]float64, 140)
	stockout := make([]bool, 140)
	for i := range units {
		units[i] = 10
		if i%7 >= 5 {
			units[i] = 20
		}
	}
	// The last weekend was out of stock: its zeros must not pull the
	// level down.
	for _, day := range []int{138, 139} {
		units[day], stockout[day] = 0, true
	}
	model := newModel(MethodWeekday, &Series{Start: day0, Units: units, Stockout: stockout})
	for t := range units {
		model.observe(t)
	}
	out := make([]float64, 7)
	model.forecast(out)
	for k, f := range out {
		want := 10.0
		if (140+k)%7 >= 5 {
			want = 20
		}
		if math.Abs(f-want) > 1e-9 {
			t.Errorf("forecast day %d = %v, want %v", k, f, want)
		}
	}
}

func TestClassifyCountsPartialWeek(t *testing.T) {
	// Thirteen days with sales only in the first six.
	units := []float64{1, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}
	if class, _, _ := Classify(seriesOf(units)); class == ClassNoDemand {
		t.Errorf("class = %s, want demand from the first, partial week", class)
	}
}

func TestSeasonalNeedsTwoYears(t *testing.T) {
	units := make([]float64, 700)
	for i := range units {
		units[i] = 10 + 5*math.Sin(2*math.Pi*float64(i)/364)
	}
	fit := Fit(seriesOf(units), 10)
	for _, s := range fit.Scores {
		if s.Method == MethodSeasonal {
			t.Errorf("seasonal method tried with %d days of history", len(units))
		}
	}
}

func TestStockoutDaysExcluded(t *testing.T) {
	units := make([]float64, 120)
	stockout := make([]bool, 120)
	for i := range units {
		units[i] = 4
		if i >= 60 && i < 100 {
			units[i], stockout[i] = 0, true
		}
	}
	with := Fit(Series{Start: day0, Units: units, Stockout: stockout}, 10)
	without := Fit(Series{Start: day0, Units: units}, 10)
	if math.Abs(with.Forecast[0]-4) > 1e-9 {
		t.Errorf("forecast with stockouts excluded = %v, want 4", with.Forecast[0])
	}
	if without.Forecast[0] > 3.5 {
		t.Errorf("forecast counting stockouts as zero demand = %v, want it depressed below 3.5", without.Forecast[0])
	}
}

func TestObsoleteSKUForecastsZero(t *testing.T) {
	units := make([]float64, 400)
	for i := range 100 {
		units[i] = 3
	}
	fit := Fit(seriesOf(units), 30)
	if fit.Method != MethodNone {
		t.Errorf("method = %s, want none after 300 idle days", fit.Method)
	}
	if sum(fit.Forecast) != 0 {
		t.Errorf("forecast = %v, want zeros", fit.Forecast)
	}
}

func TestShortHistoryFallsBack(t *testing.T) {
	fit := Fit(seriesOf([]float64{1, 0, 2, 1, 0, 1, 3}), 5)
	if fit.Backtested {
		t.Error("7 days were backtested")
	}
	if !math.IsNaN(fit.MASE) {
		t.Errorf("MASE = %v, want NaN", fit.MASE)
	}
	if fit.Method != MethodMovingAverage {
		t.Errorf("method = %s, want moving_average", fit.Method)
	}
	if math.Abs(fit.Forecast[0]-8.0/7) > 1e-9 {
		t.Errorf("forecast = %v, want the mean 8/7", fit.Forecast[0])
	}
}

func TestNewSeries(t *testing.T) {
	end := time.Date(2025, 5, 20, 0, 0, 0, 0, time.UTC)
	days := []Day{{"2025-05-11", 2}, {"2025-05-13", 1}, {"2025-05-13", 3}, {"2025-05-25", 9}}
	series, err := NewSeries(days, []string{"2025-05-12", "2025-05-13", "2025-05-01"}, end)
	if err != nil {
		t.Fatal(err)
	}
	if !series.Start.Equal(time.Date(2025, 5, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("start = %s, want the first sale 2025-05-11", series.Start)
	}
	if series.Len() != 10 {
		t.Errorf("length = %d, want 10 days through 2025-05-20", series.Len())
	}
	if series.Units[2] != 4 {
		t.Errorf("units on 05-13 = %v, want 4", series.Units[2])
	}
	if series.InStock(1) {
		t.Error("05-12 with zero sales and zero stock counts as in stock")
	}
	if !series.InStock(2) {
		t.Error("05-13 had sales but counts as a stockout")
	}
	if _, err := NewSeries([]Day{{"13/05/2025", 1}}, nil, end); err == nil {
		t.Error("bad date accepted")
	}
}

func TestClassifyCutoffs(t *testing.T) {
	cases := []struct {
		name  string
		weeks []float64
		want  Class
	}{
		{"smooth", []float64{10, 11, 9, 10, 10, 12, 9, 10}, ClassSmooth},
		{"erratic", []float64{1, 30, 2, 40, 1, 25, 3, 50}, ClassErratic},
		{"intermittent", []float64{5, 0, 0, 6, 0, 0, 5, 0}, ClassIntermittent},
		{"lumpy", []float64{1, 0, 0, 40, 0, 0, 2, 0}, ClassLumpy},
		{"no demand", []float64{0, 0, 0, 0}, ClassNoDemand},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			units := make([]float64, len(tc.weeks)*7)
			for w, total := range tc.weeks {
				units[w*7] = total
			}
			class, adi, cv2 := Classify(seriesOf(units))
			if class != tc.want {
				t.Errorf("class = %s (ADI %.2f, CV² %.2f), want %s", class, adi, cv2, tc.want)
			}
		})
	}
}

func TestRoundOrder(t *testing.T) {
	cases := []struct{ needed, moq, pack, want int }{
		{0, 50, 12, 0},
		{7, 0, 0, 7},
		{7, 50, 0, 50},
		{7, 0, 12, 12},
		{45, 0, 10, 50},
		{7, 50, 12, 60},
		{61, 50, 12, 72},
		{12, 1, 1, 12},
	}
	for _, tc := range cases {
		if got := roundOrder(tc.needed, tc.moq, tc.pack); got != tc.want {
			t.Errorf("roundOrder(%d, MOQ %d, pack %d) = %d, want %d", tc.needed, tc.moq, tc.pack, got, tc.want)
		}
	}
}

func flat(days int, rate float64) Series {
	units := make([]float64, days)
	for i := range units {
		units[i] = rate
	}
	return Series{Start: day0, Units: units}
}

var today = day0.AddDate(0, 0, 200)

func TestSuggestOrderUpTo(t *testing.T) {
	item := Item{SKU: "TEE", Supplier: "Acme", History: flat(200, 2), OnHand: 30, InTransit: 10,
		Policy: Policy{LeadTimeDays: 10, CoverDays: 20, SafetyDays: 5, UnitCost: 425}}
	s := Suggest(item, Fit(item.History, 30), today)

	if s.DailyDemand != 2 {
		t.Errorf("daily demand = %v, want 2", s.DailyDemand)
	}
	if s.SafetyStock != 10 {
		t.Errorf("safety stock = %v, want 10", s.SafetyStock)
	}
	if s.ReorderPoint != 30 {
		t.Errorf("reorder point = %d, want 2×10+10", s.ReorderPoint)
	}
	if s.OrderUpTo != 70 {
		t.Errorf("order-up-to = %d, want 2×30+10", s.OrderUpTo)
	}
	if s.SuggestedQty != 30 {
		t.Errorf("suggested = %d, want 70 − (30 + 10)", s.SuggestedQty)
	}
	// Position 40 is 10 units above the reorder point: 5 days at 2/day.
	if want := today.AddDate(0, 0, 5); !s.OrderBy.Equal(want) {
		t.Errorf("order by = %s, want %s", s.OrderBy, want)
	}
	if s.LineValue != 30*425 {
		t.Errorf("line value = %d, want %d", s.LineValue, 30*425)
	}
	if len(s.Projected) != 31 || s.Projected[0] != 30 || s.Projected[15] != 0 {
		t.Errorf("projected = %v, want 31 days from 30 down to 0 on day 15", s.Projected)
	}
	if len(s.Recent) != 90 || s.Recent[89] != 2 {
		t.Errorf("recent = %d days ending %v, want 90 days ending 2", len(s.Recent), s.Recent[len(s.Recent)-1])
	}
	if !strings.Contains(s.Reason, "30 on hand + 10 in transit") {
		t.Errorf("reason = %q, want it to state the position", s.Reason)
	}
}

func TestSuggestMOQAndCasePack(t *testing.T) {
	item := Item{SKU: "CAP", History: flat(200, 1), Policy: Policy{LeadTimeDays: 5, CoverDays: 5, MOQ: 25, CasePack: 12}}
	s := Suggest(item, Fit(item.History, 10), today)
	if s.NeededQty != 10 || s.SuggestedQty != 36 {
		t.Errorf("needed %d, suggested %d; want 10 raised to MOQ 25 then case pack 12 = 36", s.NeededQty, s.SuggestedQty)
	}
	if !strings.Contains(s.Reason, "MOQ 25") || !strings.Contains(s.Reason, "case pack 12") {
		t.Errorf("reason = %q, want MOQ and case pack named", s.Reason)
	}
}

func TestStockoutBeforePOArrives(t *testing.T) {
	item := Item{SKU: "TEE", History: flat(200, 2), OnHand: 10, InTransit: 100,
		Arrivals: []Arrival{{PO: "PO-000007", Date: today.AddDate(0, 0, 12), Units: 100}},
		Policy:   Policy{LeadTimeDays: 20, CoverDays: 10}}
	s := Suggest(item, Fit(item.History, 30), today)
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "7 days before PO-000007") {
		t.Errorf("warnings = %q, want stock running out 7 days before PO-000007", s.Warnings)
	}
	if want := today.AddDate(0, 0, 5); !s.StockoutDate.Equal(want) {
		t.Errorf("stockout date = %s, want %s", s.StockoutDate, want)
	}

	item.Arrivals[0].Date = today.AddDate(0, 0, 4)
	s = Suggest(item, Fit(item.History, 30), today)
	if len(s.Warnings) != 0 {
		t.Errorf("warnings = %q, want none when the PO lands first", s.Warnings)
	}
}

func TestStockoutWithinLeadTime(t *testing.T) {
	item := Item{SKU: "TEE", History: flat(200, 2), OnHand: 0, Policy: Policy{LeadTimeDays: 20, CoverDays: 10}}
	s := Suggest(item, Fit(item.History, 30), today)
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "runs out today") {
		t.Errorf("warnings = %q, want stock running out today", s.Warnings)
	}
}

func TestPlanGroupsAndMinimumValue(t *testing.T) {
	items := []Item{
		{SKU: "B", Supplier: "Acme", History: flat(200, 1), Policy: Policy{LeadTimeDays: 5, CoverDays: 5, UnitCost: 100}},
		{SKU: "A", Supplier: "Acme", History: flat(200, 3), Policy: Policy{LeadTimeDays: 5, CoverDays: 5, UnitCost: 100}},
		{SKU: "C", Supplier: "Bolt", History: flat(200, 1), OnHand: 1000, Policy: Policy{LeadTimeDays: 5, CoverDays: 5, UnitCost: 100}},
	}
	terms := map[string]Terms{"Acme": {Currency: "EUR", MinOrderValue: 50000}}
	plan := BuildPlan(items, terms, today)

	if len(plan.Groups) != 2 || plan.Groups[0].Supplier != "Acme" || plan.Groups[1].Supplier != "Bolt" {
		t.Fatalf("groups = %+v, want Acme then Bolt", plan.Groups)
	}
	acme := plan.Groups[0]
	if acme.Suggestions[0].SKU != "A" {
		t.Errorf("first Acme SKU = %s, want A (ordering sooner)", acme.Suggestions[0].SKU)
	}
	if acme.Total != (30+10)*100 {
		t.Errorf("Acme total = %d, want %d", acme.Total, 40*100)
	}
	if !acme.BelowMinimum {
		t.Error("Acme total 40.00 below minimum 500.00 not flagged")
	}
	if plan.Groups[1].BelowMinimum || plan.Groups[1].Suggestions[0].Needed() {
		t.Errorf("Bolt with 1000 on hand: %+v, want nothing needed", plan.Groups[1])
	}
	if plan.Accuracy.Backtested != 3 {
		t.Errorf("backtested = %d, want 3", plan.Accuracy.Backtested)
	}
}

func TestFitAllMatchesFit(t *testing.T) {
	series := []Series{seriesOf(intermittent(300, 1)), flat(100, 3), seriesOf(intermittent(500, 2))}
	results := FitAll(series, []int{10, 20, 30})
	for i, s := range series {
		want := Fit(s, len(results[i].Forecast))
		if results[i].Method != want.Method || sum(results[i].Forecast) != sum(want.Forecast) {
			t.Errorf("series %d: FitAll gave %s %.3f, Fit gave %s %.3f", i, results[i].Method, sum(results[i].Forecast), want.Method, sum(want.Forecast))
		}
	}
}

func TestUnknownOnHandWarns(t *testing.T) {
	item := Item{SKU: "TEE", History: flat(200, 2), OnHandUnknown: true, Policy: Policy{LeadTimeDays: 20, CoverDays: 10}}
	s := Suggest(item, Fit(item.History, 30), today)
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "no inventory snapshot") {
		t.Errorf("warnings = %q, want one asking for a snapshot", s.Warnings)
	}
}

// benchmarkSeries returns n series of days days: 40 % smooth, 30 %
// intermittent, 15 % seasonal, 15 % trending, as the orders generator.
func benchmarkSeries(n, days int) []Series {
	rng := rand.New(rand.NewPCG(1, 2))
	series := make([]Series, n)
	for i := range series {
		units := make([]float64, days)
		base := 0.5 + 2.5*rng.Float64()
		roll := rng.Float64()
		for d := range units {
			switch {
			case roll < 0.40:
				units[d] = float64(rng.IntN(int(2*base) + 1))
			case roll < 0.70:
				if rng.Float64() < 0.1 {
					units[d] = float64(1 + rng.IntN(3))
				}
			case roll < 0.85:
				units[d] = math.Round(base * (1 + 0.6*math.Sin(2*math.Pi*float64(d)/365)) * 2 * rng.Float64())
			default:
				units[d] = math.Round(base * (0.5 + float64(d)/float64(days)) * 2 * rng.Float64())
			}
		}
		series[i] = Series{Start: day0, Units: units}
	}
	return series
}

// BenchmarkFitAll20kSKUs730Days fits and backtests 20,000 SKUs with two
// years of daily history each. Run with -cpu 2 for the two-core target.
func BenchmarkFitAll20kSKUs730Days(b *testing.B) {
	series := benchmarkSeries(20000, 730)
	horizons := make([]int, len(series))
	for i := range horizons {
		horizons[i] = 67
	}
	b.ResetTimer()
	for range b.N {
		results := FitAll(series, horizons)
		if len(results) != len(series) {
			b.Fatal("missing results")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/plan")
}

// BenchmarkBuildPlan20kSKUs730Days is BenchmarkFitAll plus sizing each
// suggestion and grouping them by supplier.
func BenchmarkBuildPlan20kSKUs730Days(b *testing.B) {
	series := benchmarkSeries(20000, 730)
	items := make([]Item, len(series))
	for i, s := range series {
		items[i] = Item{SKU: fmt.Sprintf("SKU-%05d", i), Supplier: fmt.Sprintf("Supplier %02d", i%20), History: s,
			OnHand: 20, Policy: Policy{LeadTimeDays: 30, CoverDays: 30, SafetyDays: 7, MOQ: 10, CasePack: 6, UnitCost: 250}}
	}
	b.ResetTimer()
	for range b.N {
		plan := BuildPlan(items, nil, day0.AddDate(0, 0, 730))
		if len(plan.Groups) != 20 {
			b.Fatalf("groups = %d, want 20", len(plan.Groups))
		}
	}
}

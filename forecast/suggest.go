package forecast

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Policy is one SKU's replenishment terms after SKU overrides, supplier
// settings and the configured defaults have been merged.
type Policy struct {
	LeadTimeDays int
	CoverDays    int
	SafetyDays   int
	// MOQ is the minimum order quantity in units; 0 or 1 means none.
	MOQ int
	// CasePack rounds the quantity up to a multiple; 0 or 1 means none.
	CasePack int
	// UnitCost is in minor units of the supplier's currency; 0 when unknown.
	UnitCost int64
}

// Arrival is an open PO's remaining units of one SKU and when they are
// expected.
type Arrival struct {
	PO    string
	Date  time.Time
	Units int
}

// Item is everything the plan needs about one SKU.
type Item struct {
	SKU         string
	Description string
	// Supplier is "" when no supplier is known.
	Supplier string
	History  Series
	// OnHand is the latest inventory snapshot, summed over locations.
	OnHand int
	// OnHandUnknown is set when no snapshot holds the SKU; OnHand is then
	// 0 and stockout warnings give way to one asking for a snapshot.
	OnHandUnknown bool
	// InTransit is the open units on Ordered and Partially received POs.
	InTransit int
	// Arrivals breaks InTransit down by PO and expected date.
	Arrivals []Arrival
	Policy   Policy
}

// Terms are a supplier's order-level conditions.
type Terms struct {
	Currency string
	// MinOrderValue is in minor units of Currency; 0 means none.
	MinOrderValue int64
}

// Suggestion is the restock advice for one SKU: what the `f` pane shows
// in a row and `poboard forecast --json` writes.
type Suggestion struct {
	SKU         string
	Description string
	Supplier    string
	Method      Method
	Class       Class
	// MASE is the chosen method's backtest error; NaN when not backtested.
	MASE float64
	// DailyDemand is the mean forecast per day over lead time + cover.
	DailyDemand  float64
	OnHand       int
	InTransit    int
	LeadTimeDays int
	CoverDays    int
	SafetyDays   int
	// SafetyStock is DailyDemand × SafetyDays, in units.
	SafetyStock float64
	// ReorderPoint is the forecast over the lead time plus safety stock,
	// rounded up: ordering when the inventory position falls to it lets
	// the goods arrive before the safety stock is touched.
	ReorderPoint int
	// OrderUpTo is the forecast over lead time + cover plus safety stock.
	OrderUpTo int
	// NeededQty is OrderUpTo minus the inventory position, before MOQ and
	// case pack; SuggestedQty is after them.
	NeededQty    int
	SuggestedQty int
	MOQ          int
	CasePack     int
	// OrderBy is the last day to order so the inventory position stays at
	// or above the reorder point; zero when the SKU has no demand.
	OrderBy time.Time
	// StockoutDate is the first day projected stock (arrivals included)
	// reaches zero within lead time + cover; zero when it does not.
	StockoutDate time.Time
	UnitCost     int64
	LineValue    int64
	// Reason explains the quantity in one line.
	Reason   string
	Warnings []string
	// Recent is the last 90 days of demand, oldest first, for a sparkline.
	Recent []float64
	// Projected is the stock on hand at the end of each day from today
	// through lead time + cover: on hand, minus the forecast, plus arrivals.
	Projected []float64
}

// Group is one supplier's suggestions.
type Group struct {
	Supplier string
	Currency string
	// Total is the value of the suggested quantities in minor units.
	Total         int64
	MinOrderValue int64
	// BelowMinimum is set when Total is above zero but below MinOrderValue.
	BelowMinimum bool
	Suggestions  []Suggestion
}

// Plan is the restock advice for every SKU, grouped by supplier.
type Plan struct {
	Today    time.Time
	Groups   []Group
	Accuracy Accuracy
}

// recentDays is the length of Suggestion.Recent.
const recentDays = 90

// BuildPlan forecasts every item and sizes its order. today is the first
// day of the forecast; item histories should end the day before. Groups
// come sorted by supplier name, suggestions by order-by date (most urgent
// first) and then SKU. Items with no supplier form the group "".
func BuildPlan(items []Item, terms map[string]Terms, today time.Time) Plan {
	series := make([]Series, len(items))
	horizons := make([]int, len(items))
	for i, item := range items {
		series[i] = item.History
		horizons[i] = max(1, item.Policy.LeadTimeDays+item.Policy.CoverDays)
	}
	results := FitAll(series, horizons)

	bySupplier := map[string]*Group{}
	for i, item := range items {
		group := bySupplier[item.Supplier]
		if group == nil {
			t := terms[item.Supplier]
			group = &Group{Supplier: item.Supplier, Currency: t.Currency, MinOrderValue: t.MinOrderValue}
			bySupplier[item.Supplier] = group
		}
		suggestion := Suggest(item, results[i], today)
		group.Total += suggestion.LineValue
		group.Suggestions = append(group.Suggestions, suggestion)
	}

	plan := Plan{Today: today, Accuracy: Summarize(results)}
	for _, group := range bySupplier {
		group.BelowMinimum = group.Total > 0 && group.Total < group.MinOrderValue
		sort.Slice(group.Suggestions, func(a, b int) bool {
			sa, sb := group.Suggestions[a], group.Suggestions[b]
			if !sa.OrderBy.Equal(sb.OrderBy) {
				return orderByKey(sa) < orderByKey(sb)
			}
			return sa.SKU < sb.SKU
		})
		plan.Groups = append(plan.Groups, *group)
	}
	sort.Slice(plan.Groups, func(a, b int) bool { return plan.Groups[a].Supplier < plan.Groups[b].Supplier })
	return plan
}

// orderByKey sorts SKUs without an order-by date last.
func orderByKey(s Suggestion) int64 {
	if s.OrderBy.IsZero() {
		return math.MaxInt64
	}
	return s.OrderBy.Unix()
}

// Suggest sizes one SKU's order from its fitted forecast.
func Suggest(item Item, fit Result, today time.Time) Suggestion {
	p := item.Policy
	s := Suggestion{
		SKU: item.SKU, Description: item.Description, Supplier: item.Supplier,
		Method: fit.Method, Class: fit.Class, MASE: fit.MASE,
		OnHand: item.OnHand, InTransit: item.InTransit,
		LeadTimeDays: p.LeadTimeDays, CoverDays: p.CoverDays, SafetyDays: p.SafetyDays,
		MOQ: p.MOQ, CasePack: p.CasePack, UnitCost: p.UnitCost,
		Recent: item.History.Tail(recentDays),
	}

	horizon := p.LeadTimeDays + p.CoverDays
	leadDemand, totalDemand := 0.0, 0.0
	for k := 0; k < horizon && k < len(fit.Forecast); k++ {
		if k < p.LeadTimeDays {
			leadDemand += fit.Forecast[k]
		}
		totalDemand += fit.Forecast[k]
	}
	if horizon > 0 {
		s.DailyDemand = totalDemand / float64(horizon)
	} else if len(fit.Forecast) > 0 {
		s.DailyDemand = fit.Forecast[0]
	}
	s.SafetyStock = s.DailyDemand * float64(p.SafetyDays)
	s.ReorderPoint = ceilUnits(leadDemand + s.SafetyStock)
	s.OrderUpTo = ceilUnits(totalDemand + s.SafetyStock)

	position := item.OnHand + item.InTransit
	s.NeededQty = max(0, s.OrderUpTo-position)
	s.SuggestedQty = roundOrder(s.NeededQty, p.MOQ, p.CasePack)
	s.LineValue = int64(s.SuggestedQty) * p.UnitCost

	if s.DailyDemand > 0 {
		days := max(0, int(math.Floor((float64(position)-float64(s.ReorderPoint))/s.DailyDemand)))
		s.OrderBy = today.AddDate(0, 0, days)
	}

	project(&s, item, fit.Forecast, today, horizon)
	if item.OnHandUnknown {
		s.Warnings = []string{"on hand unknown: no inventory snapshot lists this SKU, so it counts as 0; import one with `poboard import inventory FILE`"}
	}
	s.Reason = reason(s, position)
	return s
}

// ceilUnits rounds a forecast up to whole units, ignoring float noise.
func ceilUnits(units float64) int {
	return int(math.Ceil(units - 1e-9))
}

// roundOrder raises a needed quantity to the MOQ, then rounds it up to the
// case pack (the order AGR documents: MOQ first, then the order multiple).
// A quantity of zero stays zero.
func roundOrder(needed, moq, casePack int) int {
	if needed <= 0 {
		return 0
	}
	qty := max(needed, moq)
	if casePack > 1 {
		qty = (qty + casePack - 1) / casePack * casePack
	}
	return qty
}

// project fills Projected and StockoutDate and adds the warning when stock
// runs out before the next open PO can arrive.
func project(s *Suggestion, item Item, forecast []float64, today time.Time, horizon int) {
	arrivals := make([]float64, horizon+1)
	firstArrival := -1
	firstPO := ""
	for _, arrival := range item.Arrivals {
		// Overdue POs are expected tomorrow at the earliest.
		day := min(max(1, DaysBetween(today, arrival.Date)), horizon+1)
		if day <= horizon {
			arrivals[day] += float64(arrival.Units)
		}
		if firstArrival < 0 || day < firstArrival {
			firstArrival, firstPO = day, arrival.PO
		}
	}

	s.Projected = make([]float64, horizon+1)
	stock := float64(item.OnHand)
	withoutArrivals := float64(item.OnHand)
	runsOut := -1
	for k := 0; k <= horizon; k++ {
		if k > 0 {
			demand := 0.0
			if k-1 < len(forecast) {
				demand = forecast[k-1]
			}
			stock += arrivals[k] - demand
			withoutArrivals -= demand
		}
		s.Projected[k] = stock
		if stock <= 0 && s.StockoutDate.IsZero() && s.DailyDemand > 0 {
			s.StockoutDate = today.AddDate(0, 0, k)
		}
		if withoutArrivals <= 0 && runsOut < 0 && s.DailyDemand > 0 {
			runsOut = k
		}
	}

	switch {
	case runsOut < 0:
	case firstArrival >= 0 && runsOut < firstArrival:
		s.Warnings = append(s.Warnings, fmt.Sprintf("stock runs out %s, %d days before %s arrives on %s",
			dayText(today, runsOut), firstArrival-runsOut, firstPO, today.AddDate(0, 0, firstArrival).Format(time.DateOnly)))
	case firstArrival < 0 && runsOut < s.LeadTimeDays:
		s.Warnings = append(s.Warnings, fmt.Sprintf("stock runs out %s, before an order placed today can arrive (lead time %d days)",
			dayText(today, runsOut), s.LeadTimeDays))
	}
}

func dayText(today time.Time, k int) string {
	if k == 0 {
		return "today"
	}
	return "on " + today.AddDate(0, 0, k).Format(time.DateOnly)
}

// reason writes the one-line explanation of a suggestion.
func reason(s Suggestion, position int) string {
	if s.Method == MethodNone {
		return "no sales in the last 180 days; nothing to order"
	}
	cover := "no demand forecast"
	if s.DailyDemand > 0 {
		cover = fmt.Sprintf("covers %.0f days at %.2f/day", float64(position)/s.DailyDemand, s.DailyDemand)
	}
	parts := []string{fmt.Sprintf("%d on hand + %d in transit %s", s.OnHand, s.InTransit, cover)}
	parts = append(parts, fmt.Sprintf("%d lead + %d cover + %d safety days need %d", s.LeadTimeDays, s.CoverDays, s.SafetyDays, s.OrderUpTo))
	if s.SuggestedQty > s.NeededQty {
		var rules []string
		if s.MOQ > s.NeededQty {
			rules = append(rules, fmt.Sprintf("MOQ %d", s.MOQ))
		}
		if s.CasePack > 1 {
			rules = append(rules, fmt.Sprintf("case pack %d", s.CasePack))
		}
		parts = append(parts, fmt.Sprintf("%d needed, raised to %d by %s", s.NeededQty, s.SuggestedQty, strings.Join(rules, " and ")))
	}
	return strings.Join(parts, "; ")
}

// Needed reports whether the suggestion orders anything.
func (s Suggestion) Needed() bool { return s.SuggestedQty > 0 }

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"poboard/forecast"
	"poboard/store"
)

func init() {
	extraCommands["forecast"] = runForecast
}

// suggestionJSON is one element of `poboard forecast --json`. Money is a
// decimal string in the supplier's currency; dates are YYYY-MM-DD or "".
type suggestionJSON struct {
	SKU            string   `json:"sku"`
	Description    string   `json:"description"`
	Supplier       string   `json:"supplier"`
	Method         string   `json:"method"`
	Class          string   `json:"class"`
	MASE           *float64 `json:"mase"`
	DailyDemand    float64  `json:"daily_demand"`
	OnHand         int      `json:"on_hand"`
	InTransit      int      `json:"in_transit"`
	LeadTimeDays   int      `json:"lead_time_days"`
	CoverDays      int      `json:"cover_days"`
	SafetyDays     int      `json:"safety_days"`
	SafetyStock    float64  `json:"safety_stock"`
	ReorderPoint   int      `json:"reorder_point"`
	OrderUpTo      int      `json:"order_up_to"`
	NeededQty      int      `json:"needed_qty"`
	SuggestedQty   int      `json:"suggested_qty"`
	MOQ            int      `json:"moq"`
	CasePack       int      `json:"case_pack"`
	OrderBy        string   `json:"order_by"`
	StockoutDate   string   `json:"stockout_date"`
	Currency       string   `json:"currency"`
	UnitCost       string   `json:"unit_cost"`
	LineValue      string   `json:"line_value"`
	Reason         string   `json:"reason"`
	Warnings       []string `json:"warnings"`
	RecentDemand   []int    `json:"recent_demand"`
	ProjectedStock []int    `json:"projected_stock"`
	// PlanWAPE and PlanBias are the backtest's accuracy over every SKU of
	// the plan, the same on each suggestion; null when nothing was
	// backtested.
	PlanWAPE *float64 `json:"plan_wape"`
	PlanBias *float64 `json:"plan_bias"`
}

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// round3 keeps three decimals, enough for units per day.
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func toSuggestionJSON(s forecast.Suggestion, group forecast.Group) suggestionJSON {
	out := suggestionJSON{
		SKU: s.SKU, Description: s.Description, Supplier: s.Supplier, Method: string(s.Method), Class: string(s.Class),
		DailyDemand: round3(s.DailyDemand), OnHand: s.OnHand, InTransit: s.InTransit,
		LeadTimeDays: s.LeadTimeDays, CoverDays: s.CoverDays, SafetyDays: s.SafetyDays,
		SafetyStock: round3(s.SafetyStock), ReorderPoint: s.ReorderPoint, OrderUpTo: s.OrderUpTo,
		NeededQty: s.NeededQty, SuggestedQty: s.SuggestedQty, MOQ: s.MOQ, CasePack: s.CasePack,
		OrderBy: dateOrEmpty(s.OrderBy), StockoutDate: dateOrEmpty(s.StockoutDate),
		Currency: group.Currency, UnitCost: store.FormatMoney(s.UnitCost, group.Currency),
		LineValue: store.FormatMoney(s.LineValue, group.Currency), Reason: s.Reason,
		Warnings: append([]string{}, s.Warnings...),
	}
	if !math.IsNaN(s.MASE) {
		mase := round3(s.MASE)
		out.MASE = &mase
	}
	for _, units := range s.Recent {
		out.RecentDemand = append(out.RecentDemand, int(math.Round(units)))
	}
	for _, units := range s.Projected {
		out.ProjectedStock = append(out.ProjectedStock, int(math.Round(units)))
	}
	return out
}

// runForecast prints restock suggestions per supplier, or writes them as
// JSON, and can turn them into draft POs.
func runForecast(ctx context.Context, app *App, args []string, stdout, stderr io.Writer) int {
	return report(stderr, app, forecastCommand(app, args, stdout, stderr))
}

func forecastCommand(app *App, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("forecast", "poboard forecast [--json] [--supplier NAME] [--all] [--as-of YYYY-MM-DD] [--create-drafts]", stdout, stderr)
	asJSON := flags.Bool("json", false, "write an array of suggestion objects")
	supplier := flags.String("supplier", "", "show only the SKUs of supplier `NAME`")
	all := flags.Bool("all", false, "include SKUs with nothing to order")
	asOf := flags.String("as-of", "", "forecast from `DATE` (YYYY-MM-DD) instead of today, using history before it")
	createDrafts := flags.Bool("create-drafts", false, "create one draft PO per supplier from the suggestions shown")
	positional, err := parseFlags(flags, args, stdout)
	if err != nil {
		return err
	}
	if len(positional) > 0 {
		return usagef("unexpected argument %q; forecast takes only options", positional[0])
	}

	options := store.PlanOptions{Supplier: *supplier, Defaults: app.forecastDefaults()}
	if *asOf != "" {
		day, err := time.Parse(time.DateOnly, *asOf)
		if err != nil {
			return usagef("invalid --as-of %q; write it as YYYY-MM-DD", *asOf)
		}
		options.Today = day
	}

	plan, unmapped, err := app.Store.RestockPlan(options)
	if err != nil {
		return err
	}
	if err := noteUnorderedDrafts(app.Store, &plan); err != nil {
		return err
	}
	var shown []forecast.Suggestion
	for gi, group := range plan.Groups {
		kept := group.Suggestions[:0:0]
		for _, s := range group.Suggestions {
			if *all || s.Needed() || len(s.Warnings) > 0 {
				kept = append(kept, s)
				shown = append(shown, s)
			}
		}
		plan.Groups[gi].Suggestions = kept
	}

	if *asJSON {
		err = writeForecastJSON(stdout, plan)
	} else {
		writeForecastText(stdout, plan, *all, *supplier)
	}
	if err != nil {
		return err
	}
	if len(unmapped) > 0 {
		units := 0
		for _, name := range unmapped {
			units += name.Units
		}
		fmt.Fprintf(stderr, "note: %d product names on order lines match no SKU (%d units left out); `poboard import orders` lists them, `poboard import map NAME SKU` maps one\n", len(unmapped), units)
	}

	if *createDrafts {
		drafts, err := app.Store.CreateDraftsFromSuggestions(app.Actor, shown)
		for _, po := range drafts {
			fmt.Fprintf(stderr, "created draft %s for %s with %d lines\n", po.Number, orNoSupplier(po.Supplier), len(po.Lines))
		}
		return err
	}
	return nil
}

// noteUnorderedDrafts warns on each suggestion whose SKU is already on a
// Draft or Approved PO. Those units are not in transit until the PO is
// Ordered, so without the warning a second run creates duplicate drafts.
// It also warns when a suggested SKU has no unit cost, because its draft
// line would be priced at 0.
func noteUnorderedDrafts(st *store.Store, plan *forecast.Plan) error {
	pending, err := st.ListPOs(store.StatusDraft, store.StatusApproved)
	if err != nil {
		return err
	}
	holders := map[string][]string{}
	for _, po := range pending {
		for _, line := range po.Lines {
			holders[line.SKU] = append(holders[line.SKU], fmt.Sprintf("%s %s has %d", strings.ToLower(po.Status.Label()), po.Number, line.Ordered))
		}
	}
	for gi := range plan.Groups {
		for si := range plan.Groups[gi].Suggestions {
			s := &plan.Groups[gi].Suggestions[si]
			if held := holders[s.SKU]; len(held) > 0 && s.SuggestedQty > 0 {
				s.Warnings = append(s.Warnings, strings.Join(held, ", ")+"; those units count as in transit only once the PO is Ordered")
			}
			if s.SuggestedQty > 0 && s.UnitCost == 0 {
				s.Warnings = append(s.Warnings, "no unit cost known, so a draft line would cost 0; run `poboard import products FILE` or set the cost in the board's restock settings")
			}
		}
	}
	return nil
}

func writeForecastJSON(out io.Writer, plan forecast.Plan) error {
	suggestions := []suggestionJSON{}
	for _, group := range plan.Groups {
		for _, s := range group.Suggestions {
			out := toSuggestionJSON(s, group)
			if plan.Accuracy.Backtested > 0 {
				wape, bias := round3(plan.Accuracy.WAPE), round3(plan.Accuracy.Bias)
				out.PlanWAPE, out.PlanBias = &wape, &bias
			}
			suggestions = append(suggestions, out)
		}
	}
	encoder := json.NewEncoder(out)
	encoder.SetIndent("", "  ")
	return encoder.Encode(suggestions)
}

func orNoSupplier(name string) string {
	if name == "" {
		return "(no supplier)"
	}
	return name
}

// writeForecastText prints one table per supplier. all and supplier are
// the --all and --supplier options, which change the advice printed when
// no table is shown.
func writeForecastText(out io.Writer, plan forecast.Plan, all bool, supplier string) {
	shown := 0
	for _, group := range plan.Groups {
		if len(group.Suggestions) == 0 {
			continue
		}
		shown++
		header := fmt.Sprintf("%s — %d SKUs, total %s %s", orNoSupplier(group.Supplier), len(group.Suggestions),
			store.FormatMoney(group.Total, group.Currency), group.Currency)
		if group.BelowMinimum {
			header += fmt.Sprintf(" (below the minimum order value of %s %s)", store.FormatMoney(group.MinOrderValue, group.Currency), group.Currency)
		}
		fmt.Fprintln(out, header)

		table := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(table, "  SKU\tON HAND\tIN TRANSIT\tPER DAY\tMETHOD\tMASE\tREORDER AT\tORDER\tORDER BY\t")
		for _, s := range group.Suggestions {
			mase := "-"
			if !math.IsNaN(s.MASE) {
				mase = fmt.Sprintf("%.2f", s.MASE)
			}
			fmt.Fprintf(table, "  %s\t%d\t%d\t%.2f\t%s\t%s\t%d\t%d\t%s\t\n", s.SKU, s.OnHand, s.InTransit, s.DailyDemand,
				s.Method, mase, s.ReorderPoint, s.SuggestedQty, dashIfEmpty(dateOrEmpty(s.OrderBy)))
		}
		table.Flush()
		for _, s := range group.Suggestions {
			fmt.Fprintf(out, "  %s: %s\n", s.SKU, s.Reason)
			for _, warning := range s.Warnings {
				fmt.Fprintf(out, "  %s: warning: %s\n", s.SKU, warning)
			}
		}
		fmt.Fprintln(out)
	}
	switch {
	case shown == 0 && all && supplier != "":
		fmt.Fprintf(out, "No SKU of supplier %q has demand. Check the name against the Vendor column of the orders or products export.\n", supplier)
		return
	case shown == 0 && all:
		fmt.Fprintln(out, "No SKU has demand yet. Import a Shopify orders export with `poboard import orders FILE`.")
		return
	case shown == 0:
		fmt.Fprintln(out, "Nothing to order. Run with --all to see every SKU.")
	}

	a := plan.Accuracy
	switch {
	case a.SKUs == 0:
	case a.Backtested > 0:
		fmt.Fprintf(out, "Backtest of %d of %d SKUs: WAPE %.1f%%, bias %+.1f%%\n", a.Backtested, a.SKUs, 100*a.WAPE, 100*a.Bias)
	default:
		fmt.Fprintf(out, "No SKU has the %d days of history a backtest needs; methods follow the demand class.\n", forecast.MinBacktestDays)
	}
}

func dashIfEmpty(text string) string {
	if text == "" {
		return "-"
	}
	return text
}

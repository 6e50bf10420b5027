package shopify

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// OrdersHeader is the 79-column header of the Shopify admin's "Export
// orders" CSV as seen in exports from 2025 and 2026.
var OrdersHeader = strings.Split("Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References", ",")

// Profile is the demand pattern a generated SKU follows.
type Profile string

// Generated demand profiles. Rates are order lines per SKU and day before
// scaling to GenerateConfig.Lines.
const (
	// ProfileSmooth: Poisson lines with a rate drawn uniformly from 0.5 to 3.
	ProfileSmooth Profile = "smooth"
	// ProfileIntermittent: a line on a day with probability 0.02 to 0.2.
	ProfileIntermittent Profile = "intermittent"
	// ProfileSeasonal: Poisson with rate base × (1 + 0.6 sin(2π(day+phase)/365)).
	ProfileSeasonal Profile = "seasonal"
	// ProfileTrending: Poisson with rate growing linearly from 0.5 × base
	// on the first day to 1.5 × base on the last.
	ProfileTrending Profile = "trending"
)

// GenerateConfig sets the size and shape of a generated orders export.
type GenerateConfig struct {
	Seed uint64
	// SKUs is the catalogue size; profiles are 40 % smooth, 30 %
	// intermittent, 15 % seasonal and 15 % trending.
	SKUs int
	// Days of history, ending the day before End.
	Days int
	End  time.Time
	// Lines is the target number of line rows; daily rates are scaled so
	// the expected count matches it (the drawn count varies by about √Lines).
	Lines int
	// Offset is the store's UTC offset written in timestamps, "-0400".
	Offset string
}

// GenerateStats counts what Generate wrote.
type GenerateStats struct {
	Orders    int
	Lines     int
	Cancelled int
	GiftCards int
	Bytes     int64
}

// skuPlan is one generated SKU.
type skuPlan struct {
	sku, name, vendor string
	profile           Profile
	base, phase, p    float64
	price             string
}

func (s skuPlan) rate(day, days int) float64 {
	switch s.profile {
	case ProfileIntermittent:
		return s.p
	case ProfileSeasonal:
		return s.base * (1 + 0.6*math.Sin(2*math.Pi*(float64(day)+s.phase)/365))
	case ProfileTrending:
		return s.base * (0.5 + float64(day)/float64(max(1, days-1)))
	}
	return s.base
}

// Generate writes a Shopify-format orders export with a fixed seed: the
// same config always gives the same bytes. Each order has 1 to 4 lines in
// a row block with order-level fields on its first row only; 2 % of orders
// are cancelled and 3 % of orders carry a gift card line that does not
// require shipping. Line quantities are 1 plus a Poisson(0.5) draw.
func Generate(w io.Writer, cfg GenerateConfig) (GenerateStats, error) {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	offset := cfg.Offset
	if offset == "" {
		offset = "-0400"
	}
	zone, err := time.Parse("-0700", offset)
	if err != nil {
		return GenerateStats{}, fmt.Errorf("invalid offset %q: write it like -0400", offset)
	}
	location := zone.Location()

	skus := make([]skuPlan, cfg.SKUs)
	expected := 0.0
	for i := range skus {
		s := skuPlan{sku: fmt.Sprintf("GEN-%05d", i+1), vendor: fmt.Sprintf("Supplier %02d", i%20+1), phase: rng.Float64() * 365,
			base: 0.5 + 2.5*rng.Float64(), price: fmt.Sprintf("%d.%02d", 5+rng.IntN(95), rng.IntN(100))}
		switch roll := rng.Float64(); {
		case roll < 0.40:
			s.profile = ProfileSmooth
		case roll < 0.70:
			s.profile, s.p = ProfileIntermittent, 0.02+0.18*rng.Float64()
		case roll < 0.85:
			s.profile = ProfileSeasonal
		default:
			s.profile = ProfileTrending
		}
		s.name = fmt.Sprintf("Generated %s product %d", s.profile, i+1)
		for day := range cfg.Days {
			expected += s.rate(day, cfg.Days)
		}
		skus[i] = s
	}
	scale := 1.0
	if expected > 0 && cfg.Lines > 0 {
		scale = float64(cfg.Lines) / expected
	}

	out := bufio.NewWriterSize(w, 1<<20)
	counter := &countingWriter{w: out}
	writer := newRowWriter(counter)
	writer.write(OrdersHeader)

	stats := GenerateStats{}
	start := cfg.End.AddDate(0, 0, -cfg.Days)
	var pending []int
	for day := range cfg.Days {
		pending = pending[:0]
		for i, s := range skus {
			lines := drawPoisson(rng, s.rate(day, cfg.Days)*scale)
			if s.profile == ProfileIntermittent {
				lines = 0
				if rng.Float64() < s.p*scale {
					lines = 1
				}
			}
			for range lines {
				pending = append(pending, i)
			}
		}
		rng.Shuffle(len(pending), func(a, b int) { pending[a], pending[b] = pending[b], pending[a] })

		date := start.AddDate(0, 0, day)
		for len(pending) > 0 {
			size := min(len(pending), 1+rng.IntN(4))
			seconds := rng.IntN(86400)
			created := time.Date(date.Year(), date.Month(), date.Day(), 0, 0, seconds, 0, location)
			writeOrder(writer, rng, &stats, skus, pending[:size], created)
			pending = pending[size:]
		}
	}
	if err := writer.err; err != nil {
		return stats, err
	}
	if err := out.Flush(); err != nil {
		return stats, err
	}
	stats.Bytes = counter.n
	return stats, nil
}

func drawPoisson(rng *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	// Knuth's method is fine for the small means generated here.
	limit, product, k := math.Exp(-mean), rng.Float64(), 0
	for product > limit {
		product *= rng.Float64()
		k++
	}
	return k
}

// column indexes into OrdersHeader used by the generator.
var generatedColumns = func() map[string]int {
	index := map[string]int{}
	for i, name := range OrdersHeader {
		index[name] = i
	}
	return index
}()

func writeOrder(writer *rowWriter, rng *rand.Rand, stats *GenerateStats, skus []skuPlan, lines []int, created time.Time) {
	stats.Orders++
	number := 1000 + stats.Orders
	cancelled := rng.Float64() < 0.02
	giftCard := rng.Float64() < 0.03
	timestamp := created.Format("2006-01-02 15:04:05 -0700")

	row := make([]string, len(OrdersHeader))
	set := func(column, value string) { row[generatedColumns[column]] = value }
	for i, skuIndex := range lines {
		clear(row)
		s := skus[skuIndex]
		set("Name", fmt.Sprintf("#%d", number))
		set("Email", fmt.Sprintf("customer%d@example.com", number%5000))
		set("Created at", timestamp)
		set("Lineitem quantity", fmt.Sprint(1+drawPoisson(rng, 0.5)))
		set("Lineitem name", s.name)
		set("Lineitem price", s.price)
		set("Lineitem sku", s.sku)
		set("Lineitem requires shipping", "true")
		set("Lineitem taxable", "true")
		set("Lineitem fulfillment status", "fulfilled")
		set("Vendor", s.vendor)
		set("Id", fmt.Sprint(6600000000000+number))
		if i == 0 {
			set("Financial Status", "paid")
			set("Paid at", timestamp)
			set("Fulfillment Status", "fulfilled")
			set("Accepts Marketing", "no")
			set("Currency", "EUR")
			set("Billing Name", "Sample Customer")
			set("Billing Street", "1 Example Street")
			set("Billing City", "Berlin")
			set("Billing Zip", "10115")
			set("Billing Country", "DE")
			set("Shipping Name", "Sample Customer")
			set("Shipping Street", "1 Example Street")
			set("Shipping City", "Berlin")
			set("Shipping Zip", "10115")
			set("Shipping Country", "DE")
			set("Payment Method", "manual")
			set("Source", "web")
			set("Risk Level", "Low")
			if cancelled {
				set("Cancelled at", created.Add(time.Hour).Format("2006-01-02 15:04:05 -0700"))
				set("Financial Status", "voided")
			}
		}
		writer.write(row)
		stats.Lines++
	}
	if cancelled {
		stats.Cancelled++
	}
	if giftCard {
		clear(row)
		set("Name", fmt.Sprintf("#%d", number))
		set("Created at", timestamp)
		set("Lineitem quantity", "1")
		set("Lineitem name", "Gift Card - $25")
		set("Lineitem price", "25.00")
		set("Lineitem requires shipping", "false")
		writer.write(row)
		stats.Lines++
		stats.GiftCards++
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// rowWriter writes CSV rows, quoting only fields that need it, as the
// Shopify export does; it keeps the first error.
type rowWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func newRowWriter(w io.Writer) *rowWriter { return &rowWriter{w: w} }

func (r *rowWriter) write(fields []string) {
	if r.err != nil {
		return
	}
	r.buf = r.buf[:0]
	for i, field := range fields {
		if i > 0 {
			r.buf = append(r.buf, ',')
		}
		if strings.ContainsAny(field, ",\"\n\r") {
			r.buf = append(r.buf, '"')
			r.buf = append(r.buf, strings.ReplaceAll(field, `"`, `""`)...)
			r.buf = append(r.buf, '"')
			continue
		}
		r.buf = append(r.buf, field...)
	}
	r.buf = append(r.buf, '\n')
	_, r.err = r.w.Write(r.buf)
}

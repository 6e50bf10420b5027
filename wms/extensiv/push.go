package extensiv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"poboard/store"
	"poboard/wms"
)

// Push creates a receiver for po with the PO number as its reference
// number and returns the receiver id. The reference number is looked up
// first, and again after a create whose outcome is unknown, so a retry
// links to the receiver an earlier attempt made instead of making another.
func (c *Connector) Push(ctx context.Context, po store.PO) (string, error) {
	if err := c.ready(); err != nil {
		return "", err
	}
	if len(po.Lines) == 0 {
		return "", wms.Permanent(po.Number+" has no lines; add at least one before pushing", nil)
	}

	existing, err := c.findReference(ctx, po.Number)
	if err != nil {
		return "", err
	}
	if existing != nil {
		return c.adopt(ctx, po, *existing)
	}

	body, err := c.newReceiver(po)
	if err != nil {
		return "", err
	}
	id, err := c.create(ctx, po, body)
	if err == nil {
		return strconv.Itoa(id), nil
	}

	// The create may have succeeded even though its response was lost, and
	// a Duplicate error means an earlier attempt did. Link to that receiver.
	if isUncertain(err) || errors.Is(err, errDuplicate) {
		existing, lookupErr := c.findReference(ctx, po.Number)
		if lookupErr == nil && existing != nil {
			return c.adopt(ctx, po, *existing)
		}
	}
	if errors.Is(err, errDuplicate) {
		return "", fmt.Errorf("Extensiv reports reference number %s as a duplicate but the lookup did not find it; will retry", po.Number)
	}
	return "", err
}

// errDuplicate is Extensiv's error for a reference number already in use.
var errDuplicate = errors.New("duplicate reference number")

// findReference returns the customer's receiver with reference number ref,
// or nil. Reference numbers are unique per customer in Extensiv.
func (c *Connector) findReference(ctx context.Context, ref string) (*receiver, error) {
	query := url.Values{}
	query.Set("rql", fmt.Sprintf("referenceNum==%s;readOnly.customerIdentifier.id==%d", rqlValue(ref), c.cfg.CustomerID))
	query.Set("detail", "ReceiveItems")
	query.Set("pgsiz", "10")
	query.Set("pgnum", "1")
	var page receiverPage
	if _, err := c.client.getJSON(ctx, "/inventory/receivers?"+query.Encode(), &page); err != nil {
		return nil, err
	}
	for _, found := range page.Embedded.Receivers {
		if strings.EqualFold(found.ReferenceNum, ref) {
			return &found, nil
		}
	}
	return nil, nil
}

// newReceiver builds the create body for po.
func (c *Connector) newReceiver(po store.PO) (receiver, error) {
	body := receiver{
		CustomerIdentifier: &identifier{ID: c.cfg.CustomerID},
		FacilityIdentifier: &identifier{ID: c.cfg.FacilityID},
		ReferenceNum:       po.Number,
		PoNum:              po.Number,
		SourceEnum:         sourceRestAPI,
		EntryType:          entryTypeAPI,
	}
	if po.ExpectedDate != "" {
		date, err := time.Parse(time.DateOnly, po.ExpectedDate)
		if err != nil {
			return receiver{}, wms.Permanent(fmt.Sprintf("%s has an invalid expected date %q; set it as YYYY-MM-DD", po.Number, po.ExpectedDate), err)
		}
		body.ExpectedDate = date.Format(timestampShape)
	}
	// NOTE: whether Extensiv accepts a saved element it has no custom field
	// for is unconfirmed; set supplier_field = "-" if creates are rejected.
	if c.cfg.SupplierField != "-" && po.Supplier != "" {
		body.SavedElements = []savedElement{{Name: c.cfg.SupplierField, Value: po.Supplier}}
	}
	for _, line := range po.Lines {
		if line.Ordered <= 0 {
			continue
		}
		body.ReceiveItems = append(body.ReceiveItems, receiveItem{
			ItemIdentifier: itemIdentifier{SKU: line.SKU},
			Qty:            json.Number(strconv.Itoa(line.Ordered)),
			Cost:           json.Number(store.FormatMoney(line.UnitCost, po.Currency)),
		})
	}
	if len(body.ReceiveItems) == 0 {
		return receiver{}, wms.Permanent(po.Number+" has no line with a quantity above 0; fix the quantities before pushing", nil)
	}
	return body, nil
}

// create posts a receiver and returns its id.
func (c *Connector) create(ctx context.Context, po store.PO, body receiver) (int, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	resp, err := c.client.do(ctx, http.MethodPost, "/inventory/receivers", raw, nil)
	if err != nil {
		return 0, err
	}
	if resp.status == http.StatusBadRequest {
		return 0, c.createRejected(ctx, po, resp)
	}
	if resp.status != http.StatusCreated && resp.status != http.StatusOK {
		return 0, statusError(http.MethodPost, "/inventory/receivers", resp)
	}

	var created receiver
	if err := decode(resp, &created); err != nil {
		// The receiver exists but its id is unreadable: the lookup finds it.
		return 0, &uncertainError{err}
	}
	if created.id() == 0 {
		return 0, &uncertainError{errors.New("Extensiv created a receiver but sent no receiverId; will look it up")}
	}
	return created.id(), nil
}

// createRejected explains a 400 response to a create in the buyer's terms.
func (c *Connector) createRejected(ctx context.Context, po store.PO, resp *response) error {
	detail := parseAPIError(resp.body)
	switch {
	// NOTE: Extensiv documents the Duplicate code for orders; that receivers
	// use it too is assumed. The lookup before each create covers both cases.
	case strings.EqualFold(detail.ErrorCode, "Duplicate"):
		return errDuplicate
	case strings.EqualFold(detail.ErrorCode, "DoesNotExist") && mentionsItem(detail):
		unknown, err := c.unknownSKUs(ctx, po)
		if err != nil || len(unknown) == 0 {
			return wms.Permanent(fmt.Sprintf("Extensiv does not know an item on %s: %s; create the items for customer %d in Extensiv, then push again",
				po.Number, detail.Hint, c.cfg.CustomerID), nil)
		}
		return wms.Permanent(fmt.Sprintf("Extensiv does not know %s %s for customer %d; create the items in Extensiv (or fix the SKUs on %s), then push again",
			plural(len(unknown), "SKU", "SKUs"), strings.Join(unknown, ", "), c.cfg.CustomerID, po.Number), nil)
	case mentionsDate(detail):
		return wms.Permanent(fmt.Sprintf("Extensiv rejected the expected date %q of %s: %s; set a valid date and push again",
			po.ExpectedDate, po.Number, orText(detail.Hint, detail.ErrorCode)), nil)
	}
	return statusError(http.MethodPost, "/inventory/receivers", resp)
}

func mentionsItem(detail apiError) bool {
	text := strings.ToLower(detail.Hint)
	for _, property := range detail.Properties {
		text += " " + strings.ToLower(property.Name)
	}
	return strings.Contains(text, "item") || strings.Contains(text, "sku")
}

func mentionsDate(detail apiError) bool {
	text := strings.ToLower(detail.Hint)
	for _, property := range detail.Properties {
		text += " " + strings.ToLower(property.Name)
	}
	return strings.Contains(text, "date")
}

func orText(text, fallback string) string {
	if text != "" {
		return text
	}
	return fallback
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// itemPage is one HAL page of GET /customers/{id}/items.
type itemPage struct {
	Embedded struct {
		Items []struct {
			SKU string `json:"sku"`
		} `json:"http://api.3plCentral.com/rels/customers/item"`
	} `json:"_embedded"`
}

// itemPageSize is the largest page the items endpoint serves.
const itemPageSize = 100

// unknownSKUs queries Extensiv for the SKUs of po that the customer has no item for.
func (c *Connector) unknownSKUs(ctx context.Context, po store.PO) ([]string, error) {
	known := map[string]bool{}
	skus := make([]string, 0, len(po.Lines))
	for _, line := range po.Lines {
		skus = append(skus, line.SKU)
	}
	for start := 0; start < len(skus); start += itemPageSize {
		chunk := skus[start:min(start+itemPageSize, len(skus))]
		values := make([]string, len(chunk))
		for i, sku := range chunk {
			values[i] = rqlValue(sku)
		}
		query := url.Values{}
		query.Set("rql", "sku=in=("+strings.Join(values, ",")+")")
		query.Set("pgsiz", strconv.Itoa(itemPageSize))
		query.Set("pgnum", "1")
		var page itemPage
		if _, err := c.client.getJSON(ctx, fmt.Sprintf("/customers/%d/items?%s", c.cfg.CustomerID, query.Encode()), &page); err != nil {
			return nil, err
		}
		for _, item := range page.Embedded.Items {
			known[strings.ToUpper(item.SKU)] = true
		}
	}
	var unknown []string
	for _, sku := range skus {
		if !known[strings.ToUpper(sku)] {
			unknown = append(unknown, sku)
		}
	}
	sort.Strings(unknown)
	return unknown, nil
}

// rqlValue escapes one RQL value. Extensiv decodes RQL values a second
// time after splitting the query, so reserved characters are escaped here
// and the whole query is escaped again when the URL is built.
func rqlValue(value string) string {
	return url.QueryEscape(value)
}

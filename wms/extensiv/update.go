package extensiv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"poboard/store"
	"poboard/wms"
)

// maxStaleRetries bounds how often an update is re-applied after 412
// responses. Each one means someone else changed the receiver meanwhile.
const maxStaleRetries = 3

// adopt links po to a receiver that already carries its PO number: the one
// an earlier attempt created, or one made by hand in Extensiv. An open
// receiver is brought in line with the PO, because at push time the PO is
// the buyer's record. After the push, Extensiv becomes the editor.
func (c *Connector) adopt(ctx context.Context, po store.PO, found receiver) (string, error) {
	id := found.id()
	if id == 0 {
		return "", fmt.Errorf("Extensiv listed receiver %s without a receiverId; will retry", po.Number)
	}
	switch found.status() {
	case statusCanceled:
		return "", wms.Permanent(fmt.Sprintf("Extensiv receiver %d with reference number %s is cancelled; cancel %s here too, or copy it to a new PO and push that",
			id, po.Number, po.Number), nil)
	case statusClosed:
		// Received already: the next sync brings the quantities back.
		return strconv.Itoa(id), nil
	}
	if c.matches(po, found) {
		return strconv.Itoa(id), nil
	}
	if err := c.update(ctx, id, func(body map[string]any) { c.applyPO(po, body) }); err != nil {
		return "", err
	}
	return strconv.Itoa(id), nil
}

// matches reports whether an open receiver already has po's expected date
// and quantities, so no update is needed.
func (c *Connector) matches(po store.PO, found receiver) bool {
	if po.ExpectedDate != "" && calendarDate(found.ExpectedDate, c.client.location) != po.ExpectedDate {
		return false
	}
	quantities := map[string]int{}
	for _, item := range found.items() {
		qty, err := units(item.Qty)
		if err != nil {
			return false
		}
		quantities[strings.ToUpper(item.ItemIdentifier.SKU)] += qty
	}
	for _, line := range po.Lines {
		if quantities[strings.ToUpper(line.SKU)] != line.Ordered {
			return false
		}
	}
	return true
}

// applyPO sets the PO's expected date and line quantities and costs on a
// receiver body as read from Extensiv. Fields poboard does not know stay
// as they are; lines for SKUs that are not on the PO are kept.
func (c *Connector) applyPO(po store.PO, body map[string]any) {
	if po.ExpectedDate != "" {
		body["expectedDate"] = po.ExpectedDate + "T00:00:00"
	}
	body["poNum"] = po.Number

	var items []any
	if embedded, ok := body["_embedded"].(map[string]any); ok {
		items, _ = embedded[relReceiveItem].([]any)
	}
	if items == nil {
		items, _ = body["receiveItems"].([]any)
	}
	delete(body, "_embedded")
	delete(body, "_links")

	seen := map[string]bool{}
	for _, raw := range items {
		item, ok := raw.(map[string]any)
		if !ok {
			continue
		}
		identifier, _ := item["itemIdentifier"].(map[string]any)
		sku, _ := identifier["sku"].(string)
		i := po.Line(sku)
		if i < 0 || seen[strings.ToUpper(sku)] {
			continue
		}
		seen[strings.ToUpper(sku)] = true
		item["qty"] = json.Number(strconv.Itoa(po.Lines[i].Ordered))
		item["cost"] = json.Number(store.FormatMoney(po.Lines[i].UnitCost, po.Currency))
	}
	for _, line := range po.Lines {
		if seen[strings.ToUpper(line.SKU)] || line.Ordered <= 0 {
			continue
		}
		// receiveItemId 0 makes Extensiv add the line.
		items = append(items, map[string]any{
			"itemIdentifier": map[string]any{"sku": line.SKU},
			"qty":            json.Number(strconv.Itoa(line.Ordered)),
			"cost":           json.Number(store.FormatMoney(line.UnitCost, po.Currency)),
			"readOnly":       map[string]any{"receiveItemId": 0},
		})
	}
	body["receiveItems"] = items
}

// update changes receiver id with mutate under optimistic concurrency: it
// reads the receiver with its ETag, applies mutate and sends If-Match. On
// 412 (changed meanwhile) it reads again and re-applies mutate; on 428 (the
// header went missing) it reads again for a fresh ETag.
func (c *Connector) update(ctx context.Context, id int, mutate func(body map[string]any)) error {
	path := fmt.Sprintf("/inventory/receivers/%d", id)
	for attempt := 0; ; attempt++ {
		body, etag, err := c.readForUpdate(ctx, path)
		if err != nil {
			return err
		}
		if etag == "" {
			return fmt.Errorf("Extensiv sent receiver %d without an ETag, so it cannot be updated safely; will retry", id)
		}
		mutate(body)
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}

		resp, err := c.client.do(ctx, http.MethodPut, path, raw, http.Header{"If-Match": {etag}})
		if err != nil {
			return err
		}
		switch resp.status {
		case http.StatusOK, http.StatusNoContent:
			return nil
		case http.StatusPreconditionFailed, http.StatusPreconditionRequired:
			if attempt+1 >= maxStaleRetries {
				return fmt.Errorf("Extensiv receiver %d kept changing while poboard updated it (HTTP %d, %d attempts); will retry", id, resp.status, attempt+1)
			}
			continue
		case http.StatusBadRequest:
			detail := parseAPIError(resp.body)
			return wms.Permanent(fmt.Sprintf("Extensiv rejected the update of receiver %d (%s): %s; change it in Extensiv instead",
				id, orText(detail.ErrorCode, "HTTP 400"), orText(detail.Hint, "no reason given")), nil)
		}
		return statusError(http.MethodPut, path, resp)
	}
}

// readForUpdate fetches a receiver with its lines as a generic JSON object,
// so an update sends back every field Extensiv returned.
func (c *Connector) readForUpdate(ctx context.Context, path string) (map[string]any, string, error) {
	resp, err := c.client.do(ctx, http.MethodGet, path+"?detail=ReceiveItems", nil, nil)
	if err != nil {
		return nil, "", err
	}
	if resp.status != http.StatusOK {
		return nil, "", statusError(http.MethodGet, path, resp)
	}
	decoder := json.NewDecoder(bytes.NewReader(resp.body))
	decoder.UseNumber()
	var body map[string]any
	if err := decoder.Decode(&body); err != nil {
		return nil, "", fmt.Errorf("Extensiv sent receiver %s as invalid JSON; will retry: %w", path, err)
	}
	return body, resp.header.Get("ETag"), nil
}

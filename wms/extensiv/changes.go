package extensiv

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"poboard/store"
)

// firstPollMargin widens the first poll's window before the oldest linked
// PO, to allow for a WMS clock that runs behind ours.
const firstPollMargin = 24 * time.Hour

// groupChunk is how many PO numbers one sibling lookup requests, which
// keeps the query string short.
const groupChunk = 40

// Changes returns the current state of every linked PO whose receivers
// changed since cursor. A PO's receipts can span several receivers: the
// one poboard created and later ones the warehouse adds with the same
// poNum. Each update therefore sums all of them, which makes the quantities
// cumulative. The cursor is the newest lastModifiedDate seen, in UTC.
// Receivers no linked PO refers to are skipped; the initial import brings
// those in.
func (c *Connector) Changes(ctx context.Context, cursor string, linked []store.PO) ([]store.RemoteUpdate, string, error) {
	if err := c.ready(); err != nil {
		return nil, cursor, err
	}
	since, ok := c.startOfWindow(cursor, linked)
	if !ok {
		return nil, cursor, nil
	}

	rql := "readOnly.lastModifiedDate=ge=" + rqlValue(formatTime(since, c.client.location)) + ";" + c.scopeRQL()
	changed, err := c.listReceivers(ctx, rql, "readOnly.lastModifiedDate,readOnly.receiverId")
	if err != nil {
		return nil, cursor, err
	}
	newest := since
	for _, found := range changed {
		if modified, err := c.modified(found); err == nil && modified.After(newest) {
			newest = modified
		}
	}
	next := newest.UTC().Format(time.RFC3339Nano)
	if len(changed) == 0 {
		return nil, next, nil
	}

	links := newLinkIndex(linked)
	groups, err := c.completeGroups(ctx, changed, links)
	if err != nil {
		return nil, cursor, err
	}
	return c.updatesFor(groups, links), next, nil
}

// startOfWindow reads the cursor. Without one, the window starts a margin
// before the oldest linked PO; with nothing linked there is nothing to ask.
func (c *Connector) startOfWindow(cursor string, linked []store.PO) (time.Time, bool) {
	if cursor != "" {
		if since, err := time.Parse(time.RFC3339Nano, cursor); err == nil {
			return since, true
		}
	}
	var oldest time.Time
	for _, po := range linked {
		if po.WMS == nil {
			continue
		}
		start := po.CreatedAt
		if !po.WMS.PushedAt.IsZero() && (start.IsZero() || po.WMS.PushedAt.Before(start)) {
			start = po.WMS.PushedAt
		}
		if !start.IsZero() && (oldest.IsZero() || start.Before(oldest)) {
			oldest = start
		}
	}
	if oldest.IsZero() {
		return time.Time{}, false
	}
	return oldest.Add(-firstPollMargin), true
}

func (c *Connector) modified(found receiver) (time.Time, error) {
	if found.ReadOnly == nil {
		return time.Time{}, fmt.Errorf("receiver has no readOnly block")
	}
	return parseTime(found.ReadOnly.LastModifiedDate, c.client.location)
}

// listReceivers reads every page of receivers matching rql, following the
// next links, with their lines.
func (c *Connector) listReceivers(ctx context.Context, rql, sortBy string) ([]receiver, error) {
	query := url.Values{}
	query.Set("rql", rql)
	query.Set("detail", "ReceiveItems")
	query.Set("pgsiz", strconv.Itoa(c.cfg.PageSize))
	query.Set("pgnum", "1")
	if sortBy != "" {
		query.Set("sort", sortBy)
	}
	ref := "/inventory/receivers?" + query.Encode()

	var all []receiver
	for pages := 0; ref != ""; pages++ {
		if pages > 10_000 {
			return nil, fmt.Errorf("Extensiv kept sending next links after %d pages of receivers; stopped", pages)
		}
		var page receiverPage
		if _, err := c.client.getJSON(ctx, ref, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Embedded.Receivers...)
		ref = ""
		if page.Links.Next != nil && len(page.Embedded.Receivers) > 0 {
			ref = page.Links.Next.Href
		}
	}
	return all, nil
}

// group is the receivers of one PO number, keyed by poKey.
type group struct {
	key       string
	receivers []receiver
}

// linkIndex finds the linked PO a receiver belongs to.
type linkIndex struct {
	byNumber map[string]store.PO
	byRemote map[string]store.PO
	// imported is set when some linked PO came from the initial import;
	// its PO number is poboard's, so only the receiver id links it.
	imported bool
}

func newLinkIndex(linked []store.PO) linkIndex {
	links := linkIndex{byNumber: map[string]store.PO{}, byRemote: map[string]store.PO{}}
	for _, po := range linked {
		links.byNumber[strings.ToUpper(po.Number)] = po
		if po.WMS != nil && po.WMS.RemoteID != "" {
			links.byRemote[po.WMS.RemoteID] = po
		}
		if po.WMS != nil && po.WMS.State == store.PushImported {
			links.imported = true
		}
	}
	return links
}

// find returns the linked PO of a group of receivers.
func (links linkIndex) find(g group) (store.PO, bool) {
	for _, member := range g.receivers {
		if po, ok := links.byRemote[strconv.Itoa(member.id())]; ok {
			return po, true
		}
	}
	po, ok := links.byNumber[strings.ToUpper(g.key)]
	return po, ok
}

// completeGroups adds, for each PO number among changed, the receivers of
// that PO that did not change in this window, because totals need them all.
// Only PO numbers that may belong to a linked PO are looked up.
func (c *Connector) completeGroups(ctx context.Context, changed []receiver, links linkIndex) ([]group, error) {
	var keys []string
	byKey := map[string]*group{}
	seen := map[int]bool{}
	add := func(found receiver) {
		key := found.poKey()
		if key == "" || seen[found.id()] {
			return
		}
		seen[found.id()] = true
		if byKey[key] == nil {
			byKey[key] = &group{key: key}
			keys = append(keys, key)
		}
		byKey[key].receivers = append(byKey[key].receivers, found)
	}
	for _, found := range changed {
		add(found)
	}

	var requested []string
	for _, key := range keys {
		if _, ok := links.find(*byKey[key]); ok || links.imported {
			requested = append(requested, key)
		}
	}
	for start := 0; start < len(requested); start += groupChunk {
		chunk := requested[start:min(start+groupChunk, len(requested))]
		values := make([]string, len(chunk))
		for i, key := range chunk {
			values[i] = rqlValue(key)
		}
		in := "=in=(" + strings.Join(values, ",") + ")"
		rql := fmt.Sprintf("(poNum%s,referenceNum%s);readOnly.customerIdentifier.id==%d", in, in, c.cfg.CustomerID)
		siblings, err := c.listReceivers(ctx, rql, "readOnly.receiverId")
		if err != nil {
			return nil, err
		}
		for _, found := range siblings {
			if byKey[found.poKey()] != nil {
				add(found)
			}
		}
	}

	groups := make([]group, 0, len(keys))
	for _, key := range keys {
		sort.Slice(byKey[key].receivers, func(i, j int) bool {
			return byKey[key].receivers[i].id() < byKey[key].receivers[j].id()
		})
		groups = append(groups, *byKey[key])
	}
	return groups, nil
}

// updatesFor turns the groups that belong to linked POs into updates.
func (c *Connector) updatesFor(groups []group, links linkIndex) []store.RemoteUpdate {
	var updates []store.RemoteUpdate
	for _, g := range groups {
		if po, ok := links.find(g); ok {
			updates = append(updates, c.remoteUpdate(po, g))
		}
	}
	return updates
}

// remoteUpdate sums one PO's receivers into a RemoteUpdate. Quantities on
// closed (confirmed) receivers are received units, those put on hold are
// rejected. While the PO's own receiver is open its quantities are the
// expected ones, which the warehouse may have edited.
func (c *Connector) remoteUpdate(po store.PO, g group) store.RemoteUpdate {
	primary := c.primary(g, po)
	update := store.RemoteUpdate{
		Connector: Name,
		RemoteID:  strconv.Itoa(primary.id()),
		Number:    po.Number,
	}
	for _, member := range g.receivers {
		if modified, err := c.modified(member); err == nil && modified.After(update.AsOf) {
			update.AsOf = modified.UTC()
		}
	}

	allCancelled := true
	for _, member := range g.receivers {
		if member.status() != statusCanceled {
			allCancelled = false
		}
	}
	if allCancelled {
		update.Status = store.StatusCancelled
	}
	update.ExpectedDate = calendarDate(primary.ExpectedDate, c.client.location)
	update.LinesEdited = primary.status() == statusOpen
	update.Lines = c.sumLines(g, primary, po.Currency)
	return update
}

// primary picks the receiver that stands for the PO: the linked one, else
// the one whose reference number is the PO's key, else the oldest.
func (c *Connector) primary(g group, po store.PO) receiver {
	if po.WMS != nil {
		for _, member := range g.receivers {
			if strconv.Itoa(member.id()) == po.WMS.RemoteID {
				return member
			}
		}
	}
	for _, member := range g.receivers {
		if strings.EqualFold(member.ReferenceNum, g.key) {
			return member
		}
	}
	return g.receivers[0]
}

// sumLines totals a group's lines per SKU, in the primary receiver's order.
// NOTE: while the primary receiver is open its quantities are taken as the
// ordered ones, even when the warehouse has already booked part of the PO
// on a sibling receiver and lowered the primary to the rest.
func (c *Connector) sumLines(g group, primary receiver, currency string) []store.RemoteLine {
	var order []string
	lines := map[string]*store.RemoteLine{}
	line := func(sku string) *store.RemoteLine {
		if lines[sku] == nil {
			lines[sku] = &store.RemoteLine{SKU: sku, Ordered: -1}
			order = append(order, sku)
		}
		return lines[sku]
	}

	for _, item := range primary.items() {
		target := line(item.ItemIdentifier.SKU)
		qty, _ := units(item.Qty)
		switch {
		case primary.status() == statusOpen:
			target.Ordered = max(target.Ordered, 0) + qty
		case item.ReadOnly != nil && item.ReadOnly.ExpectedQty != nil:
			expected, _ := units(*item.ReadOnly.ExpectedQty)
			target.Ordered = max(target.Ordered, 0) + expected
		}
		if cost, ok := minorUnits(string(item.Cost), currency); ok {
			target.UnitCost, target.HasCost = cost, true
		}
	}
	for _, member := range g.receivers {
		if member.status() != statusClosed {
			continue
		}
		for _, item := range member.items() {
			target := line(item.ItemIdentifier.SKU)
			qty, _ := units(item.Qty)
			if item.OnHold {
				target.Rejected += qty
			} else {
				target.Received += qty
			}
		}
	}

	result := make([]store.RemoteLine, 0, len(order))
	for _, sku := range order {
		result = append(result, *lines[sku])
	}
	return result
}

// minorUnits reads a decimal cost into minor units of currency. Extensiv
// may send more decimals than the currency has; those are rounded half up.
func minorUnits(text, currency string) (int64, bool) {
	if text == "" {
		return 0, false
	}
	if minor, err := store.ParseMoney(text, currency); err == nil {
		return minor, true
	}
	value, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, false
	}
	scale := 1.0
	for range store.MinorDigits(currency) {
		scale *= 10
	}
	return int64(value*scale + 0.5), true
}

// ListRecent returns the POs behind the receivers created since the given
// time, for the initial import: one per PO number, its receivers summed.
// Cancelled POs and customer returns are left out.
func (c *Connector) ListRecent(ctx context.Context, since time.Time) ([]store.RemotePO, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	rql := "readOnly.creationDate=ge=" + rqlValue(formatTime(since, c.client.location)) + ";" + c.scopeRQL()
	created, err := c.listReceivers(ctx, rql, "readOnly.receiverId")
	if err != nil {
		return nil, err
	}

	var keys []string
	byKey := map[string]*group{}
	for _, found := range created {
		if found.isReturn() || found.poKey() == "" {
			continue
		}
		key := found.poKey()
		if byKey[key] == nil {
			byKey[key] = &group{key: key}
			keys = append(keys, key)
		}
		byKey[key].receivers = append(byKey[key].receivers, found)
	}

	var remotes []store.RemotePO
	for _, key := range keys {
		if remote, ok := c.remotePO(*byKey[key]); ok {
			remotes = append(remotes, remote)
		}
	}
	return remotes, nil
}

// remotePO describes one PO number's receivers for the import. A line's
// ordered quantity is the expected one when Extensiv still has it, else
// what was received, since a confirmed receiver keeps only actual counts.
func (c *Connector) remotePO(g group) (store.RemotePO, bool) {
	primary := c.primary(g, store.PO{})
	update := c.remoteUpdate(store.PO{Currency: c.currency()}, g)
	if update.Status == store.StatusCancelled {
		return store.RemotePO{}, false
	}

	remote := store.RemotePO{
		Connector:    Name,
		RemoteID:     strconv.Itoa(primary.id()),
		Reference:    g.key,
		Supplier:     c.supplierOf(primary),
		Currency:     c.currency(),
		ExpectedDate: update.ExpectedDate,
		Notes:        primary.Notes,
		AsOf:         update.AsOf,
	}
	if primary.ReadOnly != nil {
		if created, err := parseTime(primary.ReadOnly.CreationDate, c.client.location); err == nil {
			remote.CreatedAt = created.UTC()
		}
	}
	for _, line := range update.Lines {
		if line.Ordered < 0 {
			line.Ordered = line.Received + line.Rejected
		}
		remote.Lines = append(remote.Lines, line)
	}
	return remote, true
}

// supplierOf reads the supplier from the configured custom field, else
// from the first line that names one.
func (c *Connector) supplierOf(found receiver) string {
	if c.cfg.SupplierField != "-" {
		if name := strings.TrimSpace(found.savedElement(c.cfg.SupplierField)); name != "" {
			return name
		}
	}
	for _, item := range found.items() {
		if item.SupplierIdentifier != nil && item.SupplierIdentifier.Name != "" {
			return item.SupplierIdentifier.Name
		}
	}
	return ""
}

func (c *Connector) currency() string {
	if c.cfg.Currency == "" {
		return store.DefaultCurrency
	}
	return strings.ToUpper(c.cfg.Currency)
}

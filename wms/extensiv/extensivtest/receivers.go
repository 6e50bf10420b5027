package extensivtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// HAL relation keys, spelled as Extensiv spells them.
const (
	relReceiver    = "http://api.3plCentral.com/rels/inventory/receiver"
	relReceiveItem = "http://api.3plCentral.com/rels/inventory/receiveritem"
	relItem        = "http://api.3plCentral.com/rels/customers/item"
)

// Receiver is a receiver as the server stores it.
type Receiver struct {
	ID           int
	CustomerID   int
	FacilityID   int
	ReferenceNum string
	PoNum        string
	// ExpectedDate is the wire value: facility-local, no offset.
	ExpectedDate string
	Notes        string
	// SavedElements are custom fields, name → value.
	SavedElements map[string]string
	Status        int
	// Type is readOnly.receiverType: 0 normal, 1 return.
	Type     int
	Created  time.Time
	Modified time.Time
	// Version is the row version behind the ETag.
	Version int
	Items   []Item
}

// Item is one receive item (line) of a receiver.
type Item struct {
	ID  int
	SKU string
	Qty float64
	// Cost is the decimal unit cost as sent, "" when none.
	Cost   string
	OnHold bool
	// ExpectedQty is set only on receivers converted from an ASN.
	ExpectedQty *float64
	Supplier    string
}

func (r *Receiver) clone() Receiver {
	copied := *r
	copied.Items = append([]Item(nil), r.Items...)
	copied.SavedElements = map[string]string{}
	for name, value := range r.SavedElements {
		copied.SavedElements[name] = value
	}
	return copied
}

// wire writes a receiver as HAL+JSON; with lines, they are embedded.
func (s *Server) wire(r *Receiver, lines bool) map[string]any {
	saved := []map[string]any{}
	names := make([]string, 0, len(r.SavedElements))
	for name := range r.SavedElements {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		saved = append(saved, map[string]any{"name": name, "value": r.SavedElements[name]})
	}
	body := map[string]any{
		"customerIdentifier": map[string]any{"id": r.CustomerID},
		"facilityIdentifier": map[string]any{"id": r.FacilityID},
		"referenceNum":       r.ReferenceNum,
		"poNum":              r.PoNum,
		"expectedDate":       r.ExpectedDate,
		"notes":              r.Notes,
		"savedElements":      saved,
		"readOnly": map[string]any{
			"receiverId": r.ID, "receiverType": r.Type, "status": r.Status,
			"creationDate": s.formatTime(r.Created), "lastModifiedDate": s.formatTime(r.Modified),
			"customerIdentifier": map[string]any{"id": r.CustomerID},
			"facilityIdentifier": map[string]any{"id": r.FacilityID},
		},
		"_links": map[string]any{"self": map[string]any{"href": fmt.Sprintf("/inventory/receivers/%d", r.ID)}},
	}
	if lines {
		items := make([]map[string]any, 0, len(r.Items))
		for _, item := range r.Items {
			wired := map[string]any{
				"itemIdentifier": map[string]any{"sku": item.SKU, "id": s.itemID(r.CustomerID, item.SKU)},
				"qty":            item.Qty,
				"onHold":         item.OnHold,
				"readOnly":       map[string]any{"receiveItemId": item.ID, "expectedQty": item.ExpectedQty},
			}
			if item.Cost != "" {
				wired["cost"] = json.Number(item.Cost)
			}
			if item.Supplier != "" {
				wired["supplierIdentifier"] = map[string]any{"name": item.Supplier}
			}
			items = append(items, wired)
		}
		body["_embedded"] = map[string]any{relReceiveItem: items}
	}
	return body
}

func (s *Server) itemID(customer int, sku string) int {
	return s.items[customer][strings.ToUpper(sku)]
}

// wantsLines reports whether the detail parameter requests the lines.
func wantsLines(r *http.Request) bool {
	detail := strings.ToLower(r.URL.Query().Get("detail"))
	return strings.Contains(detail, "receiveitems") || detail == "all"
}

func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	size, number, ok := paging(w, query, DefaultPageSize, MaxPageSize)
	if !ok {
		return
	}
	filter, err := parseRQL(query.Get("rql"))
	if err == nil {
		err = filter.check(receiverFields)
	}
	if err == nil {
		err = s.timeValues(filter, receiverFields)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, apiError{Type: "Exceptions.QueryParameterException", ErrorCode: "NotParsable", Hint: err.Error(),
			Properties: []property{{Name: "rql", Value: query.Get("rql")}}})
		return
	}
	sorter, err := parseSort(query.Get("sort"))
	if err != nil {
		writeError(w, http.StatusBadRequest, apiError{Type: "Exceptions.QueryParameterException", ErrorCode: "NotParsable", Hint: err.Error(),
			Properties: []property{{Name: "sort", Value: query.Get("sort")}}})
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []*Receiver
	for _, receiver := range s.receivers {
		fieldOf := func(field string) any {
			value := s.receiverField(receiver, field)
			if stamp, ok := value.(time.Time); ok {
				return int(stamp.UnixMilli())
			}
			return value
		}
		if filter.match(fieldOf) {
			matched = append(matched, receiver)
		}
	}
	sorter.apply(matched, s.receiverField)

	start := min((number-1)*size, len(matched))
	end := min(start+size, len(matched))
	page := make([]map[string]any, 0, end-start)
	for _, receiver := range matched[start:end] {
		page = append(page, s.wire(receiver, wantsLines(r)))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"totalResults": len(matched),
		"_links":       pageLinks(r, number, end < len(matched)),
		"_embedded":    map[string]any{relReceiver: page},
	})
}

// paging reads pgsiz and pgnum, responding with 400 when they are out of range.
func paging(w http.ResponseWriter, query url.Values, defaultSize, maxSize int) (size, number int, ok bool) {
	size, number = defaultSize, 1
	if text := query.Get("pgsiz"); text != "" {
		parsed, err := strconv.Atoi(text)
		if err != nil || parsed < 1 || parsed > maxSize {
			writeError(w, http.StatusBadRequest, apiError{Type: "Exceptions.QueryParameterException", ErrorCode: "ValueOutOfRange",
				Hint: fmt.Sprintf("pgsiz must be between 1 and %d", maxSize), Properties: []property{{Name: "pgsiz", Value: text}}})
			return 0, 0, false
		}
		size = parsed
	}
	if text := query.Get("pgnum"); text != "" {
		parsed, err := strconv.Atoi(text)
		if err != nil || parsed < 1 {
			writeError(w, http.StatusBadRequest, apiError{Type: "Exceptions.QueryParameterException", ErrorCode: "ValueOutOfRange",
				Hint: "pgnum starts at 1", Properties: []property{{Name: "pgnum", Value: text}}})
			return 0, 0, false
		}
		number = parsed
	}
	return size, number, true
}

// pageLinks builds self, prev and next links as relative hrefs that keep
// every query parameter but pgnum.
func pageLinks(r *http.Request, number int, more bool) map[string]any {
	href := func(page int) map[string]any {
		query := r.URL.Query()
		query.Set("pgnum", strconv.Itoa(page))
		return map[string]any{"href": r.URL.Path + "?" + query.Encode()}
	}
	links := map[string]any{"self": href(number)}
	if number > 1 {
		links["prev"] = href(number - 1)
	}
	if more {
		links["next"] = href(number + 1)
	}
	return links
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) (*Receiver, bool) {
	id, err := strconv.Atoi(r.PathValue("id"))
	receiver := s.byID[id]
	if err != nil || receiver == nil {
		writeError(w, http.StatusNotFound, apiError{Type: "Exceptions.ResourceNotFoundException", ErrorCode: "NotFound",
			Hint: "no receiver " + r.PathValue("id")})
		return nil, false
	}
	return receiver, true
}

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	receiver, ok := s.lookup(w, r)
	if !ok {
		return
	}
	w.Header().Set("ETag", etagOf(receiver.Version))
	writeJSON(w, http.StatusOK, s.wire(receiver, wantsLines(r)))
}

// receiverBody is a create or update body.
type receiverBody struct {
	CustomerIdentifier *struct {
		ID int `json:"id"`
	} `json:"customerIdentifier"`
	FacilityIdentifier *struct {
		ID int `json:"id"`
	} `json:"facilityIdentifier"`
	ReferenceNum  *string `json:"referenceNum"`
	PoNum         *string `json:"poNum"`
	ExpectedDate  *string `json:"expectedDate"`
	Notes         *string `json:"notes"`
	SavedElements []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"savedElements"`
	ReceiveItems []struct {
		ItemIdentifier struct {
			SKU string `json:"sku"`
		} `json:"itemIdentifier"`
		Qty      json.Number `json:"qty"`
		Cost     json.Number `json:"cost"`
		OnHold   bool        `json:"onHold"`
		ReadOnly *struct {
			ReceiveItemID int `json:"receiveItemId"`
		} `json:"readOnly"`
	} `json:"receiveItems"`
}

func modelError(code, hint string, properties ...property) apiError {
	return apiError{Type: "Exceptions.ModelValidationException", ErrorCode: code, Hint: hint, Properties: properties}
}

// validate checks a body against the customer's items and the rules on
// reference numbers and dates. except is the receiver being updated.
// Callers hold s.mu.
func (s *Server) validate(body receiverBody, customer int, except int) *apiError {
	if body.ReferenceNum != nil {
		ref := strings.TrimSpace(*body.ReferenceNum)
		if ref == "" {
			e := modelError("Required", "referenceNum is required", property{Name: "ReferenceNum", Value: ""})
			return &e
		}
		for _, other := range s.receivers {
			if other.ID != except && other.CustomerID == customer && strings.EqualFold(other.ReferenceNum, ref) {
				e := modelError("Duplicate", "a receiver with this reference number exists for the customer", property{Name: "ReferenceNum", Value: ref})
				return &e
			}
		}
	}
	if body.ExpectedDate != nil && *body.ExpectedDate != "" {
		if _, err := s.parseTime(*body.ExpectedDate); err != nil {
			e := modelError("ValueNotSupported", "expectedDate is not a date", property{Name: "ExpectedDate", Value: *body.ExpectedDate})
			return &e
		}
	}
	var unknown []property
	for i, item := range body.ReceiveItems {
		if s.itemID(customer, item.ItemIdentifier.SKU) == 0 {
			unknown = append(unknown, property{Name: fmt.Sprintf("ReceiveItems[%d].ItemIdentifier.Sku", i), Value: item.ItemIdentifier.SKU})
		}
		if qty, err := item.Qty.Float64(); err != nil || qty <= 0 {
			e := modelError("ValueNotSupported", "qty must be above 0", property{Name: fmt.Sprintf("ReceiveItems[%d].Qty", i), Value: string(item.Qty)})
			return &e
		}
	}
	if len(unknown) > 0 {
		e := modelError("DoesNotExist", "item does not exist for the customer", unknown...)
		return &e
	}
	return nil
}

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	var body receiverBody
	decoder := json.NewDecoder(r.Body)
	decoder.UseNumber()
	if err := decoder.Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, modelError("NotParsable", "body is not JSON: "+err.Error()))
		return
	}
	if body.CustomerIdentifier == nil || body.CustomerIdentifier.ID <= 0 {
		writeError(w, http.StatusBadRequest, modelError("Required", "customerIdentifier is required", property{Name: "CustomerIdentifier", Value: nil}))
		return
	}
	if body.FacilityIdentifier == nil || body.FacilityIdentifier.ID <= 0 {
		writeError(w, http.StatusBadRequest, modelError("Required", "facilityIdentifier is required", property{Name: "FacilityIdentifier", Value: nil}))
		return
	}
	if body.ReferenceNum == nil {
		empty := ""
		body.ReferenceNum = &empty
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if problem := s.validate(body, body.CustomerIdentifier.ID, 0); problem != nil {
		writeError(w, http.StatusBadRequest, *problem)
		return
	}
	receiver := &Receiver{CustomerID: body.CustomerIdentifier.ID, FacilityID: body.FacilityIdentifier.ID}
	s.applyBody(receiver, body)
	s.insert(receiver)

	w.Header().Set("ETag", etagOf(receiver.Version))
	w.Header().Set("Location", fmt.Sprintf("/inventory/receivers/%d", receiver.ID))
	writeJSON(w, http.StatusCreated, s.wire(receiver, true))
}

// applyBody copies a validated body onto a receiver. Lines are replaced:
// a line that keeps its receiveItemId keeps its id, the rest are new.
// Callers hold s.mu.
func (s *Server) applyBody(receiver *Receiver, body receiverBody) {
	if body.ReferenceNum != nil {
		receiver.ReferenceNum = strings.TrimSpace(*body.ReferenceNum)
	}
	if body.PoNum != nil {
		receiver.PoNum = *body.PoNum
	}
	if body.ExpectedDate != nil {
		receiver.ExpectedDate = *body.ExpectedDate
		if parsed, err := s.parseTime(*body.ExpectedDate); err == nil {
			receiver.ExpectedDate = s.formatTime(parsed)
		}
	}
	if body.Notes != nil {
		receiver.Notes = *body.Notes
	}
	if body.SavedElements != nil {
		receiver.SavedElements = map[string]string{}
		for _, element := range body.SavedElements {
			receiver.SavedElements[element.Name] = element.Value
		}
	}
	if body.ReceiveItems == nil {
		return
	}
	old := map[int]Item{}
	for _, item := range receiver.Items {
		old[item.ID] = item
	}
	receiver.Items = nil
	for _, wired := range body.ReceiveItems {
		qty, _ := wired.Qty.Float64()
		item := Item{SKU: wired.ItemIdentifier.SKU, Qty: qty, Cost: string(wired.Cost), OnHold: wired.OnHold}
		if wired.ReadOnly != nil {
			if previous, ok := old[wired.ReadOnly.ReceiveItemID]; ok {
				item.ID, item.ExpectedQty, item.Supplier = previous.ID, previous.ExpectedQty, previous.Supplier
			}
		}
		if item.ID == 0 {
			s.nextLine++
			item.ID = s.nextLine
		}
		receiver.Items = append(receiver.Items, item)
	}
}

// insert stores a new receiver with an id and timestamps. Callers hold s.mu.
func (s *Server) insert(receiver *Receiver) {
	s.nextID++
	receiver.ID = s.nextID
	stamp := s.stamp()
	if receiver.Created.IsZero() {
		receiver.Created = stamp
	}
	if receiver.Modified.IsZero() {
		receiver.Modified = stamp
	}
	receiver.Version = 1
	if receiver.SavedElements == nil {
		receiver.SavedElements = map[string]string{}
	}
	for i := range receiver.Items {
		if receiver.Items[i].ID == 0 {
			s.nextLine++
			receiver.Items[i].ID = s.nextLine
		}
	}
	s.receivers = append(s.receivers, receiver)
	s.byID[receiver.ID] = receiver
}

// touch records a change to a receiver. Callers hold s.mu.
func (s *Server) touch(receiver *Receiver) {
	receiver.Version++
	receiver.Modified = s.stamp()
}

// checkIfMatch responds with 428 without If-Match and 412 when it is stale.
func checkIfMatch(w http.ResponseWriter, r *http.Request, receiver *Receiver) bool {
	ifMatch := r.Header.Get("If-Match")
	if ifMatch == "" {
		writeError(w, http.StatusPreconditionRequired, apiError{Type: "Exceptions.OperationException", ErrorCode: "PreconditionRequired",
			Hint: "send the receiver's ETag in If-Match"})
		return false
	}
	if ifMatch != etagOf(receiver.Version) && ifMatch != "*" {
		writeError(w, http.StatusPreconditionFailed, apiError{Type: "Exceptions.OperationException", ErrorCode: "PreconditionFailed",
			Hint: "the receiver changed since it was read; read it again"})
		return false
	}
	return true
}

func (s *Server) handleUpdate(w http.ResponseWriter, r *http.Request) {
	var body receiverBody
	decoder := json.NewDecoder(r.Body)
	decoder.UseNumber()
	if err := decoder.Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, modelError("NotParsable", "body is not JSON: "+err.Error()))
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	receiver, ok := s.lookup(w, r)
	if !ok || !checkIfMatch(w, r, receiver) {
		return
	}
	if receiver.Status != StatusOpen {
		writeError(w, http.StatusBadRequest, apiError{Type: "Exceptions.OperationException", ErrorCode: "InvalidState",
			Hint: "only an open receiver can be changed"})
		return
	}
	if problem := s.validate(body, receiver.CustomerID, receiver.ID); problem != nil {
		writeError(w, http.StatusBadRequest, *problem)
		return
	}
	s.applyBody(receiver, body)
	s.touch(receiver)
	w.Header().Set("ETag", etagOf(receiver.Version))
	writeJSON(w, http.StatusOK, s.wire(receiver, true))
}

func (s *Server) handleCancel(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	receiver, ok := s.lookup(w, r)
	if !ok || !checkIfMatch(w, r, receiver) {
		return
	}
	if receiver.Status != StatusOpen {
		writeError(w, http.StatusBadRequest, apiError{Type: "Exceptions.OperationException", ErrorCode: "InvalidState",
			Hint: "only an open receiver can be cancelled"})
		return
	}
	receiver.Status = StatusCanceled
	s.touch(receiver)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleItems(w http.ResponseWriter, r *http.Request) {
	customer, err := strconv.Atoi(r.PathValue("customer"))
	if err != nil {
		writeError(w, http.StatusNotFound, apiError{Type: "Exceptions.ResourceNotFoundException", ErrorCode: "NotFound"})
		return
	}
	query := r.URL.Query()
	size, number, ok := paging(w, query, 10, MaxItemPageSize)
	if !ok {
		return
	}
	filter, err := parseRQL(query.Get("rql"))
	if err == nil {
		err = filter.check(itemFields)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, apiError{Type: "Exceptions.QueryParameterException", ErrorCode: "NotParsable", Hint: err.Error()})
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	skus := make([]string, 0, len(s.items[customer]))
	for sku := range s.items[customer] {
		skus = append(skus, sku)
	}
	sort.Strings(skus)
	var matched []map[string]any
	for _, sku := range skus {
		id := s.items[customer][sku]
		fields := func(field string) any {
			switch field {
			case "sku":
				return sku
			case "itemid", "readonly.itemid":
				return id
			}
			return nil
		}
		if filter.match(fields) {
			matched = append(matched, map[string]any{"sku": sku, "readOnly": map[string]any{"itemId": id}})
		}
	}
	start := min((number-1)*size, len(matched))
	end := min(start+size, len(matched))
	writeJSON(w, http.StatusOK, map[string]any{
		"totalResults": len(matched),
		"_links":       pageLinks(r, number, end < len(matched)),
		"_embedded":    map[string]any{relItem: matched[start:end]},
	})
}

// receiverFields lists the RQL and sort properties of receivers, lower
// case, with their kinds.
var receiverFields = map[string]fieldKind{
	"referencenum": kindString, "ponum": kindString, "notes": kindString,
	"expecteddate": kindTime, "readonly.creationdate": kindTime, "readonly.lastmodifieddate": kindTime,
	"readonly.receiverid": kindInt, "readonly.status": kindInt, "readonly.receivertype": kindInt,
	"readonly.customeridentifier.id": kindInt, "readonly.facilityidentifier.id": kindInt,
	"customeridentifier.id": kindInt, "facilityidentifier.id": kindInt,
}

var itemFields = map[string]fieldKind{"sku": kindString, "itemid": kindInt, "readonly.itemid": kindInt}

// receiverField returns a receiver's value for a lower-case property.
func (s *Server) receiverField(r *Receiver, field string) any {
	switch field {
	case "referencenum":
		return r.ReferenceNum
	case "ponum":
		return r.PoNum
	case "notes":
		return r.Notes
	case "expecteddate":
		parsed, _ := s.parseTime(r.ExpectedDate)
		return parsed
	case "readonly.creationdate":
		return r.Created
	case "readonly.lastmodifieddate":
		return r.Modified
	case "readonly.receiverid":
		return r.ID
	case "readonly.status":
		return r.Status
	case "readonly.receivertype":
		return r.Type
	case "readonly.customeridentifier.id", "customeridentifier.id":
		return r.CustomerID
	case "readonly.facilityidentifier.id", "facilityidentifier.id":
		return r.FacilityID
	}
	return nil
}

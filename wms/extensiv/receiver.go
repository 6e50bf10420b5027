package extensiv

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// HAL relation keys of embedded collections. The capital C in 3plCentral
// is how Extensiv spells them.
const (
	relReceiver    = "http://api.3plCentral.com/rels/inventory/receiver"
	relReceiveItem = "http://api.3plCentral.com/rels/inventory/receiveritem"
	relItem        = "http://api.3plCentral.com/rels/customers/item"
)

// Receiver statuses in readOnly.status.
const (
	statusOpen     = 0
	statusClosed   = 1
	statusCanceled = 2
)

// receiverTypeReturn marks a customer return in readOnly.receiverType;
// returns are never purchase orders.
const receiverTypeReturn = 1

// Values Extensiv expects automated callers to set on a create: the
// transaction came from the REST API (7) and was entered by an API (4).
const (
	sourceRestAPI  = 7
	entryTypeAPI   = 4
	timestampShape = "2006-01-02T15:04:05"
)

type identifier struct {
	ID   int    `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

type itemIdentifier struct {
	SKU string `json:"sku,omitempty"`
	ID  int    `json:"id,omitempty"`
}

type savedElement struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// receiver is an Extensiv receiver as read and created. Lines come in
// receiveItems on a create and under _embedded when read with
// detail=ReceiveItems.
type receiver struct {
	CustomerIdentifier *identifier     `json:"customerIdentifier,omitempty"`
	FacilityIdentifier *identifier     `json:"facilityIdentifier,omitempty"`
	ReferenceNum       string          `json:"referenceNum,omitempty"`
	PoNum              string          `json:"poNum,omitempty"`
	ExpectedDate       string          `json:"expectedDate,omitempty"`
	Notes              string          `json:"notes,omitempty"`
	SavedElements      []savedElement  `json:"savedElements,omitempty"`
	IsReturn           bool            `json:"isReturn,omitempty"`
	SourceEnum         int             `json:"warehouseTransactionSourceEnum,omitempty"`
	EntryType          int             `json:"transactionEntryType,omitempty"`
	ReceiveItems       []receiveItem   `json:"receiveItems,omitempty"`
	ReadOnly           *receiverStatus `json:"readOnly,omitempty"`
	Embedded           *struct {
		Items []receiveItem `json:"http://api.3plCentral.com/rels/inventory/receiveritem"`
	} `json:"_embedded,omitempty"`
}

type receiverStatus struct {
	ReceiverID         int         `json:"receiverId"`
	ReceiverType       int         `json:"receiverType"`
	Status             int         `json:"status"`
	CreationDate       string      `json:"creationDate"`
	LastModifiedDate   string      `json:"lastModifiedDate"`
	CustomerIdentifier *identifier `json:"customerIdentifier,omitempty"`
	FacilityIdentifier *identifier `json:"facilityIdentifier,omitempty"`
}

type receiveItem struct {
	ItemIdentifier     itemIdentifier `json:"itemIdentifier"`
	Qty                json.Number    `json:"qty"`
	Cost               json.Number    `json:"cost,omitempty"`
	OnHold             bool           `json:"onHold,omitempty"`
	SupplierIdentifier *identifier    `json:"supplierIdentifier,omitempty"`
	ReadOnly           *struct {
		ReceiveItemID int          `json:"receiveItemId"`
		ExpectedQty   *json.Number `json:"expectedQty"`
	} `json:"readOnly,omitempty"`
}

// receiverPage is one HAL page of GET /inventory/receivers.
type receiverPage struct {
	TotalResults int `json:"totalResults"`
	Embedded     struct {
		Receivers []receiver `json:"http://api.3plCentral.com/rels/inventory/receiver"`
	} `json:"_embedded"`
	Links struct {
		Next *struct {
			Href string `json:"href"`
		} `json:"next"`
	} `json:"_links"`
}

func (r receiver) id() int {
	if r.ReadOnly == nil {
		return 0
	}
	return r.ReadOnly.ReceiverID
}

func (r receiver) status() int {
	if r.ReadOnly == nil {
		return statusOpen
	}
	return r.ReadOnly.Status
}

func (r receiver) isReturn() bool {
	return r.IsReturn || (r.ReadOnly != nil && r.ReadOnly.ReceiverType == receiverTypeReturn)
}

// items returns the lines whichever way the receiver carries them.
func (r receiver) items() []receiveItem {
	if r.Embedded != nil && len(r.Embedded.Items) > 0 {
		return r.Embedded.Items
	}
	return r.ReceiveItems
}

// poKey is the PO number a receiver belongs to: poNum when set, because
// later arrivals for one PO come on further receivers sharing it, else the
// reference number.
func (r receiver) poKey() string {
	if key := strings.TrimSpace(r.PoNum); key != "" {
		return key
	}
	return strings.TrimSpace(r.ReferenceNum)
}

func (r receiver) savedElement(name string) string {
	for _, element := range r.SavedElements {
		if strings.EqualFold(element.Name, name) {
			return element.Value
		}
	}
	return ""
}

// units reads a decimal quantity as whole units. Extensiv allows fractions
// for items sold by weight; poboard counts units, so they are rounded.
func units(number json.Number) (int, error) {
	if number == "" {
		return 0, nil
	}
	value, err := number.Float64()
	if err != nil {
		return 0, fmt.Errorf("quantity %q is not a number", number)
	}
	return int(math.Round(value)), nil
}

// parseTime reads an Extensiv timestamp. Most carry no offset and are read
// in the facility's zone; one with an offset or Z is taken as written.
func parseTime(text string, location *time.Location) (time.Time, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return time.Time{}, nil
	}
	if parsed, err := time.Parse(time.RFC3339Nano, text); err == nil {
		return parsed, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.9999999", time.DateOnly} {
		if parsed, err := time.ParseInLocation(layout, text, location); err == nil {
			return parsed, nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q is not in a known format", text)
}

// calendarDate returns the facility-local date of an Extensiv timestamp.
func calendarDate(text string, location *time.Location) string {
	parsed, err := parseTime(text, location)
	if err != nil || parsed.IsZero() {
		return ""
	}
	return parsed.In(location).Format(time.DateOnly)
}

// formatTime writes t the way Extensiv does: facility-local, no offset,
// with a fraction of a second only when there is one (up to .NET's 100 ns).
func formatTime(t time.Time, location *time.Location) string {
	return t.In(location).Format(timestampShape + ".9999999")
}

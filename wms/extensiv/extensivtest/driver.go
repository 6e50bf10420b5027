package extensivtest

import (
	"fmt"
	"strings"
	"time"
)

// This file holds what a test does "in the warehouse": seeding items,
// receiving, editing and cancelling receivers, expiring tokens.

// SetRoles replaces the roles of the credential.
func (s *Server) SetRoles(roles ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles = map[string]bool{}
	for _, role := range roles {
		s.roles[role] = true
	}
}

// SeedItems makes SKUs known for a customer; receivers may name only those.
func (s *Server) SeedItems(customer int, skus ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.items[customer] == nil {
		s.items[customer] = map[string]int{}
	}
	for _, sku := range skus {
		key := strings.ToUpper(sku)
		if s.items[customer][key] == 0 {
			s.nextItem++
			s.items[customer][key] = s.nextItem
		}
	}
}

// AddReceiver stores a receiver as if a warehouse user had entered it,
// skipping validation, and returns its id. Zero Created and Modified
// become now.
func (s *Server) AddReceiver(receiver Receiver) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := receiver.clone()
	stored.ID = 0
	s.insert(&stored)
	return stored.ID
}

// Receiver returns a copy of the receiver with id.
func (s *Server) Receiver(id int) (Receiver, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	receiver := s.byID[id]
	if receiver == nil {
		return Receiver{}, false
	}
	return receiver.clone(), true
}

// Receivers returns copies of every receiver, oldest first.
func (s *Server) Receivers() []Receiver {
	s.mu.Lock()
	defer s.mu.Unlock()
	copies := make([]Receiver, len(s.receivers))
	for i, receiver := range s.receivers {
		copies[i] = receiver.clone()
	}
	return copies
}

// FindReference returns the ids of the customer's receivers with a
// reference number, which should never be more than one.
func (s *Server) FindReference(customer int, ref string) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int
	for _, receiver := range s.receivers {
		if receiver.CustomerID == customer && strings.EqualFold(receiver.ReferenceNum, ref) {
			ids = append(ids, receiver.ID)
		}
	}
	return ids
}

// Count is one SKU's actual count in a receipt: units put into stock and
// units put on hold (damaged, rejected).
type Count struct {
	SKU    string
	Qty    int
	OnHold int
}

// Confirm records what actually arrived on receiver id and closes it, as
// the warehouse does with Confirm Receipt: the lines become the actual
// counts, one line per SKU for good units and one for units on hold.
func (s *Server) Confirm(id int, counts []Count) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	receiver := s.byID[id]
	if receiver == nil {
		return fmt.Errorf("no receiver %d", id)
	}
	if receiver.Status != StatusOpen {
		return fmt.Errorf("receiver %d is not open", id)
	}
	costs := map[string]string{}
	for _, item := range receiver.Items {
		costs[strings.ToUpper(item.SKU)] = item.Cost
	}
	receiver.Items = s.countedItems(counts, costs)
	receiver.Status = StatusClosed
	s.touch(receiver)
	return nil
}

// AddArrival records a later delivery for the PO of receiver parent as a
// new, already confirmed receiver sharing its poNum, the way a warehouse
// books a second shipment against one PO. It returns the new id.
func (s *Server) AddArrival(parent int, counts []Count) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	first := s.byID[parent]
	if first == nil {
		return 0, fmt.Errorf("no receiver %d", parent)
	}
	poNum := first.PoNum
	if poNum == "" {
		poNum = first.ReferenceNum
	}
	siblings := 0
	for _, receiver := range s.receivers {
		if strings.EqualFold(receiver.PoNum, poNum) || strings.EqualFold(receiver.ReferenceNum, poNum) {
			siblings++
		}
	}
	costs := map[string]string{}
	for _, item := range first.Items {
		costs[strings.ToUpper(item.SKU)] = item.Cost
	}
	arrival := &Receiver{
		CustomerID: first.CustomerID, FacilityID: first.FacilityID,
		ReferenceNum: fmt.Sprintf("%s-%d", poNum, siblings+1), PoNum: poNum,
		Status: StatusClosed, Items: s.countedItems(counts, costs),
	}
	s.insert(arrival)
	return arrival.ID, nil
}

// countedItems turns counts into receive items. Callers hold s.mu.
func (s *Server) countedItems(counts []Count, costs map[string]string) []Item {
	var items []Item
	for _, count := range counts {
		cost := costs[strings.ToUpper(count.SKU)]
		if count.Qty > 0 {
			items = append(items, Item{SKU: count.SKU, Qty: float64(count.Qty), Cost: cost})
		}
		if count.OnHold > 0 {
			items = append(items, Item{SKU: count.SKU, Qty: float64(count.OnHold), Cost: cost, OnHold: true})
		}
	}
	for i := range items {
		s.nextLine++
		items[i].ID = s.nextLine
	}
	return items
}

// Edit changes receiver id as a warehouse user would in the Extensiv UI;
// the change gets a new lastModifiedDate and ETag.
func (s *Server) Edit(id int, change func(*Receiver)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	receiver := s.byID[id]
	if receiver == nil {
		return fmt.Errorf("no receiver %d", id)
	}
	change(receiver)
	for i := range receiver.Items {
		if receiver.Items[i].ID == 0 {
			s.nextLine++
			receiver.Items[i].ID = s.nextLine
		}
	}
	s.touch(receiver)
	return nil
}

// Cancel cancels receiver id as a warehouse user would.
func (s *Server) Cancel(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	receiver := s.byID[id]
	if receiver == nil {
		return fmt.Errorf("no receiver %d", id)
	}
	if receiver.Status != StatusOpen {
		return fmt.Errorf("receiver %d is not open", id)
	}
	receiver.Status = StatusCanceled
	s.touch(receiver)
	return nil
}

// ExpireTokens makes every token issued so far invalid, as if its
// lifetime had passed; the next request with one gets 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]time.Time{}
}

// TokensMinted returns how many tokens the server has issued.
func (s *Server) TokensMinted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.minted
}

// Requests returns every request served so far, oldest first.
func (s *Server) Requests() []Request {
	s.requestsMu.Lock()
	defer s.requestsMu.Unlock()
	return append([]Request(nil), s.requests...)
}

// CountRequests returns how many requests had method and a path starting
// with prefix.
func (s *Server) CountRequests(method, prefix string) int {
	count := 0
	for _, request := range s.Requests() {
		if request.Method == method && strings.HasPrefix(request.Path, prefix) {
			count++
		}
	}
	return count
}

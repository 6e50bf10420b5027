package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestHubCoalescesPerPO(t *testing.T) {
	hub := NewHub(8)
	sub := hub.Subscribe()
	defer sub.Close()
	for range 5 {
		hub.Publish(Change{Number: "PO-000001"})
	}
	hub.Publish(Change{Number: "PO-000002"})
	hub.Publish(Change{Sync: true})
	hub.Publish(Change{Sync: true})

	changes := sub.Drain()
	want := []Change{{Number: "PO-000001"}, {Number: "PO-000002"}, {Sync: true}}
	if fmt.Sprint(changes) != fmt.Sprint(want) {
		t.Fatalf("changes = %+v, want %+v", changes, want)
	}
	if again := sub.Drain(); len(again) != 0 {
		t.Fatalf("second drain = %+v", again)
	}
}

func TestHubOverflowResyncs(t *testing.T) {
	hub := NewHub(4)
	sub := hub.Subscribe()
	defer sub.Close()
	for i := range 10 {
		hub.Publish(Change{Number: FormatNumber(uint64(i + 1))})
	}
	changes := sub.Drain()
	if len(changes) != 1 || !changes[0].Resync {
		t.Fatalf("changes = %+v, want one resync", changes)
	}
}

func TestHubPublishNeverBlocks(t *testing.T) {
	hub := NewHub(0)
	stalled := hub.Subscribe() // never drained
	defer stalled.Close()
	done := make(chan struct{})
	go func() {
		for i := range 100000 {
			hub.Publish(Change{Number: FormatNumber(uint64(i))})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Publish blocked on a stalled subscriber")
	}
}

func TestSubscriptionCloseWakesNext(t *testing.T) {
	hub := NewHub(0)
	sub := hub.Subscribe()
	result := make(chan []Change)
	go func() { result <- sub.Next(context.Background()) }()
	sub.Close()
	select {
	case changes := <-result:
		if changes != nil {
			t.Fatalf("changes = %+v", changes)
		}
	case <-time.After(time.Second):
		t.Fatal("Next did not return after Close")
	}
	if hub.Subscribers() != 0 {
		t.Fatalf("subscribers = %d", hub.Subscribers())
	}
}

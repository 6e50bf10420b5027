package ui

import (
	"strings"
	"testing"

	"poboard/store"
)

func TestPushNoticeFollowsAcceptance(t *testing.T) {
	st := openTestStore(t)
	engine, _ := startEngine(t, st)
	createPO(t, st, "Acme", store.StatusOrdered)
	m := newTestModel(t, st, engine, buyer)

	press(m, "p", "y")
	if !strings.Contains(m.status.notice.text, "PO-000001 queued for push to Simulated warehouse") {
		t.Fatalf("notice after y = %q", m.status.notice.text)
	}
	waitUntil(t, "the push to be accepted", func() bool {
		po, _ := st.GetPO("PO-000001")
		return po.Pushed()
	})
	send(m, changesMsg{{Number: "PO-000001"}})

	if strings.Contains(m.status.notice.text, "queued") {
		t.Errorf("notice still says queued after the push was accepted: %q", m.status.notice.text)
	}
	if !strings.Contains(m.status.notice.text, "PO-000001 accepted by Simulated warehouse as") || m.status.notice.kind != noticeSuccess {
		t.Errorf("notice = %q (kind %v), want the acceptance", m.status.notice.text, m.status.notice.kind)
	}
}

func TestPushNoticeFollowsFailure(t *testing.T) {
	st := openTestStore(t)
	_, engine := startExtensiv(t, st)
	createPO(t, st, "Acme", store.StatusOrdered, store.LineInput{SKU: "MUG-IND", Ordered: 96})
	m := newTestModel(t, st, engine, buyer)

	press(m, "p", "y")
	if !strings.Contains(m.status.notice.text, "PO-000001 queued for push to Extensiv") {
		t.Fatalf("notice after y = %q", m.status.notice.text)
	}
	waitUntil(t, "the push to fail", func() bool {
		po, _ := st.GetPO("PO-000001")
		return po.WMS != nil && po.WMS.State == store.PushFailed
	})
	po, _ := st.GetPO("PO-000001")
	send(m, changesMsg{{Number: "PO-000001"}})

	if strings.Contains(m.status.notice.text, "queued") {
		t.Errorf("notice still says queued after the push failed: %q", m.status.notice.text)
	}
	if !strings.Contains(m.status.notice.text, po.WMS.LastError) || m.status.notice.kind != noticeError {
		t.Errorf("notice = %q (kind %v), want the reason %q", m.status.notice.text, m.status.notice.kind, po.WMS.LastError)
	}
}

func TestNoticeClearsWhenItsPOChanges(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme", store.StatusDraft)
	createPO(t, st, "Bolt", store.StatusDraft)
	m := newTestModel(t, st, nil, buyer)

	press(m, "s", "enter") // PO-000002 to Approved
	if !strings.Contains(m.status.notice.text, "PO-000002 moved to Approved") {
		t.Fatalf("notice = %q", m.status.notice.text)
	}
	// The change announced for the status move itself keeps the notice.
	send(m, changesMsg{{Number: "PO-000002"}})
	if !strings.Contains(m.status.notice.text, "PO-000002 moved to Approved") {
		t.Errorf("the PO's own change cleared the notice: %q", m.status.notice.text)
	}
	// A change to another PO keeps it too.
	if _, err := st.EditPO(buyer, "PO-000001", 0, store.Edit{Supplier: ptr("Acme Ltd")}); err != nil {
		t.Fatal(err)
	}
	send(m, changesMsg{{Number: "PO-000001"}})
	if !strings.Contains(m.status.notice.text, "PO-000002 moved to Approved") {
		t.Errorf("a change to PO-000001 cleared the notice: %q", m.status.notice.text)
	}
	// Someone else moving PO-000002 makes the notice old news.
	if _, err := st.SetStatus(buyer, "PO-000002", 0, store.StatusDraft); err != nil {
		t.Fatal(err)
	}
	send(m, changesMsg{{Number: "PO-000002"}})
	if m.status.notice.text != "" {
		t.Errorf("notice = %q after PO-000002 changed again, want none", m.status.notice.text)
	}
}

func TestSyncNoticeFollowsSync(t *testing.T) {
	st := openTestStore(t)
	engine, _ := startEngine(t, st)
	m := newTestModel(t, st, engine, buyer)
	waitUntil(t, "the first poll", func() bool { return !engine.Status().LastSync.IsZero() })
	send(m, changesMsg{{Sync: true}})

	press(m, "r")
	if m.status.notice.text != "sync with Simulated warehouse requested" {
		t.Fatalf("notice after r = %q", m.status.notice.text)
	}
	requested := engine.Status().LastSync
	waitUntil(t, "a sync after the request", func() bool { return engine.Status().LastSync.After(requested) })
	// The engine announces each sync on the hub; this board's
	// subscription is closed, so deliver the announcement.
	send(m, changesMsg{{Sync: true}})

	if strings.Contains(m.status.notice.text, "requested") {
		t.Errorf("notice still says requested after the sync: %q", m.status.notice.text)
	}
	if !strings.Contains(m.status.notice.text, "sync with Simulated warehouse finished") || m.status.notice.kind != noticeSuccess {
		t.Errorf("notice = %q (kind %v), want the sync finished", m.status.notice.text, m.status.notice.kind)
	}
}

func TestSyncNoticeShowsSyncError(t *testing.T) {
	st := openTestStore(t)
	srv, engine := startExtensiv(t, st)
	// Extensiv is asked for changes only while a PO is linked to it.
	po := createPO(t, st, "Acme", store.StatusOrdered)
	if _, err := engine.RequestPush(buyer, po.Number, 0); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the push to be accepted", func() bool {
		po, _ := st.GetPO(po.Number)
		return po.Pushed()
	})
	m := newTestModel(t, st, engine, buyer)
	// With its server gone, the next poll fails.
	srv.Close()

	press(m, "r")
	waitUntil(t, "the poll to fail", func() bool { return engine.Status().LastError != "" })
	send(m, changesMsg{{Sync: true}})

	lastError := engine.Status().LastError
	if !strings.HasPrefix(m.status.notice.text, lastError) || m.status.notice.kind != noticeError {
		t.Errorf("notice = %q (kind %v), want the error %q", m.status.notice.text, m.status.notice.kind, lastError)
	}
	if !strings.Contains(m.status.notice.text, "press r to try again") {
		t.Errorf("notice = %q, want what to do next", m.status.notice.text)
	}
	if view := plainView(m); strings.Contains(view, "last sync error") {
		t.Errorf("the error shows twice:\n%s", view)
	}
}

func TestSyncNoticeShowsRepeatedSyncError(t *testing.T) {
	st := openTestStore(t)
	srv, engine := startExtensiv(t, st)
	po := createPO(t, st, "Acme", store.StatusOrdered)
	if _, err := engine.RequestPush(buyer, po.Number, 0); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the push to be accepted", func() bool {
		po, _ := st.GetPO(po.Number)
		return po.Pushed()
	})
	// With its server gone, a first poll fails.
	srv.Close()
	engine.SyncNow()
	waitUntil(t, "a poll to fail", func() bool { return engine.Status().LastError != "" })
	m := newTestModel(t, st, engine, buyer)
	send(m, changesMsg{{Sync: true}})
	before := engine.Status()

	// The requested sync fails with the same error as the one before it,
	// so only the count of finished polls shows that it ran.
	press(m, "r")
	if m.status.notice.text != "sync with Extensiv requested" {
		t.Fatalf("notice after r = %q", m.status.notice.text)
	}
	waitUntil(t, "the requested poll to finish", func() bool { return engine.Status().Polls > before.Polls })
	send(m, changesMsg{{Sync: true}})

	after := engine.Status()
	if after.LastError != before.LastError {
		t.Fatalf("the poll failed with %q, want the same error as before, %q", after.LastError, before.LastError)
	}
	if !strings.HasPrefix(m.status.notice.text, after.LastError) || m.status.notice.kind != noticeError {
		t.Errorf("notice = %q (kind %v), want the error %q", m.status.notice.text, m.status.notice.kind, after.LastError)
	}
}

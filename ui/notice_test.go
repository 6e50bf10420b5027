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

package extensiv_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"poboard/store"
	"poboard/wms/extensiv"
	"poboard/wms/extensiv/extensivtest"
)

func TestReceiptsPartialThenOver(t *testing.T) {
	srv := newServer(t, extensivtest.Options{})
	conn := newConnector(srv, config(srv), nil)
	st := openStore(t)
	po := orderedPO(t, st, "2026-12-20", line("TEE-BLK-M", 100, 425), line("CAP-RED", 50, 300))
	po, remoteID := pushAndLink(t, st, conn, po)
	id, _ := strconv.Atoi(remoteID)

	cursor := pollOnce(t, st, conn, "")
	if got := mustGetPO(t, st, po.Number); got.Status != store.StatusOrdered {
		t.Fatalf("after a poll with nothing received the PO is %s, want ordered", got.Status)
	}

	// First truck: 40 tees, 55 caps (5 over).
	if err := srv.Confirm(id, []extensivtest.Count{{SKU: "TEE-BLK-M", Qty: 40}, {SKU: "CAP-RED", Qty: 55}}); err != nil {
		t.Fatal(err)
	}
	cursor = pollOnce(t, st, conn, cursor)
	got := mustGetPO(t, st, po.Number)
	if got.Status != store.StatusPartiallyReceived {
		t.Errorf("status after the first truck = %s, want partially_received", got.Status)
	}
	if tee := lineOf(t, got, "TEE-BLK-M"); tee.Received != 40 || tee.Ordered != 100 {
		t.Errorf("TEE-BLK-M received %d of %d, want 40 of 100", tee.Received, tee.Ordered)
	}
	if cap := lineOf(t, got, "CAP-RED"); cap.Received != 55 || cap.Over() != 5 {
		t.Errorf("CAP-RED received %d (over %d), want 55 (over 5)", cap.Received, cap.Over())
	}
	if !hasEvent(got, store.EventOverReceipt, "CAP-RED") {
		t.Errorf("history has no over-receipt of CAP-RED: %+v", got.History)
	}

	// Second truck on its own receiver: 60 tees, 3 of them damaged and put on hold.
	if _, err := srv.AddArrival(id, []extensivtest.Count{{SKU: "TEE-BLK-M", Qty: 60, OnHold: 3}}); err != nil {
		t.Fatal(err)
	}
	cursor = pollOnce(t, st, conn, cursor)
	got = mustGetPO(t, st, po.Number)
	tee := lineOf(t, got, "TEE-BLK-M")
	if tee.Received != 100 || tee.Rejected != 3 {
		t.Errorf("TEE-BLK-M received %d rejected %d, want 100 and 3", tee.Received, tee.Rejected)
	}
	if got.Status != store.StatusReceived {
		t.Errorf("status after the second truck = %s, want received", got.Status)
	}

	// Polling again with nothing new changes nothing.
	version := got.Version
	pollOnce(t, st, conn, cursor)
	if again := mustGetPO(t, st, po.Number); again.Version != version {
		t.Errorf("a repeated poll changed the PO: version %d → %d", version, again.Version)
	}
}

func hasEvent(po store.PO, event, sku string) bool {
	for _, entry := range po.History {
		if entry.Event == event && entry.SKU == sku {
			return true
		}
	}
	return false
}

func TestEditsInExtensivFlowBack(t *testing.T) {
	srv := newServer(t, extensivtest.Options{})
	conn := newConnector(srv, config(srv), nil)
	st := openStore(t)
	po := orderedPO(t, st, "2026-12-20", line("TEE-BLK-M", 100, 425))
	po, remoteID := pushAndLink(t, st, conn, po)
	id, _ := strconv.Atoi(remoteID)
	cursor := pollOnce(t, st, conn, "")

	err := srv.Edit(id, func(r *extensivtest.Receiver) {
		r.ExpectedDate = "2027-01-05T00:00:00"
		r.Items[0].Qty = 120
		r.Items[0].Cost = "4.10"
		r.Items = append(r.Items, extensivtest.Item{SKU: "CAP-RED", Qty: 10, Cost: "3.00"})
	})
	if err != nil {
		t.Fatal(err)
	}
	pollOnce(t, st, conn, cursor)

	got := mustGetPO(t, st, po.Number)
	if got.ExpectedDate != "2027-01-05" {
		t.Errorf("expected date = %s, want 2027-01-05", got.ExpectedDate)
	}
	if tee := lineOf(t, got, "TEE-BLK-M"); tee.Ordered != 120 || tee.UnitCost != 410 {
		t.Errorf("TEE-BLK-M = %d at %d, want 120 at 410", tee.Ordered, tee.UnitCost)
	}
	if cap := lineOf(t, got, "CAP-RED"); cap.Ordered != 10 || cap.UnitCost != 300 {
		t.Errorf("CAP-RED = %d at %d, want 10 at 300", cap.Ordered, cap.UnitCost)
	}
	found := false
	for _, entry := range got.History {
		if entry.Event == store.EventChangedInWMS && strings.Contains(entry.Detail, "TEE-BLK-M quantity 100 → 120") {
			found = true
		}
	}
	if !found {
		t.Errorf("history does not record the quantity edit: %+v", got.History)
	}
	if got.Status != store.StatusOrdered {
		t.Errorf("status = %s, want ordered", got.Status)
	}
}

func TestCancelInExtensivFlowsBack(t *testing.T) {
	srv := newServer(t, extensivtest.Options{})
	conn := newConnector(srv, config(srv), nil)
	st := openStore(t)
	po := orderedPO(t, st, "", line("TEE-BLK-M", 100, 425))
	po, remoteID := pushAndLink(t, st, conn, po)
	id, _ := strconv.Atoi(remoteID)
	cursor := pollOnce(t, st, conn, "")

	if err := srv.Cancel(id); err != nil {
		t.Fatal(err)
	}
	pollOnce(t, st, conn, cursor)
	if got := mustGetPO(t, st, po.Number); got.Status != store.StatusCancelled {
		t.Errorf("status = %s, want cancelled", got.Status)
	}
}

func TestTokenExpiryMidSync(t *testing.T) {
	srv := newServer(t, extensivtest.Options{})
	pages := 0
	hook := &hookTransport{before: func(r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/inventory/receivers" {
			pages++
			if pages == 3 {
				srv.ExpireTokens()
			}
		}
	}}
	cfg := config(srv)
	cfg.PageSize = 2
	conn := newConnector(srv, cfg, &http.Client{Transport: hook})

	var linked []store.PO
	now := time.Now().UTC()
	for i := 1; i <= 7; i++ {
		number := store.FormatNumber(uint64(i))
		id := srv.AddReceiver(extensivtest.Receiver{CustomerID: customerID, FacilityID: facilityID, ReferenceNum: number, PoNum: number,
			Items: []extensivtest.Item{{SKU: "TEE-BLK-M", Qty: 5}}})
		linked = append(linked, store.PO{Number: number, Currency: "EUR", CreatedAt: now,
			WMS: &store.WMSLink{Connector: extensiv.Name, RemoteID: strconv.Itoa(id), State: store.PushDone, PushedAt: now}})
	}

	updates, _, err := conn.Changes(context.Background(), "", linked)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	if len(updates) != 7 {
		t.Errorf("%d updates, want 7", len(updates))
	}
	if minted := srv.TokensMinted(); minted != 2 {
		t.Errorf("%d tokens minted, want 2 (one at start, one after the expiry)", minted)
	}
	unauthorized := 0
	for _, request := range srv.Requests() {
		if request.Status == http.StatusUnauthorized {
			unauthorized++
		}
	}
	if unauthorized != 1 {
		t.Errorf("%d requests got 401, want exactly 1", unauthorized)
	}
}

func TestTokenRenewedBeforeExpiry(t *testing.T) {
	srv := newServer(t, extensivtest.Options{TokenTTL: time.Second})
	conn := newConnector(srv, config(srv), nil)
	if err := conn.Test(context.Background()); err != nil {
		t.Fatalf("first Test: %v", err)
	}
	// Past the renewal point (four fifths of the lifetime) and past expiry.
	time.Sleep(1100 * time.Millisecond)
	if err := conn.Test(context.Background()); err != nil {
		t.Fatalf("second Test: %v", err)
	}
	if minted := srv.TokensMinted(); minted != 2 {
		t.Errorf("%d tokens minted, want 2", minted)
	}
	for _, request := range srv.Requests() {
		if request.Status == http.StatusUnauthorized {
			t.Errorf("request sent with an expired token: %+v", request)
		}
	}
}

func TestChangesPagesAcross1200Receivers(t *testing.T) {
	srv := newServer(t, extensivtest.Options{})
	conn := newConnector(srv, config(srv), nil)

	const count = 1200
	var linked []store.PO
	now := time.Now().UTC()
	for i := 1; i <= count; i++ {
		number := store.FormatNumber(uint64(i))
		id := srv.AddReceiver(extensivtest.Receiver{CustomerID: customerID, FacilityID: facilityID, ReferenceNum: number, PoNum: number,
			Items: []extensivtest.Item{{SKU: "TEE-BLK-M", Qty: float64(i)}}})
		linked = append(linked, store.PO{Number: number, Currency: "EUR", CreatedAt: now,
			WMS: &store.WMSLink{Connector: extensiv.Name, RemoteID: strconv.Itoa(id), State: store.PushDone, PushedAt: now}})
	}
	// Receivers of another customer and another facility stay out.
	srv.AddReceiver(extensivtest.Receiver{CustomerID: customerID + 1, FacilityID: facilityID, ReferenceNum: "PO-000001"})
	srv.AddReceiver(extensivtest.Receiver{CustomerID: customerID, FacilityID: facilityID + 1, ReferenceNum: "OTHER-1"})

	updates, cursor, err := conn.Changes(context.Background(), "", linked)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	if len(updates) != count {
		t.Fatalf("%d updates, want %d", len(updates), count)
	}
	seen := map[string]bool{}
	for _, update := range updates {
		if seen[update.RemoteID] {
			t.Fatalf("receiver %s came twice", update.RemoteID)
		}
		seen[update.RemoteID] = true
		want, _ := strconv.Atoi(strings.TrimPrefix(update.Number, "PO-"))
		if len(update.Lines) != 1 || update.Lines[0].Ordered != want {
			t.Fatalf("%s lines = %+v, want TEE-BLK-M ordered %d", update.Number, update.Lines, want)
		}
	}

	var pages []extensivtest.Request
	for _, request := range srv.Requests() {
		if request.Path == "/inventory/receivers" && strings.Contains(request.Query, "lastModifiedDate") {
			pages = append(pages, request)
		}
	}
	if len(pages) != 3 {
		t.Errorf("%d pages fetched, want 3 (500 + 500 + 200)", len(pages))
	}
	for _, page := range pages {
		if !strings.Contains(page.Query, "pgsiz=500") || page.Status != http.StatusOK {
			t.Errorf("page request %q got %d, want pgsiz=500 and 200", page.Query, page.Status)
		}
	}

	// The next poll requests only the changes from the newest one on.
	last := srv.Receivers()[count-1]
	if err := srv.Edit(last.ID-5, func(r *extensivtest.Receiver) { r.Items[0].Qty++ }); err != nil {
		t.Fatal(err)
	}
	updates, _, err = conn.Changes(context.Background(), cursor, linked)
	if err != nil {
		t.Fatalf("second Changes: %v", err)
	}
	if len(updates) < 1 || len(updates) > 2 {
		t.Fatalf("second poll returned %d updates, want the edited receiver (and at most the last one again)", len(updates))
	}
	edited := updates[len(updates)-1]
	if edited.RemoteID != strconv.Itoa(last.ID-5) {
		t.Errorf("newest update is receiver %s, want the edited %d", edited.RemoteID, last.ID-5)
	}
}

func TestTimestampsReadInFacilityZone(t *testing.T) {
	losAngeles, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	srv := newServer(t, extensivtest.Options{Location: losAngeles})
	cfg := config(srv)
	cfg.Timezone = "America/Los_Angeles"
	conn := newConnector(srv, cfg, nil)
	st := openStore(t)
	po := orderedPO(t, st, "2026-12-20", line("TEE-BLK-M", 10, 425))
	po, remoteID := pushAndLink(t, st, conn, po)
	id, _ := strconv.Atoi(remoteID)

	linked, _ := st.LinkedPOs(extensiv.Name)
	updates, cursor, err := conn.Changes(context.Background(), "", linked)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	receiver, _ := srv.Receiver(id)
	if len(updates) != 1 || !updates[0].AsOf.Equal(receiver.Modified) {
		t.Fatalf("updates %+v; want one with AsOf %s", updates, receiver.Modified.UTC())
	}
	if updates[0].ExpectedDate != "2026-12-20" {
		t.Errorf("expected date = %s, want 2026-12-20", updates[0].ExpectedDate)
	}
	parsed, err := time.Parse(time.RFC3339Nano, cursor)
	if err != nil || !parsed.Equal(receiver.Modified) {
		t.Errorf("cursor %q, want %s", cursor, receiver.Modified.UTC().Format(time.RFC3339Nano))
	}
}

func TestInitialImport(t *testing.T) {
	srv := newServer(t, extensivtest.Options{})
	conn := newConnector(srv, config(srv), nil)
	st := openStore(t)
	now := time.Now()

	open := srv.AddReceiver(extensivtest.Receiver{CustomerID: customerID, FacilityID: facilityID, ReferenceNum: "ACME-5512",
		ExpectedDate: "2026-12-28T00:00:00", SavedElements: map[string]string{"Supplier": "Acme Textiles"}, Notes: "dock 4",
		Items: []extensivtest.Item{{SKU: "TEE-BLK-M", Qty: 24, Cost: "4.25"}, {SKU: "CAP-RED", Qty: 6, Cost: "3.00"}}})
	received := srv.AddReceiver(extensivtest.Receiver{CustomerID: customerID, FacilityID: facilityID, ReferenceNum: "BOLT-77", PoNum: "BOLT-77",
		Items: []extensivtest.Item{{SKU: "TEE-WHT-L", Qty: 30, Supplier: "Bolt Apparel"}}})
	if err := srv.Confirm(received, []extensivtest.Count{{SKU: "TEE-WHT-L", Qty: 20}}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddArrival(received, []extensivtest.Count{{SKU: "TEE-WHT-L", Qty: 8, OnHold: 2}}); err != nil {
		t.Fatal(err)
	}
	cancelled := srv.AddReceiver(extensivtest.Receiver{CustomerID: customerID, FacilityID: facilityID, ReferenceNum: "GONE-1",
		Items: []extensivtest.Item{{SKU: "CAP-RED", Qty: 1}}})
	if err := srv.Cancel(cancelled); err != nil {
		t.Fatal(err)
	}
	srv.AddReceiver(extensivtest.Receiver{CustomerID: customerID, FacilityID: facilityID, ReferenceNum: "RMA-9", Type: 1,
		Items: []extensivtest.Item{{SKU: "CAP-RED", Qty: 1}}})
	srv.AddReceiver(extensivtest.Receiver{CustomerID: customerID, FacilityID: facilityID, ReferenceNum: "OLD-1",
		Created: now.AddDate(0, 0, -200), Items: []extensivtest.Item{{SKU: "CAP-RED", Qty: 1}}})

	remotes, err := conn.ListRecent(context.Background(), now.AddDate(0, 0, -90))
	if err != nil {
		t.Fatalf("ListRecent: %v", err)
	}
	var refs []string
	for _, remote := range remotes {
		refs = append(refs, remote.Reference)
	}
	if strings.Join(refs, ",") != "ACME-5512,BOLT-77" {
		t.Fatalf("imported references %v, want ACME-5512 and BOLT-77", refs)
	}

	acme := remotes[0]
	if acme.RemoteID != strconv.Itoa(open) || acme.Supplier != "Acme Textiles" || acme.ExpectedDate != "2026-12-28" || acme.Notes != "dock 4" {
		t.Errorf("ACME-5512 imported as %+v", acme)
	}
	if len(acme.Lines) != 2 || acme.Lines[0].Ordered != 24 || acme.Lines[0].UnitCost != 425 || acme.Lines[0].Received != 0 {
		t.Errorf("ACME-5512 lines %+v, want TEE-BLK-M 24 at 425 and nothing received", acme.Lines)
	}
	bolt := remotes[1]
	if bolt.Supplier != "" && bolt.Supplier != "Bolt Apparel" {
		t.Errorf("BOLT-77 supplier %q", bolt.Supplier)
	}
	if len(bolt.Lines) != 1 || bolt.Lines[0].Received != 28 || bolt.Lines[0].Rejected != 2 || bolt.Lines[0].Ordered != 30 {
		t.Errorf("BOLT-77 lines %+v, want TEE-WHT-L received 28, rejected 2, ordered 30", bolt.Lines)
	}

	for _, remote := range remotes {
		po, created, err := st.ImportRemote(remote)
		if err != nil || !created {
			t.Fatalf("ImportRemote %s: created %v, %v", remote.Reference, created, err)
		}
		if po.Status != store.StatusApproved || !po.Locked() {
			t.Errorf("%s imported as %s, locked %v; want approved and locked", po.Number, po.Status, po.Locked())
		}
	}
	for _, remote := range remotes {
		if _, created, err := st.ImportRemote(remote); err != nil || created {
			t.Errorf("second import of %s: created %v, %v; want it skipped", remote.Reference, created, err)
		}
	}
	if total, _ := st.CountPOs(); total != 2 {
		t.Errorf("%d POs in the store, want 2", total)
	}

	// A later arrival for an imported PO flows back to it by receiver id.
	imported, _ := st.LinkedPOs(extensiv.Name)
	if _, err := srv.AddArrival(open, []extensivtest.Count{{SKU: "CAP-RED", Qty: 6}}); err != nil {
		t.Fatal(err)
	}
	updates, _, err := conn.Changes(context.Background(), "", imported)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	var acmeUpdate *store.RemoteUpdate
	for i := range updates {
		if updates[i].RemoteID == strconv.Itoa(open) {
			acmeUpdate = &updates[i]
		}
	}
	if acmeUpdate == nil {
		t.Fatalf("no update for the imported ACME-5512 among %d", len(updates))
	}
	for _, l := range acmeUpdate.Lines {
		if l.SKU == "CAP-RED" && l.Received != 6 {
			t.Errorf("CAP-RED received %d, want 6", l.Received)
		}
	}
}

func TestServerRejectsBadQueries(t *testing.T) {
	srv := newServer(t, extensivtest.Options{})
	token := mintToken(t, srv)
	for _, tc := range []struct {
		query url.Values
		want  int
	}{
		{url.Values{"pgsiz": {"500"}}, http.StatusOK},
		{url.Values{"pgsiz": {"501"}}, http.StatusBadRequest},
		{url.Values{"pgsiz": {"0"}}, http.StatusBadRequest},
		{url.Values{"rql": {"nosuchfield==1"}}, http.StatusBadRequest},
		{url.Values{"rql": {"referenceNum==PO-*;readOnly.status=in=(0,1)"}, "sort": {"-readOnly.receiverId"}}, http.StatusOK},
		{url.Values{"rql": {"(referenceNum==A"}}, http.StatusBadRequest},
		{url.Values{"sort": {"colour"}}, http.StatusBadRequest},
	} {
		request, _ := http.NewRequest(http.MethodGet, srv.URL+"/inventory/receivers?"+tc.query.Encode(), nil)
		request.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(request)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: HTTP %d, want %d", tc.query, resp.StatusCode, tc.want)
		}
	}
}

func mintToken(t *testing.T, srv *extensivtest.Server) string {
	t.Helper()
	request, _ := http.NewRequest(http.MethodPost, srv.URL+"/AuthServer/api/Token",
		strings.NewReader(`{"grant_type":"client_credentials","user_login":"poboard"}`))
	request.SetBasicAuth("test-client", "test-secret")
	resp, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("token response: %v", err)
	}
	return body.AccessToken
}

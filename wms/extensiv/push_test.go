package extensiv_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"poboard/store"
	"poboard/wms"
	"poboard/wms/extensiv"
	"poboard/wms/extensiv/extensivtest"
)

func TestPushCreatesReceiver(t *testing.T) {
	srv := newServer(t, extensivtest.Options{})
	conn := newConnector(srv, config(srv), nil)
	st := openStore(t)
	po := orderedPO(t, st, "2026-12-20", line("TEE-BLK-M", 100, 425), line("CAP-RED", 12, 1099))

	linked, remoteID := pushAndLink(t, st, conn, po)

	id, err := strconv.Atoi(remoteID)
	if err != nil {
		t.Fatalf("remote id %q is not a receiver id: %v", remoteID, err)
	}
	receiver, ok := srv.Receiver(id)
	if !ok {
		t.Fatalf("receiver %d does not exist", id)
	}
	if receiver.ReferenceNum != po.Number || receiver.PoNum != po.Number {
		t.Errorf("referenceNum %q, poNum %q; want both %q", receiver.ReferenceNum, receiver.PoNum, po.Number)
	}
	if receiver.CustomerID != customerID || receiver.FacilityID != facilityID {
		t.Errorf("customer %d facility %d; want %d and %d", receiver.CustomerID, receiver.FacilityID, customerID, facilityID)
	}
	if receiver.ExpectedDate != "2026-12-20T00:00:00" {
		t.Errorf("expectedDate = %q, want 2026-12-20T00:00:00", receiver.ExpectedDate)
	}
	if receiver.SavedElements["Supplier"] != "Acme Textiles" {
		t.Errorf("supplier custom field = %q, want Acme Textiles", receiver.SavedElements["Supplier"])
	}
	if len(receiver.Items) != 2 {
		t.Fatalf("receiver has %d lines, want 2: %+v", len(receiver.Items), receiver.Items)
	}
	first := receiver.Items[0]
	if first.SKU != "TEE-BLK-M" || first.Qty != 100 || first.Cost != "4.25" {
		t.Errorf("first line = %s × %v at %s, want TEE-BLK-M × 100 at 4.25", first.SKU, first.Qty, first.Cost)
	}
	if second := receiver.Items[1]; second.Cost != "10.99" {
		t.Errorf("second line cost = %s, want 10.99", second.Cost)
	}
	if !linked.Pushed() || linked.WMS.RemoteID != remoteID {
		t.Errorf("PO link = %+v, want pushed as %s", linked.WMS, remoteID)
	}
	if got := srv.CountRequests(http.MethodPost, "/inventory/receivers"); got != 1 {
		t.Errorf("%d creates sent, want 1: %+v", got, srv.Requests())
	}
}

func TestPushRetryAfterLostResponse(t *testing.T) {
	cases := []struct {
		name  string
		fault extensivtest.FaultKind
	}{
		{"connection dropped after create", extensivtest.DropAfter},
		{"timeout after create", extensivtest.HangAfter},
		{"server error after create", extensivtest.ServerError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, extensivtest.Options{})
			cfg := config(srv)
			cfg.Timeout = "300ms"
			conn := newConnector(srv, cfg, nil)
			st := openStore(t)
			po := orderedPO(t, st, "", line("TEE-BLK-M", 10, 425))
			srv.Inject(extensivtest.Fault{Method: http.MethodPost, Path: "/inventory/receivers", Kind: tc.fault})

			// The engine retries until a push returns without error; here
			// every attempt is made until one succeeds.
			var remoteID string
			var err error
			for attempt := 0; attempt < 3; attempt++ {
				remoteID, err = conn.Push(context.Background(), po)
				if err == nil {
					break
				}
				if wms.IsPermanent(err) {
					t.Fatalf("attempt %d failed for good: %v", attempt+1, err)
				}
			}
			if err != nil {
				t.Fatalf("push never succeeded: %v", err)
			}

			ids := srv.FindReference(customerID, po.Number)
			if len(ids) != 1 {
				t.Fatalf("%d receivers with reference %s, want exactly 1", len(ids), po.Number)
			}
			if remoteID != strconv.Itoa(ids[0]) {
				t.Errorf("remote id %s, want the one receiver %d", remoteID, ids[0])
			}
		})
	}
}

func TestPushRetryWhenLookupFailsToo(t *testing.T) {
	srv := newServer(t, extensivtest.Options{})
	st := openStore(t)
	po := orderedPO(t, st, "", line("TEE-BLK-M", 10, 425))
	srv.Inject(extensivtest.Fault{Method: http.MethodPost, Path: "/inventory/receivers", Kind: extensivtest.DropAfter})

	// The network fails on the lookup that follows the dropped create, so
	// the first attempt cannot tell whether the receiver exists.
	created := false
	hook := &hookTransport{fail: func(r *http.Request) error {
		if r.Method == http.MethodPost && r.URL.Path == "/inventory/receivers" {
			created = true
			return nil
		}
		if created && r.Method == http.MethodGet {
			created = false
			return errors.New("network unreachable")
		}
		return nil
	}}
	conn := newConnector(srv, config(srv), &http.Client{Transport: hook})

	_, err := conn.Push(context.Background(), po)
	if err == nil || wms.IsPermanent(err) {
		t.Fatalf("first push err = %v, want a transient error", err)
	}
	remoteID, err := conn.Push(context.Background(), po)
	if err != nil {
		t.Fatalf("second push: %v", err)
	}
	ids := srv.FindReference(customerID, po.Number)
	if len(ids) != 1 || remoteID != strconv.Itoa(ids[0]) {
		t.Fatalf("receivers %v for %s and remote id %s; want exactly one, returned", ids, po.Number, remoteID)
	}
	if got := srv.CountRequests(http.MethodPost, "/inventory/receivers"); got != 1 {
		t.Errorf("%d creates sent, want 1: %+v", got, srv.Requests())
	}
}

// TestPushDuplicateLinksExisting makes the first reference lookup come
// back empty, as a list that lags behind a create would, so the create
// meets Duplicate and must link to the receiver that exists.
func TestPushDuplicateLinksExisting(t *testing.T) {
	srv := newServer(t, extensivtest.Options{})
	st := openStore(t)
	po := orderedPO(t, st, "", line("TEE-BLK-M", 10, 425))
	existing := srv.AddReceiver(extensivtest.Receiver{CustomerID: customerID, FacilityID: facilityID,
		ReferenceNum: po.Number, PoNum: po.Number, Items: []extensivtest.Item{{SKU: "TEE-BLK-M", Qty: 10, Cost: "4.25"}}})

	lookups := 0
	hook := &hookTransport{before: func(r *http.Request) {
		if r.Method != http.MethodGet {
			return
		}
		lookups++
		if lookups == 1 {
			// Ask for a reference that does not exist instead.
			query := r.URL.Query()
			query.Set("rql", strings.Replace(query.Get("rql"), po.Number, "PO-NOT-YET-LISTED", 1))
			r.URL.RawQuery = query.Encode()
		}
	}}
	conn := newConnector(srv, config(srv), &http.Client{Transport: hook})

	remoteID, err := conn.Push(context.Background(), po)
	if err != nil {
		t.Fatalf("Push: %v", err)
	}
	if remoteID != strconv.Itoa(existing) {
		t.Errorf("remote id %s, want the existing receiver %d", remoteID, existing)
	}
	if ids := srv.FindReference(customerID, po.Number); len(ids) != 1 {
		t.Errorf("%d receivers for %s, want 1", len(ids), po.Number)
	}
	var duplicate bool
	for _, request := range srv.Requests() {
		if request.Method == http.MethodPost && request.Status == http.StatusBadRequest {
			duplicate = true
		}
	}
	if !duplicate {
		t.Error("the create was never refused as a duplicate; the test did not reach that path")
	}
}

func TestPushAdoptsOpenReceiver(t *testing.T) {
	cases := []struct {
		name       string
		fault      extensivtest.FaultKind
		wantPUTs   int
		wantStatus int
	}{
		{"plain update", 0, 1, 0},
		{"edited meanwhile gets 412", extensivtest.ConcurrentEdit, 2, http.StatusPreconditionFailed},
		{"lost If-Match gets 428", extensivtest.MissingIfMatch, 2, http.StatusPreconditionRequired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, extensivtest.Options{})
			conn := newConnector(srv, config(srv), nil)
			st := openStore(t)
			po := orderedPO(t, st, "2026-12-20", line("TEE-BLK-M", 10, 425), line("CAP-RED", 4, 300))
			// Someone typed the PO into Extensiv by hand, with a wrong count.
			existing := srv.AddReceiver(extensivtest.Receiver{CustomerID: customerID, FacilityID: facilityID,
				ReferenceNum: po.Number, Notes: "typed by the warehouse", Items: []extensivtest.Item{{SKU: "TEE-BLK-M", Qty: 5}}})
			if tc.fault != 0 {
				srv.Inject(extensivtest.Fault{Method: http.MethodPut, Path: "/inventory/receivers/", Kind: tc.fault})
			}

			remoteID, err := conn.Push(context.Background(), po)
			if err != nil {
				t.Fatalf("Push: %v", err)
			}
			if remoteID != strconv.Itoa(existing) {
				t.Errorf("remote id %s, want %d", remoteID, existing)
			}

			receiver, _ := srv.Receiver(existing)
			if len(receiver.Items) != 2 || receiver.Items[0].Qty != 10 || receiver.Items[1].SKU != "CAP-RED" {
				t.Errorf("receiver lines = %+v, want TEE-BLK-M × 10 and CAP-RED × 4", receiver.Items)
			}
			if receiver.ExpectedDate != "2026-12-20T00:00:00" || receiver.PoNum != po.Number {
				t.Errorf("expectedDate %q poNum %q, want the PO's", receiver.ExpectedDate, receiver.PoNum)
			}
			if !strings.HasPrefix(receiver.Notes, "typed by the warehouse") {
				t.Errorf("notes = %q; the update dropped a field poboard does not manage", receiver.Notes)
			}

			var puts []extensivtest.Request
			for _, request := range srv.Requests() {
				if request.Method == http.MethodPut {
					puts = append(puts, request)
				}
			}
			if len(puts) != tc.wantPUTs {
				t.Fatalf("%d PUTs, want %d: %+v", len(puts), tc.wantPUTs, puts)
			}
			for _, put := range puts {
				if put.IfMatch == "" {
					t.Errorf("PUT without If-Match: %+v", put)
				}
			}
			if tc.wantStatus != 0 && puts[0].Status != tc.wantStatus {
				t.Errorf("first PUT got %d, want %d", puts[0].Status, tc.wantStatus)
			}
			if last := puts[len(puts)-1]; last.Status != http.StatusOK {
				t.Errorf("last PUT got %d, want 200", last.Status)
			}
		})
	}
}

func TestPushCancelledReceiverIsPermanent(t *testing.T) {
	srv := newServer(t, extensivtest.Options{})
	conn := newConnector(srv, config(srv), nil)
	st := openStore(t)
	po := orderedPO(t, st, "", line("TEE-BLK-M", 10, 425))
	srv.AddReceiver(extensivtest.Receiver{CustomerID: customerID, FacilityID: facilityID, ReferenceNum: po.Number,
		Status: extensivtest.StatusCanceled, Items: []extensivtest.Item{{SKU: "TEE-BLK-M", Qty: 10}}})

	_, err := conn.Push(context.Background(), po)
	if !wms.IsPermanent(err) || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("err = %v, want a permanent error saying the receiver is cancelled", err)
	}
}

func TestPushUnknownSKUsNamed(t *testing.T) {
	srv := newServer(t, extensivtest.Options{})
	conn := newConnector(srv, config(srv), nil)
	st := openStore(t)
	po := orderedPO(t, st, "", line("TEE-BLK-M", 10, 425), line("MUG-XL", 3, 800), line("PEN-01", 5, 100))

	_, err := conn.Push(context.Background(), po)
	if !wms.IsPermanent(err) {
		t.Fatalf("err = %v, want a permanent error", err)
	}
	for _, sku := range []string{"MUG-XL", "PEN-01"} {
		if !strings.Contains(err.Error(), sku) {
			t.Errorf("error %q does not name %s", err, sku)
		}
	}
	if strings.Contains(err.Error(), "TEE-BLK-M") {
		t.Errorf("error %q names TEE-BLK-M, which Extensiv knows", err)
	}
	if len(srv.FindReference(customerID, po.Number)) != 0 {
		t.Error("a receiver was created despite the unknown SKUs")
	}
}

func TestPushErrorsInWords(t *testing.T) {
	po := store.PO{Number: "PO-000001", Currency: "EUR", Supplier: "Acme",
		Lines: []store.Line{{SKU: "TEE-BLK-M", Ordered: 10, UnitCost: 425}}}

	cases := []struct {
		name      string
		setup     func(srv *extensivtest.Server, cfg *extensiv.Config, secret *string, po *store.PO)
		permanent bool
		contains  string
		retryIn   time.Duration
	}{
		{"wrong secret", func(_ *extensivtest.Server, _ *extensiv.Config, secret *string, _ *store.PO) { *secret = "wrong" },
			true, extensiv.EnvClientSecret, 0},
		{"wrong user login", func(_ *extensivtest.Server, cfg *extensiv.Config, _ *string, _ *store.PO) { cfg.UserLogin = "someone" },
			true, "user_login", 0},
		{"role missing", func(srv *extensivtest.Server, _ *extensiv.Config, _ *string, _ *store.PO) {
			srv.SetRoles(extensivtest.RoleItemView)
		}, true, "ReceiverEdit", 0},
		{"invalid expected date", func(_ *extensivtest.Server, _ *extensiv.Config, _ *string, po *store.PO) {
			po.ExpectedDate = "2026-02-30"
		},
			true, "invalid expected date", 0},
		{"server error", func(srv *extensivtest.Server, _ *extensiv.Config, _ *string, _ *store.PO) {
			srv.Inject(extensivtest.Fault{Path: "/inventory/receivers", Kind: extensivtest.ServerError, Times: 5})
		}, false, "HTTP 500", 0},
		{"rate limited", func(srv *extensivtest.Server, _ *extensiv.Config, _ *string, _ *store.PO) {
			srv.Inject(extensivtest.Fault{Path: "/inventory/receivers", Kind: extensivtest.RateLimited})
		}, false, "HTTP 429", time.Second},
		{"unavailable", func(srv *extensivtest.Server, _ *extensiv.Config, _ *string, _ *store.PO) {
			srv.Inject(extensivtest.Fault{Path: "/inventory/receivers", Kind: extensivtest.Unavailable})
		}, false, "HTTP 503", 2 * time.Second},
		{"timeout", func(srv *extensivtest.Server, cfg *extensiv.Config, _ *string, _ *store.PO) {
			cfg.Timeout = "200ms"
			srv.Inject(extensivtest.Fault{Path: "/inventory/receivers", Kind: extensivtest.Hang, Times: 5})
		}, false, "timed out", 0},
		{"malformed JSON", func(srv *extensivtest.Server, _ *extensiv.Config, _ *string, _ *store.PO) {
			srv.Inject(extensivtest.Fault{Method: http.MethodGet, Path: "/inventory/receivers", Kind: extensivtest.Malformed})
		}, false, "not valid JSON", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, extensivtest.Options{})
			cfg, secret, attempt := config(srv), "test-secret", po
			tc.setup(srv, &cfg, &secret, &attempt)
			conn := extensiv.New(cfg, "test-client", secret, nil)

			_, err := conn.Push(context.Background(), attempt)
			if err == nil {
				t.Fatal("Push succeeded, want an error")
			}
			if got := wms.IsPermanent(err); got != tc.permanent {
				t.Errorf("permanent = %v, want %v (err: %v)", got, tc.permanent, err)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q does not contain %q", err, tc.contains)
			}
			if after, ok := wms.RetryAfter(err); ok != (tc.retryIn > 0) || after != tc.retryIn {
				t.Errorf("retry after = %v (%v), want %v", after, ok, tc.retryIn)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q contains the client secret", err)
			}
		})
	}
}

func TestUnconfiguredNamesMissingKeys(t *testing.T) {
	conn := extensiv.New(extensiv.Config{CustomerID: 7}, "", "", nil)
	want := []string{"base_url", "facility_id", "user_login", extensiv.EnvClientID, extensiv.EnvClientSecret}
	missing := conn.Missing()
	if strings.Join(missing, ",") != strings.Join(want, ",") {
		t.Errorf("Missing() = %v, want %v", missing, want)
	}

	_, err := conn.Push(context.Background(), store.PO{Number: "PO-000001", Lines: []store.Line{{SKU: "A", Ordered: 1}}})
	if !wms.IsPermanent(err) {
		t.Fatalf("Push err = %v, want permanent", err)
	}
	for _, key := range want {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error %q does not name %s", err, key)
		}
	}
	if err := conn.Test(context.Background()); !wms.IsPermanent(err) {
		t.Errorf("Test err = %v, want permanent", err)
	}
}

func TestInvalidSettingsRejected(t *testing.T) {
	cfg := extensiv.Config{BaseURL: "secure-wms.com", CustomerID: 7, FacilityID: 3, UserLogin: "x",
		Timezone: "Pacific Standard Time", PageSize: 600, Timeout: "soon"}
	conn := extensiv.New(cfg, "id", "secret", nil)
	if len(conn.Missing()) != 0 {
		t.Errorf("Missing() = %v, want none", conn.Missing())
	}
	err := conn.Test(context.Background())
	if !wms.IsPermanent(err) {
		t.Fatalf("Test err = %v, want permanent", err)
	}
	for _, key := range []string{"base_url", "timezone", "page_size", "timeout"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error %q does not name %s", err, key)
		}
	}
}

func TestRegisteredFactory(t *testing.T) {
	env := map[string]string{extensiv.EnvClientID: "test-client"}
	conn, err := wms.New("extensiv", wms.Settings{
		Decode: func(v any) error {
			cfg := v.(*extensiv.Config)
			cfg.CustomerID = 7
			return nil
		},
		Getenv: func(key string) string { return env[key] },
	})
	if err != nil {
		t.Fatalf("wms.New: %v", err)
	}
	configured, ok := conn.(wms.Configured)
	if !ok {
		t.Fatal("connector does not implement wms.Configured")
	}
	want := "base_url,facility_id,user_login," + extensiv.EnvClientSecret
	if got := strings.Join(configured.Missing(), ","); got != want {
		t.Errorf("Missing() = %s, want %s", got, want)
	}
	if conn.Label() != "Extensiv" || !strings.HasPrefix(conn.Color(), "#") {
		t.Errorf("label %q colour %q", conn.Label(), conn.Color())
	}

	_, err = wms.New("extensiv", wms.Settings{Decode: func(any) error { return errors.New("bad table") }})
	if err == nil || !strings.Contains(err.Error(), "[wms.extensiv]") {
		t.Errorf("decode failure err = %v, want it to name [wms.extensiv]", err)
	}
}

func TestConnectionTest(t *testing.T) {
	srv := newServer(t, extensivtest.Options{})
	conn := newConnector(srv, config(srv), nil)
	if err := conn.Test(context.Background()); err != nil {
		t.Fatalf("Test: %v", err)
	}
	srv.SetRoles(extensivtest.RoleReceiverEdit)
	err := conn.Test(context.Background())
	if !wms.IsPermanent(err) || !strings.Contains(err.Error(), "ReceiverView") {
		t.Errorf("Test without ReceiverView = %v, want a permanent error naming the role", err)
	}
}

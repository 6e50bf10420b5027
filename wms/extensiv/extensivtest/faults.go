package extensivtest

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
)

// FaultKind is a failure the server can inject into matching requests.
type FaultKind int

// The injectable faults.
const (
	// Hang holds the request without a response until the client gives up.
	Hang FaultKind = iota + 1
	// ServerError responds with 500 without doing anything.
	ServerError
	// Malformed responds with 200 and a body cut off in the middle of the JSON.
	Malformed
	// RateLimited responds with 429 and Retry-After: 1.
	RateLimited
	// Unavailable responds with 503 and Retry-After: 2.
	Unavailable
	// DropAfter handles the request, so a create really happens, then
	// closes the connection without sending the response.
	DropAfter
	// HangAfter handles the request, then holds the response until the
	// client gives up.
	HangAfter
	// ConcurrentEdit changes the addressed receiver just before the
	// request is handled, as a warehouse user would, so a PUT with the
	// ETag read earlier gets 412.
	ConcurrentEdit
	// MissingIfMatch responds with 428 as if the If-Match header had been lost
	// on the way.
	MissingIfMatch
)

// Fault is an injected failure: the next Times requests whose method
// equals Method and whose path starts with Path get Kind.
type Fault struct {
	Method string
	Path   string
	Kind   FaultKind
	Times  int
}

// Inject adds a fault. Faults are matched in the order they were added.
func (s *Server) Inject(fault Fault) {
	if fault.Times <= 0 {
		fault.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault)
}

// PendingFaults returns how many injected faults have not fired yet.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	pending := 0
	for _, fault := range s.faults {
		pending += fault.Times
	}
	return pending
}

// takeFault returns the kind of the first fault matching r and uses it up.
func (s *Server) takeFault(r *http.Request) FaultKind {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, fault := range s.faults {
		if fault.Method != "" && fault.Method != r.Method {
			continue
		}
		if !strings.HasPrefix(r.URL.Path, fault.Path) {
			continue
		}
		fault.Times--
		if fault.Times == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return fault.Kind
	}
	return 0
}

func (s *Server) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch s.takeFault(r) {
		case Hang:
			s.hold(r)
		case ServerError:
			writeError(w, http.StatusInternalServerError, apiError{Type: "Exceptions.InternalServerException", ErrorCode: "Internal"})
		case Malformed:
			w.Header().Set("Content-Type", "application/hal+json")
			_, _ = w.Write([]byte(`{"totalResults": 3, "_embedded": {"` + relReceiver + `": [{"readOnly": {"receiverId": `))
		case RateLimited:
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, apiError{Type: "Exceptions.ThrottleException", ErrorCode: "TooManyRequests"})
		case Unavailable:
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusServiceUnavailable)
		case DropAfter:
			next.ServeHTTP(httptest.NewRecorder(), r)
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
		case HangAfter:
			next.ServeHTTP(httptest.NewRecorder(), r)
			s.hold(r)
		case ConcurrentEdit:
			s.editAddressed(r)
			next.ServeHTTP(w, r)
		case MissingIfMatch:
			writeError(w, http.StatusPreconditionRequired, apiError{Type: "Exceptions.OperationException", ErrorCode: "PreconditionRequired",
				Hint: "send the receiver's ETag in If-Match"})
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// hold blocks until the client goes away or the server closes.
func (s *Server) hold(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.closing:
	}
}

// editAddressed bumps the receiver named in a /inventory/receivers/{id}
// path, as an edit by someone else would.
func (s *Server) editAddressed(r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/inventory/receivers/")
	if !ok {
		return
	}
	id, err := strconv.Atoi(strings.SplitN(rest, "/", 2)[0])
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if receiver := s.byID[id]; receiver != nil {
		receiver.Notes = strings.TrimSpace(receiver.Notes + " (edited in the warehouse)")
		s.touch(receiver)
	}
}

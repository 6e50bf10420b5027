// Package extensivtest is a local stand-in for the Extensiv 3PL Warehouse
// Manager REST API, for tests and for trying the connector by hand. It
// listens on 127.0.0.1 only and keeps everything in memory.
//
// It models what the connector relies on. Client-credentials tokens
// expire. Receivers come as HAL+JSON with their lines, filtered by a subset
// of RQL and paged with a pgsiz limit and next links. Updates need ETag and
// If-Match (412 and 428). Reference numbers are unique per customer, items
// must exist, and a test can inject faults. Tests drive the warehouse side through Confirm, AddArrival,
// Edit and Cancel.
package extensivtest

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Receiver statuses as Extensiv writes them in readOnly.status.
const (
	StatusOpen     = 0
	StatusClosed   = 1
	StatusCanceled = 2
)

// Roles a credential can hold; each route needs one.
const (
	RoleReceiverView = "ReceiverView"
	RoleReceiverEdit = "ReceiverEdit"
	RoleItemView     = "ItemView"
)

// Page sizes of GET /inventory/receivers: the default and the maximum;
// a larger pgsiz is rejected with 400.
const (
	DefaultPageSize = 100
	MaxPageSize     = 500
	// MaxItemPageSize is the maximum pgsiz of the items endpoint.
	MaxItemPageSize = 100
)

// Options configures a Server. The zero value works.
type Options struct {
	// ClientID, ClientSecret and UserLogin are the accepted credentials;
	// "test-client", "test-secret" and "poboard" when empty.
	ClientID     string
	ClientSecret string
	UserLogin    string
	// TokenTTL is the lifetime of a token, sent as expires_in; 1h when zero.
	TokenTTL time.Duration
	// Location is the facility's time zone: timestamps are written in it
	// without an offset, as Extensiv does. UTC when nil.
	Location *time.Location
	// Now replaces time.Now. The server makes its timestamps strictly
	// increasing by at least a millisecond, so every change gets a new
	// lastModifiedDate.
	Now func() time.Time
	// Roles the credential holds; all of ReceiverView, ReceiverEdit and
	// ItemView when nil.
	Roles []string
}

// Server is a running test server. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to put in [wms.extensiv] base_url.
	URL string

	opts     Options
	listener net.Listener
	http     *http.Server
	closing  chan struct{}
	once     sync.Once

	mu        sync.Mutex
	roles     map[string]bool
	tokens    map[string]time.Time
	minted    int
	items     map[int]map[string]int // customer → upper-case SKU → item id
	receivers []*Receiver
	byID      map[int]*Receiver
	nextID    int
	nextLine  int
	nextItem  int
	lastStamp time.Time
	faults    []*Fault

	// requestsMu guards requests apart from mu, because statuses are
	// recorded while handlers hold mu.
	requestsMu sync.Mutex
	requests   []Request
}

// Request is one request the server received, for tests to count.
type Request struct {
	Method string
	Path   string
	Query  string
	// IfMatch is the If-Match header as sent.
	IfMatch string
	Status  int
}

// New starts a server on 127.0.0.1 with a free port.
func New(opts Options) (*Server, error) {
	if opts.ClientID == "" {
		opts.ClientID = "test-client"
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = "test-secret"
	}
	if opts.UserLogin == "" {
		opts.UserLogin = "poboard"
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = time.Hour
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Roles == nil {
		opts.Roles = []string{RoleReceiverView, RoleReceiverEdit, RoleItemView}
	}

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{
		URL: "http://" + listener.Addr().String(), opts: opts, listener: listener,
		closing: make(chan struct{}), tokens: map[string]time.Time{},
		items: map[int]map[string]int{}, byID: map[int]*Receiver{},
		nextID: 1000, nextLine: 5000, nextItem: 100,
	}
	s.SetRoles(opts.Roles...)
	s.http = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	// Serve returns http.ErrServerClosed after Close; any other failure
	// shows up in the tests as refused connections.
	go func() { _ = s.http.Serve(listener) }()
	return s, nil
}

// Close stops the server and releases requests held by timeout faults.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closing)
		_ = s.http.Close()
	})
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /AuthServer/api/Token", s.handleToken)
	mux.HandleFunc("GET /inventory/receivers", s.authorized(RoleReceiverView, s.handleList))
	mux.HandleFunc("POST /inventory/receivers", s.authorized(RoleReceiverEdit, s.handleCreate))
	mux.HandleFunc("GET /inventory/receivers/{id}", s.authorized(RoleReceiverView, s.handleGet))
	mux.HandleFunc("PUT /inventory/receivers/{id}", s.authorized(RoleReceiverEdit, s.handleUpdate))
	mux.HandleFunc("POST /inventory/receivers/{id}/canceler", s.authorized(RoleReceiverEdit, s.handleCancel))
	mux.HandleFunc("GET /customers/{customer}/items", s.authorized(RoleItemView, s.handleItems))
	return s.recording(s.withFaults(mux))
}

// recording notes every request before handling it, and its status as
// soon as the status is written, so a test that has its response can count
// on the record being complete.
func (s *Server) recording(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requestsMu.Lock()
		index := len(s.requests)
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			IfMatch: r.Header.Get("If-Match"), Status: http.StatusOK})
		s.requestsMu.Unlock()
		next.ServeHTTP(&statusWriter{ResponseWriter: w, server: s, index: index}, r)
	})
}

// statusWriter copies the status into the request's record.
type statusWriter struct {
	http.ResponseWriter
	server *Server
	index  int
}

func (w *statusWriter) WriteHeader(status int) {
	w.server.requestsMu.Lock()
	w.server.requests[w.index].Status = status
	w.server.requestsMu.Unlock()
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection to hijack it.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// handleToken serves the client-credentials grant: Basic client id and
// secret, and a JSON body with grant_type and user_login.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	var body struct {
		GrantType string `json:"grant_type"`
		UserLogin string `json:"user_login"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "body is not JSON"})
		return
	}
	if !ok || id != s.opts.ClientID || secret != s.opts.ClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_client"})
		return
	}
	if body.GrantType != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "unsupported_grant_type"})
		return
	}
	if body.UserLogin != s.opts.UserLogin {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_grant", "error_description": "unknown user_login"})
		return
	}

	s.mu.Lock()
	s.minted++
	token := base64.RawURLEncoding.EncodeToString(binary.BigEndian.AppendUint64([]byte("tok"), uint64(s.minted)))
	s.tokens[token] = s.opts.Now().Add(s.opts.TokenTTL)
	s.mu.Unlock()

	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": token, "token_type": "Bearer",
		"expires_in": int(s.opts.TokenTTL / time.Second), "refresh_token": nil, "scope": nil,
	})
}

// authorized checks the bearer token and the role a route needs.
func (s *Server) authorized(role string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		expires, known := s.tokens[token]
		valid := found && known && s.opts.Now().Before(expires)
		allowed := s.roles[role]
		s.mu.Unlock()
		if !valid {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if !allowed {
			writeError(w, http.StatusForbidden, apiError{Type: "Exceptions.AuthorizationException", ErrorCode: "Forbidden",
				Hint: "the credential lacks the " + role + " role"})
			return
		}
		next(w, r)
	}
}

// apiError is Extensiv's error body: a .NET exception type and PascalCase
// fields.
type apiError struct {
	Type       string     `json:"$type"`
	ErrorCode  string     `json:"ErrorCode"`
	Hint       string     `json:"Hint,omitempty"`
	Properties []property `json:"Properties,omitempty"`
}

type property struct {
	Name  string `json:"Name"`
	Value any    `json:"Value"`
}

func writeError(w http.ResponseWriter, status int, body apiError) {
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/hal+json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// stamp returns the time of a change: now, but strictly after the previous
// stamp and truncated to milliseconds. Callers hold s.mu.
func (s *Server) stamp() time.Time {
	now := s.opts.Now().Truncate(time.Millisecond)
	if !now.After(s.lastStamp) {
		now = s.lastStamp.Add(time.Millisecond)
	}
	s.lastStamp = now
	return now
}

// formatTime writes t as Extensiv does: facility-local, no offset.
func (s *Server) formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	local := t.In(s.opts.Location)
	if local.Nanosecond() == 0 {
		return local.Format("2006-01-02T15:04:05")
	}
	return local.Format("2006-01-02T15:04:05.000")
}

// parseTime reads a timestamp; one without an offset is facility-local.
func (s *Server) parseTime(text string) (time.Time, error) {
	if parsed, err := time.Parse(time.RFC3339Nano, text); err == nil {
		return parsed, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.9999999", "2006-01-02"} {
		if parsed, err := time.ParseInLocation(layout, text, s.opts.Location); err == nil {
			return parsed, nil
		}
	}
	return time.Time{}, errors.New("not a timestamp")
}

func etagOf(version int) string {
	raw := binary.BigEndian.AppendUint64(nil, uint64(version))
	return `"` + base64.StdEncoding.EncodeToString(raw) + `"`
}

package main

// The HTTP layer: routes, JSON envelopes, body limits, and the access checks every vault route
// shares. Handlers live in accounts.go, vaults.go and serviceaccounts.go.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Config holds what a deployment tunes.
type Config struct {
	TokenTTL            time.Duration // bearer token lifetime
	AccountFailures     int           // failed logins per account per window
	AddressFailures     int           // failed logins per client address per window
	FailureWindow       time.Duration
	MaxBody             int64  // most requests
	MaxHeadBody         int64  // a head (up to 520,463 bytes, in base64) with the secrets it commits
	MaxBatchBody        int64  // a batch and its items
	FakeM, FakeT, FakeP uint32 // the costs of fake password records: set them to what real records use
	Now                 func() time.Time
	Logger              *log.Logger
}

// DefaultConfig is what the command uses unless told otherwise.
func DefaultConfig() Config {
	return Config{TokenTTL: 15 * time.Minute, AccountFailures: 10, AddressFailures: 100, FailureWindow: 15 * time.Minute,
		MaxBody: 64 << 10, MaxHeadBody: 16 << 20, MaxBatchBody: 64 << 20, FakeM: 65536, FakeT: 3, FakeP: 4,
		Now: time.Now, Logger: log.Default()}
}

// Server serves the API over a Store.
type Server struct {
	store     Store
	cfg       Config
	byAccount *limiter
	byAddress *limiter
	mux       *http.ServeMux

	keyMu       sync.Mutex
	failuresKey []byte // the failure counters' key, read from the database once
}

func NewServer(store Store, cfg Config) *Server {
	s := &Server{store: store, cfg: cfg, mux: http.NewServeMux(),
		byAccount: newLimiter("account", cfg.AccountFailures, cfg.FailureWindow, cfg.Now),
		byAddress: newLimiter("address", cfg.AddressFailures, cfg.FailureWindow, cfg.Now)}
	m := s.mux
	m.HandleFunc("POST /v1/accounts", s.register)
	m.HandleFunc("GET /v1/accounts/{login}/password-record", s.passwordRecord)
	m.HandleFunc("POST /v1/sessions", s.login)
	m.HandleFunc("DELETE /v1/sessions/current", s.member(s.logout))
	m.HandleFunc("GET /v1/account", s.member(s.ownAccount))
	m.HandleFunc("PUT /v1/account/credentials", s.member(s.replaceCredentials))
	m.HandleFunc("GET /v1/accounts/{login}/bundle", s.member(s.memberBundle))

	m.HandleFunc("POST /v1/vaults", s.member(s.createVault))
	m.HandleFunc("GET /v1/vaults", s.member(s.listVaults))
	m.HandleFunc("GET /v1/vaults/{vault}/head", s.member(s.getHead))
	m.HandleFunc("GET /v1/vaults/{vault}/heads/{version}", s.member(s.getHeadAt))
	m.HandleFunc("PUT /v1/vaults/{vault}/head", s.member(s.putHead))
	m.HandleFunc("PUT /v1/vaults/{vault}/shares/{login}", s.member(s.putShare))
	m.HandleFunc("GET /v1/vaults/{vault}/shares/self", s.member(s.ownShares))
	m.HandleFunc("DELETE /v1/vaults/{vault}/members/{login}", s.member(s.removeMember))
	m.HandleFunc("GET /v1/vaults/{vault}/secrets", s.member(s.listSecrets))
	m.HandleFunc("GET /v1/vaults/{vault}/secrets/{index}", s.member(s.getSecret))
	m.HandleFunc("PUT /v1/vaults/{vault}/secrets/{index}", s.member(s.putSecret))
	m.HandleFunc("DELETE /v1/vaults/{vault}/secrets/{index}", s.member(s.deleteSecret))
	m.HandleFunc("POST /v1/vaults/{vault}/service-accounts", s.member(s.addServiceAccount))
	m.HandleFunc("DELETE /v1/vaults/{vault}/service-accounts/{keyid}", s.member(s.removeServiceAccount))
	m.HandleFunc("PUT /v1/vaults/{vault}/service-accounts/{keyid}/batch", s.member(s.putBatch))
	m.HandleFunc("GET /v1/service-accounts/self/batches/{vault}", s.serviceBatch)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// A panic would otherwise reach the client as a dropped connection: answer 500 and log it,
	// without the request body.
	defer func() {
		if v := recover(); v != nil {
			s.cfg.Logger.Printf("panic serving %s %s: %v", r.Method, r.URL.Path, v)
			fail(w, http.StatusInternalServerError, "internal error")
		}
	}()
	w.Header().Set("Cache-Control", "no-store")
	h, pattern := s.mux.Handler(r)
	if pattern == "" {
		// No route: let the mux decide between 404 and 405 (with its Allow header), and answer
		// in JSON like every other refusal.
		probe := &statusProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		if allow := probe.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		if probe.code == http.StatusMethodNotAllowed {
			fail(w, probe.code, "method not allowed on this path; allowed: "+probe.header.Get("Allow"))
		} else {
			fail(w, http.StatusNotFound, "no such endpoint: see docs/server.md")
		}
		return
	}
	s.mux.ServeHTTP(w, r)
}

// statusProbe records the status the mux gives an unrouted request.
type statusProbe struct {
	header http.Header
	code   int
}

func (p *statusProbe) Header() http.Header         { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *statusProbe) WriteHeader(code int)        { p.code = code }

// errorBody is every refusal's JSON body.
type errorBody struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}

// internal logs a storage failure and answers 500 without its details.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	s.cfg.Logger.Printf("%s %s: %v", r.Method, r.URL.Path, err)
	fail(w, http.StatusInternalServerError, "internal error")
}

// badRequest is an error whose message the client may see, with its status.
type badRequest struct {
	status     int
	msg        string
	retryAfter time.Duration // a 429's wait
}

func (e *badRequest) Error() string { return e.msg }

func refuse(status int, format string, args ...any) error {
	return &badRequest{status: status, msg: fmt.Sprintf(format, args...)}
}

// respond sends err: a refusal as its status and message, anything else as 500.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, err error) {
	var br *badRequest
	if errors.As(err, &br) {
		if br.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(br.retryAfter.Seconds())+1))
		}
		fail(w, br.status, br.msg)
		return
	}
	s.internal(w, r, err)
}

// decode reads one JSON object of at most limit bytes, refusing unknown fields and trailing data.
func decode(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	body := http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooBig):
			return refuse(http.StatusRequestEntityTooLarge, "request body over %d bytes", limit)
		case errors.Is(err, io.EOF):
			return refuse(http.StatusBadRequest, "empty request body: a JSON object is expected")
		case errors.As(err, &syntax):
			return refuse(http.StatusBadRequest, "malformed JSON at byte %d", syntax.Offset)
		case errors.As(err, &typ):
			return refuse(http.StatusBadRequest, "field %q: expected a %s", typ.Field, typ.Type)
		default:
			// Unknown fields and truncated bodies land here; the message names the field.
			return refuse(http.StatusBadRequest, "malformed request: %v", err)
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return refuse(http.StatusRequestEntityTooLarge, "request body over %d bytes", limit)
		}
		return refuse(http.StatusBadRequest, "trailing data after the JSON object")
	}
	return nil
}

// blobField decodes a required base64 field.
func blobField(name, value string) ([]byte, error) {
	if value == "" {
		return nil, refuse(http.StatusBadRequest, "field %q is required", name)
	}
	b, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return nil, refuse(http.StatusBadRequest, "field %q: not standard base64 with padding", name)
	}
	return b, nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// clientAddress is the peer's IP address (without port): a rate limit's key. A deployment behind
// a proxy must make the proxy's real-client header trusted here; this server trusts no header.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) now() int64 { return s.cfg.Now().Unix() }

// limitCheck names one failure counter: a limiter and what it counts there.
type limitCheck struct {
	l    *limiter
	what string
}

// failureKey is the failure counters' key (limiter.go's counterKey), derived from the server key
// once.
func (s *Server) failureKey(tx Tx) ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.failuresKey == nil {
		k, err := tx.ServerKey()
		if err != nil {
			return nil, err
		}
		s.failuresKey = counterKey(k)
	}
	return s.failuresKey, nil
}

// checkLimits refuses with 429 (and Retry-After) when any of the counters has used up its
// failures in its current window. Run it in the transaction of the request, before any
// comparison, so a blocked guesser learns nothing from its guess.
func (s *Server) checkLimits(tx Tx, msg string, checks ...limitCheck) error {
	key, err := s.failureKey(tx)
	if err != nil {
		return err
	}
	var wait time.Duration
	over := false
	for _, c := range checks {
		blocked, w, err := c.l.blocked(tx, key, c.what)
		if err != nil {
			return err
		}
		if blocked {
			over, wait = true, max(wait, w)
		}
	}
	if over {
		return &badRequest{status: http.StatusTooManyRequests, msg: msg, retryAfter: wait}
	}
	return nil
}

// countFailure counts a failure on each counter, in one write transaction.
func (s *Server) countFailure(ctx context.Context, checks ...limitCheck) error {
	return s.store.Update(ctx, func(tx Tx) error {
		key, err := s.failureKey(tx)
		if err != nil {
			return err
		}
		for _, c := range checks {
			if err := c.l.fail(tx, key, c.what); err != nil {
				return err
			}
		}
		return nil
	})
}

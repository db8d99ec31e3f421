package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"
	"time"
)

// TestLimitsShared: failure counters live in the database, so a second server instance on the
// same database, and one started after a restart, refuses what the first one blocked; the
// counters' table holds neither the logins nor the addresses it counts.
func TestLimitsShared(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b, func(c *Config) { c.AccountFailures, c.AddressFailures = 3, 5 })
			alice := newMember("alice")
			e.register(alice)
			other := httptest.NewServer(NewServer(e.store, e.cfg)) // a second instance
			defer other.Close()
			onOther := func(login string, key []byte) response {
				t.Helper()
				r, err := doRequest(context.Background(), other.Client(), other.URL+"/v1/sessions", "POST", nil,
					map[string]any{"login": login, "login_key": b64(key)})
				if err != nil {
					t.Fatal(err)
				}
				return r
			}

			// Two failures on the first instance, one on the second: the account is blocked on both.
			e.refused(401, "POST", "/v1/sessions", nil, map[string]any{"login": "alice", "login_key": b64(randBytes(32))})
			e.refused(401, "POST", "/v1/sessions", nil, map[string]any{"login": "alice", "login_key": b64(randBytes(32))})
			if r := onOther("alice", randBytes(32)); r.status != 401 {
				t.Fatalf("third failure on the second instance: %d", r.status)
			}
			e.refused(429, "POST", "/v1/sessions", nil, map[string]any{"login": "alice", "login_key": b64(alice.loginKey)})
			// A server started afresh on the database (a restart) still refuses, even the right key.
			restarted := httptest.NewServer(NewServer(e.store, e.cfg))
			r, err := doRequest(context.Background(), restarted.Client(), restarted.URL+"/v1/sessions", "POST", nil,
				map[string]any{"login": "alice", "login_key": b64(alice.loginKey)})
			restarted.Close()
			if err != nil || r.status != 429 {
				t.Fatalf("after a restart: %d %v, want 429", r.status, err)
			}

			// The address: 3 failures so far; two more on the second instance block it on the
			// first, service-account credentials included.
			onOther("bob", randBytes(32))
			onOther("carol", randBytes(32))
			e.refused(429, "POST", "/v1/sessions", nil, map[string]any{"login": "dave", "login_key": b64(randBytes(32))})
			e.refused(429, "GET", "/v1/service-accounts/self/batches/v", newServiceAcct().authorization(), nil)

			// What the table holds: HMACs, not "alice" nor the address.
			db := e.store.(*sqlStore).writer
			rows, err := db.Query("SELECT counter FROM login_failures")
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var c []byte
				if err := rows.Scan(&c); err != nil {
					t.Fatal(err)
				}
				n++
				if len(c) != 16 || bytes.Contains(c, []byte("alice")) || bytes.Contains(c, []byte("127.0.0.1")) {
					t.Fatalf("a counter names what it counts: %q", c)
				}
			}
			rows.Close()
			if n != 4 { // alice, bob, carol, and the address (dave was refused before counting)
				t.Fatalf("%d counters, want 4", n)
			}

			// After the window both limits lift on every instance, and the next failure drops the
			// counters whose window has passed.
			e.advance(e.cfg.FailureWindow + time.Second)
			if r := onOther("alice", alice.loginKey); r.status != 200 {
				t.Fatalf("after the window: %d", r.status)
			}
			e.refused(401, "POST", "/v1/sessions", nil, map[string]any{"login": "erin", "login_key": b64(randBytes(32))})
			if err := db.QueryRow("SELECT COUNT(*) FROM login_failures").Scan(&n); err != nil || n != 2 {
				t.Fatalf("%d counters after the window and one failure (%v), want 2: erin and the address", n, err)
			}
		})
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// TestGuardStopsLeaks: a forbidden value anywhere in a request (a byte string nested in a list of
// objects, inside a larger blob, a string field, the path) stops the request before the server
// sees it; other requests pass.
func TestGuardStopsLeaks(t *testing.T) {
	var reached atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer ts.Close()
	g := &guard{}
	srv, err := newServer(ts.URL, "", g)
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("0123456789abcdef-a-vault-key-0123")
	g.forbid("the vault key", key)
	g.forbid("a password", []byte("correct horse battery staple"))
	// Characters JSON escapes (& < > "): searched as sent, not only in the encoded text.
	g.forbid("a password with an ampersand", []byte("Tr0ub4dor&3 but longer"))
	g.forbid("a JSON value", []byte(`{"new_checkout":true}`))
	s := &session{srv: srv, who: "test"}

	blob := append(append([]byte("header..."), key...), "...tail"...)
	leaks := map[string]struct {
		path string
		body map[string]any
	}{
		"raw bytes":            {"/x", map[string]any{"head": key}},
		"inside a blob":        {"/x", map[string]any{"secrets": []map[string]any{{"index": "00", "secret": blob}}}},
		"a list of blobs":      {"/x", map[string]any{"items": [][]byte{[]byte("harmless"), blob}}},
		"a string field":       {"/x", map[string]any{"note": "my password is correct horse battery staple"}},
		"in the path":          {"/v1/accounts/correct horse battery staple/bundle", nil},
		"nested list of maps":  {"/x", map[string]any{"a": []any{map[string]any{"b": blob}}}},
		"a string with &":      {"/x", map[string]any{"note": "Tr0ub4dor&3 but longer"}},
		"a string with quotes": {"/x", map[string]any{"value": `{"new_checkout":true}`}},
	}
	for what, c := range leaks {
		err := s.call("PUT", c.path, c.body, nil)
		var le *leakError
		if !errors.As(err, &le) {
			t.Fatalf("%s: not stopped: %v", what, err)
		}
		if strings.Contains(err.Error(), "correct horse") || strings.Contains(err.Error(), string(key)) {
			t.Fatalf("%s: the error names the value", what)
		}
	}
	if n := reached.Load(); n != 0 {
		t.Fatalf("%d leaking requests reached the server", n)
	}
	encoded, _ := json.Marshal(key)
	if err := s.call("PUT", "/x", map[string]any{"head": []byte("harmless bytes"), "b64": string(encoded[:8])}, nil); err != nil {
		t.Fatalf("a harmless request: %v", err)
	}
	if reached.Load() != 1 {
		t.Fatal("the harmless request did not reach the server")
	}
}

// TestCheckName: the names the list of names cannot hold are refused before anything is sealed.
func TestCheckName(t *testing.T) {
	for _, bad := range []string{"", "A\nB", namesEntry, strings.Repeat("x", 256)} {
		if checkName(bad) == nil {
			t.Fatalf("%q accepted", bad)
		}
	}
	for _, good := range []string{"DATABASE_URL", "a b", strings.Repeat("x", 255), "__names"} {
		if err := checkName(good); err != nil {
			t.Fatalf("%q refused: %v", good, err)
		}
	}
}

// TestScanFiles: a value the server may only receive (a login key) is found in its files, and so
// is one it must never see; clean files pass and are counted.
func TestScanFiles(t *testing.T) {
	dir := t.TempDir()
	g := &guard{}
	g.forbid("a secret value", []byte("postgres://app:s3cret@db"))
	g.forbidStored("a login key", []byte("0123456789abcdef0123456789abcdef"))
	clean := dir + "/clean.db"
	if err := os.WriteFile(clean, bytes.Repeat([]byte("page "), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := g.scanFiles([]string{clean, dir + "/absent-wal"}); err != nil || n != 5000 {
		t.Fatalf("clean files: %d bytes, %v", n, err)
	}
	for what, content := range map[string]string{"a login key": "xx0123456789abcdef0123456789abcdefxx",
		"a secret value": "row: postgres://app:s3cret@db;"} {
		p := dir + "/leaky.db"
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := g.scanFiles([]string{clean, p})
		if err == nil || !strings.Contains(err.Error(), what) || strings.Contains(err.Error(), "0123456789abcdef") {
			t.Fatalf("%s in a file: %v", what, err)
		}
	}
}

package main

// The leak guard: every request the client sends is searched for the values a server must never
// see (passwords, emergency kits, private and symmetric keys, secret values). A hit stops the
// request before it leaves, with an error naming what would have leaked, never the value.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sync"
)

type forbidden struct {
	what  string
	value []byte
}

type guard struct {
	mu    sync.Mutex
	items []forbidden
	// Values the server receives but must not store as they are (login keys, bearer tokens): not
	// searched in requests, only in the server's files by scanFiles.
	unstored []forbidden
}

// forbid registers a value no request may contain. Values shorter than 8 bytes could occur by
// chance in random blobs and are refused here: every value this client guards is longer.
func (g *guard) forbid(what string, value []byte) {
	if len(value) < 8 {
		panic("guard: a value of " + fmt.Sprint(len(value)) + " bytes is too short to search for: " + what)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.items = append(g.items, forbidden{what: what, value: bytes.Clone(value)})
}

// leakError names what a request would have carried to the server.
type leakError struct{ what, where string }

func (e *leakError) Error() string {
	return "LEAK: " + e.what + " would have reached the server in " + e.where + "; stopped before sending"
}

// check is a *leakError if data holds a forbidden value.
func (g *guard) check(where string, data []byte) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, f := range g.items {
		if bytes.Contains(data, f.value) {
			return &leakError{what: f.what, where: where}
		}
	}
	return nil
}

// forbidStored registers a value the server may receive but must never store as it is.
func (g *guard) forbidStored(what string, value []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.unstored = append(g.unstored, forbidden{what: what, value: bytes.Clone(value)})
}

// scanFiles searches the server's files (a database and its journal) for every value the guard
// holds, including those the server only receives; it returns how many bytes it searched.
func (g *guard) scanFiles(paths []string) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	searched := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return searched, err
		}
		searched += len(data)
		for _, f := range append(append([]forbidden{}, g.items...), g.unstored...) {
			if bytes.Contains(data, f.value) {
				return searched, fmt.Errorf("LEAK: %s is stored in the server's file %s", f.what, p)
			}
		}
	}
	return searched, nil
}

// forbidCopy is forbid for a copy of a key (SecretBytes), which it wipes.
func (g *guard) forbidCopy(what string, copied []byte) {
	g.forbid(what, copied)
	clear(copied)
}

// wipe clears every value the guard holds.
func (g *guard) wipe() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, f := range append(g.items, g.unstored...) {
		clear(f.value)
	}
	g.items, g.unstored = nil, nil
}

// count is how many values the guard searches for in requests, and in the server's files.
func (g *guard) count() (requests, files int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.items), len(g.items) + len(g.unstored)
}

// checkBody walks a request body: each byte string as it is (json encodes it in base64, where a
// search of the text would miss it), and the encoded text for values sent as strings.
func (g *guard) checkBody(where string, body any, encoded []byte) error {
	var walk func(v any) error
	walk = func(v any) error {
		var err error
		switch x := v.(type) {
		case []byte:
			err = g.check(where, x)
		case string:
			// As sent, before JSON escapes characters such as & < > " in the encoded text.
			err = g.check(where, []byte(x))
		case map[string]any:
			for _, e := range x {
				if err = walk(e); err != nil {
					break
				}
			}
		case []any:
			for _, e := range x {
				if err = walk(e); err != nil {
					break
				}
			}
		case [][]byte:
			for _, e := range x {
				if err = g.check(where, e); err != nil {
					break
				}
			}
		case []map[string]any:
			for _, e := range x {
				if err = walk(e); err != nil {
					break
				}
			}
		}
		return err
	}
	if err := walk(body); err != nil {
		return err
	}
	return g.check(where, encoded)
}

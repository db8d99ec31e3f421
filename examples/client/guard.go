package main

// The leak guard: every request the client sends is searched for the values a server must never
// see (passwords, emergency kits, private and symmetric keys, secret values). A hit stops the
// request before it leaves, with an error naming what would have leaked, never the value.

import (
	"bytes"
	"fmt"
	"sync"
)

type forbidden struct {
	what  string
	value []byte
}

type guard struct {
	mu    sync.Mutex
	items []forbidden
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

// forbidCopy is forbid for a copy of a key (SecretBytes), which it wipes.
func (g *guard) forbidCopy(what string, copied []byte) {
	g.forbid(what, copied)
	clear(copied)
}

// wipe clears every value the guard holds.
func (g *guard) wipe() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, f := range g.items {
		clear(f.value)
	}
	g.items = nil
}

// count is how many values the guard searches for.
func (g *guard) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.items)
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

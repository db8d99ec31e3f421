package main

// Failed-attempt limits for logins and service-account credentials, per account and per client
// address: a fixed window per counter, kept in the database (table login_failures, migration 2),
// so that every server instance on one database counts the same failures and a restart forgets
// none. A counter is named by an HMAC under a key derived from the server key, of the scope and of
// what it counts (the login as typed, the address): the table holds neither.

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"time"
)

type limiter struct {
	scope  string // "account" or "address"
	max    int
	window time.Duration
	now    func() time.Time
}

func newLimiter(scope string, max int, w time.Duration, now func() time.Time) *limiter {
	return &limiter{scope: scope, max: max, window: w, now: now}
}

// counterKeyLabel separates the counters' key from the server key's other use (fake records).
const counterKeyLabel = "libcloak server failure counters"

func counterKey(serverKey []byte) []byte {
	m := hmac.New(sha256.New, serverKey)
	m.Write([]byte(counterKeyLabel))
	return m.Sum(nil)
}

// counter is the name of the counter of what, in this limiter's scope.
func (l *limiter) counter(key []byte, what string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(l.scope))
	m.Write([]byte{0})
	m.Write([]byte(what))
	return m.Sum(nil)[:16]
}

// windowFloor is the latest window start that has ended by now.
func (l *limiter) windowFloor() int64 { return l.now().Add(-l.window).Unix() }

// blocked tells, inside tx, whether what has used up its failures in the current window, and how
// long until that window ends.
func (l *limiter) blocked(tx Tx, key []byte, what string) (bool, time.Duration, error) {
	start, failures, err := tx.Failures(l.counter(key, what))
	if errors.Is(err, ErrNotFound) {
		return false, 0, nil
	}
	if err != nil {
		return false, 0, err
	}
	if start <= l.windowFloor() {
		return false, 0, nil
	}
	return failures >= l.max, time.Unix(start, 0).Add(l.window).Sub(l.now()), nil
}

// fail counts one failure of what, inside tx: in its current window, or in a new one from now.
func (l *limiter) fail(tx Tx, key []byte, what string) error {
	return tx.AddFailure(l.counter(key, what), l.now().Unix(), l.windowFloor())
}

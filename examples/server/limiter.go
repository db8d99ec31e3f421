package main

// Failed-attempt limits for logins, per account and per client address: a fixed window per key,
// kept in memory (each server instance counts its own; behind a load balancer the limit is per
// instance, which docs/server.md says).

import (
	"sync"
	"time"
)

type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	seen   map[string]*window
}

type window struct {
	start    time.Time
	failures int
}

// maxTracked bounds the memory an attacker can make the limiter hold by trying many keys.
const maxTracked = 100000

func newLimiter(max int, w time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: w, now: now, seen: map[string]*window{}}
}

// blocked tells whether key has used up its failures in the current window.
func (l *limiter) blocked(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.seen[key]
	now := l.now()
	if !ok || now.Sub(w.start) >= l.window {
		return false, 0
	}
	return w.failures >= l.max, l.window - now.Sub(w.start)
}

func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	w, ok := l.seen[key]
	if !ok || now.Sub(w.start) >= l.window {
		if len(l.seen) >= maxTracked {
			for k, old := range l.seen {
				if now.Sub(old.start) >= l.window {
					delete(l.seen, k)
				}
			}
		}
		if len(l.seen) >= maxTracked {
			// Every tracked key is inside its window: the new key goes uncounted here rather
			// than letting the map grow without bound (the other limiter still counts it).
			return
		}
		w = &window{start: now}
		l.seen[key] = w
	}
	w.failures++
}

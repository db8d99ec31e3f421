package cloak

/*
#include <stdlib.h>
#include <cloak.h>
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// cState is a C state (cloak_vault, cloak_hpke_context, cloak_batch, cloak_head) in C memory,
// outside the Go heap: calloc gives it one fixed address, aligned for any C type (so at least 8
// bytes), that the garbage collector never moves. The library records that address at init and
// refuses the state anywhere else (CLOAK_E_BAD_STATE), so the owner never copies it and passes this
// same pointer on every call. It is wiped and freed by free, or when its owner becomes unreachable
// if free never ran. The owner's lock guards it.
type cState[S any] struct {
	st      *S // nil after free
	release func(*S)
	cleanup runtime.Cleanup
}

// allocState allocates c's state (size bytes, zeroed) for owner; wipe is the library's wipe call
// of the state. It returns an error of op when C memory is exhausted.
func allocState[S, O any](op string, c *cState[S], owner *O, size C.size_t, wipe func(*S)) error {
	c.st = (*S)(C.calloc(1, size))
	if c.st == nil {
		return paramError(op, codeNoMem, nil)
	}
	c.release = func(st *S) {
		wipe(st)
		C.free(unsafe.Pointer(st))
	}
	c.cleanup = runtime.AddCleanup(owner, c.release, c.st)
	return nil
}

// free wipes and frees the state now; it does nothing the second time.
func (c *cState[S]) free() {
	if c.st != nil {
		c.cleanup.Stop()
		c.release(c.st)
		c.st = nil
	}
}

// use runs f on the state, or returns the error of a wiped state. The caller holds the owner's
// lock.
func use[S, T any](op string, c *cState[S], f func(*S) (T, error)) (T, error) {
	if c.st == nil {
		var zero T
		return zero, wipedState(op)
	}
	return f(c.st)
}

// guardedState is a cState behind a lock.
type guardedState[S any] struct {
	mu sync.RWMutex
	cState[S]
}

// wipe frees the state once every operation on it has returned.
func (g *guardedState[S]) wipe() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.free()
}

// run runs f on the state: under the write lock when f advances the state (exclusive), under the
// read lock otherwise.
func (g *guardedState[S]) run(op string, exclusive bool, f func(*S) ([]byte, error)) ([]byte, error) {
	if exclusive {
		g.mu.Lock()
		defer g.mu.Unlock()
	} else {
		g.mu.RLock()
		defer g.mu.RUnlock()
	}
	return use(op, &g.cState, f)
}

package main

import (
	"encoding/hex"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"
)

// BenchmarkLoad is the bounded load test: concurrent clients on 127.0.0.1 fetching a service
// account's batch (20 items) and writing secrets, on each backend, reporting requests per second
// and the 99th percentile latency. It runs only when asked:
//
//	go test -run '^$' -bench Load -benchtime 5s        (tests/server/run.sh -bench Load for PostgreSQL too)
func BenchmarkLoad(b *testing.B) {
	for _, be := range backends(b) {
		e := newEnv(b, be, nil)
		alice := newMember("alice")
		e.register(alice)
		sa := newServiceAcct()
		v := e.createVault(alice, "load", sa.entry())
		e.must(201, "POST", vaultPath(v.id)+"/service-accounts", alice,
			map[string]any{"public_key": b64(sa.blob()), "verifier": hex.EncodeToString(sa.verifier())})
		batch, items := sa.batch(alice, v.id, 1, 20)
		e.must(204, "PUT", vaultPath(v.id)+"/service-accounts/"+hex.EncodeToString(sa.keyID())+"/batch", alice, batchBody(batch, items))
		// Enough idle connections that the clients reuse them instead of opening new ones.
		e.srv.Client().Transport.(*http.Transport).MaxIdleConnsPerHost = 64

		ops := map[string]func() int{
			"batch-fetch": func() int {
				return e.call("GET", "/v1/service-accounts/self/batches/load", sa.authorization(), nil).status
			},
			"secret-write": func() int {
				return e.call("PUT", vaultPath(v.id)+"/secrets/"+hex.EncodeToString(randBytes(32)), alice,
					map[string]any{"secret": b64(sealedSecret(v.spec.keyID, 1))}).status
			},
		}
		for _, name := range []string{"batch-fetch", "secret-write"} {
			op := ops[name]
			b.Run(be.name+"/"+name, func(b *testing.B) {
				var mu sync.Mutex
				var lat []time.Duration
				b.SetParallelism(8)
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					var mine []time.Duration
					for pb.Next() {
						t0 := time.Now()
						if st := op(); st != 200 && st != 204 {
							b.Errorf("status %d", st)
							return
						}
						mine = append(mine, time.Since(t0))
					}
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
				})
				elapsed := time.Since(start)
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				if len(lat) > 0 {
					b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
					b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
				}
			})
		}
	}
}

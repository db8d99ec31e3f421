package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestMain lets the test binary run as the server command itself, so the kill test starts a real
// server process without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("CLOAK_TEST_SERVE") == "1" {
		os.Args = append([]string{"server"}, strings.Split(os.Getenv("CLOAK_TEST_SERVE_ARGS"), "\n")...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child is a server process.
type child struct {
	cmd *exec.Cmd
	url string
}

func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CLOAK_TEST_SERVE=1", "CLOAK_TEST_SERVE_ARGS="+strings.Join(append([]string{"-listen", "127.0.0.1:0"}, args...), "\n"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
	}()
	select {
	case l := <-line:
		if !strings.HasPrefix(l, "listening on ") {
			t.Fatalf("server said %q", l)
		}
		return &child{cmd: cmd, url: strings.TrimPrefix(l, "listening on ")}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start")
	}
	return nil
}

// TestKillMidWrite runs writers against a server process, kills it with SIGKILL mid-write,
// restarts it on the same database, and checks that every acknowledged write is there and that
// nothing is half-written: the head chain is whole, every secret and the batch parse, and the
// server takes new writes.
func TestKillMidWrite(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			var dbArgs []string
			if b.name == "sqlite" {
				dbArgs = []string{"-sqlite", t.TempDir() + "/kill.db"}
			} else {
				dbArgs = []string{"-postgres", freshPostgres(t)}
			}
			srv := startChild(t, dbArgs...)
			e := &env{t: t, cfg: DefaultConfig()}
			c := &remote{env: e, base: srv.url}
			alice := newMember("alice")
			c.must(201, "POST", "/v1/accounts", nil, alice.registration())
			alice.token = c.must(200, "POST", "/v1/sessions", nil, map[string]any{"login": "alice", "login_key": b64(alice.loginKey)}).str("token")
			sa := newServiceAcct()
			spec := headSpec{vault: []byte("k"), version: 1, epoch: 1, keyID: randBytes(16),
				roster: []entry{memberEntry(alice, permAdmin|permWrite), sa.entry()}}
			first := spec.sign(alice)
			c.must(201, "POST", "/v1/vaults", alice, map[string]any{"head": b64(first), "share": b64(alice.share(alice, 1))})
			c.must(201, "POST", "/v1/vaults/k/service-accounts", alice,
				map[string]any{"public_key": b64(sa.blob()), "verifier": hex.EncodeToString(sa.verifier())})

			var acked atomic.Uint64 // the highest head version the server acknowledged
			acked.Store(1)
			var secretsAcked atomic.Int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for w := 0; w < 4; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					stored := first
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						switch i % 3 {
						case 0: // a head
							r, err := c.try("PUT", "/v1/vaults/k/head", alice, map[string]any{"head": b64(spec.next(stored).sign(alice))})
							if err != nil {
								return
							}
							if r.status == 409 {
								stored = r.blob("head")
								continue
							}
							if r.status != 200 {
								t.Errorf("head write: %d %s", r.status, r.raw)
								return
							}
							v := uint64(r.json["version"].(float64))
							for old := acked.Load(); v > old && !acked.CompareAndSwap(old, v); old = acked.Load() {
							}
						case 1: // a secret
							r, err := c.try("PUT", "/v1/vaults/k/secrets/"+hex.EncodeToString(randBytes(32)), alice,
								map[string]any{"secret": b64(sealedSecret(spec.keyID, 1))})
							if err != nil {
								return
							}
							if r.status != 204 {
								t.Errorf("secret write: %d %s", r.status, r.raw)
								return
							}
							secretsAcked.Add(1)
						case 2: // a batch of many items, the largest write
							h, err := parseHead(stored)
							if err != nil {
								t.Error(err)
								return
							}
							batch, items := sa.batch(alice, []byte("k"), h.version, 200)
							r, err := c.try("PUT", "/v1/vaults/k/service-accounts/"+hex.EncodeToString(sa.keyID())+"/batch", alice, batchBody(batch, items))
							if err != nil {
								return
							}
							if r.status != 204 && r.status != 409 {
								t.Errorf("batch write: %d %s", r.status, r.raw)
								return
							}
						}
					}
				}(w)
			}
			time.Sleep(800 * time.Millisecond)
			if err := srv.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			srv.cmd.Wait()
			close(stop)
			wg.Wait()
			if acked.Load() < 3 || secretsAcked.Load() < 3 {
				t.Fatalf("too few writes before the kill to test anything: %d heads, %d secrets", acked.Load(), secretsAcked.Load())
			}

			srv = startChild(t, dbArgs...)
			c.base = srv.url
			cur := c.must(200, "GET", "/v1/vaults/k/head", alice, nil)
			top := uint64(cur.json["version"].(float64))
			if top < acked.Load() {
				t.Fatalf("head version %d after restart, but %d was acknowledged", top, acked.Load())
			}
			var prev []byte
			for v := uint64(1); v <= top; v++ {
				raw := c.must(200, "GET", fmt.Sprintf("/v1/vaults/k/heads/%d", v), alice, nil).blob("head")
				h, err := parseHead(raw)
				if err != nil || h.version != v || (v > 1 && string(h.prevHash) != string(headHash(prev))) {
					t.Fatalf("head %d after restart: broken chain (%v)", v, err)
				}
				prev = raw
			}
			list := c.must(200, "GET", "/v1/vaults/k/secrets", alice, nil)
			secrets := list.json["secrets"].([]any)
			if int64(len(secrets)) < secretsAcked.Load() {
				t.Fatalf("%d secrets after restart, %d acknowledged", len(secrets), secretsAcked.Load())
			}
			for _, s := range secrets {
				raw := response{json: s.(map[string]any)}.blob("secret")
				if _, err := parseSecret(raw); err != nil {
					t.Fatalf("a half-written secret: %v", err)
				}
			}
			if r := c.call("GET", "/v1/service-accounts/self/batches/k", sa.authorization(), nil); r.status == 200 {
				lines := strings.Split(strings.TrimSpace(string(r.raw)), "\n")
				if len(lines) != 2+200 || !strings.HasPrefix(lines[1], "cloak-batch-") {
					t.Fatalf("a half-written batch: %d lines", len(lines))
				}
			} else if r.status != 404 {
				t.Fatalf("batch after restart: %d %s", r.status, r.raw)
			}
			c.must(200, "PUT", "/v1/vaults/k/head", alice, map[string]any{"head": b64(spec.next(prev).sign(alice))})
			if b.name == "sqlite" {
				db, err := sql.Open("sqlite", dbArgs[1])
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				var verdict string
				if err := db.QueryRow("PRAGMA integrity_check").Scan(&verdict); err != nil || verdict != "ok" {
					t.Fatalf("SQLite integrity check after the kill: %q %v", verdict, err)
				}
			}
			t.Logf("killed after %d acknowledged heads and %d secrets; %d heads after restart", acked.Load(), secretsAcked.Load(), top)
		})
	}
}

// remote is a client of a server process (env.call's twin, over a plain URL).
type remote struct {
	env  *env
	base string
}

var remoteClient = &http.Client{Timeout: 20 * time.Second}

func (c *remote) try(method, path string, auth, body any) (response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return doRequest(ctx, remoteClient, c.base+path, method, auth, body)
}

func (c *remote) call(method, path string, auth, body any) response {
	r, err := c.try(method, path, auth, body)
	if err != nil {
		c.env.t.Fatal(err)
	}
	return r
}

func (c *remote) must(want int, method, path string, auth, body any) response {
	c.env.t.Helper()
	r := c.call(method, path, auth, body)
	if r.status != want {
		c.env.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.raw)
	}
	return r
}

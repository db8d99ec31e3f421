package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// TestHappyPath walks every endpoint once, as a member, an admin and a service account would.
func TestHappyPath(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b, nil)
			alice, bob := newMember("alice"), newMember("bob@example.org")
			e.register(alice)
			e.register(bob)

			// The record a client fetches before login is the one it registered.
			rec := e.must(200, "GET", "/v1/accounts/alice/password-record", nil, nil)
			if len(rec.blob("record")) != 48 || checkPassword(rec.blob("record")) != nil {
				t.Fatalf("record: %s", rec.raw)
			}
			own := e.must(200, "GET", "/v1/account", alice, nil)
			if !bytes.Equal(own.blob("bundle"), alice.bundle()) {
				t.Fatal("own bundle differs")
			}
			if !bytes.Equal(own.blob("record"), rec.blob("record")) {
				t.Fatal("own record differs from the served one")
			}
			got := e.must(200, "GET", "/v1/accounts/bob@example.org/bundle", alice, nil)
			if !bytes.Equal(got.blob("bundle"), bob.bundle()) {
				t.Fatal("bob's bundle: wrong keys")
			}

			v := e.createVault(alice, "acme/production")
			list := e.must(200, "GET", "/v1/vaults", alice, nil)
			if vs, _ := list.json["vaults"].([]any); len(vs) != 1 || vs[0] != b64([]byte("acme/production")) {
				t.Fatalf("vault list: %s", list.raw)
			}
			h := e.must(200, "GET", vaultPath(v.id)+"/head", alice, nil)
			if !bytes.Equal(h.blob("head"), v.head) || h.json["version"].(float64) != 1 {
				t.Fatal("head 1 not served as stored")
			}

			// Bob joins: a head with him in the roster, then his share.
			sa := newServiceAcct()
			e.advanceHead(v, alice, append(v.spec.roster, memberEntry(bob, permWrite), sa.entry()))
			e.must(204, "PUT", vaultPath(v.id)+"/shares/bob@example.org", alice, map[string]any{"share": b64(bob.share(alice, 1))})
			shares := e.must(200, "GET", vaultPath(v.id)+"/shares/self", bob, nil)
			if s, _ := shares.json["shares"].([]any); len(s) != 1 {
				t.Fatalf("bob's shares: %s", shares.raw)
			}
			old := e.must(200, "GET", vaultPath(v.id)+"/heads/1", bob, nil)
			if !bytes.Equal(old.blob("head"), h.blob("head")) {
				t.Fatal("heads/1 differs from the first head")
			}

			// Bob, a writer, stores a secret and the head that commits to it.
			index := randBytes(32)
			secret := sealedSecret(v.spec.keyID, 1)
			ip := vaultPath(v.id) + "/secrets/" + hex.EncodeToString(index)
			e.must(204, "PUT", ip, bob, map[string]any{"secret": b64(secret)})
			e.advanceHead(v, bob, nil)
			s := e.must(200, "GET", ip, alice, nil)
			if !bytes.Equal(s.blob("secret"), secret) {
				t.Fatal("secret not served as stored")
			}
			all := e.must(200, "GET", vaultPath(v.id)+"/secrets", bob, nil)
			if l, _ := all.json["secrets"].([]any); len(l) != 1 {
				t.Fatalf("secret list: %s", all.raw)
			}

			// A service account and its batch, fetched as the CLI does.
			e.must(201, "POST", vaultPath(v.id)+"/service-accounts", alice,
				map[string]any{"public_key": b64(sa.blob()), "verifier": hex.EncodeToString(sa.verifier())})
			batch, items := sa.batch(bob, v.id, v.spec.version, 3)
			bp := vaultPath(v.id) + "/service-accounts/" + hex.EncodeToString(sa.keyID()) + "/batch"
			e.must(204, "PUT", bp, bob, batchBody(batch, items))
			file := e.must(200, "GET", "/v1/service-accounts/self/batches/"+pathEscape(v.id), sa.authorization(), nil)
			want := "vault acme/production\n" + textForm(batch) + "\n"
			for _, it := range items {
				want += textForm(it) + "\n"
			}
			if string(file.raw) != want {
				t.Fatalf("batch file:\n%s\nwant:\n%s", file.raw, want)
			}

			// An X-Wing service account (the CLI's default suite): its batch is the larger layout.
			xw := newXWingServiceAcct()
			e.advanceHead(v, alice, append(v.spec.roster, xw.entry()))
			e.must(201, "POST", vaultPath(v.id)+"/service-accounts", alice,
				map[string]any{"public_key": b64(xw.blob()), "verifier": b64(xw.verifier())})
			xbatch, xitems := xw.batch(alice, v.id, v.spec.version, 2)
			e.must(204, "PUT", vaultPath(v.id)+"/service-accounts/"+hex.EncodeToString(xw.keyID())+"/batch", alice, batchBody(xbatch, xitems))
			xfile := e.must(200, "GET", "/v1/service-accounts/self/batches/"+pathEscape(v.id), xw.authorization(), nil)
			if lines := strings.Split(strings.TrimSpace(string(xfile.raw)), "\n"); len(lines) != 4 || lines[1] != textForm(xbatch) {
				t.Fatalf("X-Wing batch file: %q", xfile.raw)
			}
			// A key that fails the ML-KEM modulus check is refused.
			bad := newXWingServiceAcct()
			bad.pub[0], bad.pub[1] = 0xff, 0x0f
			e.refused(400, "POST", vaultPath(v.id)+"/service-accounts", alice,
				map[string]any{"public_key": b64(bad.blob()), "verifier": b64(bad.verifier())})

			// Deleting a secret; removing the service account takes its batch with it.
			e.must(204, "DELETE", ip, bob, nil)
			e.refused(404, "GET", ip, alice, nil)
			e.must(204, "DELETE", vaultPath(v.id)+"/service-accounts/"+hex.EncodeToString(sa.keyID()), alice, nil)
			e.refused(404, "GET", "/v1/service-accounts/self/batches/"+pathEscape(v.id), sa.authorization(), nil)

			// Logout ends the token.
			e.must(204, "DELETE", "/v1/sessions/current", bob, nil)
			e.refused(401, "GET", "/v1/account", bob, nil)
		})
	}
}

// TestTextForm checks the batch file's text form against the CLI's documented example prefix and
// the checksum rule (protocol.md section 3), so a served file is one the CLI reads.
func TestTextForm(t *testing.T) {
	blob := append(hdr(typeBatch, 2, make([]byte, 16)), 1, 2, 3)
	tf := textForm(blob)
	if !strings.HasPrefix(tf, "cloak-batch-AgoAA") {
		t.Fatalf("text form %q does not start as docs/cli.md shows", tf)
	}
	tf2 := textForm(append(append([]byte{}, blob[:len(blob)-1]...), 4))
	if tf[len(tf)-6:] == tf2[len(tf2)-6:] {
		t.Fatal("the checksum does not depend on the blob")
	}
}

// TestFakeRecord: an unknown login gets a record that parses like a real one, never changes
// (across requests and restarts), and differs per login.
func TestFakeRecord(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b, nil)
			get := func(login string) []byte {
				return e.must(200, "GET", "/v1/accounts/"+login+"/password-record", nil, nil).blob("record")
			}
			a1, a2, c := get("nobody"), get("nobody"), get("someone-else")
			if err := checkPassword(a1); err != nil {
				t.Fatalf("fake record does not parse: %v", err)
			}
			if !bytes.Equal(a1, a2) || bytes.Equal(a1, c) {
				t.Fatal("fake records must be stable per login and differ between logins")
			}
			m, tt, p := binary.BigEndian.Uint32(a1[20:]), binary.BigEndian.Uint32(a1[24:]), binary.BigEndian.Uint32(a1[28:])
			if m != 65536 || tt != 3 || p != 4 {
				t.Fatal("fake record costs are not the defaults real records use")
			}
			// A new server over the same database serves the same fake.
			restarted := &env{t: t, store: e.store, clock: time.Now()}
			restarted.srv = httptestServer(t, NewServer(e.store, e.cfg))
			if r := restarted.must(200, "GET", "/v1/accounts/nobody/password-record", nil, nil); !bytes.Equal(r.blob("record"), a1) {
				t.Fatal("fake record changed across a restart")
			}
			// Once the login is registered, its real record is served instead.
			m2 := newMember("nobody")
			e.register(m2)
			if bytes.Equal(get("nobody"), a1) {
				t.Fatal("a registered login still gets the fake record")
			}
		})
	}
}

// TestLoginRefusals: wrong key and unknown login get the same answer; failures are limited per
// account and per address, and a blocked account is refused even with the right key.
func TestLoginRefusals(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b, func(c *Config) { c.AccountFailures, c.AddressFailures = 3, 6 })
			alice := newMember("alice")
			e.register(alice)
			wrong := e.refused(401, "POST", "/v1/sessions", nil, map[string]any{"login": "alice", "login_key": b64(randBytes(32))})
			unknown := e.refused(401, "POST", "/v1/sessions", nil, map[string]any{"login": "mallory", "login_key": b64(randBytes(32))})
			if wrong.str("error") != unknown.str("error") {
				t.Fatal("a wrong key and an unknown login must get the same message")
			}
			for i := 0; i < 2; i++ {
				e.refused(401, "POST", "/v1/sessions", nil, map[string]any{"login": "alice", "login_key": b64(randBytes(32))})
			}
			e.refused(429, "POST", "/v1/sessions", nil, map[string]any{"login": "alice", "login_key": b64(alice.loginKey)})
			// The address limit: other logins from this address, until the address is blocked.
			e.refused(401, "POST", "/v1/sessions", nil, map[string]any{"login": "mallory", "login_key": b64(randBytes(32))})
			e.refused(401, "POST", "/v1/sessions", nil, map[string]any{"login": "mallory", "login_key": b64(randBytes(32))})
			e.refused(429, "POST", "/v1/sessions", nil, map[string]any{"login": "someone", "login_key": b64(randBytes(32))})
			// The blocked address is refused service-account credentials too, before any check.
			e.refused(429, "GET", "/v1/service-accounts/self/batches/v", newServiceAcct().authorization(), nil)
			// After the window both limits lift.
			e.advance(e.cfg.FailureWindow + time.Second)
			e.login(alice)
		})
	}
}

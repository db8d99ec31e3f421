package main

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// TestMalformed sends bad bodies to every kind of write: each gets 400 (413 when too large) with a
// message, and the stored state is the same afterwards.
func TestMalformed(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b, nil)
			alice, bob := newMember("alice"), newMember("bob")
			e.register(alice)
			e.register(bob)
			sa := newServiceAcct()
			v := e.createVault(alice, "v", memberEntry(bob, permWrite), sa.entry())
			e.must(201, "POST", vaultPath(v.id)+"/service-accounts", alice,
				map[string]any{"public_key": b64(sa.blob()), "verifier": hex.EncodeToString(sa.verifier())})
			before := snapshot(e, alice, v)

			reg := func(mod func(m map[string]any)) map[string]any {
				m := newMember("carol").registration()
				mod(m)
				return m
			}
			badBundle := bob.bundle()
			badBundle[60] ^= 1 // breaks its signature
			secretPath := vaultPath(v.id) + "/secrets/" + hex.EncodeToString(randBytes(32))
			head := v.spec.next(v.head).sign(alice)
			truncated := head[:len(head)-1]
			tampered := append([]byte{}, head...)
			tampered[30] ^= 1
			batch, items := sa.batch(alice, v.id, 1, 2)
			bp := vaultPath(v.id) + "/service-accounts/" + hex.EncodeToString(sa.keyID()) + "/batch"

			cases := []struct {
				name, method, path string
				auth               any
				body               any
				status             int
			}{
				{"empty body", "POST", "/v1/accounts", nil, []byte{}, 400},
				{"not JSON", "POST", "/v1/accounts", nil, []byte("login=alice"), 400},
				{"JSON array", "POST", "/v1/accounts", nil, []byte("[]"), 400},
				{"trailing data", "POST", "/v1/sessions", nil, []byte(`{"login":"alice","login_key":"` + b64(alice.loginKey) + `"} {}`), 400},
				{"unknown field", "POST", "/v1/accounts", nil, reg(func(m map[string]any) { m["admin"] = true }), 400},
				{"wrong field type", "POST", "/v1/accounts", nil, reg(func(m map[string]any) { m["login"] = 7 }), 400},
				{"missing field", "POST", "/v1/accounts", nil, reg(func(m map[string]any) { delete(m, "bundle") }), 400},
				{"bad base64", "POST", "/v1/accounts", nil, reg(func(m map[string]any) { m["record"] = "!!!" }), 400},
				{"login upper case", "POST", "/v1/accounts", nil, reg(func(m map[string]any) { m["login"] = "Carol" }), 400},
				{"login not NFC", "POST", "/v1/accounts", nil, reg(func(m map[string]any) { m["login"] = "jose\u0301" }), 400},
				{"login with space", "POST", "/v1/accounts", nil, reg(func(m map[string]any) { m["login"] = "ca rol" }), 400},
				{"login too long", "POST", "/v1/accounts", nil, reg(func(m map[string]any) { m["login"] = strings.Repeat("a", 256) }), 400},
				{"short login key", "POST", "/v1/accounts", nil, reg(func(m map[string]any) { m["login_key"] = b64(randBytes(31)) }), 400},
				{"record of another type", "POST", "/v1/accounts", nil, reg(func(m map[string]any) { m["record"] = b64(bob.bundle()) }), 400},
				{"record out of bounds", "POST", "/v1/accounts", nil, reg(func(m map[string]any) {
					r := passwordRecord()
					r[20] = 0xff
					m["record"] = b64(r)
				}), 400},
				{"bundle with a bad signature", "POST", "/v1/accounts", nil, reg(func(m map[string]any) { m["bundle"] = b64(badBundle) }), 400},
				{"wrapped key of version 1", "POST", "/v1/accounts", nil, reg(func(m map[string]any) {
					w := wrapped(typeWrappedID)
					w[0] = 1
					m["wrapped_identity"] = b64(w)
				}), 400},
				{"taken identity", "POST", "/v1/accounts", nil, reg(func(m map[string]any) {
					m["bundle"] = b64(bob.bundle())
					m["wrapped_identity"] = b64(wrappedFor(typeWrappedID, bob.pub()))
					m["wrapped_encryption"] = b64(wrappedFor(typeWrappedEnc, bob.encPub))
				}), 409},
				{"wrapped key of another account", "POST", "/v1/accounts", nil, reg(func(m map[string]any) {
					m["wrapped_encryption"] = b64(wrappedFor(typeWrappedEnc, bob.encPub))
				}), 400},
				{"taken login", "POST", "/v1/accounts", nil, bob.registration(), 409},
				{"login key of 33 bytes", "POST", "/v1/sessions", nil, map[string]any{"login": "alice", "login_key": b64(randBytes(33))}, 400},
				{"bad login in path", "GET", "/v1/accounts/Alice/password-record", nil, nil, 400},
				{"oversized body", "POST", "/v1/accounts", nil, []byte(`{"login":"` + strings.Repeat("a", 70<<10) + `"}`), 413},
				{"oversized head", "PUT", vaultPath(v.id) + "/head", alice, []byte(`{"head":"` + strings.Repeat("A", 17<<20) + `"}`), 413},
				{"truncated head", "PUT", vaultPath(v.id) + "/head", alice, map[string]any{"head": b64(truncated)}, 400},
				{"tampered head", "PUT", vaultPath(v.id) + "/head", alice, map[string]any{"head": b64(tampered)}, 400},
				{"head of another vault", "PUT", "/v1/vaults/w/head", alice, map[string]any{"head": b64(head)}, 400},
				{"a secret as head", "PUT", vaultPath(v.id) + "/head", alice, map[string]any{"head": b64(sealedSecret(v.spec.keyID, 1))}, 400},
				{"share on a head update", "PUT", vaultPath(v.id) + "/head", alice, map[string]any{"head": b64(head), "share": b64(bob.share(alice, 1))}, 400},
				{"secret of bad length", "PUT", secretPath, alice, map[string]any{"secret": b64(sealedSecret(v.spec.keyID, 1)[:100])}, 400},
				{"blind index not hex", "PUT", vaultPath(v.id) + "/secrets/xyz", alice, map[string]any{"secret": b64(sealedSecret(v.spec.keyID, 1))}, 400},
				{"blind index upper hex", "PUT", vaultPath(v.id) + "/secrets/" + strings.ToUpper(hex.EncodeToString(randBytes(32))), alice,
					map[string]any{"secret": b64(sealedSecret(v.spec.keyID, 1))}, 400},
				{"share of epoch 0", "PUT", vaultPath(v.id) + "/shares/bob", alice, map[string]any{"share": b64(bob.share(alice, 0))}, 400},
				{"share of another epoch", "PUT", vaultPath(v.id) + "/shares/bob", alice, map[string]any{"share": b64(bob.share(alice, 2))}, 400},
				{"head version 0", "GET", vaultPath(v.id) + "/heads/0", alice, nil, 400},
				{"head version not a number", "GET", vaultPath(v.id) + "/heads/x", alice, nil, 400},
				{"vault id too long", "GET", "/v1/vaults/" + strings.Repeat("v", 256) + "/head", alice, nil, 400},
				{"service account key not a pubkey", "POST", vaultPath(v.id) + "/service-accounts", alice,
					map[string]any{"public_key": b64(bob.bundle()), "verifier": hex.EncodeToString(sa.verifier())}, 400},
				{"verifier of 31 bytes", "POST", vaultPath(v.id) + "/service-accounts", alice,
					map[string]any{"public_key": b64(newServiceAcct().blob()), "verifier": b64(randBytes(31))}, 400},
				{"batch with an item missing", "PUT", bp, alice, batchBody(batch, items[:1]), 400},
				{"batch with items swapped", "PUT", bp, alice, batchBody(batch, [][]byte{items[1], items[0]}), 400},
				{"batch cut short", "PUT", bp, alice, batchBody(batch[:len(batch)-1], items), 400},
				{"batch of another vault", "PUT", vaultPath([]byte("w")) + "/service-accounts/" + hex.EncodeToString(sa.keyID()) + "/batch",
					alice, batchBody(batch, items), 400},
				{"item of another batch", "PUT", bp, alice, func() any {
					_, others := sa.batch(alice, v.id, 1, 2)
					return batchBody(batch, [][]byte{items[0], others[1]})
				}(), 400},
				{"key id not hex", "PUT", vaultPath(v.id) + "/service-accounts/zz/batch", alice, batchBody(batch, items), 400},
				{"vault id ..", "POST", "/v1/vaults", alice, func() any {
					spec := headSpec{vault: []byte(".."), version: 1, epoch: 1, keyID: randBytes(16), roster: []entry{memberEntry(alice, permAdmin)}}
					return map[string]any{"head": b64(spec.sign(alice)), "share": b64(alice.share(alice, 1))}
				}(), 400},
				{"unknown endpoint", "GET", "/v1/nothing", nil, nil, 404},
				{"wrong method", "PATCH", "/v1/accounts", nil, nil, 405},
			}
			for _, c := range cases {
				r := e.call(c.method, c.path, c.auth, c.body)
				if r.status != c.status {
					t.Errorf("%s: status %d, want %d: %s", c.name, r.status, c.status, r.raw)
					continue
				}
				if r.str("error") == "" {
					t.Errorf("%s: no error message: %s", c.name, r.raw)
				}
			}
			if after := snapshot(e, alice, v); !bytes.Equal(before, after) {
				t.Fatal("a refused request changed the stored state")
			}
			// The state still accepts the well-formed versions of the same requests.
			e.must(200, "PUT", vaultPath(v.id)+"/head", alice, map[string]any{"head": b64(head)})
		})
	}
}

// snapshot is what a member sees of a vault and of the accounts, to compare before and after.
func snapshot(e *env, m *member, v *vaultFixture) []byte {
	var out []byte
	for _, p := range []string{"/head", "/secrets", "/shares/self"} {
		out = append(out, e.must(200, "GET", vaultPath(v.id)+p, m, nil).raw...)
	}
	out = append(out, e.must(200, "GET", "/v1/account", m, nil).raw...)
	for _, login := range []string{"bob", "carol"} {
		out = append(out, e.call("GET", "/v1/accounts/"+login+"/password-record", nil, nil).raw...)
	}
	return out
}

package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"testing"
)

// secretsOf is the vault's stored secrets as index (hex) -> blob.
func (e *env) secretsOf(v *vaultFixture) map[string][]byte {
	e.t.Helper()
	r := e.must(200, "GET", vaultPath(v.id)+"/secrets", v.admin, nil)
	out := map[string][]byte{}
	list, _ := r.json["secrets"].([]any)
	for _, it := range list {
		m := it.(map[string]any)
		raw, err := base64.StdEncoding.DecodeString(m["secret"].(string))
		if err != nil {
			e.t.Fatalf("secret list: %v", err)
		}
		out[m["index"].(string)] = raw
	}
	return out
}

func change(index []byte, secret []byte) map[string]any {
	return map[string]any{"index": hex.EncodeToString(index), "secret": b64(secret)}
}

// TestHeadSecrets: secrets sent with a head are stored in the head's transaction or not at all.
func TestHeadSecrets(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b, nil)
			alice := newMember("alice")
			e.register(alice)

			// A vault created with its first secrets.
			spec := headSpec{vault: []byte("committed"), version: 1, epoch: 1, keyID: randBytes(16),
				roster: []entry{memberEntry(alice, permAdmin|permWrite)}}
			head := spec.sign(alice)
			i1, s1 := randBytes(32), sealedSecret(spec.keyID, 1)
			e.must(201, "POST", "/v1/vaults", alice, map[string]any{"head": b64(head),
				"share": b64(alice.share(alice, 1)), "secrets": []any{change(i1, s1)}})
			v := &vaultFixture{id: spec.vault, spec: spec, head: head, admin: alice}
			if got := e.secretsOf(v); len(got) != 1 || !bytes.Equal(got[hex.EncodeToString(i1)], s1) {
				t.Fatalf("secrets after creation: %d", len(got))
			}

			// The next head adds one, replaces none, deletes the first.
			i2, s2 := randBytes(32), sealedSecret(spec.keyID, 1)
			next := v.spec.next(v.head)
			nextHead := next.sign(alice)
			e.must(200, "PUT", vaultPath(v.id)+"/head", alice, map[string]any{"head": b64(nextHead),
				"secrets": []any{change(i2, s2)}, "deleted": []any{hex.EncodeToString(i1)}})
			v.spec, v.head = next, nextHead
			if got := e.secretsOf(v); len(got) != 1 || !bytes.Equal(got[hex.EncodeToString(i2)], s2) {
				t.Fatalf("secrets after the second head: %d", len(got))
			}

			// A writer that lost the race (a head of the same version) leaves nothing behind.
			stale := v.spec // the spec of the stored head: version 2 again, on head 1
			stale.version, stale.prev = 2, headHash(head)
			i3 := randBytes(32)
			r := e.refused(409, "PUT", vaultPath(v.id)+"/head", alice, map[string]any{"head": b64(stale.sign(alice)),
				"secrets": []any{change(i3, sealedSecret(spec.keyID, 1))}, "deleted": []any{hex.EncodeToString(i2)}})
			if !bytes.Equal(r.blob("head"), v.head) {
				t.Fatal("409 without the current head")
			}
			if got := e.secretsOf(v); len(got) != 1 || got[hex.EncodeToString(i2)] == nil {
				t.Fatal("a lost race changed the secrets")
			}

			// Refused before anything is written, each with its reason.
			good := v.spec.next(v.head)
			goodHead := good.sign(alice)
			bad := map[string]map[string]any{
				"another epoch's secret": {"secrets": []any{change(randBytes(32), sealedSecret(spec.keyID, 2))}},
				"another vault key's":    {"secrets": []any{change(randBytes(32), sealedSecret(randBytes(16), 1))}},
				"an index twice":         {"secrets": []any{change(i3, sealedSecret(spec.keyID, 1))}, "deleted": []any{hex.EncodeToString(i3)}},
				"an upper-case index":    {"deleted": []any{"AA" + hex.EncodeToString(i3)[2:]}},
				"a short index":          {"deleted": []any{"abcd"}},
				"not a secret blob":      {"secrets": []any{change(randBytes(32), alice.share(alice, 1))}},
				"bad base64":             {"secrets": []any{map[string]any{"index": hex.EncodeToString(i3), "secret": "%%%"}}},
				"an unknown field":       {"secrets": []any{map[string]any{"index": hex.EncodeToString(i3), "secret": b64(s2), "name": "x"}}},
			}
			for what, extra := range bad {
				body := map[string]any{"head": b64(goodHead)}
				for k, val := range extra {
					body[k] = val
				}
				r := e.call("PUT", vaultPath(v.id)+"/head", alice, body)
				if r.status != 400 {
					t.Fatalf("%s: status %d (%s), want 400", what, r.status, r.raw)
				}
			}
			cur := e.must(200, "GET", vaultPath(v.id)+"/head", alice, nil)
			if !bytes.Equal(cur.blob("head"), v.head) {
				t.Fatal("a refused head was stored")
			}
			if got := e.secretsOf(v); len(got) != 1 || !bytes.Equal(got[hex.EncodeToString(i2)], s2) {
				t.Fatal("a refused head changed the secrets")
			}
			// Deleting an index that holds nothing is not an error: the head's root says what is there.
			e.must(200, "PUT", vaultPath(v.id)+"/head", alice, map[string]any{"head": b64(goodHead),
				"deleted": []any{hex.EncodeToString(randBytes(32))}})
		})
	}
}

// TestHeadShares: shares sent with a head are checked against the new head and stored with it; a
// rotation must carry the signer's own share; the secret list names the head version it is of.
func TestHeadShares(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b, nil)
			alice, bob, carol := newMember("alice"), newMember("bob"), newMember("carol")
			for _, m := range []*member{alice, bob, carol} {
				e.register(m)
			}
			v := e.createVault(alice, "rotating", memberEntry(bob, permWrite))
			e.must(204, "PUT", vaultPath(v.id)+"/shares/bob", alice, map[string]any{"share": b64(bob.share(alice, 1))})
			path := vaultPath(v.id) + "/head"
			shareOf := func(m *member, epoch uint32) map[string]any {
				return map[string]any{"login": m.login, "share": b64(m.share(alice, epoch))}
			}

			rotate := v.spec.next(v.head)
			rotate.epoch, rotate.keyID = 2, randBytes(16)
			head := rotate.sign(alice)
			refusedWith := func(status int, what string, body map[string]any) {
				t.Helper()
				body["head"] = b64(head)
				if r := e.call("PUT", path, alice, body); r.status != status {
					t.Fatalf("%s: %d (%s), want %d", what, r.status, r.raw, status)
				}
			}
			refusedWith(400, "a rotation without the signer's share", map[string]any{"shares": []any{shareOf(bob, 2)}})
			refusedWith(400, "a share of the old epoch", map[string]any{"shares": []any{shareOf(alice, 1)}})
			refusedWith(400, "a share for someone outside the roster", map[string]any{"shares": []any{shareOf(alice, 2), shareOf(carol, 2)}})
			refusedWith(400, "a login twice", map[string]any{"shares": []any{shareOf(alice, 2), shareOf(alice, 2)}})
			refusedWith(404, "a share for no account", map[string]any{"shares": []any{shareOf(alice, 2),
				map[string]any{"login": "nobody", "share": b64(carol.share(alice, 2))}}})
			wrongKey := map[string]any{"login": "bob", "share": b64(carol.share(alice, 2))}
			refusedWith(400, "a share to another key than the recipient's", map[string]any{"shares": []any{shareOf(alice, 2), wrongKey}})
			refusedWith(400, "more secrets than the head's leaves", map[string]any{"shares": []any{shareOf(alice, 2)},
				"secrets": []any{change(randBytes(32), sealedSecret(rotate.keyID, 2)), change(randBytes(32), sealedSecret(rotate.keyID, 2))}})
			if got := e.must(200, "GET", path, alice, nil); !bytes.Equal(got.blob("head"), v.head) {
				t.Fatal("a refused rotation was stored")
			}
			if s := e.must(200, "GET", vaultPath(v.id)+"/shares/self", bob, nil); len(s.json["shares"].([]any)) != 1 {
				t.Fatal("a refused rotation stored a share")
			}

			// A writer who is not an admin cannot hand out shares, even with a head it may sign.
			plain := v.spec.next(v.head)
			r := e.call("PUT", path, bob, map[string]any{"head": b64(plain.sign(bob)),
				"shares": []any{map[string]any{"login": "bob", "share": b64(bob.share(alice, 1))}}})
			if r.status != 403 {
				t.Fatalf("shares from a writer: %d, want 403", r.status)
			}

			// The rotation with both shares: stored together.
			e.must(200, "PUT", path, alice, map[string]any{"head": b64(head), "shares": []any{shareOf(alice, 2), shareOf(bob, 2)}})
			for _, m := range []*member{alice, bob} {
				s := e.must(200, "GET", vaultPath(v.id)+"/shares/self", m, nil)
				found := false
				for _, it := range s.json["shares"].([]any) {
					found = found || it.(map[string]any)["epoch"].(float64) == 2
				}
				if !found {
					t.Fatalf("%s has no share of epoch 2", m.login)
				}
			}
			if l := e.must(200, "GET", vaultPath(v.id)+"/secrets", bob, nil); l.json["version"].(float64) != 2 {
				t.Fatalf("the secret list names version %v, want 2", l.json["version"])
			}

			// A new vault takes neither deleted nor shares.
			spec := headSpec{vault: []byte("fresh"), version: 1, epoch: 1, keyID: randBytes(16),
				roster: []entry{memberEntry(alice, permAdmin|permWrite)}}
			for _, extra := range []map[string]any{{"deleted": []any{hex.EncodeToString(randBytes(32))}}, {"shares": []any{shareOf(alice, 1)}}} {
				body := map[string]any{"head": b64(spec.sign(alice)), "share": b64(alice.share(alice, 1))}
				for k, x := range extra {
					body[k] = x
				}
				if r := e.call("POST", "/v1/vaults", alice, body); r.status != 400 {
					t.Fatalf("creation with %v: %d", extra, r.status)
				}
			}
		})
	}
}

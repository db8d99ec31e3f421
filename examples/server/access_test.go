package main

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// TestAccessRefusals covers every refusal of docs/server.md's access rules.
func TestAccessRefusals(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b, nil)
			alice, bob, carol, dave := newMember("alice"), newMember("bob"), newMember("carol"), newMember("dave")
			for _, m := range []*member{alice, bob, carol, dave} {
				e.register(m)
			}
			sa, other := newServiceAcct(), newServiceAcct()
			// bob writes, carol only reads, dave is not a member.
			v := e.createVault(alice, "team", memberEntry(bob, permWrite), memberEntry(carol, 0), sa.entry(), other.entry())
			e.must(204, "PUT", vaultPath(v.id)+"/shares/bob", alice, map[string]any{"share": b64(bob.share(alice, 1))})
			e.must(204, "PUT", vaultPath(v.id)+"/shares/carol", alice, map[string]any{"share": b64(carol.share(alice, 1))})
			dv := e.createVault(dave, "dave's")
			secretPath := vaultPath(v.id) + "/secrets/" + hex.EncodeToString(randBytes(32))
			secretBody := map[string]any{"secret": b64(sealedSecret(v.spec.keyID, 1))}

			// No token, a token of the wrong shape, an unknown token, an expired token.
			e.refused(401, "GET", vaultPath(v.id)+"/head", nil, nil)
			e.refused(401, "GET", vaultPath(v.id)+"/head", "Bearer not-a-token", nil)
			e.refused(401, "GET", vaultPath(v.id)+"/head", "Bearer "+b64url(randBytes(32)), nil)
			e.refused(401, "GET", vaultPath(v.id)+"/head", "Basic YWxpY2U6eA==", nil)
			stale := newMember("bob")
			stale.token = bob.token
			e.advance(e.cfg.TokenTTL + time.Second)
			r := e.refused(401, "GET", vaultPath(v.id)+"/head", stale, nil)
			if !strings.Contains(r.str("error"), "expired") {
				t.Fatalf("expired token: %s", r.raw)
			}
			for _, m := range []*member{alice, bob, carol, dave} {
				e.login(m)
			}

			// Another account's vault: the same 404 as a vault that does not exist, for reads and writes.
			missing := e.refused(404, "GET", "/v1/vaults/nope/head", alice, nil)
			for _, c := range []struct{ method, path string }{
				{"GET", vaultPath(dv.id) + "/head"}, {"GET", vaultPath(dv.id) + "/heads/1"},
				{"GET", vaultPath(dv.id) + "/secrets"}, {"GET", vaultPath(dv.id) + "/shares/self"},
				{"DELETE", vaultPath(dv.id) + "/members/dave"},
			} {
				if r := e.refused(404, c.method, c.path, alice, nil); r.str("error") != missing.str("error") {
					t.Fatalf("%s %s reveals more than a missing vault: %s", c.method, c.path, r.raw)
				}
			}
			e.refused(404, "PUT", vaultPath(dv.id)+"/secrets/"+hex.EncodeToString(randBytes(32)), alice, secretBody)
			// dave's head for his own vault, put to alice's path, or alice's successor put by dave.
			e.refused(404, "PUT", vaultPath(v.id)+"/head", dave, map[string]any{"head": b64(v.spec.next(v.head).sign(dave))})

			// Rights inside the vault: carol reads but may not write; bob writes but may not
			// administer; a head signed by someone other than the caller is refused.
			e.must(200, "GET", vaultPath(v.id)+"/head", carol, nil)
			e.refused(403, "PUT", secretPath, carol, secretBody)
			e.refused(403, "PUT", vaultPath(v.id)+"/head", carol, map[string]any{"head": b64(v.spec.next(v.head).sign(carol))})
			e.refused(403, "PUT", vaultPath(v.id)+"/head", bob, map[string]any{"head": b64(v.spec.next(v.head).sign(alice))})
			grab := v.spec.next(v.head)
			grab.roster = []entry{memberEntry(alice, permAdmin), memberEntry(bob, permAdmin)}
			e.refused(403, "PUT", vaultPath(v.id)+"/head", bob, map[string]any{"head": b64(grab.sign(bob))})
			rotate := v.spec.next(v.head)
			rotate.epoch, rotate.keyID = 2, randBytes(16)
			e.refused(403, "PUT", vaultPath(v.id)+"/head", bob, map[string]any{"head": b64(rotate.sign(bob))})
			e.refused(403, "PUT", vaultPath(v.id)+"/shares/dave", bob, map[string]any{"share": b64(dave.share(bob, 1))})
			e.refused(403, "DELETE", vaultPath(v.id)+"/members/carol", bob, nil)
			e.refused(403, "POST", vaultPath(v.id)+"/service-accounts", bob,
				map[string]any{"public_key": b64(sa.blob()), "verifier": hex.EncodeToString(sa.verifier())})
			// A share for someone outside the roster, or not to their key.
			e.refused(400, "PUT", vaultPath(v.id)+"/shares/dave", alice, map[string]any{"share": b64(dave.share(alice, 1))})
			e.refused(400, "PUT", vaultPath(v.id)+"/shares/bob", alice, map[string]any{"share": b64(carol.share(alice, 1))})
			e.refused(404, "PUT", vaultPath(v.id)+"/shares/nosuch", alice, map[string]any{"share": b64(carol.share(alice, 1))})
			e.must(204, "PUT", secretPath, bob, secretBody)

			// Service accounts: each reads only its own batch.
			for _, s := range []*serviceAcct{sa, other} {
				e.must(201, "POST", vaultPath(v.id)+"/service-accounts", alice,
					map[string]any{"public_key": b64(s.blob()), "verifier": b64(s.verifier())})
			}
			batch, items := sa.batch(bob, v.id, 1, 2)
			e.must(204, "PUT", vaultPath(v.id)+"/service-accounts/"+hex.EncodeToString(sa.keyID())+"/batch", bob, batchBody(batch, items))
			batchURL := "/v1/service-accounts/self/batches/" + pathEscape(v.id)
			e.must(200, "GET", batchURL, sa.authorization(), nil)
			e.refused(404, "GET", batchURL, other.authorization(), nil) // registered, but no batch of its own
			e.refused(404, "GET", "/v1/service-accounts/self/batches/"+pathEscape(dv.id), sa.authorization(), nil)
			// A batch of sa's put under other's key id is refused.
			e.refused(400, "PUT", vaultPath(v.id)+"/service-accounts/"+hex.EncodeToString(other.keyID())+"/batch", bob, batchBody(batch, items))
			wrongCred := &serviceAcct{pub: sa.pub, credential: randBytes(32)}
			unknown := newServiceAcct()
			r1 := e.refused(401, "GET", batchURL, wrongCred.authorization(), nil)
			r2 := e.refused(401, "GET", batchURL, unknown.authorization(), nil)
			if r1.str("error") != r2.str("error") {
				t.Fatal("a wrong credential and an unknown service account must get the same answer")
			}
			e.refused(401, "GET", batchURL, nil, nil)
			e.refused(401, "GET", batchURL, strings.ToUpper(sa.authorization()[:7])+sa.authorization()[7:40]+
				strings.ToUpper(sa.authorization()[40:]), nil)
			e.refused(401, "GET", batchURL, alice, nil)                             // a member token is not a service account's
			e.refused(401, "GET", vaultPath(v.id)+"/head", sa.authorization(), nil) // and the other way round
			// Registering a known key again under another verifier is refused; the first stays.
			e.refused(409, "POST", vaultPath(dv.id)+"/service-accounts", dave,
				map[string]any{"public_key": b64(sa.blob()), "verifier": b64(randBytes(32))})
			e.must(200, "GET", batchURL, sa.authorization(), nil)

			// Removing a member: carol loses every read at once, with the same 404 as a stranger.
			e.must(204, "DELETE", vaultPath(v.id)+"/members/carol", alice, nil)
			for _, p := range []string{"/head", "/heads/1", "/secrets", "/shares/self"} {
				e.refused(404, "GET", vaultPath(v.id)+p, carol, nil)
			}
			e.refused(404, "GET", secretPath, carol, nil)
			e.refused(404, "DELETE", vaultPath(v.id)+"/members/carol", alice, nil)
			if r := e.must(200, "GET", "/v1/vaults", carol, nil); len(r.json["vaults"].([]any)) != 0 {
				t.Fatalf("removed member still lists the vault: %s", r.raw)
			}
			// A member removed from the roster by a new head cannot sign the next one.
			e.advanceHead(v, alice, []entry{memberEntry(alice, permAdmin|permWrite), memberEntry(carol, 0), sa.entry(), other.entry()})
			e.must(204, "DELETE", vaultPath(v.id)+"/members/bob", alice, nil)
			e.refused(404, "PUT", vaultPath(v.id)+"/head", bob, map[string]any{"head": b64(v.spec.next(v.head).sign(bob))})
			e.refused(404, "PUT", secretPath, bob, secretBody)
		})
	}
}

// TestServiceAccountLimit: failed service-account credentials count against the address, which is
// then refused even with the right credential until the window passes.
func TestServiceAccountLimit(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b, func(c *Config) { c.AddressFailures = 3 })
			alice := newMember("alice")
			e.register(alice)
			sa := newServiceAcct()
			v := e.createVault(alice, "v", sa.entry())
			e.must(201, "POST", vaultPath(v.id)+"/service-accounts", alice,
				map[string]any{"public_key": b64(sa.blob()), "verifier": hex.EncodeToString(sa.verifier())})
			batch, items := sa.batch(alice, v.id, 1, 1)
			e.must(204, "PUT", vaultPath(v.id)+"/service-accounts/"+hex.EncodeToString(sa.keyID())+"/batch", alice, batchBody(batch, items))
			url := "/v1/service-accounts/self/batches/v"
			e.must(200, "GET", url, sa.authorization(), nil)
			wrong := &serviceAcct{pub: sa.pub, credential: randBytes(32)}
			for i := 0; i < 3; i++ {
				e.refused(401, "GET", url, wrong.authorization(), nil)
			}
			e.refused(429, "GET", url, sa.authorization(), nil)
			e.advance(e.cfg.FailureWindow + time.Second)
			e.must(200, "GET", url, sa.authorization(), nil)
		})
	}
}

package main

import (
	"bytes"
	"testing"
)

// TestReplaceCredentials: protocol.md section 4.7's replacement of record, login key and wrapped
// keys: refused without the old login key or with keys of another bundle (nothing changes), and
// once done the old login key and every old token stop working.
func TestReplaceCredentials(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b, nil)
			alice, bob := newMember("alice"), newMember("bob")
			e.register(alice)
			e.register(bob)
			other := &member{login: alice.login, loginKey: alice.loginKey, identity: alice.identity}
			e.login(other) // a second session of alice's
			before := e.must(200, "GET", "/v1/account", alice, nil).raw
			newKey, newRecord := randBytes(32), passwordRecord()
			body := func(old []byte, wid, wenc []byte) map[string]any {
				return map[string]any{"old_login_key": b64(old), "record": b64(newRecord), "login_key": b64(newKey),
					"wrapped_identity": b64(wid), "wrapped_encryption": b64(wenc)}
			}
			wid, wenc := wrappedFor(typeWrappedID, alice.pub()), wrappedFor(typeWrappedEnc, alice.encPub)
			e.refused(403, "PUT", "/v1/account/credentials", alice, body(randBytes(32), wid, wenc))
			e.refused(400, "PUT", "/v1/account/credentials", alice, body(alice.loginKey, wrappedFor(typeWrappedID, bob.pub()), wenc))
			e.refused(400, "PUT", "/v1/account/credentials", alice, body(alice.loginKey, wid, wrapped(typeWrappedEnc)))
			e.refused(400, "PUT", "/v1/account/credentials", alice, body(alice.loginKey, wenc, wid))
			e.refused(401, "PUT", "/v1/account/credentials", nil, body(alice.loginKey, wid, wenc))
			if after := e.must(200, "GET", "/v1/account", alice, nil).raw; !bytes.Equal(before, after) {
				t.Fatal("a refused replacement changed the account")
			}

			e.must(204, "PUT", "/v1/account/credentials", alice, body(alice.loginKey, wid, wenc))
			e.refused(401, "GET", "/v1/account", alice, nil)
			e.refused(401, "GET", "/v1/account", other, nil)
			e.refused(401, "POST", "/v1/sessions", nil, map[string]any{"login": "alice", "login_key": b64(alice.loginKey)})
			alice.loginKey = newKey
			e.login(alice)
			acct := e.must(200, "GET", "/v1/account", alice, nil)
			if !bytes.Equal(acct.blob("record"), newRecord) || !bytes.Equal(acct.blob("wrapped_identity"), wid) ||
				!bytes.Equal(acct.blob("wrapped_encryption"), wenc) || !bytes.Equal(acct.blob("bundle"), alice.bundle()) {
				t.Fatal("the account does not hold the new credentials")
			}
			if r := e.must(200, "GET", "/v1/accounts/alice/password-record", nil, nil); !bytes.Equal(r.blob("record"), newRecord) {
				t.Fatal("the old record is still served")
			}
			// bob's account is untouched.
			e.must(200, "GET", "/v1/account", bob, nil)
		})
	}
}

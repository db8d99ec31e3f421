package cloak_test

import (
	"bytes"
	"testing"

	"libcloak.dev/cloak"
)

// A mixed vault (docs/protocol.md section 10.8): Alice (admin) with an X-Wing key, Bob (writer)
// who registered with an X25519 key, an X-Wing CI account and an X25519 one. Shares and batches go
// to each in its own suite through the head, which names every current key. Bob then moves to an
// X-Wing key: the server serving his older X25519 bundle cannot have a share made to it, nor pass
// one made to it. Alice finally makes the vault post-quantum only, with a rotation: no X25519
// share or batch is made or accepted in it any more.

type mixedVault struct {
	vid            []byte
	alice, bob     *cloak.IdentityKey
	aliceKey       *cloak.EncryptionKey // X-Wing
	bobOld, bobNew *cloak.EncryptionKey // X25519, then X-Wing
	ci, ciOld      *cloak.EncryptionKey // X-Wing and X25519 service accounts
	root           cloak.MerkleHash
}

func newMixedVault(t *testing.T) *mixedVault {
	m := &mixedVault{vid: []byte("mixed-vault")}
	m.alice, m.bob = ok(cloak.GenerateIdentityKey()), ok(cloak.GenerateIdentityKey())
	m.aliceKey = ok(cloak.GenerateEncryptionKey())
	m.bobOld, m.bobNew = newKey(t, cloak.SuiteX25519), newKey(t, cloak.SuiteXWing)
	m.ci, m.ciOld = ok(cloak.GenerateEncryptionKey()), newKey(t, cloak.SuiteX25519)
	m.root = ok(cloak.MerkleRoot(nil))
	return m
}

// roster is the sorted roster of Alice (admin), Bob (writer) with the given key, and the service
// accounts given.
func (m *mixedVault) roster(t *testing.T, bobKey *cloak.EncryptionKey, accounts ...*cloak.EncryptionKey) []cloak.RosterEntry {
	t.Helper()
	entries := []cloak.RosterEntry{
		ok(cloak.MemberEntry(m.alice.Public(), cloak.PermissionAdmin|cloak.PermissionWrite, m.aliceKey.Public())),
		ok(cloak.MemberEntry(m.bob.Public(), cloak.PermissionWrite, bobKey.Public())),
	}
	for _, a := range accounts {
		entries = append(entries, ok(cloak.ServiceAccountEntry(a.Public())))
	}
	cloak.SortRoster(entries)
	return entries
}

func (m *mixedVault) head(t *testing.T, epoch uint32, vk *cloak.VaultKey, version uint64, prev cloak.HeadHash,
	policy uint32, roster []cloak.RosterEntry, signer *cloak.IdentityKey) []byte {
	t.Helper()
	return ok(cloak.CreateHead(m.vid, epoch, vk.ID(), version, prev, testExpiry, m.root, 0, policy, roster, signer))
}

func TestRosterEntries(t *testing.T) {
	id := ok(cloak.GenerateIdentityKey())
	for _, suite := range suites {
		k := newKey(t, suite)
		e := ok(cloak.MemberEntry(id.Public(), cloak.PermissionWrite, k.Public()))
		raw := ok(cloak.NewRosterEntry(cloak.RosterMember, cloak.PermissionWrite, suite, id.Public(), k.Public().ID()))
		if e != raw {
			t.Fatalf("%v: MemberEntry is not the entry of its fields", suite)
		}
		// Section 10.2's layout: kind, permissions, suite (u16), public key, encryption key id.
		idPub, kid := id.Public(), k.Public().ID()
		eq(t, "member entry", e[:], cat([]byte{1, 1, 0, byte(suite)}, idPub[:], kid[:]))
		a := ok(cloak.ServiceAccountEntry(k.Public()))
		rk := ok(k.Public().RosterKey())
		eq(t, "service account entry", a[:], cat([]byte{2, 0, 0, byte(suite)}, rk[:], kid[:]))
		if suite == cloak.SuiteXWing {
			// An X-Wing account is named by its key hash, whose first 16 bytes are its key id.
			kh := ok(k.Public().(cloak.XWingPublicKey).KeyHash())
			eq(t, "an X-Wing account's roster key", rk[:], kh[:])
			eq(t, "its key id", kid[:], kh[:16])
		}
	}
	for _, s := range []cloak.Suite{0, 3} {
		_, err := cloak.NewRosterEntry(cloak.RosterMember, 0, s, id.Public(), cloak.KeyID{})
		wantErr(t, "roster entry of suite "+s.String(), err, cloak.ErrBadParams)
	}
	_, err := cloak.MemberEntry(id.Public(), 0, nil)
	wantErr(t, "member entry without a key", err, cloak.ErrBadParams)
	_, err = cloak.ServiceAccountEntry(nil)
	wantErr(t, "service account entry without a key", err, cloak.ErrBadParams)
	// A service account's key id must be its key's (its key hash's, for X-Wing).
	xw := ok(cloak.GenerateEncryptionKey())
	_, err = cloak.NewRosterEntry(cloak.RosterServiceAccount, 0, cloak.SuiteXWing, ok(xw.Public().RosterKey()), cloak.KeyID{1})
	wantErr(t, "service account entry with another key id", err, cloak.ErrBadParams)

	// SortRoster: members first, then by public key.
	var entries []cloak.RosterEntry
	for i := 0; i < 6; i++ {
		k := ok(cloak.GenerateEncryptionKey())
		if i%2 == 0 {
			entries = append(entries, ok(cloak.ServiceAccountEntry(k.Public())))
		} else {
			entries = append(entries, ok(cloak.MemberEntry(ok(cloak.GenerateIdentityKey()).Public(), 0, k.Public())))
		}
	}
	cloak.SortRoster(entries)
	for i := 1; i < len(entries); i++ {
		a, b := entries[i-1], entries[i]
		if a[0] > b[0] || a[0] == b[0] && bytes.Compare(a[4:36], b[4:36]) >= 0 {
			t.Fatalf("entries %d and %d out of order", i-1, i)
		}
	}
}

func TestMixedVault(t *testing.T) {
	m := newMixedVault(t)
	vk1 := ok(cloak.GenerateVaultKey())
	roster1 := m.roster(t, m.bobOld, m.ci, m.ciOld)
	head1 := m.head(t, 1, vk1, 1, cloak.HeadHash{}, 0, roster1, m.alice)
	trusted := []cloak.IdentityPublicKey{m.alice.Public()}
	h1 := ok(cloak.VerifyFirstHead(head1, m.vid, trusted))
	defer h1.Wipe()
	for _, c := range []struct {
		kind  uint32
		key   [32]byte
		suite cloak.Suite
		id    cloak.KeyID
	}{
		{cloak.RosterMember, m.alice.Public(), cloak.SuiteXWing, m.aliceKey.Public().ID()},
		{cloak.RosterMember, m.bob.Public(), cloak.SuiteX25519, m.bobOld.Public().ID()},
		{cloak.RosterServiceAccount, ok(m.ci.Public().RosterKey()), cloak.SuiteXWing, m.ci.Public().ID()},
		{cloak.RosterServiceAccount, ok(m.ciOld.Public().RosterKey()), cloak.SuiteX25519, m.ciOld.Public().ID()},
	} {
		_, suite, id, err := h1.RosterFind(c.kind, c.key)
		must(t, err)
		if suite != c.suite || id != c.id {
			t.Fatalf("roster entry: suite %v id %v, want %v %v", suite, id, c.suite, c.id)
		}
	}
	// An X-Wing account is found by its key hash, not by 32 bytes of its key.
	_, _, _, err := h1.RosterFind(cloak.RosterServiceAccount, [32]byte(m.ci.Public().Bytes()[:32]))
	wantErr(t, "an X-Wing account by the start of its key", err, cloak.ErrMismatch)

	// Shares to each member in the suite of its key, through the head.
	toAlice := ok(h1.SealShare(vk1, m.alice.Public(), m.aliceKey.Public(), m.alice))
	toBob := ok(h1.SealShare(vk1, m.bob.Public(), m.bobOld.Public(), m.alice))
	if len(toAlice) != cloak.XWingShareBytes || len(toBob) != cloak.ShareBytes {
		t.Fatalf("shares of %d and %d bytes", len(toAlice), len(toBob))
	}
	for _, c := range []struct {
		share []byte
		me    *cloak.IdentityKey
		key   *cloak.EncryptionKey
	}{{toAlice, m.alice, m.aliceKey}, {toBob, m.bob, m.bobOld}} {
		got := ok(h1.OpenShare(c.share, c.me.Public(), c.key, m.alice.Public()))
		eq(t, "vault key", got.SecretBytes(), vk1.SecretBytes())
	}
	// A share to Alice is not one to Bob, and a member's identity is not a key.
	_, err = h1.OpenShare(toAlice, m.bob.Public(), m.bobOld, m.alice.Public())
	wantErr(t, "Alice's share opened by Bob", err, cloak.ErrMismatch)
	stranger := ok(cloak.GenerateIdentityKey())
	wantErr(t, "a share to a stranger", h1.CheckRecipient(stranger.Public(), m.aliceKey.Public()), cloak.ErrMismatch)
	wantErr(t, "Bob's identity with Alice's key", h1.CheckRecipient(m.bob.Public(), m.aliceKey.Public()), cloak.ErrMismatch)
	// The vault key must be the head's, going out and coming in.
	vkOther := ok(cloak.GenerateVaultKey())
	_, err = h1.SealShare(vkOther, m.bob.Public(), m.bobOld.Public(), m.alice)
	wantErr(t, "a share of another vault key", err, cloak.ErrMismatch)
	foreign := ok(cloak.SealShare(vkOther, 1, m.vid, m.bobOld.Public(), m.alice))
	k, err := h1.OpenShare(foreign, m.bob.Public(), m.bobOld, m.alice.Public())
	wantErr(t, "a share of another vault key, opened", err, cloak.ErrMismatch)
	if k != nil {
		t.Fatal("output on failure")
	}
	// A share of another epoch than the head's.
	wrongEpoch := ok(cloak.SealShare(vk1, 2, m.vid, m.bobOld.Public(), m.alice))
	wantErr(t, "a share of another epoch", h1.CheckShare(m.bob.Public(), wrongEpoch), cloak.ErrMismatch)
	wantErr(t, "a cut share", h1.CheckShare(m.bob.Public(), toBob[:199]), cloak.ErrMalformed)

	// Batches to both accounts, each in its suite.
	for _, acct := range []*cloak.EncryptionKey{m.ci, m.ciOld} {
		w := ok(h1.NewBatchWriter(acct.Public(), m.alice.Public()))
		item, _, d, err := w.SealItem([]byte("API_TOKEN"), []byte("tok_"+acct.Suite().String()))
		must(t, err)
		batch := ok(w.Finish([]cloak.BatchDigest{d}, m.alice))
		if s := ok(cloak.BlobSuite(batch)); s != acct.Suite() {
			t.Fatalf("a batch of suite %v to an account of suite %v", s, acct.Suite())
		}
		r := ok(h1.VerifyBatch(batch, acct, trusted))
		if r.Epoch() != h1.Epoch() || r.HeadVersion() != h1.Version() || r.HeadHash() != h1.Hash() || !r.Expiry().Equal(h1.Expiry()) {
			t.Fatal("the batch does not name the head it was made at")
		}
		must(t, r.Check(1, 1, testNow))
		_, v, err := r.OpenItem(item)
		must(t, err)
		eq(t, "item value", v, []byte("tok_"+acct.Suite().String()))
		// The other account cannot read it.
		other := m.ciOld
		if acct == m.ciOld {
			other = m.ci
		}
		_, err = h1.VerifyBatch(batch, other, trusted)
		wantErr(t, "a batch of another suite's account", err, cloak.ErrUnsupportedSuite)
	}
	unknown := ok(cloak.GenerateEncryptionKey())
	_, err = h1.NewBatchWriter(unknown.Public(), m.alice.Public())
	wantErr(t, "a batch to an account the roster lacks", err, cloak.ErrMismatch)
	wantErr(t, "a member's key as an account", h1.CheckServiceAccountRecipient(m.aliceKey.Public()), cloak.ErrMismatch)
	_, err = h1.NewBatchWriter(nil, m.alice.Public())
	wantErr(t, "a batch to no key", err, cloak.ErrBadParams)
	strayBatch := func(acct *cloak.EncryptionKey, epoch uint32) []byte {
		w := ok(cloak.NewBatchWriter(acct.Public(), m.alice.Public(), m.vid, epoch, 1, h1.Hash(), testExpiry))
		return ok(w.Finish(nil, m.alice))
	}
	wantErr(t, "a batch to an account the roster lacks, received", h1.CheckBatch(strayBatch(unknown, 1)), cloak.ErrMismatch)
	_, err = h1.VerifyBatch(strayBatch(m.ci, 2), m.ci, trusted)
	wantErr(t, "a batch of another epoch", err, cloak.ErrMismatch)

	// Bob moves to an X-Wing key: Alice signs head 2 naming it (a roster change, same epoch).
	roster2 := m.roster(t, m.bobNew, m.ci, m.ciOld)
	head2 := m.head(t, 1, vk1, 2, h1.Hash(), 0, roster2, m.alice)
	h2 := ok(h1.VerifyNext(head2))
	defer h2.Wipe()
	// The server serves Bob's older bundle, validly signed by Bob: refused against the head.
	oldBundle := ok(m.bob.Bundle(m.bobOld.Public()))
	bobID, servedKey := ok2(cloak.VerifyBundle(oldBundle))
	if servedKey.Suite() != cloak.SuiteX25519 {
		t.Fatal("the old bundle's key")
	}
	wantErr(t, "the older X25519 key", h2.CheckRecipient(bobID, servedKey), cloak.ErrMismatch)
	_, err = h2.SealShare(vk1, bobID, servedKey, m.alice)
	wantErr(t, "a share to the older X25519 key", err, cloak.ErrMismatch)
	toBobNew := ok(h2.SealShare(vk1, bobID, m.bobNew.Public(), m.alice))
	if len(toBobNew) != cloak.XWingShareBytes {
		t.Fatal("Bob's new share is not an X-Wing share")
	}
	eq(t, "Bob's vault key", ok(h2.OpenShare(toBobNew, m.bob.Public(), m.bobNew, m.alice.Public())).SecretBytes(),
		vk1.SecretBytes())
	// A share made to the older key anyway (without the head): Bob refuses it before opening,
	// though it would open.
	downgraded := ok(cloak.SealShare(vk1, 1, m.vid, m.bobOld.Public(), m.alice))
	wantErr(t, "a share to the older X25519 key, received", h2.CheckShare(m.bob.Public(), downgraded), cloak.ErrMismatch)
	_, err = h2.OpenShare(downgraded, m.bob.Public(), m.bobOld, m.alice.Public())
	wantErr(t, "a share to the older X25519 key, opened through the head", err, cloak.ErrMismatch)
	_, _, err = cloak.OpenShare(downgraded, m.vid, m.bobOld, m.alice.Public(), 1)
	must(t, err)

	// Post-quantum only: not without a rotation, not with an X25519 key in the roster.
	roster3 := m.roster(t, m.bobNew, m.ci)
	sameEpoch := m.head(t, 1, vk1, 3, h2.Hash(), cloak.VaultPostQuantumOnly, roster3, m.alice)
	_, err = h2.VerifyNext(sameEpoch)
	wantErr(t, "post-quantum only without a new epoch", err, cloak.ErrMismatch)
	vk2 := ok(cloak.GenerateVaultKey())
	_, err = cloak.CreateHead(m.vid, 2, vk2.ID(), 3, h2.Hash(), testExpiry, m.root, 0, cloak.VaultPostQuantumOnly,
		roster2, m.alice)
	wantErr(t, "post-quantum only with an X25519 account", err, cloak.ErrBadParams)
	_, err = cloak.CreateHead(m.vid, 2, vk2.ID(), 3, h2.Hash(), testExpiry, m.root, 0, 2, roster3, m.alice)
	wantErr(t, "an unknown policy bit", err, cloak.ErrBadParams)
	// Bob, a writer, may not change the policy.
	byBob := m.head(t, 2, vk2, 3, h2.Hash(), cloak.VaultPostQuantumOnly, roster3, m.bob)
	_, err = h2.VerifyNext(byBob)
	wantErr(t, "post-quantum only by a writer", err, cloak.ErrUntrustedSigner)
	head3 := m.head(t, 2, vk2, 3, h2.Hash(), cloak.VaultPostQuantumOnly, roster3, m.alice)
	h3 := ok(h2.VerifyNext(head3))
	defer h3.Wipe()
	if !h3.PostQuantumOnly() || h3.Policy() != cloak.VaultPostQuantumOnly || h2.PostQuantumOnly() {
		t.Fatal("head policies")
	}

	// Nothing of suite 1 is made or accepted in it.
	wantErr(t, "an X25519 key", h3.CheckRecipient(m.bob.Public(), m.bobOld.Public()), cloak.ErrPolicy)
	_, err = h3.SealShare(vk2, m.bob.Public(), m.bobOld.Public(), m.alice)
	wantErr(t, "a share to an X25519 key", err, cloak.ErrPolicy)
	x25519Share := ok(cloak.SealShare(vk2, 2, m.vid, m.bobOld.Public(), m.alice))
	wantErr(t, "an X25519 share, received", h3.CheckShare(m.bob.Public(), x25519Share), cloak.ErrPolicy)
	_, err = h3.OpenShare(x25519Share, m.bob.Public(), m.bobOld, m.alice.Public())
	wantErr(t, "an X25519 share, opened", err, cloak.ErrPolicy)
	wantErr(t, "an X25519 account", h3.CheckServiceAccountRecipient(m.ciOld.Public()), cloak.ErrPolicy)
	_, err = h3.NewBatchWriter(m.ciOld.Public(), m.alice.Public())
	wantErr(t, "a batch to an X25519 account", err, cloak.ErrPolicy)
	w := ok(cloak.NewBatchWriter(m.ciOld.Public(), m.alice.Public(), m.vid, 2, 3, h3.Hash(), testExpiry))
	x25519Batch := ok(w.Finish(nil, m.alice))
	wantErr(t, "an X25519 batch, received", h3.CheckBatch(x25519Batch), cloak.ErrPolicy)
	_, err = h3.VerifyBatch(x25519Batch, m.ciOld, trusted)
	wantErr(t, "an X25519 batch, verified", err, cloak.ErrPolicy)
	// ...while X-Wing shares and batches go on.
	toBob3 := ok(h3.SealShare(vk2, m.bob.Public(), m.bobNew.Public(), m.alice))
	eq(t, "the rotated key", ok(h3.OpenShare(toBob3, m.bob.Public(), m.bobNew, m.alice.Public())).SecretBytes(),
		vk2.SecretBytes())
	w3 := ok(h3.NewBatchWriter(m.ci.Public(), m.alice.Public()))
	_ = ok(h3.VerifyBatch(ok(w3.Finish(nil, m.alice)), m.ci, trusted))
	// The shares of the first epoch are of another epoch now.
	_, err = h3.OpenShare(toBobNew, m.bob.Public(), m.bobNew, m.alice.Public())
	wantErr(t, "a share of the old epoch", err, cloak.ErrMismatch)

	// Clearing the policy is an admin's change like any other.
	head4 := m.head(t, 2, vk2, 4, h3.Hash(), 0, roster3, m.alice)
	h4 := ok(h3.VerifyNext(head4))
	if h4.PostQuantumOnly() {
		t.Fatal("the policy stays")
	}
	h4.Wipe()
	_, err = h4.SealShare(vk2, m.bob.Public(), m.bobNew.Public(), m.alice)
	wantErr(t, "a share through a wiped head", err, cloak.ErrBadState)
	wantErr(t, "a check on a wiped head", h4.CheckBatch(x25519Batch), cloak.ErrBadState)
}

// TestMixedKeysUnderOneMaster wraps and exports keys of both suites for one member: each comes
// back in its suite, and each opens what was sealed to it.
func TestMixedKeysUnderOneMaster(t *testing.T) {
	master := ok(cloak.MasterKeyFromBytes(randBytes(32)))
	alice := ok(cloak.GenerateIdentityKey())
	vk := ok(cloak.GenerateVaultKey())
	for _, suite := range suites {
		for _, serviceAccount := range []bool{false, true} {
			k := newKey(t, suite)
			var wrapped []byte
			var back *cloak.EncryptionKey
			if serviceAccount {
				wrapped = ok(k.WrapServiceAccount(master))
				back = ok(cloak.UnwrapServiceAccountKey(master, wrapped))
				again := ok(cloak.ImportServiceAccountPrivate(ok(back.ExportServiceAccountPrivate())))
				if again.Public() != k.Public() {
					t.Fatal("export and import")
				}
			} else {
				wrapped = ok(k.Wrap(master))
				back = ok(cloak.UnwrapEncryptionKey(master, wrapped))
			}
			if back.Suite() != suite || back.Public() != k.Public() {
				t.Fatalf("%v: the unwrapped key", suite)
			}
			pk, _, err := cloak.WrappedKeyPublicKey(wrapped)
			must(t, err)
			eq(t, "wrapped public key", pk, k.Public().Bytes())
			share := ok(cloak.SealShare(vk, 1, []byte("v"), k.Public(), alice))
			got, _, err := cloak.OpenShare(share, []byte("v"), back, alice.Public(), 1)
			must(t, err)
			eq(t, "vault key", got.SecretBytes(), vk.SecretBytes())
		}
	}
}

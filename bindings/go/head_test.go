package cloak_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"
	"testing"
	"time"

	"libcloak.dev/cloak"
)

// A vault's story in heads: Alice (admin) creates the vault with Bob (writer) and Carol (writer)
// and a CI service account; Bob adds a secret; Alice removes Carol and rotates. The server tries a
// fork, a rollback, a gap, an epoch jump, a head by a removed member, a roster change by a mere
// writer, an expired head and a dropped secret.

type headWorld struct {
	vid                []byte
	alice, bob, carol  *cloak.IdentityKey
	aliceE, bobE, carE *cloak.EncryptionKey
	ci                 *cloak.EncryptionKey
	expiry             time.Time
}

func newHeadWorld(t testing.TB) *headWorld {
	t.Helper()
	w := &headWorld{vid: []byte("vault-heads"), expiry: testExpiry}
	w.alice, _ = cloak.GenerateIdentityKey()
	w.bob, _ = cloak.GenerateIdentityKey()
	w.carol, _ = cloak.GenerateIdentityKey()
	w.aliceE, _ = cloak.GenerateEncryptionKey()
	w.bobE, _ = cloak.GenerateEncryptionKey()
	w.carE, _ = cloak.GenerateEncryptionKey()
	w.ci, _ = cloak.GenerateEncryptionKey()
	return w
}

func member(t testing.TB, id *cloak.IdentityKey, enc *cloak.EncryptionKey, perms uint32) cloak.RosterEntry {
	t.Helper()
	return ok(cloak.MemberEntry(id.Public(), perms, enc.Public()))
}

func serviceAccount(t testing.TB, k *cloak.EncryptionKey) cloak.RosterEntry {
	t.Helper()
	return ok(cloak.ServiceAccountEntry(k.Public()))
}

// sortedRoster sorts entries by kind, then public key, as CreateHead takes them.
func sortedRoster(entries ...cloak.RosterEntry) []cloak.RosterEntry {
	cloak.SortRoster(entries)
	return entries
}

func (w *headWorld) fullRoster(t testing.TB) []cloak.RosterEntry {
	return sortedRoster(member(t, w.alice, w.aliceE, cloak.PermissionAdmin|cloak.PermissionWrite),
		member(t, w.bob, w.bobE, cloak.PermissionWrite), member(t, w.carol, w.carE, cloak.PermissionWrite),
		serviceAccount(t, w.ci))
}

// secrets seals n secrets under v and returns their sorted leaves and their blind indexes by name.
func secrets(t testing.TB, v *cloak.Vault, names ...string) ([]cloak.MerkleLeaf, map[string][]byte, map[string][]byte) {
	t.Helper()
	var leaves []cloak.MerkleLeaf
	index, sealedBy := map[string][]byte{}, map[string][]byte{}
	for _, n := range names {
		bi := ok(v.BlindIndex([]byte(n)))
		sealed := ok(v.Seal([]byte(n), []byte("value of "+n), nil))
		leaves = append(leaves, ok(cloak.NewMerkleLeaf(bi, sealed)))
		index[n], sealedBy[n] = bi, sealed
	}
	cloak.SortMerkleLeaves(leaves)
	return leaves, index, sealedBy
}

// specTreeHash is RFC 9162 section 2.1's tree hash with SHA-256 over the leaves' 64 bytes, as the
// spec defines the vault's Merkle tree; the empty tree is SHA-256 of nothing.
func specTreeHash(leaves []cloak.MerkleLeaf) [32]byte {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return sha256.Sum256(append([]byte{0}, leaves[0][:]...))
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	l, r := specTreeHash(leaves[:k]), specTreeHash(leaves[k:])
	return sha256.Sum256(cat([]byte{1}, l[:], r[:]))
}

func TestMerkle(t *testing.T) {
	_, v := newVault(t, "vault-heads")
	for _, n := range []int{0, 1, 2, 3, 5, 8, 13} {
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprint("S", i)
		}
		leaves, _, _ := secrets(t, v, names...)
		want := specTreeHash(leaves)
		root := ok(cloak.MerkleRoot(leaves))
		eq(t, fmt.Sprint("root of ", n, " leaves"), root[:], want[:])
	}
	leaves, index, sealed := secrets(t, v, "A", "B", "C")
	leaf := ok(cloak.NewMerkleLeaf(index["A"], sealed["A"]))
	digest := sha256.Sum256(sealed["A"])
	eq(t, "leaf", leaf[:], cat(index["A"], digest[:]))
	_, err := cloak.NewMerkleLeaf(index["A"][:31], sealed["A"])
	wantErr(t, "leaf of a short blind index", err, cloak.ErrBadParams)
	unsorted := []cloak.MerkleLeaf{leaves[2], leaves[0], leaves[1]}
	_, err = cloak.MerkleRoot(unsorted)
	wantErr(t, "root of unsorted leaves", err, cloak.ErrBadParams)
	_, err = cloak.MerkleRoot([]cloak.MerkleLeaf{leaves[0], leaves[0]})
	wantErr(t, "root of a repeated leaf", err, cloak.ErrBadParams)
	_, err = cloak.MerkleProveInclusion(leaves, 3)
	if err == nil {
		t.Fatal("a proof for a leaf beyond the list")
	}
	_, err = cloak.MerkleProveInclusion(leaves, -1)
	wantErr(t, "negative index", err, cloak.ErrBadParams)
	if _, err := cloak.MerkleProveAbsence(leaves, index["B"]); err == nil {
		t.Fatal("an absence proof for a present blind index")
	}
}

func TestHeads(t *testing.T) {
	w := newHeadWorld(t)
	vk1, _ := cloak.GenerateVaultKey()
	v1, err := cloak.NewVault(vk1, 1, w.vid)
	must(t, err)
	leaves, index, sealed := secrets(t, v1, "DATABASE_URL", "API_TOKEN", "SMTP_PASSWORD", "S3_KEY")
	root := ok(cloak.MerkleRoot(leaves))
	roster := w.fullRoster(t)
	create := func(epoch uint32, keyID cloak.KeyID, version uint64, prev cloak.HeadHash, root cloak.MerkleHash,
		count int, roster []cloak.RosterEntry, signer *cloak.IdentityKey) []byte {
		t.Helper()
		return ok(cloak.CreateHead(w.vid, epoch, keyID, version, prev, w.expiry, root, uint32(count), 0, roster, signer))
	}
	head1 := create(1, vk1.ID(), 1, cloak.HeadHash{}, root, len(leaves), roster, w.alice)
	if len(head1) != cloak.HeadLen(len(w.vid), len(roster)) {
		t.Fatalf("head of %d bytes, HeadLen says %d", len(head1), cloak.HeadLen(len(w.vid), len(roster)))
	}
	// The signer's rights are the readers' business; the head's own fields are checked here.
	_ = create(1, vk1.ID(), 1, cloak.HeadHash{}, root, len(leaves), roster, w.carol)
	noAdmin := sortedRoster(member(t, w.bob, w.bobE, cloak.PermissionWrite), serviceAccount(t, w.ci))
	unsorted := slices.Clone(roster)
	unsorted[0], unsorted[1] = unsorted[1], unsorted[0]
	for _, c := range []struct {
		what    string
		version uint64
		prev    cloak.HeadHash
		roster  []cloak.RosterEntry
	}{
		{"a roster without an admin", 1, cloak.HeadHash{}, noAdmin},
		{"a roster out of order", 1, cloak.HeadHash{}, unsorted},
		{"version 0", 0, cloak.HeadHash{}, roster},
		{"version 1 with a previous hash", 1, cloak.HeadHash{1}, roster},
		{"version 2 without a previous hash", 2, cloak.HeadHash{}, roster},
	} {
		_, err := cloak.CreateHead(w.vid, 1, vk1.ID(), c.version, c.prev, w.expiry, root, 4, 0, c.roster, w.alice)
		wantErr(t, "head with "+c.what, err, cloak.ErrBadParams)
	}

	// The first head: trusted by its signer, an admin of its own roster.
	trusted := []cloak.IdentityPublicKey{w.alice.Public()}
	h1, err := cloak.VerifyFirstHead(head1, w.vid, trusted)
	must(t, err)
	if h1.Version() != 1 || h1.Epoch() != 1 || h1.LeafCount() != 4 || h1.MerkleRoot() != root ||
		h1.VaultKeyID() != vk1.ID() || h1.Signer() != w.alice.Public() || !h1.Expiry().Equal(w.expiry) {
		t.Fatal("head accessors")
	}
	eq(t, "head bytes", h1.Bytes(), head1)
	for _, c := range []struct {
		what    string
		blob    []byte
		vid     []byte
		trusted []cloak.IdentityPublicKey
		want    *cloak.Error
	}{
		{"another vault", head1, []byte("vault-2"), trusted, cloak.ErrMismatch},
		{"an untrusted signer", head1, w.vid, []cloak.IdentityPublicKey{w.bob.Public()}, cloak.ErrUntrustedSigner},
		{"a signer who is no admin", create(1, vk1.ID(), 1, cloak.HeadHash{}, root, 4, roster, w.bob), w.vid,
			[]cloak.IdentityPublicKey{w.bob.Public()}, cloak.ErrUntrustedSigner},
		{"a cut head", head1[:len(head1)-1], w.vid, trusted, cloak.ErrMalformed},
	} {
		h, err := cloak.VerifyFirstHead(c.blob, c.vid, c.trusted)
		wantErr(t, "first head with "+c.what, err, c.want)
		if h != nil {
			t.Fatal("output on failure")
		}
	}
	bad := bytes.Clone(head1)
	bad[len(bad)-1] ^= 1
	_, err = cloak.VerifyFirstHead(bad, w.vid, trusted)
	wantErr(t, "first head with a bad signature", err, cloak.ErrBadSignature)

	// Roster.
	perms, suite, encID, err := h1.RosterFind(cloak.RosterMember, w.bob.Public())
	must(t, err)
	if perms != cloak.PermissionWrite || suite != cloak.SuiteXWing || encID != w.bobE.Public().ID() {
		t.Fatalf("Bob's entry: %d %v %v", perms, suite, encID)
	}
	perms, suite, encID, err = h1.RosterFind(cloak.RosterServiceAccount, ok(w.ci.Public().RosterKey()))
	must(t, err)
	if perms != 0 || suite != cloak.SuiteXWing || encID != w.ci.Public().ID() {
		t.Fatal("the service account's entry")
	}
	if h1.Policy() != 0 || h1.PostQuantumOnly() || !bytes.Equal(h1.VaultID(), w.vid) {
		t.Fatal("head policy or vault id")
	}
	stranger, _ := cloak.GenerateIdentityKey()
	_, _, _, err = h1.RosterFind(cloak.RosterMember, stranger.Public())
	wantErr(t, "a key the roster lacks", err, cloak.ErrMismatch)

	// Inclusion: each secret as sealed; a resurrected (older) sealing of a secret is not in it.
	for i := range leaves {
		proof := ok(cloak.MerkleProveInclusion(leaves, i))
		if len(proof) > cloak.MerkleInclusionProofBytesMax {
			t.Fatalf("inclusion proof of %d bytes", len(proof))
		}
		must(t, h1.VerifyInclusion(leaves[i], proof))
	}
	oldSealing := ok(v1.Seal([]byte("API_TOKEN"), []byte("the value before"), nil))
	resurrected := ok(cloak.NewMerkleLeaf(index["API_TOKEN"], oldSealing))
	at := slices.Index(leaves, ok(cloak.NewMerkleLeaf(index["API_TOKEN"], sealed["API_TOKEN"])))
	wantErr(t, "a resurrected secret", h1.VerifyInclusion(resurrected, ok(cloak.MerkleProveInclusion(leaves, at))),
		cloak.ErrMismatch)
	wantErr(t, "an inclusion proof that does not parse", h1.VerifyInclusion(leaves[0], []byte{1}), cloak.ErrMalformed)

	// Absence: a name the vault lacks; a secret the server dropped from its tree is caught.
	missing := ok(v1.BlindIndex([]byte("NOT_THERE")))
	proof := ok(cloak.MerkleProveAbsence(leaves, missing))
	if len(proof) > cloak.MerkleAbsenceProofBytesMax {
		t.Fatalf("absence proof of %d bytes", len(proof))
	}
	must(t, h1.VerifyAbsence(missing, proof))
	// The server drops a secret and proves it absent with the two leaves around it: each is in the
	// tree, but they are not adjacent.
	forged := cat([]byte{3}, leaves[0][:], ok(cloak.MerkleProveInclusion(leaves, 0)), leaves[2][:],
		ok(cloak.MerkleProveInclusion(leaves, 2)))
	wantErr(t, "an omitted secret", h1.VerifyAbsence(leaves[1][:cloak.BlindIndexBytes], forged), cloak.ErrMismatch)
	// An absence proof from the tree without it: its paths are those of another leaf count (they
	// do not parse against the head's) or, where the lengths happen to agree, they do not lead to
	// the head's root.
	dropped := slices.Delete(slices.Clone(leaves), at, at+1)
	otherTree := ok(cloak.MerkleProveAbsence(dropped, index["API_TOKEN"]))
	err = h1.VerifyAbsence(index["API_TOKEN"], otherTree)
	if errorProblem(err, cloak.ErrMalformed) != "" && errorProblem(err, cloak.ErrMismatch) != "" {
		t.Fatalf("an absence proof of another tree: %v", err)
	}
	wantErr(t, "an absence proof that does not parse", h1.VerifyAbsence(missing, []byte{9}), cloak.ErrMalformed)

	// Version 2: Bob, a writer, adds a secret.
	leaves2, _, _ := secrets(t, v1, "DATABASE_URL", "API_TOKEN", "SMTP_PASSWORD", "S3_KEY", "NEW_ONE")
	root2 := ok(cloak.MerkleRoot(leaves2))
	head2 := create(1, vk1.ID(), 2, h1.Hash(), root2, 5, roster, w.bob)
	h2, err := h1.VerifyNext(head2)
	must(t, err)
	if h2.Version() != 2 || h2.LeafCount() != 5 || h2.Signer() != w.bob.Public() {
		t.Fatal("second head")
	}

	// Version 3: Alice removes Carol and rotates the vault key (epoch 2).
	vk2, _ := cloak.GenerateVaultKey()
	rosterNoCarol := sortedRoster(member(t, w.alice, w.aliceE, cloak.PermissionAdmin|cloak.PermissionWrite),
		member(t, w.bob, w.bobE, cloak.PermissionWrite), serviceAccount(t, w.ci))
	head3 := create(2, vk2.ID(), 3, h2.Hash(), root2, 5, rosterNoCarol, w.alice)
	h3, err := h2.VerifyNext(head3)
	must(t, err)
	if h3.Epoch() != 2 || h3.VaultKeyID() != vk2.ID() {
		t.Fatal("rotated head")
	}

	for _, c := range []struct {
		what string
		from *cloak.Head
		blob []byte
		want *cloak.Error
	}{
		// The server forks: another version 2 signed by Alice, then a version 3 on it.
		{"a fork", h2, create(1, vk1.ID(), 3, ok(h1.VerifyNext(create(1, vk1.ID(), 2, h1.Hash(), root, 4, roster,
			w.alice))).Hash(), root, 4, roster, w.alice), cloak.ErrMismatch},
		{"an older head", h2, head1, cloak.ErrStale},
		{"the same head", h2, head2, cloak.ErrStale},
		{"a gap", h1, head3, cloak.ErrMismatch},
		{"an epoch that jumps", h2, create(3, vk2.ID(), 3, h2.Hash(), root2, 5, roster, w.alice), cloak.ErrMismatch},
		{"a new epoch that keeps the key", h2, create(2, vk1.ID(), 3, h2.Hash(), root2, 5, roster, w.alice),
			cloak.ErrMismatch},
		{"a roster change by a writer", h2, create(1, vk1.ID(), 3, h2.Hash(), root2, 5, rosterNoCarol, w.bob),
			cloak.ErrUntrustedSigner},
		{"a rotation by a writer", h2, create(2, vk2.ID(), 3, h2.Hash(), root2, 5, roster, w.bob),
			cloak.ErrUntrustedSigner},
		{"a head by a removed member", h3, create(2, vk2.ID(), 4, h3.Hash(), root2, 5, rosterNoCarol, w.carol),
			cloak.ErrUntrustedSigner},
		{"another vault's head", h1, func() []byte {
			b, err := cloak.CreateHead([]byte("vault-2"), 1, vk1.ID(), 2, h1.Hash(), w.expiry, root, 4, 0, roster, w.alice)
			must(t, err)
			return b
		}(), cloak.ErrMismatch},
	} {
		h, err := c.from.VerifyNext(c.blob)
		wantErr(t, "next head: "+c.what, err, c.want)
		if h != nil {
			t.Fatal("output on failure")
		}
	}
	// Carol was a writer at version 2: she could sign a change of secrets then.
	_, err = h2.VerifyNext(create(1, vk1.ID(), 3, h2.Hash(), root2, 5, roster, w.carol))
	must(t, err)

	// Freshness.
	must(t, h3.Check(2, 3, testNow))
	wantErr(t, "a head below the pinned epoch", h3.Check(3, 1, testNow), cloak.ErrStale)
	wantErr(t, "a head below the pinned version", h3.Check(1, 4, testNow), cloak.ErrStale)
	wantErr(t, "an expired head", h3.Check(1, 1, w.expiry.Add(time.Second)), cloak.ErrExpired)

	// States: a copy is refused; a wiped head answers nothing.
	wantErr(t, "check with a copied head", h3.CheckWithCopiedState(uint64(testNow.Unix())), cloak.ErrBadState)
	h3.Wipe()
	h3.Wipe()
	if h3.Version() != 0 || h3.Epoch() != 0 || h3.Hash() != (cloak.HeadHash{}) {
		t.Fatal("a wiped head answers")
	}
	wantErr(t, "check after wipe", h3.Check(1, 1, testNow), cloak.ErrBadState)
	_, err = h3.VerifyNext(head3)
	wantErr(t, "next after wipe", err, cloak.ErrBadState)
	var zero cloak.Head
	wantErr(t, "zero-value head", zero.Check(1, 1, testNow), cloak.ErrBadState)
}

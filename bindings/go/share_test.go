package cloak_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"libcloak.dev/cloak"
)

func TestShares(t *testing.T) {
	for _, suite := range suites {
		t.Run(suite.String(), func(t *testing.T) { testShares(t, suite) })
	}
}

func testShares(t *testing.T, suite cloak.Suite) {
	size := sizesOf(suite)
	alice, _ := cloak.GenerateIdentityKey()
	mallory, _ := cloak.GenerateIdentityKey()
	bob, carol := newKey(t, suite), newKey(t, suite)
	vk, _ := cloak.GenerateVaultKey()
	vid := []byte("vault-1")

	share := ok(cloak.SealShare(vk, 3, vid, bob.Public(), alice))
	if len(share) != size.share || cloak.ShareBytes != 200 || cloak.XWingShareBytes != 1288 {
		t.Fatalf("share of %d bytes", len(share))
	}
	if s := ok(cloak.BlobSuite(share)); s != suite {
		t.Fatalf("share of suite %v", s)
	}
	sender, err := cloak.ShareSender(share)
	must(t, err)
	if sender != alice.Public() {
		t.Fatal("share sender")
	}
	for _, minEpoch := range []uint32{0, 1, 3} {
		got, epoch, err := cloak.OpenShare(share, vid, bob, alice.Public(), minEpoch)
		must(t, err)
		eq(t, "vault key", got.SecretBytes(), vk.SecretBytes())
		if epoch != 3 {
			t.Fatalf("epoch %d", epoch)
		}
	}

	otherSuite := newKey(t, 3-suite)
	for _, c := range []struct {
		what     string
		vid      []byte
		to       *cloak.EncryptionKey
		trusted  cloak.IdentityPublicKey
		minEpoch uint32
		want     *cloak.Error
	}{
		{"another recipient", vid, carol, alice.Public(), 1, cloak.ErrWrongKey},
		{"a key of the other suite", vid, otherSuite, alice.Public(), 1, cloak.ErrUnsupportedSuite},
		{"an untrusted sender", vid, bob, mallory.Public(), 1, cloak.ErrUntrustedSigner},
		{"another vault", []byte("vault-2"), bob, alice.Public(), 1, cloak.ErrBadSignature},
		{"an empty vault id", nil, bob, alice.Public(), 1, cloak.ErrBadParams},
		// The rollback after a rotation: a member who has seen epoch 4 is served the share of 3.
		{"a member past its epoch", vid, bob, alice.Public(), 4, cloak.ErrStale},
	} {
		k, epoch, err := cloak.OpenShare(share, c.vid, c.to, c.trusted, c.minEpoch)
		wantErr(t, "share opened by "+c.what, err, c.want)
		if k != nil || epoch != 0 {
			t.Fatal("output on failure")
		}
	}
	_, err = cloak.SealShare(vk, 1, nil, bob.Public(), alice)
	wantErr(t, "seal with an empty vault id", err, cloak.ErrBadParams)
	_, err = cloak.SealShare(vk, 0, vid, bob.Public(), alice)
	wantErr(t, "seal at epoch 0", err, cloak.ErrBadParams)
	_, err = cloak.SealShare(vk, 1, vid, nil, alice)
	wantErr(t, "seal to no key", err, cloak.ErrBadParams)
	if suite == cloak.SuiteX25519 {
		_, err = cloak.SealShare(vk, 1, vid, cloak.X25519PublicKey{}, alice)
		wantErr(t, "seal to a low-order key", err, cloak.ErrInvalidKey)
		notCanonical := bob.Public().(cloak.X25519PublicKey)
		notCanonical[31] |= 0x80
		_, err = cloak.SealShare(vk, 1, vid, notCanonical, alice)
		wantErr(t, "seal to a key with bit 255 set", err, cloak.ErrMalformed)
	}
	_, err = cloak.ShareSender(share[:100])
	wantErr(t, "sender of a short share", err, cloak.ErrMalformed)

	// A secret key whose public half is not its seed's signs nothing.
	poisoned := alice.SecretBytes()
	copy(poisoned[32:], mallory.Public().Export()[20:])
	_, err = cloak.SealShare(vk, 1, vid, bob.Public(), cloak.IdentityKeyFromRaw(poisoned))
	wantErr(t, "seal with a poisoned identity key", err, cloak.ErrInvalidKey)

	checkTampering(t, blobCase{
		name: "share " + suite.String(), blob: share, otherType: byte(cloak.ObjectSecret),
		open: func(b []byte) error {
			k, _, err := cloak.OpenShare(b, vid, bob, alice.Public(), 1)
			if err != nil && k != nil {
				t.Fatal("output on failure")
			}
			return err
		},
		regions: []region{
			{4, 20, cloak.ErrWrongKey, nil},              // recipient key id
			{20, 52, cloak.ErrUntrustedSigner, nil},      // sender identity
			{52, 56, cloak.ErrBadSignature, nil},         // epoch (never 0 after one bit flipped from 3)
			{56, len(share), cloak.ErrBadSignature, nil}, // enc, ciphertext, signature: all signed
		},
		truncErr: fixedLen, extendErr: cloak.ErrMalformed,
	})
	zeroEpoch := bytes.Clone(share)
	zeroEpoch[55] = 0
	_, _, err = cloak.OpenShare(zeroEpoch, vid, bob, alice.Public(), 1)
	wantErr(t, "share of epoch 0", err, cloak.ErrMalformed)
	bob.Wipe()
	_, _, err = cloak.OpenShare(share, vid, bob, alice.Public(), 1)
	wantErr(t, "open with a wiped key", err, cloak.ErrBadParams)
	vk.Wipe()
	_, err = cloak.SealShare(vk, 1, vid, carol.Public(), alice)
	wantErr(t, "seal a wiped key", err, cloak.ErrBadParams)
}

func TestHPKE(t *testing.T) {
	for _, suite := range suites {
		t.Run(suite.String(), func(t *testing.T) { testHPKE(t, suite) })
	}
}

func testHPKE(t *testing.T, suite cloak.Suite) {
	size := sizesOf(suite)
	bob, carol := newKey(t, suite), newKey(t, suite)
	info := []byte("an application's info")
	enc, s, err := cloak.NewHPKESender(bob.Public(), info)
	must(t, err)
	if len(enc) != size.enc {
		t.Fatalf("enc of %d bytes", len(enc))
	}
	r, err := cloak.NewHPKERecipient(enc, bob, info)
	must(t, err)
	var cts [][]byte
	for i := 0; i < 5; i++ {
		ct := ok(s.Seal([]byte(fmt.Sprint("message ", i)), []byte(fmt.Sprint("aad", i))))
		cts = append(cts, ct)
	}
	// A failed open (wrong aad, tampered, or out of order) does not advance the recipient.
	_, err = r.Open(cts[1], []byte("aad0"))
	wantErr(t, "out of order", err, cloak.ErrAuth)
	_, err = r.Open(cts[0], []byte("aad1"))
	wantErr(t, "wrong aad", err, cloak.ErrAuth)
	bad := bytes.Clone(cts[0])
	bad[3] ^= 1
	pt, err := r.Open(bad, []byte("aad0"))
	wantErr(t, "tampered", err, cloak.ErrAuth)
	if pt != nil {
		t.Fatal("output on failure")
	}
	_, err = r.Open(make([]byte, 15), nil)
	wantErr(t, "shorter than a tag", err, cloak.ErrMalformed)
	for i, ct := range cts {
		eq(t, "message", ok(r.Open(ct, []byte(fmt.Sprint("aad", i)))), []byte(fmt.Sprint("message ", i)))
	}
	for _, n := range []int{0, 1, 32, cloak.HPKEExportBytesMax} {
		es := ok(s.Export([]byte("exporter"), n))
		er := ok(r.Export([]byte("exporter"), n))
		if len(es) != n {
			t.Fatalf("export of %d bytes", len(es))
		}
		eq(t, "export", er, es)
	}
	_, err = s.Export(nil, cloak.HPKEExportBytesMax+1)
	wantErr(t, "export too long", err, cloak.ErrBadParams)
	_, err = s.Export(nil, -1)
	wantErr(t, "negative export", err, cloak.ErrBadParams)

	// Another recipient or info derives another context (X-Wing's ML-KEM rejects implicitly: the
	// setup succeeds with another secret).
	rc, err := cloak.NewHPKERecipient(enc, carol, info)
	must(t, err)
	_, err = rc.Open(cts[0], []byte("aad0"))
	wantErr(t, "another recipient", err, cloak.ErrAuth)
	ri, _ := cloak.NewHPKERecipient(enc, bob, []byte("other info"))
	_, err = ri.Open(cts[0], []byte("aad0"))
	wantErr(t, "another info", err, cloak.ErrAuth)

	_, _, err = cloak.NewHPKESender(nil, info)
	wantErr(t, "sender to no key", err, cloak.ErrBadParams)
	if suite == cloak.SuiteX25519 {
		_, _, err = cloak.NewHPKESender(cloak.X25519PublicKey{}, info)
		wantErr(t, "sender to a low-order key", err, cloak.ErrInvalidKey)
	}
	// enc's X25519 part (all of it, or its last 32 bytes) of low order.
	lowOrder := bytes.Clone(enc)
	copy(lowOrder[len(enc)-32:], make([]byte, 32))
	_, err = cloak.NewHPKERecipient(lowOrder, bob, info)
	wantErr(t, "low-order enc", err, cloak.ErrInvalidKey)
	_, err = cloak.NewHPKERecipient(enc[:len(enc)-1], bob, info)
	wantErr(t, "short enc", err, cloak.ErrBadParams)
	other := newKey(t, 3-suite)
	_, err = cloak.NewHPKERecipient(enc, other, info)
	wantErr(t, "enc of the other suite", err, cloak.ErrBadParams)

	// A copied sender context would reuse the nonces: the library refuses it.
	wantErr(t, "seal with a copied context", s.SealWithCopiedState([]byte("m")), cloak.ErrBadState)

	s.Wipe()
	r.Wipe()
	_, err = s.Seal(nil, nil)
	wantErr(t, "seal after wipe", err, cloak.ErrBadState)
	_, err = r.Open(cts[0], nil)
	wantErr(t, "open after wipe", err, cloak.ErrBadState)
	_, err = r.Export(nil, 1)
	wantErr(t, "export after wipe", err, cloak.ErrBadState)

	// Single shot.
	aad, msg := randBytes(20), randBytes(100)
	e1, ct, err := cloak.HPKESealBase(bob.Public(), msg, info, aad)
	must(t, err)
	if len(e1) != size.enc || len(ct) != len(msg)+cloak.HPKETagBytes {
		t.Fatal("single-shot lengths")
	}
	eq(t, "single shot", ok(cloak.HPKEOpenBase(e1, ct, bob, info, aad)), msg)
	out, err := cloak.HPKEOpenBase(e1, ct, bob, info, aad[1:])
	wantErr(t, "single shot, other aad", err, cloak.ErrAuth)
	if out != nil {
		t.Fatal("output on failure")
	}
	_, err = cloak.HPKEOpenBase(e1, ct, carol, info, aad)
	wantErr(t, "single shot, other key", err, cloak.ErrAuth)
	_, err = cloak.HPKEOpenBase(e1[:len(e1)-1], ct, bob, info, aad)
	wantErr(t, "single shot, short enc", err, cloak.ErrBadParams)
	if suite == cloak.SuiteX25519 {
		_, _, err = cloak.HPKESealBase(cloak.X25519PublicKey{}, msg, info, aad)
		wantErr(t, "single shot to a low-order key", err, cloak.ErrInvalidKey)
	}
	e0, ct0, err := cloak.HPKESealBase(bob.Public(), nil, nil, nil)
	must(t, err)
	if got := ok(cloak.HPKEOpenBase(e0, ct0, bob, nil, nil)); len(got) != 0 {
		t.Fatal("empty message")
	}
	// A recipient key whose public half is not its private key's: refused at setup (X-Wing,
	// section 1.6), or deriving another context (X25519 binds the public key into the secret).
	mixed := cloak.EncryptionKeyFromRaw(suite, carol.Public().Bytes(), bob.SecretBytes())
	_, err = cloak.HPKEOpenBase(e1, ct, mixed, info, aad)
	if suite == cloak.SuiteXWing {
		wantErr(t, "single shot with a mismatched key pair", err, cloak.ErrInvalidKey)
	} else if err == nil {
		t.Fatal("a mismatched key pair opens")
	}
}

// TestHPKESenderConcurrent seals from many goroutines at once: no sequence number may be used
// twice (the same message under one nonce would give the same ciphertext), and the recipient opens
// every ciphertext at some sequence number.
func TestHPKESenderConcurrent(t *testing.T) {
	bob, _ := cloak.GenerateEncryptionKey()
	enc, s, _ := cloak.NewHPKESender(bob.Public(), nil)
	var mu sync.Mutex
	var cts [][]byte
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				ct, err := s.Seal([]byte("m"), nil)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				cts = append(cts, ct)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, ct := range cts {
		if seen[string(ct)] {
			t.Fatal("two seals used one sequence number")
		}
		seen[string(ct)] = true
	}
	r, _ := cloak.NewHPKERecipient(enc, bob, nil)
	for seq := 0; len(cts) > 0; seq++ {
		found := -1
		for i, ct := range cts {
			if _, err := r.Open(ct, nil); err == nil {
				found = i
				break
			}
		}
		if found < 0 {
			t.Fatalf("no ciphertext opens at sequence number %d", seq)
		}
		cts = append(cts[:found], cts[found+1:]...)
	}
}

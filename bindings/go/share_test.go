package cloak_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"testing"

	"libcloak.dev/cloak"
)

func TestShares(t *testing.T) {
	alice, _ := cloak.GenerateIdentityKey()
	mallory, _ := cloak.GenerateIdentityKey()
	bob, _ := cloak.GenerateEncryptionKey()
	carol, _ := cloak.GenerateEncryptionKey()
	vk, _ := cloak.GenerateVaultKey()
	vid := []byte("vault-1")

	share := ok(cloak.SealShare(vk, vid, bob.Public(), alice))
	if len(share) != cloak.ShareBytes {
		t.Fatalf("share of %d bytes", len(share))
	}
	sender, err := cloak.ShareSender(share)
	must(t, err)
	if sender != alice.Public() {
		t.Fatal("share sender")
	}
	got, err := cloak.OpenShare(share, vid, bob, alice.Public())
	must(t, err)
	eq(t, "vault key", got.SecretBytes(), vk.SecretBytes())

	for _, c := range []struct {
		what    string
		vid     []byte
		to      *cloak.EncryptionKey
		trusted cloak.IdentityPublicKey
		want    *cloak.Error
	}{
		{"another recipient", vid, carol, alice.Public(), cloak.ErrWrongKey},
		{"an untrusted sender", vid, bob, mallory.Public(), cloak.ErrUntrustedSigner},
		{"another vault", []byte("vault-2"), bob, alice.Public(), cloak.ErrBadSignature},
		{"an empty vault id", nil, bob, alice.Public(), cloak.ErrBadParams},
	} {
		k, err := cloak.OpenShare(share, c.vid, c.to, c.trusted)
		wantErr(t, "share opened by "+c.what, err, c.want)
		if k != nil {
			t.Fatal("output on failure")
		}
	}
	_, err = cloak.SealShare(vk, nil, bob.Public(), alice)
	wantErr(t, "seal with an empty vault id", err, cloak.ErrBadParams)
	_, err = cloak.SealShare(vk, vid, cloak.EncryptionPublicKey{}, alice)
	wantErr(t, "seal to a low-order key", err, cloak.ErrInvalidKey)
	_, err = cloak.ShareSender(share[:100])
	wantErr(t, "sender of a short share", err, cloak.ErrMalformed)

	checkTampering(t, blobCase{
		name: "share", blob: share, otherType: byte(cloak.ObjectSecret),
		open: func(b []byte) error {
			k, err := cloak.OpenShare(b, vid, bob, alice.Public())
			if err != nil && k != nil {
				t.Fatal("output on failure")
			}
			return err
		},
		regions: []region{
			{4, 20, cloak.ErrWrongKey, nil},         // recipient key id
			{20, 52, cloak.ErrUntrustedSigner, nil}, // sender identity
			{52, 196, cloak.ErrBadSignature, nil},   // enc, ciphertext, signature: all signed
		},
		truncErr: fixedLen, extendErr: cloak.ErrMalformed,
	})
	vk.Wipe()
	_, err = cloak.SealShare(vk, vid, bob.Public(), alice)
	wantErr(t, "seal a wiped key", err, cloak.ErrBadParams)
}

type testBatch struct {
	creator *cloak.IdentityKey
	account *cloak.EncryptionKey
	vid     []byte
	names   [][]byte
	values  [][]byte
	items   [][]byte
	blob    []byte
}

func makeBatch(t testing.TB, n int) *testBatch {
	t.Helper()
	b := &testBatch{vid: []byte("vault-1")}
	b.creator, _ = cloak.GenerateIdentityKey()
	b.account, _ = cloak.GenerateEncryptionKey()
	w, err := cloak.NewBatchWriter(b.account.Public(), b.vid)
	must(t, err)
	for i := 0; i < n; i++ {
		name := []byte(fmt.Sprintf("SECRET_%d", i))
		value := randBytes(i * 7)
		item := ok(w.SealItem(name, value))
		if len(item) != cloak.BatchItemLen(len(name), len(value)) {
			t.Fatalf("item of %d bytes", len(item))
		}
		b.names, b.values, b.items = append(b.names, name), append(b.values, value), append(b.items, item)
	}
	if w.Len() != n {
		t.Fatalf("writer Len %d, want %d", w.Len(), n)
	}
	b.blob = ok(w.Finish(b.creator))
	if len(b.blob) != cloak.BatchLen(len(b.vid), n) {
		t.Fatalf("batch of %d bytes, want %d", len(b.blob), cloak.BatchLen(len(b.vid), n))
	}
	return b
}

func TestBatch(t *testing.T) {
	b := makeBatch(t, 5)
	stranger, _ := cloak.GenerateIdentityKey()
	r, err := cloak.VerifyBatch(b.blob, b.account, []cloak.IdentityPublicKey{stranger.Public(), b.creator.Public()})
	must(t, err)
	if r.ItemCount() != 5 || r.Signer() != b.creator.Public() {
		t.Fatalf("reader: %d items, signer %v", r.ItemCount(), r.Signer())
	}
	sender, err := cloak.BatchSender(b.blob)
	must(t, err)
	if sender != b.creator.Public() {
		t.Fatal("batch sender")
	}
	for _, i := range []int{3, 0, 4, 1, 2, 3} { // any order, any number of times
		name, value, err := r.OpenItem(b.items[i])
		must(t, err)
		eq(t, "name", name, b.names[i])
		eq(t, "value", value, b.values[i])
		v2, err := r.OpenNamedItem(b.items[i], b.names[i])
		must(t, err)
		eq(t, "named value", v2, b.values[i])
		idx, err := cloak.BatchItemIndex(b.items[i])
		must(t, err)
		if idx != uint32(i) {
			t.Fatalf("item %d has index %d", i, idx)
		}
	}
	v, err := r.OpenNamedItem(b.items[1], b.names[2])
	wantErr(t, "item under another name", err, cloak.ErrMismatch)
	if v != nil {
		t.Fatal("output on failure")
	}
	_, err = r.OpenNamedItem(b.items[1], nil)
	wantErr(t, "an empty expected name", err, cloak.ErrBadParams)

	// The reader refuses what the signed batch does not list.
	other := makeBatch(t, 2)
	n, v, err := r.OpenItem(other.items[0])
	wantErr(t, "item of another account's batch", err, cloak.ErrWrongKey)
	if n != nil || v != nil {
		t.Fatal("output on failure")
	}
	_, err = cloak.VerifyBatch(b.blob, other.account, []cloak.IdentityPublicKey{b.creator.Public()})
	wantErr(t, "another account", err, cloak.ErrWrongKey)
	_, err = cloak.VerifyBatch(b.blob, b.account, []cloak.IdentityPublicKey{stranger.Public()})
	wantErr(t, "untrusted creator", err, cloak.ErrUntrustedSigner)
	_, err = cloak.VerifyBatch(b.blob, b.account, nil)
	wantErr(t, "nobody trusted", err, cloak.ErrUntrustedSigner)

	// A second batch to the same account: its items are refused by the first one's reader.
	w, _ := cloak.NewBatchWriter(b.account.Public(), b.vid)
	foreign := ok(w.SealItem([]byte("SECRET_0"), []byte("x")))
	_ = ok(w.Finish(b.creator))
	_, _, err = r.OpenItem(foreign)
	wantErr(t, "item of another batch", err, cloak.ErrMismatch)

	checkTampering(t, blobCase{
		name: "batch", blob: b.blob, otherType: byte(cloak.ObjectBatchItem),
		open: func(blob []byte) error {
			rr, err := cloak.VerifyBatch(blob, b.account, []cloak.IdentityPublicKey{b.creator.Public()})
			if err != nil && rr != nil {
				t.Fatal("output on failure")
			}
			return err
		},
		regions: []region{
			{4, 20, cloak.ErrWrongKey, nil},          // account key id
			{20, 68, cloak.ErrBadSignature, nil},     // batch id, enc
			{68, 100, cloak.ErrUntrustedSigner, nil}, // creator
			{100, 101, cloak.ErrMalformed, nil},      // vault id length: the length no longer fits
			{101, 108, cloak.ErrBadSignature, nil},   // vault id
			{108, 112, cloak.ErrMalformed, nil},      // item count: the length no longer fits
			{112, len(b.blob), cloak.ErrBadSignature, nil},
		},
		truncErr: fixedLen, extendErr: cloak.ErrMalformed,
	})

	item := b.items[2]
	checkTampering(t, blobCase{
		name: "batch item", blob: item, otherType: byte(cloak.ObjectBatch),
		open: func(it []byte) error {
			n, v, err := r.OpenItem(it)
			if err != nil && (n != nil || v != nil) {
				t.Fatal("output on failure")
			}
			return err
		},
		regions: []region{
			{4, 20, cloak.ErrWrongKey, nil},  // account key id
			{20, 36, cloak.ErrMismatch, nil}, // batch id
			{36, 40, nil, func(i int, x byte) *cloak.Error { // index: beyond the batch, or another item's
				idx := bytes.Clone(item[36:40])
				idx[i-36] ^= x
				if binary.BigEndian.Uint32(idx) >= 5 {
					return cloak.ErrMismatch
				}
				return cloak.ErrBadSignature
			}},
			{40, len(item), cloak.ErrBadSignature, nil}, // not the digest the manifest lists
		},
		truncErr: func(n int) *cloak.Error {
			if n < cloak.BatchItemOverheadBytes+1 {
				return cloak.ErrMalformed
			}
			return cloak.ErrBadSignature
		},
		extendErr: cloak.ErrBadSignature,
	})

	r.Wipe()
	if r.ItemCount() != 0 || r.Signer() != (cloak.IdentityPublicKey{}) {
		t.Fatal("wiped reader still answers")
	}
	_, _, err = r.OpenItem(b.items[0])
	wantErr(t, "open after wipe", err, cloak.ErrBadParams)
}

func TestBatchWriter(t *testing.T) {
	creator, _ := cloak.GenerateIdentityKey()
	acct, _ := cloak.GenerateEncryptionKey()
	_, err := cloak.NewBatchWriter(acct.Public(), nil)
	wantErr(t, "empty vault id", err, cloak.ErrBadParams)
	_, err = cloak.NewBatchWriter(cloak.EncryptionPublicKey{}, []byte("v"))
	wantErr(t, "low-order account key", err, cloak.ErrInvalidKey)

	w, err := cloak.NewBatchWriter(acct.Public(), []byte("v"))
	must(t, err)
	_, err = w.SealItem(nil, []byte("x"))
	wantErr(t, "empty name", err, cloak.ErrBadParams)
	_, err = w.SealItem(make([]byte, 256), []byte("x"))
	wantErr(t, "name of 256 bytes", err, cloak.ErrBadParams)
	if w.Len() != 0 {
		t.Fatal("a failed item was counted")
	}
	// An empty batch is a batch.
	blob := ok(w.Finish(creator))
	r, err := cloak.VerifyBatch(blob, acct, []cloak.IdentityPublicKey{creator.Public()})
	must(t, err)
	if r.ItemCount() != 0 {
		t.Fatal("empty batch has items")
	}
	// Finish wiped the writer.
	_, err = w.SealItem([]byte("n"), nil)
	wantErr(t, "seal after finish", err, cloak.ErrBadParams)
	_, err = w.Finish(creator)
	wantErr(t, "finish twice", err, cloak.ErrBadParams)

	w2, _ := cloak.NewBatchWriter(acct.Public(), []byte("v"))
	w2.Wipe()
	_, err = w2.SealItem([]byte("n"), nil)
	wantErr(t, "seal after wipe", err, cloak.ErrBadParams)

	// Items sealed from many goroutines get distinct indexes and all open.
	w3, _ := cloak.NewBatchWriter(acct.Public(), []byte("v"))
	var mu sync.Mutex
	var items [][]byte
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				it, err := w3.SealItem([]byte(fmt.Sprintf("N%d_%d", g, i)), []byte("v"))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				items = append(items, it)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	blob3 := ok(w3.Finish(creator))
	r3, err := cloak.VerifyBatch(blob3, acct, []cloak.IdentityPublicKey{creator.Public()})
	must(t, err)
	if r3.ItemCount() != 200 {
		t.Fatalf("%d items", r3.ItemCount())
	}
	var wg2 sync.WaitGroup
	for _, it := range items {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			if _, _, err := r3.OpenItem(it); err != nil {
				t.Error(err)
			}
		}()
	}
	wg2.Wait()
	// A wiped creator key cannot sign.
	w4, _ := cloak.NewBatchWriter(acct.Public(), []byte("v"))
	c2, _ := cloak.GenerateIdentityKey()
	c2.Wipe()
	_, err = w4.Finish(c2)
	wantErr(t, "finish with a wiped key", err, cloak.ErrBadParams)
	if !errors.Is(err, cloak.ErrWiped) {
		t.Fatal("not ErrWiped")
	}
}

func TestHPKE(t *testing.T) {
	bob, _ := cloak.GenerateEncryptionKey()
	carol, _ := cloak.GenerateEncryptionKey()
	info := []byte("an application's info")
	enc, s, err := cloak.NewHPKESender(bob.Public(), info)
	must(t, err)
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

	// Another recipient or info derives another context.
	rc, err := cloak.NewHPKERecipient(enc, carol, info)
	must(t, err)
	_, err = rc.Open(cts[0], []byte("aad0"))
	wantErr(t, "another recipient", err, cloak.ErrAuth)
	ri, _ := cloak.NewHPKERecipient(enc, bob, []byte("other info"))
	_, err = ri.Open(cts[0], []byte("aad0"))
	wantErr(t, "another info", err, cloak.ErrAuth)

	_, _, err = cloak.NewHPKESender(cloak.EncryptionPublicKey{}, info)
	wantErr(t, "sender to a low-order key", err, cloak.ErrInvalidKey)
	_, err = cloak.NewHPKERecipient(make([]byte, 32), bob, info)
	wantErr(t, "low-order enc", err, cloak.ErrInvalidKey)
	_, err = cloak.NewHPKERecipient(enc[:31], bob, info)
	wantErr(t, "short enc", err, cloak.ErrBadParams)

	s.Wipe()
	r.Wipe()
	_, err = s.Seal(nil, nil)
	wantErr(t, "seal after wipe", err, cloak.ErrBadParams)
	_, err = r.Open(cts[0], nil)
	wantErr(t, "open after wipe", err, cloak.ErrBadParams)
	_, err = r.Export(nil, 1)
	wantErr(t, "export after wipe", err, cloak.ErrBadParams)

	// Single shot.
	aad, msg := randBytes(20), randBytes(100)
	e1, ct, err := cloak.HPKESealBase(bob.Public(), msg, info, aad)
	must(t, err)
	if len(e1) != cloak.HPKEEncBytes || len(ct) != len(msg)+cloak.HPKETagBytes {
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
	_, err = cloak.HPKEOpenBase(e1[:31], ct, bob, info, aad)
	wantErr(t, "single shot, short enc", err, cloak.ErrBadParams)
	_, _, err = cloak.HPKESealBase(cloak.EncryptionPublicKey{}, msg, info, aad)
	wantErr(t, "single shot to a low-order key", err, cloak.ErrInvalidKey)
	e0, ct0, err := cloak.HPKESealBase(bob.Public(), nil, nil, nil)
	must(t, err)
	if got := ok(cloak.HPKEOpenBase(e0, ct0, bob, nil, nil)); len(got) != 0 {
		t.Fatal("empty message")
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

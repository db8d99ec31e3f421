package cloak_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"libcloak.dev/cloak"
)

// The vault head a test batch is made at.
const (
	testEpoch       = 2
	testHeadVersion = 7
)

var testExpiry = time.Unix(1_900_000_000, 0)

// testNow is a time before testExpiry.
var testNow = time.Unix(1_800_000_000, 0)

type testBatch struct {
	creator  *cloak.IdentityKey
	account  *cloak.EncryptionKey
	vid      []byte
	headHash cloak.HeadHash
	names    [][]byte
	values   [][]byte
	items    [][]byte
	digests  []cloak.BatchDigest
	blob     []byte
}

// makeBatch is a batch of n items to a new account key of the suite.
func makeBatch(t testing.TB, suite cloak.Suite, n int) *testBatch {
	t.Helper()
	b := &testBatch{vid: []byte("vault-1")}
	copy(b.headHash[:], randBytes(cloak.HeadHashBytes))
	b.creator, _ = cloak.GenerateIdentityKey()
	b.account = newKey(t, suite)
	w, err := cloak.NewBatchWriter(b.account.Public(), b.creator.Public(), b.vid, testEpoch, testHeadVersion, b.headHash, testExpiry)
	must(t, err)
	for i := 0; i < n; i++ {
		name := []byte(fmt.Sprintf("SECRET_%d", i))
		value := randBytes(i * 37)
		item, index, digest, err := w.SealItem(name, value)
		must(t, err)
		if len(item) != cloak.BatchItemLen(len(name), len(value)) || index != uint32(i) {
			t.Fatalf("item %d of %d bytes at index %d", i, len(item), index)
		}
		b.names, b.values, b.items = append(b.names, name), append(b.values, value), append(b.items, item)
		b.digests = append(b.digests, digest)
	}
	b.blob = ok(w.Finish(b.digests, b.creator))
	want := cloak.BatchLen(len(b.vid), n)
	if suite == cloak.SuiteXWing {
		want = cloak.BatchLenXWing(len(b.vid), n)
	}
	if len(b.blob) != want || want-cloak.BatchLen(len(b.vid), n) != int(suite-1)*1088 {
		t.Fatalf("batch of %d bytes, want %d", len(b.blob), want)
	}
	return b
}

// reader verifies and checks the batch for its account, trusting its creator.
func (b *testBatch) reader(t testing.TB) *cloak.BatchReader {
	t.Helper()
	r, err := cloak.VerifyBatch(b.blob, b.vid, b.account, []cloak.IdentityPublicKey{b.creator.Public()})
	must(t, err)
	must(t, r.Check(testEpoch, testHeadVersion, testNow))
	return r
}

// isPadLen is section 1.5's test of a valid padded length.
func isPadLen(p int) bool { return p >= 64 && specPad(p) == p }

func TestBatch(t *testing.T) {
	for _, suite := range suites {
		t.Run(suite.String(), func(t *testing.T) { testBatchOfSuite(t, suite) })
	}
}

func testBatchOfSuite(t *testing.T, suite cloak.Suite) {
	b := makeBatch(t, suite, 5)
	if s := ok(cloak.BlobSuite(b.blob)); s != suite {
		t.Fatalf("batch of suite %v", s)
	}
	stranger, _ := cloak.GenerateIdentityKey()
	r, err := cloak.VerifyBatch(b.blob, b.vid, b.account, []cloak.IdentityPublicKey{stranger.Public(), b.creator.Public()})
	must(t, err)
	if r.ItemCount() != 5 || r.Signer() != b.creator.Public() || r.Epoch() != testEpoch ||
		r.HeadVersion() != testHeadVersion || r.HeadHash() != b.headHash || !r.Expiry().Equal(testExpiry) {
		t.Fatalf("reader: %d items, signer %v, epoch %d, head %d %x, expiry %v", r.ItemCount(), r.Signer(), r.Epoch(),
			r.HeadVersion(), r.HeadHash(), r.Expiry())
	}
	sender, err := cloak.BatchSender(b.blob)
	must(t, err)
	if sender != b.creator.Public() {
		t.Fatal("batch sender")
	}

	// No item opens before the freshness check.
	n, v, err := r.OpenItem(b.items[0])
	wantErr(t, "open before check", err, cloak.ErrBadState)
	if !errors.Is(err, cloak.ErrNotChecked) || n != nil || v != nil {
		t.Fatalf("open before check: %v", err)
	}
	// Freshness: an old epoch or head version, and the expiry.
	wantErr(t, "epoch below the minimum", r.Check(testEpoch+1, 1, testNow), cloak.ErrStale)
	wantErr(t, "head version below the minimum", r.Check(1, testHeadVersion+1, testNow), cloak.ErrStale)
	wantErr(t, "after the expiry", r.Check(1, 1, testExpiry.Add(time.Second)), cloak.ErrExpired)
	_, _, err = r.OpenItem(b.items[0])
	wantErr(t, "open after failed checks", err, cloak.ErrBadState)
	must(t, r.Check(testEpoch, testHeadVersion, testExpiry))

	for _, i := range []int{3, 0, 4, 1, 2} { // any order
		name, value, err := r.OpenItem(b.items[i])
		must(t, err)
		eq(t, "name", name, b.names[i])
		eq(t, "value", value, b.values[i])
		idx, err := cloak.BatchItemIndex(b.items[i])
		must(t, err)
		if idx != uint32(i) {
			t.Fatalf("item %d has index %d", i, idx)
		}
	}
	// Each item opens once: a repeated item is refused.
	n, v, err = r.OpenItem(b.items[3])
	wantErr(t, "item opened twice", err, cloak.ErrBadSignature)
	if n != nil || v != nil {
		t.Fatal("output on failure")
	}

	// The reader refuses what the signed batch does not list.
	other := makeBatch(t, suite, 2)
	otherSuite := makeBatch(t, 3-suite, 1)
	_, _, err = r.OpenItem(other.items[0])
	wantErr(t, "item of another account's batch", err, cloak.ErrWrongKey)
	trusted := []cloak.IdentityPublicKey{b.creator.Public()}
	for _, c := range []struct {
		what    string
		vid     []byte
		account *cloak.EncryptionKey
		trusted []cloak.IdentityPublicKey
		want    *cloak.Error
	}{
		{"another account", b.vid, other.account, trusted, cloak.ErrWrongKey},
		{"an account key of the other suite", b.vid, otherSuite.account, trusted, cloak.ErrUnsupportedSuite},
		{"another vault (a swapped batch)", []byte("vault-2"), b.account, trusted, cloak.ErrMismatch},
		{"an untrusted creator", b.vid, b.account, []cloak.IdentityPublicKey{stranger.Public()}, cloak.ErrUntrustedSigner},
		{"nobody trusted", b.vid, b.account, nil, cloak.ErrUntrustedSigner},
		{"an empty vault id", nil, b.account, trusted, cloak.ErrBadParams},
	} {
		rr, err := cloak.VerifyBatch(b.blob, c.vid, c.account, c.trusted)
		wantErr(t, c.what, err, c.want)
		if rr != nil {
			t.Fatal("output on failure")
		}
	}

	// A second batch to the same account: its items are refused by the first one's reader.
	b2 := *b
	w, _ := cloak.NewBatchWriter(b.account.Public(), b.creator.Public(), b.vid, testEpoch, testHeadVersion, b.headHash, testExpiry)
	foreign, _, d, err := w.SealItem([]byte("SECRET_0"), []byte("x"))
	must(t, err)
	b2.blob = ok(w.Finish([]cloak.BatchDigest{d}, b.creator))
	r2 := b.reader(t)
	_, _, err = r2.OpenItem(foreign)
	wantErr(t, "item of another batch", err, cloak.ErrMismatch)
	_, _, err = b2.reader(t).OpenItem(foreign)
	must(t, err)

	// Section 9.1's offsets: the vault id at V = 68 + N, N the suite's enc length.
	L, V := len(b.vid), 68+sizesOf(suite).enc
	checkTampering(t, blobCase{
		name: "batch " + suite.String(), blob: b.blob, otherType: byte(cloak.ObjectBatchItem),
		open: func(blob []byte) error {
			rr, err := cloak.VerifyBatch(blob, b.vid, b.account, trusted)
			if err != nil && rr != nil {
				t.Fatal("output on failure")
			}
			return err
		},
		regions: []region{
			{4, 20, cloak.ErrWrongKey, nil},                     // account key id
			{20, V - 32, cloak.ErrBadSignature, nil},            // batch id, enc
			{V - 32, V, cloak.ErrUntrustedSigner, nil},          // creator
			{V, V + 1, cloak.ErrMalformed, nil},                 // vault id length: the length no longer fits
			{V + 1, V + 1 + L, cloak.ErrMismatch, nil},          // vault id: not the expected one
			{V + 1 + L, V + 53 + L, cloak.ErrBadSignature, nil}, // epoch, head version, head hash, expiry
			{V + 53 + L, V + 57 + L, cloak.ErrMalformed, nil},   // item count: the length no longer fits
			{V + 57 + L, len(b.blob), cloak.ErrBadSignature, nil},
		},
		// The count is read first, from the blob's own suite: the other suite's length is wrong.
		truncErr: fixedLen, extendErr: cloak.ErrMalformed, relabelErr: cloak.ErrMalformed,
	})

	rt := b.reader(t)
	item := b.items[4]
	checkTampering(t, blobCase{
		name: "batch item " + suite.String(), blob: item, otherType: byte(cloak.ObjectBatch),
		open: func(it []byte) error {
			n, v, err := rt.OpenItem(it)
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
			{40, len(item), cloak.ErrBadSignature, nil}, // not the digest the creator signed
		},
		truncErr: func(n int) *cloak.Error {
			if n < 56+64 || !isPadLen(n-56) {
				return cloak.ErrMalformed
			}
			return cloak.ErrBadSignature
		},
		extendErr: cloak.ErrMalformed,
	})

	wantErr(t, "check with a copied reader", r.CheckWithCopiedState(uint64(testNow.Unix())), cloak.ErrBadState)
	r.Wipe()
	if r.ItemCount() != 0 || r.Signer() != (cloak.IdentityPublicKey{}) || r.Epoch() != 0 || r.HeadVersion() != 0 {
		t.Fatal("wiped reader still answers")
	}
	_, _, err = r.OpenItem(b.items[0])
	wantErr(t, "open after wipe", err, cloak.ErrBadState)
	wantErr(t, "check after wipe", r.Check(1, 1, testNow), cloak.ErrBadState)
}

func TestBatchWriter(t *testing.T) {
	creator, _ := cloak.GenerateIdentityKey()
	other, _ := cloak.GenerateIdentityKey()
	acct, _ := cloak.GenerateEncryptionKey()
	var hh cloak.HeadHash
	begin := func(vid []byte, epoch uint32, version uint64) (*cloak.BatchWriter, error) {
		return cloak.NewBatchWriter(acct.Public(), creator.Public(), vid, epoch, version, hh, testExpiry)
	}
	for _, c := range []struct {
		what    string
		vid     []byte
		epoch   uint32
		version uint64
	}{{"empty vault id", nil, 1, 1}, {"vault id of 256 bytes", make([]byte, 256), 1, 1}, {"epoch 0", []byte("v"), 0, 1},
		{"head version 0", []byte("v"), 1, 0}} {
		_, err := begin(c.vid, c.epoch, c.version)
		wantErr(t, c.what, err, cloak.ErrBadParams)
	}
	_, err := cloak.NewBatchWriter(cloak.X25519PublicKey{}, creator.Public(), []byte("v"), 1, 1, hh, testExpiry)
	wantErr(t, "low-order account key", err, cloak.ErrInvalidKey)
	_, err = cloak.NewBatchWriter(nil, creator.Public(), []byte("v"), 1, 1, hh, testExpiry)
	wantErr(t, "no account key", err, cloak.ErrBadParams)

	w, err := begin([]byte("v"), 1, 1)
	must(t, err)
	_, _, _, err = w.SealItem(nil, []byte("x"))
	wantErr(t, "empty name", err, cloak.ErrBadParams)
	_, _, _, err = w.SealItem(make([]byte, 256), []byte("x"))
	wantErr(t, "name of 256 bytes", err, cloak.ErrBadParams)
	// An empty batch is a batch: the failed items reserved no index.
	blob := ok(w.Finish(nil, creator))
	r, err := cloak.VerifyBatch(blob, []byte("v"), acct, []cloak.IdentityPublicKey{creator.Public()})
	must(t, err)
	if r.ItemCount() != 0 {
		t.Fatal("empty batch has items")
	}
	// Finish wiped the writer.
	_, _, _, err = w.SealItem([]byte("n"), nil)
	wantErr(t, "seal after finish", err, cloak.ErrBadState)
	_, err = w.Finish(nil, creator)
	wantErr(t, "finish twice", err, cloak.ErrBadState)

	w2, _ := begin([]byte("v"), 1, 1)
	w2.Wipe()
	_, _, _, err = w2.SealItem([]byte("n"), nil)
	wantErr(t, "seal after wipe", err, cloak.ErrBadState)

	// The digests must be one per item; the key must be the creator's given to begin.
	w3, _ := begin([]byte("v"), 1, 1)
	_, _, d, _ := w3.SealItem([]byte("n"), []byte("v"))
	_, err = w3.Finish(nil, creator)
	wantErr(t, "finish with a digest missing", err, cloak.ErrBadParams)
	_, err = w3.Finish([]cloak.BatchDigest{d}, creator)
	wantErr(t, "finish after a failed finish", err, cloak.ErrBadState)
	w4, _ := begin([]byte("v"), 1, 1)
	_, _, d, _ = w4.SealItem([]byte("n"), []byte("v"))
	_, err = w4.Finish([]cloak.BatchDigest{d}, other)
	wantErr(t, "finish by another identity", err, cloak.ErrMismatch)

	// A copied writer would reuse indexes and nonces: the library refuses it.
	w5, _ := begin([]byte("v"), 1, 1)
	wantErr(t, "seal with a copied writer", w5.SealWithCopiedState([]byte("n"), []byte("v")), cloak.ErrBadState)
	w5.Wipe()

	// A wiped creator key cannot sign.
	w6, _ := begin([]byte("v"), 1, 1)
	c2, _ := cloak.GenerateIdentityKey()
	c2.Wipe()
	_, err = w6.Finish(nil, c2)
	wantErr(t, "finish with a wiped key", err, cloak.ErrBadParams)
	if !errors.Is(err, cloak.ErrWiped) {
		t.Fatal("not ErrWiped")
	}
}

// TestBatchWriterConcurrent seals items from many goroutines at once into one writer: every
// index is reserved once, every item opens at its index, and the batch signs all of them.
func TestBatchWriterConcurrent(t *testing.T) {
	creator, _ := cloak.GenerateIdentityKey()
	acct, _ := cloak.GenerateEncryptionKey()
	vid := []byte("vault-1")
	var hh cloak.HeadHash
	w, err := cloak.NewBatchWriter(acct.Public(), creator.Public(), vid, 1, 1, hh, testExpiry)
	must(t, err)
	const goroutines, perGoroutine = 16, 100
	type sealed struct {
		name, item []byte
		digest     cloak.BatchDigest
	}
	var mu sync.Mutex
	byIndex := map[uint32]sealed{}
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perGoroutine; i++ {
				name := []byte(fmt.Sprintf("N%d_%d", g, i))
				item, index, digest, err := w.SealItem(name, name)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if _, dup := byIndex[index]; dup {
					t.Errorf("index %d reserved twice", index)
				}
				byIndex[index] = sealed{name, item, digest}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	const n = goroutines * perGoroutine
	if len(byIndex) != n {
		t.Fatalf("%d distinct indexes for %d items", len(byIndex), n)
	}
	digests := make([]cloak.BatchDigest, n)
	for i := uint32(0); i < n; i++ {
		s, found := byIndex[i]
		if !found {
			t.Fatalf("index %d never reserved", i)
		}
		digests[i] = s.digest
	}
	blob := ok(w.Finish(digests, creator))
	r, err := cloak.VerifyBatch(blob, vid, acct, []cloak.IdentityPublicKey{creator.Public()})
	must(t, err)
	must(t, r.Check(1, 1, testNow))
	// Items open from many goroutines too; each name comes back with its item.
	var wg2 sync.WaitGroup
	for _, s := range byIndex {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			name, value, err := r.OpenItem(s.item)
			if err != nil || !bytes.Equal(name, s.name) || !bytes.Equal(value, s.name) {
				t.Errorf("item %s: %v", s.name, err)
			}
		}()
	}
	wg2.Wait()
}

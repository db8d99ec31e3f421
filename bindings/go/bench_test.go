package cloak_test

import (
	"fmt"
	"testing"

	"libcloak.dev/cloak"
)

// Benchmarks of the main operations through the binding (cgo call included). Run them with
//
//	go test -run '^$' -bench . -benchmem
//
// The C library's own figures are in docs/performance.md; the difference is the cost of cgo and
// of the Go-side allocation of outputs.

var benchSizes = []int{64, 1024, 64 * 1024}

func sizeName(n int) string {
	if n >= 1024 {
		return fmt.Sprintf("%dKiB", n/1024)
	}
	return fmt.Sprintf("%dB", n)
}

// The share benchmarks run in both suites: X-Wing's encapsulation (ML-KEM-768 and X25519) against
// X25519's alone.
func BenchmarkShareSeal(b *testing.B) {
	for _, suite := range suites {
		b.Run(suite.String(), func(b *testing.B) {
			alice, _ := cloak.GenerateIdentityKey()
			bob := newKey(b, suite)
			vk, _ := cloak.GenerateVaultKey()
			vid := []byte("vault-1")
			for b.Loop() {
				if _, err := cloak.SealShare(vk, 1, vid, bob.Public(), alice); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkShareOpen(b *testing.B) {
	for _, suite := range suites {
		b.Run(suite.String(), func(b *testing.B) {
			alice, _ := cloak.GenerateIdentityKey()
			bob := newKey(b, suite)
			vk, _ := cloak.GenerateVaultKey()
			vid := []byte("vault-1")
			share := ok(cloak.SealShare(vk, 1, vid, bob.Public(), alice))
			trusted := alice.Public()
			for b.Loop() {
				if _, _, err := cloak.OpenShare(share, vid, bob, trusted, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSecretSeal(b *testing.B) {
	_, v := newVault(b, "vault-1")
	for _, n := range benchSizes {
		value := randBytes(n)
		b.Run(sizeName(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				if _, err := v.Seal([]byte("DATABASE_URL"), value, []byte("prod")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSecretOpen(b *testing.B) {
	_, v := newVault(b, "vault-1")
	for _, n := range benchSizes {
		sealed := ok(v.Seal([]byte("DATABASE_URL"), randBytes(n), []byte("prod")))
		b.Run(sizeName(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				if _, err := v.Open([]byte("DATABASE_URL"), sealed, []byte("prod")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBatchSealItem(b *testing.B) {
	acct, _ := cloak.GenerateEncryptionKey()
	creator, _ := cloak.GenerateIdentityKey()
	value := randBytes(64)
	w, err := cloak.NewBatchWriter(acct.Public(), creator.Public(), []byte("vault-1"), 1, 1, cloak.HeadHash{}, testExpiry)
	must(b, err)
	b.SetBytes(int64(len(value)))
	for b.Loop() {
		if _, _, _, err := w.SealItem([]byte("API_TOKEN"), value); err != nil {
			b.Fatal(err)
		}
	}
	w.Wipe()
}

// BenchmarkBatchOpenItem opens one item of 64 bytes per iteration: each item opens once, so the
// batch holds one item per iteration, opened in turn.
func BenchmarkBatchOpenItem(b *testing.B) {
	acct, _ := cloak.GenerateEncryptionKey()
	creator, _ := cloak.GenerateIdentityKey()
	vid := []byte("vault-1")
	w, err := cloak.NewBatchWriter(acct.Public(), creator.Public(), vid, 1, 1, cloak.HeadHash{}, testExpiry)
	must(b, err)
	value := randBytes(64)
	items := make([][]byte, b.N)
	digests := make([]cloak.BatchDigest, b.N)
	for range items {
		item, index, digest, err := w.SealItem([]byte("API_TOKEN"), value)
		must(b, err)
		items[index], digests[index] = item, digest
	}
	r, err := cloak.VerifyBatch(ok(w.Finish(digests, creator)), vid, acct, []cloak.IdentityPublicKey{creator.Public()})
	must(b, err)
	must(b, r.Check(1, 1, testNow))
	b.SetBytes(int64(len(value)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := r.OpenItem(items[i]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBatchVerify(b *testing.B) {
	tb := makeBatch(b, cloak.SuiteXWing, 100)
	trusted := []cloak.IdentityPublicKey{tb.creator.Public()}
	for b.Loop() {
		r, err := cloak.VerifyBatch(tb.blob, tb.vid, tb.account, trusted)
		if err != nil {
			b.Fatal(err)
		}
		r.Wipe()
	}
}

// BenchmarkPasswordDerive runs at the smallest cost a record can carry (16 MiB, one pass, one
// lane, under lowPolicy), with an account secret key; the default cost is about 30 times slower.
func BenchmarkPasswordDerive(b *testing.B) {
	rec := ok(cloak.NewPasswordRecord(smallCost))
	sk := ok(cloak.GenerateAccountSecretKey())
	for b.Loop() {
		m, l, err := cloak.DerivePassword([]byte("correct horse battery staple"), aliceID, sk, rec, lowPolicy)
		if err != nil {
			b.Fatal(err)
		}
		m.Wipe()
		l.Wipe()
	}
}

func BenchmarkHPKESealBase(b *testing.B) {
	for _, suite := range suites {
		b.Run(suite.String(), func(b *testing.B) {
			bob := newKey(b, suite)
			pt := randBytes(64)
			for b.Loop() {
				if _, _, err := cloak.HPKESealBase(bob.Public(), pt, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCgoFloor is the cheapest call into the library: the fixed cost of crossing cgo.
func BenchmarkCgoFloor(b *testing.B) {
	for b.Loop() {
		_ = cloak.SecretSealedLen(64)
	}
}

// headFixture is a vault of n secrets' leaves, a roster of one admin, and its first head.
func headFixture(b *testing.B, n int) (leaves []cloak.MerkleLeaf, roster []cloak.RosterEntry, admin *cloak.IdentityKey, head []byte) {
	admin, _ = cloak.GenerateIdentityKey()
	enc, _ := cloak.GenerateEncryptionKey()
	roster = []cloak.RosterEntry{ok(cloak.MemberEntry(admin.Public(), cloak.PermissionAdmin, enc.Public()))}
	leaves = make([]cloak.MerkleLeaf, n)
	for i := range leaves {
		copy(leaves[i][:], randBytes(cloak.MerkleLeafBytes))
	}
	cloak.SortMerkleLeaves(leaves)
	root := ok(cloak.MerkleRoot(leaves))
	head = ok(cloak.CreateHead([]byte("vault-1"), 1, cloak.KeyID{}, 1, cloak.HeadHash{}, testExpiry, root, uint32(n), 0, roster, admin))
	return leaves, roster, admin, head
}

// BenchmarkHeadCreate is a writer's cost of a new head: the Merkle root over every secret's leaf,
// then the signed head.
func BenchmarkHeadCreate(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprint(n, "secrets"), func(b *testing.B) {
			leaves, roster, admin, _ := headFixture(b, n)
			for b.Loop() {
				root, err := cloak.MerkleRoot(leaves)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := cloak.CreateHead([]byte("vault-1"), 1, cloak.KeyID{}, 1, cloak.HeadHash{}, testExpiry, root,
					uint32(n), 0, roster, admin); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHeadVerifyFirst is a reader's cost of a head and one secret's inclusion proof.
func BenchmarkHeadVerifyFirst(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprint(n, "secrets"), func(b *testing.B) {
			leaves, _, admin, head := headFixture(b, n)
			proof := ok(cloak.MerkleProveInclusion(leaves, n/2))
			trusted := []cloak.IdentityPublicKey{admin.Public()}
			for b.Loop() {
				h, err := cloak.VerifyFirstHead(head, []byte("vault-1"), trusted)
				if err != nil {
					b.Fatal(err)
				}
				if err := h.VerifyInclusion(leaves[n/2], proof); err != nil {
					b.Fatal(err)
				}
				h.Wipe()
			}
		})
	}
}

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

func BenchmarkShareSeal(b *testing.B) {
	alice, _ := cloak.GenerateIdentityKey()
	bob, _ := cloak.GenerateEncryptionKey()
	vk, _ := cloak.GenerateVaultKey()
	vid := []byte("vault-1")
	for b.Loop() {
		if _, err := cloak.SealShare(vk, vid, bob.Public(), alice); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkShareOpen(b *testing.B) {
	alice, _ := cloak.GenerateIdentityKey()
	bob, _ := cloak.GenerateEncryptionKey()
	vk, _ := cloak.GenerateVaultKey()
	vid := []byte("vault-1")
	share := ok(cloak.SealShare(vk, vid, bob.Public(), alice))
	trusted := alice.Public()
	for b.Loop() {
		if _, err := cloak.OpenShare(share, vid, bob, trusted); err != nil {
			b.Fatal(err)
		}
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
	value := randBytes(64)
	w, err := cloak.NewBatchWriter(acct.Public(), []byte("vault-1"))
	must(b, err)
	b.SetBytes(int64(len(value)))
	for b.Loop() {
		if _, err := w.SealItem([]byte("API_TOKEN"), value); err != nil {
			b.Fatal(err)
		}
	}
	w.Wipe()
}

func BenchmarkBatchOpenItem(b *testing.B) {
	tb := makeBatch(b, 100)
	r, err := cloak.VerifyBatch(tb.blob, tb.account, []cloak.IdentityPublicKey{tb.creator.Public()})
	must(b, err)
	item := tb.items[50]
	for b.Loop() {
		if _, _, err := r.OpenItem(item); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBatchVerify(b *testing.B) {
	tb := makeBatch(b, 100)
	trusted := []cloak.IdentityPublicKey{tb.creator.Public()}
	for b.Loop() {
		r, err := cloak.VerifyBatch(tb.blob, tb.account, trusted)
		if err != nil {
			b.Fatal(err)
		}
		r.Wipe()
	}
}

// BenchmarkPasswordDerive runs at the smallest accepted cost (16 MiB, one pass, one lane); the
// default cost is about 30 times slower.
func BenchmarkPasswordDerive(b *testing.B) {
	rec := ok(cloak.NewPasswordRecord(smallCost))
	for b.Loop() {
		m, l, err := cloak.DerivePassword([]byte("correct horse battery staple"), rec)
		if err != nil {
			b.Fatal(err)
		}
		m.Wipe()
		l.Wipe()
	}
}

func BenchmarkHPKESealBase(b *testing.B) {
	bob, _ := cloak.GenerateEncryptionKey()
	pt := randBytes(64)
	for b.Loop() {
		if _, _, err := cloak.HPKESealBase(bob.Public(), pt, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCgoFloor is the cheapest call into the library: the fixed cost of crossing cgo.
func BenchmarkCgoFloor(b *testing.B) {
	for b.Loop() {
		_ = cloak.SecretSealedLen(64)
	}
}

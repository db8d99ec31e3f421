package cloak_test

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"libcloak.dev/cloak"
)

func newVault(t testing.TB, id string) (*cloak.VaultKey, *cloak.Vault) {
	t.Helper()
	k, err := cloak.GenerateVaultKey()
	must(t, err)
	v, err := cloak.NewVault(k, 1, []byte(id))
	must(t, err)
	return k, v
}

func TestSecrets(t *testing.T) {
	key, v := newVault(t, "vault-1")
	if v.KeyID() != key.ID() || v.Epoch() != 1 {
		t.Fatal("vault key id or epoch")
	}
	name, ctx := []byte("DATABASE_URL"), []byte("prod")
	for _, n := range []int{0, 1, 64, 1024, 65536} {
		value := randBytes(n)
		sealed := ok(v.Seal(name, value, ctx))
		if len(sealed) != cloak.SecretSealedLen(n) {
			t.Fatalf("sealed %d bytes into %d", n, len(sealed))
		}
		eq(t, "opened", ok(v.Open(name, sealed, ctx)), value)
	}
	value := []byte("postgres://app:s3cret@db/app")
	sealed := ok(v.Seal(name, value, ctx))
	if again := ok(v.Seal(name, value, ctx)); bytes.Equal(again, sealed) {
		t.Fatal("two seals are equal: the nonce is not random")
	}
	sealedNoCtx := ok(v.Seal(name, value, nil))
	eq(t, "no context", ok(v.Open(name, sealedNoCtx, []byte{})), value)

	_, other := newVault(t, "vault-1")
	sameKeyOtherID, err := cloak.NewVault(key, 1, []byte("vault-2"))
	must(t, err)
	for _, c := range []struct {
		what   string
		v      *cloak.Vault
		name   []byte
		ctx    []byte
		sealed []byte
		want   *cloak.Error
	}{
		{"other name", v, []byte("DATABASE_URM"), ctx, sealed, cloak.ErrAuth},
		{"other context", v, name, []byte("staging"), sealed, cloak.ErrAuth},
		{"no context", v, name, nil, sealed, cloak.ErrAuth},
		{"context added", v, name, ctx, sealedNoCtx, cloak.ErrAuth},
		{"other vault id", sameKeyOtherID, name, ctx, sealed, cloak.ErrAuth},
		{"other vault key", other, name, ctx, sealed, cloak.ErrWrongKey},
		{"empty name", v, nil, ctx, sealed, cloak.ErrBadParams},
		{"name of 256 bytes", v, make([]byte, 256), ctx, sealed, cloak.ErrBadParams},
		{"context of 256 bytes", v, name, make([]byte, 256), sealed, cloak.ErrBadParams},
	} {
		out, err := c.v.Open(c.name, c.sealed, c.ctx)
		wantErr(t, c.what, err, c.want)
		if out != nil {
			t.Fatal("output on failure")
		}
	}
	_, err = v.Seal(nil, value, ctx)
	wantErr(t, "seal with an empty name", err, cloak.ErrBadParams)
	_, err = v.Seal(make([]byte, 256), value, ctx)
	wantErr(t, "seal with a long name", err, cloak.ErrBadParams)
	_, err = cloak.NewVault(key, 1, nil)
	wantErr(t, "empty vault id", err, cloak.ErrBadParams)
	_, err = cloak.NewVault(key, 1, make([]byte, 256))
	wantErr(t, "vault id of 256 bytes", err, cloak.ErrBadParams)
	_, err = cloak.NewVault(key, 0, []byte("vault-1"))
	wantErr(t, "epoch 0", err, cloak.ErrBadParams)
	_, err = cloak.NewVault(key, 1, make([]byte, 255))
	must(t, err)

	// The epoch is authenticated: the same key under another epoch refuses the secret.
	otherEpoch, err := cloak.NewVault(key, 2, []byte("vault-1"))
	must(t, err)
	if otherEpoch.Epoch() != 2 {
		t.Fatal("epoch accessor")
	}
	out, err := otherEpoch.Open(name, sealed, ctx)
	wantErr(t, "secret of epoch 1 opened at epoch 2", err, cloak.ErrMismatch)
	if out != nil {
		t.Fatal("output on failure")
	}

	checkTampering(t, blobCase{
		name: "secret", blob: sealed, otherType: byte(cloak.ObjectShare),
		open: func(b []byte) error {
			out, err := v.Open(name, b, ctx)
			if err != nil && out != nil {
				t.Fatal("output on failure")
			}
			return err
		},
		regions: []region{
			{4, 20, cloak.ErrWrongKey, nil},       // vault key id
			{20, 24, cloak.ErrMismatch, nil},      // epoch: not the vault's
			{24, len(sealed), cloak.ErrAuth, nil}, // nonce, ciphertext, tag
		},
		// The value is padded to 64 bytes: every shorter or longer blob has no valid padded length.
		truncErr: fixedLen, extendErr: cloak.ErrMalformed,
	})
}

// TestSecretPadding checks that the server sees a length bucket, not a length, and that the
// reader checks the padding.
func TestSecretPadding(t *testing.T) {
	_, v := newVault(t, "vault-1")
	name := []byte("N")
	short, long := ok(v.Seal(name, []byte("a"), nil)), ok(v.Seal(name, bytes.Repeat([]byte("b"), 60), nil))
	if len(short) != len(long) || len(short) != 128 {
		t.Fatalf("values of 1 and 60 bytes sealed into %d and %d bytes", len(short), len(long))
	}
	if len(ok(v.Seal(name, make([]byte, 61), nil))) == len(short) {
		t.Fatal("61 bytes fit the first bucket")
	}
	for _, n := range []int{0, 1, 60, 61, 200, 5000} {
		value := randBytes(n)
		eq(t, fmt.Sprint("value of ", n), ok(v.Open(name, ok(v.Seal(name, value, nil)), nil)), value)
	}
}

func TestBlindIndexAndReseal(t *testing.T) {
	key, v := newVault(t, "vault-1")
	i1 := ok(v.BlindIndex([]byte("API_TOKEN")))
	if len(i1) != cloak.BlindIndexBytes {
		t.Fatalf("index of %d bytes", len(i1))
	}
	v2, _ := cloak.NewVault(key, 1, []byte("vault-1"))
	eq(t, "same key, same index", ok(v2.BlindIndex([]byte("API_TOKEN"))), i1)
	if bytes.Equal(ok(v.BlindIndex([]byte("API_TOKEM"))), i1) {
		t.Fatal("two names, one index")
	}
	v3, _ := cloak.NewVault(key, 1, []byte("vault-2"))
	if bytes.Equal(ok(v3.BlindIndex([]byte("API_TOKEN"))), i1) {
		t.Fatal("two vault ids, one index")
	}
	rotatedKey, _ := cloak.GenerateVaultKey()
	rotated, err := cloak.NewVault(rotatedKey, 2, []byte("vault-1"))
	must(t, err)
	if bytes.Equal(ok(rotated.BlindIndex([]byte("API_TOKEN"))), i1) {
		t.Fatal("a rotation keeps the index")
	}
	_, err = v.BlindIndex(nil)
	wantErr(t, "index of an empty name", err, cloak.ErrBadParams)

	name, ctx, value := []byte("API_TOKEN"), []byte("ci"), []byte("tok_123")
	sealed := ok(v.Seal(name, value, ctx))
	resealed := ok(v.Reseal(rotated, name, sealed, ctx))
	if len(resealed) != len(sealed) {
		t.Fatal("reseal changed the length")
	}
	_, kid, _ := cloak.Inspect(resealed)
	if kid != rotated.KeyID() || resealed[23] != 2 {
		t.Fatal("resealed secret does not carry the new key id and epoch")
	}
	eq(t, "resealed value", ok(rotated.Open(name, resealed, ctx)), value)
	_, err = v.Open(name, resealed, ctx)
	wantErr(t, "old key on resealed", err, cloak.ErrWrongKey)
	_, err = rotated.Open(name, sealed, ctx)
	wantErr(t, "new key on old secret", err, cloak.ErrWrongKey)
	out, err := v.Reseal(rotated, []byte("OTHER"), sealed, ctx)
	wantErr(t, "reseal under another name", err, cloak.ErrAuth)
	if out != nil {
		t.Fatal("output on failure")
	}
	_, err = rotated.Reseal(v, name, sealed, ctx)
	wantErr(t, "reseal from the wrong vault", err, cloak.ErrWrongKey)
	// Resealing under the same vault re-randomises the nonce.
	same := ok(v.Reseal(v, name, sealed, ctx))
	if bytes.Equal(same, sealed) {
		t.Fatal("reseal to the same vault kept the nonce")
	}
	eq(t, "reseal to the same vault", ok(v.Open(name, same, ctx)), value)
}

func TestVaultWipe(t *testing.T) {
	_, v := newVault(t, "vault-1")
	sealed := ok(v.Seal([]byte("n"), []byte("v"), nil))
	v.Wipe()
	v.Wipe() // twice is fine
	if v.KeyID() != (cloak.KeyID{}) {
		t.Fatal("wiped vault has a key id")
	}
	for what, err := range map[string]error{
		"seal":   func() error { _, err := v.Seal([]byte("n"), []byte("v"), nil); return err }(),
		"open":   func() error { _, err := v.Open([]byte("n"), sealed, nil); return err }(),
		"index":  func() error { _, err := v.BlindIndex([]byte("n")); return err }(),
		"reseal": func() error { _, err := v.Reseal(v, []byte("n"), sealed, nil); return err }(),
	} {
		wantErr(t, what+" after wipe", err, cloak.ErrBadState)
	}
	if v.Epoch() != 0 {
		t.Fatal("wiped vault has an epoch")
	}
	var zero cloak.Vault
	_, err := zero.Seal([]byte("n"), nil, nil)
	wantErr(t, "zero-value vault", err, cloak.ErrBadState)
}

// TestVaultCopiedState shows that the library refuses a vault state copied to another address,
// and that the binding never does that itself.
func TestVaultCopiedState(t *testing.T) {
	_, v := newVault(t, "vault-1")
	wantErr(t, "seal with a copied state", v.SealWithCopiedState([]byte("n"), []byte("v")), cloak.ErrBadState)
	_ = ok(v.Seal([]byte("n"), []byte("v"), nil))
}

// TestVaultConcurrent uses one vault from many goroutines while another wipes it: every call
// either works or reports the wipe (run it with -race too).
func TestVaultConcurrent(t *testing.T) {
	_, v := newVault(t, "vault-1")
	_, w := newVault(t, "vault-1")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				name := []byte(fmt.Sprintf("S%d_%d", g, i))
				s, err := v.Seal(name, name, nil)
				if err != nil {
					errs <- err
					return
				}
				got, err := v.Open(name, s, nil)
				if err != nil || !bytes.Equal(got, name) {
					errs <- fmt.Errorf("open: %v", err)
					return
				}
				// Reseal in both directions at once must not deadlock.
				if g%2 == 0 {
					_, err = v.Reseal(w, name, s, nil)
				} else {
					var s2 []byte
					s2, err = v.Reseal(w, name, s, nil)
					if err == nil {
						_, err = w.Reseal(v, name, s2, nil)
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	// Now wipe while others use it.
	var wg2 sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			for i := 0; i < 500; i++ {
				_, err := v.Seal([]byte("n"), []byte("v"), nil)
				if err != nil {
					if !errors.Is(err, cloak.ErrWiped) || !errors.Is(err, cloak.ErrBadState) {
						t.Errorf("seal during wipe: %v", err)
					}
					return
				}
			}
		}()
	}
	v.Wipe()
	wg2.Wait()
}

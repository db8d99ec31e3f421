package cloak_test

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"sort"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"

	"libcloak.dev/cloak"
)

// The rest of docs/protocol.md, reimplemented from the document alone (spec_test.go and the
// helpers here) and compared with the library through the binding, both ways where a blob can be
// made on either side.

func TestIndependentKeyIDs(t *testing.T) {
	for i := 0; i < 16; i++ {
		k := randBytes(32)
		vk, _ := cloak.VaultKeyFromBytes(k)
		id := vk.ID()
		eq(t, "symmetric key id (section 1.2)", id[:], specSymmetricKeyID(t, k))
		ident, _ := cloak.GenerateIdentityKey()
		pub := ident.Public()
		_, kid, err := cloak.Inspect(pub.Export())
		must(t, err)
		eq(t, "identity public key id", kid[:], specPublicKeyID(pub[:]))
		eq(t, "identity public key blob (section 5.1)", pub.Export(), cat(specHeader(0x02, specPublicKeyID(pub[:])), pub[:]))
		enc, _ := cloak.GenerateEncryptionKey()
		epub := enc.Public()
		eq(t, "encryption public key blob", epub.Export(), cat(specHeader(0x03, specPublicKeyID(epub[:])), epub[:]))
	}
}

var textNames = map[byte]string{1: "password", 2: "identity", 3: "pubkey", 4: "bundle", 5: "wrappedidentity",
	6: "wrappedkey", 7: "wrappedaccount", 8: "secret", 9: "share", 10: "batch", 11: "item", 12: "accountkey"}

// specText is section 3's text form.
func specText(blob []byte) string {
	sum := sha256.Sum256(cat(lp8([]byte("libcloak v1 text")), blob))
	return "cloak-" + textNames[blob[1]] + "-" + base64.RawURLEncoding.EncodeToString(cat(blob, sum[:4]))
}

// someBlobs returns one blob of every type.
func someBlobs(t *testing.T) [][]byte {
	id, _ := cloak.GenerateIdentityKey()
	enc, _ := cloak.GenerateEncryptionKey()
	master, _ := cloak.MasterKeyFromBytes(randBytes(32))
	vk, _ := cloak.GenerateVaultKey()
	vault, _ := cloak.NewVault(vk, []byte("v"))
	w, _ := cloak.NewBatchWriter(enc.Public(), []byte("v"))
	item := ok(w.SealItem([]byte("N"), []byte("value")))
	return [][]byte{
		ok(cloak.NewPasswordRecord(smallCost)), id.Public().Export(), enc.Public().Export(),
		ok(id.Bundle(enc.Public())), ok(id.Wrap(master)), ok(enc.Wrap(master)), ok(enc.WrapServiceAccount(master)),
		ok(vault.Seal([]byte("N"), []byte("value"), nil)), ok(cloak.SealShare(vk, []byte("v"), enc.Public(), id)),
		ok(w.Finish(id)), item, ok(enc.ExportServiceAccountPrivate()),
	}
}

func TestIndependentTextForm(t *testing.T) {
	nonCanonical := 0
	for _, blob := range someBlobs(t) {
		text := specText(blob)
		if got := ok(cloak.TextEncode(blob)); got != text {
			t.Fatalf("type %d: libcloak %s, spec %s", blob[1], got, text)
		}
		eq(t, "spec text decoded by libcloak", ok(cloak.TextDecode(" \t"+text+"\r\n")), blob)
		// Non-canonical base64 (unused bits of the last character set) is refused.
		if unused := map[int]int{0: 0, 1: 4, 2: 2}[(len(blob)+4)%3]; unused > 0 {
			last := strings.IndexByte(base64URLAlphabet, text[len(text)-1])
			if last&(1<<unused-1) != 0 {
				t.Fatal("the spec's own text form is not canonical")
			}
			_, err := cloak.TextDecode(text[:len(text)-1] + string(base64URLAlphabet[last|1]))
			wantErr(t, "non-canonical base64", err, cloak.ErrMalformed)
			nonCanonical++
		}
		// Padding is refused.
		if _, err := cloak.TextDecode(text + "="); err == nil {
			t.Fatal("padding accepted")
		}
	}
	if nonCanonical == 0 {
		t.Fatal("no blob length left unused bits to test")
	}
}

const base64URLAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func TestIndependentPassword(t *testing.T) {
	password := []byte("correct horse battery staple")
	for _, p := range []cloak.PasswordParams{{16384, 1, 1}, {16384, 2, 2}, {20000, 1, 4}, {16384, 3, 3}} {
		salt := randBytes(16)
		record := cat(specHeader(0x01, make([]byte, 16)), u32(p.MemoryKiB), u32(p.Iterations), u32(p.Parallelism), salt)
		eq(t, "record (section 4.1)", ok(cloak.EncodePasswordRecord(salt, p)), record)
		master, login, err := cloak.DerivePassword(password, record)
		must(t, err)
		pk := argon2.IDKey(password, salt, p.Iterations, p.MemoryKiB, uint8(p.Parallelism), 32)
		prk := specExtract(t, []byte("libcloak v1 password"), pk)
		eq(t, fmt.Sprintf("master key %+v (x/crypto/argon2 + HKDF)", p), master.SecretBytes(), specExpand(t, prk, "libcloak v1 master key", 32))
		eq(t, "login key", login.SecretBytes(), specExpand(t, prk, "libcloak v1 login key", 32))
	}
	rec := ok(cloak.NewPasswordRecord(cloak.DefaultPasswordParams()))
	eq(t, "new record's fixed part", rec[:32], cat(specHeader(0x01, make([]byte, 16)), u32(65536), u32(3), u32(4)))
}

func TestIndependentIdentity(t *testing.T) {
	for i := 0; i < 16; i++ {
		seed := randBytes(32)
		k := ok(cloak.IdentityKeyFromSeed(seed))
		priv := ed25519.NewKeyFromSeed(seed)
		pub := k.Public()
		eq(t, "Ed25519 public key", pub[:], priv.Public().(ed25519.PublicKey))

		// Section 5.3: signatures under a context.
		msg, ctx := randBytes(i*100), randBytes(i*10)
		signed := cat(lp8([]byte("libcloak v1 user signature")), lp8(ctx), sha512Sum(msg))
		sig := ok(k.Sign(msg, ctx))
		eq(t, "user signature (Ed25519 is deterministic)", sig, ed25519.Sign(priv, signed))
		must(t, pub.Verify(ed25519.Sign(priv, signed), msg, ctx))
		// A plain Ed25519 signature of the message is not a libcloak signature.
		wantErr(t, "unlabelled signature", pub.Verify(ed25519.Sign(priv, msg), msg, ctx), cloak.ErrBadSignature)

		// Section 5.2: bundles both ways.
		enc, _ := cloak.GenerateEncryptionKey()
		epub := enc.Public()
		body := cat(specHeader(0x04, specPublicKeyID(pub[:])), pub[:], epub[:])
		bundle := cat(body, ed25519.Sign(priv, cat(lp8([]byte("libcloak v1 bundle")), body)))
		eq(t, "bundle", ok(k.Bundle(epub)), bundle)
		gi, ge, err := cloak.VerifyBundle(bundle)
		must(t, err)
		if gi != pub || ge != epub {
			t.Fatal("bundle keys")
		}
	}
}

// specDeriveKeyPair is RFC 9180 section 7.1.3 for X25519.
func specDeriveKeyPair(t testing.TB, ikm []byte) (sk, pk []byte) {
	prk := labeledExtract(t, kemSuiteID, nil, "dkp_prk", ikm)
	sk = labeledExpand(t, kemSuiteID, prk, "sk", nil, 32)
	return sk, x25519Public(t, sk)
}

func TestIndependentEncryptionKeys(t *testing.T) {
	for n := 32; n <= 96; n += 8 {
		ikm := randBytes(n)
		k := ok(cloak.EncryptionKeyFromSeed(ikm))
		sk, pk := specDeriveKeyPair(t, ikm)
		eq(t, "DeriveKeyPair private key", k.SecretBytes(), sk)
		pub := k.Public()
		eq(t, "DeriveKeyPair public key", pub[:], pk)
		std, err := stdKEM.DeriveKeyPair(ikm)
		must(t, err)
		eq(t, "crypto/hpke DeriveKeyPair", std.PublicKey().Bytes(), pk)
		// Section 6.1: the clear export.
		eq(t, "service-account key blob", ok(k.ExportServiceAccountPrivate()), specServiceAccountBlob(sk, pk))
	}
}

func xchacha(t testing.TB, key []byte) interface {
	Seal(dst, nonce, plaintext, ad []byte) []byte
	Open(dst, nonce, ciphertext, ad []byte) ([]byte, error)
} {
	a, err := chacha20poly1305.NewX(key)
	must(t, err)
	return a
}

func TestIndependentWrappedKeys(t *testing.T) {
	mk := randBytes(32)
	master, _ := cloak.MasterKeyFromBytes(mk)
	wrapKey := specExpand(t, mk, "libcloak v1 key wrap", 32)
	id, _ := cloak.GenerateIdentityKey()
	enc, _ := cloak.GenerateEncryptionKey()
	idPub, encPub := id.Public(), enc.Public()

	// libcloak wraps, the spec unwraps.
	for _, c := range []struct {
		typ     byte
		blob    []byte
		pub     []byte
		pubOfSk func([]byte) []byte
	}{
		{0x05, ok(id.Wrap(master)), idPub[:], func(s []byte) []byte { return ed25519.NewKeyFromSeed(s).Public().(ed25519.PublicKey) }},
		{0x06, ok(enc.Wrap(master)), encPub[:], func(s []byte) []byte { return x25519Public(t, s) }},
		{0x07, ok(enc.WrapServiceAccount(master)), encPub[:], func(s []byte) []byte { return x25519Public(t, s) }},
	} {
		b := c.blob
		eq(t, "wrapped key header", b[:20], specHeader(c.typ, specSymmetricKeyID(t, mk)))
		eq(t, "wrapped key's public key", b[20:52], c.pub)
		sk, err := xchacha(t, wrapKey).Open(nil, b[52:76], b[76:124], b[:52])
		if err != nil {
			t.Fatalf("type %#x: XChaCha20-Poly1305 open: %v", c.typ, err)
		}
		eq(t, "unwrapped private key gives the public key", c.pubOfSk(sk), c.pub)

		// The spec wraps, libcloak unwraps.
		nonce := randBytes(24)
		head := cat(specHeader(c.typ, specSymmetricKeyID(t, mk)), c.pub)
		mine := cat(head, nonce, xchacha(t, wrapKey).Seal(nil, nonce, sk, head))
		switch c.typ {
		case 0x05:
			k := ok(cloak.UnwrapIdentityKey(master, mine))
			if k.Public() != idPub {
				t.Fatal("identity unwrapped from a spec blob")
			}
			eq(t, "its signature", ok(k.Sign([]byte("m"), nil)), ok(id.Sign([]byte("m"), nil)))
		case 0x06:
			eq(t, "encryption key unwrapped from a spec blob", ok(cloak.UnwrapEncryptionKey(master, mine)).SecretBytes(), enc.SecretBytes())
		case 0x07:
			eq(t, "account key unwrapped from a spec blob", ok(cloak.UnwrapServiceAccountKey(master, mine)).SecretBytes(), enc.SecretBytes())
		}
		// A private key that does not give the public key it is wrapped with: mismatch.
		other := randBytes(32)
		wrong := cat(head, nonce, xchacha(t, wrapKey).Seal(nil, nonce, other, head))
		var err2 error
		switch c.typ {
		case 0x05:
			_, err2 = cloak.UnwrapIdentityKey(master, wrong)
		case 0x06:
			_, err2 = cloak.UnwrapEncryptionKey(master, wrong)
		case 0x07:
			_, err2 = cloak.UnwrapServiceAccountKey(master, wrong)
		}
		wantErr(t, "wrapped private key of another public key", err2, cloak.ErrMismatch)
	}
}

func TestIndependentSecrets(t *testing.T) {
	r := mrand.New(mrand.NewPCG(13, 14))
	for i := 0; i < 64; i++ {
		vkb, vid, name, ctx := randBytes(32), randLabel(r), randLabel(r), randBytes(r.IntN(256))
		value := randBytes(r.IntN(2000))
		vk, _ := cloak.VaultKeyFromBytes(vkb)
		vault := ok(cloak.NewVault(vk, vid))
		secretKey := specExpand(t, vkb, "libcloak v1 secret key", 32)
		indexKey := specExpand(t, vkb, "libcloak v1 blind index key", 32)
		head := specHeader(0x08, specSymmetricKeyID(t, vkb))
		ad := cat(head, lp8(vid), lp8(name), lp8(ctx))

		// libcloak seals, the spec opens.
		sealed := ok(vault.Seal(name, value, ctx))
		eq(t, "secret header", sealed[:20], head)
		pt, err := xchacha(t, secretKey).Open(nil, sealed[20:44], sealed[44:], ad)
		if err != nil {
			t.Fatalf("XChaCha20-Poly1305 cannot open a libcloak secret: %v", err)
		}
		eq(t, "value opened by the spec", pt, value)

		// The spec seals, libcloak opens.
		nonce := randBytes(24)
		mine := cat(head, nonce, xchacha(t, secretKey).Seal(nil, nonce, value, ad))
		eq(t, "value opened by libcloak", ok(vault.Open(name, mine, ctx)), value)

		// Section 7.2.
		mac := hmac.New(sha256.New, indexKey)
		mac.Write(cat(lp8(vid), lp8(name)))
		eq(t, "blind index", ok(vault.BlindIndex(name)), mac.Sum(nil))
	}
}

func sha512Sum(b []byte) []byte { s := sha512.Sum512(b); return s[:] }

// specFingerprint is section 10.2.
func specFingerprint(pk []byte) string {
	d := sha512Sum(cat(lp8([]byte("libcloak v1 fingerprint")), pk))
	groups := make([]string, 6)
	for j := range groups {
		var b [8]byte
		copy(b[3:], d[5*j:5*j+5])
		groups[j] = fmt.Sprintf("%05d", binary.BigEndian.Uint64(b[:])%100000)
	}
	return strings.Join(groups, " ")
}

func TestIndependentFingerprints(t *testing.T) {
	for i := 0; i < 64; i++ {
		a, b := randBytes(32), randBytes(32)
		pa, pb := cloak.IdentityPublicKey(a), cloak.IdentityPublicKey(b)
		if got, want := pa.Fingerprint(), specFingerprint(a); got != want {
			t.Fatalf("fingerprint %q, spec %q", got, want)
		}
		pair := []string{specFingerprint(a), specFingerprint(b)}
		sort.Strings(pair)
		if got := cloak.PairCode(pa, pb); got != pair[0]+" "+pair[1] {
			t.Fatalf("pair code %q, spec %q", got, pair)
		}
	}
}

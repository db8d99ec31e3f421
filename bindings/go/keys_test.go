package cloak_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"libcloak.dev/cloak"
)

var fingerprintRE = regexp.MustCompile(`^\d{5}( \d{5}){5}$`)

func TestIdentityKeys(t *testing.T) {
	a, err := cloak.GenerateIdentityKey()
	must(t, err)
	b, err := cloak.GenerateIdentityKey()
	must(t, err)
	if a.Public() == b.Public() {
		t.Fatal("two generated identities are equal")
	}
	seed := randBytes(32)
	s1, err := cloak.IdentityKeyFromSeed(seed)
	must(t, err)
	s2, err := cloak.IdentityKeyFromSeed(seed)
	must(t, err)
	if s1.Public() != s2.Public() {
		t.Fatal("one seed, two keys")
	}
	for _, n := range []int{0, 31, 33, 64} {
		k, err := cloak.IdentityKeyFromSeed(make([]byte, n))
		wantErr(t, fmt.Sprintf("seed of %d bytes", n), err, cloak.ErrBadParams)
		if k != nil {
			t.Fatal("key returned on failure")
		}
	}

	msg, ctx := []byte("release v1.2.3"), []byte("example.com/releases")
	sig := ok(a.Sign(msg, ctx))
	if len(sig) != cloak.SignatureBytes {
		t.Fatalf("signature of %d bytes", len(sig))
	}
	must(t, a.Public().Verify(sig, msg, ctx))
	emptyCtx := ok(a.Sign(msg, nil))
	must(t, a.Public().Verify(emptyCtx, msg, []byte{}))
	wantErr(t, "empty context vs other", a.Public().Verify(emptyCtx, msg, ctx), cloak.ErrBadSignature)
	wantErr(t, "other message", a.Public().Verify(sig, []byte("release v1.2.4"), ctx), cloak.ErrBadSignature)
	wantErr(t, "other context", a.Public().Verify(sig, msg, []byte("other")), cloak.ErrBadSignature)
	wantErr(t, "other key", b.Public().Verify(sig, msg, ctx), cloak.ErrBadSignature)
	for i := range sig {
		bad := bytes.Clone(sig)
		bad[i] ^= 1
		wantErr(t, fmt.Sprintf("signature byte %d", i), a.Public().Verify(bad, msg, ctx), cloak.ErrBadSignature)
	}
	wantErr(t, "short signature", a.Public().Verify(sig[:63], msg, ctx), cloak.ErrBadParams)
	wantErr(t, "long signature", a.Public().Verify(append(bytes.Clone(sig), 0), msg, ctx), cloak.ErrBadParams)
	_, err = a.Sign(msg, make([]byte, 256))
	wantErr(t, "context of 256 bytes", err, cloak.ErrBadParams)
	_, err = a.Sign(msg, make([]byte, 255))
	must(t, err)

	fp := a.Public().Fingerprint()
	if !fingerprintRE.MatchString(fp) {
		t.Fatalf("fingerprint %q", fp)
	}
	pc := cloak.PairCode(a.Public(), b.Public())
	if pc != cloak.PairCode(b.Public(), a.Public()) {
		t.Fatal("the pair code depends on the order")
	}
	fa, fb := a.Public().Fingerprint(), b.Public().Fingerprint()
	if fb < fa {
		fa, fb = fb, fa
	}
	if pc != fa+" "+fb {
		t.Fatalf("pair code %q, fingerprints %q %q", pc, fa, fb)
	}

	blob := a.Public().Export()
	got, err := cloak.ImportIdentityPublicKey(blob)
	must(t, err)
	if got != a.Public() {
		t.Fatal("identity public key round trip")
	}
	checkTampering(t, blobCase{
		name: "identity public key", blob: blob, otherType: byte(cloak.ObjectEncryptionPublicKey),
		open: func(b []byte) error {
			p, err := cloak.ImportIdentityPublicKey(b)
			if err != nil && p != (cloak.IdentityPublicKey{}) {
				t.Fatal("output on failure")
			}
			return err
		},
		// The key id is derived from the key the blob carries: any change is inconsistent.
		regions:  []region{{4, 52, cloak.ErrMalformed, nil}},
		truncErr: fixedLen, extendErr: cloak.ErrMalformed,
	})

	a.Wipe()
	if a.Public() != (cloak.IdentityPublicKey{}) {
		t.Fatal("wiped identity still has a public key")
	}
	_, err = a.Sign(msg, ctx)
	wantErr(t, "sign with a wiped key", err, cloak.ErrBadParams)
}

func TestEncryptionKeys(t *testing.T) {
	a, err := cloak.GenerateEncryptionKey()
	must(t, err)
	b, err := cloak.GenerateEncryptionKey()
	must(t, err)
	if a.Public() == b.Public() || bytes.Equal(a.SecretBytes(), b.SecretBytes()) {
		t.Fatal("two generated keys are equal")
	}
	seed := randBytes(40)
	s1, err := cloak.EncryptionKeyFromSeed(seed)
	must(t, err)
	s2, err := cloak.EncryptionKeyFromSeed(seed)
	must(t, err)
	if s1.Public() != s2.Public() || !bytes.Equal(s1.SecretBytes(), s2.SecretBytes()) {
		t.Fatal("one seed, two keys")
	}
	k, err := cloak.EncryptionKeyFromSeed(seed[:31])
	wantErr(t, "short seed", err, cloak.ErrBadParams)
	if k != nil {
		t.Fatal("key returned on failure")
	}

	blob := a.Public().Export()
	got, err := cloak.ImportEncryptionPublicKey(blob)
	must(t, err)
	if got != a.Public() {
		t.Fatal("encryption public key round trip")
	}
	checkTampering(t, blobCase{
		name: "encryption public key", blob: blob, otherType: byte(cloak.ObjectIdentityPublicKey),
		open: func(b []byte) error {
			p, err := cloak.ImportEncryptionPublicKey(b)
			if err != nil && p != (cloak.EncryptionPublicKey{}) {
				t.Fatal("output on failure")
			}
			return err
		},
		regions:  []region{{4, 52, cloak.ErrMalformed, nil}},
		truncErr: fixedLen, extendErr: cloak.ErrMalformed,
	})
	a.Wipe()
	if a.SecretBytes() != nil || a.Public() != (cloak.EncryptionPublicKey{}) {
		t.Fatal("wiped key still has bytes")
	}
}

func TestBundle(t *testing.T) {
	id, _ := cloak.GenerateIdentityKey()
	enc, _ := cloak.GenerateEncryptionKey()
	bundle := ok(id.Bundle(enc.Public()))
	if len(bundle) != cloak.BundleBytes {
		t.Fatalf("bundle of %d bytes", len(bundle))
	}
	gi, ge, err := cloak.VerifyBundle(bundle)
	must(t, err)
	if gi != id.Public() || ge != enc.Public() {
		t.Fatal("bundle keys")
	}
	checkTampering(t, blobCase{
		name: "bundle", blob: bundle, otherType: byte(cloak.ObjectShare),
		open: func(b []byte) error {
			i, e, err := cloak.VerifyBundle(b)
			if err != nil && (i != (cloak.IdentityPublicKey{}) || e != (cloak.EncryptionPublicKey{})) {
				t.Fatal("output on failure")
			}
			return err
		},
		regions: []region{
			{4, 52, cloak.ErrMalformed, nil}, // key id and the identity key it is derived from
			{52, 84, nil, func(i int, x byte) *cloak.Error { // encryption key: signed, and canonical
				if i == 83 && x == 0x80 {
					return cloak.ErrMalformed // bit 255 set (section 1.4)
				}
				return cloak.ErrBadSignature
			}},
			{84, 148, cloak.ErrBadSignature, nil}, // signature
		},
		truncErr: fixedLen, extendErr: cloak.ErrMalformed,
	})
	id.Wipe()
	_, err = id.Bundle(enc.Public())
	wantErr(t, "bundle with a wiped key", err, cloak.ErrBadParams)
}

// TestKeyRules checks the v2 key rules: a signing key whose public half is not its seed's signs
// and wraps nothing; X25519 public keys are canonical and not of small order; an identity key of
// small order is refused.
func TestKeyRules(t *testing.T) {
	id, _ := cloak.GenerateIdentityKey()
	other, _ := cloak.GenerateIdentityKey()
	otherPub := other.Public()
	poisonedBytes := id.SecretBytes()
	copy(poisonedBytes[32:], otherPub[:])
	poisoned := cloak.IdentityKeyFromRaw(poisonedBytes)
	sig, err := poisoned.Sign([]byte("m"), nil)
	wantErr(t, "sign with a poisoned key", err, cloak.ErrInvalidKey)
	if sig != nil {
		t.Fatal("output on failure")
	}
	enc, _ := cloak.GenerateEncryptionKey()
	_, err = poisoned.Bundle(enc.Public())
	wantErr(t, "bundle with a poisoned key", err, cloak.ErrInvalidKey)
	master, _ := cloak.MasterKeyFromBytes(randBytes(32))
	_, err = poisoned.Wrap(master)
	wantErr(t, "wrap a poisoned key", err, cloak.ErrInvalidKey)

	var zero, one, notCanonical cloak.EncryptionPublicKey
	one[0] = 1
	notCanonical = enc.Public()
	notCanonical[31] |= 0x80
	for _, c := range []struct {
		what string
		pk   cloak.EncryptionPublicKey
		want *cloak.Error
	}{{"u = 0", zero, cloak.ErrInvalidKey}, {"u = 1", one, cloak.ErrInvalidKey}, {"bit 255 set", notCanonical, cloak.ErrMalformed}} {
		blob := cloak.EncryptionPublicKey(enc.Public()).Export()
		copy(blob[20:], c.pk[:])
		copy(blob[4:20], specPublicKeyID(c.pk[:]))
		_, err := cloak.ImportEncryptionPublicKey(blob)
		wantErr(t, "import of an X25519 key with "+c.what, err, c.want)
		_, _, err = cloak.HPKESealBase(c.pk, nil, nil, nil)
		wantErr(t, "HPKE to an X25519 key with "+c.what, err, c.want)
	}
	smallOrder := id.Public().Export()
	copy(smallOrder[20:], make([]byte, 32))
	smallOrder[20] = 1 // the identity point
	copy(smallOrder[4:20], specPublicKeyID(smallOrder[20:]))
	_, err = cloak.ImportIdentityPublicKey(smallOrder)
	wantErr(t, "import of a small-order identity key", err, cloak.ErrInvalidKey)
}

func TestWrappedKeys(t *testing.T) {
	master, _ := cloak.MasterKeyFromBytes(randBytes(32))
	other, _ := cloak.MasterKeyFromBytes(randBytes(32))
	id, _ := cloak.GenerateIdentityKey()
	enc, _ := cloak.GenerateEncryptionKey()
	acct, _ := cloak.GenerateEncryptionKey()

	wid := ok(id.Wrap(master))
	wenc := ok(enc.Wrap(master))
	wacct := ok(acct.WrapServiceAccount(master))
	for _, w := range [][]byte{wid, wenc, wacct} {
		if len(w) != cloak.WrappedKeyBytes {
			t.Fatalf("wrapped key of %d bytes", len(w))
		}
		_, kid, err := cloak.Inspect(w)
		must(t, err)
		if kid != master.ID() {
			t.Fatal("a wrapped key does not carry the master key's id")
		}
	}
	if again := ok(id.Wrap(master)); bytes.Equal(again, wid) {
		t.Fatal("wrapping twice gives the same blob: the nonce is not random")
	}

	uid, err := cloak.UnwrapIdentityKey(master, wid)
	must(t, err)
	if uid.Public() != id.Public() {
		t.Fatal("unwrapped identity")
	}
	s1 := ok(uid.Sign([]byte("m"), nil))
	must(t, id.Public().Verify(s1, []byte("m"), nil))
	uenc, err := cloak.UnwrapEncryptionKey(master, wenc)
	must(t, err)
	eq(t, "unwrapped encryption key", uenc.SecretBytes(), enc.SecretBytes())
	uacct, err := cloak.UnwrapServiceAccountKey(master, wacct)
	must(t, err)
	eq(t, "unwrapped account key", uacct.SecretBytes(), acct.SecretBytes())

	for _, c := range []struct {
		blob []byte
		typ  cloak.ObjectType
		pk   []byte
	}{{wid, cloak.ObjectWrappedIdentityKey, id.Public().Export()[20:]},
		{wenc, cloak.ObjectWrappedEncryptionKey, enc.Public().Export()[20:]},
		{wacct, cloak.ObjectWrappedServiceAccountKey, acct.Public().Export()[20:]}} {
		pk, typ, err := cloak.WrappedKeyPublicKey(c.blob)
		must(t, err)
		if typ != c.typ || !bytes.Equal(pk, c.pk) {
			t.Fatalf("WrappedKeyPublicKey: %v %x", typ, pk)
		}
	}
	pk, typ, err := cloak.WrappedKeyPublicKey(id.Public().Export())
	wantErr(t, "public key of a non-wrapped blob", err, cloak.ErrWrongType)
	if pk != nil || typ != 0 {
		t.Fatal("output on failure")
	}

	// One kind of wrapped key cannot pass for another.
	_, err = cloak.UnwrapEncryptionKey(master, wacct)
	wantErr(t, "account key as encryption key", err, cloak.ErrWrongType)
	_, err = cloak.UnwrapServiceAccountKey(master, wenc)
	wantErr(t, "encryption key as account key", err, cloak.ErrWrongType)
	_, err = cloak.UnwrapIdentityKey(master, wenc)
	wantErr(t, "encryption key as identity", err, cloak.ErrWrongType)
	_, err = cloak.UnwrapIdentityKey(other, wid)
	wantErr(t, "another master key", err, cloak.ErrWrongKey)

	unwrapCases := []struct {
		name  string
		blob  []byte
		other cloak.ObjectType
		open  func([]byte) error
	}{
		{"wrapped identity", wid, cloak.ObjectWrappedEncryptionKey, func(b []byte) error {
			k, err := cloak.UnwrapIdentityKey(master, b)
			if err != nil && k != nil {
				t.Fatal("output on failure")
			}
			return err
		}},
		{"wrapped encryption key", wenc, cloak.ObjectWrappedServiceAccountKey, func(b []byte) error {
			k, err := cloak.UnwrapEncryptionKey(master, b)
			if err != nil && k != nil {
				t.Fatal("output on failure")
			}
			return err
		}},
		{"wrapped account key", wacct, cloak.ObjectWrappedIdentityKey, func(b []byte) error {
			k, err := cloak.UnwrapServiceAccountKey(master, b)
			if err != nil && k != nil {
				t.Fatal("output on failure")
			}
			return err
		}},
	}
	for _, c := range unwrapCases {
		checkTampering(t, blobCase{
			name: c.name, blob: c.blob, otherType: byte(c.other), open: c.open,
			regions: []region{
				{4, 20, cloak.ErrWrongKey, nil}, // master key id
				{20, 124, cloak.ErrAuth, nil},   // public key (associated data), nonce, ciphertext
			},
			truncErr: fixedLen, extendErr: cloak.ErrMalformed,
		})
	}

	master.Wipe()
	_, err = id.Wrap(master)
	wantErr(t, "wrap under a wiped master key", err, cloak.ErrBadParams)
	_, err = cloak.UnwrapIdentityKey(master, wid)
	wantErr(t, "unwrap under a wiped master key", err, cloak.ErrBadParams)
}

func TestServiceAccountExport(t *testing.T) {
	acct, _ := cloak.GenerateEncryptionKey()
	blob := ok(acct.ExportServiceAccountPrivate())
	if len(blob) != cloak.ServiceAccountPrivateBlobBytes {
		t.Fatalf("exported key of %d bytes", len(blob))
	}
	k, err := cloak.ImportServiceAccountPrivate(blob)
	must(t, err)
	if k.Public() != acct.Public() || !bytes.Equal(k.SecretBytes(), acct.SecretBytes()) {
		t.Fatal("service account key round trip")
	}
	text, err := cloak.TextEncode(blob)
	must(t, err)
	if !strings.HasPrefix(text, "cloak-accountkey-") {
		t.Fatalf("text form %q", text)
	}
	back, err := cloak.TextDecode("\n  " + text + "\r\n")
	must(t, err)
	eq(t, "text round trip", back, blob)

	// X25519 ignores the top bit and three low bits of a private key, and forces the next one
	// (docs/protocol.md section 6): a private key that differs only there is the same key.
	clamped := bytes.Clone(blob)
	clamped[20] ^= 0x07
	must(t, func() error { _, err := cloak.ImportServiceAccountPrivate(clamped); return err }())
	// Every other bit of the private key changes the public key: mismatch.
	checkTampering(t, blobCase{
		name: "service account key", blob: blob, otherType: byte(cloak.ObjectWrappedServiceAccountKey),
		open: func(b []byte) error {
			k, err := cloak.ImportServiceAccountPrivate(b)
			if err != nil && k != nil {
				t.Fatal("output on failure")
			}
			return err
		},
		regions: []region{
			{4, 20, cloak.ErrMalformed, nil}, // key id of the public key carried
			// The private key must give the public key, except for the bits X25519 ignores
			// (the three low bits of byte 20, the top bit of byte 51) or forces (the next one).
			{20, 52, nil, func(i int, x byte) *cloak.Error {
				if (i == 20 && x == 0x01) || (i == 51 && x == 0x80) {
					return nil
				}
				return cloak.ErrMismatch
			}},
			{52, 84, cloak.ErrMalformed, nil}, // the public key no longer matches the key id
		},
		truncErr: fixedLen, extendErr: cloak.ErrMalformed,
	})
	acct.Wipe()
	_, err = acct.ExportServiceAccountPrivate()
	wantErr(t, "export a wiped key", err, cloak.ErrBadParams)
}

func TestTextForm(t *testing.T) {
	id, _ := cloak.GenerateIdentityKey()
	blob := id.Public().Export()
	text, err := cloak.TextEncode(blob)
	must(t, err)
	if !strings.HasPrefix(text, "cloak-identity-") || strings.ContainsAny(text, "=+/ \n") {
		t.Fatalf("text form %q", text)
	}
	back, err := cloak.TextDecode(text)
	must(t, err)
	eq(t, "round trip", back, blob)

	// A character changed in the middle: the checksum catches it.
	body := []byte(text)
	i := len("cloak-identity-") + 10
	if body[i] == 'A' {
		body[i] = 'B'
	} else {
		body[i] = 'A'
	}
	b, err := cloak.TextDecode(string(body))
	wantErr(t, "changed character", err, cloak.ErrChecksum)
	if b != nil {
		t.Fatal("output on failure")
	}
	// The prefix must name the blob's type.
	_, err = cloak.TextDecode(strings.Replace(text, "cloak-identity-", "cloak-pubkey-", 1))
	wantErr(t, "wrong prefix", err, cloak.ErrMalformed)
	for _, bad := range []string{"", "cloak-", "cloak-identity-", text + "=", text[:len(text)-1], "x" + text,
		strings.Replace(text, "-", "_", 2)} {
		_, err := cloak.TextDecode(bad)
		if err == nil {
			t.Fatalf("%q decodes", bad)
		}
	}
	_, err = cloak.TextEncode(blob[:19])
	wantErr(t, "encode a short blob", err, cloak.ErrMalformed)

	typ, kid, err := cloak.Inspect(blob)
	must(t, err)
	if typ != cloak.ObjectIdentityPublicKey || typ.String() != "identity" || kid == (cloak.KeyID{}) {
		t.Fatalf("inspect: %v %v", typ, kid)
	}
	if cloak.ObjectType(0x42).String() != "ObjectType(0x42)" {
		t.Fatal(cloak.ObjectType(0x42).String())
	}
	for ty := cloak.ObjectPasswordRecord; ty <= cloak.ObjectServiceAccountPrivateKey; ty++ {
		if strings.HasPrefix(ty.String(), "ObjectType") {
			t.Fatalf("type %d has no name", int(ty))
		}
	}
	_, _, err = cloak.Inspect(blob[:19])
	wantErr(t, "inspect a short blob", err, cloak.ErrMalformed)
	bad := bytes.Clone(blob)
	bad[0] = 9
	_, _, err = cloak.Inspect(bad)
	wantErr(t, "inspect version 9", err, cloak.ErrUnsupportedVersion)
}

package cloak_test

import (
	"bytes"
	"crypto/sha256"
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
	d, err := cloak.GenerateEncryptionKey()
	must(t, err)
	if d.Suite() != cloak.SuiteXWing || d.Public().Suite() != cloak.SuiteXWing || cloak.DefaultSuite != cloak.SuiteXWing {
		t.Fatalf("a new key is of suite %v, not X-Wing", d.Suite())
	}
	if _, isXWing := d.Public().(cloak.XWingPublicKey); !isXWing {
		t.Fatalf("the default key's public half is a %T", d.Public())
	}
	_, err = cloak.GenerateEncryptionKeyOfSuite(3)
	wantErr(t, "a key of suite 3", err, cloak.ErrBadParams)
	_, err = cloak.EncryptionKeyFromSeed(0, randBytes(32))
	wantErr(t, "a key of suite 0 from a seed", err, cloak.ErrBadParams)
	if cloak.Suite(cloak.SuiteXWing).String() != "X-Wing" || cloak.Suite(cloak.SuiteX25519).String() != "X25519" ||
		cloak.Suite(7).String() != "Suite(7)" {
		t.Fatal("suite names")
	}
	for _, suite := range suites {
		t.Run(suite.String(), func(t *testing.T) { testEncryptionKeys(t, suite) })
	}
	// One seed gives unrelated keys in the two suites.
	seed := randBytes(32)
	x := ok(cloak.EncryptionKeyFromSeed(cloak.SuiteX25519, seed))
	w := ok(cloak.EncryptionKeyFromSeed(cloak.SuiteXWing, seed))
	if bytes.Equal(x.SecretBytes(), w.SecretBytes()) || x.Public().ID() == w.Public().ID() {
		t.Fatal("one seed, the same key in both suites")
	}
}

func testEncryptionKeys(t *testing.T, suite cloak.Suite) {
	size := sizesOf(suite)
	a, b := newKey(t, suite), newKey(t, suite)
	if a.Public() == b.Public() || bytes.Equal(a.SecretBytes(), b.SecretBytes()) {
		t.Fatal("two generated keys are equal")
	}
	if a.Suite() != suite || a.Public().Suite() != suite || len(a.Public().Bytes()) != size.publicKey ||
		len(a.SecretBytes()) != 32 {
		t.Fatalf("key of suite %v with a %d-byte public key", a.Suite(), len(a.Public().Bytes()))
	}
	seed := randBytes(40)
	s1, err := cloak.EncryptionKeyFromSeed(suite, seed)
	must(t, err)
	s2, err := cloak.EncryptionKeyFromSeed(suite, seed)
	must(t, err)
	if s1.Public() != s2.Public() || !bytes.Equal(s1.SecretBytes(), s2.SecretBytes()) {
		t.Fatal("one seed, two keys")
	}
	for _, n := range []int{0, 31, 256} {
		k, err := cloak.EncryptionKeyFromSeed(suite, make([]byte, n))
		wantErr(t, fmt.Sprintf("seed of %d bytes", n), err, cloak.ErrBadParams)
		if k != nil {
			t.Fatal("key returned on failure")
		}
	}
	_ = ok(cloak.EncryptionKeyFromSeed(suite, make([]byte, 255)))

	// The key id is the first 16 bytes of SHA-256 over a label and the key (section 1.2); an
	// X-Wing key's key hash is all 32, and it names a service account in a roster.
	pub := a.Public()
	id := pub.ID()
	eq(t, "key id", id[:], specPublicKeyID(pub.Bytes()))
	rk := ok(pub.RosterKey())
	if xw, isXWing := pub.(cloak.XWingPublicKey); isXWing {
		h := sha256.Sum256(cat(lp8([]byte("libcloak v2 public key id")), pub.Bytes()))
		kh := ok(xw.KeyHash())
		eq(t, "key hash", kh[:], h[:])
		eq(t, "roster key", rk[:], h[:])
		// The private key is X-Wing's seed: the public key follows from it.
		again := ok(cloak.XWingKeyFromSecretBytes(a.SecretBytes()))
		if again.Public() != pub {
			t.Fatal("the key of an X-Wing seed")
		}
		_, err := cloak.XWingKeyFromSecretBytes(a.SecretBytes()[:31])
		wantErr(t, "an X-Wing private key of 31 bytes", err, cloak.ErrBadParams)
	} else {
		eq(t, "roster key", rk[:], pub.Bytes())
	}
	if len(pub.String()) != 2*size.publicKey {
		t.Fatal("String is not the key's hex")
	}

	blob := ok(pub.Export())
	if len(blob) != size.publicBlob {
		t.Fatalf("public key blob of %d bytes", len(blob))
	}
	if got := ok(cloak.BlobSuite(blob)); got != suite {
		t.Fatalf("blob of suite %v", got)
	}
	got, err := cloak.ImportEncryptionPublicKey(blob)
	must(t, err)
	if got != pub {
		t.Fatal("encryption public key round trip")
	}
	keyRegion := region{20, len(blob), cloak.ErrMalformed, nil} // the key no longer matches its id
	checkTampering(t, blobCase{
		name: "encryption public key " + suite.String(), blob: blob, otherType: byte(cloak.ObjectIdentityPublicKey),
		open: func(b []byte) error {
			p, err := cloak.ImportEncryptionPublicKey(b)
			if err != nil && p != nil {
				t.Fatal("output on failure")
			}
			return err
		},
		regions:  []region{{4, 20, cloak.ErrMalformed, nil}, keyRegion},
		truncErr: fixedLen, extendErr: cloak.ErrMalformed, relabelErr: cloak.ErrMalformed,
	})
	a.Wipe()
	if a.SecretBytes() != nil || !bytes.Equal(a.Public().Bytes(), make([]byte, size.publicKey)) || a.Suite() != suite {
		t.Fatal("wiped key still has bytes")
	}
	if !strings.Contains(fmt.Sprint(b), b.Public().ID().String()) || !strings.Contains(fmt.Sprint(b), suite.String()) {
		t.Fatalf("a key prints as %v", b)
	}
	var zero cloak.EncryptionKey
	if zero.Public() != nil {
		t.Fatal("a zero-value key has a public key")
	}
	_, err = zero.Wrap(ok(cloak.MasterKeyFromBytes(randBytes(32))))
	wantErr(t, "wrap a zero-value key", err, cloak.ErrBadParams)
}

func TestBundle(t *testing.T) {
	for _, suite := range suites {
		t.Run(suite.String(), func(t *testing.T) { testBundle(t, suite) })
	}
}

func testBundle(t *testing.T, suite cloak.Suite) {
	size := sizesOf(suite)
	id, _ := cloak.GenerateIdentityKey()
	enc := newKey(t, suite)
	bundle := ok(id.Bundle(enc.Public()))
	if len(bundle) != size.bundle {
		t.Fatalf("bundle of %d bytes", len(bundle))
	}
	gi, ge, err := cloak.VerifyBundle(bundle)
	must(t, err)
	if gi != id.Public() || ge != enc.Public() {
		t.Fatal("bundle keys")
	}
	_, err = id.Bundle(nil)
	wantErr(t, "bundle without an encryption key", err, cloak.ErrBadParams)
	pk := enc.Public().Bytes()
	keyEnd := 52 + size.publicKey
	checkTampering(t, blobCase{
		name: "bundle " + suite.String(), blob: bundle, otherType: byte(cloak.ObjectShare),
		open: func(b []byte) error {
			i, e, err := cloak.VerifyBundle(b)
			if err != nil && (i != (cloak.IdentityPublicKey{}) || e != nil) {
				t.Fatal("output on failure")
			}
			return err
		},
		regions: []region{
			{4, 52, cloak.ErrMalformed, nil}, // key id and the identity key it is derived from
			{52, keyEnd, nil, func(i int, x byte) *cloak.Error { // encryption key: checked, then signed
				if suite == cloak.SuiteXWing {
					if err := xwingKeyErr(pk, i-52, x); err != nil {
						return err
					}
				} else if i == 83 && x == 0x80 {
					return cloak.ErrMalformed // bit 255 set (section 1.4)
				}
				return cloak.ErrBadSignature
			}},
			{keyEnd, len(bundle), cloak.ErrBadSignature, nil}, // signature
		},
		truncErr: fixedLen, extendErr: cloak.ErrMalformed, relabelErr: cloak.ErrMalformed,
	})
	id.Wipe()
	_, err = id.Bundle(enc.Public())
	wantErr(t, "bundle with a wiped key", err, cloak.ErrBadParams)
}

// TestKeyRules checks the v2 key rules: a signing key whose public half is not its seed's signs
// and wraps nothing; X25519 public keys are canonical and not of small order; an identity key of
// small order is refused; an X-Wing key passes FIPS 203's modulus check and its X25519 part the
// X25519 rules.
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
	enc := newKey(t, cloak.SuiteX25519)
	_, err = poisoned.Bundle(enc.Public())
	wantErr(t, "bundle with a poisoned key", err, cloak.ErrInvalidKey)
	master, _ := cloak.MasterKeyFromBytes(randBytes(32))
	_, err = poisoned.Wrap(master)
	wantErr(t, "wrap a poisoned key", err, cloak.ErrInvalidKey)

	var zero, one, notCanonical cloak.X25519PublicKey
	one[0] = 1
	notCanonical = enc.Public().(cloak.X25519PublicKey)
	notCanonical[31] |= 0x80
	for _, c := range []struct {
		what string
		pk   cloak.X25519PublicKey
		want *cloak.Error
	}{{"u = 0", zero, cloak.ErrInvalidKey}, {"u = 1", one, cloak.ErrInvalidKey}, {"bit 255 set", notCanonical, cloak.ErrMalformed}} {
		blob := ok(enc.Public().Export())
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

	// X-Wing: a coefficient of q (3329 = 0xd01) in the ML-KEM part, or an X25519 part that breaks
	// section 1.4, is refused wherever the key enters.
	xw := newKey(t, cloak.SuiteXWing)
	good := xw.Public().(cloak.XWingPublicKey)
	unreduced, xZero, xOne, xNotCanonical := good, good, good, good
	unreduced[0], unreduced[1] = 0x01, unreduced[1]&0xf0|0x0d // coefficient 0 = 0xd01 = q
	copy(xZero[1184:], make([]byte, 32))
	copy(xOne[1184:], make([]byte, 32))
	xOne[1184] = 1
	xNotCanonical[1215] |= 0x80
	alice, _ := cloak.GenerateIdentityKey()
	vk, _ := cloak.GenerateVaultKey()
	for _, c := range []struct {
		what string
		pk   cloak.XWingPublicKey
		want *cloak.Error
	}{{"a coefficient of q", unreduced, cloak.ErrMalformed}, {"X25519 u = 0", xZero, cloak.ErrInvalidKey},
		{"X25519 u = 1", xOne, cloak.ErrInvalidKey}, {"X25519 bit 255 set", xNotCanonical, cloak.ErrMalformed}} {
		blob := ok(good.Export())
		copy(blob[20:], c.pk[:])
		copy(blob[4:20], specPublicKeyID(c.pk[:]))
		_, err := cloak.ImportEncryptionPublicKey(blob)
		wantErr(t, "import of an X-Wing key with "+c.what, err, c.want)
		_, err = c.pk.KeyHash()
		wantErr(t, "key hash of an X-Wing key with "+c.what, err, c.want)
		if c.pk.ID() != (cloak.KeyID{}) {
			t.Fatal("an id for a refused key")
		}
		_, err = c.pk.Export()
		wantErr(t, "export of an X-Wing key with "+c.what, err, c.want)
		_, _, err = cloak.HPKESealBase(c.pk, nil, nil, nil)
		wantErr(t, "HPKE to an X-Wing key with "+c.what, err, c.want)
		_, err = cloak.SealShare(vk, 1, []byte("v"), c.pk, alice)
		wantErr(t, "share to an X-Wing key with "+c.what, err, c.want)
		_, err = alice.Bundle(c.pk)
		wantErr(t, "bundle of an X-Wing key with "+c.what, err, c.want)
		_, err = cloak.ServiceAccountEntry(c.pk)
		wantErr(t, "roster entry of an X-Wing key with "+c.what, err, c.want)
		_, err = cloak.MemberEntry(alice.Public(), 0, c.pk)
		wantErr(t, "member entry of an X-Wing key with "+c.what, err, c.want)
	}
}

func TestWrappedKeys(t *testing.T) {
	for _, suite := range suites {
		t.Run(suite.String(), func(t *testing.T) { testWrappedKeys(t, suite) })
	}
}

func testWrappedKeys(t *testing.T, suite cloak.Suite) {
	size := sizesOf(suite)
	master, _ := cloak.MasterKeyFromBytes(randBytes(32))
	other, _ := cloak.MasterKeyFromBytes(randBytes(32))
	id, _ := cloak.GenerateIdentityKey()
	enc := newKey(t, suite)
	acct := newKey(t, suite)

	wid := ok(id.Wrap(master))
	wenc := ok(enc.Wrap(master))
	wacct := ok(acct.WrapServiceAccount(master))
	if len(wid) != cloak.WrappedKeyBytes || len(wenc) != size.wrapped || len(wacct) != size.wrapped {
		t.Fatalf("wrapped keys of %d, %d and %d bytes", len(wid), len(wenc), len(wacct))
	}
	for _, w := range [][]byte{wid, wenc, wacct} {
		_, kid, err := cloak.Inspect(w)
		must(t, err)
		if kid != master.ID() {
			t.Fatal("a wrapped key does not carry the master key's id")
		}
	}
	if s := ok(cloak.BlobSuite(wenc)); s != suite {
		t.Fatalf("wrapped key of suite %v", s)
	}
	if again := ok(enc.Wrap(master)); bytes.Equal(again, wenc) {
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
	if uenc.Suite() != suite || uenc.Public() != enc.Public() {
		t.Fatal("unwrapped encryption key's suite or public key")
	}
	uacct, err := cloak.UnwrapServiceAccountKey(master, wacct)
	must(t, err)
	eq(t, "unwrapped account key", uacct.SecretBytes(), acct.SecretBytes())

	for _, c := range []struct {
		blob []byte
		typ  cloak.ObjectType
		pk   []byte
	}{{wid, cloak.ObjectWrappedIdentityKey, id.Public().Export()[20:]},
		{wenc, cloak.ObjectWrappedEncryptionKey, enc.Public().Bytes()},
		{wacct, cloak.ObjectWrappedServiceAccountKey, acct.Public().Bytes()}} {
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
	// The type is checked before the suite (section 2, steps 4 and 5): an X-Wing encryption key
	// given as an identity (suite 1 only) is of the wrong type.
	_, err = cloak.UnwrapIdentityKey(master, wenc)
	wantErr(t, "encryption key as identity", err, cloak.ErrWrongType)
	_, err = cloak.UnwrapIdentityKey(other, wid)
	wantErr(t, "another master key", err, cloak.ErrWrongKey)
	_, err = cloak.UnwrapEncryptionKey(other, wenc)
	wantErr(t, "another master key", err, cloak.ErrWrongKey)

	// Re-wrapping keeps the suite.
	re := ok(cloak.RewrapKey(master, other, wenc))
	if len(re) != size.wrapped {
		t.Fatalf("re-wrapped key of %d bytes", len(re))
	}
	eq(t, "re-wrapped key", ok(cloak.UnwrapEncryptionKey(other, re)).SecretBytes(), enc.SecretBytes())

	unwrapCases := []struct {
		name       string
		blob       []byte
		other      cloak.ObjectType
		relabelErr *cloak.Error
		open       func([]byte) error
	}{
		{"wrapped encryption key", wenc, cloak.ObjectWrappedServiceAccountKey, cloak.ErrMalformed, func(b []byte) error {
			k, err := cloak.UnwrapEncryptionKey(master, b)
			if err != nil && k != nil {
				t.Fatal("output on failure")
			}
			return err
		}},
		{"wrapped account key", wacct, cloak.ObjectWrappedIdentityKey, cloak.ErrMalformed, func(b []byte) error {
			k, err := cloak.UnwrapServiceAccountKey(master, b)
			if err != nil && k != nil {
				t.Fatal("output on failure")
			}
			return err
		}},
	}
	if suite == cloak.SuiteX25519 {
		unwrapCases = append(unwrapCases, struct {
			name       string
			blob       []byte
			other      cloak.ObjectType
			relabelErr *cloak.Error
			open       func([]byte) error
		}{"wrapped identity", wid, cloak.ObjectWrappedEncryptionKey, nil, func(b []byte) error {
			k, err := cloak.UnwrapIdentityKey(master, b)
			if err != nil && k != nil {
				t.Fatal("output on failure")
			}
			return err
		}})
	}
	for _, c := range unwrapCases {
		checkTampering(t, blobCase{
			name: c.name + " " + suite.String(), blob: c.blob, otherType: byte(c.other), open: c.open,
			regions: []region{
				{4, 20, cloak.ErrWrongKey, nil},       // master key id
				{20, len(c.blob), cloak.ErrAuth, nil}, // public key (associated data), nonce, ciphertext
			},
			truncErr: fixedLen, extendErr: cloak.ErrMalformed, relabelErr: c.relabelErr,
		})
	}

	master.Wipe()
	_, err = id.Wrap(master)
	wantErr(t, "wrap under a wiped master key", err, cloak.ErrBadParams)
	_, err = enc.Wrap(master)
	wantErr(t, "wrap under a wiped master key", err, cloak.ErrBadParams)
	_, err = cloak.UnwrapIdentityKey(master, wid)
	wantErr(t, "unwrap under a wiped master key", err, cloak.ErrBadParams)
	_, err = cloak.UnwrapEncryptionKey(master, wenc)
	wantErr(t, "unwrap under a wiped master key", err, cloak.ErrBadParams)
}

func TestServiceAccountExport(t *testing.T) {
	for _, suite := range suites {
		t.Run(suite.String(), func(t *testing.T) { testServiceAccountExport(t, suite) })
	}
}

func testServiceAccountExport(t *testing.T, suite cloak.Suite) {
	size := sizesOf(suite)
	acct := newKey(t, suite)
	blob := ok(acct.ExportServiceAccountPrivate())
	if len(blob) != size.privateBlob {
		t.Fatalf("exported key of %d bytes", len(blob))
	}
	k, err := cloak.ImportServiceAccountPrivate(blob)
	must(t, err)
	if k.Public() != acct.Public() || !bytes.Equal(k.SecretBytes(), acct.SecretBytes()) || k.Suite() != suite {
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

	// The private key must give the public key. X25519 ignores the top bit and three low bits of a
	// private key, and forces the next one (docs/protocol.md section 6): a private key that differs
	// only there is the same key. X-Wing's seed is hashed whole: every bit counts.
	privateKey := region{20, 52, cloak.ErrMismatch, nil}
	if suite == cloak.SuiteX25519 {
		clamped := bytes.Clone(blob)
		clamped[20] ^= 0x07
		must(t, func() error { _, err := cloak.ImportServiceAccountPrivate(clamped); return err }())
		privateKey.wantFor = func(i int, x byte) *cloak.Error {
			if (i == 20 && x == 0x01) || (i == 51 && x == 0x80) {
				return nil
			}
			return cloak.ErrMismatch
		}
	}
	checkTampering(t, blobCase{
		name: "service account key " + suite.String(), blob: blob, otherType: byte(cloak.ObjectWrappedServiceAccountKey),
		open: func(b []byte) error {
			k, err := cloak.ImportServiceAccountPrivate(b)
			if err != nil && k != nil {
				t.Fatal("output on failure")
			}
			return err
		},
		regions: []region{
			{4, 20, cloak.ErrMalformed, nil}, // key id of the public key carried
			privateKey,
			{52, len(blob), cloak.ErrMalformed, nil}, // the public key no longer matches the key id
		},
		truncErr: fixedLen, extendErr: cloak.ErrMalformed, relabelErr: cloak.ErrMalformed,
	})
	acct.Wipe()
	_, err = acct.ExportServiceAccountPrivate()
	wantErr(t, "export a wiped key", err, cloak.ErrBadParams)
}

func TestServiceAccountCredential(t *testing.T) {
	for _, suite := range suites {
		t.Run(suite.String(), func(t *testing.T) { testServiceAccountCredential(t, suite) })
	}
}

func testServiceAccountCredential(t *testing.T, suite cloak.Suite) {
	acct := newKey(t, suite)
	cred := ok(acct.ServiceAccountCredential())
	if len(cred) != cloak.CredentialBytes || bytes.Equal(cred, acct.SecretBytes()) {
		t.Fatalf("credential %x", cred)
	}
	// The key pair read back from its export gives the same credential; another key another one.
	back := ok(cloak.ImportServiceAccountPrivate(ok(acct.ExportServiceAccountPrivate())))
	eq(t, "credential of the imported key", ok(back.ServiceAccountCredential()), cred)
	if bytes.Equal(ok(newKey(t, suite).ServiceAccountCredential()), cred) {
		t.Fatal("two keys, one credential")
	}

	verifier := ok(cloak.ServiceAccountCredentialVerifier(cred))
	if len(verifier) != cloak.CredentialVerifierBytes || bytes.Equal(verifier, cred) {
		t.Fatalf("verifier %x", verifier)
	}
	if !cloak.VerifyServiceAccountCredential(verifier, cred) {
		t.Fatal("the credential does not verify")
	}
	other := bytes.Clone(cred)
	other[31] ^= 0x01
	if cloak.VerifyServiceAccountCredential(verifier, other) || cloak.VerifyServiceAccountCredential(verifier[:31], cred) ||
		cloak.VerifyServiceAccountCredential(verifier, cred[:31]) {
		t.Fatal("a changed credential or a short argument verifies")
	}
	_, err := cloak.ServiceAccountCredentialVerifier(cred[:31])
	wantErr(t, "short credential", err, cloak.ErrBadParams)

	// A private key that is not the public key's: refused by the library, no output.
	foreign := newKey(t, suite)
	mixed := cloak.EncryptionKeyFromRaw(suite, publicBytes(acct.Public()), foreign.SecretBytes())
	c, err := mixed.ServiceAccountCredential()
	wantErr(t, "credential of a mismatched pair", err, cloak.ErrMismatch)
	if c != nil {
		t.Fatal("output on failure")
	}
	acct.Wipe()
	_, err = acct.ServiceAccountCredential()
	wantErr(t, "credential of a wiped key", err, cloak.ErrBadParams)
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

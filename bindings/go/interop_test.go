package cloak_test

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/hpke"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/blake2b"

	"libcloak.dev/cloak"
)

// Interoperability with the standard library's crypto/hpke (RFC 9180 Base mode,
// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305), both ways, and with crypto/ed25519
// and golang.org/x/crypto/argon2. The share and batch layouts on the Go side come from
// docs/protocol.md sections 8 and 9 (the wire helpers below); every other object of the document
// is checked by the vector replay (libcloak_vectors_test.go).

var (
	stdKEM  = hpke.DHKEM(ecdh.X25519())
	stdKDF  = hpke.HKDFSHA256()
	stdAEAD = hpke.ChaCha20Poly1305()
)

func stdKeyPair(t testing.TB) (hpke.PrivateKey, cloak.EncryptionPublicKey) {
	t.Helper()
	priv, err := stdKEM.GenerateKey()
	must(t, err)
	return priv, cloak.EncryptionPublicKey(priv.PublicKey().Bytes())
}

func stdPrivateKey(t testing.TB, k *cloak.EncryptionKey) hpke.PrivateKey {
	t.Helper()
	priv, err := stdKEM.NewPrivateKey(k.SecretBytes())
	must(t, err)
	return priv
}

func randLabel(r *mrand.Rand) []byte { return randBytes(1 + r.IntN(255)) }

// lp8 is u8(len(x)) || x (docs/protocol.md section 1).
func lp8(x []byte) []byte {
	if len(x) > 255 {
		panic("lp8 of more than 255 bytes")
	}
	return append([]byte{byte(len(x))}, x...)
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// specPublicKeyID is section 1.2's key id of a public key.
func specPublicKeyID(pk []byte) []byte {
	h := sha256.Sum256(cat(lp8([]byte("libcloak v1 public key id")), pk))
	return h[:16]
}

// specHeader is section 2's envelope header: version 1, the type, suite 1, the key id.
func specHeader(typ byte, keyID []byte) []byte {
	return cat([]byte{0x01, typ, 0x00, 0x01}, keyID)
}

// ---- Key pairs and Argon2id ------------------------------------------------------------------

func TestInteropDeriveKeyPair(t *testing.T) {
	for n := 32; n <= 96; n += 8 {
		ikm := randBytes(n)
		std, err := stdKEM.DeriveKeyPair(ikm)
		must(t, err)
		k := ok(cloak.EncryptionKeyFromSeed(ikm))
		pub := k.Public()
		eq(t, "crypto/hpke DeriveKeyPair public key", pub[:], std.PublicKey().Bytes())
	}
}

func TestInteropEd25519(t *testing.T) {
	for i := 0; i < 16; i++ {
		seed := randBytes(32)
		k := ok(cloak.IdentityKeyFromSeed(seed))
		priv := ed25519.NewKeyFromSeed(seed)
		pub := k.Public()
		eq(t, "Ed25519 public key", pub[:], priv.Public().(ed25519.PublicKey))
		eq(t, "Ed25519 secret key", k.SecretBytes(), priv)
		msg, ctx := randBytes(i*100), randBytes(i*10)
		// A user signature is Ed25519 over a labelled message: valid Ed25519, never of the bare
		// message, and a plain Ed25519 signature of the message is not one.
		sig := ok(k.Sign(msg, ctx))
		if !ed25519.Verify(priv.Public().(ed25519.PublicKey), cat(lp8([]byte("libcloak v1 user signature")), lp8(ctx),
			sha512Sum(msg)), sig) {
			t.Fatal("a user signature is not Ed25519 over its labelled message")
		}
		wantErr(t, "unlabelled signature", pub.Verify(ed25519.Sign(priv, msg), msg, ctx), cloak.ErrBadSignature)
	}
}

func sha512Sum(b []byte) []byte { s := sha512.Sum512(b); return s[:] }

// The vectors derive at one lane; x/crypto/argon2 checks the lanes and threads of the others.
func TestInteropArgon2idLanes(t *testing.T) {
	password := []byte("correct horse battery staple")
	for _, p := range []cloak.PasswordParams{{16384, 2, 2}, {20000, 1, 4}, {16384, 3, 3}} {
		salt := randBytes(16)
		master, login, err := cloak.DerivePassword(password, ok(cloak.EncodePasswordRecord(salt, p)))
		must(t, err)
		prk, err := hkdf.Extract(sha256.New, argon2.IDKey(password, salt, p.Iterations, p.MemoryKiB, uint8(p.Parallelism), 32),
			[]byte("libcloak v1 password"))
		must(t, err)
		eq(t, fmt.Sprintf("master key %+v", p), master.SecretBytes(), ok(hkdf.Expand(sha256.New, prk, "libcloak v1 master key", 32)))
		eq(t, "login key", login.SecretBytes(), ok(hkdf.Expand(sha256.New, prk, "libcloak v1 login key", 32)))
	}
}

// ---- Section 8: vault-key shares ------------------------------------------------------------

const shareLabel, shareInfoLabel = "libcloak v1 share", "libcloak v1 vault key share"

func shareInfo(vaultID, recipient, sender []byte) []byte {
	return cat(lp8([]byte(shareInfoLabel)), lp8(vaultID), recipient, sender)
}

// stdOpenShare opens a share with crypto/hpke and crypto/ed25519, following section 8.
func stdOpenShare(t *testing.T, share, vaultID []byte, priv hpke.PrivateKey, trusted ed25519.PublicKey) []byte {
	t.Helper()
	pk := priv.PublicKey().Bytes()
	if len(share) != 196 {
		t.Fatalf("share of %d bytes", len(share))
	}
	eq(t, "share header", share[:20], specHeader(0x09, specPublicKeyID(pk)))
	sender := share[20:52]
	eq(t, "share sender", sender, trusted)
	content := cat(share[:132], lp8(vaultID), pk)
	if !ed25519.Verify(trusted, cat(lp8([]byte(shareLabel)), content), share[132:196]) {
		t.Fatal("crypto/ed25519 rejects the share's signature")
	}
	r, err := hpke.NewRecipient(share[52:84], priv, stdKDF, stdAEAD, shareInfo(vaultID, pk, sender))
	must(t, err)
	vk, err := r.Open(share[:52], share[84:132])
	if err != nil {
		t.Fatalf("crypto/hpke cannot open the share: %v", err)
	}
	return vk
}

// stdSealShare makes a share with crypto/hpke and crypto/ed25519, following section 8. The
// options break one rule each, for the negative cases.
type shareOpts struct {
	label, infoLabel string
	aadTo            int
}

func stdSealShare(t *testing.T, vk, vaultID []byte, recipient cloak.EncryptionPublicKey, signer ed25519.PrivateKey,
	o shareOpts) []byte {
	t.Helper()
	if o.label == "" {
		o.label = shareLabel
	}
	if o.infoLabel == "" {
		o.infoLabel = shareInfoLabel
	}
	if o.aadTo == 0 {
		o.aadTo = 52
	}
	pkR, err := stdKEM.NewPublicKey(recipient[:])
	must(t, err)
	senderPub := signer.Public().(ed25519.PublicKey)
	head := cat(specHeader(0x09, specPublicKeyID(recipient[:])), senderPub)
	info := cat(lp8([]byte(o.infoLabel)), lp8(vaultID), recipient[:], senderPub)
	enc, s, err := hpke.NewSender(pkR, stdKDF, stdAEAD, info)
	must(t, err)
	body := cat(head, enc)
	ct, err := s.Seal(body[:o.aadTo], vk)
	must(t, err)
	body = cat(body, ct)
	sig := ed25519.Sign(signer, cat(lp8([]byte(o.label)), body, lp8(vaultID), recipient[:]))
	return cat(body, sig)
}

func TestInteropShareLibcloakToStd(t *testing.T) {
	r := mrand.New(mrand.NewPCG(1, 2))
	alice, _ := cloak.GenerateIdentityKey()
	alicePub := alice.Public()
	for i := 0; i < 64; i++ {
		priv, pk := stdKeyPair(t)
		vk, _ := cloak.GenerateVaultKey()
		vid := randLabel(r)
		share := ok(cloak.SealShare(vk, vid, pk, alice))
		eq(t, "vault key opened by crypto/hpke", stdOpenShare(t, share, vid, priv, alicePub[:]), vk.SecretBytes())
	}
}

func TestInteropShareStdToLibcloak(t *testing.T) {
	r := mrand.New(mrand.NewPCG(3, 4))
	for i := 0; i < 64; i++ {
		_, signer, err := ed25519.GenerateKey(rand.Reader)
		must(t, err)
		trusted := cloak.IdentityPublicKey(signer.Public().(ed25519.PublicKey))
		bob, _ := cloak.GenerateEncryptionKey()
		vk, vid := randBytes(32), randLabel(r)
		share := stdSealShare(t, vk, vid, bob.Public(), signer, shareOpts{})
		if s := ok(cloak.ShareSender(share)); s != trusted {
			t.Fatal("share sender")
		}
		eq(t, "vault key opened by libcloak", ok(cloak.OpenShare(share, vid, bob, trusted)).SecretBytes(), vk)
		if i > 0 {
			continue
		}
		// Each rule of section 8 matters: break one and libcloak refuses the share.
		for _, c := range []struct {
			what string
			o    shareOpts
			want *cloak.Error
		}{
			{"another signature label", shareOpts{label: "libcloak v1 batch"}, cloak.ErrBadSignature},
			{"another info label", shareOpts{infoLabel: "libcloak v1 vault key"}, cloak.ErrAuth},
			{"aad of the header only", shareOpts{aadTo: 20}, cloak.ErrAuth},
		} {
			bad := stdSealShare(t, vk, vid, bob.Public(), signer, c.o)
			_, err := cloak.OpenShare(bad, vid, bob, trusted)
			wantErr(t, "crypto/hpke share with "+c.what, err, c.want)
		}
	}
}

// ---- cloak_hpke_seal_base / open_base against crypto/hpke --------------------------------------

func TestInteropHPKESingleShot(t *testing.T) {
	r := mrand.New(mrand.NewPCG(5, 6))
	for i := 0; i < 200; i++ {
		info, aad, pt := randBytes(r.IntN(80)), randBytes(r.IntN(80)), randBytes(r.IntN(600))

		// libcloak seals, crypto/hpke opens.
		priv, pk := stdKeyPair(t)
		enc, ct, err := cloak.HPKESealBase(pk, pt, info, aad)
		must(t, err)
		rcv, err := hpke.NewRecipient(enc, priv, stdKDF, stdAEAD, info)
		must(t, err)
		got, err := rcv.Open(aad, ct)
		if err != nil {
			t.Fatalf("crypto/hpke cannot open cloak_hpke_seal_base's output: %v", err)
		}
		eq(t, "libcloak -> crypto/hpke", got, pt)

		// crypto/hpke seals, libcloak opens.
		bob, _ := cloak.GenerateEncryptionKey()
		pkR, err := stdKEM.NewPublicKey(bob.Public().Export()[20:])
		must(t, err)
		enc2, snd, err := hpke.NewSender(pkR, stdKDF, stdAEAD, info)
		must(t, err)
		ct2, err := snd.Seal(aad, pt)
		must(t, err)
		eq(t, "crypto/hpke -> libcloak", ok(cloak.HPKEOpenBase(enc2, ct2, bob, info, aad)), pt)

		// The standard library's own single-shot functions (no aad) both ways.
		sealed, err := hpke.Seal(pkR, stdKDF, stdAEAD, info, pt)
		must(t, err)
		eq(t, "hpke.Seal -> libcloak", ok(cloak.HPKEOpenBase(sealed[:32], sealed[32:], bob, info, nil)), pt)
		enc3, ct3, err := cloak.HPKESealBase(bob.Public(), pt, info, nil)
		must(t, err)
		opened, err := hpke.Open(stdPrivateKey(t, bob), stdKDF, stdAEAD, info, cat(enc3, ct3))
		must(t, err)
		eq(t, "libcloak -> hpke.Open", opened, pt)
	}
}

func TestInteropHPKEContexts(t *testing.T) {
	r := mrand.New(mrand.NewPCG(7, 8))
	for i := 0; i < 20; i++ {
		info := randBytes(r.IntN(64))
		bob, _ := cloak.GenerateEncryptionKey()
		priv := stdPrivateKey(t, bob)

		// libcloak's sender, crypto/hpke's recipient: several messages, then exports.
		enc, s, err := cloak.NewHPKESender(bob.Public(), info)
		must(t, err)
		rcv, err := hpke.NewRecipient(enc, priv, stdKDF, stdAEAD, info)
		must(t, err)
		for j := 0; j < 10; j++ {
			aad, pt := randBytes(r.IntN(40)), randBytes(r.IntN(200))
			got, err := rcv.Open(aad, ok(s.Seal(pt, aad)))
			must(t, err)
			eq(t, "message", got, pt)
		}
		for _, n := range []int{1, 32, 100, cloak.HPKEExportBytesMax} {
			ec := randBytes(r.IntN(50))
			want, err := rcv.Export(string(ec), n)
			must(t, err)
			eq(t, "export, libcloak sender", ok(s.Export(ec, n)), want)
		}

		// crypto/hpke's sender, libcloak's recipient.
		pkR, _ := stdKEM.NewPublicKey(bob.Public().Export()[20:])
		enc2, snd, err := hpke.NewSender(pkR, stdKDF, stdAEAD, info)
		must(t, err)
		rc, err := cloak.NewHPKERecipient(enc2, bob, info)
		must(t, err)
		for j := 0; j < 10; j++ {
			aad, pt := randBytes(r.IntN(40)), randBytes(r.IntN(200))
			ct, err := snd.Seal(aad, pt)
			must(t, err)
			eq(t, "message", ok(rc.Open(ct, aad)), pt)
		}
		ec := []byte("exporter")
		want, _ := snd.Export(string(ec), 64)
		eq(t, "export, crypto/hpke sender", ok(rc.Export(ec, 64)), want)
	}
}

// ---- Section 9: service-account batches ------------------------------------------------------

const batchLabel, batchInfoLabel = "libcloak v1 batch", "libcloak v1 service account batch"

func batchInfo(account, batchID, vaultID []byte) []byte {
	return cat(lp8([]byte(batchInfoLabel)), account, batchID, lp8(vaultID))
}

// stdReadBatch verifies a batch and opens its items with crypto/hpke, crypto/ed25519 and BLAKE2b,
// following section 9. crypto/hpke's recipient opens in sequence, so items go in index order.
func stdReadBatch(t *testing.T, blob []byte, items [][]byte, priv hpke.PrivateKey, creator []byte) (names, values [][]byte) {
	t.Helper()
	pk := priv.PublicKey().Bytes()
	eq(t, "batch header", blob[:20], specHeader(0x0A, specPublicKeyID(pk)))
	batchID, enc, signer := blob[20:36], blob[36:68], blob[68:100]
	eq(t, "batch creator", signer, creator)
	L := int(blob[100])
	vaultID := blob[101 : 101+L]
	n := int(binary.BigEndian.Uint32(blob[101+L : 105+L]))
	if len(blob) != 169+L+32*n || n != len(items) {
		t.Fatalf("batch of %d bytes for L %d and n %d", len(blob), L, n)
	}
	manifest := blob[105+L : 105+L+32*n]
	mh := blake2b.Sum256(manifest)
	if !ed25519.Verify(creator, cat(lp8([]byte(batchLabel)), blob[:105+L], mh[:]), blob[105+L+32*n:]) {
		t.Fatal("crypto/ed25519 rejects the batch's signature")
	}
	rcv, err := hpke.NewRecipient(enc, priv, stdKDF, stdAEAD, batchInfo(pk, batchID, vaultID))
	must(t, err)
	for i, item := range items {
		eq(t, "item header", item[:20], specHeader(0x0B, specPublicKeyID(pk)))
		eq(t, "item batch id", item[20:36], batchID)
		if binary.BigEndian.Uint32(item[36:40]) != uint32(i) {
			t.Fatalf("item %d has another index", i)
		}
		d := blake2b.Sum256(item)
		eq(t, "item digest in the manifest", d[:], manifest[32*i:32*i+32])
		pt, err := rcv.Open(item[:40], item[40:])
		if err != nil {
			t.Fatalf("crypto/hpke cannot open item %d: %v", i, err)
		}
		nl := int(pt[0])
		if nl == 0 || nl > len(pt)-1 {
			t.Fatalf("item %d: name length %d", i, nl)
		}
		names, values = append(names, pt[1:1+nl]), append(values, pt[1+nl:])
	}
	return names, values
}

// stdWriteBatch makes a batch with crypto/hpke, crypto/ed25519 and BLAKE2b, following section 9.
func stdWriteBatch(t *testing.T, account cloak.EncryptionPublicKey, vaultID []byte, names, values [][]byte,
	signer ed25519.PrivateKey) (blob []byte, items [][]byte) {
	t.Helper()
	pkR, err := stdKEM.NewPublicKey(account[:])
	must(t, err)
	batchID := randBytes(16)
	enc, s, err := hpke.NewSender(pkR, stdKDF, stdAEAD, batchInfo(account[:], batchID, vaultID))
	must(t, err)
	var manifest []byte
	for i := range names {
		head := cat(specHeader(0x0B, specPublicKeyID(account[:])), batchID, u32(uint32(i)))
		ct, err := s.Seal(head, cat(lp8(names[i]), values[i]))
		must(t, err)
		item := cat(head, ct)
		d := blake2b.Sum256(item)
		manifest = append(manifest, d[:]...)
		items = append(items, item)
	}
	creator := signer.Public().(ed25519.PublicKey)
	body := cat(specHeader(0x0A, specPublicKeyID(account[:])), batchID, enc, creator, lp8(vaultID),
		u32(uint32(len(names))))
	mh := blake2b.Sum256(manifest)
	sig := ed25519.Sign(signer, cat(lp8([]byte(batchLabel)), body, mh[:]))
	return cat(body, manifest, sig), items
}

func TestInteropBatchLibcloakToStd(t *testing.T) {
	r := mrand.New(mrand.NewPCG(9, 10))
	for round := 0; round < 8; round++ {
		creator, _ := cloak.GenerateIdentityKey()
		creatorPub := creator.Public()
		priv, pk := stdKeyPair(t)
		vid := randLabel(r)
		w, err := cloak.NewBatchWriter(pk, vid)
		must(t, err)
		var names, values, items [][]byte
		for i := 0; i < 1+r.IntN(20); i++ {
			name, value := randLabel(r), randBytes(r.IntN(300))
			items = append(items, ok(w.SealItem(name, value)))
			names, values = append(names, name), append(values, value)
		}
		blob := ok(w.Finish(creator))
		gotNames, gotValues := stdReadBatch(t, blob, items, priv, creatorPub[:])
		for i := range names {
			eq(t, "name", gotNames[i], names[i])
			eq(t, "value", gotValues[i], values[i])
		}
	}
}

func TestInteropBatchStdToLibcloak(t *testing.T) {
	r := mrand.New(mrand.NewPCG(11, 12))
	for round := 0; round < 8; round++ {
		_, signer, _ := ed25519.GenerateKey(rand.Reader)
		trusted := cloak.IdentityPublicKey(signer.Public().(ed25519.PublicKey))
		acct, _ := cloak.GenerateEncryptionKey()
		vid := randLabel(r)
		var names, values [][]byte
		for i := 0; i < 1+r.IntN(20); i++ {
			names, values = append(names, randLabel(r)), append(values, randBytes(r.IntN(300)))
		}
		blob, items := stdWriteBatch(t, acct.Public(), vid, names, values, signer)
		if s := ok(cloak.BatchSender(blob)); s != trusted {
			t.Fatal("batch sender")
		}
		rd, err := cloak.VerifyBatch(blob, acct, []cloak.IdentityPublicKey{trusted})
		if err != nil {
			t.Fatalf("libcloak refuses a crypto/hpke batch: %v", err)
		}
		if rd.ItemCount() != len(items) {
			t.Fatal("item count")
		}
		for _, i := range r.Perm(len(items)) { // any order
			name, value, err := rd.OpenItem(items[i])
			if err != nil {
				t.Fatalf("item %d: %v", i, err)
			}
			eq(t, fmt.Sprint("name ", i), name, names[i])
			eq(t, fmt.Sprint("value ", i), value, values[i])
		}
	}
	// The signature covers the manifest's BLAKE2b-256 hash, not the manifest itself: a batch
	// signed over the manifest is refused.
	_, signer, _ := ed25519.GenerateKey(rand.Reader)
	trusted := []cloak.IdentityPublicKey{cloak.IdentityPublicKey(signer.Public().(ed25519.PublicKey))}
	acct, _ := cloak.GenerateEncryptionKey()
	blob, _ := stdWriteBatch(t, acct.Public(), []byte("v"), [][]byte{[]byte("N")}, [][]byte{[]byte("x")}, signer)
	_, err := cloak.VerifyBatch(blob, acct, trusted)
	must(t, err)
	bad := bytes.Clone(blob)
	signed := len(bad) - 64
	copy(bad[signed:], ed25519.Sign(signer, cat(lp8([]byte(batchLabel)), bad[:signed])))
	_, err = cloak.VerifyBatch(bad, acct, trusted)
	wantErr(t, "batch signed over the manifest instead of its hash", err, cloak.ErrBadSignature)
}

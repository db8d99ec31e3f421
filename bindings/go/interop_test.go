//go:build go1.26

package cloak_test

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/hpke"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/blake2b"

	"libcloak.dev/cloak"
)

// Interoperability with the standard library's crypto/hpke (RFC 9180 Base mode,
// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305), both ways, and with crypto/ed25519
// and golang.org/x/crypto/argon2 (the password derivation and the account secret key's text form,
// written here from their specification in docs/protocol.md). The share and batch layouts on the Go side come from
// docs/protocol.md sections 8 and 9 (the wire helpers below); every other object of the document
// is checked by the vector replay (libcloak_vectors_test.go).

var (
	stdKEM  = hpke.DHKEM(ecdh.X25519())
	stdKDF  = hpke.HKDFSHA256()
	stdAEAD = hpke.ChaCha20Poly1305()
)

func stdKeyPair(t testing.TB) (hpke.PrivateKey, cloak.X25519PublicKey) {
	t.Helper()
	priv, err := stdKEM.GenerateKey()
	must(t, err)
	return priv, cloak.X25519PublicKey(priv.PublicKey().Bytes())
}

func stdPrivateKey(t testing.TB, k *cloak.EncryptionKey) hpke.PrivateKey {
	t.Helper()
	priv, err := stdKEM.NewPrivateKey(k.SecretBytes())
	must(t, err)
	return priv
}

func randLabel(r *mrand.Rand) []byte { return randBytes(1 + r.IntN(255)) }

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// specHeader is section 2's envelope header: version 2, the type, suite 1, the key id.
func specHeader(typ byte, keyID []byte) []byte {
	return cat([]byte{0x02, typ, 0x00, 0x01}, keyID)
}

// signedBy is section 1.1's labelled message: the label, the signer's public key, the content.
func signedBy(label string, signer, content []byte) []byte {
	return cat(lp8([]byte(label)), signer, content)
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// padded is section 1.5's plaintext padding: zeros up to pad(len(p)).
func padded(p []byte) []byte { return append(p, make([]byte, specPad(len(p))-len(p))...) }

// ---- Key pairs and Argon2id ------------------------------------------------------------------

func TestInteropDeriveKeyPair(t *testing.T) {
	for n := 32; n <= 96; n += 8 {
		ikm := randBytes(n)
		std, err := stdKEM.DeriveKeyPair(ikm)
		must(t, err)
		k := ok(cloak.EncryptionKeyFromSeed(cloak.SuiteX25519, ikm))
		eq(t, "crypto/hpke DeriveKeyPair public key", k.Public().Bytes(), std.PublicKey().Bytes())
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
		if !ed25519.Verify(priv.Public().(ed25519.PublicKey), signedBy("libcloak v2 user signature", pub[:],
			cat(lp8(ctx), sha512Sum(msg))), sig) {
			t.Fatal("a user signature is not Ed25519 over its labelled message")
		}
		wantErr(t, "unlabelled signature", pub.Verify(ed25519.Sign(priv, msg), msg, ctx), cloak.ErrBadSignature)
	}
}

func sha512Sum(b []byte) []byte { s := sha512.Sum512(b); return s[:] }

// specDerive is the password derivation written from its specification with the standard library
// and x/crypto/argon2: salt' = HMAC-SHA256(record salt, "libcloak v2 account
// salt" || account id)[:16]; A = Argon2id(password, salt', t, m, p, 32); with a secret key K,
// PRK = Extract("libcloak v2 password and secret key", A || HKDF(K, salt "libcloak v2 account
// secret key", info account id, 32)), without one PRK = Extract("libcloak v2 password", A); the
// master and login keys are Expand(PRK, "libcloak v2 master key" / "libcloak v2 login key", 32).
func specDerive(t *testing.T, password, accountID, secretKey, salt []byte, p cloak.PasswordParams) (master, login []byte) {
	t.Helper()
	mac := hmac.New(sha256.New, salt)
	mac.Write(cat([]byte("libcloak v2 account salt"), accountID))
	boundSalt := mac.Sum(nil)[:16]
	ikm := argon2.IDKey(password, boundSalt, p.Iterations, p.MemoryKiB, uint8(p.Parallelism), 32)
	label := "libcloak v2 password"
	if secretKey != nil {
		share, err := hkdf.Key(sha256.New, secretKey, []byte("libcloak v2 account secret key"), string(accountID), 32)
		must(t, err)
		ikm, label = cat(ikm, share), "libcloak v2 password and secret key"
	}
	prk, err := hkdf.Extract(sha256.New, ikm, []byte(label))
	must(t, err)
	return ok(hkdf.Expand(sha256.New, prk, "libcloak v2 master key", 32)), ok(hkdf.Expand(sha256.New, prk, "libcloak v2 login key", 32))
}

// The derivation against specDerive, with and without a secret key, at 1 to 4 lanes (threads in
// the library, one goroutine per lane in x/crypto/argon2), with account ids of 1 to 255 bytes.
func TestInteropPasswordDerive(t *testing.T) {
	password := []byte("correct horse battery staple")
	cases := []struct {
		p  cloak.PasswordParams
		id []byte
	}{
		{smallCost, []byte("a")}, {cloak.PasswordParams{16384, 2, 2}, aliceID},
		{cloak.PasswordParams{20000, 1, 4}, randBytes(cloak.AccountIDBytesMax)}, {cloak.PasswordParams{16384, 3, 3}, aliceID},
	}
	for _, c := range cases {
		salt := randBytes(16)
		record := ok(cloak.EncodePasswordRecord(salt, c.p))
		sk := ok(cloak.GenerateAccountSecretKey())
		for _, key := range []*cloak.AccountSecretKey{nil, sk} {
			master, login, err := cloak.DerivePassword(password, c.id, key, record, lowPolicy)
			must(t, err)
			var raw []byte
			if key != nil {
				raw = key.SecretBytes()
			}
			wantMaster, wantLogin := specDerive(t, password, c.id, raw, salt, c.p)
			what := fmt.Sprintf("%+v, account id of %d bytes, secret key %v", c.p, len(c.id), key != nil)
			eq(t, "master key "+what, master.SecretBytes(), wantMaster)
			eq(t, "login key "+what, login.SecretBytes(), wantLogin)
		}
	}
}

// specSecretKeyText is the account secret key's text form from its specification: "CK1-", then the
// 25 bytes key || SHA-256("libcloak v2 account secret key text" || u8(len(id)) || id || key)[:5]
// as 40 Crockford base32 characters, most significant bits first, in eight dashed groups of five.
func specSecretKeyText(key, accountID []byte) string {
	sum := sha256.Sum256(cat([]byte("libcloak v2 account secret key text"), []byte{byte(len(accountID))}, accountID, key))
	payload := cat(key, sum[:5])
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	var b strings.Builder
	b.WriteString("CK1")
	for i := 0; i < 40; i++ {
		if i%5 == 0 {
			b.WriteByte('-')
		}
		v := 0
		for bit := 5 * i; bit < 5*i+5; bit++ {
			v = v<<1 | int(payload[bit/8]>>(7-bit%8)&1)
		}
		b.WriteByte(alphabet[v])
	}
	return b.String()
}

func TestInteropAccountSecretKeyText(t *testing.T) {
	for i := 0; i < 32; i++ {
		key := ok(cloak.GenerateAccountSecretKey())
		id := randBytes(1 + i*8)
		text := ok(key.Encode(id))
		if want := specSecretKeyText(key.SecretBytes(), id); text != want {
			t.Fatalf("account secret key text %q, the specification gives %q", text, want)
		}
		again := ok(cloak.DecodeAccountSecretKey(specSecretKeyText(key.SecretBytes(), id), id))
		eq(t, "decoded key", again.SecretBytes(), key.SecretBytes())
	}
}

// ---- Section 8: vault-key shares ------------------------------------------------------------

const shareLabel = "libcloak v2 share"

func shareInfo(label string, vaultID []byte, epoch uint32, recipient, sender []byte) []byte {
	return cat(lp8([]byte(label)), lp8(vaultID), u32(epoch), recipient, sender)
}

// stdOpenShare opens a share with crypto/hpke and crypto/ed25519, following section 8, and returns
// the vault key and its epoch.
func stdOpenShare(t *testing.T, share, vaultID []byte, priv hpke.PrivateKey, trusted ed25519.PublicKey) ([]byte, uint32) {
	t.Helper()
	pk := priv.PublicKey().Bytes()
	if len(share) != 200 {
		t.Fatalf("share of %d bytes", len(share))
	}
	eq(t, "share header", share[:20], specHeader(0x09, specPublicKeyID(pk)))
	sender := share[20:52]
	eq(t, "share sender", sender, trusted)
	epoch := binary.BigEndian.Uint32(share[52:56])
	content := cat(share[:136], lp8(vaultID), pk)
	if !ed25519.Verify(trusted, signedBy(shareLabel, trusted, content), share[136:200]) {
		t.Fatal("crypto/ed25519 rejects the share's signature")
	}
	r, err := hpke.NewRecipient(share[56:88], priv, stdKDF, stdAEAD, shareInfo(shareLabel, vaultID, epoch, pk, sender))
	must(t, err)
	vk, err := r.Open(share[:56], share[88:136])
	if err != nil {
		t.Fatalf("crypto/hpke cannot open the share: %v", err)
	}
	return vk, epoch
}

// stdSealShare makes a share with crypto/hpke and crypto/ed25519, following section 8. The
// options break one rule each, for the negative cases.
type shareOpts struct {
	label, infoLabel string
	aadTo            int
	unboundSigner    bool // sign without the signer's public key (section 1.1)
	keyInInfo        bool // suite 2: the whole key in the info, not its binding (section 1.6)
	suite1Header     bool // suite 2: a header that says suite 1
}

func stdSealShare(t *testing.T, vk, vaultID []byte, epoch uint32, recipient cloak.X25519PublicKey,
	signer ed25519.PrivateKey, o shareOpts) []byte {
	t.Helper()
	if o.label == "" {
		o.label = shareLabel
	}
	if o.infoLabel == "" {
		o.infoLabel = shareLabel
	}
	if o.aadTo == 0 {
		o.aadTo = 56
	}
	pkR, err := stdKEM.NewPublicKey(recipient[:])
	must(t, err)
	senderPub := signer.Public().(ed25519.PublicKey)
	head := cat(specHeader(0x09, specPublicKeyID(recipient[:])), senderPub, u32(epoch))
	enc, s, err := hpke.NewSender(pkR, stdKDF, stdAEAD, shareInfo(o.infoLabel, vaultID, epoch, recipient[:], senderPub))
	must(t, err)
	body := cat(head, enc)
	ct, err := s.Seal(body[:o.aadTo], vk)
	must(t, err)
	body = cat(body, ct)
	content := cat(body, lp8(vaultID), recipient[:])
	msg := signedBy(o.label, senderPub, content)
	if o.unboundSigner {
		msg = cat(lp8([]byte(o.label)), content)
	}
	return cat(body, ed25519.Sign(signer, msg))
}

func TestInteropShareLibcloakToStd(t *testing.T) {
	r := mrand.New(mrand.NewPCG(1, 2))
	alice, _ := cloak.GenerateIdentityKey()
	alicePub := alice.Public()
	for i := 0; i < 64; i++ {
		priv, pk := stdKeyPair(t)
		vk, _ := cloak.GenerateVaultKey()
		vid, epoch := randLabel(r), 1+r.Uint32N(1000)
		share := ok(cloak.SealShare(vk, epoch, vid, pk, alice))
		got, gotEpoch := stdOpenShare(t, share, vid, priv, alicePub[:])
		eq(t, "vault key opened by crypto/hpke", got, vk.SecretBytes())
		if gotEpoch != epoch {
			t.Fatalf("epoch %d, want %d", gotEpoch, epoch)
		}
	}
}

func TestInteropShareStdToLibcloak(t *testing.T) {
	r := mrand.New(mrand.NewPCG(3, 4))
	for i := 0; i < 64; i++ {
		_, signer, err := ed25519.GenerateKey(rand.Reader)
		must(t, err)
		trusted := cloak.IdentityPublicKey(signer.Public().(ed25519.PublicKey))
		bob, _ := cloak.GenerateEncryptionKeyOfSuite(cloak.SuiteX25519)
		vk, vid, epoch := randBytes(32), randLabel(r), 1+r.Uint32N(1000)
		share := stdSealShare(t, vk, vid, epoch, bob.Public().(cloak.X25519PublicKey), signer, shareOpts{})
		if s := ok(cloak.ShareSender(share)); s != trusted {
			t.Fatal("share sender")
		}
		got, gotEpoch, err := cloak.OpenShare(share, vid, bob, trusted, epoch)
		must(t, err)
		eq(t, "vault key opened by libcloak", got.SecretBytes(), vk)
		if gotEpoch != epoch {
			t.Fatal("epoch")
		}
		if i > 0 {
			continue
		}
		// Each rule of section 8 matters: break one and libcloak refuses the share.
		for _, c := range []struct {
			what string
			o    shareOpts
			want *cloak.Error
		}{
			{"another signature label", shareOpts{label: "libcloak v2 batch"}, cloak.ErrBadSignature},
			{"a signature that does not bind the signer", shareOpts{unboundSigner: true}, cloak.ErrBadSignature},
			{"another info label", shareOpts{infoLabel: "libcloak v2 vault key share"}, cloak.ErrAuth},
			{"aad of the header only", shareOpts{aadTo: 20}, cloak.ErrAuth},
		} {
			bad := stdSealShare(t, vk, vid, epoch, bob.Public().(cloak.X25519PublicKey), signer, c.o)
			_, _, err := cloak.OpenShare(bad, vid, bob, trusted, 1)
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
		bob, _ := cloak.GenerateEncryptionKeyOfSuite(cloak.SuiteX25519)
		pkR, err := stdKEM.NewPublicKey(bob.Public().Bytes())
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
		bob, _ := cloak.GenerateEncryptionKeyOfSuite(cloak.SuiteX25519)
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
		pkR, _ := stdKEM.NewPublicKey(bob.Public().Bytes())
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

const batchLabel = "libcloak v2 batch"

// batchHead is what a batch binds of its vault head.
type batchHead struct {
	epoch   uint32
	version uint64
	hash    []byte
	expiry  uint64
}

func batchInfo(account, batchID, vaultID []byte, h batchHead, creator []byte) []byte {
	return cat(lp8([]byte(batchLabel)), account, batchID, lp8(vaultID), u32(h.epoch), u64(h.version), h.hash,
		u64(h.expiry), creator)
}

// stdReadBatch verifies a batch and opens its items with crypto/hpke, crypto/ed25519 and BLAKE2b,
// following section 9. crypto/hpke's recipient opens in sequence, so items go in index order.
func stdReadBatch(t *testing.T, blob []byte, items [][]byte, priv hpke.PrivateKey, creator []byte) (h batchHead, names, values [][]byte) {
	t.Helper()
	pk := priv.PublicKey().Bytes()
	eq(t, "batch header", blob[:20], specHeader(0x0A, specPublicKeyID(pk)))
	batchID, enc, signer := blob[20:36], blob[36:68], blob[68:100]
	eq(t, "batch creator", signer, creator)
	L := int(blob[100])
	vaultID := blob[101 : 101+L]
	h = batchHead{binary.BigEndian.Uint32(blob[101+L:]), binary.BigEndian.Uint64(blob[105+L:]), blob[113+L : 145+L],
		binary.BigEndian.Uint64(blob[145+L:])}
	n := int(binary.BigEndian.Uint32(blob[153+L : 157+L]))
	if len(blob) != 221+L+32*n || n != len(items) {
		t.Fatalf("batch of %d bytes for L %d and n %d", len(blob), L, n)
	}
	manifest := blob[157+L : 157+L+32*n]
	mh := blake2b.Sum256(manifest)
	if !ed25519.Verify(creator, signedBy(batchLabel, creator, cat(blob[:157+L], mh[:])), blob[157+L+32*n:]) {
		t.Fatal("crypto/ed25519 rejects the batch's signature")
	}
	rcv, err := hpke.NewRecipient(enc, priv, stdKDF, stdAEAD, batchInfo(pk, batchID, vaultID, h, creator))
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
		if len(pt) != specPad(len(pt)) {
			t.Fatalf("item %d: plaintext of %d bytes is not a padded length", i, len(pt))
		}
		nl := int(pt[0])
		vl := int(binary.BigEndian.Uint32(pt[1+nl:]))
		if nl == 0 || 5+nl+vl > len(pt) || !bytes.Equal(pt[5+nl+vl:], make([]byte, len(pt)-5-nl-vl)) {
			t.Fatalf("item %d: name length %d, value length %d in %d bytes, or non-zero padding", i, nl, vl, len(pt))
		}
		names, values = append(names, pt[1:1+nl]), append(values, pt[5+nl:5+nl+vl])
	}
	return h, names, values
}

// stdWriteBatch makes a batch with crypto/hpke, crypto/ed25519 and BLAKE2b, following section 9.
func stdWriteBatch(t *testing.T, account cloak.X25519PublicKey, vaultID []byte, h batchHead, names, values [][]byte,
	signer ed25519.PrivateKey) (blob []byte, items [][]byte) {
	t.Helper()
	pkR, err := stdKEM.NewPublicKey(account[:])
	must(t, err)
	creator := signer.Public().(ed25519.PublicKey)
	batchID := randBytes(16)
	enc, s, err := hpke.NewSender(pkR, stdKDF, stdAEAD, batchInfo(account[:], batchID, vaultID, h, creator))
	must(t, err)
	var manifest []byte
	for i := range names {
		head := cat(specHeader(0x0B, specPublicKeyID(account[:])), batchID, u32(uint32(i)))
		ct, err := s.Seal(head, padded(cat(lp8(names[i]), u32(uint32(len(values[i]))), values[i])))
		must(t, err)
		item := cat(head, ct)
		d := blake2b.Sum256(item)
		manifest = append(manifest, d[:]...)
		items = append(items, item)
	}
	body := cat(specHeader(0x0A, specPublicKeyID(account[:])), batchID, enc, creator, lp8(vaultID), u32(h.epoch),
		u64(h.version), h.hash, u64(h.expiry), u32(uint32(len(names))))
	mh := blake2b.Sum256(manifest)
	sig := ed25519.Sign(signer, signedBy(batchLabel, creator, cat(body, mh[:])))
	return cat(body, manifest, sig), items
}

func randBatchHead(r *mrand.Rand) batchHead {
	return batchHead{1 + r.Uint32N(100), 1 + r.Uint64N(1000), randBytes(32), uint64(testExpiry.Unix()) + r.Uint64N(1000)}
}

func TestInteropBatchLibcloakToStd(t *testing.T) {
	r := mrand.New(mrand.NewPCG(9, 10))
	for round := 0; round < 8; round++ {
		creator, _ := cloak.GenerateIdentityKey()
		creatorPub := creator.Public()
		priv, pk := stdKeyPair(t)
		vid, h := randLabel(r), randBatchHead(r)
		w, err := cloak.NewBatchWriter(pk, creatorPub, vid, h.epoch, h.version, cloak.HeadHash(h.hash),
			time.Unix(int64(h.expiry), 0))
		must(t, err)
		var names, values, items [][]byte
		var digests []cloak.BatchDigest
		for i := 0; i < 1+r.IntN(20); i++ {
			name, value := randLabel(r), randBytes(r.IntN(300))
			item, _, d, err := w.SealItem(name, value)
			must(t, err)
			items, digests = append(items, item), append(digests, d)
			names, values = append(names, name), append(values, value)
		}
		blob := ok(w.Finish(digests, creator))
		gotHead, gotNames, gotValues := stdReadBatch(t, blob, items, priv, creatorPub[:])
		if gotHead.epoch != h.epoch || gotHead.version != h.version || !bytes.Equal(gotHead.hash, h.hash) ||
			gotHead.expiry != h.expiry {
			t.Fatalf("head fields %+v, want %+v", gotHead, h)
		}
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
		acct, _ := cloak.GenerateEncryptionKeyOfSuite(cloak.SuiteX25519)
		vid, h := randLabel(r), randBatchHead(r)
		var names, values [][]byte
		for i := 0; i < 1+r.IntN(20); i++ {
			names, values = append(names, randLabel(r)), append(values, randBytes(r.IntN(300)))
		}
		blob, items := stdWriteBatch(t, acct.Public().(cloak.X25519PublicKey), vid, h, names, values, signer)
		if s := ok(cloak.BatchSender(blob)); s != trusted {
			t.Fatal("batch sender")
		}
		rd, err := cloak.VerifyBatch(blob, vid, acct, []cloak.IdentityPublicKey{trusted})
		if err != nil {
			t.Fatalf("libcloak refuses a crypto/hpke batch: %v", err)
		}
		if rd.ItemCount() != len(items) || rd.Epoch() != h.epoch || rd.HeadVersion() != h.version ||
			rd.HeadHash() != cloak.HeadHash(h.hash) || uint64(rd.Expiry().Unix()) != h.expiry {
			t.Fatal("batch fields")
		}
		must(t, rd.Check(h.epoch, h.version, testNow))
		for _, i := range r.Perm(len(items)) { // any order
			name, value, err := rd.OpenItem(items[i])
			if err != nil {
				t.Fatalf("item %d: %v", i, err)
			}
			eq(t, fmt.Sprint("name ", i), name, names[i])
			eq(t, fmt.Sprint("value ", i), value, values[i])
		}
	}
	// The signature covers the manifest's BLAKE2b-256 hash and binds the creator; the HPKE info
	// binds the creator too (so another trusted identity cannot re-sign the batch as its own).
	_, signer, _ := ed25519.GenerateKey(rand.Reader)
	signerPub := signer.Public().(ed25519.PublicKey)
	trusted := []cloak.IdentityPublicKey{cloak.IdentityPublicKey(signerPub)}
	acct, _ := cloak.GenerateEncryptionKeyOfSuite(cloak.SuiteX25519)
	h := randBatchHead(r)
	blob, items := stdWriteBatch(t, acct.Public().(cloak.X25519PublicKey), []byte("v"), h, [][]byte{[]byte("N")}, [][]byte{[]byte("x")}, signer)
	_, err := cloak.VerifyBatch(blob, []byte("v"), acct, trusted)
	must(t, err)
	L := 1
	signed := len(blob) - 64
	manifest := blob[157+L : signed]
	mh := blake2b.Sum256(manifest)
	for _, c := range []struct {
		what string
		msg  []byte
	}{
		{"signed over the manifest instead of its hash", signedBy(batchLabel, signerPub, blob[:signed])},
		{"signed without binding the signer", cat(lp8([]byte(batchLabel)), blob[:157+L], mh[:])},
	} {
		bad := bytes.Clone(blob)
		copy(bad[signed:], ed25519.Sign(signer, c.msg))
		_, err = cloak.VerifyBatch(bad, []byte("v"), acct, trusted)
		wantErr(t, "batch "+c.what, err, cloak.ErrBadSignature)
	}
	// Another trusted identity strips the signature and re-signs with its own key as creator: the
	// items were sealed under an info naming the first creator, so none opens.
	_, mallory, _ := ed25519.GenerateKey(rand.Reader)
	malloryPub := mallory.Public().(ed25519.PublicKey)
	resigned := bytes.Clone(blob)
	copy(resigned[68:100], malloryPub)
	copy(resigned[signed:], ed25519.Sign(mallory, signedBy(batchLabel, malloryPub, cat(resigned[:157+L], mh[:]))))
	rd, err := cloak.VerifyBatch(resigned, []byte("v"), acct, append(trusted, cloak.IdentityPublicKey(malloryPub)))
	must(t, err)
	must(t, rd.Check(1, 1, testNow))
	_, _, err = rd.OpenItem(items[0])
	wantErr(t, "item of a re-signed batch", err, cloak.ErrAuth)
}

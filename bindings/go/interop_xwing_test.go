//go:build go1.26

package cloak_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hpke"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"testing"
	"time"

	"golang.org/x/crypto/blake2b"

	"libcloak.dev/cloak"
)

// Suite 2 against the standard library: crypto/hpke's MLKEM768X25519 (X-Wing) with HKDFSHA256 and
// ChaCha20Poly1305, both ways, for shares (docs/protocol.md section 8), batches (section 9.1) and
// bare HPKE, and X-Wing's DeriveKeyPair. The layouts on the Go side are written here from the
// document: the header's suite is 2, enc is 1120 bytes, and the HPKE infos and signed contents
// carry the key's binding, its key hash (section 1.6), where suite 1 carries the key.

var xwingKEM = hpke.MLKEM768X25519()

const xwingEncBytes = 1120

// xwingKeyHash is section 1.2's key hash: SHA-256 over the label and the whole 1216-byte key.
func xwingKeyHash(pk []byte) []byte {
	h := sha256.Sum256(cat(lp8([]byte("libcloak v2 public key id")), pk))
	return h[:]
}

// specHeader2 is section 2's header of a suite 2 object.
func specHeader2(typ byte, keyID []byte) []byte { return cat([]byte{0x02, typ, 0x00, 0x02}, keyID) }

func stdXWingKeyPair(t testing.TB) (hpke.PrivateKey, cloak.XWingPublicKey) {
	t.Helper()
	priv, err := xwingKEM.GenerateKey()
	must(t, err)
	return priv, cloak.XWingPublicKey(priv.PublicKey().Bytes())
}

// stdXWingPrivate is a libcloak X-Wing key as crypto/hpke's private key (its 32-byte seed).
func stdXWingPrivate(t testing.TB, k *cloak.EncryptionKey) hpke.PrivateKey {
	t.Helper()
	priv, err := xwingKEM.NewPrivateKey(k.SecretBytes())
	must(t, err)
	return priv
}

func TestInteropXWingDeriveKeyPair(t *testing.T) {
	for _, n := range []int{32, 33, 48, 64, 100, 200, 255} {
		for i := 0; i < 4; i++ {
			ikm := randBytes(n)
			std, err := xwingKEM.DeriveKeyPair(ikm)
			must(t, err)
			k := ok(cloak.EncryptionKeyFromSeed(cloak.SuiteXWing, ikm))
			eq(t, fmt.Sprintf("DeriveKeyPair public key, ikm of %d bytes", n), k.Public().Bytes(), std.PublicKey().Bytes())
			// The private key both serialize is X-Wing's 32-byte seed.
			stdSK, err := std.Bytes()
			must(t, err)
			eq(t, "DeriveKeyPair private key", k.SecretBytes(), stdSK)
		}
	}
	// A key crypto/hpke generates, given to libcloak by its private key alone.
	for i := 0; i < 8; i++ {
		priv, pk := stdXWingKeyPair(t)
		sk, err := priv.Bytes()
		must(t, err)
		k := ok(cloak.XWingKeyFromSecretBytes(sk))
		if k.Public() != cloak.EncryptionPublicKey(pk) {
			t.Fatal("the public key of crypto/hpke's private key")
		}
	}
}

// ---- Section 8: shares to an X-Wing key ------------------------------------------------------

// stdOpenShareXWing opens a suite 2 share with crypto/hpke and crypto/ed25519.
func stdOpenShareXWing(t *testing.T, share, vaultID []byte, priv hpke.PrivateKey, trusted ed25519.PublicKey) ([]byte, uint32) {
	t.Helper()
	pk := priv.PublicKey().Bytes()
	const n = xwingEncBytes
	if len(share) != 168+n {
		t.Fatalf("share of %d bytes", len(share))
	}
	binding := xwingKeyHash(pk)
	eq(t, "share header", share[:20], specHeader2(0x09, binding[:16]))
	sender := share[20:52]
	eq(t, "share sender", sender, trusted)
	epoch := binary.BigEndian.Uint32(share[52:56])
	content := cat(share[:104+n], lp8(vaultID), binding)
	if !ed25519.Verify(trusted, signedBy(shareLabel, trusted, content), share[104+n:]) {
		t.Fatal("crypto/ed25519 rejects the share's signature")
	}
	r, err := hpke.NewRecipient(share[56:56+n], priv, stdKDF, stdAEAD, shareInfo(shareLabel, vaultID, epoch, binding, sender))
	must(t, err)
	vk, err := r.Open(share[:56], share[56+n:104+n])
	if err != nil {
		t.Fatalf("crypto/hpke cannot open the share: %v", err)
	}
	return vk, epoch
}

// stdSealShareXWing makes a suite 2 share with crypto/hpke and crypto/ed25519; the options break
// one rule each.
func stdSealShareXWing(t *testing.T, vk, vaultID []byte, epoch uint32, recipient cloak.XWingPublicKey,
	signer ed25519.PrivateKey, o shareOpts) []byte {
	t.Helper()
	pkR, err := xwingKEM.NewPublicKey(recipient[:])
	must(t, err)
	binding := xwingKeyHash(recipient[:])
	infoBinding := binding
	if o.keyInInfo {
		infoBinding = recipient[:]
	}
	suiteByte := byte(2)
	if o.suite1Header {
		suiteByte = 1
	}
	senderPub := signer.Public().(ed25519.PublicKey)
	head := cat([]byte{0x02, 0x09, 0x00, suiteByte}, binding[:16], senderPub, u32(epoch))
	enc, s, err := hpke.NewSender(pkR, stdKDF, stdAEAD, shareInfo(shareLabel, vaultID, epoch, infoBinding, senderPub))
	must(t, err)
	body := cat(head, enc)
	ct, err := s.Seal(body[:56], vk)
	must(t, err)
	body = cat(body, ct)
	return cat(body, ed25519.Sign(signer, signedBy(shareLabel, senderPub, cat(body, lp8(vaultID), binding))))
}

func TestInteropXWingShareLibcloakToStd(t *testing.T) {
	r := mrand.New(mrand.NewPCG(21, 22))
	alice, _ := cloak.GenerateIdentityKey()
	alicePub := alice.Public()
	for i := 0; i < 32; i++ {
		priv, pk := stdXWingKeyPair(t)
		vk, _ := cloak.GenerateVaultKey()
		vid, epoch := randLabel(r), 1+r.Uint32N(1000)
		share := ok(cloak.SealShare(vk, epoch, vid, pk, alice))
		got, gotEpoch := stdOpenShareXWing(t, share, vid, priv, alicePub[:])
		eq(t, "vault key opened by crypto/hpke", got, vk.SecretBytes())
		if gotEpoch != epoch {
			t.Fatalf("epoch %d, want %d", gotEpoch, epoch)
		}
	}
}

func TestInteropXWingShareStdToLibcloak(t *testing.T) {
	r := mrand.New(mrand.NewPCG(23, 24))
	for i := 0; i < 32; i++ {
		_, signer, err := ed25519.GenerateKey(rand.Reader)
		must(t, err)
		trusted := cloak.IdentityPublicKey(signer.Public().(ed25519.PublicKey))
		bob := ok(cloak.GenerateEncryptionKey())
		bobPub := bob.Public().(cloak.XWingPublicKey)
		vk, vid, epoch := randBytes(32), randLabel(r), 1+r.Uint32N(1000)
		share := stdSealShareXWing(t, vk, vid, epoch, bobPub, signer, shareOpts{})
		got, gotEpoch, err := cloak.OpenShare(share, vid, bob, trusted, epoch)
		if err != nil {
			t.Fatalf("libcloak refuses a crypto/hpke share: %v", err)
		}
		eq(t, "vault key opened by libcloak", got.SecretBytes(), vk)
		if gotEpoch != epoch {
			t.Fatal("epoch")
		}
		if i > 0 {
			continue
		}
		// The binding is the key hash, and the header says suite 2.
		bad := stdSealShareXWing(t, vk, vid, epoch, bobPub, signer, shareOpts{keyInInfo: true})
		_, _, err = cloak.OpenShare(bad, vid, bob, trusted, 1)
		wantErr(t, "crypto/hpke share with the whole key in the info", err, cloak.ErrAuth)
		bad = stdSealShareXWing(t, vk, vid, epoch, bobPub, signer, shareOpts{suite1Header: true})
		_, _, err = cloak.OpenShare(bad, vid, bob, trusted, 1)
		wantErr(t, "crypto/hpke share labelled suite 1", err, cloak.ErrUnsupportedSuite)
	}
}

// ---- Section 9.1: batches to an X-Wing key ---------------------------------------------------

// stdReadBatchXWing verifies a suite 2 batch and opens its items with crypto/hpke, in index order
// (crypto/hpke's recipient opens at sequence numbers 0, 1, ...: item i is sealed at i).
func stdReadBatchXWing(t *testing.T, blob []byte, items [][]byte, priv hpke.PrivateKey, creator []byte) (h batchHead, names, values [][]byte) {
	t.Helper()
	const n = xwingEncBytes
	const v = 68 + n
	pk := priv.PublicKey().Bytes()
	binding := xwingKeyHash(pk)
	eq(t, "batch header", blob[:20], specHeader2(0x0A, binding[:16]))
	batchID, enc, signer := blob[20:36], blob[36:36+n], blob[36+n:v]
	eq(t, "batch creator", signer, creator)
	L := int(blob[v])
	vaultID := blob[v+1 : v+1+L]
	h = batchHead{binary.BigEndian.Uint32(blob[v+1+L:]), binary.BigEndian.Uint64(blob[v+5+L:]), blob[v+13+L : v+45+L],
		binary.BigEndian.Uint64(blob[v+45+L:])}
	count := int(binary.BigEndian.Uint32(blob[v+53+L : v+57+L]))
	if len(blob) != 189+n+L+32*count || count != len(items) {
		t.Fatalf("batch of %d bytes for L %d and n %d", len(blob), L, count)
	}
	manifest := blob[v+57+L : v+57+L+32*count]
	mh := blake2b.Sum256(manifest)
	if !ed25519.Verify(creator, signedBy(batchLabel, creator, cat(blob[:v+57+L], mh[:])), blob[v+57+L+32*count:]) {
		t.Fatal("crypto/ed25519 rejects the batch's signature")
	}
	rcv, err := hpke.NewRecipient(enc, priv, stdKDF, stdAEAD, batchInfo(binding, batchID, vaultID, h, creator))
	must(t, err)
	for i, item := range items {
		eq(t, "item header", item[:20], specHeader2(0x0B, binding[:16]))
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
		vl := int(binary.BigEndian.Uint32(pt[1+nl:]))
		if len(pt) != specPad(len(pt)) || nl == 0 || 5+nl+vl > len(pt) ||
			!bytes.Equal(pt[5+nl+vl:], make([]byte, len(pt)-5-nl-vl)) {
			t.Fatalf("item %d: name length %d, value length %d in %d bytes", i, nl, vl, len(pt))
		}
		names, values = append(names, pt[1:1+nl]), append(values, pt[5+nl:5+nl+vl])
	}
	return h, names, values
}

// stdWriteBatchXWing makes a suite 2 batch with crypto/hpke, crypto/ed25519 and BLAKE2b.
func stdWriteBatchXWing(t *testing.T, account cloak.XWingPublicKey, vaultID []byte, h batchHead, names, values [][]byte,
	signer ed25519.PrivateKey) (blob []byte, items [][]byte) {
	t.Helper()
	pkR, err := xwingKEM.NewPublicKey(account[:])
	must(t, err)
	binding := xwingKeyHash(account[:])
	creator := signer.Public().(ed25519.PublicKey)
	batchID := randBytes(16)
	enc, s, err := hpke.NewSender(pkR, stdKDF, stdAEAD, batchInfo(binding, batchID, vaultID, h, creator))
	must(t, err)
	var manifest []byte
	for i := range names {
		head := cat(specHeader2(0x0B, binding[:16]), batchID, u32(uint32(i)))
		ct, err := s.Seal(head, padded(cat(lp8(names[i]), u32(uint32(len(values[i]))), values[i])))
		must(t, err)
		item := cat(head, ct)
		d := blake2b.Sum256(item)
		manifest = append(manifest, d[:]...)
		items = append(items, item)
	}
	body := cat(specHeader2(0x0A, binding[:16]), batchID, enc, creator, lp8(vaultID), u32(h.epoch), u64(h.version), h.hash,
		u64(h.expiry), u32(uint32(len(names))))
	mh := blake2b.Sum256(manifest)
	return cat(body, manifest, ed25519.Sign(signer, signedBy(batchLabel, creator, cat(body, mh[:])))), items
}

func TestInteropXWingBatchLibcloakToStd(t *testing.T) {
	r := mrand.New(mrand.NewPCG(25, 26))
	for round := 0; round < 6; round++ {
		creator, _ := cloak.GenerateIdentityKey()
		creatorPub := creator.Public()
		priv, pk := stdXWingKeyPair(t)
		vid, h := randLabel(r), randBatchHead(r)
		w, err := cloak.NewBatchWriter(pk, creatorPub, vid, h.epoch, h.version, cloak.HeadHash(h.hash), time.Unix(int64(h.expiry), 0))
		must(t, err)
		var names, values, items [][]byte
		var digests []cloak.BatchDigest
		for i := 0; i < 1+r.IntN(12); i++ {
			name, value := randLabel(r), randBytes(r.IntN(300))
			item, _, d, err := w.SealItem(name, value)
			must(t, err)
			items, digests = append(items, item), append(digests, d)
			names, values = append(names, name), append(values, value)
		}
		blob := ok(w.Finish(digests, creator))
		gotHead, gotNames, gotValues := stdReadBatchXWing(t, blob, items, priv, creatorPub[:])
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

func TestInteropXWingBatchStdToLibcloak(t *testing.T) {
	r := mrand.New(mrand.NewPCG(27, 28))
	for round := 0; round < 6; round++ {
		_, signer, _ := ed25519.GenerateKey(rand.Reader)
		trusted := cloak.IdentityPublicKey(signer.Public().(ed25519.PublicKey))
		acct := ok(cloak.GenerateEncryptionKey())
		vid, h := randLabel(r), randBatchHead(r)
		var names, values [][]byte
		for i := 0; i < 1+r.IntN(12); i++ {
			names, values = append(names, randLabel(r)), append(values, randBytes(r.IntN(300)))
		}
		blob, items := stdWriteBatchXWing(t, acct.Public().(cloak.XWingPublicKey), vid, h, names, values, signer)
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
}

// ---- Bare HPKE with X-Wing --------------------------------------------------------------------

func TestInteropXWingHPKE(t *testing.T) {
	r := mrand.New(mrand.NewPCG(29, 30))
	for i := 0; i < 40; i++ {
		info, aad, pt := randBytes(r.IntN(80)), randBytes(r.IntN(80)), randBytes(r.IntN(600))

		// libcloak seals, crypto/hpke opens (single shot, then a context of several messages).
		priv, pk := stdXWingKeyPair(t)
		enc, ct, err := cloak.HPKESealBase(pk, pt, info, aad)
		must(t, err)
		rcv, err := hpke.NewRecipient(enc, priv, stdKDF, stdAEAD, info)
		must(t, err)
		got, err := rcv.Open(aad, ct)
		if err != nil {
			t.Fatalf("crypto/hpke cannot open cloak_hpke_seal_base_xwing's output: %v", err)
		}
		eq(t, "libcloak -> crypto/hpke", got, pt)
		enc2, snd, err := cloak.NewHPKESender(pk, info)
		must(t, err)
		rcv2, err := hpke.NewRecipient(enc2, priv, stdKDF, stdAEAD, info)
		must(t, err)
		for j := 0; j < 4; j++ {
			got, err := rcv2.Open(aad, ok(snd.Seal(pt, aad)))
			must(t, err)
			eq(t, "libcloak context -> crypto/hpke", got, pt)
		}
		want, err := rcv2.Export("exporter", 48)
		must(t, err)
		eq(t, "export, libcloak sender", ok(snd.Export([]byte("exporter"), 48)), want)

		// crypto/hpke seals, libcloak opens.
		bob := ok(cloak.GenerateEncryptionKey())
		pkR, err := xwingKEM.NewPublicKey(bob.Public().Bytes())
		must(t, err)
		sealed, err := hpke.Seal(pkR, stdKDF, stdAEAD, info, pt)
		must(t, err)
		eq(t, "hpke.Seal -> libcloak", ok(cloak.HPKEOpenBase(sealed[:xwingEncBytes], sealed[xwingEncBytes:], bob, info, nil)), pt)
		enc3, s3, err := hpke.NewSender(pkR, stdKDF, stdAEAD, info)
		must(t, err)
		rc, err := cloak.NewHPKERecipient(enc3, bob, info)
		must(t, err)
		for j := 0; j < 4; j++ {
			eq(t, "crypto/hpke context -> libcloak", ok(rc.Open(ok(s3.Seal(aad, pt)), aad)), pt)
		}
		// And libcloak's single shot opened by crypto/hpke with the key pair libcloak made.
		enc4, ct4, err := cloak.HPKESealBase(bob.Public(), pt, info, nil)
		must(t, err)
		opened, err := hpke.Open(stdXWingPrivate(t, bob), stdKDF, stdAEAD, info, cat(enc4, ct4))
		must(t, err)
		eq(t, "libcloak -> hpke.Open", opened, pt)
	}
}

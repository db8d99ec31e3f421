package cloak_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"

	"libcloak.dev/cloak"
)

// The shared vectors of tests/vectors, through the binding's public API.
//
// What the public API lets a binding check:
//   - RFC 9180 A.2, mode 0 (Base): DeriveKeyPair of both key pairs, the recipient side of every
//     encryption (the API has no deterministic sender), every export. Modes 1 to 3 (PSK, Auth,
//     AuthPSK) are not in the public API.
//   - Wycheproof X25519: through HPKE decapsulation (cloak_hpke_setup_recipient with the case's
//     public key as enc), comparing an export with crypto/hpke's on the same inputs, and expecting
//     CLOAK_E_INVALID_KEY for every all-zero shared secret.
//   - Nothing else fits: the public API exposes no raw ChaCha20-Poly1305, XChaCha20-Poly1305,
//     HKDF, HMAC or Ed25519 (every use is under labels and derived keys), and no Argon2id vector
//     has a 16-byte salt, no secret, no associated data and m >= 16384 as a password record needs
//     (interop_test.go compares Argon2id with golang.org/x/crypto/argon2 instead).

type hpkeVectorFile struct {
	Vectors []struct {
		Mode        int    `json:"mode"`
		Info        hexStr `json:"info"`
		IkmE        hexStr `json:"ikmE"`
		PkEm        hexStr `json:"pkEm"`
		SkEm        hexStr `json:"skEm"`
		IkmR        hexStr `json:"ikmR"`
		PkRm        hexStr `json:"pkRm"`
		SkRm        hexStr `json:"skRm"`
		Enc         hexStr `json:"enc"`
		Key         hexStr `json:"key"`
		BaseNonce   hexStr `json:"base_nonce"`
		Encryptions []struct {
			Seq uint64 `json:"seq"`
			Pt  hexStr `json:"pt"`
			Aad hexStr `json:"aad"`
			Ct  hexStr `json:"ct"`
		} `json:"encryptions"`
		Exports []struct {
			Context hexStr `json:"exporter_context"`
			L       int    `json:"L"`
			Value   hexStr `json:"exported_value"`
		} `json:"exports"`
	} `json:"vectors"`
}

// hexStr is a JSON string of lowercase hex.
type hexStr []byte

func (h *hexStr) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := hex.DecodeString(s)
	*h = v
	return err
}

func TestVectorsHPKE(t *testing.T) {
	var f hpkeVectorFile
	loadJSON(t, &f, "tests", "vectors", "hpke_rfc9180_x25519_sha256_chacha20poly1305.json")
	base, opened, exports, fillers := 0, 0, 0, 0
	for _, v := range f.Vectors {
		if v.Mode != 0 {
			continue // PSK and Auth modes are not in the public API
		}
		base++
		kR, err := cloak.EncryptionKeyFromSeed(cloak.SuiteX25519, v.IkmR)
		must(t, err)
		eq(t, "DeriveKeyPair(ikmR) public", kR.Public().Bytes(), v.PkRm)
		eq(t, "DeriveKeyPair(ikmR) private", kR.SecretBytes(), v.SkRm)
		kE, err := cloak.EncryptionKeyFromSeed(cloak.SuiteX25519, v.IkmE)
		must(t, err)
		eq(t, "DeriveKeyPair(ikmE) public", kE.Public().Bytes(), v.PkEm)
		eq(t, "DeriveKeyPair(ikmE) private", kE.SecretBytes(), v.SkEm)
		eq(t, "enc is pkEm", v.Enc, v.PkEm)

		r, err := cloak.NewHPKERecipient(v.Enc, kR, v.Info)
		must(t, err)
		// The recipient opens in sequence; the vector lists numbers 0, 1, 2, 4, 255, 256. The
		// numbers between are filled with messages sealed here with the vector's key and base
		// nonce (golang.org/x/crypto's ChaCha20-Poly1305), which the recipient opening proves
		// is its own key and nonce too.
		aead, err := chacha20poly1305.New(v.Key)
		must(t, err)
		next := uint64(0)
		for _, e := range v.Encryptions {
			for ; next < e.Seq; next++ {
				nonce := bytes.Clone(v.BaseNonce)
				var seq [8]byte
				binary.BigEndian.PutUint64(seq[:], next)
				for i := 0; i < 8; i++ {
					nonce[4+i] ^= seq[i]
				}
				filler := aead.Seal(nil, nonce, []byte("filler"), []byte("aad"))
				eq(t, "filler", ok(r.Open(filler, []byte("aad"))), []byte("filler"))
				fillers++
			}
			// The next message does not open out of place, and a failure does not advance.
			if _, err := r.Open(append(bytes.Clone(e.Ct[:len(e.Ct)-1]), e.Ct[len(e.Ct)-1]^1), e.Aad); err == nil {
				t.Fatal("a tampered vector ciphertext opens")
			}
			eq(t, "vector plaintext", ok(r.Open(e.Ct, e.Aad)), e.Pt)
			next++
			opened++
		}
		for _, x := range v.Exports {
			eq(t, "vector export", ok(r.Export(x.Context, x.L)), x.Value)
			exports++
		}
		// The single-shot opener is the same context at sequence number 0.
		eq(t, "single-shot open of the first message",
			ok(cloak.HPKEOpenBase(v.Enc, v.Encryptions[0].Ct, kR, v.Info, v.Encryptions[0].Aad)), v.Encryptions[0].Pt)
	}
	if base != 1 || opened != 6 || exports != 3 {
		t.Fatalf("ran %d base vectors, %d encryptions, %d exports", base, opened, exports)
	}
	t.Logf("RFC 9180 Base: %d vector, %d encryptions opened (%d filler messages between), %d exports", base, opened,
		fillers, exports)
}

// The X-Wing vector of draft-ietf-hpke-pq (KEM 0x647a, HKDF-SHA256, ChaCha20Poly1305, Base mode),
// from Go 1.26's crypto/hpke test data: the recipient's key pair from its 32-byte private key (X-Wing's
// seed), then every encryption opened in order and every export. The sender side draws randomness
// the public API does not take.
func TestVectorsHPKEXWing(t *testing.T) {
	var vs []struct {
		Mode        int    `json:"mode"`
		KEM         int    `json:"kem_id"`
		KDF         int    `json:"kdf_id"`
		AEAD        int    `json:"aead_id"`
		Info        hexStr `json:"info"`
		IkmR        hexStr `json:"ikmR"`
		SkRm        hexStr `json:"skRm"`
		PkRm        hexStr `json:"pkRm"`
		Enc         hexStr `json:"enc"`
		Encryptions []struct {
			Aad hexStr `json:"aad"`
			Ct  hexStr `json:"ct"`
			Pt  hexStr `json:"pt"`
		} `json:"encryptions"`
		Exports []struct {
			Context hexStr `json:"exporter_context"`
			L       int    `json:"L"`
			Value   hexStr `json:"exported_value"`
		} `json:"exports"`
	}
	loadJSON(t, &vs, "tests", "vectors", "hpke_xwing_hkdf_sha256_chacha20poly1305.json")
	if len(vs) != 1 {
		t.Fatalf("%d X-Wing vectors", len(vs))
	}
	v := vs[0]
	if v.Mode != 0 || v.KEM != 0x647a || v.KDF != 1 || v.AEAD != 3 || len(v.Encryptions) != 10 || len(v.Exports) != 5 {
		t.Fatalf("vector of mode %d, suite %#x/%d/%d, %d encryptions, %d exports", v.Mode, v.KEM, v.KDF, v.AEAD,
			len(v.Encryptions), len(v.Exports))
	}
	kR := ok(cloak.XWingKeyFromSecretBytes(v.SkRm))
	eq(t, "the public key of skRm", kR.Public().Bytes(), v.PkRm)
	eq(t, "DeriveKeyPair(ikmR)", ok(cloak.EncryptionKeyFromSeed(cloak.SuiteXWing, v.IkmR)).Public().Bytes(), v.PkRm)
	r, err := cloak.NewHPKERecipient(v.Enc, kR, v.Info)
	must(t, err)
	for i, e := range v.Encryptions {
		if i == 0 {
			eq(t, "single-shot open of the first message", ok(cloak.HPKEOpenBase(v.Enc, e.Ct, kR, v.Info, e.Aad)), e.Pt)
		}
		eq(t, fmt.Sprint("encryption ", i), ok(r.Open(e.Ct, e.Aad)), e.Pt)
	}
	for i, x := range v.Exports {
		eq(t, fmt.Sprint("export ", i), ok(r.Export(x.Context, x.L)), x.Value)
	}
}

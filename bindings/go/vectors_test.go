package cloak_test

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hpke"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
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

func loadJSON(t testing.TB, v any, parts ...string) {
	t.Helper()
	data, err := os.ReadFile(repoPath(parts...))
	must(t, err)
	must(t, json.Unmarshal(data, v))
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
		kR, err := cloak.EncryptionKeyFromSeed(v.IkmR)
		must(t, err)
		eq(t, "DeriveKeyPair(ikmR) public", kR.Public().Export()[20:], v.PkRm)
		eq(t, "DeriveKeyPair(ikmR) private", kR.SecretBytes(), v.SkRm)
		kE, err := cloak.EncryptionKeyFromSeed(v.IkmE)
		must(t, err)
		eq(t, "DeriveKeyPair(ikmE) public", kE.Public().Export()[20:], v.PkEm)
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

type wycheproofX25519 struct {
	TestGroups []struct {
		Tests []struct {
			TcID    int      `json:"tcId"`
			Comment string   `json:"comment"`
			Flags   []string `json:"flags"`
			Public  hexStr   `json:"public"`
			Private hexStr   `json:"private"`
			Shared  hexStr   `json:"shared"`
			Result  string   `json:"result"`
		} `json:"tests"`
	} `json:"testGroups"`
}

func TestVectorsWycheproofX25519(t *testing.T) {
	var f wycheproofX25519
	loadJSON(t, &f, "tests", "vectors", "wycheproof", "x25519_test.json")
	info := []byte("wycheproof x25519 through HPKE")
	expCtx := []byte("export")
	var total, zero, accepted, nonCanonical int
	for _, g := range f.TestGroups {
		for _, c := range g.Tests {
			total++
			if c.Result == "invalid" {
				t.Fatalf("tcId %d: an invalid X25519 case; this test does not know what to expect", c.TcID)
			}
			stdKey, stdKeyErr := hpke.DHKEM(ecdh.X25519()).NewPrivateKey(c.Private)
			must(t, stdKeyErr)
			account := cloak.EncryptionKeyFromRaw(stdKey.PublicKey().Bytes(), c.Private)
			r, err := cloak.NewHPKERecipient(c.Public, account, info)
			// The standard library on the same inputs.
			stdR, stdErr := hpke.NewRecipient(c.Public, stdKey, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), info)
			if !x25519Canonical(c.Public) {
				// docs/protocol.md 1.4: enc is a public key, and a second encoding of a point (bit
				// 255 set, or u >= p) is malformed, where crypto/hpke reduces it.
				nonCanonical++
				if bytes.Equal(c.Shared, make([]byte, 32)) {
					zero++
				}
				wantErr(t, "a non-canonical enc", err, cloak.ErrMalformed)
				continue
			}
			if bytes.Equal(c.Shared, make([]byte, 32)) {
				zero++
				wantErr(t, "all-zero X25519 result", err, cloak.ErrInvalidKey)
				if stdErr == nil {
					t.Fatalf("tcId %d: crypto/hpke accepts an all-zero shared secret", c.TcID)
				}
				continue
			}
			if err != nil {
				t.Fatalf("tcId %d (%s, %v): %v", c.TcID, c.Comment, c.Flags, err)
			}
			accepted++
			if stdErr != nil {
				t.Fatalf("tcId %d: crypto/hpke refuses: %v", c.TcID, stdErr)
			}
			eq(t, "export, libcloak and crypto/hpke", ok(r.Export(expCtx, 32)), ok(stdR.Export(string(expCtx), 32)))
		}
	}
	if total != 518 || zero != 31 {
		t.Fatalf("%d cases, %d with an all-zero result", total, zero)
	}
	if nonCanonical < 20 {
		t.Fatalf("only %d non-canonical encodings", nonCanonical)
	}
	t.Logf("Wycheproof X25519: %d cases: %d agree with crypto/hpke, %d all-zero and %d non-canonical refused",
		total, accepted, zero, nonCanonical)
}

// x25519Canonical tells whether a 32-byte X25519 public key is canonical (docs/protocol.md 1.4):
// bit 255 clear and u < p = 2^255 - 19, computed here independently of the library.
func x25519Canonical(pk []byte) bool {
	if pk[31]&0x80 != 0 {
		return false
	}
	u := new(big.Int).SetBytes(reversed(pk))
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	return u.Cmp(p) < 0
}

func reversed(b []byte) []byte {
	r := make([]byte, len(b))
	for i := range b {
		r[len(b)-1-i] = b[i]
	}
	return r
}

//go:build go1.26

package cloak_test

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hpke"
	"math/big"
	"testing"

	"libcloak.dev/cloak"
)

// Wycheproof's X25519 cases through HPKE decapsulation, compared with crypto/hpke (Go 1.26) on the
// same inputs (see vectors_test.go for what the shared vectors check).

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
			account := cloak.EncryptionKeyFromRaw(cloak.SuiteX25519, stdKey.PublicKey().Bytes(), c.Private)
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

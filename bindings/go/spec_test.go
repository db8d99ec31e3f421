package cloak_test

// An independent implementation of the parts of docs/protocol.md the interoperability tests need,
// written from that document and RFC 9180 alone, on Go's standard library (and golang.org/x/crypto
// for XChaCha20-Poly1305, BLAKE2b and Argon2id). It never calls the binding.

import (
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"testing"

	"libcloak.dev/cloak"
)

func hexDecode(s string) ([]byte, error) { return hex.DecodeString(s) }

// lp8 is u8(len(x)) || x (section 1).
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

// specExpand is HKDF-Expand with SHA-256.
func specExpand(t testing.TB, prk []byte, info string, n int) []byte {
	out, err := hkdf.Expand(sha256.New, prk, info, n)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func specExtract(t testing.TB, salt, ikm []byte) []byte {
	out, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// specSymmetricKeyID is section 1.2's key id of a symmetric key.
func specSymmetricKeyID(t testing.TB, k []byte) []byte {
	return specExpand(t, k, "libcloak v1 key id", 16)
}

// specHeader is section 2's envelope header: version 1, the type, suite 1, the key id.
func specHeader(typ byte, keyID []byte) []byte {
	if len(keyID) != 16 {
		panic("key id length")
	}
	return cat([]byte{0x01, typ, 0x00, 0x01}, keyID)
}

// ---- RFC 9180 for DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305 ---------------------

var (
	kemSuiteID  = []byte{'K', 'E', 'M', 0x00, 0x20}
	hpkeSuiteID = []byte{'H', 'P', 'K', 'E', 0x00, 0x20, 0x00, 0x01, 0x00, 0x03}
)

func labeledExtract(t testing.TB, suite, salt []byte, label string, ikm []byte) []byte {
	return specExtract(t, salt, cat([]byte("HPKE-v1"), suite, []byte(label), ikm))
}

func labeledExpand(t testing.TB, suite, prk []byte, label string, info []byte, n int) []byte {
	full := cat(binary.BigEndian.AppendUint16(nil, uint16(n)), []byte("HPKE-v1"), suite, []byte(label), info)
	return specExpand(t, prk, string(full), n)
}

// dhkemSharedSecret is ExtractAndExpand(dh, enc || pkR) of RFC 9180 section 4.1.
func dhkemSharedSecret(t testing.TB, dh, enc, pkR []byte) []byte {
	prk := labeledExtract(t, kemSuiteID, nil, "eae_prk", dh)
	return labeledExpand(t, kemSuiteID, prk, "shared_secret", cat(enc, pkR), 32)
}

// exporterSecret is the Base-mode key schedule (RFC 9180 section 5.1) up to exporter_secret.
func exporterSecret(t testing.TB, sharedSecret, info []byte) []byte {
	pskIDHash := labeledExtract(t, hpkeSuiteID, nil, "psk_id_hash", nil)
	infoHash := labeledExtract(t, hpkeSuiteID, nil, "info_hash", info)
	ctx := cat([]byte{0x00}, pskIDHash, infoHash)
	secret := labeledExtract(t, hpkeSuiteID, sharedSecret, "secret", nil)
	return labeledExpand(t, hpkeSuiteID, secret, "exp", ctx, 32)
}

// exportValue is Context.Export (RFC 9180 section 5.3).
func exportValue(t testing.TB, expSecret, exporterContext []byte, n int) []byte {
	return labeledExpand(t, hpkeSuiteID, expSecret, "sec", exporterContext, n)
}

func x25519(t testing.TB, sk, pk []byte) []byte {
	priv, err := ecdh.X25519().NewPrivateKey(sk)
	must(t, err)
	pub, err := ecdh.X25519().NewPublicKey(pk)
	must(t, err)
	out, err := priv.ECDH(pub)
	must(t, err)
	return out
}

func x25519Public(t testing.TB, sk []byte) []byte {
	priv, err := ecdh.X25519().NewPrivateKey(sk)
	must(t, err)
	return priv.PublicKey().Bytes()
}

// specServiceAccountBlob is section 6.1's service-account private key: header || sk || pk.
func specServiceAccountBlob(sk, pk []byte) []byte {
	return cat(specHeader(0x0C, specPublicKeyID(pk)), sk, pk)
}

// importX25519 turns an X25519 private key made elsewhere into an EncryptionKey, through the one
// door the API has for it: a service-account key blob built here from the spec.
func importX25519(t testing.TB, sk, pk []byte) *cloak.EncryptionKey {
	t.Helper()
	k, err := cloak.ImportServiceAccountPrivate(specServiceAccountBlob(sk, pk))
	must(t, err)
	return k
}

package cloak

/*
#include <cloak.h>
*/
import "C"

import "fmt"

// HPKE (RFC 9180) in Base mode with the suites libcloak uses: HKDF-SHA256 and ChaCha20Poly1305
// (KDF 0x0001, AEAD 0x0003) with the KEM of the recipient key's suite, X-Wing (KEM 0x647a,
// draft-ietf-hpke-pq, as crypto/hpke's MLKEM768X25519) or DHKEM(X25519, HKDF-SHA256) (KEM
// 0x0020). Recipient keys are [EncryptionKey]s; [EncryptionKeyFromSeed] is DeriveKeyPair.
//
// The C library has one context type for both roles. This package gives the two roles two types,
// as RFC 9180 does (ContextS seals, ContextR opens), so a recipient cannot seal under the nonces
// its sender uses.

// hpkeContext is a cloak_hpke_context behind a lock, taken exclusively: each Seal or Open advances
// the context's sequence number, and two goroutines must not use one number.
type hpkeContext struct {
	guardedState[C.cloak_hpke_context]
}

// newHPKEContext allocates c's state for owner (an *HPKESender or *HPKERecipient), after the
// checks every setup makes.
func newHPKEContext[O any](op string, c *hpkeContext, owner *O, live bool) error {
	if err := usable(op, live); err != nil {
		return err
	}
	return allocState(op, &c.cState, owner, C.sizeof_cloak_hpke_context, cloakHPKEContextWipe)
}

// do runs f on the context under its lock.
func (c *hpkeContext) do(op string, f func(*C.cloak_hpke_context) ([]byte, error)) ([]byte, error) {
	return c.run(op, true, f)
}

func (c *hpkeContext) export(exporterContext []byte, length int) ([]byte, error) {
	const op = "hpke export"
	if length < 0 || length > HPKEExportBytesMax {
		return nil, paramError(op, codeBadParams, fmt.Errorf("export length %d out of 0..%d", length, HPKEExportBytesMax))
	}
	return c.do(op, func(st *C.cloak_hpke_context) ([]byte, error) { return cloakHPKEExport(st, length, exporterContext) })
}

// HPKESender is a sending HPKE context (ContextS): it seals messages to one recipient, in order,
// and exports secrets. It is safe for concurrent use; messages are numbered in the order their
// Seal calls take its lock.
type HPKESender struct{ ctx hpkeContext }

// NewHPKESender encapsulates a fresh shared secret to the recipient's public key under info, with
// the KEM of the key's suite, and returns enc (to send along: 32 bytes for X25519, 1120 for
// X-Wing) and the sending context. An X25519 key of low order fails with [ErrInvalidKey]; an
// X-Wing key is checked as [XWingPublicKey.KeyHash] says.
func NewHPKESender(recipient EncryptionPublicKey, info []byte) (enc []byte, s *HPKESender, err error) {
	const op = "hpke setup sender"
	impl, err := publicImpl(op, recipient)
	if err != nil {
		return nil, nil, err
	}
	s = &HPKESender{}
	if err := newHPKEContext(op, &s.ctx, s, true); err != nil {
		return nil, nil, err
	}
	enc = make([]byte, impl.encLen)
	if err := impl.hpkeSetupSender(s.ctx.st, enc, recipient.raw(), info); err != nil {
		s.ctx.wipe()
		return nil, nil, err
	}
	return enc, s, nil
}

// Seal encrypts the next message, bound to aad (which may be nil); the ciphertext is HPKETagBytes
// longer than the plaintext.
func (s *HPKESender) Seal(plaintext, aad []byte) ([]byte, error) {
	return s.ctx.do("hpke seal", func(st *C.cloak_hpke_context) ([]byte, error) { return cloakHPKESeal(st, aad, plaintext) })
}

// Export derives a secret of length bytes (at most HPKEExportBytesMax) from the context, bound to
// exporterContext (RFC 9180 section 5.3).
func (s *HPKESender) Export(exporterContext []byte, length int) ([]byte, error) {
	return s.ctx.export(exporterContext, length)
}

// Wipe zeroes and frees the context.
func (s *HPKESender) Wipe() { s.ctx.wipe() }

// HPKERecipient is a receiving HPKE context (ContextR): it opens a sender's messages in the order
// they were sealed, and exports the same secrets. A failed Open does not advance it. It is safe for
// concurrent use.
type HPKERecipient struct{ ctx hpkeContext }

// NewHPKERecipient decapsulates enc with the recipient's key pair under info, with the KEM of the
// key's suite. An X25519 enc of low order fails with [ErrInvalidKey]; an enc of another length
// than the suite's (32 or 1120 bytes) with [ErrBadParams].
func NewHPKERecipient(enc []byte, recipient *EncryptionKey, info []byte) (*HPKERecipient, error) {
	const op = "hpke setup recipient"
	impl, err := recipient.usableKey(op)
	if err != nil {
		return nil, err
	}
	r := &HPKERecipient{}
	if err := newHPKEContext(op, &r.ctx, r, true); err != nil {
		return nil, err
	}
	if err := impl.hpkeSetupRecipient(r.ctx.st, enc, recipient.pk, recipient.sk[:], info); err != nil {
		r.ctx.wipe()
		return nil, err
	}
	return r, nil
}

// Open decrypts the next message, bound to aad. A ciphertext shorter than HPKETagBytes fails
// with [ErrMalformed], one that does not authenticate with [ErrAuth].
func (r *HPKERecipient) Open(ciphertext, aad []byte) ([]byte, error) {
	return r.ctx.do("hpke open", func(st *C.cloak_hpke_context) ([]byte, error) { return cloakHPKEOpen(st, aad, ciphertext) })
}

// Export derives the secret the sender's [HPKESender.Export] derives for the same arguments.
func (r *HPKERecipient) Export(exporterContext []byte, length int) ([]byte, error) {
	return r.ctx.export(exporterContext, length)
}

// Wipe zeroes and frees the context.
func (r *HPKERecipient) Wipe() { r.ctx.wipe() }

// HPKESealBase is single-shot HPKE Base mode: it encapsulates to the recipient with its suite's
// KEM and seals one message under info, bound to aad (either may be nil), returning enc (32 or
// 1120 bytes) and the ciphertext.
func HPKESealBase(recipient EncryptionPublicKey, plaintext, info, aad []byte) (enc, ciphertext []byte, err error) {
	const op = "hpke seal base"
	if err := ready(op); err != nil {
		return nil, nil, err
	}
	s, err := publicImpl(op, recipient)
	if err != nil {
		return nil, nil, err
	}
	enc = make([]byte, s.encLen)
	if ciphertext, err = s.hpkeSealBase(enc, recipient.raw(), info, aad, plaintext); err != nil {
		return nil, nil, err
	}
	return enc, ciphertext, nil
}

// HPKEOpenBase opens a message made by [HPKESealBase] (or by any RFC 9180 implementation's
// single-shot Base mode with the key's suite), with the info and aad it was sealed with. An enc
// of another length than the suite's fails with [ErrBadParams].
func HPKEOpenBase(enc, ciphertext []byte, recipient *EncryptionKey, info, aad []byte) ([]byte, error) {
	s, err := recipient.usableKey("hpke open base")
	if err != nil {
		return nil, err
	}
	return s.hpkeOpenBase(enc, recipient.pk, recipient.sk[:], info, aad, ciphertext)
}

package cloak

/*
#include <cloak.h>
*/
import "C"

// SealShare seals a vault key to a member's encryption public key (HPKE Base) and signs the share
// with the sender's identity (196 bytes, docs/protocol.md section 8). Check the recipient's public
// key first: take it from a bundle verified with [VerifyBundle] whose identity you trust.
func SealShare(vaultKey *VaultKey, vaultID []byte, recipient EncryptionPublicKey, sender *IdentityKey) ([]byte, error) {
	const op = "share seal"
	if err := ready(op); err != nil {
		return nil, err
	}
	if !vaultKey.live || !sender.live {
		return nil, wiped(op)
	}
	share := make([]byte, ShareBytes)
	rc := C.cloak_share_seal(u8(share), u8p(&vaultKey.k[0]), u8(vaultID), sz(len(vaultID)), u8p(&recipient[0]),
		u8p(&sender.sk[0]))
	if err := newError(op, rc); err != nil {
		return nil, err
	}
	return share, nil
}

// ShareSender returns the identity a share claims as its sender (parsed, not verified), to find
// whom to trust before calling [OpenShare].
func ShareSender(share []byte) (IdentityPublicKey, error) {
	var p IdentityPublicKey
	rc := C.cloak_share_sender(u8p(&p[0]), u8(share), sz(len(share)))
	return p, newError("share sender", rc)
}

// OpenShare checks a share against the recipient's key ([ErrWrongKey]), the sender against the
// trusted identity ([ErrUntrustedSigner]) and its signature ([ErrBadSignature]), then opens the
// vault key ([ErrAuth] if that fails). A share opened for another vault id fails its signature.
func OpenShare(share, vaultID []byte, recipient *EncryptionKey, trustedSender IdentityPublicKey) (*VaultKey, error) {
	const op = "share open"
	if !recipient.live {
		return nil, wiped(op)
	}
	k := newVaultKey()
	rc := C.cloak_share_open(u8p(&k.k[0]), u8(share), sz(len(share)), u8(vaultID), sz(len(vaultID)),
		u8p(&recipient.pk[0]), u8p(&recipient.sk[0]), u8p(&trustedSender[0]))
	if err := newError(op, rc); err != nil {
		k.Wipe()
		return nil, err
	}
	return k, nil
}

//go:build cgo

package cloak

// SealShare seals a vault key and its epoch to a member's encryption public key (HPKE Base, with
// the key's suite) and signs the share with the sender's identity (docs/protocol.md section 8):
// ShareBytes (200) bytes to an X25519 key, XWingShareBytes (1288) to an X-Wing key. Take the
// recipient's key from a bundle verified with [VerifyBundle] whose identity you trust, and check
// it against the vault's head, which names each member's current key: [Head.SealShare] does both
// steps. An epoch of 0 is refused ([ErrBadParams]).
func SealShare(vaultKey *VaultKey, epoch uint32, vaultID []byte, recipient EncryptionPublicKey, sender *IdentityKey) ([]byte, error) {
	const op = "share seal"
	if err := usable(op, vaultKey.live, sender.live); err != nil {
		return nil, err
	}
	s, err := publicImpl(op, recipient)
	if err != nil {
		return nil, err
	}
	return output(s.shareLen, func(share []byte) error {
		return s.shareSeal(share, vaultKey.k[:], epoch, vaultID, recipient.raw(), sender.sk[:])
	})
}

// ShareSender returns the identity a share of either suite claims as its sender (parsed, not
// verified), to find whom to trust before calling [OpenShare].
func ShareSender(share []byte) (IdentityPublicKey, error) {
	var p IdentityPublicKey
	return p, cloakShareSender(p[:], share)
}

// OpenShare checks a share against the recipient's key (a share of the other suite than the key's
// is [ErrUnsupportedSuite], one to another key [ErrWrongKey]), the sender against the trusted
// identity ([ErrUntrustedSigner]), its signature ([ErrBadSignature]) and its epoch against minEpoch
// ([ErrStale]), then opens the vault key ([ErrAuth] if that fails) and returns it with its epoch.
// Pass as minEpoch the highest epoch of this vault you have seen (1 if none): a share of a key
// older than a rotation you know of, served again by the server, is then refused. A share opened
// for another vault id fails its signature. [Head.OpenShare] checks the share against the vault's
// head first.
func OpenShare(share, vaultID []byte, recipient *EncryptionKey, trustedSender IdentityPublicKey, minEpoch uint32) (*VaultKey, uint32, error) {
	const op = "share open"
	s, err := recipient.usableKey(op)
	if err != nil {
		return nil, 0, err
	}
	var epoch uint32
	k, err := filledKey(op, true, newVaultKey, func(k *VaultKey) error {
		var err error
		epoch, err = s.shareOpen(k.k[:], share, vaultID, recipient.pk, recipient.sk[:], trustedSender[:], minEpoch)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return k, epoch, nil
}

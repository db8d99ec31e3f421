package cloak

// SealShare seals a vault key and its epoch to a member's encryption public key (HPKE Base) and
// signs the share with the sender's identity (ShareBytes bytes, docs/protocol.md section 8). Check
// the recipient's public key first: take it from a bundle verified with [VerifyBundle] whose
// identity you trust. An epoch of 0 is refused ([ErrBadParams]).
func SealShare(vaultKey *VaultKey, epoch uint32, vaultID []byte, recipient EncryptionPublicKey, sender *IdentityKey) ([]byte, error) {
	if err := usable("share seal", vaultKey.live, sender.live); err != nil {
		return nil, err
	}
	return output(ShareBytes, func(share []byte) error {
		return cloakShareSeal(share, vaultKey.k[:], epoch, vaultID, recipient[:], sender.sk[:])
	})
}

// ShareSender returns the identity a share claims as its sender (parsed, not verified), to find
// whom to trust before calling [OpenShare].
func ShareSender(share []byte) (IdentityPublicKey, error) {
	var p IdentityPublicKey
	return p, cloakShareSender(p[:], share)
}

// OpenShare checks a share against the recipient's key ([ErrWrongKey]), the sender against the
// trusted identity ([ErrUntrustedSigner]), its signature ([ErrBadSignature]) and its epoch against
// minEpoch ([ErrStale]), then opens the vault key ([ErrAuth] if that fails) and returns it with its
// epoch. Pass as minEpoch the highest epoch of this vault you have seen (1 if none): a share of a
// key older than a rotation you know of, served again by the server, is then refused. A share
// opened for another vault id fails its signature.
func OpenShare(share, vaultID []byte, recipient *EncryptionKey, trustedSender IdentityPublicKey, minEpoch uint32) (*VaultKey, uint32, error) {
	var epoch uint32
	k, err := filledKey("share open", recipient.live, newVaultKey, func(k *VaultKey) error {
		var err error
		epoch, err = cloakShareOpen(k.k[:], share, vaultID, recipient.pk[:], recipient.sk[:], trustedSender[:], minEpoch)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return k, epoch, nil
}

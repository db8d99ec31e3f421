package cloak

// SealShare seals a vault key to a member's encryption public key (HPKE Base) and signs the share
// with the sender's identity (196 bytes, docs/protocol.md section 8). Check the recipient's public
// key first: take it from a bundle verified with [VerifyBundle] whose identity you trust.
func SealShare(vaultKey *VaultKey, vaultID []byte, recipient EncryptionPublicKey, sender *IdentityKey) ([]byte, error) {
	if err := usable("share seal", vaultKey.live, sender.live); err != nil {
		return nil, err
	}
	return output(ShareBytes, func(share []byte) error {
		return cloakShareSeal(share, vaultKey.k[:], vaultID, recipient[:], sender.sk[:])
	})
}

// ShareSender returns the identity a share claims as its sender (parsed, not verified), to find
// whom to trust before calling [OpenShare].
func ShareSender(share []byte) (IdentityPublicKey, error) {
	var p IdentityPublicKey
	return p, cloakShareSender(p[:], share)
}

// OpenShare checks a share against the recipient's key ([ErrWrongKey]), the sender against the
// trusted identity ([ErrUntrustedSigner]) and its signature ([ErrBadSignature]), then opens the
// vault key ([ErrAuth] if that fails). A share opened for another vault id fails its signature.
func OpenShare(share, vaultID []byte, recipient *EncryptionKey, trustedSender IdentityPublicKey) (*VaultKey, error) {
	return filledKey("share open", recipient.live, newVaultKey, func(k *VaultKey) error {
		return cloakShareOpen(k.k[:], share, vaultID, recipient.pk[:], recipient.sk[:], trustedSender[:])
	})
}

package cloak

// Doors for the package's external tests only: the vectors give raw private keys, which the API
// never takes from a caller (a key is made, derived, unwrapped or imported from a blob).

// EncryptionKeyFromRaw makes a key pair from its two halves, unchecked.
func EncryptionKeyFromRaw(publicKey, secretKey []byte) *EncryptionKey {
	k := newEncryptionKey()
	copy(k.pk[:], publicKey)
	copy(k.sk[:], secretKey)
	return k
}

// IdentityKeyFromRaw makes an identity key from a 64-byte Ed25519 secret key (seed || public key),
// unchecked.
func IdentityKeyFromRaw(secretKey []byte) *IdentityKey {
	k := newIdentityKey()
	copy(k.sk[:], secretKey)
	return k
}

package cloak

// Doors for the package's external tests only: the vectors give raw private keys and raw policies,
// which the API never takes from a caller (a key is made, derived, unwrapped or imported from a
// blob; a policy is made from its bounds).

// EncryptionKeyFromRaw makes a key pair of a suite from its two halves, unchecked (a nil public
// key stays zero).
func EncryptionKeyFromRaw(suite Suite, publicKey, secretKey []byte) *EncryptionKey {
	k := newEncryptionKey(impl(suite))
	copy(k.pk, publicKey)
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

// PasswordPolicyFromRaw makes a policy of 24 bytes as they are, unchecked: the vectors pass
// malformed policies, which the library must refuse, and a caller of the binding cannot make one.
func PasswordPolicyFromRaw(b []byte) *PasswordPolicy {
	p := &PasswordPolicy{}
	copy(p.b[:], b)
	return p
}

// Uses of a state copied to another address, which the library must refuse (statecopy.go).
func (v *Vault) SealWithCopiedState(name, value []byte) error {
	return v.sealWithCopiedState(name, value)
}

func (w *BatchWriter) SealWithCopiedState(name, value []byte) error {
	return w.sealWithCopiedState(name, value)
}

func (s *HPKESender) SealWithCopiedState(plaintext []byte) error {
	return s.sealWithCopiedState(plaintext)
}

func (r *BatchReader) CheckWithCopiedState(now uint64) error { return r.checkWithCopiedState(now) }

func (h *Head) CheckWithCopiedState(now uint64) error { return h.checkWithCopiedState(now) }

// TamperTag flips one bit of the reader's tag of item i, as the vectors' tamper_tag does to the
// tags a C caller holds: the item must then be refused.
func (r *BatchReader) TamperTag(i int) {
	r.state.mu.Lock()
	defer r.state.mu.Unlock()
	r.tags[BatchTagBytes*i] ^= 0x01
}

// VerifyNextFrom is Head.VerifyNext with the current head's bytes given by the caller, as a C
// caller gives them: the vectors pass other bytes than the verified ones, which the library must
// refuse. The binding itself always passes the bytes the head was verified from.
func (h *Head) VerifyNextFrom(currentBlob, blob []byte) (*Head, error) {
	h.state.mu.RLock()
	defer h.state.mu.RUnlock()
	next, err := newHead("head verify next", blob, h.vaultID)
	if err != nil {
		return nil, err
	}
	if err := cloakHeadVerifyNext(next.state.st, h.state.st, currentBlob, next.blob); err != nil {
		next.state.free()
		return nil, err
	}
	return next, nil
}

// The readers of one suite, as the C API has them: the public functions pick the suite from the
// blob, so only these can give a reader a blob of the other suite (the vectors do).

func ImportEncryptionPublicKeyOfSuite(s Suite, blob []byte) (EncryptionPublicKey, error) {
	return importEncryptionPublicKey(impl(s), blob)
}

func VerifyBundleOfSuite(s Suite, bundle []byte) (IdentityPublicKey, EncryptionPublicKey, error) {
	return verifyBundle(impl(s), bundle)
}

func UnwrapEncryptionKeyOfSuite(s Suite, master *MasterKey, wrapped []byte, serviceAccount bool) (*EncryptionKey, error) {
	return unwrapEncryption("unwrap", impl(s), master, wrapped, serviceAccount)
}

func WrappedKeyPublicKeyOfSuite(s Suite, wrapped []byte) ([]byte, ObjectType, error) {
	return wrappedKeyPublicKey(impl(s), wrapped)
}

func RewrapKeyOfSuite(s Suite, oldMaster, newMaster *MasterKey, wrapped []byte) ([]byte, error) {
	return rewrapKey(impl(s), oldMaster, newMaster, wrapped)
}

func ImportServiceAccountPrivateOfSuite(s Suite, blob []byte) (*EncryptionKey, error) {
	return importServiceAccountPrivate(impl(s), blob)
}

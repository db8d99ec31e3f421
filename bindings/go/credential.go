//go:build cgo

package cloak

import "crypto/subtle"

// ServiceAccountCredential returns the 32-byte access credential of the key pair used as a
// service account's key (docs/protocol.md section 9.4): what the account shows a server to log
// in, derived from the private key under a label of its own, so that the server and its logs
// learn nothing that opens a batch. The library first checks that the private key gives the
// public key ([ErrMismatch]). The credential is a bearer secret: send it only over TLS, and clear
// the slice when done. Rotating the account's key gives a new credential.
func (k *EncryptionKey) ServiceAccountCredential() ([]byte, error) {
	s, err := k.usableKey("service account credential")
	if err != nil {
		return nil, err
	}
	return output(CredentialBytes, func(c []byte) error { return s.credential(c, k.pk, k.sk[:]) })
}

// ServiceAccountCredentialVerifier returns the 32 bytes a server stores for a service account in
// place of its credential. To log the account in, the server computes the verifier of the
// credential it is shown and compares the two with [VerifyServiceAccountCredential]: a copy of its
// store alone lets nobody act as the account.
func ServiceAccountCredentialVerifier(credential []byte) ([]byte, error) {
	const op = "service account credential verifier"
	if err := usable(op); err != nil {
		return nil, err
	}
	if err := checkSize(op, "a credential", credential, CredentialBytes); err != nil {
		return nil, err
	}
	verifier := make([]byte, CredentialVerifierBytes)
	cloakServiceAccountCredentialVerifier(verifier, credential)
	return verifier, nil
}

// VerifyServiceAccountCredential reports, in constant time, whether credential is the one whose
// verifier is stored. A credential or verifier of the wrong length is false.
func VerifyServiceAccountCredential(verifier, credential []byte) bool {
	if len(verifier) != CredentialVerifierBytes {
		return false
	}
	computed, err := ServiceAccountCredentialVerifier(credential)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(computed, verifier) == 1
}

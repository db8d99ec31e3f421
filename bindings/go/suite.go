package cloak

/*
#include <cloak.h>
*/
import "C"

import "fmt"

// Suite is the suite of a blob (bytes 2 and 3 of its header): the KEM its encryption keys use.
// SuiteXWing is X-Wing (ML-KEM-768 with X25519, HPKE KEM 0x647a), the post-quantum hybrid and
// the suite of new keys; SuiteX25519 is DHKEM(X25519, HKDF-SHA256), whose shares and batches a
// future quantum computer could open from a recording. Both suites use the same signatures,
// symmetric ciphers and formats otherwise (docs/protocol.md section 1.6).
//
// An object that carries an encryption key or is sealed to one (public key, bundle, wrapped or
// exported encryption key, share, batch and its items) has the suite of that key; everything
// else is suite 1. The package picks each call's suite from the key it is given ([EncryptionKey],
// [EncryptionPublicKey]) or, where no key says it, from the blob: callers do not branch on it.
type Suite uint32

// DefaultSuite is the suite of the keys [GenerateEncryptionKey] makes: X-Wing.
const DefaultSuite Suite = SuiteXWing

// String is "X25519", "X-Wing", or "Suite(n)" for another value.
func (s Suite) String() string {
	switch s {
	case SuiteX25519:
		return "X25519"
	case SuiteXWing:
		return "X-Wing"
	}
	return fmt.Sprintf("Suite(%d)", uint32(s))
}

// BlobSuite returns a blob's suite after the checks of [Inspect], and that the blob's type admits
// that suite ([ErrUnsupportedSuite] otherwise: e.g. an identity key of suite 2).
func BlobSuite(blob []byte) (Suite, error) {
	s, err := cloakBlobSuite(blob)
	return Suite(s), err
}

// readerSuite is the suite whose reader a blob goes to where no key names it: the blob's own
// when its header is valid, otherwise suite 1, whose reader then reports the header's fault in
// the order of docs/protocol.md section 2 (a wrong type before a suite the type does not admit).
func readerSuite(blob []byte) Suite {
	if s, err := cloakBlobSuite(blob); err == nil && s == SuiteXWing {
		return SuiteXWing
	}
	return SuiteX25519
}

// badSuite is the error of a suite this package does not know (a Suite value made by hand).
func badSuite(op string, s Suite) error {
	return paramError(op, codeBadParams, fmt.Errorf("unknown suite %v", s))
}

// suiteImpl is one suite's calls and sizes, so that each operation is written once and picks its
// suite's functions from the key or the blob.
type suiteImpl struct {
	suite                                              Suite
	publicKeyLen, publicBlobLen, bundleLen, wrappedLen int
	privateBlobLen, shareLen, encLen                   int
	keypair                                            func(pk, sk []byte)
	keypairFromSeed                                    func(pk, sk, seed []byte) error
	publicImport                                       func(pk, blob []byte) error
	bundleCreate                                       func(bundle, identitySK, pk []byte) error
	bundleVerify                                       func(identityPK, pk, bundle []byte) error
	wrap, wrapServiceAccount                           func(wrapped, master, sk []byte) error
	unwrap, unwrapServiceAccount                       func(pk, sk, master, wrapped []byte) error
	wrappedPublicKey                                   func(pk, wrapped []byte) (int, error)
	rewrap                                             func(out, oldMaster, newMaster, wrapped []byte) error
	privateExport                                      func(blob, pk, sk []byte) error
	privateImport                                      func(pk, sk, blob []byte) error
	credential                                         func(credential, pk, sk []byte) error
	shareSeal                                          func(share, vaultKey []byte, epoch uint32, vaultID, pk, senderSK []byte) error
	shareOpen                                          func(vaultKey, share, vaultID, pk, sk, trusted []byte, minEpoch uint32) (uint32, error)
	batchLen                                           func(vaultIDLen, itemCount int) int
	batchBegin                                         func(st *C.cloak_batch, pk, creator, vaultID []byte, epoch uint32, headVersion uint64, headHash []byte, expiry uint64) error
	batchVerify                                        func(st *C.cloak_batch, tagsLen int, blob, vaultID, pk, sk, trusted []byte) ([]byte, error)
	hpkeSetupSender                                    func(ctx *C.cloak_hpke_context, enc, pk, info []byte) error
	hpkeSetupRecipient                                 func(ctx *C.cloak_hpke_context, enc, pk, sk, info []byte) error
	hpkeSealBase                                       func(enc, pk, info, aad, plaintext []byte) ([]byte, error)
	hpkeOpenBase                                       func(enc, pk, sk, info, aad, ciphertext []byte) ([]byte, error)
}

var (
	x25519Impl = &suiteImpl{
		suite: SuiteX25519, publicKeyLen: EncryptionPublicKeyBytes, publicBlobLen: PublicKeyBlobBytes,
		bundleLen: BundleBytes, wrappedLen: WrappedKeyBytes, privateBlobLen: ServiceAccountPrivateBlobBytes,
		shareLen: ShareBytes, encLen: HPKEEncBytes,
		keypair: cloakEncryptionKeypair, keypairFromSeed: cloakEncryptionKeypairFromSeed,
		publicImport: cloakEncryptionPublicImport,
		bundleCreate: cloakBundleCreate, bundleVerify: cloakBundleVerify,
		wrap: cloakEncryptionWrap, wrapServiceAccount: cloakServiceAccountWrap,
		unwrap: cloakEncryptionUnwrap, unwrapServiceAccount: cloakServiceAccountUnwrap,
		wrappedPublicKey: cloakWrappedKeyPublicKey, rewrap: cloakWrappedKeyRewrap,
		privateExport: cloakServiceAccountPrivateExport, privateImport: cloakServiceAccountPrivateImport,
		credential: cloakServiceAccountCredential, shareSeal: cloakShareSeal, shareOpen: cloakShareOpen,
		batchLen: BatchLen, batchBegin: cloakBatchBegin, batchVerify: cloakBatchVerify,
		hpkeSetupSender: cloakHPKESetupSender, hpkeSetupRecipient: cloakHPKESetupRecipient,
		hpkeSealBase: cloakHPKESealBase, hpkeOpenBase: cloakHPKEOpenBase,
	}
	xwingImpl = &suiteImpl{
		suite: SuiteXWing, publicKeyLen: XWingPublicKeyBytes, publicBlobLen: XWingPublicKeyBlobBytes,
		bundleLen: XWingBundleBytes, wrappedLen: XWingWrappedKeyBytes,
		privateBlobLen: XWingServiceAccountPrivateBlobBytes, shareLen: XWingShareBytes, encLen: XWingEncBytes,
		keypair: cloakXWingKeypair, keypairFromSeed: cloakXWingKeypairFromSeed,
		publicImport: cloakXWingPublicImport,
		bundleCreate: cloakBundleCreateXWing, bundleVerify: cloakBundleVerifyXWing,
		wrap: cloakXWingWrap, wrapServiceAccount: cloakServiceAccountXWingWrap,
		unwrap: cloakXWingUnwrap, unwrapServiceAccount: cloakServiceAccountXWingUnwrap,
		wrappedPublicKey: cloakWrappedKeyPublicKeyXWing, rewrap: cloakWrappedKeyRewrapXWing,
		privateExport: cloakServiceAccountXWingPrivateExport, privateImport: cloakServiceAccountXWingPrivateImport,
		credential: cloakServiceAccountXWingCredential, shareSeal: cloakShareSealXWing, shareOpen: cloakShareOpenXWing,
		batchLen: BatchLenXWing, batchBegin: cloakBatchBeginXWing, batchVerify: cloakBatchVerifyXWing,
		hpkeSetupSender: cloakHPKESetupSenderXWing, hpkeSetupRecipient: cloakHPKESetupRecipientXWing,
		hpkeSealBase: cloakHPKESealBaseXWing, hpkeOpenBase: cloakHPKEOpenBaseXWing,
	}
)

// impl is the calls of a suite, or nil for a value that is not one.
func impl(s Suite) *suiteImpl {
	switch s {
	case SuiteX25519:
		return x25519Impl
	case SuiteXWing:
		return xwingImpl
	}
	return nil
}

// Package cloak is the Go binding of libcloak, the cryptographic core of an end-to-end encrypted
// secrets manager: password-derived keys (Argon2id), Ed25519 identities and encryption keys wrapped
// under the password's master key, vault keys of numbered epochs shared between members with HPKE
// (RFC 9180) and signed by the sharer, secrets sealed with XChaCha20-Poly1305, padded and bound to
// their vault, epoch and name, signed vault heads chained by hash (roster, epoch, policy and a
// Merkle root over every secret), and batches that re-encrypt a vault for a service account at one
// head.
//
// Encryption keys come in two suites ([Suite]): X-Wing (ML-KEM-768 with X25519, HPKE KEM 0x647a),
// the post-quantum hybrid and the default for new keys ([GenerateEncryptionKey]), and X25519, on
// request ([GenerateEncryptionKeyOfSuite]). One [EncryptionKey] type holds either; public keys are
// [XWingPublicKey] or [X25519PublicKey] behind the [EncryptionPublicKey] interface. Every call
// takes its suite from the key it is given (or from the blob where no key says it), so keys of both
// suites mix in one vault without the caller branching. A vault head names each member's current
// key; [Head.SealShare], [Head.OpenShare], [Head.NewBatchWriter] and [Head.VerifyBatch] check
// shares and batches against it, which refuses an older X25519 key a server serves in place of a
// member's X-Wing key ([ErrMismatch]) and anything of suite 1 in a post-quantum-only vault
// ([ErrPolicy]).
//
// Every function is a thin layer over the C library's (include/cloak.h), through cgo and
// pkg-config; the constants, sentinel errors and the calls' mechanics are generated from that header
// (api_gen.go, by tools/apigen.py). Byte strings go in and come out as []byte; every blob is the
// versioned, typed envelope of docs/protocol.md. Failures are values: an [*Error] carrying the C
// library's status code, which errors.Is matches against the sentinel of that code ([ErrAuth],
// [ErrWrongKey], [ErrUntrustedSigner], ...). On failure no partial output is returned.
//
// Keys that hold secrets ([MasterKey], [LoginKey], [VaultKey], [IdentityKey], [EncryptionKey],
// [AccountSecretKey])
// never print their bytes, have a Wipe method, and give their raw bytes only through one explicit
// SecretBytes method (a copy, to wipe when done); states ([Vault], [BatchWriter], [BatchReader],
// [Head], [HPKESender], [HPKERecipient]) live in C memory at one fixed address for their whole
// life (the library refuses a state used anywhere else with [ErrBadState]), and are wiped and freed
// by Wipe or by the garbage collector. Public keys are plain arrays ([IdentityPublicKey],
// [X25519PublicKey], [XWingPublicKey]), comparable and usable as map keys, also behind the
// [EncryptionPublicKey] interface.
//
// The order of calls, as in the story the library serves:
//
//	Registration:   NewPasswordRecord, GenerateAccountSecretKey, AccountSecretKey.Encode (the
//	                emergency kit), DerivePassword -> MasterKey, LoginKey
//	Login:          CheckPasswordRecord (the server's record against the client's PasswordPolicy),
//	                DecodeAccountSecretKey (a new device), DerivePassword, Unwrap...
//	Upgrade:        DerivePassword under a legacy policy, NewPasswordRecord, DerivePassword,
//	                RewrapKey for every wrapped key
//	                GenerateIdentityKey, GenerateEncryptionKey (X-Wing), IdentityKey.Bundle
//	                IdentityKey.Wrap, EncryptionKey.Wrap (stored by the server)
//	Heads:          NewMerkleLeaf, MerkleRoot, MemberEntry, ServiceAccountEntry, SortRoster,
//	                CreateHead (a member; policy 0 or VaultPostQuantumOnly)
//	                VerifyFirstHead, Head.VerifyNext, Head.Check, Head.VerifyInclusion / VerifyAbsence
//	Vaults:         GenerateVaultKey, Head.SealShare / Head.OpenShare (to each member's current
//	                key, at the head's epoch; SealShare / OpenShare without a head)
//	                NewVault, Vault.Seal / Vault.Open, Vault.BlindIndex, Vault.Reseal (rotation)
//	Service accounts: GenerateEncryptionKey (anywhere; only the public key travels)
//	                Head.NewBatchWriter, BatchWriter.SealItem, BatchWriter.Finish (the creator)
//	                Head.VerifyBatch, BatchReader.Check, BatchReader.OpenItem (the account)
//
// The library is initialised when the package is loaded; [Init] reports whether that worked.
// Everything is safe for concurrent use except where a type's documentation says otherwise.
package cloak

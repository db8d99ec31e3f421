package main

// The storage interface: everything the server keeps goes through a transaction of a Store, so a
// handler's checks and its writes see one state and commit together or not at all. sqlite.go and
// postgres.go open the two backends; sqlstore.go holds the SQL they share.

import (
	"context"
	"errors"
)

var (
	// ErrNotFound: no such row.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the row exists already, or a compare-and-swap lost.
	ErrConflict = errors.New("conflict")
)

// Store is one database.
type Store interface {
	// Update runs fn in a read-write transaction, committed only if fn returns nil.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Account is a member's stored account: only blobs the client made and a verifier of its login key.
type Account struct {
	Login             string
	Record            []byte // password record (section 4.1)
	VerifierSalt      []byte
	Verifier          []byte
	Bundle            []byte
	Identity          []byte // the bundle's identity public key, to match roster entries
	EncKeyID          []byte // the bundle's encryption key id, to match shares
	WrappedIdentity   []byte
	WrappedEncryption []byte
}

// ServiceAccount is a registered service account: its public key and its credential's verifier.
type ServiceAccount struct {
	KeyID     []byte
	PublicKey []byte
	Binding   []byte
	Verifier  []byte
}

// Batch is a service account's newest batch for one vault, as the member uploaded it.
type Batch struct {
	VaultID     []byte
	KeyID       []byte
	HeadVersion uint64
	Batch       []byte
	Items       [][]byte
}

// Share is one vault-key share of a member.
type Share struct {
	Epoch uint32
	Share []byte
}

// SecretRow is one sealed secret under its blind index.
type SecretRow struct {
	Index  []byte
	Secret []byte
}

// Tx is what a transaction can do.
type Tx interface {
	// ServerKey is the server's own random key (fake password records), made at the first start.
	ServerKey() ([]byte, error)

	CreateAccount(a Account) error // ErrConflict: the login or the identity key is taken
	Account(login string) (Account, error)
	// ReplaceCredentials stores a new record, verifier and wrapped keys (protocol.md section 4.7),
	// keeping nothing of the old ones.
	ReplaceCredentials(a Account) error

	CreateSession(tokenHash []byte, login string, expires int64) error
	Session(tokenHash []byte) (login string, expires int64, err error)
	DeleteSession(tokenHash []byte) error
	DeleteExpiredSessions(now int64) error
	DeleteSessionsOf(login string) error

	CreateVault(vaultID []byte, creator string, head []byte) error // ErrConflict: the id is taken
	// LockHead returns the current head and holds the vault until the transaction ends.
	LockHead(vaultID []byte) ([]byte, error)
	CurrentHead(vaultID []byte) ([]byte, error)
	Head(vaultID []byte, version uint64) ([]byte, error)
	// AdvanceHead stores head as version from+1, only if the stored version is still from
	// (ErrConflict otherwise).
	AdvanceHead(vaultID []byte, from uint64, head []byte) error

	PutShare(vaultID []byte, login string, s Share) error
	Shares(vaultID []byte, login string) ([]Share, error)
	HasShare(vaultID []byte, login string) (bool, error)
	DeleteShares(vaultID []byte, login string) (int64, error)
	MemberVaults(login string) ([][]byte, error)

	PutSecret(vaultID, index, secret []byte) error
	Secret(vaultID, index []byte) ([]byte, error)
	Secrets(vaultID []byte) ([]SecretRow, error)
	DeleteSecret(vaultID, index []byte) (bool, error)

	CreateServiceAccount(sa ServiceAccount) error // ErrConflict: the key id is taken
	ServiceAccount(keyID []byte) (ServiceAccount, error)
	LinkServiceAccount(vaultID, keyID []byte) error
	ServiceAccountLinked(vaultID, keyID []byte) (bool, error)
	UnlinkServiceAccount(vaultID, keyID []byte) (bool, error) // drops its batch too
	PutBatch(b Batch) error
	Batch(vaultID, keyID []byte) (Batch, error)

	// Failures is a failure counter's window start (Unix seconds) and count (ErrNotFound: none).
	Failures(counter []byte) (windowStart int64, failures int, err error)
	// AddFailure counts one failure: in the counter's window if it started after windowFloor,
	// else in a new window starting at now. Counters whose window started at or before
	// windowFloor are deleted.
	AddFailure(counter []byte, now, windowFloor int64) error
}

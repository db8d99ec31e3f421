//go:build cgo

package cloak

import "encoding/binary"

// PasswordParams are the Argon2id costs a password record carries.
type PasswordParams struct {
	MemoryKiB   uint32 // m, in KiB: PasswordMemoryKiBMin to PasswordMemoryKiBMax
	Iterations  uint32 // t: PasswordIterationsMin to PasswordIterationsMax
	Parallelism uint32 // p, lanes and threads: PasswordParallelismMin to PasswordParallelismMax
}

// DefaultPasswordParams are RFC 9106's second recommendation: 64 MiB, 3 iterations, 4 lanes.
func DefaultPasswordParams() PasswordParams {
	return PasswordParams{PasswordMemoryKiBDefault, PasswordIterationsDefault, PasswordParallelismDefault}
}

// NewPasswordRecord returns a password record (48 bytes, stored by the server) with a fresh random
// salt and the given costs. Costs outside the bounds fail with [ErrBadParams].
func NewPasswordRecord(p PasswordParams) ([]byte, error) {
	if err := ready("password record new"); err != nil {
		return nil, err
	}
	return output(PasswordRecordBytes, func(rec []byte) error {
		return cloakPasswordRecordNew(rec, p.MemoryKiB, p.Iterations, p.Parallelism)
	})
}

// EncodePasswordRecord returns a password record with the caller's 16-byte salt.
func EncodePasswordRecord(salt []byte, p PasswordParams) ([]byte, error) {
	return output(PasswordRecordBytes, func(rec []byte) error {
		return cloakPasswordRecordEncode(rec, salt, p.MemoryKiB, p.Iterations, p.Parallelism)
	})
}

// DecodePasswordRecord parses a password record, refusing costs outside the bounds
// ([ErrBadParams]) and anything but the exact layout.
func DecodePasswordRecord(record []byte) (salt []byte, p PasswordParams, err error) {
	salt = make([]byte, PasswordSaltBytes)
	m, t, par, err := cloakPasswordRecordDecode(salt, record)
	if err != nil {
		return nil, PasswordParams{}, err
	}
	return salt, PasswordParams{m, t, par}, nil
}

// PasswordPolicyBounds are the Argon2id costs a client accepts from a password record the server
// serves: a floor, so that a hostile server cannot cheapen offline guessing, and a ceiling, so
// that it cannot stall the client. Cost is memory in KiB times passes.
type PasswordPolicyBounds struct {
	MemoryKiBMin   uint32 // the least memory (KiB)
	CostMin        uint32 // the least memory KiB x passes
	MemoryKiBMax   uint32 // the most memory (KiB)
	CostMax        uint32 // the most memory KiB x passes
	IterationsMax  uint32 // the most passes
	ParallelismMax uint32 // the most lanes
}

// PasswordPolicy is a validated cost policy for [DerivePassword] and [CheckPasswordRecord]. It
// holds no secret and never changes once made, so one policy may serve every goroutine. Make one
// with [DefaultPasswordPolicy] or [NewPasswordPolicy]; a nil *PasswordPolicy is the default policy,
// and the zero value is refused ([ErrBadParams]).
type PasswordPolicy struct {
	b [PasswordPolicyBytes]byte
}

// DefaultPasswordPolicy is the library's policy, the one a nil policy stands for: at least 64 MiB
// and 64 MiB x 3 passes (256 MiB with one pass costs an attacker more, and passes), at most 256 MiB
// and 256 MiB x 3 passes, 12 passes and 8 lanes. The default record passes it.
func DefaultPasswordPolicy() *PasswordPolicy {
	p := &PasswordPolicy{}
	cloakPasswordPolicyDefault(p.b[:])
	return p
}

// NewPasswordPolicy makes a policy of other bounds: lower ones to read records made before a
// raised floor (then re-wrap, see [RewrapKey]), or to keep tests fast. Every bound must lie within
// the record's hard bounds (PasswordMemoryKiBMin ... PasswordParallelismMax), each minimum at most
// its maximum, and at least one record must pass (some memory within the memory bounds and some
// pass count up to IterationsMax giving a cost within the cost bounds); otherwise [ErrBadParams].
func NewPasswordPolicy(b PasswordPolicyBounds) (*PasswordPolicy, error) {
	if err := ready("password policy init"); err != nil {
		return nil, err
	}
	p := &PasswordPolicy{}
	if err := cloakPasswordPolicyInit(p.b[:], b.MemoryKiBMin, b.CostMin, b.MemoryKiBMax, b.CostMax,
		b.IterationsMax, b.ParallelismMax); err != nil {
		return nil, err
	}
	return p, nil
}

// Bounds returns the policy's bounds (a nil policy's are the default's, as everywhere else).
func (p *PasswordPolicy) Bounds() PasswordPolicyBounds {
	b := p.bytesOr()
	v := func(i int) uint32 { return binary.BigEndian.Uint32(b[4*i:]) }
	return PasswordPolicyBounds{v(0), v(1), v(2), v(3), v(4), v(5)}
}

// Bytes returns the policy's 24-byte encoding (six big-endian 32-bit bounds, in the order of
// [PasswordPolicyBounds]), the form the C library takes.
func (p *PasswordPolicy) Bytes() []byte { return append([]byte(nil), p.bytesOr()...) }

// bytesOr is the policy's encoding, the default policy's for nil.
func (p *PasswordPolicy) bytesOr() []byte {
	if p == nil {
		p = DefaultPasswordPolicy()
	}
	return p.b[:]
}

// CheckPasswordRecord checks a record against a policy (nil: [DefaultPasswordPolicy]) without
// deriving anything: nil, [ErrWeakParams] for costs below the policy's floor or above its ceiling,
// or the record's own refusal ([ErrMalformed], [ErrBadParams], ...). A client can use it to refuse
// a record before asking the user for the password.
func CheckPasswordRecord(record []byte, policy *PasswordPolicy) error {
	const op = "password record check"
	if err := ready(op); err != nil {
		return err
	}
	return cloakPasswordRecordCheck(record, policy.bytesOr())
}

// DerivePassword runs Argon2id over the password (1 to PasswordBytesMax bytes) with the record's
// costs (on Parallelism threads) and a salt bound to the account id, then HKDF over its output and
// the account secret key into the master key and the login key.
//
// accountID (1 to AccountIDBytesMax bytes) is an id the server cannot choose per victim: the
// normalised login the user types, or the id printed in the emergency kit; two accounts given the
// same record derive unrelated keys. secretKey is the account's secret key, or nil for an account
// without one; without it, the login key a server receives lets that server test password guesses
// offline (one Argon2id each). policy is the costs the client accepts from the record (nil:
// [DefaultPasswordPolicy]); a record outside them is [ErrWeakParams].
//
// Everything is checked before Argon2id takes any memory. It takes as long as the record's costs
// say (about 0.2 s at the defaults) and holds an OS thread meanwhile.
func DerivePassword(password, accountID []byte, secretKey *AccountSecretKey, record []byte,
	policy *PasswordPolicy) (*MasterKey, *LoginKey, error) {
	const op = "password derive"
	var sk []byte // nil: no secret key (NULL, 0)
	live := true
	if secretKey != nil {
		// A wiped key is refused, never taken for "no key": that would derive other keys.
		sk, live = secretKey.k[:], secretKey.live
	}
	if err := usable(op, live); err != nil {
		return nil, nil, err
	}
	m := newMasterKey()
	l := newLoginKey()
	if err := cloakPasswordDerive(m.k[:], l.k[:], password, accountID, sk, record, policy.bytesOr()); err != nil {
		m.Wipe()
		l.Wipe()
		return nil, nil, err
	}
	return m, l, nil
}

// PasswordKernel names the Argon2id implementation the library uses, for logs and benchmarks:
// for example "optimized (avx2)" or "libargon2 (system)".
func PasswordKernel() string { return cloakPasswordKernel() }

// RewrapKey moves a wrapped key (identity, encryption or service account, of either suite) from
// one master key to another without the private key leaving the library: for a password change,
// or to upgrade an account whose record is below a raised policy floor (derive under a lower
// policy that admits the old record, make a new record, derive again, re-wrap every key, store the
// new record and blobs). The result has the same type, suite and public key under a fresh nonce.
// The two master keys must differ ([ErrBadParams]); a blob wrapped under another master key than
// oldMaster is [ErrWrongKey], a forged or damaged one [ErrAuth].
func RewrapKey(oldMaster, newMaster *MasterKey, wrapped []byte) ([]byte, error) {
	return rewrapKey(impl(readerSuite(wrapped)), oldMaster, newMaster, wrapped)
}

func rewrapKey(s *suiteImpl, oldMaster, newMaster *MasterKey, wrapped []byte) ([]byte, error) {
	if err := usable("wrapped key rewrap", oldMaster.live, newMaster.live); err != nil {
		return nil, err
	}
	return output(s.wrappedLen, func(w []byte) error {
		return s.rewrap(w, oldMaster.k[:], newMaster.k[:], wrapped)
	})
}

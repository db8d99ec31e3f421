package cloak

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

// DerivePassword runs Argon2id with the record's salt and costs (on Parallelism threads), then
// HKDF into the master key and the login key. The password is 1 to PasswordBytesMax bytes; it and
// then the record are checked before any memory is taken. It takes as long as the record's costs
// say (about 0.2 s at the defaults) and holds an OS thread meanwhile.
func DerivePassword(password, record []byte) (*MasterKey, *LoginKey, error) {
	const op = "password derive"
	if err := ready(op); err != nil {
		return nil, nil, err
	}
	m := newMasterKey()
	l := newLoginKey()
	if err := cloakPasswordDerive(m.k[:], l.k[:], password, record); err != nil {
		m.Wipe()
		l.Wipe()
		return nil, nil, err
	}
	return m, l, nil
}

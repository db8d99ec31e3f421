package cloak_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"testing"

	"libcloak.dev/cloak"
)

// smallCost is the cheapest Argon2id cost a record can carry, to keep the tests fast; the default
// policy refuses it, so the tests derive under lowPolicy.
var smallCost = cloak.PasswordParams{MemoryKiB: cloak.PasswordMemoryKiBMin, Iterations: 1, Parallelism: 1}

// lowPolicy is the default policy with its floor lowered to the records' hard minimum (16 MiB,
// one pass), as an application lowers it explicitly; its ceiling is the default's.
var lowPolicy = ok(cloak.NewPasswordPolicy(cloak.PasswordPolicyBounds{
	MemoryKiBMin: cloak.PasswordMemoryKiBMin, CostMin: cloak.PasswordMemoryKiBMin,
	MemoryKiBMax: cloak.PasswordPolicyMemoryKiBMax, CostMax: cloak.PasswordPolicyCostMax,
	IterationsMax: cloak.PasswordPolicyIterationsMax, ParallelismMax: cloak.PasswordPolicyParallelismMax,
}))

// aliceID is the account id of the tests' derivations.
var aliceID = []byte("alice@example.com")

func TestInitAndVersion(t *testing.T) {
	must(t, cloak.Init())
	major, minor, patch := cloak.Version()
	if got := fmt.Sprintf("%d.%d.%d", major, minor, patch); got != cloak.VersionString() {
		t.Fatalf("Version() %s, VersionString() %s", got, cloak.VersionString())
	}
	if major != 0 {
		t.Fatalf("this binding is written for libcloak 0.x (SONAME libcloak.so.0), linked %s", cloak.VersionString())
	}
}

func TestErrors(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range allSentinels {
		if s.err.Code != s.code {
			t.Fatalf("%s has code %d, want %d", s.name, s.err.Code, s.code)
		}
		msg := cloak.StatusString(s.code)
		if msg == "" || seen[msg] {
			t.Fatalf("status string of %d is empty or repeated: %q", s.code, msg)
		}
		seen[msg] = true
		if s.err.Error() != "cloak: "+msg {
			t.Fatalf("%s.Error() = %q", s.name, s.err.Error())
		}
		e := &cloak.Error{Code: s.code, Op: "an op"}
		if !errors.Is(e, s.err) || e.Error() != "cloak: an op: "+msg {
			t.Fatalf("an *Error of code %d: Is %v, Error %q", s.code, errors.Is(e, s.err), e.Error())
		}
		wrapped := fmt.Errorf("context: %w", e)
		if !errors.Is(wrapped, s.err) {
			t.Fatalf("a wrapped *Error of code %d does not match its sentinel", s.code)
		}
		for _, o := range allSentinels {
			if o.code != s.code && errors.Is(e, o.err) {
				t.Fatalf("code %d matches %s", s.code, o.name)
			}
		}
	}
	if cloak.StatusString(0) == "" || cloak.StatusString(-1000) == "" {
		t.Fatal("no sentence for OK or an unknown code")
	}
	if errors.Is(errors.New("other"), cloak.ErrAuth) || errors.Is(cloak.ErrAuth, errors.New("x")) {
		t.Fatal("foreign errors match")
	}
}

// specPad is docs/protocol.md section 1.5's padded length of u >= 1 bytes: 64 up to 64, then
// Padmé: with E = floor(log2 u) and S = floor(log2 E) + 1, u rounded up to a multiple of 2^(E-S).
func specPad(u int) int {
	if u <= 64 {
		return 64
	}
	e := bits.Len(uint(u)) - 1
	mask := 1<<(e-bits.Len(uint(e))) - 1
	return (u + mask) &^ mask
}

func TestLengthHelpers(t *testing.T) {
	for _, n := range []int{0, 1, 59, 60, 61, 64, 100, 1000, 1020, 65536, 1 << 20} {
		p := specPad(4 + n)
		if got := cloak.SecretSealedLen(n); got != 64+p {
			t.Fatalf("SecretSealedLen(%d) = %d, want %d", n, got, 64+p)
		}
		if got := cloak.SecretOpenedLen(64 + p); got != p-4 {
			t.Fatalf("SecretOpenedLen(%d) = %d, want %d", 64+p, got, p-4)
		}
		q := specPad(5 + 5 + n)
		if got := cloak.BatchItemLen(5, n); got != 56+q {
			t.Fatalf("BatchItemLen(5, %d) = %d, want %d", n, got, 56+q)
		}
		if got := cloak.BatchItemOpenedMaxLen(56 + q); got != q {
			t.Fatalf("BatchItemOpenedMaxLen(%d) = %d, want %d", 56+q, got, q)
		}
		// The overhead of the padding stays within 12% above the minimum bucket.
		if 4+n > 64 && float64(p) > 1.12*float64(4+n) {
			t.Fatalf("pad(%d) = %d", 4+n, p)
		}
	}
	// Lengths of one bucket give blobs of one length: the server learns the bucket only.
	if cloak.SecretSealedLen(1) != cloak.SecretSealedLen(60) || cloak.BatchItemLen(1, 0) != cloak.BatchItemLen(5, 54) {
		t.Fatal("two lengths of the first bucket give two blob lengths")
	}
	for _, bad := range []int{0, 127, 64 + 65, 64 + 1001} { // no valid padded length
		if cloak.SecretOpenedLen(bad) != 0 {
			t.Fatalf("SecretOpenedLen(%d) is not 0", bad)
		}
	}
	if cloak.BatchItemOpenedMaxLen(119) != 0 || cloak.BatchItemOpenedMaxLen(56+65) != 0 {
		t.Fatal("invalid item lengths do not give 0")
	}
	if got := cloak.BatchLen(7, 2); got != 221+7+64 {
		t.Fatalf("BatchLen(7, 2) = %d", got)
	}
	// Section 9.1: 189 + N + L + 32n, N = 1120 for X-Wing's enc.
	if got := cloak.BatchLenXWing(7, 2); got != 189+1120+7+64 {
		t.Fatalf("BatchLenXWing(7, 2) = %d", got)
	}
	if cloak.HeadLen(7, 3) != 208+7+52*3 || cloak.RosterEntryBytes != 52 {
		t.Fatalf("HeadLen(7, 3) = %d", cloak.HeadLen(7, 3))
	}
	if got := cloak.BatchTagsLen(3); got != 3*cloak.BatchTagBytes {
		t.Fatalf("BatchTagsLen(3) = %d", got)
	}
	if cloak.TextEncodedLen(52) < len("cloak-wrappedaccount-")+(56*4+2)/3 || cloak.TextDecodedMaxLen(100) < 60 {
		t.Fatal("text length helpers too small")
	}
	if cloak.SecretSealedLen(-1) != 0 || cloak.BatchItemLen(-1, 0) != 0 {
		t.Fatal("negative lengths are not refused")
	}
}

func TestPasswordRecord(t *testing.T) {
	rec := ok(cloak.NewPasswordRecord(cloak.DefaultPasswordParams()))
	salt, p, err := cloak.DecodePasswordRecord(rec)
	must(t, err)
	if p != cloak.DefaultPasswordParams() || p.MemoryKiB != 65536 || p.Iterations != 3 || p.Parallelism != 4 {
		t.Fatalf("decoded %+v", p)
	}
	rec2 := ok(cloak.EncodePasswordRecord(salt, p))
	eq(t, "re-encoded record", rec2, rec)
	other := ok(cloak.NewPasswordRecord(cloak.DefaultPasswordParams()))
	if bytes.Equal(other[32:], rec[32:]) {
		t.Fatal("two records have the same salt")
	}
	typ, id, err := cloak.Inspect(rec)
	must(t, err)
	if typ != cloak.ObjectPasswordRecord || id != (cloak.KeyID{}) {
		t.Fatalf("record header: %v %v", typ, id)
	}

	bad := []cloak.PasswordParams{
		{cloak.PasswordMemoryKiBMin - 1, 1, 1}, {cloak.PasswordMemoryKiBMax + 1, 1, 1},
		{cloak.PasswordMemoryKiBMin, 0, 1}, {cloak.PasswordMemoryKiBMin, cloak.PasswordIterationsMax + 1, 1},
		{cloak.PasswordMemoryKiBMin, 1, 0}, {cloak.PasswordMemoryKiBMin, 1, cloak.PasswordParallelismMax + 1},
	}
	for _, b := range bad {
		r, err := cloak.NewPasswordRecord(b)
		wantErr(t, fmt.Sprintf("new record %+v", b), err, cloak.ErrBadParams)
		if r != nil {
			t.Fatal("output on failure")
		}
		_, err = cloak.EncodePasswordRecord(salt, b)
		wantErr(t, fmt.Sprintf("encode record %+v", b), err, cloak.ErrBadParams)
	}
	for _, b := range []cloak.PasswordParams{{cloak.PasswordMemoryKiBMax, cloak.PasswordIterationsMax, cloak.PasswordParallelismMax}, smallCost} {
		_, err := cloak.NewPasswordRecord(b)
		must(t, err)
	}
	_, err = cloak.EncodePasswordRecord(salt[:15], p)
	wantErr(t, "short salt", err, cloak.ErrBadParams)

	// A record whose costs were raised past the bounds by a hostile server.
	hostile := bytes.Clone(rec)
	hostile[20] = 0xff
	s, _, err := cloak.DecodePasswordRecord(hostile)
	wantErr(t, "hostile record", err, cloak.ErrBadParams)
	if s != nil {
		t.Fatal("salt returned on failure")
	}
	checkTampering(t, blobCase{
		name: "password record", blob: rec, otherType: byte(cloak.ObjectIdentityPublicKey),
		open: func(b []byte) error {
			s, q, err := cloak.DecodePasswordRecord(b)
			if err != nil && (s != nil || q != (cloak.PasswordParams{})) {
				t.Fatal("output on failure")
			}
			return err
		},
		regions: []region{
			{4, 20, cloak.ErrMalformed, nil}, // the key id is a reserved zero field
			// m, t, p: refused outside the bounds, accepted inside (the record is not
			// authenticated; the derived keys change).
			{20, 32, nil, func(i int, x byte) *cloak.Error {
				field := bytes.Clone(rec[20:32])
				field[i-20] ^= x
				f := (i - 20) / 4
				v := uint32(field[4*f])<<24 | uint32(field[4*f+1])<<16 | uint32(field[4*f+2])<<8 | uint32(field[4*f+3])
				lo := []uint32{cloak.PasswordMemoryKiBMin, cloak.PasswordIterationsMin, cloak.PasswordParallelismMin}[f]
				hi := []uint32{cloak.PasswordMemoryKiBMax, cloak.PasswordIterationsMax, cloak.PasswordParallelismMax}[f]
				if v < lo || v > hi {
					return cloak.ErrBadParams
				}
				return nil
			}},
			{32, 48, nil, func(int, byte) *cloak.Error { return nil }}, // any salt
		},
		truncErr: fixedLen, extendErr: cloak.ErrMalformed,
	})
}

func TestPasswordDerive(t *testing.T) {
	rec := ok(cloak.NewPasswordRecord(smallCost))
	derive := func(password []byte, record []byte) (*cloak.MasterKey, *cloak.LoginKey, error) {
		return cloak.DerivePassword(password, aliceID, nil, record, lowPolicy)
	}
	m1, l1, err := derive([]byte("correct horse"), rec)
	must(t, err)
	m2, l2, err := derive([]byte("correct horse"), rec)
	must(t, err)
	eq(t, "master key again", m2.SecretBytes(), m1.SecretBytes())
	eq(t, "login key again", l2.SecretBytes(), l1.SecretBytes())
	if bytes.Equal(m1.SecretBytes(), l1.SecretBytes()) {
		t.Fatal("master key equals login key")
	}
	m3, _, err := derive([]byte("correct horsf"), rec)
	must(t, err)
	if bytes.Equal(m3.SecretBytes(), m1.SecretBytes()) || m3.ID() == m1.ID() {
		t.Fatal("another password gives the same master key")
	}
	other := ok(cloak.NewPasswordRecord(smallCost))
	m4, _, err := derive([]byte("correct horse"), other)
	must(t, err)
	if bytes.Equal(m4.SecretBytes(), m1.SecretBytes()) {
		t.Fatal("another salt gives the same master key")
	}
	for _, pw := range [][]byte{nil, {}, make([]byte, cloak.PasswordBytesMax+1)} {
		m, l, err := derive(pw, rec)
		wantErr(t, fmt.Sprintf("password of %d bytes", len(pw)), err, cloak.ErrBadParams)
		if m != nil || l != nil {
			t.Fatal("keys returned on failure")
		}
	}
	_, _, err = derive(make([]byte, cloak.PasswordBytesMax), rec)
	must(t, err)
	_, _, err = derive([]byte("pw"), rec[:47])
	wantErr(t, "short record", err, cloak.ErrMalformed)
	_, _, err = derive([]byte("pw"), append(bytes.Clone(rec), 0))
	wantErr(t, "long record", err, cloak.ErrMalformed)

	// The account id: 1 to AccountIDBytesMax bytes, checked before the record.
	for _, id := range [][]byte{nil, {}, make([]byte, cloak.AccountIDBytesMax+1)} {
		m, l, err := cloak.DerivePassword([]byte("pw"), id, nil, rec[:47], lowPolicy)
		wantErr(t, fmt.Sprintf("account id of %d bytes", len(id)), err, cloak.ErrBadParams)
		if m != nil || l != nil {
			t.Fatal("keys returned on failure")
		}
	}
	_, _, err = cloak.DerivePassword([]byte("pw"), make([]byte, cloak.AccountIDBytesMax), nil, rec, lowPolicy)
	must(t, err)
	// The policy: a zero-value one is refused, not read as "no policy".
	_, _, err = cloak.DerivePassword([]byte("pw"), aliceID, nil, rec, &cloak.PasswordPolicy{})
	wantErr(t, "zero-value policy", err, cloak.ErrBadParams)
	// A wiped secret key is refused, never taken for "no key".
	sk := ok(cloak.GenerateAccountSecretKey())
	sk.Wipe()
	m, l, err := cloak.DerivePassword([]byte("pw"), aliceID, sk, rec, lowPolicy)
	wantErr(t, "wiped secret key", err, cloak.ErrBadParams)
	if !errors.Is(err, cloak.ErrWiped) || m != nil || l != nil {
		t.Fatalf("wiped secret key: %v, keys %v %v", err, m, l)
	}
	var zero cloak.AccountSecretKey
	_, _, err = cloak.DerivePassword([]byte("pw"), aliceID, &zero, rec, lowPolicy)
	wantErr(t, "zero-value secret key", err, cloak.ErrBadParams)

	l1.Wipe()
	if l1.SecretBytes() != nil {
		t.Fatal("wiped login key has bytes")
	}
}

func TestSymmetricKeys(t *testing.T) {
	v, err := cloak.GenerateVaultKey()
	must(t, err)
	w, err := cloak.GenerateVaultKey()
	must(t, err)
	if bytes.Equal(v.SecretBytes(), w.SecretBytes()) || v.ID() == w.ID() {
		t.Fatal("two vault keys are equal")
	}
	v2, err := cloak.VaultKeyFromBytes(v.SecretBytes())
	must(t, err)
	if v2.ID() != v.ID() {
		t.Fatal("same key, other id")
	}
	m, err := cloak.MasterKeyFromBytes(v.SecretBytes())
	must(t, err)
	if m.ID() != v.ID() {
		t.Fatal("a master key and a vault key of the same bytes have different ids")
	}
	for _, n := range []int{0, 31, 33} {
		_, err := cloak.VaultKeyFromBytes(make([]byte, n))
		wantErr(t, "vault key length", err, cloak.ErrBadParams)
		_, err = cloak.MasterKeyFromBytes(make([]byte, n))
		wantErr(t, "master key length", err, cloak.ErrBadParams)
	}
	v.Wipe()
	if v.SecretBytes() != nil || v.ID() != (cloak.KeyID{}) {
		t.Fatal("wiped vault key still has bytes or an id")
	}
	_, err = cloak.NewVault(v, 1, []byte("x"))
	wantErr(t, "wiped vault key", err, cloak.ErrBadParams)
	if !errors.Is(err, cloak.ErrWiped) {
		t.Fatalf("wiped key error %v does not unwrap to ErrWiped", err)
	}
	var zero cloak.VaultKey
	_, err = cloak.NewVault(&zero, 1, []byte("x"))
	wantErr(t, "zero-value vault key", err, cloak.ErrBadParams)
}

// TestNoSecretsPrinted checks that fmt never prints a secret key's bytes, whatever the verb.
func TestNoSecretsPrinted(t *testing.T) {
	vk, _ := cloak.VaultKeyFromBytes(bytes.Repeat([]byte{0xab}, 32))
	mk, _ := cloak.MasterKeyFromBytes(bytes.Repeat([]byte{0xab}, 32))
	id, _ := cloak.IdentityKeyFromSeed(bytes.Repeat([]byte{0xab}, 32))
	ek, _ := cloak.EncryptionKeyFromSeed(cloak.SuiteXWing, bytes.Repeat([]byte{0xab}, 32))
	xk, _ := cloak.EncryptionKeyFromSeed(cloak.SuiteX25519, bytes.Repeat([]byte{0xab}, 32))
	_, lk, err := cloak.DerivePassword([]byte("pw"), aliceID, nil, ok(cloak.NewPasswordRecord(smallCost)), lowPolicy)
	must(t, err)
	ak, _ := cloak.AccountSecretKeyFromBytes(bytes.Repeat([]byte{0xab}, 20))
	secrets := []struct {
		v   any
		raw []byte
	}{{vk, vk.SecretBytes()}, {mk, mk.SecretBytes()}, {id, bytes.Repeat([]byte{0xab}, 32)}, {ek, ek.SecretBytes()}, {lk, lk.SecretBytes()},
		{ak, ak.SecretBytes()}, {*ak, ak.SecretBytes()},
		{*vk, vk.SecretBytes()}, {*id, bytes.Repeat([]byte{0xab}, 32)}, {*ek, ek.SecretBytes()}, {*lk, lk.SecretBytes()},
		{xk, xk.SecretBytes()}, {*xk, xk.SecretBytes()},
		{[]any{vk, struct{ K *cloak.MasterKey }{mk}}, mk.SecretBytes()}}
	for _, s := range secrets {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d"} {
			out := fmt.Sprintf(verb, s.v)
			for _, form := range []string{fmt.Sprintf("%x", s.raw), fmt.Sprintf("%X", s.raw), fmt.Sprint(s.raw[:8]),
				fmt.Sprintf("%q", s.raw[:8])} {
				if strings.Contains(out, form) {
					t.Fatalf("%s of a %T shows the secret: %s", verb, s.v, out)
				}
			}
		}
	}
	if !strings.Contains(fmt.Sprint(vk), vk.ID().String()) {
		t.Fatalf("a vault key prints as %v, without its id", vk)
	}
}

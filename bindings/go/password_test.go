package cloak_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"libcloak.dev/cloak"
)

// The account secret key, the client's cost policy, the account-bound salt and the upgrade of a
// legacy record, through the binding: what a server that holds everything it stores can and
// cannot do. Records stay at 16 MiB and one pass (under lowPolicy) unless a case is about cost.

// account is what registration leaves: the server's store (record, wrapped keys, login key) and
// what only the client has (password, account secret key).
type account struct {
	id, password []byte
	secretKey    *cloak.AccountSecretKey
	record       []byte
	login        []byte // what the server checks logins against
	identity     *cloak.IdentityKey
	encryption   *cloak.EncryptionKey
	wrappedID    []byte
	wrappedEnc   []byte
}

func register(t *testing.T, id []byte, password string, record []byte, policy *cloak.PasswordPolicy) *account {
	t.Helper()
	a := &account{id: id, password: []byte(password), secretKey: ok(cloak.GenerateAccountSecretKey()), record: record}
	master, login, err := cloak.DerivePassword(a.password, id, a.secretKey, record, policy)
	must(t, err)
	a.login = login.SecretBytes()
	a.identity, a.encryption = ok(cloak.GenerateIdentityKey()), ok(cloak.GenerateEncryptionKey())
	a.wrappedID, a.wrappedEnc = ok(a.identity.Wrap(master)), ok(a.encryption.Wrap(master))
	return a
}

// opens reports whether a master key opens the account's wrapped keys (and gives its keys back);
// a master key that does not is refused by the key id, ErrWrongKey, for both.
func (a *account) opens(t *testing.T, what string, master *cloak.MasterKey) bool {
	t.Helper()
	id, errID := cloak.UnwrapIdentityKey(master, a.wrappedID)
	enc, errEnc := cloak.UnwrapEncryptionKey(master, a.wrappedEnc)
	if errID == nil && errEnc == nil {
		if id.Public() != a.identity.Public() || !bytes.Equal(enc.SecretBytes(), a.encryption.SecretBytes()) {
			t.Fatalf("%s: the unwrapped keys are not the account's", what)
		}
		return true
	}
	wantErr(t, what+": identity key", errID, cloak.ErrWrongKey)
	wantErr(t, what+": encryption key", errEnc, cloak.ErrWrongKey)
	if id != nil || enc != nil {
		t.Fatalf("%s: a key returned with the error", what)
	}
	return false
}

// TestServerStoreIsNotEnough: with the server's whole store and the right password but not the
// secret key, nothing opens and the login key is not the account's; with the secret key and a
// wrong password, nothing opens either; with both, everything does.
func TestServerStoreIsNotEnough(t *testing.T) {
	alice := register(t, aliceID, "correct horse battery staple", ok(cloak.NewPasswordRecord(smallCost)), lowPolicy)
	guessKey := ok(cloak.GenerateAccountSecretKey())
	for _, c := range []struct {
		what     string
		password string
		key      *cloak.AccountSecretKey
		opens    bool
	}{
		{"right password and secret key", "correct horse battery staple", alice.secretKey, true},
		{"right password, no secret key", "correct horse battery staple", nil, false},
		{"right password, another secret key", "correct horse battery staple", guessKey, false},
		{"secret key, wrong password", "correct horse battery stapler", alice.secretKey, false},
		{"secret key, a one-character password", "c", alice.secretKey, false},
	} {
		master, login, err := cloak.DerivePassword([]byte(c.password), alice.id, c.key, alice.record, lowPolicy)
		must(t, err)
		if got := alice.opens(t, c.what, master); got != c.opens {
			t.Fatalf("%s: opens %v, want %v", c.what, got, c.opens)
		}
		if bytes.Equal(login.SecretBytes(), alice.login) != c.opens {
			t.Fatalf("%s: the login key matches the server's: %v", c.what, !c.opens)
		}
	}
}

// TestSameSaltTwoAccounts: a server that gives two accounts the same record (same salt) and whose
// users chose the same password gets unrelated keys for them, with or without secret keys, even
// the same secret key bytes.
func TestSameSaltTwoAccounts(t *testing.T) {
	record := ok(cloak.EncodePasswordRecord(bytes.Repeat([]byte{0x5a}, 16), smallCost))
	shared := ok(cloak.GenerateAccountSecretKey())
	password := []byte("123456")
	type keys struct{ what, master, login []byte }
	var all []keys
	for _, id := range [][]byte{[]byte("alice@example.com"), []byte("bob@example.com"), []byte("Alice@example.com")} {
		for _, sk := range []*cloak.AccountSecretKey{nil, shared} {
			m, l, err := cloak.DerivePassword(password, id, sk, record, lowPolicy)
			must(t, err)
			all = append(all, keys{[]byte(fmt.Sprintf("%s, secret key %v", id, sk != nil)), m.SecretBytes(), l.SecretBytes()})
		}
	}
	for i := range all {
		for j := range all {
			if i == j {
				continue
			}
			for _, pair := range [][2][]byte{{all[i].master, all[j].master}, {all[i].login, all[j].login},
				{all[i].master, all[j].login}} {
				// Unrelated: not equal, and not sharing any 4-byte window at the same offset either
				// (a 1 in 2^32 event per window for independent keys; a partial reuse would show).
				for k := 0; k+4 <= len(pair[0]); k += 4 {
					if bytes.Equal(pair[0][k:k+4], pair[1][k:k+4]) {
						t.Fatalf("%s and %s share key bytes %d..%d", all[i].what, all[j].what, k, k+4)
					}
				}
			}
		}
	}
	// And one account's master key opens nothing of the other's.
	alice := register(t, []byte("alice@example.com"), "123456", record, lowPolicy)
	bobMaster, _, err := cloak.DerivePassword(password, []byte("bob@example.com"), alice.secretKey, record, lowPolicy)
	must(t, err)
	if alice.opens(t, "bob's master key on alice's store", bobMaster) {
		t.Fatal("another account's master key opens alice's keys")
	}
}

// TestWeakRecordRefused: records below the default policy's floor or above its ceiling are refused
// with ErrWeakParams by CheckPasswordRecord and by DerivePassword, before any Argon2id work: the C
// suite counts Argon2 calls through the library's test hook, which Go cannot reach, so here the
// refusal of a 1 GiB, 16-pass, 16-lane record must come back far sooner than that Argon2id run
// could (tens of seconds on two cores).
func TestWeakRecordRefused(t *testing.T) {
	salt := bytes.Repeat([]byte{7}, 16)
	for _, c := range []struct {
		what string
		p    cloak.PasswordParams
		want *cloak.Error
	}{
		{"the defaults", cloak.DefaultPasswordParams(), nil},
		{"256 MiB, one pass", cloak.PasswordParams{262144, 1, 4}, nil},
		{"96 MiB, two passes (the cost floor)", cloak.PasswordParams{98304, 2, 4}, nil},
		{"at the ceiling", cloak.PasswordParams{262144, 3, 8}, nil},
		{"16 MiB, one pass", smallCost, cloak.ErrWeakParams},
		{"32 MiB, 12 passes: memory below the minimum", cloak.PasswordParams{32768, 12, 4}, cloak.ErrWeakParams},
		{"64 MiB, two passes: cost below the floor", cloak.PasswordParams{65536, 2, 4}, cloak.ErrWeakParams},
		{"memory above the maximum", cloak.PasswordParams{262145, 1, 4}, cloak.ErrWeakParams},
		{"1 GiB", cloak.PasswordParams{1048576, 1, 4}, cloak.ErrWeakParams},
		{"cost above the ceiling", cloak.PasswordParams{262144, 4, 4}, cloak.ErrWeakParams},
		{"9 lanes", cloak.PasswordParams{65536, 3, 9}, cloak.ErrWeakParams},
		{"64 MiB, 13 passes", cloak.PasswordParams{65536, 13, 1}, cloak.ErrWeakParams},
	} {
		record := ok(cloak.EncodePasswordRecord(salt, c.p))
		for _, policy := range []*cloak.PasswordPolicy{nil, cloak.DefaultPasswordPolicy()} {
			err := cloak.CheckPasswordRecord(record, policy)
			if c.want == nil {
				must(t, err)
			} else {
				wantErr(t, c.what, err, c.want)
			}
		}
		if c.want == nil {
			continue // deriving at these costs is the benchmarks' business
		}
		m, l, err := cloak.DerivePassword([]byte("pw"), aliceID, nil, record, nil)
		wantErr(t, "derive with "+c.what, err, c.want)
		if m != nil || l != nil {
			t.Fatal("keys returned with ErrWeakParams")
		}
	}
	// A stalling record, with and without a secret key.
	stall := ok(cloak.EncodePasswordRecord(salt, cloak.PasswordParams{cloak.PasswordMemoryKiBMax,
		cloak.PasswordIterationsMax, cloak.PasswordParallelismMax}))
	for _, sk := range []*cloak.AccountSecretKey{nil, ok(cloak.GenerateAccountSecretKey())} {
		start := time.Now()
		_, _, err := cloak.DerivePassword([]byte("pw"), aliceID, sk, stall, nil)
		wantErr(t, "1 GiB, 16 passes, 16 lanes", err, cloak.ErrWeakParams)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("the refusal of a 1 GiB record took %v: Argon2id ran", d)
		}
	}
	// The record is checked before the policy, the policy before anything runs.
	wantErr(t, "malformed record", cloak.CheckPasswordRecord(stall[:47], &cloak.PasswordPolicy{}), cloak.ErrMalformed)
	wantErr(t, "zero-value policy", cloak.CheckPasswordRecord(stall, &cloak.PasswordPolicy{}), cloak.ErrBadParams)
	// The same record passes a policy that admits it.
	must(t, cloak.CheckPasswordRecord(ok(cloak.NewPasswordRecord(smallCost)), lowPolicy))
}

func TestPasswordPolicy(t *testing.T) {
	def := cloak.DefaultPasswordPolicy().Bounds()
	var none *cloak.PasswordPolicy
	if none.Bounds() != def || !bytes.Equal(none.Bytes(), cloak.DefaultPasswordPolicy().Bytes()) {
		t.Fatal("a nil policy is not the default one")
	}
	// The defaults the library documents: 64 MiB and 64 MiB x 3 at least, 256 MiB and 256 MiB x 3
	// at most, 12 passes, 8 lanes.
	want := cloak.PasswordPolicyBounds{65536, 3 * 65536, 262144, 3 * 262144, 12, 8}
	if def != want || def != (cloak.PasswordPolicyBounds{cloak.PasswordPolicyMemoryKiBMin, cloak.PasswordPolicyCostMin,
		cloak.PasswordPolicyMemoryKiBMax, cloak.PasswordPolicyCostMax, cloak.PasswordPolicyIterationsMax,
		cloak.PasswordPolicyParallelismMax}) {
		t.Fatalf("default policy %+v, want %+v", def, want)
	}
	for _, b := range []cloak.PasswordPolicyBounds{
		want,
		{16384, 16384, 16384, 16384, 1, 1},
		{cloak.PasswordMemoryKiBMin, cloak.PasswordMemoryKiBMin, cloak.PasswordMemoryKiBMax,
			cloak.PasswordMemoryKiBMax * cloak.PasswordIterationsMax, cloak.PasswordIterationsMax, cloak.PasswordParallelismMax},
		{100000, 300000, 200000, 400000, 5, 3},
	} {
		p := ok(cloak.NewPasswordPolicy(b))
		if p.Bounds() != b {
			t.Fatalf("policy of %+v reads back %+v", b, p.Bounds())
		}
		raw := p.Bytes()
		fields := []uint32{b.MemoryKiBMin, b.CostMin, b.MemoryKiBMax, b.CostMax, b.IterationsMax, b.ParallelismMax}
		if len(raw) != cloak.PasswordPolicyBytes {
			t.Fatalf("policy of %d bytes", len(raw))
		}
		for i, f := range fields {
			if binary.BigEndian.Uint32(raw[4*i:]) != f {
				t.Fatalf("policy bytes %x: field %d is not %d", raw, i, f)
			}
		}
		raw[0] ^= 0xff
		if p.Bounds() != b {
			t.Fatal("Bytes returned the policy's own array")
		}
	}
	base := want
	for _, c := range []struct {
		what   string
		change func(*cloak.PasswordPolicyBounds)
	}{
		{"memory minimum below the records' bound", func(b *cloak.PasswordPolicyBounds) { b.MemoryKiBMin = cloak.PasswordMemoryKiBMin - 1 }},
		{"memory maximum above the records' bound", func(b *cloak.PasswordPolicyBounds) { b.MemoryKiBMax = cloak.PasswordMemoryKiBMax + 1 }},
		{"memory minimum above maximum", func(b *cloak.PasswordPolicyBounds) { b.MemoryKiBMin = b.MemoryKiBMax + 1 }},
		{"cost floor above ceiling", func(b *cloak.PasswordPolicyBounds) { b.CostMin = b.CostMax + 1 }},
		{"ceiling below one pass of the memory minimum", func(b *cloak.PasswordPolicyBounds) {
			b.CostMin, b.CostMax = 16384, b.MemoryKiBMin-1
		}},
		{"no pass count reaches the cost floor", func(b *cloak.PasswordPolicyBounds) {
			b.MemoryKiBMax, b.IterationsMax = b.MemoryKiBMin, 2 // at most 64 MiB x 2, floor 64 MiB x 3
		}},
		{"no pass", func(b *cloak.PasswordPolicyBounds) { b.IterationsMax = 0 }},
		{"17 passes", func(b *cloak.PasswordPolicyBounds) { b.IterationsMax = cloak.PasswordIterationsMax + 1 }},
		{"no lane", func(b *cloak.PasswordPolicyBounds) { b.ParallelismMax = 0 }},
		{"17 lanes", func(b *cloak.PasswordPolicyBounds) { b.ParallelismMax = cloak.PasswordParallelismMax + 1 }},
		{"all zero", func(b *cloak.PasswordPolicyBounds) { *b = cloak.PasswordPolicyBounds{} }},
	} {
		b := base
		c.change(&b)
		p, err := cloak.NewPasswordPolicy(b)
		wantErr(t, c.what, err, cloak.ErrBadParams)
		if p != nil {
			t.Fatalf("%s: a policy returned with the error", c.what)
		}
	}
}

// TestLegacyUpgrade: an application raises its floor above the records it wrote before. Its users'
// records are then refused (ErrWeakParams) until each derives once under an explicit legacy policy,
// gets a new record, derives again and re-wraps every key; afterwards the new record and the
// re-wrapped keys work under the raised policy, and the old master key opens none of them.
func TestLegacyUpgrade(t *testing.T) {
	legacy := lowPolicy
	raised := ok(cloak.NewPasswordPolicy(cloak.PasswordPolicyBounds{
		MemoryKiBMin: cloak.PasswordMemoryKiBMin, CostMin: 2 * cloak.PasswordMemoryKiBMin,
		MemoryKiBMax: cloak.PasswordPolicyMemoryKiBMax, CostMax: cloak.PasswordPolicyCostMax,
		IterationsMax: cloak.PasswordPolicyIterationsMax, ParallelismMax: cloak.PasswordPolicyParallelismMax}))
	alice := register(t, aliceID, "correct horse battery staple", ok(cloak.NewPasswordRecord(smallCost)), legacy)

	_, _, err := cloak.DerivePassword(alice.password, alice.id, alice.secretKey, alice.record, raised)
	wantErr(t, "legacy record under the raised policy", err, cloak.ErrWeakParams)

	oldMaster, _, err := cloak.DerivePassword(alice.password, alice.id, alice.secretKey, alice.record, legacy)
	must(t, err)
	newRecord := ok(cloak.NewPasswordRecord(cloak.PasswordParams{cloak.PasswordMemoryKiBMin, 2, 1}))
	must(t, cloak.CheckPasswordRecord(newRecord, raised))
	newMaster, newLogin, err := cloak.DerivePassword(alice.password, alice.id, alice.secretKey, newRecord, raised)
	must(t, err)
	if bytes.Equal(newLogin.SecretBytes(), alice.login) {
		t.Fatal("the new record gives the old login key")
	}
	newID := ok(cloak.RewrapKey(oldMaster, newMaster, alice.wrappedID))
	newEnc := ok(cloak.RewrapKey(oldMaster, newMaster, alice.wrappedEnc))
	for _, pair := range [][2][]byte{{newID, alice.wrappedID}, {newEnc, alice.wrappedEnc}} {
		if len(pair[0]) != len(pair[1]) || bytes.Equal(pair[0], pair[1]) {
			t.Fatal("a re-wrapped key is the old blob or of another size")
		}
		oldPK, oldType := ok2(cloak.WrappedKeyPublicKey(pair[1]))
		newPK, newType := ok2(cloak.WrappedKeyPublicKey(pair[0]))
		if oldType != newType || !bytes.Equal(oldPK, newPK) {
			t.Fatal("re-wrapping changed the key's type or public key")
		}
	}
	upgraded := *alice
	upgraded.record, upgraded.wrappedID, upgraded.wrappedEnc = newRecord, newID, newEnc
	// The next login, on any device: the new record under the raised policy opens everything.
	again, _, err := cloak.DerivePassword(alice.password, alice.id, alice.secretKey, upgraded.record, raised)
	must(t, err)
	if !upgraded.opens(t, "after the upgrade", again) {
		t.Fatal("the upgraded account does not open")
	}
	if upgraded.opens(t, "the old master key on the re-wrapped keys", oldMaster) {
		t.Fatal("the old master key opens the re-wrapped keys")
	}
	// A service-account key moves the same way.
	ci := ok(cloak.GenerateEncryptionKey())
	wrappedCI := ok(ci.WrapServiceAccount(oldMaster))
	movedCI := ok(cloak.RewrapKey(oldMaster, newMaster, wrappedCI))
	eq(t, "re-wrapped service-account key", ok(cloak.UnwrapServiceAccountKey(newMaster, movedCI)).SecretBytes(), ci.SecretBytes())

	// Refusals, with nothing returned.
	damaged := bytes.Clone(alice.wrappedID)
	damaged[80] ^= 1
	forgedType := bytes.Clone(alice.wrappedID)
	forgedType[1] = byte(cloak.ObjectWrappedEncryptionKey)
	for _, c := range []struct {
		what         string
		old, new     *cloak.MasterKey
		wrapped      []byte
		want         *cloak.Error
		causeIsWiped bool
	}{
		{"the same master key twice", oldMaster, oldMaster, alice.wrappedID, cloak.ErrBadParams, false},
		{"another old master key", newMaster, oldMaster, alice.wrappedID, cloak.ErrWrongKey, false},
		{"already re-wrapped", oldMaster, newMaster, newID, cloak.ErrWrongKey, false},
		{"a damaged blob", oldMaster, newMaster, damaged, cloak.ErrAuth, false},
		{"a blob relabelled as another kind of key", oldMaster, newMaster, forgedType, cloak.ErrAuth, false},
		{"a password record", oldMaster, newMaster, newRecord, cloak.ErrWrongType, false},
		{"a truncated blob", oldMaster, newMaster, alice.wrappedID[:cloak.WrappedKeyBytes-1], cloak.ErrMalformed, false},
		{"a wiped master key", wipedMasterKey(), newMaster, alice.wrappedID, cloak.ErrBadParams, true},
		{"a zero-value master key", &cloak.MasterKey{}, newMaster, alice.wrappedID, cloak.ErrBadParams, true},
	} {
		out, err := cloak.RewrapKey(c.old, c.new, c.wrapped)
		wantErr(t, "rewrap: "+c.what, err, c.want)
		if out != nil {
			t.Fatalf("rewrap: %s: a blob returned with the error", c.what)
		}
		if errors.Is(err, cloak.ErrWiped) != c.causeIsWiped {
			t.Fatalf("rewrap: %s: %v", c.what, err)
		}
	}
}

func wipedMasterKey() *cloak.MasterKey {
	m := ok(cloak.MasterKeyFromBytes(randBytes(cloak.KeyBytes)))
	m.Wipe()
	return m
}

func ok2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

// The layout of a secret key's text: "CK1", then eight dashed groups of five Crockford base32
// characters (no I, L, O, U).
var secretKeyText = regexp.MustCompile(`^CK1(-[0-9A-HJKMNP-TV-Z]{5}){8}$`)

func TestAccountSecretKeyText(t *testing.T) {
	a, b := ok(cloak.GenerateAccountSecretKey()), ok(cloak.GenerateAccountSecretKey())
	if len(a.SecretBytes()) != cloak.AccountSecretKeyBytes || bytes.Equal(a.SecretBytes(), b.SecretBytes()) {
		t.Fatal("two generated secret keys are equal, or not 20 bytes")
	}
	kit := ok(a.Encode(aliceID))
	if !secretKeyText.MatchString(kit) || len(kit) != cloak.AccountSecretKeyTextBytes-1 {
		t.Fatalf("text form %q", kit)
	}
	// The first 42 characters ("CK1-", six groups and two characters) carry the key's 160 bits
	// only; the checksum starts after them.
	if other := ok(a.Encode([]byte("bob@example.com"))); other[:42] != kit[:42] || other == kit {
		t.Fatalf("another account id changes the key's characters or not the checksum: %q, %q", kit, other)
	}
	body := strings.ReplaceAll(kit[4:], "-", "")
	for _, typed := range []string{kit, strings.ToLower(kit), "CK1" + body, "ck1-" + body, "CK1" + kit[3:],
		" \t" + kit + "\r\n", "\n" + strings.ToLower("CK1"+body) + " "} {
		got, err := cloak.DecodeAccountSecretKey(typed, aliceID)
		must(t, err)
		eq(t, fmt.Sprintf("decoded %q", typed), got.SecretBytes(), a.SecretBytes())
	}
	// I, i, L and l read as 1, O and o as 0: keys whose characters are all 1 or all 0.
	for _, c := range []struct {
		key      []byte
		from     string
		variants []string
	}{
		{bytes.Repeat([]byte{0x08, 0x42, 0x10, 0x84, 0x21}, 4), "1", []string{"I", "i", "L", "l"}},
		{make([]byte, 20), "0", []string{"O", "o"}},
	} {
		k := ok(cloak.AccountSecretKeyFromBytes(c.key))
		text := ok(k.Encode(aliceID))
		if strings.Count(text[4:42], c.from) != 32 {
			t.Fatalf("%q: the key's characters are not all %s", text, c.from)
		}
		for _, v := range c.variants {
			// The key part only: the checksum's characters stay as written.
			typed := text[:4] + strings.ReplaceAll(text[4:42], c.from, v) + text[42:]
			eq(t, fmt.Sprintf("decoded %q", typed), ok(cloak.DecodeAccountSecretKey(typed, aliceID)).SecretBytes(), c.key)
		}
	}

	typo := []byte(kit)
	typo[10] = map[bool]byte{true: 'A', false: 'B'}[typo[10] != 'A']
	// Two different neighbours swapped (the first such pair of the first group: two equal ones
	// would leave the text as it was).
	swapped := []byte(kit)
	for i := 4; i < 8; i++ {
		if swapped[i] != swapped[i+1] {
			swapped[i], swapped[i+1] = swapped[i+1], swapped[i]
			break
		}
	}
	for _, c := range []struct {
		what string
		text string
		id   []byte
		want *cloak.Error
	}{
		{"another account's id", kit, []byte("bob@example.com"), cloak.ErrChecksum},
		{"the id in another case", kit, []byte("Alice@example.com"), cloak.ErrChecksum},
		{"a typo", string(typo), aliceID, cloak.ErrChecksum},
		{"two characters swapped", string(swapped), aliceID, cloak.ErrChecksum},
		{"version 2", "CK2" + kit[3:], aliceID, cloak.ErrUnsupportedVersion},
		{"another prefix", "CX1" + kit[3:], aliceID, cloak.ErrMalformed},
		{"a U", kit[:len(kit)-1] + "U", aliceID, cloak.ErrMalformed},
		{"a character short", kit[:len(kit)-1], aliceID, cloak.ErrMalformed},
		{"a character more", kit + "0", aliceID, cloak.ErrMalformed},
		{"dashes and none mixed", kit[:9] + kit[10:], aliceID, cloak.ErrMalformed},
		{"an inner space", kit[:9] + " " + kit[10:], aliceID, cloak.ErrMalformed},
		{"empty", "", aliceID, cloak.ErrMalformed},
		{"an empty account id", kit, nil, cloak.ErrBadParams},
		{"an account id of 256 bytes", kit, make([]byte, cloak.AccountIDBytesMax+1), cloak.ErrBadParams},
	} {
		k, err := cloak.DecodeAccountSecretKey(c.text, c.id)
		wantErr(t, "decode: "+c.what, err, c.want)
		if k != nil {
			t.Fatalf("decode: %s: a key returned with the error", c.what)
		}
	}
	for _, id := range [][]byte{nil, {}, make([]byte, cloak.AccountIDBytesMax+1)} {
		text, err := a.Encode(id)
		wantErr(t, fmt.Sprintf("encode for an account id of %d bytes", len(id)), err, cloak.ErrBadParams)
		if text != "" {
			t.Fatal("text returned with the error")
		}
	}
	long := make([]byte, cloak.AccountIDBytesMax)
	eq(t, "255-byte account id", ok(cloak.DecodeAccountSecretKey(ok(a.Encode(long)), long)).SecretBytes(), a.SecretBytes())
}

func TestAccountSecretKeyBytes(t *testing.T) {
	raw := randBytes(cloak.AccountSecretKeyBytes)
	k := ok(cloak.AccountSecretKeyFromBytes(raw))
	raw[0] ^= 1
	if bytes.Equal(k.SecretBytes(), raw) {
		t.Fatal("the key shares the caller's slice")
	}
	out := k.SecretBytes()
	out[1] ^= 1
	if bytes.Equal(k.SecretBytes(), out) {
		t.Fatal("SecretBytes returned the key's own array")
	}
	for _, n := range []int{0, 19, 21, 32} {
		k, err := cloak.AccountSecretKeyFromBytes(make([]byte, n))
		wantErr(t, fmt.Sprintf("secret key of %d bytes", n), err, cloak.ErrBadParams)
		if k != nil {
			t.Fatal("key returned with the error")
		}
	}
	k.Wipe()
	if k.SecretBytes() != nil {
		t.Fatal("a wiped secret key has bytes")
	}
	_, err := k.Encode(aliceID)
	wantErr(t, "encode a wiped key", err, cloak.ErrBadParams)
	if !errors.Is(err, cloak.ErrWiped) {
		t.Fatalf("encode a wiped key: %v", err)
	}
	var zero cloak.AccountSecretKey
	_, err = zero.Encode(aliceID)
	wantErr(t, "encode a zero-value key", err, cloak.ErrBadParams)
}

func TestPasswordKernel(t *testing.T) {
	k := cloak.PasswordKernel()
	if strings.TrimSpace(k) == "" {
		t.Fatal("no Argon2id kernel name")
	}
	t.Logf("Argon2id kernel: %s", k)
}

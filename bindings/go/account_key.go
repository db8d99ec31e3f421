//go:build cgo

package cloak

import "fmt"

// AccountSecretKey is an account's secret key: 20 random bytes made on the user's first device,
// kept on the user's devices and in an emergency kit, and never sent to the server. Mixed into
// [DerivePassword] after Argon2id, it makes everything the server stores useless for guessing the
// password. Losing it locks the account unless the application keeps its own recovery path.
//
// Make one with [GenerateAccountSecretKey], [DecodeAccountSecretKey] or
// [AccountSecretKeyFromBytes]; it prints as a placeholder, never its bytes.
type AccountSecretKey struct {
	k    [AccountSecretKeyBytes]byte
	live bool
}

func newAccountSecretKey() *AccountSecretKey {
	return finalized(&AccountSecretKey{live: true}, (*AccountSecretKey).Wipe)
}

// GenerateAccountSecretKey returns a fresh random account secret key, for an account's
// registration.
func GenerateAccountSecretKey() (*AccountSecretKey, error) {
	return filledKey("account secret key generate", true, newAccountSecretKey, func(k *AccountSecretKey) error {
		cloakAccountSecretKeyGenerate(k.k[:])
		return nil
	})
}

// AccountSecretKeyFromBytes makes an account secret key from its 20 bytes, e.g. kept in an
// operating system's key store. The slice is copied; wipe it yourself.
func AccountSecretKeyFromBytes(b []byte) (*AccountSecretKey, error) {
	const op = "account secret key"
	if err := checkSize(op, "an account secret key", b, AccountSecretKeyBytes); err != nil {
		return nil, err
	}
	return filledKey(op, true, newAccountSecretKey, func(k *AccountSecretKey) error {
		copy(k.k[:], b)
		return nil
	})
}

// DecodeAccountSecretKey reads the text form of [AccountSecretKey.Encode] as a person types it:
// either case, I and L read as 1, O as 0, the groups joined by '-' or by nothing, surrounding
// spaces and line breaks ignored. The account id must be the one the text was made for: another
// id, like a typing error, fails the checksum ([ErrChecksum]). Text of another layout is
// [ErrMalformed], of another version ("CK2-...") [ErrUnsupportedVersion]; an account id that is
// not 1 to AccountIDBytesMax bytes is [ErrBadParams].
func DecodeAccountSecretKey(text string, accountID []byte) (*AccountSecretKey, error) {
	return filledKey("account secret key decode", true, newAccountSecretKey, func(k *AccountSecretKey) error {
		return cloakAccountSecretKeyDecode(k.k[:], text, accountID)
	})
}

// Encode returns the key's text form for the account id (1 to AccountIDBytesMax bytes, the id
// given to [DerivePassword]), for an emergency kit: "CK1-" and eight groups of five characters
// joined by '-' (51 characters), with a checksum over the key and the account id. The string is
// the key in another form: Go cannot wipe a string, so keep it no longer than needed.
func (k *AccountSecretKey) Encode(accountID []byte) (string, error) {
	const op = "account secret key encode"
	if err := usable(op, k.live); err != nil {
		return "", err
	}
	return cloakAccountSecretKeyEncode(k.k[:], accountID)
}

// SecretBytes returns a copy of the key's 20 bytes (nil after Wipe), e.g. for an operating
// system's key store. Wipe the copy when done.
func (k *AccountSecretKey) SecretBytes() []byte {
	if !k.live {
		return nil
	}
	return append([]byte(nil), k.k[:]...)
}

// Wipe zeroes the key. Using it afterwards fails with [ErrBadParams] (cause [ErrWiped]); a wiped
// key never stands for "no key".
func (k *AccountSecretKey) Wipe() { clear(k.k[:]); k.live = false }

// Format prints a placeholder, never the key.
func (k AccountSecretKey) Format(f fmt.State, _ rune) { printAs(f, "cloak.AccountSecretKey(redacted)") }

package main

// Who is calling: members by a short-lived bearer token from a login, service accounts by the
// credential the library derives from their key (the CLI's `cloak-sa.` header).

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const (
	loginKeyBytes  = 32
	tokenBytes     = 32
	verifierLabel  = "libcloak server login verifier"
	fakeSaltLabel  = "libcloak server fake record salt"
	saVerifierText = "libcloak v2 service account verifier"
)

// checkLogin accepts a login only in normal form, because it is the account id the client's
// derivation binds (protocol.md section 4.3): two spellings of one name would be two accounts.
func checkLogin(login string) error {
	if len(login) < 1 || len(login) > 255 {
		return refuse(http.StatusBadRequest, "login must be 1 to 255 bytes")
	}
	if !utf8.ValidString(login) {
		return refuse(http.StatusBadRequest, "login must be UTF-8")
	}
	for _, c := range login {
		if unicode.IsSpace(c) || unicode.IsControl(c) || c == '/' {
			return refuse(http.StatusBadRequest, "login must not hold spaces, control characters or '/'")
		}
	}
	if !norm.NFC.IsNormalString(login) || strings.ToLower(login) != login {
		return refuse(http.StatusBadRequest, "login must be normalised: Unicode NFC and lower case")
	}
	return nil
}

// loginVerifier is what the server keeps of a login key: a salted hash, so the stored table is not
// a list of login keys that could be replayed.
func loginVerifier(salt, loginKey []byte) []byte {
	h := sha256.New()
	h.Write([]byte{byte(len(verifierLabel))})
	h.Write([]byte(verifierLabel))
	h.Write(salt)
	h.Write(loginKey)
	return h.Sum(nil)
}

// fakeRecord is the password record served for a login that has no account: the default costs
// and a salt only the server key can compute, the same at every request and every restart.
func (s *Server) fakeRecord(serverKey []byte, login string) []byte {
	mac := hmac.New(sha256.New, serverKey)
	mac.Write([]byte(fakeSaltLabel))
	mac.Write([]byte(login))
	rec := make([]byte, 48)
	rec[0], rec[1], rec[3] = 0x02, typePassword, suiteX25519
	binary.BigEndian.PutUint32(rec[20:], s.cfg.FakeM)
	binary.BigEndian.PutUint32(rec[24:], s.cfg.FakeT)
	binary.BigEndian.PutUint32(rec[28:], s.cfg.FakeP)
	copy(rec[32:], mac.Sum(nil)[:16])
	return rec
}

func newToken() (string, []byte, error) {
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	tok := base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256(raw)
	return tok, sum[:], nil
}

// bearer returns the token after "Bearer ".
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return "", false
	}
	return strings.TrimSpace(h[7:]), true
}

// tokenHash parses a member's token; any other shape is not one of ours.
func tokenHash(tok string) ([]byte, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) != tokenBytes {
		return nil, false
	}
	sum := sha256.Sum256(raw)
	return sum[:], true
}

type memberHandler func(w http.ResponseWriter, r *http.Request, a Account)

// member runs h for a caller with a valid, unexpired member token; everything else is 401, with
// the reason (missing, unknown, expired), which tells the holder of a token only about that token.
func (s *Server) member(h memberHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="libcloak"`)
		tok, ok := bearer(r)
		if !ok {
			fail(w, http.StatusUnauthorized, "no bearer token: log in with POST /v1/sessions")
			return
		}
		hash, ok := tokenHash(tok)
		if !ok {
			fail(w, http.StatusUnauthorized, "not a session token")
			return
		}
		var a Account
		err := s.store.View(r.Context(), func(tx Tx) error {
			login, expires, err := tx.Session(hash)
			if err != nil {
				return err
			}
			if expires <= s.now() {
				return refuse(http.StatusUnauthorized, "session token expired: log in again")
			}
			a, err = tx.Account(login)
			return err
		})
		if errors.Is(err, ErrNotFound) {
			fail(w, http.StatusUnauthorized, "unknown session token")
			return
		}
		if err != nil {
			s.respond(w, r, err)
			return
		}
		w.Header().Del("WWW-Authenticate")
		h(w, r, a)
	}
}

// saCredential parses `Bearer cloak-sa.<key id hex>.<credential hex>` into the key id and the
// verifier of the credential (the credential itself is wiped here).
func (s *Server) saCredential(r *http.Request) (keyID, verifier []byte, err error) {
	tok, ok := bearer(r)
	if !ok {
		return nil, nil, refuse(http.StatusUnauthorized, "no bearer token: a service account sends cloak-sa.<key id>.<credential>")
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] != "cloak-sa" || len(parts[1]) != 32 || len(parts[2]) != 64 ||
		!lowerHex(parts[1]) || !lowerHex(parts[2]) {
		return nil, nil, refuse(http.StatusUnauthorized, "not a service-account token: expected cloak-sa.<32 lowercase hex>.<64 lowercase hex>")
	}
	keyID, _ = hex.DecodeString(parts[1])
	cred, _ := hex.DecodeString(parts[2])
	defer clear(cred)
	h := sha256.New()
	h.Write([]byte(saVerifierText))
	h.Write(cred)
	return keyID, h.Sum(nil), nil
}

var errBadCredential = refuse(http.StatusUnauthorized, "service-account credential refused")

// authenticateSA finds the account of keyID inside a transaction and compares verifiers in
// constant time; an unknown key id costs the same comparison and gets the same error.
func authenticateSA(tx Tx, keyID, verifier []byte) (ServiceAccount, error) {
	sa, err := tx.ServiceAccount(keyID)
	stored := make([]byte, 32)
	if err == nil {
		stored = sa.Verifier
	} else if !errors.Is(err, ErrNotFound) {
		return sa, err
	}
	if subtle.ConstantTimeCompare(stored, verifier) != 1 || err != nil {
		return sa, errBadCredential
	}
	return sa, nil
}

func lowerHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

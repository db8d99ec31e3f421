package main

// Accounts and sessions: registration, the password-record lookup, login and logout.

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
)

type registerRequest struct {
	Login             string `json:"login"`
	Record            string `json:"record"`
	LoginKey          string `json:"login_key"`
	Bundle            string `json:"bundle"`
	WrappedIdentity   string `json:"wrapped_identity"`
	WrappedEncryption string `json:"wrapped_encryption"`
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var req registerRequest
	if err := decode(w, r, s.cfg.MaxBody, &req); err != nil {
		s.respond(w, r, err)
		return
	}
	a, loginKey, err := parseRegistration(req)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	defer clear(loginKey)
	a.VerifierSalt = make([]byte, 16)
	if _, err := rand.Read(a.VerifierSalt); err != nil {
		s.internal(w, r, err)
		return
	}
	a.Verifier = loginVerifier(a.VerifierSalt, loginKey)
	err = s.store.Update(r.Context(), func(tx Tx) error { return tx.CreateAccount(a) })
	if errors.Is(err, ErrConflict) {
		fail(w, http.StatusConflict, "login or identity key already registered")
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"login": a.Login})
}

func parseRegistration(req registerRequest) (Account, []byte, error) {
	a := Account{Login: req.Login}
	if err := checkLogin(req.Login); err != nil {
		return a, nil, err
	}
	var err error
	if a.Record, err = blobField("record", req.Record); err != nil {
		return a, nil, err
	}
	if err := checkPassword(a.Record); err != nil {
		return a, nil, refuse(http.StatusBadRequest, "record: %v", err)
	}
	if a.Bundle, err = blobField("bundle", req.Bundle); err != nil {
		return a, nil, err
	}
	b, err := parseBundle(a.Bundle)
	if err != nil {
		return a, nil, refuse(http.StatusBadRequest, "bundle: %v", err)
	}
	a.Identity, a.EncKeyID = b.identity, b.encKeyID
	if a.WrappedIdentity, err = blobField("wrapped_identity", req.WrappedIdentity); err != nil {
		return a, nil, err
	}
	if a.WrappedEncryption, err = blobField("wrapped_encryption", req.WrappedEncryption); err != nil {
		return a, nil, err
	}
	if err := checkWrappedPair(a.Bundle, a.WrappedIdentity, a.WrappedEncryption); err != nil {
		return a, nil, err
	}
	loginKey, err := blobField("login_key", req.LoginKey)
	if err != nil {
		return a, nil, err
	}
	if len(loginKey) != loginKeyBytes {
		clear(loginKey)
		return a, nil, refuse(http.StatusBadRequest, "login_key: %d bytes expected", loginKeyBytes)
	}
	return a, loginKey, nil
}

// passwordRecord serves the record a client needs to derive its keys before it can log in, so it
// needs no authentication; an unknown login gets a fake that is as stable as a real one.
func (s *Server) passwordRecord(w http.ResponseWriter, r *http.Request) {
	login := r.PathValue("login")
	if err := checkLogin(login); err != nil {
		s.respond(w, r, err)
		return
	}
	var rec []byte
	err := s.store.View(r.Context(), func(tx Tx) error {
		a, err := tx.Account(login)
		if errors.Is(err, ErrNotFound) {
			key, err := tx.ServerKey()
			if err != nil {
				return err
			}
			rec = s.fakeRecord(key, login)
			return nil
		}
		rec = a.Record
		return err
	})
	if err != nil {
		s.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"record": b64(rec)})
}

type loginRequest struct {
	Login    string `json:"login"`
	LoginKey string `json:"login_key"`
}

// dummySalt and dummyVerifier stand in for an unknown login's, so that a login that does not exist
// costs the same hash and comparison as a wrong login key.
var dummySalt, dummyVerifier = make([]byte, 16), make([]byte, 32)

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decode(w, r, s.cfg.MaxBody, &req); err != nil {
		s.respond(w, r, err)
		return
	}
	if err := checkLogin(req.Login); err != nil {
		s.respond(w, r, err)
		return
	}
	loginKey, err := blobField("login_key", req.LoginKey)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	defer clear(loginKey)
	if len(loginKey) != loginKeyBytes {
		fail(w, http.StatusBadRequest, fmt.Sprintf("login_key: %d bytes expected", loginKeyBytes))
		return
	}
	counters := []limitCheck{{s.byAccount, req.Login}, {s.byAddress, clientAddress(r)}}
	var a Account
	err = s.store.View(r.Context(), func(tx Tx) error {
		// Checked before the key is compared, and the same for existing and unknown logins, so
		// a blocked guesser learns nothing from its guesses.
		if err := s.checkLimits(tx, "too many failed logins; try later", counters...); err != nil {
			return err
		}
		var err error
		a, err = tx.Account(req.Login)
		return err
	})
	salt, stored := dummySalt, dummyVerifier
	if err == nil {
		salt, stored = a.VerifierSalt, a.Verifier
	} else if !errors.Is(err, ErrNotFound) {
		s.respond(w, r, err)
		return
	}
	match := subtle.ConstantTimeCompare(loginVerifier(salt, loginKey), stored) == 1
	if err != nil || !match {
		if err := s.countFailure(r.Context(), counters...); err != nil {
			s.internal(w, r, err)
			return
		}
		fail(w, http.StatusUnauthorized, "login failed: unknown login or wrong login key")
		return
	}
	tok, hash, err := newToken()
	if err != nil {
		s.internal(w, r, err)
		return
	}
	expires := s.cfg.Now().Add(s.cfg.TokenTTL).Unix()
	err = s.store.Update(r.Context(), func(tx Tx) error {
		if err := tx.DeleteExpiredSessions(s.now()); err != nil {
			return err
		}
		return tx.CreateSession(hash, a.Login, expires)
	})
	if err != nil {
		s.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"token": tok, "expires_at": expires})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, a Account) {
	tok, _ := bearer(r)
	hash, _ := tokenHash(tok)
	if err := s.store.Update(r.Context(), func(tx Tx) error { return tx.DeleteSession(hash) }); err != nil {
		s.internal(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ownAccount gives a logged-in member its blobs, to unwrap its keys on a new device.
func (s *Server) ownAccount(w http.ResponseWriter, r *http.Request, a Account) {
	writeJSON(w, http.StatusOK, map[string]string{"login": a.Login, "record": b64(a.Record), "bundle": b64(a.Bundle),
		"wrapped_identity": b64(a.WrappedIdentity), "wrapped_encryption": b64(a.WrappedEncryption)})
}

// memberBundle gives another member's bundle, to share a vault with them.
func (s *Server) memberBundle(w http.ResponseWriter, r *http.Request, _ Account) {
	login := r.PathValue("login")
	if err := checkLogin(login); err != nil {
		s.respond(w, r, err)
		return
	}
	var b Account
	err := s.store.View(r.Context(), func(tx Tx) error {
		var err error
		b, err = tx.Account(login)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		fail(w, http.StatusNotFound, "no such account")
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"login": b.Login, "bundle": b64(b.Bundle)})
}

type credentialsRequest struct {
	OldLoginKey       string `json:"old_login_key"`
	Record            string `json:"record"`
	LoginKey          string `json:"login_key"`
	WrappedIdentity   string `json:"wrapped_identity"`
	WrappedEncryption string `json:"wrapped_encryption"`
}

// replaceCredentials is protocol.md section 4.7's last step (an upgraded record, a new password, an
// added account secret key): the new record, login key and re-wrapped keys replace the old ones at
// once, and every session ends. The old login key is asked again, so a stolen token alone cannot
// lock the member out by replacing its wrapped keys.
func (s *Server) replaceCredentials(w http.ResponseWriter, r *http.Request, a Account) {
	var req credentialsRequest
	if err := decode(w, r, s.cfg.MaxBody, &req); err != nil {
		s.respond(w, r, err)
		return
	}
	next := a
	var err error
	if next.Record, err = blobField("record", req.Record); err != nil {
		s.respond(w, r, err)
		return
	}
	if err := checkPassword(next.Record); err != nil {
		fail(w, http.StatusBadRequest, "record: "+err.Error())
		return
	}
	if next.WrappedIdentity, err = blobField("wrapped_identity", req.WrappedIdentity); err != nil {
		s.respond(w, r, err)
		return
	}
	if next.WrappedEncryption, err = blobField("wrapped_encryption", req.WrappedEncryption); err != nil {
		s.respond(w, r, err)
		return
	}
	if err := checkWrappedPair(a.Bundle, next.WrappedIdentity, next.WrappedEncryption); err != nil {
		s.respond(w, r, err)
		return
	}
	oldKey, err := blobField("old_login_key", req.OldLoginKey)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	defer clear(oldKey)
	newKey, err := blobField("login_key", req.LoginKey)
	if err != nil {
		s.respond(w, r, err)
		return
	}
	defer clear(newKey)
	if len(oldKey) != loginKeyBytes || len(newKey) != loginKeyBytes {
		fail(w, http.StatusBadRequest, fmt.Sprintf("login keys are %d bytes", loginKeyBytes))
		return
	}
	next.VerifierSalt = make([]byte, 16)
	if _, err := rand.Read(next.VerifierSalt); err != nil {
		s.internal(w, r, err)
		return
	}
	next.Verifier = loginVerifier(next.VerifierSalt, newKey)
	wrongKey := refuse(http.StatusForbidden, "old_login_key is not this account's login key")
	counters := []limitCheck{{s.byAccount, a.Login}, {s.byAddress, clientAddress(r)}}
	err = s.store.Update(r.Context(), func(tx Tx) error {
		if err := s.checkLimits(tx, "too many failed logins; try later", counters[0]); err != nil {
			return err
		}
		// The old key is compared with the verifier read in this transaction, so of two concurrent
		// changes from the same old key only the first passes.
		cur, err := tx.Account(a.Login)
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare(loginVerifier(cur.VerifierSalt, oldKey), cur.Verifier) != 1 {
			return wrongKey
		}
		if err := tx.ReplaceCredentials(next); err != nil {
			return err
		}
		return tx.DeleteSessionsOf(a.Login)
	})
	if errors.Is(err, wrongKey) {
		if err := s.countFailure(r.Context(), counters...); err != nil {
			s.internal(w, r, err)
			return
		}
	}
	if err != nil {
		s.respond(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// checkWrappedPair checks an account's two wrapped keys (section 6) and that each wraps a key of its
// bundle: the public key in front of the ciphertext is the bundle's identity or encryption key,
// which a re-wrap (section 6.2) keeps.
func checkWrappedPair(bundleBlob, wrappedIdentity, wrappedEncryption []byte) error {
	e := len(bundleBlob) - 116
	for _, c := range []struct {
		name string
		blob []byte
		typ  byte
		pub  []byte
	}{{"wrapped_identity", wrappedIdentity, typeWrappedID, bundleBlob[20:52]},
		{"wrapped_encryption", wrappedEncryption, typeWrappedEnc, bundleBlob[52 : 52+e]}} {
		if err := checkWrapped(c.blob, c.typ); err != nil {
			return refuse(http.StatusBadRequest, "%s: %v", c.name, err)
		}
		if len(c.blob) < 20+len(c.pub) || !bytes.Equal(c.blob[20:20+len(c.pub)], c.pub) {
			return refuse(http.StatusBadRequest, "%s: not a key of this account's bundle", c.name)
		}
	}
	return nil
}

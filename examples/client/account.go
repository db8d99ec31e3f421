package main

// Accounts: registration makes every key on the client and sends the server only what
// protocol.md section 4 lets it hold (a password record, a login key to verify, a signed bundle,
// keys wrapped under the master key); signing in on a new device takes the password and the
// emergency kit and gets every key back from what the server returns.

import (
	"errors"
	"fmt"
	"net/url"

	"libcloak.dev/cloak"
)

// member is one person's client: their keys, in memory only while the program runs.
type member struct {
	name     string // for the log
	login    string // the normalised account id (protocol.md section 4.3)
	identity *cloak.IdentityKey
	enc      *cloak.EncryptionKey
	sess     *session
}

func (m *member) wipe() {
	if m.identity != nil {
		m.identity.Wipe()
	}
	if m.enc != nil {
		m.enc.Wipe()
	}
}

// forbidKeys registers the member's private keys with the guard: their secret halves (the
// identity key's seed, the encryption key's secret) must never be sent.
func forbidKeys(g *guard, who string, identity *cloak.IdentityKey, enc *cloak.EncryptionKey) {
	sk := identity.SecretBytes()
	g.forbid(who+"'s identity private key", sk[:32]) // the seed: the rest is the public key
	clear(sk)
	g.forbidCopy(who+"'s encryption private key", enc.SecretBytes())
}

// register makes an account: an account secret key (returned as the emergency kit's text), a
// password record with the library's default costs, the keys, and the registration request.
func register(srv *server, name, login string, password []byte, suite cloak.Suite) (kit string, err error) {
	g := srv.guard
	g.forbid(name+"'s password", password)
	secretKey, err := cloak.GenerateAccountSecretKey()
	if err != nil {
		return "", err
	}
	defer secretKey.Wipe()
	g.forbidCopy(name+"'s account secret key", secretKey.SecretBytes())
	if kit, err = secretKey.Encode([]byte(login)); err != nil {
		return "", err
	}
	g.forbid(name+"'s emergency kit", []byte(kit))
	record, err := cloak.NewPasswordRecord(cloak.DefaultPasswordParams())
	if err != nil {
		return "", err
	}
	master, loginKey, err := cloak.DerivePassword(password, []byte(login), secretKey, record, nil)
	if err != nil {
		return "", err
	}
	defer master.Wipe()
	defer loginKey.Wipe()
	g.forbidCopy(name+"'s master key", master.SecretBytes())
	identity, err := cloak.GenerateIdentityKey()
	if err != nil {
		return "", err
	}
	defer identity.Wipe()
	enc, err := cloak.GenerateEncryptionKeyOfSuite(suite)
	if err != nil {
		return "", err
	}
	defer enc.Wipe()
	forbidKeys(g, name, identity, enc)
	bundle, err := identity.Bundle(enc.Public())
	if err != nil {
		return "", err
	}
	wrappedIdentity, err := identity.Wrap(master)
	if err != nil {
		return "", err
	}
	wrappedEncryption, err := enc.Wrap(master)
	if err != nil {
		return "", err
	}
	s := &session{srv: srv, who: name}
	lk := loginKey.SecretBytes() // the one key the server is meant to receive (it keeps a verifier)
	defer clear(lk)
	g.forbidStored(name+"'s login key", lk)
	err = s.call("POST", "/v1/accounts", map[string]any{"login": login, "record": record,
		"login_key": lk, "bundle": bundle, "wrapped_identity": wrappedIdentity,
		"wrapped_encryption": wrappedEncryption}, nil)
	return kit, err
}

// signIn is a client on a device that holds nothing: the login, the password and the emergency
// kit the person types. The record comes from the server and is checked against the library's
// default cost policy before any Argon2id work (a server cannot make guessing cheaper, or stall
// the client); the wrapped keys must open under the derived master key and match the bundle.
func signIn(srv *server, name, login string, password []byte, kit string) (*member, error) {
	s := &session{srv: srv, who: name}
	var rec struct{ Record []byte }
	if err := s.call("GET", "/v1/accounts/"+url.PathEscape(login)+"/password-record", nil, &rec); err != nil {
		return nil, err
	}
	secretKey, err := cloak.DecodeAccountSecretKey(kit, []byte(login))
	if err != nil {
		return nil, fmt.Errorf("the emergency kit: %w", err)
	}
	defer secretKey.Wipe()
	master, loginKey, err := cloak.DerivePassword(password, []byte(login), secretKey, rec.Record, nil)
	if err != nil {
		return nil, fmt.Errorf("the password record the server served: %w", err)
	}
	defer master.Wipe()
	defer loginKey.Wipe()
	var tok struct{ Token string }
	lk := loginKey.SecretBytes()
	err = s.call("POST", "/v1/sessions", map[string]any{"login": login, "login_key": lk}, &tok)
	clear(lk)
	if err != nil {
		return nil, err
	}
	s.token = tok.Token
	srv.guard.forbidStored(name+"'s bearer token", []byte(tok.Token))
	var own struct {
		Bundle            []byte
		WrappedIdentity   []byte `json:"wrapped_identity"`
		WrappedEncryption []byte `json:"wrapped_encryption"`
	}
	if err := s.call("GET", "/v1/account", nil, &own); err != nil {
		return nil, err
	}
	m := &member{name: name, login: login, sess: s}
	if m.identity, err = cloak.UnwrapIdentityKey(master, own.WrappedIdentity); err != nil {
		return nil, fmt.Errorf("the wrapped identity key: %w", err)
	}
	if m.enc, err = cloak.UnwrapEncryptionKey(master, own.WrappedEncryption); err != nil {
		m.wipe()
		return nil, fmt.Errorf("the wrapped encryption key: %w", err)
	}
	id, key, err := cloak.VerifyBundle(own.Bundle)
	if err != nil || id != m.identity.Public() || key.ID() != m.enc.Public().ID() {
		m.wipe()
		return nil, errors.New("the served bundle is not of the unwrapped keys")
	}
	return m, nil
}

// bundleOf fetches another member's bundle and checks it against the fingerprint the member
// was told out of band (in person, or over a channel the server does not control).
func (m *member) bundleOf(login, fingerprint string) (cloak.IdentityPublicKey, cloak.EncryptionPublicKey, error) {
	var b struct{ Bundle []byte }
	if err := m.sess.call("GET", "/v1/accounts/"+url.PathEscape(login)+"/bundle", nil, &b); err != nil {
		return cloak.IdentityPublicKey{}, nil, err
	}
	id, key, err := cloak.VerifyBundle(b.Bundle)
	if err != nil {
		return cloak.IdentityPublicKey{}, nil, fmt.Errorf("%s's bundle: %w", login, err)
	}
	if id.Fingerprint() != fingerprint {
		return cloak.IdentityPublicKey{}, nil, fmt.Errorf("%s's bundle is not of the identity whose fingerprint was checked", login)
	}
	return id, key, nil
}

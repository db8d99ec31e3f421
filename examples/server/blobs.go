package main

// What the server can check of a blob without libcloak: the envelope header (protocol.md section 2),
// the lengths each layout fixes, and the fields it needs to index or to enforce compare-and-swap. It
// never holds a key, so it cannot open anything; clients verify every blob again with the library.

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

const (
	headerBytes = 20
	keyIDBytes  = 16

	typePassword   = 0x01
	typePubkey     = 0x03
	typeBundle     = 0x04
	typeWrappedID  = 0x05
	typeWrappedEnc = 0x06
	typeWrappedSA  = 0x07
	typeSecret     = 0x08
	typeShare      = 0x09
	typeBatch      = 0x0A
	typeItem       = 0x0B
	typeHead       = 0x0D

	suiteX25519 = 1
	suiteXWing  = 2

	x25519Bytes = 32
	xwingBytes  = 1216
	x25519Enc   = 32
	xwingEnc    = 1120

	maxBatchItems = 1000000
)

var typeNames = map[byte]string{
	0x01: "password", 0x02: "identity", 0x03: "pubkey", 0x04: "bundle", 0x05: "wrappedidentity",
	0x06: "wrappedkey", 0x07: "wrappedaccount", 0x08: "secret", 0x09: "share", 0x0A: "batch",
	0x0B: "item", 0x0C: "accountkey", 0x0D: "head",
}

// header is a parsed envelope header.
type header struct {
	typ   byte
	suite uint16
	keyID []byte
}

// parseHeader runs section 2's steps 1 to 5 for the expected type: the checks any reader makes
// before the object's own layout.
func parseHeader(blob []byte, want byte, suites ...uint16) (header, error) {
	name := typeNames[want]
	if len(blob) < headerBytes {
		return header{}, fmt.Errorf("not a %s blob: %d bytes, shorter than the 20-byte header", name, len(blob))
	}
	if blob[0] != 0x02 {
		return header{}, fmt.Errorf("not a %s blob: format version %d, this server stores version 2", name, blob[0])
	}
	h := header{typ: blob[1], suite: binary.BigEndian.Uint16(blob[2:4]), keyID: blob[4:20]}
	if h.suite != suiteX25519 && h.suite != suiteXWing {
		return header{}, fmt.Errorf("%s blob: unsupported suite %d", name, h.suite)
	}
	if h.typ != want {
		got, ok := typeNames[h.typ]
		if !ok {
			got = fmt.Sprintf("unknown type 0x%02x", h.typ)
		}
		return header{}, fmt.Errorf("expected a %s blob, got a %s blob", name, got)
	}
	for _, s := range suites {
		if s == h.suite {
			return h, nil
		}
	}
	return header{}, fmt.Errorf("%s blob: suite %d is not one this object admits", name, h.suite)
}

func encKeyBytes(suite uint16) int {
	if suite == suiteXWing {
		return xwingBytes
	}
	return x25519Bytes
}

func encapBytes(suite uint16) int {
	if suite == suiteXWing {
		return xwingEnc
	}
	return x25519Enc
}

// keyHash is section 1.2's key hash of a public key; its first 16 bytes are the key id.
func keyHash(pub []byte) []byte {
	h := sha256.New()
	label := "libcloak v2 public key id"
	h.Write([]byte{byte(len(label))})
	h.Write([]byte(label))
	h.Write(pub)
	return h.Sum(nil)
}

func publicKeyID(pub []byte) []byte { return keyHash(pub)[:keyIDBytes] }

// labelledMessage is section 1.1's signed message.
func labelledMessage(label string, signer, content []byte) []byte {
	m := make([]byte, 0, 1+len(label)+len(signer)+len(content))
	m = append(m, byte(len(label)))
	m = append(m, label...)
	m = append(m, signer...)
	return append(m, content...)
}

// checkPassword checks a password record: section 4.1's layout and bounds, so the server never
// stores a record every client would refuse.
func checkPassword(blob []byte) error {
	if _, err := parseHeader(blob, typePassword, suiteX25519); err != nil {
		return err
	}
	if len(blob) != 48 {
		return fmt.Errorf("password record: %d bytes, expected 48", len(blob))
	}
	if !bytes.Equal(blob[4:20], make([]byte, 16)) {
		return errors.New("password record: key id must be zero")
	}
	m, t, p := binary.BigEndian.Uint32(blob[20:]), binary.BigEndian.Uint32(blob[24:]), binary.BigEndian.Uint32(blob[28:])
	if m < 16384 || m > 1048576 || t < 1 || t > 16 || p < 1 || p > 16 {
		return errors.New("password record: Argon2id costs outside the format's bounds")
	}
	return nil
}

// bundle is a parsed member bundle.
type bundle struct {
	identity []byte // Ed25519 public key
	encKeyID []byte // id of the encryption public key
	suite    uint16
}

// parseBundle checks a member bundle's layout and its signature (proof that the registrant holds
// the identity key, so no one registers another member's identity as their own).
func parseBundle(blob []byte) (bundle, error) {
	h, err := parseHeader(blob, typeBundle, suiteX25519, suiteXWing)
	if err != nil {
		return bundle{}, err
	}
	e := encKeyBytes(h.suite)
	if len(blob) != 116+e {
		return bundle{}, fmt.Errorf("bundle: %d bytes, expected %d for suite %d", len(blob), 116+e, h.suite)
	}
	id := blob[20:52]
	if !bytes.Equal(h.keyID, publicKeyID(id)) {
		return bundle{}, errors.New("bundle: key id is not the identity key's")
	}
	if err := checkIdentityKey(id); err != nil {
		return bundle{}, fmt.Errorf("bundle: %v", err)
	}
	if err := checkEncryptionKey(h.suite, blob[52:52+e]); err != nil {
		return bundle{}, fmt.Errorf("bundle: %v", err)
	}
	if !ed25519.Verify(ed25519.PublicKey(id), labelledMessage("libcloak v2 bundle", id, blob[:52+e]), blob[52+e:]) {
		return bundle{}, errors.New("bundle: signature does not verify")
	}
	return bundle{identity: id, encKeyID: publicKeyID(blob[52 : 52+e]), suite: h.suite}, nil
}

// checkWrapped checks a wrapped private key (section 6) of the given type.
func checkWrapped(blob []byte, typ byte) error {
	suites := []uint16{suiteX25519}
	if typ != typeWrappedID {
		suites = append(suites, suiteXWing)
	}
	h, err := parseHeader(blob, typ, suites...)
	if err != nil {
		return err
	}
	if want := 92 + encKeyBytes(h.suite); len(blob) != want {
		return fmt.Errorf("%s blob: %d bytes, expected %d", typeNames[typ], len(blob), want)
	}
	return nil
}

// pubkey is a parsed encryption public key blob (a service account's key).
type pubkey struct {
	keyID   []byte
	binding []byte // section 1.6's binding, what a roster entry names
	suite   uint16
}

func parsePubkey(blob []byte) (pubkey, error) {
	h, err := parseHeader(blob, typePubkey, suiteX25519, suiteXWing)
	if err != nil {
		return pubkey{}, err
	}
	e := encKeyBytes(h.suite)
	if len(blob) != headerBytes+e {
		return pubkey{}, fmt.Errorf("pubkey blob: %d bytes, expected %d for suite %d", len(blob), headerBytes+e, h.suite)
	}
	key := blob[20:]
	if !bytes.Equal(h.keyID, publicKeyID(key)) {
		return pubkey{}, errors.New("pubkey blob: key id is not the key's")
	}
	if err := checkEncryptionKey(h.suite, key); err != nil {
		return pubkey{}, fmt.Errorf("pubkey blob: %v", err)
	}
	binding := key
	if h.suite == suiteXWing {
		binding = keyHash(key)
	}
	return pubkey{keyID: h.keyID, binding: binding, suite: h.suite}, nil
}

// validPadded is section 1.5's test of a padded length.
func validPadded(p int) bool {
	if p < 64 {
		return false
	}
	return pad(p) == p
}

func pad(u int) int {
	if u <= 64 {
		return 64
	}
	e := 0
	for v := u; v > 1; v >>= 1 {
		e++
	}
	s := 1
	for v := e; v > 1; v >>= 1 {
		s++
	}
	m := (1 << (e - s)) - 1
	return (u + m) &^ m
}

// secretBlob is a parsed sealed secret.
type secretBlob struct {
	keyID []byte
	epoch uint32
}

func parseSecret(blob []byte) (secretBlob, error) {
	h, err := parseHeader(blob, typeSecret, suiteX25519)
	if err != nil {
		return secretBlob{}, err
	}
	if len(blob) < 64+16 || !validPadded(len(blob)-64) {
		return secretBlob{}, fmt.Errorf("secret blob: %d bytes is not a padded secret's length", len(blob))
	}
	return secretBlob{keyID: h.keyID, epoch: binary.BigEndian.Uint32(blob[20:24])}, nil
}

// shareBlob is a parsed vault-key share.
type shareBlob struct {
	keyID []byte // the recipient's encryption key id
	epoch uint32
}

func parseShare(blob []byte) (shareBlob, error) {
	h, err := parseHeader(blob, typeShare, suiteX25519, suiteXWing)
	if err != nil {
		return shareBlob{}, err
	}
	if want := 168 + encapBytes(h.suite); len(blob) != want {
		return shareBlob{}, fmt.Errorf("share blob: %d bytes, expected %d for suite %d", len(blob), want, h.suite)
	}
	epoch := binary.BigEndian.Uint32(blob[52:56])
	if epoch == 0 {
		return shareBlob{}, errors.New("share blob: epoch 0")
	}
	return shareBlob{keyID: h.keyID, epoch: epoch}, nil
}

// batchBlob is a parsed service-account batch.
type batchBlob struct {
	keyID       []byte
	batchID     []byte
	vaultID     []byte
	headVersion uint64
	items       uint32
	suite       uint16
}

// parseBatch checks section 9.1's layout rules.
func parseBatch(blob []byte) (batchBlob, error) {
	h, err := parseHeader(blob, typeBatch, suiteX25519, suiteXWing)
	if err != nil {
		return batchBlob{}, err
	}
	v := 68 + encapBytes(h.suite)
	if len(blob) < v+122 {
		return batchBlob{}, errors.New("batch blob: too short")
	}
	l := int(blob[v])
	if l == 0 || len(blob) < v+121+l {
		return batchBlob{}, errors.New("batch blob: bad vault id length")
	}
	epoch := binary.BigEndian.Uint32(blob[v+1+l:])
	version := binary.BigEndian.Uint64(blob[v+5+l:])
	n := binary.BigEndian.Uint32(blob[v+53+l:])
	if epoch == 0 || version == 0 || n > maxBatchItems {
		return batchBlob{}, errors.New("batch blob: epoch, head version or item count out of range")
	}
	if len(blob) != v+121+l+32*int(n) {
		return batchBlob{}, fmt.Errorf("batch blob: %d bytes, its item count %d gives %d", len(blob), n, v+121+l+32*int(n))
	}
	return batchBlob{keyID: h.keyID, batchID: blob[20:36], vaultID: blob[v+1 : v+1+l], headVersion: version, items: n, suite: h.suite}, nil
}

// checkItem checks a batch item against its batch: header, length, key id, batch id, index.
func checkItem(blob []byte, b batchBlob, index int) error {
	h, err := parseHeader(blob, typeItem, b.suite)
	if err != nil {
		return err
	}
	if len(blob) < 56+64 || !validPadded(len(blob)-56) {
		return fmt.Errorf("item blob: %d bytes is not a padded item's length", len(blob))
	}
	if !bytes.Equal(h.keyID, b.keyID) || !bytes.Equal(blob[20:36], b.batchID) {
		return errors.New("item blob: not an item of this batch")
	}
	if binary.BigEndian.Uint32(blob[36:40]) != uint32(index) {
		return fmt.Errorf("item blob: index %d where %d was expected (items go in index order)", binary.BigEndian.Uint32(blob[36:40]), index)
	}
	return nil
}

// rosterEntry is one member or service account of a head's roster.
type rosterEntry struct {
	kind        byte
	permissions byte
	key         []byte
}

const (
	kindMember         = 1
	kindServiceAccount = 2
	permWrite          = 1
	permAdmin          = 2
)

// headBlob is a parsed vault head.
type headBlob struct {
	raw       []byte
	keyID     []byte
	version   uint64
	prevHash  []byte
	epoch     uint32
	vaultID   []byte
	policy    byte
	leafCount uint32
	roster    []rosterEntry
	rosterAt  [2]int // the roster count and entries, bytes [0] to [1]
	signer    []byte
}

// parseHead checks section 10.1's steps 1 to 3 as far as the server needs them, and the signature
// with the signer named in the head. Clients run the full checks against their own chain.
func parseHead(blob []byte) (headBlob, error) {
	h, err := parseHeader(blob, typeHead, suiteX25519)
	if err != nil {
		return headBlob{}, err
	}
	if len(blob) < 65 {
		return headBlob{}, errors.New("head blob: too short")
	}
	l := int(blob[64])
	if l == 0 || len(blob) < 112+l {
		return headBlob{}, errors.New("head blob: bad vault id length")
	}
	r := int(binary.BigEndian.Uint16(blob[110+l:]))
	if r < 1 || r > 10000 {
		return headBlob{}, fmt.Errorf("head blob: roster count %d outside 1 to 10000", r)
	}
	if len(blob) != 208+l+52*r {
		return headBlob{}, fmt.Errorf("head blob: %d bytes, its roster gives %d", len(blob), 208+l+52*r)
	}
	hb := headBlob{raw: blob, keyID: h.keyID, version: binary.BigEndian.Uint64(blob[20:28]), prevHash: blob[28:60],
		epoch: binary.BigEndian.Uint32(blob[60:64]), vaultID: blob[65 : 65+l], policy: blob[109+l],
		rosterAt: [2]int{110 + l, 112 + l + 52*r}, signer: blob[112+l+52*r : 144+l+52*r]}
	zero := bytes.Equal(hb.prevHash, make([]byte, 32))
	if hb.version == 0 || zero != (hb.version == 1) || hb.epoch == 0 || hb.policy > 1 {
		return headBlob{}, errors.New("head blob: version, previous hash, epoch or policy out of range")
	}
	leaves := binary.BigEndian.Uint32(blob[105+l:])
	hb.leafCount = leaves
	if leaves > 1<<24 {
		return headBlob{}, errors.New("head blob: leaf count above 2^24")
	}
	if emptyRoot := sha256.Sum256(nil); leaves == 0 && !bytes.Equal(blob[73+l:105+l], emptyRoot[:]) {
		return headBlob{}, errors.New("head blob: an empty tree with another root than SHA-256(\"\")")
	}
	admin := false
	for i := 0; i < r; i++ {
		e := blob[112+l+52*i : 112+l+52*(i+1)]
		if err := checkRosterEntry(e, hb.policy); err != nil {
			return headBlob{}, fmt.Errorf("head blob: roster entry %d: %v", i, err)
		}
		if i > 0 {
			prev := blob[112+l+52*(i-1) : 112+l+52*i]
			if prev[0] > e[0] || (prev[0] == e[0] && bytes.Compare(prev[4:36], e[4:36]) >= 0) {
				return headBlob{}, errors.New("head blob: roster entries not in strictly increasing order")
			}
		}
		if e[0] == kindMember && e[1]&permAdmin != 0 {
			admin = true
		}
		hb.roster = append(hb.roster, rosterEntry{kind: e[0], permissions: e[1], key: e[4:36]})
	}
	if !admin {
		return headBlob{}, errors.New("head blob: no member has the admin permission")
	}
	end := 144 + l + 52*r
	if !ed25519.Verify(ed25519.PublicKey(hb.signer), labelledMessage("libcloak v2 head", hb.signer, blob[:end]), blob[end:]) {
		return headBlob{}, errors.New("head blob: signature does not verify with the signer it names")
	}
	return hb, nil
}

// headHash is section 10.3's hash, which the next head names.
func headHash(raw []byte) []byte {
	label := "libcloak v2 head hash"
	h := sha256.New()
	h.Write([]byte{byte(len(label))})
	h.Write([]byte(label))
	h.Write(raw)
	return h.Sum(nil)
}

// permissionsOf returns a member's permissions in the head and whether it is in the roster.
func (h headBlob) permissionsOf(identity []byte) (byte, bool) {
	for _, e := range h.roster {
		if e.kind == kindMember && bytes.Equal(e.key, identity) {
			return e.permissions, true
		}
	}
	return 0, false
}

// governanceChanged tells whether next changes what only an admin may change (section 10.2): the
// epoch, the vault key id, the policy or any byte of the roster.
func governanceChanged(cur, next headBlob) bool {
	return cur.epoch != next.epoch || !bytes.Equal(cur.keyID, next.keyID) || cur.policy != next.policy ||
		!bytes.Equal(cur.raw[cur.rosterAt[0]:cur.rosterAt[1]], next.raw[next.rosterAt[0]:next.rosterAt[1]])
}

// textForm is section 3's text form, as the CLI's batch file carries it.
func textForm(blob []byte) string {
	label := "libcloak v2 text"
	h := sha256.New()
	h.Write([]byte{byte(len(label))})
	h.Write([]byte(label))
	h.Write(blob)
	sum := h.Sum(nil)
	body := append(append([]byte{}, blob...), sum[:4]...)
	return "cloak-" + typeNames[blob[1]] + "-" + base64.RawURLEncoding.EncodeToString(body)
}

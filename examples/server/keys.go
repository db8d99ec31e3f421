package main

// The public-key rules a server can check without any curve arithmetic (protocol.md sections 1.3,
// 1.4 and 1.6): canonical encodings, the listed small-order points, X-Wing's modulus check. So the
// server refuses bundles and heads that every client would refuse, instead of storing them. (Whether
// an Ed25519 key decodes to a point at all is left to the clients.)

import (
	"bytes"
	"encoding/hex"
	"errors"
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// The encodings of Ed25519 points of small order, canonical or not (section 1.3).
var edSmallOrder = [][]byte{
	mustHex("0000000000000000000000000000000000000000000000000000000000000000"),
	mustHex("0100000000000000000000000000000000000000000000000000000000000000"),
	mustHex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
	mustHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
	mustHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
	mustHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
	mustHex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
}

// The canonical X25519 u-coordinates of small order (section 1.4): 0, 1, p - 1 and two more.
var xSmallOrder = [][]byte{
	mustHex("0000000000000000000000000000000000000000000000000000000000000000"),
	mustHex("0100000000000000000000000000000000000000000000000000000000000000"),
	mustHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
	mustHex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
	mustHex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
}

// belowP tells whether the 255-bit little-endian number in k (top bit ignored) is below
// p = 2^255 - 19.
func belowP(k []byte) bool {
	// p in little-endian: ed ff .. ff 7f. A value is >= p only if bytes 1..30 are ff, byte 31
	// (top bit cleared) is 7f and byte 0 is at least ed.
	if k[31]&0x7f != 0x7f {
		return true
	}
	for i := 30; i >= 1; i-- {
		if k[i] != 0xff {
			return true
		}
	}
	return k[0] < 0xed
}

func inList(k []byte, list [][]byte) bool {
	for _, s := range list {
		if bytes.Equal(k, s) {
			return true
		}
	}
	return false
}

// checkIdentityKey: rules 3 and 4 of section 1.3.
func checkIdentityKey(k []byte) error {
	cleared := append([]byte{}, k...)
	cleared[31] &= 0x7f
	if !belowP(k) {
		return errors.New("identity key is not canonical")
	}
	if inList(cleared, edSmallOrder) {
		return errors.New("identity key is of small order")
	}
	return nil
}

// checkX25519Key: section 1.4.
func checkX25519Key(k []byte) error {
	if k[31]&0x80 != 0 || !belowP(k) {
		return errors.New("X25519 key is not canonical")
	}
	if inList(k, xSmallOrder) {
		return errors.New("X25519 key is of small order")
	}
	return nil
}

// checkXWingKey: section 1.6, the modulus check on the ML-KEM part and section 1.4 on the X25519 part.
func checkXWingKey(k []byte) error {
	ek := k[:1152]
	for i := 0; i < len(ek); i += 3 {
		a := uint16(ek[i]) | uint16(ek[i+1]&0x0f)<<8
		b := uint16(ek[i+1]>>4) | uint16(ek[i+2])<<4
		if a >= 3329 || b >= 3329 {
			return errors.New("X-Wing key fails the ML-KEM modulus check")
		}
	}
	return checkX25519Key(k[1184:])
}

func checkEncryptionKey(suite uint16, k []byte) error {
	if suite == suiteXWing {
		return checkXWingKey(k)
	}
	return checkX25519Key(k)
}

// checkRosterEntry: section 10.2's rules for one entry.
func checkRosterEntry(e []byte, policy byte) error {
	suite := uint16(e[2])<<8 | uint16(e[3])
	if suite != suiteX25519 && suite != suiteXWing {
		return errors.New("an entry's suite is neither 1 nor 2")
	}
	if policy == 1 && suite != suiteXWing {
		return errors.New("a post-quantum-only head names an X25519 key")
	}
	key, keyID := e[4:36], e[36:52]
	switch e[0] {
	case kindMember:
		if e[1]&^3 != 0 {
			return errors.New("a member's permissions have unknown bits")
		}
		return checkIdentityKey(key)
	case kindServiceAccount:
		if e[1] != 0 {
			return errors.New("a service account has permissions")
		}
		if suite == suiteX25519 {
			if err := checkX25519Key(key); err != nil {
				return err
			}
			if !bytes.Equal(keyID, publicKeyID(key)) {
				return errors.New("a service account's key id is not its key's")
			}
		} else if !bytes.Equal(keyID, key[:16]) {
			return errors.New("a service account's key id is not its key hash's first 16 bytes")
		}
		return nil
	}
	return errors.New("an entry's kind is neither member nor service account")
}

"""An independent implementation of docs/protocol.md (format version 2), written from the document
alone: the producer of tests/vectors/libcloak.json (tests/vectors/make_libcloak_vectors.py). It uses no
libcloak code: hashlib/hmac for SHA-2, SHA-3, SHAKE256, BLAKE2b and HMAC, pyca/cryptography for
ChaCha20-Poly1305 (IETF), Ed25519 signing and X25519, HChaCha20 written here (so XChaCha20-Poly1305 is
built from the IETF AEAD as draft-irtf-cfrg-xchacha section 2.3 describes), Ed25519 verification written
here (so section 1.3's rules are stated, not inherited from a library), pyhpke for suite 1's HPKE
(RFC 9180), kyber-py for ML-KEM-768 (FIPS 203's KeyGen_internal, Encaps_internal and Decaps), with
X-Wing, FIPS 203's modulus check and suite 2's HPKE key schedule written here (section 1.6), and
argon2-cffi for Argon2id. Every random value (nonce, salt, batch id, HPKE encapsulation randomness, the
batch reader's MAC key) may be passed in, so the vectors are reproducible. Section 4's cost policy,
account salt, secret-key mixing (HMAC and HKDF from hashlib/hmac, Argon2id from argon2-cffi's plain
API, which has no secret input) and the secret key's Crockford base32 text form are written here too.

Every reader of an object of either suite takes the suite it reads (libcloak has a function per
suite, section 2 step 5); every writer takes it from the length of the encryption public key it is
given (32 bytes: X25519, suite 1; 1216: X-Wing, suite 2).

Section numbers below are docs/protocol.md's. spec_selfcheck.py checks the primitives of section 1.6
against published vectors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
from typing import Dict, List, Optional, Sequence, Tuple, Union

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

VERSION = 0x02
SUITE_X25519 = 0x0001   # section 2: DHKEM(X25519, HKDF-SHA256)
SUITE_XWING = 0x0002    # X-Wing, MLKEM768-X25519 (section 1.6)
SUITE = SUITE_X25519    # the suite of every object without an encryption key in it or behind it


class SpecError(Exception):
    """A check of the spec failed; `kind` is the error the spec names (section 13's names)."""

    def __init__(self, kind: str, why: str = "") -> None:
        super().__init__("%s: %s" % (kind, why))
        self.kind = kind


# ---- section 1: notation and primitives -----------------------------------------------------------

def lp8(x: bytes) -> bytes:
    if len(x) > 255:
        raise ValueError("lp8: more than 255 bytes")
    return bytes([len(x)]) + x


def u16(n: int) -> bytes:
    return struct.pack(">H", n)


def u32(n: int) -> bytes:
    return struct.pack(">I", n)


def u64(n: int) -> bytes:
    return struct.pack(">Q", n)


def hmac_sha256(key: bytes, msg: bytes) -> bytes:
    return hmac.new(key, msg, hashlib.sha256).digest()


def extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac_sha256(salt, ikm)


def expand(prk: bytes, info: bytes, length: int) -> bytes:
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac_sha256(prk, t + info + bytes([i]))
        out += t
        i += 1
    return out[:length]


def blake2b_256(x: bytes) -> bytes:
    return hashlib.blake2b(x, digest_size=32).digest()


def _rotl(v: int, c: int) -> int:
    return ((v << c) & 0xFFFFFFFF) | (v >> (32 - c))


def _quarter(s: List[int], a: int, b: int, c: int, d: int) -> None:
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = _rotl(s[d] ^ s[a], 16)  # noqa: E702
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = _rotl(s[b] ^ s[c], 12)  # noqa: E702
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = _rotl(s[d] ^ s[a], 8)  # noqa: E702
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = _rotl(s[b] ^ s[c], 7)  # noqa: E702


def hchacha20(key: bytes, nonce16: bytes) -> bytes:
    """HChaCha20 (draft-irtf-cfrg-xchacha section 2.2): ChaCha20's state with the 16-byte nonce in
    words 12..15, 20 rounds, no final addition; output words 0..3 and 12..15."""
    assert len(key) == 32 and len(nonce16) == 16
    s = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    s += list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))
    for _ in range(10):
        _quarter(s, 0, 4, 8, 12); _quarter(s, 1, 5, 9, 13)  # noqa: E702
        _quarter(s, 2, 6, 10, 14); _quarter(s, 3, 7, 11, 15)  # noqa: E702
        _quarter(s, 0, 5, 10, 15); _quarter(s, 1, 6, 11, 12)  # noqa: E702
        _quarter(s, 2, 7, 8, 13); _quarter(s, 3, 4, 9, 14)  # noqa: E702
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def xchacha_seal(key: bytes, nonce: bytes, ad: bytes, pt: bytes) -> bytes:
    assert len(nonce) == 24
    sub = hchacha20(key, nonce[:16])
    return ChaCha20Poly1305(sub).encrypt(b"\0\0\0\0" + nonce[16:], pt, ad)


def xchacha_open(key: bytes, nonce: bytes, ad: bytes, ct: bytes) -> bytes:
    assert len(nonce) == 24
    sub = hchacha20(key, nonce[:16])
    try:
        return ChaCha20Poly1305(sub).decrypt(b"\0\0\0\0" + nonce[16:], ct, ad)
    except InvalidTag:
        raise SpecError("auth", "XChaCha20-Poly1305 tag") from None


def x25519_public(sk: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(sk).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


# ---- section 1.3: Ed25519, verification written out --------------------------------------------------

ED_P = 2 ** 255 - 19
ED_L = 2 ** 252 + 27742317777372353535851937790883648493
ED_D = (-121665 * pow(121666, ED_P - 2, ED_P)) % ED_P
_SQRT_M1 = pow(2, (ED_P - 1) // 4, ED_P)

SMALL_ORDER_ED25519 = [bytes.fromhex(h) for h in (
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]


def _ed_add(P, Q):  # type: ignore[no-untyped-def]
    # Extended coordinates (X, Y, Z, T), RFC 8032 section 5.1.4.
    x1, y1, z1, t1 = P
    x2, y2, z2, t2 = Q
    a = (y1 - x1) * (y2 - x2) % ED_P
    b = (y1 + x1) * (y2 + x2) % ED_P
    c = 2 * t1 * t2 * ED_D % ED_P
    d = 2 * z1 * z2 % ED_P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % ED_P, g * h % ED_P, f * g % ED_P, e * h % ED_P)


def _ed_mul(s: int, P):  # type: ignore[no-untyped-def]
    Q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            Q = _ed_add(Q, P)
        P = _ed_add(P, P)
        s >>= 1
    return Q


def _ed_encode(P) -> bytes:  # type: ignore[no-untyped-def]
    x, y, z, _ = P
    zi = pow(z, ED_P - 2, ED_P)
    x, y = x * zi % ED_P, y * zi % ED_P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _ed_decode(s: bytes):  # type: ignore[no-untyped-def]
    """RFC 8032 section 5.1.3 on a canonical y; None when no point has this encoding."""
    y = int.from_bytes(s, "little") & ((1 << 255) - 1)
    sign = s[31] >> 7
    if y >= ED_P:
        return None
    u, v = (y * y - 1) % ED_P, (ED_D * y * y + 1) % ED_P
    x = u * pow(v, 3, ED_P) * pow(u * pow(v, 7, ED_P), (ED_P - 5) // 8, ED_P) % ED_P
    if v * x * x % ED_P == (-u) % ED_P:
        x = x * _SQRT_M1 % ED_P
    elif v * x * x % ED_P != u:
        return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = ED_P - x
    return (x, y, 1, x * y % ED_P)


_ED_B = _ed_decode((4 * pow(5, ED_P - 2, ED_P) % ED_P).to_bytes(32, "little"))


def _top_bit_cleared(s: bytes) -> bytes:
    return s[:31] + bytes([s[31] & 0x7F])


def ed25519_key_problem(a: bytes) -> Optional[str]:
    """Section 1.3's rules 3 to 5 on a public key: None, or what is wrong with it."""
    if int.from_bytes(_top_bit_cleared(a), "little") >= ED_P:
        return "not canonical"
    if _top_bit_cleared(a) in SMALL_ORDER_ED25519:
        return "small order"
    if _ed_decode(a) is None:
        return "not a point"
    return None


def ed25519_verify(a: bytes, sig: bytes, message: bytes) -> bool:
    """Section 1.3: rules 1 to 6, in order."""
    if len(sig) != 64 or len(a) != 32:
        return False
    r, s = sig[:32], int.from_bytes(sig[32:], "little")
    if s >= ED_L:
        return False
    if _top_bit_cleared(r) in SMALL_ORDER_ED25519:
        return False
    if ed25519_key_problem(a) is not None:
        return False
    point_a = _ed_decode(a)
    k = int.from_bytes(hashlib.sha512(r + a + message).digest(), "little") % ED_L
    minus_a = ((-point_a[0]) % ED_P, point_a[1], point_a[2], (-point_a[3]) % ED_P)
    return _ed_encode(_ed_add(_ed_mul(s, _ED_B), _ed_mul(k, minus_a))) == r


def ed25519_public(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def ed25519_secret_scalar(seed: bytes) -> int:
    """RFC 8032 section 5.1.5: the clamped first half of SHA-512(seed), to build forged signatures."""
    h = bytearray(hashlib.sha512(seed).digest()[:32])
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    return int.from_bytes(h, "little")


def ed25519_base_mul(scalar: int) -> bytes:
    return _ed_encode(_ed_mul(scalar % ED_L, _ED_B))


def check_identity_public_key(a: bytes) -> None:
    """Section 1.3: an identity public key read from a blob or a bundle breaks none of rules 3 to 5."""
    if ed25519_key_problem(a) is not None:
        raise SpecError(IDENTITY_KEY_ERROR, "identity public key: " + ed25519_key_problem(a))


# Section 1.3 ("invalid key") and section 2 step 6 ("malformed, or invalid key for a small-order
# key") disagree on a non-canonical identity key; section 1.3, the rule written for identity keys,
# is followed.
IDENTITY_KEY_ERROR = "invalid key"


def check_identity_secret_key(secret_key: bytes) -> bytes:
    """Sections 1.1 and 5: a 64-byte seed || public key whose halves agree; returns the seed."""
    if len(secret_key) != 64:
        raise SpecError("bad params", "identity secret key length")
    seed, public = secret_key[:32], secret_key[32:]
    if not hmac.compare_digest(ed25519_public(seed), public):
        raise SpecError("invalid key", "public half is not the seed's")
    return seed


# 1.1 labelled signatures: the signer's public key follows the label.
def labelled_sign(secret_key: bytes, label: bytes, content: bytes) -> bytes:
    seed = check_identity_secret_key(secret_key)
    return Ed25519PrivateKey.from_private_bytes(seed).sign(lp8(label) + secret_key[32:] + content)


def labelled_sign_unchecked(seed: bytes, public: bytes, label: bytes, content: bytes) -> bytes:
    """RFC 8032 signing with a public half that may not be the seed's: what section 1.1 forbids, for
    vectors only (a second signature over one message leaks the secret scalar)."""
    h = hashlib.sha512(seed).digest()
    a = ed25519_secret_scalar(seed)
    msg = lp8(label) + public + content
    r = int.from_bytes(hashlib.sha512(h[32:] + msg).digest(), "little") % ED_L
    big_r = ed25519_base_mul(r)
    k = int.from_bytes(hashlib.sha512(big_r + public + msg).digest(), "little") % ED_L
    return big_r + ((r + k * a) % ED_L).to_bytes(32, "little")


def labelled_verify(pk: bytes, sig: bytes, label: bytes, content: bytes) -> None:
    if not ed25519_verify(pk, sig, lp8(label) + pk + content):
        raise SpecError("bad signature", label.decode())


# ---- section 1.4: X25519 public keys ----------------------------------------------------------------

X25519_P = 2 ** 255 - 19
SMALL_ORDER_X25519 = [u.to_bytes(32, "little") for u in (0, 1, X25519_P - 1)] + [bytes.fromhex(h) for h in (
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157")]


def check_x25519_public_key(pk: bytes) -> None:
    if len(pk) != 32 or pk[31] & 0x80 or int.from_bytes(pk, "little") >= X25519_P:
        raise SpecError("malformed", "X25519 public key not canonical")
    if pk in SMALL_ORDER_X25519:
        raise SpecError("invalid key", "X25519 public key of small order")


# ---- section 1.5: padding ---------------------------------------------------------------------------

def pad(u: int) -> int:
    assert u >= 1
    if u <= 64:
        return 64
    e = u.bit_length() - 1
    s = e.bit_length()  # floor(log2 E) + 1
    mask = (1 << (e - s)) - 1
    return (u + mask) & ~mask


def is_pad_len(p: int) -> bool:
    return p >= 64 and pad(p) == p

# ---- section 1.2: key ids -----------------------------------------------------------------------------

def key_id_symmetric(k: bytes) -> bytes:
    return expand(k, b"libcloak v2 key id", 16)


def key_hash(p: bytes) -> bytes:
    """The key hash of a public key of any kind and length."""
    return hashlib.sha256(lp8(b"libcloak v2 public key id") + p).digest()


def key_id_public(p: bytes) -> bytes:
    return key_hash(p)[:16]


# ---- section 1.6: X-Wing keys (suite 2) ----------------------------------------------------------------

XWING_KEM_ID = 0x647a
MLKEM_Q = 3329
MLKEM_EK_LEN = 1184                          # ML-KEM-768's encapsulation key
MLKEM_CT_LEN = 1088                          # and its ciphertext
XWING_PK_LEN = MLKEM_EK_LEN + 32             # ek || pk_X: 1216
XWING_ENC_LEN = MLKEM_CT_LEN + 32            # ct_M || ct_X: 1120
XWING_LABEL = bytes.fromhex("5c2e2f2f5e5c")  # \.//^\


def shake256(x: bytes, length: int) -> bytes:
    return hashlib.shake_256(x).digest(length)


def sha3_256(x: bytes) -> bytes:
    return hashlib.sha3_256(x).digest()


def _mlkem768():  # type: ignore[no-untyped-def]
    """kyber-py's ML-KEM-768: _keygen_internal(d, z) and _encaps_internal(ek, m) are FIPS 203's
    Algorithms 16 and 17 (the derandomised forms X-Wing needs), decaps(dk, c) is Algorithm 21."""
    from kyber_py.ml_kem import ML_KEM_768
    return ML_KEM_768


def mlkem_modulus_check(ek: bytes) -> bool:
    """FIPS 203 section 7.2: ByteDecode_12 of the first 1152 bytes of ek, re-encoded, gives the same
    bytes, i.e. every 12-bit coefficient (two in each three bytes, little-endian) is below q."""
    t = ek[:MLKEM_EK_LEN - 32]
    for i in range(0, len(t), 3):
        b0, b1, b2 = t[i], t[i + 1], t[i + 2]
        if b0 | (b1 & 0x0F) << 8 >= MLKEM_Q or b1 >> 4 | b2 << 4 >= MLKEM_Q:
            return False
    return True


def check_xwing_public_key(pk: bytes) -> None:
    """Section 1.6: the modulus check on ek (malformed), then section 1.4 on pk_X."""
    if len(pk) != XWING_PK_LEN:
        raise SpecError("bad params", "X-Wing public key length")
    if not mlkem_modulus_check(pk[:MLKEM_EK_LEN]):
        raise SpecError("malformed", "ML-KEM coefficient at least q")
    check_x25519_public_key(pk[MLKEM_EK_LEN:])


def xwing_expand(sk: bytes) -> Tuple[bytes, bytes, bytes]:
    """The seed's ML-KEM-768 key pair (ek, dk) and its X25519 secret key sk_X."""
    x = shake256(sk, 96)
    ek, dk = _mlkem768()._keygen_internal(x[0:32], x[32:64])
    return ek, dk, x[64:96]


def xwing_public(sk: bytes) -> bytes:
    ek, _, sk_x = xwing_expand(sk)
    return ek + x25519_public(sk_x)


def xwing_derive_key_pair(ikm: bytes) -> Tuple[bytes, bytes]:
    """DeriveKeyPair of KEM 0x647a on 32 to 255 bytes; returns (public, private)."""
    if not 32 <= len(ikm) <= 255:
        raise SpecError("bad params", "seed length")
    sk = shake256(ikm + b"HPKE-v1" + b"KEM" + u16(XWING_KEM_ID) + u16(13) + b"DeriveKeyPair" + u16(32), 32)
    return xwing_public(sk), sk


def x25519(sk: bytes, pk: bytes) -> bytes:
    """X25519 (it clamps sk); an all-zero result is an invalid key (section 1)."""
    try:
        return X25519PrivateKey.from_private_bytes(sk).exchange(X25519PublicKey.from_public_bytes(pk))
    except ValueError:
        raise SpecError("invalid key", "all-zero agreement") from None


def xwing_combiner(ss_m: bytes, ss_x: bytes, ct_x: bytes, pk_x: bytes) -> bytes:
    return sha3_256(ss_m + ss_x + ct_x + pk_x + XWING_LABEL)


def xwing_encap(pk: bytes, randomness: bytes) -> Tuple[bytes, bytes]:
    """Encap with the 64 random bytes m || e; returns (shared secret, enc)."""
    check_xwing_public_key(pk)
    m, e = randomness[:32], randomness[32:64]
    ek, pk_x = pk[:MLKEM_EK_LEN], pk[MLKEM_EK_LEN:]
    ss_m, ct_m = _mlkem768()._encaps_internal(ek, m)
    ct_x = x25519_public(e)
    ss_x = x25519(e, pk_x)
    return xwing_combiner(ss_m, ss_x, ct_x, pk_x), ct_m + ct_x


def xwing_decap(enc: bytes, sk: bytes, pk: bytes) -> bytes:
    """A recipient's Decap: the public key it names must be its seed's (invalid key; checked first,
    as it concerns the recipient's own inputs), ct_X follows section 1.4, ss_X is not all zero."""
    if len(enc) != XWING_ENC_LEN:
        raise SpecError("bad params", "enc length")
    if not hmac.compare_digest(xwing_public(sk), pk):
        raise SpecError("invalid key", "the public key is not the seed's")
    ct_m, ct_x = enc[:MLKEM_CT_LEN], enc[MLKEM_CT_LEN:]
    check_x25519_public_key(ct_x)
    _, dk, sk_x = xwing_expand(sk)
    ss_x = x25519(sk_x, ct_x)
    ss_m = _mlkem768().decaps(dk, ct_m)   # implicit rejection: a wrong ct_M gives an unrelated key
    return xwing_combiner(ss_m, ss_x, ct_x, pk[MLKEM_EK_LEN:])


# ---- the two suites' encryption keys (sections 1.4, 1.6, 5) ---------------------------------------------

def encryption_public_key_len(suite: int) -> int:
    """E of section 5."""
    return 32 if suite == SUITE_X25519 else XWING_PK_LEN


def enc_len(suite: int) -> int:
    """N of section 5: the length of an HPKE encapsulation."""
    return 32 if suite == SUITE_X25519 else XWING_ENC_LEN


def suite_of_public_key(pk: bytes) -> int:
    if len(pk) == 32:
        return SUITE_X25519
    if len(pk) == XWING_PK_LEN:
        return SUITE_XWING
    raise SpecError("bad params", "an encryption public key is 32 or 1216 bytes")


def check_encryption_public_key(pk: bytes) -> None:
    if suite_of_public_key(pk) == SUITE_X25519:
        check_x25519_public_key(pk)
    else:
        check_xwing_public_key(pk)


def encryption_public(suite: int, sk: bytes) -> bytes:
    """The public key of a 32-byte private key: X25519's, or the X-Wing seed's."""
    return x25519_public(sk) if suite == SUITE_X25519 else xwing_public(sk)


def binding(pk: bytes) -> bytes:
    """Section 1.6: what stands for an encryption public key in infos, signed contents and rosters."""
    return pk if suite_of_public_key(pk) == SUITE_X25519 else key_hash(pk)


# ---- HPKE (section 1: RFC 9180, Base mode, HKDF-SHA256, ChaCha20Poly1305; the suite names the KEM) ---

KEM_IDS = {SUITE_X25519: 0x0020, SUITE_XWING: XWING_KEM_ID}


class HpkeContext:
    """RFC 9180 section 5.2's context with an explicit sequence number (the batch items of section
    9.2 are sealed and opened at their index)."""

    def __init__(self, key: bytes, base_nonce: bytes, exporter_secret: bytes, suite_id: bytes) -> None:
        self.key, self.base_nonce, self.exporter_secret, self.suite_id = key, base_nonce, exporter_secret, suite_id

    def _nonce(self, seq: int) -> bytes:
        return bytes(a ^ b for a, b in zip(self.base_nonce, seq.to_bytes(12, "big")))

    def seal(self, seq: int, aad: bytes, pt: bytes) -> bytes:
        return ChaCha20Poly1305(self.key).encrypt(self._nonce(seq), pt, aad)

    def open(self, seq: int, aad: bytes, ct: bytes) -> bytes:
        try:
            return ChaCha20Poly1305(self.key).decrypt(self._nonce(seq), ct, aad)
        except InvalidTag:
            raise SpecError("auth", "HPKE") from None

    def export(self, exporter_context: bytes, length: int) -> bytes:
        return _labeled_expand(self.suite_id, self.exporter_secret, b"sec", exporter_context, length)


class _PyhpkeContext:
    """Suite 1's context from pyhpke, whose counter is the sequence number RFC 9180 section 5.2
    XORs into the base nonce: set it for each call."""

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        self._ctx = ctx

    def seal(self, seq: int, aad: bytes, pt: bytes) -> bytes:
        self._ctx._seq = seq
        return bytes(self._ctx.seal(pt, aad=aad))

    def open(self, seq: int, aad: bytes, ct: bytes) -> bytes:
        self._ctx._seq = seq
        try:
            return bytes(self._ctx.open(ct, aad=aad))
        except Exception:
            raise SpecError("auth", "HPKE") from None


Context = Union[HpkeContext, _PyhpkeContext]


def hpke_suite_id(suite: int) -> bytes:
    return b"HPKE" + u16(KEM_IDS[suite]) + u16(0x0001) + u16(0x0003)


def _labeled_extract(suite_id: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return extract(salt, b"HPKE-v1" + suite_id + label + ikm)


def _labeled_expand(suite_id: bytes, prk: bytes, label: bytes, info: bytes, length: int) -> bytes:
    return expand(prk, u16(length) + b"HPKE-v1" + suite_id + label + info, length)


def hpke_key_schedule_base(suite: int, shared_secret: bytes, info: bytes) -> HpkeContext:
    """RFC 9180 section 5.1 in mode 0 (no PSK): key (32 bytes), base nonce (12), exporter secret."""
    sid = hpke_suite_id(suite)
    context = (b"\x00" + _labeled_extract(sid, b"", b"psk_id_hash", b"")
               + _labeled_extract(sid, b"", b"info_hash", info))
    secret = _labeled_extract(sid, shared_secret, b"secret", b"")
    return HpkeContext(_labeled_expand(sid, secret, b"key", context, 32),
                       _labeled_expand(sid, secret, b"base_nonce", context, 12),
                       _labeled_expand(sid, secret, b"exp", context, 32), sid)


def _suite1():  # type: ignore[no-untyped-def]
    from pyhpke import AEADId, CipherSuite, KDFId, KEMId
    return CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.CHACHA20_POLY1305)


_suite = _suite1


def _ephemeral(suite, ephemeral_secret: Optional[bytes]):  # type: ignore[no-untyped-def]
    """A given ephemeral X25519 private key (RFC 9180's GenerateKeyPair for X25519 is 32 random
    bytes), so the vectors are reproducible; None lets pyhpke draw one."""
    if ephemeral_secret is None:
        return None
    from pyhpke.kem_key import KEMKeyPair
    return KEMKeyPair(suite.kem.deserialize_private_key(ephemeral_secret),
                      suite.kem.deserialize_public_key(x25519_public(ephemeral_secret)))


def _x25519_agreement_check(pk: bytes) -> None:
    # Section 1: an all-zero X25519 result is refused; it is zero for every private key exactly
    # when the public key has low order, so one agreement with any key tells.
    x25519(b"\x01" * 32, pk)


def hpke_setup_sender(recipient_pk: bytes, info: bytes, randomness: Optional[bytes] = None) -> Tuple[bytes, Context]:
    """SetupBaseS with the KEM of the key's suite; `randomness` is what Encap draws: the X25519
    ephemeral private key (32 bytes) in suite 1, m || e (64 bytes) in suite 2."""
    check_encryption_public_key(recipient_pk)
    if suite_of_public_key(recipient_pk) == SUITE_X25519:
        s = _suite1()
        enc, ctx = s.create_sender_context(s.kem.deserialize_public_key(recipient_pk), info=info,
                                           eks=_ephemeral(s, randomness))
        return bytes(enc), _PyhpkeContext(ctx)
    shared, enc = xwing_encap(recipient_pk, os.urandom(64) if randomness is None else randomness)
    return enc, hpke_key_schedule_base(SUITE_XWING, shared, info)


def hpke_setup_recipient(suite: int, enc: bytes, recipient_pk: bytes, recipient_sk: bytes,
                         info: bytes) -> Context:
    """SetupBaseR with the checks of sections 1.4 and 1.6 on enc. In suite 1 the recipient's public key
    is its private key's (DHKEM derives it); in suite 2 the one it names is checked against its seed."""
    if suite == SUITE_X25519:
        check_x25519_public_key(enc)  # section 1.4: enc is a public key too
        _x25519_agreement_check(enc)
        s = _suite1()
        return _PyhpkeContext(s.create_recipient_context(enc, s.kem.deserialize_private_key(recipient_sk), info=info))
    return hpke_key_schedule_base(SUITE_XWING, xwing_decap(enc, recipient_sk, recipient_pk), info)


# ---- section 2: envelope --------------------------------------------------------------------------

TYPES = set(range(0x01, 0x0E))
# The types with a suite 2 column: those that carry an encryption key or are sealed to one.
XWING_TYPES = {0x03, 0x04, 0x06, 0x07, 0x09, 0x0A, 0x0B, 0x0C}


def header(obj_type: int, key_id: bytes, suite: int = SUITE_X25519) -> bytes:
    assert len(key_id) == 16
    return bytes([VERSION, obj_type]) + u16(suite) + key_id


def header_suite(blob: bytes) -> int:
    return struct.unpack(">H", blob[2:4])[0]


def check_header(blob: bytes, expected_type: int) -> bytes:
    """Steps 1 to 4 of section 2; returns the key id."""
    if len(blob) < 20:
        raise SpecError("malformed", "shorter than a header")
    if blob[0] != VERSION:
        raise SpecError("unsupported version")
    if header_suite(blob) not in (SUITE_X25519, SUITE_XWING):
        raise SpecError("unsupported suite")
    if blob[1] not in TYPES:
        raise SpecError("malformed", "unknown type")
    if blob[1] != expected_type:
        raise SpecError("wrong type")
    return blob[4:20]


def check_suite(blob: bytes, suite: int) -> None:
    """Step 5 of section 2: the type admits the blob's suite, and the reader reads that suite."""
    if header_suite(blob) == SUITE_XWING and blob[1] not in XWING_TYPES:
        raise SpecError("unsupported suite", "type of suite 1 only")
    if header_suite(blob) != suite:
        raise SpecError("unsupported suite", "the other suite's reader")


def check_envelope(blob: bytes, expected_type: int, suite: int = SUITE_X25519) -> bytes:
    """Steps 1 to 5 of section 2 for a reader of `suite`; returns the key id."""
    kid = check_header(blob, expected_type)
    check_suite(blob, suite)
    return kid


# ---- section 3: text form -------------------------------------------------------------------------

TEXT_NAMES = {0x01: "password", 0x02: "identity", 0x03: "pubkey", 0x04: "bundle", 0x05: "wrappedidentity",
              0x06: "wrappedkey", 0x07: "wrappedaccount", 0x08: "secret", 0x09: "share", 0x0A: "batch",
              0x0B: "item", 0x0C: "accountkey", 0x0D: "head"}


def text_checksum(blob: bytes) -> bytes:
    return hashlib.sha256(lp8(b"libcloak v2 text") + blob).digest()[:4]


def text_encode(blob: bytes) -> str:
    b64 = base64.urlsafe_b64encode(blob + text_checksum(blob)).rstrip(b"=").decode("ascii")
    return "cloak-%s-%s" % (TEXT_NAMES[blob[1]], b64)


def text_decode(text: str) -> bytes:
    text = text.strip(" \t\r\n")  # exactly the four characters section 3 names, at either end
    if not text.startswith("cloak-"):
        raise SpecError("malformed", "prefix")
    name, sep, b64 = text[6:].partition("-")
    if not sep or name not in TEXT_NAMES.values():
        raise SpecError("malformed", "type name")
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    if any(c not in alphabet for c in b64) or len(b64) % 4 == 1:
        raise SpecError("malformed", "base64url")
    raw = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != b64:
        raise SpecError("malformed", "non-canonical base64")
    if len(raw) < 24:
        raise SpecError("malformed", "too short")
    blob, checksum = raw[:-4], raw[-4:]
    if not hmac.compare_digest(text_checksum(blob), checksum):
        raise SpecError("checksum")
    check_header(blob, blob[1])
    if header_suite(blob) == SUITE_XWING and blob[1] not in XWING_TYPES:
        raise SpecError("unsupported suite", "type of suite 1 only")
    if TEXT_NAMES.get(blob[1]) != name:
        raise SpecError("malformed", "prefix names another type")
    return blob


# ---- section 4: password-derived keys -------------------------------------------------------------

RECORD_MEMORY_KIB = (16384, 1048576)   # section 4.1's hard bounds
RECORD_ITERATIONS = (1, 16)
RECORD_PARALLELISM = (1, 16)


def password_record(salt: bytes, m: int, t: int, p: int) -> bytes:
    return header(0x01, bytes(16)) + u32(m) + u32(t) + u32(p) + salt


def password_record_decode(record: bytes) -> Tuple[bytes, int, int, int]:
    check_envelope(record, 0x01)
    if len(record) != 48:
        raise SpecError("malformed")
    if record[4:20] != bytes(16):
        raise SpecError("malformed", "reserved key id")
    m, t, p = struct.unpack(">III", record[20:32])
    if not (RECORD_MEMORY_KIB[0] <= m <= RECORD_MEMORY_KIB[1] and RECORD_ITERATIONS[0] <= t <= RECORD_ITERATIONS[1]
            and RECORD_PARALLELISM[0] <= p <= RECORD_PARALLELISM[1]):
        raise SpecError("bad params")
    return record[32:48], m, t, p


# 4.2: the cost policy, six u32 in this order.
POLICY_FIELDS = ("memory_kib_min", "cost_min", "memory_kib_max", "cost_max", "iterations_max", "parallelism_max")
DEFAULT_POLICY = (65536, 65536 * 3, 262144, 262144 * 3, 12, 8)


def policy_problem(values: Sequence[int]) -> Optional[str]:
    """4.2's rules for a policy, None when it is valid."""
    mem_min, cost_min, mem_max, cost_max, it_max, par_max = values
    if not RECORD_MEMORY_KIB[0] <= mem_min <= mem_max <= RECORD_MEMORY_KIB[1]:
        return "memory bounds"
    if not RECORD_MEMORY_KIB[0] * RECORD_ITERATIONS[0] <= cost_min <= cost_max \
            <= RECORD_MEMORY_KIB[1] * RECORD_ITERATIONS[1]:
        return "cost bounds"
    if not RECORD_ITERATIONS[0] <= it_max <= RECORD_ITERATIONS[1]:
        return "iterations maximum"
    if not RECORD_PARALLELISM[0] <= par_max <= RECORD_PARALLELISM[1]:
        return "parallelism maximum"
    if not any(mem_min * t <= cost_max and mem_max * t >= cost_min for t in range(RECORD_ITERATIONS[0], it_max + 1)):
        return "no record meets every bound"
    return None


def password_policy_init(mem_min: int, cost_min: int, mem_max: int, cost_max: int, it_max: int, par_max: int) -> bytes:
    values = (mem_min, cost_min, mem_max, cost_max, it_max, par_max)
    if any(not 0 <= x <= 0xFFFFFFFF for x in values) or policy_problem(values) is not None:
        raise SpecError("bad params", "policy: %s" % policy_problem(values))
    return b"".join(u32(x) for x in values)


def password_policy_default() -> bytes:
    return password_policy_init(*DEFAULT_POLICY)


def policy_decode(policy: Optional[bytes]) -> Tuple[int, ...]:
    """The six values of a policy's bytes (None: the default policy), refused as init refuses them."""
    if policy is None:
        return DEFAULT_POLICY
    if len(policy) != 24:
        raise SpecError("bad params", "policy length")
    values = struct.unpack(">6I", policy)
    if policy_problem(values) is not None:
        raise SpecError("bad params", "policy: %s" % policy_problem(values))
    return values


def policy_admit(policy: Optional[bytes], m: int, t: int, p: int) -> None:
    mem_min, cost_min, mem_max, cost_max, it_max, par_max = policy_decode(policy)
    if m < mem_min or m * t < cost_min:
        raise SpecError("weak params", "below the policy's floor")
    if m > mem_max or m * t > cost_max or t > it_max or p > par_max:
        raise SpecError("weak params", "above the policy's ceiling")


def password_record_check(record: bytes, policy: Optional[bytes]) -> None:
    _, m, t, p = password_record_decode(record)
    policy_admit(policy, m, t, p)


# 4.4 and 4.5: the account secret key and its text form.
ACCOUNT_SECRET_KEY_LEN = 20
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def check_account_id(account_id: bytes) -> None:
    if not 1 <= len(account_id) <= 255:
        raise SpecError("bad params", "account id length")


def account_secret_key_checksum(key: bytes, account_id: bytes) -> bytes:
    return hashlib.sha256(b"libcloak v2 account secret key text" + lp8(account_id) + key).digest()[:5]


def account_secret_key_encode(key: bytes, account_id: bytes) -> str:
    check_account_id(account_id)
    if len(key) != ACCOUNT_SECRET_KEY_LEN:
        raise SpecError("bad params", "secret key length")
    n = int.from_bytes(key + account_secret_key_checksum(key, account_id), "big")   # 200 bits
    chars = "".join(CROCKFORD[(n >> (5 * (39 - i))) & 31] for i in range(40))
    return "CK1-" + "-".join(chars[i:i + 5] for i in range(0, 40, 5))


def account_secret_key_decode(text: str, account_id: bytes) -> bytes:
    """4.5's reader, on the text's bytes (UTF-8, as a C caller passes them): ASCII rules only."""
    check_account_id(account_id)
    s = text.encode("utf-8").strip(b" \t\r\n")
    if len(s) < 3 or s[:2].upper() != b"CK":
        raise SpecError("malformed", "prefix")
    if s[2:3] != b"1":
        raise SpecError("unsupported version" if s[2:3].isdigit() else "malformed", "version")
    s = s[3:]
    if s.startswith(b"-"):
        s = s[1:]
    if len(s) == 47:
        groups = s.split(b"-")
        if len(groups) != 8 or any(len(g) != 5 for g in groups):
            raise SpecError("malformed", "groups")
        s = b"".join(groups)
    elif len(s) != 40:
        raise SpecError("malformed", "length")
    n = 0
    for c in s.upper().replace(b"I", b"1").replace(b"L", b"1").replace(b"O", b"0").decode("latin-1"):
        if c not in CROCKFORD:
            raise SpecError("malformed", "character %r" % c)
        n = (n << 5) | CROCKFORD.index(c)
    payload = n.to_bytes(25, "big")
    key, checksum = payload[:20], payload[20:]
    if not hmac.compare_digest(account_secret_key_checksum(key, account_id), checksum):
        raise SpecError("checksum")
    return key


# 4.3 and 4.6: the account-bound salt and the derivation.
def account_salt(salt: bytes, account_id: bytes) -> bytes:
    return hmac_sha256(salt, b"libcloak v2 account salt" + account_id)[:16]


def account_secret_key_share(key: bytes, account_id: bytes) -> bytes:
    return expand(extract(b"libcloak v2 account secret key", key), account_id, 32)


def password_derive_trace(password: bytes, account_id: bytes, secret_key: bytes, record: bytes,
                          policy: Optional[bytes] = None) -> Dict[str, bytes]:
    """4.6, checks in its order; secret_key is b"" for an account without one, policy None for the
    default policy. Returns the keys and the intermediate values (for the vectors' "trace")."""
    from argon2.low_level import Type, hash_secret_raw

    if not 1 <= len(password) <= 4096:
        raise SpecError("bad params", "password length")
    check_account_id(account_id)
    if len(secret_key) not in (0, ACCOUNT_SECRET_KEY_LEN):
        raise SpecError("bad params", "secret key length")
    salt, m, t, p = password_record_decode(record)
    policy_admit(policy, m, t, p)
    trace = {"account_salt": account_salt(salt, account_id)}
    trace["argon2id"] = hash_secret_raw(password, trace["account_salt"], time_cost=t, memory_cost=m,
                                        parallelism=p, hash_len=32, type=Type.ID, version=0x13)
    if secret_key:
        trace["secret_key_share"] = account_secret_key_share(secret_key, account_id)
        trace["prk"] = extract(b"libcloak v2 password and secret key", trace["argon2id"] + trace["secret_key_share"])
    else:
        trace["prk"] = extract(b"libcloak v2 password", trace["argon2id"])
    trace["master_key"] = expand(trace["prk"], b"libcloak v2 master key", 32)
    trace["login_key"] = expand(trace["prk"], b"libcloak v2 login key", 32)
    return trace


def password_derive(password: bytes, account_id: bytes, secret_key: bytes, record: bytes,
                    policy: Optional[bytes] = None) -> Tuple[bytes, bytes]:
    """4.6: (master key, login key)."""
    trace = password_derive_trace(password, account_id, secret_key, record, policy)
    return trace["master_key"], trace["login_key"]


# ---- sections 5 and 6: keys, bundles, user signatures, wrapped keys --------------------------------

def encryption_keypair_from_seed(seed: bytes) -> Tuple[bytes, bytes]:
    """Section 5, suite 1: RFC 9180 DeriveKeyPair on a seed of 32 to 255 bytes; returns (public, private)."""
    if not 32 <= len(seed) <= 255:
        raise SpecError("bad params", "seed length")
    pair = _suite1().kem.derive_key_pair(seed)
    return pair.public_key.to_public_bytes(), pair.private_key.to_private_bytes()


def xwing_keypair_from_seed(seed: bytes) -> Tuple[bytes, bytes]:
    """Section 5, suite 2: X-Wing's DeriveKeyPair (section 1.6); returns (public, private)."""
    return xwing_derive_key_pair(seed)


def xwing_key_hash(pk: bytes) -> bytes:
    """The key hash of an X-Wing public key, which is checked first (section 1.6)."""
    check_xwing_public_key(pk)
    return key_hash(pk)


def public_key_blob(obj_type: int, pk: bytes) -> bytes:
    suite = suite_of_public_key(pk) if obj_type == 0x03 else SUITE_X25519
    return header(obj_type, key_id_public(pk), suite) + pk


def public_key_import(obj_type: int, blob: bytes, suite: int = SUITE_X25519) -> bytes:
    """Section 5.1: the key id is the key's, and the key follows section 1.3, 1.4 or 1.6."""
    kid = check_envelope(blob, obj_type, suite)
    key_len = 32 if obj_type == 0x02 else encryption_public_key_len(suite)
    if len(blob) != 20 + key_len:
        raise SpecError("malformed")
    pk = blob[20:]
    if kid != key_id_public(pk):
        raise SpecError("malformed", "key id")
    if obj_type == 0x02:
        check_identity_public_key(pk)
    else:
        check_encryption_public_key(pk)
    return pk


def xwing_public_import(blob: bytes) -> bytes:
    return public_key_import(0x03, blob, SUITE_XWING)


def bundle_body(identity_pk: bytes, encryption_pk: bytes, suite: Optional[int] = None) -> bytes:
    """The signed part of a bundle; the suite is the encryption key's unless given (to build wrong ones)."""
    suite = suite_of_public_key(encryption_pk) if suite is None else suite
    return header(0x04, key_id_public(identity_pk), suite) + identity_pk + encryption_pk


def bundle_create(identity_sk: bytes, encryption_pk: bytes) -> bytes:
    check_identity_secret_key(identity_sk)
    check_encryption_public_key(encryption_pk)
    body = bundle_body(identity_sk[32:], encryption_pk)
    return body + labelled_sign(identity_sk, b"libcloak v2 bundle", body)


def bundle_verify(bundle: bytes, suite: int = SUITE_X25519) -> Tuple[bytes, bytes]:
    """Section 5.2, for a reader of `suite`; returns (identity public key, encryption public key)."""
    kid = check_envelope(bundle, 0x04, suite)
    e = encryption_public_key_len(suite)
    if len(bundle) != 116 + e:
        raise SpecError("malformed")
    ipk, epk = bundle[20:52], bundle[52:52 + e]
    if kid != key_id_public(ipk):
        raise SpecError("malformed", "key id")
    check_identity_public_key(ipk)
    check_encryption_public_key(epk)
    labelled_verify(ipk, bundle[52 + e:], b"libcloak v2 bundle", bundle[:52 + e])
    return ipk, epk


def bundle_verify_xwing(bundle: bytes) -> Tuple[bytes, bytes]:
    return bundle_verify(bundle, SUITE_XWING)


def user_signature_content(message: bytes, context: bytes) -> bytes:
    return lp8(context) + hashlib.sha512(message).digest()


def user_sign(secret_key: bytes, message: bytes, context: bytes) -> bytes:
    if len(context) > 255:
        raise SpecError("bad params", "context")
    return labelled_sign(secret_key, b"libcloak v2 user signature", user_signature_content(message, context))


def user_verify(pk: bytes, sig: bytes, message: bytes, context: bytes) -> None:
    labelled_verify(pk, sig, b"libcloak v2 user signature", user_signature_content(message, context))


def wrap_key(master_key: bytes) -> bytes:
    return expand(master_key, b"libcloak v2 key wrap", 32)


WRAPPED_TYPES = (0x05, 0x06, 0x07)


def wrapped_public_key_len(obj_type: int, suite: int) -> int:
    """K of section 6: 32 bytes for an identity key, E of the suite for an encryption key."""
    return 32 if obj_type == 0x05 else encryption_public_key_len(suite)


def wrap_private(obj_type: int, master_key: bytes, pk: bytes, private: bytes, nonce: Optional[bytes] = None,
                 suite: Optional[int] = None) -> bytes:
    """Low level: seals any private key under any public key (vectors build mismatched pairs). The
    suite is the public key's (an identity key's is 1) unless given."""
    if suite is None:
        suite = SUITE_X25519 if obj_type == 0x05 else suite_of_public_key(pk)
    nonce = os.urandom(24) if nonce is None else nonce
    head = header(obj_type, key_id_symmetric(master_key), suite) + pk
    return head + nonce + xchacha_seal(wrap_key(master_key), nonce, head, private)


def identity_wrap(master_key: bytes, identity_sk: bytes, nonce: Optional[bytes] = None) -> bytes:
    """Section 6: an identity key is checked before it is wrapped (section 5)."""
    seed = check_identity_secret_key(identity_sk)
    return wrap_private(0x05, master_key, identity_sk[32:], seed, nonce)


def encryption_wrap(obj_type: int, master_key: bytes, suite: int, private: bytes,
                    nonce: Optional[bytes] = None) -> bytes:
    """Section 6 for an encryption key (type 0x06) or a service account's (0x07) of either suite: the
    public key is the private key's."""
    return wrap_private(obj_type, master_key, encryption_public(suite, private), private, nonce, suite)


def unwrap_private(obj_type: int, master_key: bytes, wrapped: bytes, suite: int = SUITE_X25519) -> Tuple[bytes, bytes]:
    """Section 6 for a reader of `suite`; returns (public key, private key)."""
    kid = check_envelope(wrapped, obj_type, suite)
    k = wrapped_public_key_len(obj_type, suite)
    if len(wrapped) != 92 + k:
        raise SpecError("malformed")
    if kid != key_id_symmetric(master_key):
        raise SpecError("wrong key")
    pk, nonce = wrapped[20:20 + k], wrapped[20 + k:44 + k]
    private = xchacha_open(wrap_key(master_key), nonce, wrapped[:20 + k], wrapped[44 + k:])
    derived = ed25519_public(private) if obj_type == 0x05 else encryption_public(suite, private)
    if derived != pk:
        raise SpecError("mismatch")
    return pk, private


def _wrapped_type(wrapped: bytes) -> int:
    """The type a reader of any wrapped key expects: the blob's own when it is one of the three, so
    that another type fails with wrong type (or its header's earlier error)."""
    return wrapped[1] if len(wrapped) >= 2 and wrapped[1] in WRAPPED_TYPES else 0x05


def wrapped_key_rewrap(old_master_key: bytes, new_master_key: bytes, wrapped: bytes,
                       nonce: Optional[bytes] = None, suite: int = SUITE_X25519) -> bytes:
    """Section 6.2's re-wrap (the upgrade of section 4.7): the same type, suite and public key under the
    new master key and a fresh nonce."""
    if hmac.compare_digest(old_master_key, new_master_key):
        raise SpecError("bad params", "the same master key twice")
    obj_type = _wrapped_type(wrapped)
    check_envelope(wrapped, obj_type, suite)   # a blob of another type: wrong type
    pk, private = unwrap_private(obj_type, old_master_key, wrapped, suite)
    return wrap_private(obj_type, new_master_key, pk, private, nonce, suite)


def wrapped_key_public_key(wrapped: bytes, suite: int = SUITE_X25519) -> Tuple[bytes, int]:
    """The public key and type a wrapped key carries (section 6), parsed, not authenticated."""
    obj_type = _wrapped_type(wrapped)
    check_envelope(wrapped, obj_type, suite)
    k = wrapped_public_key_len(obj_type, suite)
    if len(wrapped) != 92 + k:
        raise SpecError("malformed")
    return wrapped[20:20 + k], wrapped[1]


def account_key_blob(pk: bytes, sk: bytes, suite: Optional[int] = None) -> bytes:
    suite = suite_of_public_key(pk) if suite is None else suite
    return header(0x0C, key_id_public(pk), suite) + sk + pk


def account_key_import(blob: bytes, suite: int = SUITE_X25519) -> Tuple[bytes, bytes]:
    """Section 6.1 for a reader of `suite`; returns (public key, private key)."""
    kid = check_envelope(blob, 0x0C, suite)
    if len(blob) != 52 + encryption_public_key_len(suite):
        raise SpecError("malformed")
    sk, pk = blob[20:52], blob[52:]
    if kid != key_id_public(pk):
        raise SpecError("malformed", "key id")
    if suite == SUITE_XWING:
        check_encryption_public_key(pk)  # section 6.1: an X25519 key that breaks 1.4 is a mismatch below
    if encryption_public(suite, sk) != pk:
        raise SpecError("mismatch")
    return pk, sk


def account_key_export(pk: bytes, sk: bytes) -> bytes:
    if encryption_public(suite_of_public_key(pk), sk) != pk:
        raise SpecError("mismatch")
    return account_key_blob(pk, sk)


# ---- section 7: vaults, epochs and secrets ----------------------------------------------------------

def secret_key(vault_key: bytes) -> bytes:
    return expand(vault_key, b"libcloak v2 secret key", 32)


def index_key(vault_key: bytes) -> bytes:
    return expand(vault_key, b"libcloak v2 blind index key", 32)


def _check_vault(epoch: int, vault_id: bytes) -> None:
    if not 1 <= epoch <= 0xFFFFFFFF or not 1 <= len(vault_id) <= 255:
        raise SpecError("bad params", "epoch or vault id")


def _secret_ad(head24: bytes, vault_id: bytes, name: bytes, context: bytes) -> bytes:
    return head24 + lp8(vault_id) + lp8(name) + lp8(context)


def secret_padded_plaintext(value: bytes) -> bytes:
    pt = u32(len(value)) + value
    return pt + bytes(pad(len(pt)) - len(pt))


def secret_seal_plaintext(vault_key: bytes, epoch: int, vault_id: bytes, name: bytes, context: bytes,
                          plaintext: bytes, nonce: Optional[bytes] = None) -> bytes:
    """Low level: seals any plaintext, padded or not (vectors build secrets a reader must refuse)."""
    nonce = os.urandom(24) if nonce is None else nonce
    head = header(0x08, key_id_symmetric(vault_key)) + u32(epoch)
    return head + nonce + xchacha_seal(secret_key(vault_key), nonce, _secret_ad(head, vault_id, name, context),
                                       plaintext)


def secret_seal(vault_key: bytes, epoch: int, vault_id: bytes, name: bytes, context: bytes, value: bytes,
                nonce: Optional[bytes] = None) -> bytes:
    _check_vault(epoch, vault_id)
    if not 1 <= len(name) <= 255 or len(context) > 255:
        raise SpecError("bad params")
    return secret_seal_plaintext(vault_key, epoch, vault_id, name, context, secret_padded_plaintext(value), nonce)


def secret_sealed_len(value_len: int) -> int:
    return 64 + pad(4 + value_len)


def secret_opened_len(sealed_len: int) -> int:
    return sealed_len - 64 - 4 if sealed_len >= 64 and is_pad_len(sealed_len - 64) else 0


def secret_open(vault_key: bytes, epoch: int, vault_id: bytes, name: bytes, context: bytes, sealed: bytes) -> bytes:
    _check_vault(epoch, vault_id)
    kid = check_envelope(sealed, 0x08)
    if len(sealed) < 64 + 16 or not is_pad_len(len(sealed) - 64):
        raise SpecError("malformed", "length")
    if kid != key_id_symmetric(vault_key):
        raise SpecError("wrong key")
    if struct.unpack(">I", sealed[20:24])[0] != epoch:
        raise SpecError("mismatch", "epoch")
    pt = xchacha_open(secret_key(vault_key), sealed[24:48], _secret_ad(sealed[:24], vault_id, name, context),
                      sealed[48:])
    n = struct.unpack(">I", pt[:4])[0]
    if n > len(pt) - 4 or any(pt[4 + n:]):
        raise SpecError("malformed", "plaintext length or padding")
    return pt[4:4 + n]


def blind_index(vault_key: bytes, vault_id: bytes, name: bytes) -> bytes:
    return hmac_sha256(index_key(vault_key), lp8(vault_id) + lp8(name))


# ---- section 8: vault-key shares ----------------------------------------------------------------------

def share_info(vault_id: bytes, epoch: int, recipient_pk: bytes, sender_pk: bytes) -> bytes:
    return lp8(b"libcloak v2 share") + lp8(vault_id) + u32(epoch) + binding(recipient_pk) + sender_pk


def share_seal(vault_key: bytes, epoch: int, vault_id: bytes, recipient_pk: bytes, sender_sk: bytes,
               ephemeral_secret: Optional[bytes] = None) -> bytes:
    """A share to a key of either suite; ephemeral_secret is Encap's randomness (hpke_setup_sender)."""
    _check_vault(epoch, vault_id)
    check_encryption_public_key(recipient_pk)
    check_identity_secret_key(sender_sk)
    sender_pk = sender_sk[32:]
    head = header(0x09, key_id_public(recipient_pk), suite_of_public_key(recipient_pk)) + sender_pk + u32(epoch)
    enc, ctx = hpke_setup_sender(recipient_pk, share_info(vault_id, epoch, recipient_pk, sender_pk), ephemeral_secret)
    body = head + enc + ctx.seal(0, head, vault_key)
    return body + labelled_sign(sender_sk, b"libcloak v2 share", body + lp8(vault_id) + binding(recipient_pk))


def share_len(suite: int) -> int:
    return 168 + enc_len(suite)


def _share_open(suite: int, share: bytes, vault_id: bytes, recipient_pk: bytes, recipient_sk: bytes,
                trusted_sender_pk: bytes, min_epoch: int) -> Tuple[bytes, int]:
    """Returns (vault key, epoch), checking in section 8's order."""
    kid = check_envelope(share, 0x09, suite)
    if len(share) != share_len(suite):
        raise SpecError("malformed")
    n = enc_len(suite)
    epoch = struct.unpack(">I", share[52:56])[0]
    if epoch == 0:
        raise SpecError("malformed", "epoch 0")
    if kid != key_id_public(recipient_pk):
        raise SpecError("wrong key")
    sender_pk, enc, ct, sig = share[20:52], share[56:56 + n], share[56 + n:104 + n], share[104 + n:]
    if sender_pk != trusted_sender_pk:
        raise SpecError("untrusted signer")
    labelled_verify(sender_pk, sig, b"libcloak v2 share", share[:104 + n] + lp8(vault_id) + binding(recipient_pk))
    if epoch < min_epoch:
        raise SpecError("stale", "epoch")
    ctx = hpke_setup_recipient(suite, enc, recipient_pk, recipient_sk,
                               share_info(vault_id, epoch, recipient_pk, sender_pk))
    return ctx.open(0, share[:56], ct), epoch


def share_open(share: bytes, vault_id: bytes, recipient_sk: bytes, trusted_sender_pk: bytes,
               min_epoch: int) -> Tuple[bytes, int]:
    """Suite 1: the recipient's public key is its private key's."""
    return _share_open(SUITE_X25519, share, vault_id, x25519_public(recipient_sk), recipient_sk, trusted_sender_pk,
                       min_epoch)


def share_open_xwing(share: bytes, vault_id: bytes, recipient_pk: bytes, recipient_sk: bytes,
                     trusted_sender_pk: bytes, min_epoch: int) -> Tuple[bytes, int]:
    """Suite 2: the recipient names its public key, which its HPKE setup checks against its seed."""
    return _share_open(SUITE_XWING, share, vault_id, recipient_pk, recipient_sk, trusted_sender_pk, min_epoch)


def share_sender(share: bytes) -> bytes:
    """The identity that signed a share of either suite, parsed, not verified."""
    check_header(share, 0x09)
    check_suite(share, header_suite(share))
    if len(share) != share_len(header_suite(share)):
        raise SpecError("malformed")
    return share[20:52]


# ---- section 9: service-account batches ---------------------------------------------------------------

def batch_info(account_pk: bytes, batch_id: bytes, vault_id: bytes, epoch: int, head_version: int,
               head_hash: bytes, expiry: int, creator_pk: bytes) -> bytes:
    return (lp8(b"libcloak v2 batch") + binding(account_pk) + batch_id + lp8(vault_id) + u32(epoch)
            + u64(head_version) + head_hash + u64(expiry) + creator_pk)


def item_plaintext(name: bytes, value: bytes) -> bytes:
    pt = lp8(name) + u32(len(value)) + value
    return pt + bytes(pad(len(pt)) - len(pt))


def batch_item_len(name_len: int, value_len: int) -> int:
    return 56 + pad(5 + name_len + value_len)


def batch_item_opened_maxlen(item_len: int) -> int:
    return item_len - 56 if item_len >= 56 and is_pad_len(item_len - 56) else 0


def batch_vault_id_offset(suite: int) -> int:
    """V of section 9.1: 100 in suite 1, 1188 in suite 2."""
    return 68 + enc_len(suite)


def batch_len(suite: int, vault_id_len: int, item_count: int) -> int:
    return batch_vault_id_offset(suite) + 121 + vault_id_len + 32 * item_count


class BatchHead:
    """What a batch binds besides its items (sections 9.1, 9.3's writer inputs); the batch's suite is
    the account key's."""

    def __init__(self, account_pk: bytes, creator_pk: bytes, vault_id: bytes, epoch: int, head_version: int,
                 head_hash: bytes, expiry: int) -> None:
        self.account_pk, self.creator_pk, self.vault_id = account_pk, creator_pk, vault_id
        self.epoch, self.head_version, self.head_hash, self.expiry = epoch, head_version, head_hash, expiry

    @property
    def suite(self) -> int:
        return suite_of_public_key(self.account_pk)


def batch_make(head: BatchHead, items: Sequence[Tuple[bytes, bytes]], creator_sk: bytes,
               batch_id: Optional[bytes] = None, ephemeral_secret: Optional[bytes] = None) -> Tuple[bytes, List[bytes]]:
    for name, _ in items:
        if not 1 <= len(name) <= 255:
            raise SpecError("bad params", "name")
    return batch_make_plaintexts(head, [item_plaintext(n, val) for n, val in items], creator_sk, batch_id,
                                 ephemeral_secret)


def batch_begin_checks(head: BatchHead) -> None:
    check_encryption_public_key(head.account_pk)
    if not 1 <= len(head.vault_id) <= 255 or head.epoch < 1 or head.head_version < 1:
        raise SpecError("bad params", "vault id, epoch or head version")


def batch_make_plaintexts(head: BatchHead, plaintexts: Sequence[bytes], creator_sk: bytes,
                          batch_id: Optional[bytes] = None, ephemeral_secret: Optional[bytes] = None,
                          signed_items: Optional[Sequence[bytes]] = None) -> Tuple[bytes, List[bytes]]:
    """A batch whose items hold the given plaintexts (normally item_plaintext(name, value); anything
    else builds an item that is malformed inside). signed_items replaces the items the manifest
    lists, to build a batch whose creator signed items that do not decrypt. Draws the batch id, then
    the HPKE encapsulation's randomness."""
    batch_begin_checks(head)
    suite = head.suite
    batch_id = os.urandom(16) if batch_id is None else batch_id
    kid = key_id_public(head.account_pk)
    info = batch_info(head.account_pk, batch_id, head.vault_id, head.epoch, head.head_version, head.head_hash,
                      head.expiry, head.creator_pk)
    enc, ctx = hpke_setup_sender(head.account_pk, info, ephemeral_secret)
    sealed: List[bytes] = []
    for i, pt in enumerate(plaintexts):  # sealed at sequence number i
        item_head = header(0x0B, kid, suite) + batch_id + u32(i)
        sealed.append(item_head + ctx.seal(i, item_head, pt))
    listed = sealed if signed_items is None else list(signed_items)
    if len(listed) > 1000000:
        raise SpecError("bad params", "item count")
    if creator_sk[32:] != head.creator_pk:
        raise SpecError("mismatch", "creator")
    check_identity_secret_key(creator_sk)
    manifest = b"".join(blake2b_256(it) for it in listed)
    prefix = (header(0x0A, kid, suite) + batch_id + enc + head.creator_pk + lp8(head.vault_id) + u32(head.epoch)
              + u64(head.head_version) + head.head_hash + u64(head.expiry) + u32(len(listed)))
    sig = labelled_sign(creator_sk, b"libcloak v2 batch", prefix + blake2b_256(manifest))
    return prefix + manifest + sig, sealed


def batch_parse(batch: bytes, suite: int) -> Dict[str, object]:
    """Section 2's steps 1 to 5 and section 9.1's length rules (all malformed) for a batch of `suite`;
    returns its fields, unverified."""
    kid = check_envelope(batch, 0x0A, suite)
    v = batch_vault_id_offset(suite)
    if len(batch) < v + 122:
        raise SpecError("malformed", "length")
    vlen = batch[v]
    if vlen == 0:
        raise SpecError("malformed", "empty vault id")
    if len(batch) < v + 57 + vlen:
        raise SpecError("malformed", "length")
    t = v + 1 + vlen   # the epoch's offset
    epoch, head_version = struct.unpack(">I", batch[t:t + 4])[0], struct.unpack(">Q", batch[t + 4:t + 12])[0]
    n = struct.unpack(">I", batch[t + 52:t + 56])[0]
    if epoch == 0 or head_version == 0:
        raise SpecError("malformed", "epoch or head version 0")
    if n > 1000000 or len(batch) != v + 121 + vlen + 32 * n:
        raise SpecError("malformed", "count or length")
    return {"key_id": kid, "batch_id": batch[20:36], "enc": batch[36:v - 32], "creator": batch[v - 32:v],
            "vault_id": batch[v + 1:t], "epoch": epoch, "head_version": head_version,
            "head_hash": batch[t + 12:t + 44], "expiry": struct.unpack(">Q", batch[t + 44:t + 52])[0], "count": n,
            "manifest": batch[t + 56:t + 56 + 32 * n], "signed": batch[:t + 56], "signature": batch[-64:]}


def batch_count(batch: bytes) -> int:
    """The item count of a batch of either suite, parsed, not verified (to size a reader's tags): the
    header, then section 9.1's length rules in the suite the batch names."""
    check_header(batch, 0x0A)
    return batch_parse(batch, header_suite(batch))["count"]


def batch_sender(batch: bytes) -> bytes:
    """The creator a batch of either suite names, parsed, not verified."""
    check_header(batch, 0x0A)
    return batch_parse(batch, header_suite(batch))["creator"]


class BatchReader:
    """Section 9.1's checks on construction, freshness in check(), then section 9.2's per item, in
    any order. It follows section 9.3's reader (tags under a MAC key only the reader holds, each
    used up once its item opens), so the vectors can tamper with a tag as a caller could. A reader of
    suite 1 derives the account's public key from its private key; one of suite 2 is given it."""

    def __init__(self, batch: bytes, vault_id: bytes, account_sk: bytes, trusted: Sequence[bytes],
                 mac_key: Optional[bytes] = None, suite: int = SUITE_X25519,
                 account_pk: Optional[bytes] = None) -> None:
        if suite == SUITE_X25519:
            account_pk = x25519_public(account_sk)
        assert account_pk is not None
        b = batch_parse(batch, suite)
        if b["key_id"] != key_id_public(account_pk):
            raise SpecError("wrong key")
        if b["vault_id"] != vault_id:
            raise SpecError("mismatch", "vault id")
        if b["creator"] not in trusted:
            raise SpecError("untrusted signer")
        labelled_verify(b["creator"], b["signature"], b"libcloak v2 batch", b["signed"] + blake2b_256(b["manifest"]))
        self.suite, self.kid, self.batch_id, self.creator = suite, b["key_id"], b["batch_id"], b["creator"]
        self.epoch, self.head_version, self.head_hash = b["epoch"], b["head_version"], b["head_hash"]
        self.expiry, self.count = b["expiry"], b["count"]
        self._ctx = hpke_setup_recipient(
            suite, b["enc"], account_pk, account_sk,
            batch_info(account_pk, self.batch_id, vault_id, self.epoch, self.head_version, self.head_hash, self.expiry,
                       self.creator))
        self._mac_key = os.urandom(32) if mac_key is None else mac_key
        manifest = b["manifest"]
        self.tags = bytearray(b"".join(self._tag(i, manifest[32 * i:32 * i + 32]) for i in range(self.count)))
        self.checked = False

    def _tag(self, index: int, digest: bytes) -> bytes:
        return hmac_sha256(self._mac_key, u32(index) + digest)[:16]

    def check(self, min_epoch: int, min_head_version: int, now: int) -> None:
        if self.epoch < min_epoch or self.head_version < min_head_version:
            raise SpecError("stale")
        if now > self.expiry:
            raise SpecError("expired")
        self.checked = True

    def open_item(self, item: bytes) -> Tuple[bytes, bytes]:
        if not self.checked:
            raise SpecError("bad state", "freshness not checked")
        ikid = check_envelope(item, 0x0B, self.suite)   # the suite is the verified batch's
        if len(item) < 56 + 64 or not is_pad_len(len(item) - 56):
            raise SpecError("malformed", "length")
        if ikid != self.kid:
            raise SpecError("wrong key")
        index = struct.unpack(">I", item[36:40])[0]
        if item[20:36] != self.batch_id or index >= self.count:
            raise SpecError("mismatch")
        # A used tag is zero, and no item's tag is zero but with probability 2^-128.
        if not hmac.compare_digest(self._tag(index, blake2b_256(item)), bytes(self.tags[16 * index:16 * index + 16])):
            raise SpecError("bad signature", "item not in the manifest, or already opened")
        pt = self._ctx.open(index, item[:40], item[40:])
        nl = pt[0]
        if nl == 0 or 1 + nl + 4 > len(pt):
            raise SpecError("malformed", "name")
        vl = struct.unpack(">I", pt[1 + nl:5 + nl])[0]
        if vl > len(pt) - 5 - nl or any(pt[5 + nl + vl:]):
            raise SpecError("malformed", "value length or padding")
        self.tags[16 * index:16 * index + 16] = bytes(16)
        return pt[1:1 + nl], pt[5 + nl:5 + nl + vl]


# ---- section 9.4: a service account's access credential ---------------------------------------------

def service_account_credential(pk: bytes, sk: bytes) -> bytes:
    """The credential of the key pair (pk, sk), its suite taken from pk's length: an X-Wing key's check
    (section 1.6), then that sk gives pk (mismatch), and only then the derivation."""
    suite = suite_of_public_key(pk)
    if suite == SUITE_XWING:
        check_xwing_public_key(pk)
    if encryption_public(suite, sk) != pk:
        raise SpecError("mismatch", "the private key does not give the public key")
    prk = extract(b"libcloak v2 service account credential", sk)
    return expand(prk, u16(suite) + key_id_public(pk), 32)


def service_account_credential_verifier(credential: bytes) -> bytes:
    """What the server stores: the label as it is (no length byte), then the 32-byte credential."""
    if len(credential) != 32:
        raise SpecError("bad params", "a credential is 32 bytes")
    return hashlib.sha256(b"libcloak v2 service account verifier" + credential).digest()


# ---- HPKE single-shot (section 1) -----------------------------------------------------------------

def hpke_seal_base(recipient_pk: bytes, info: bytes, aad: bytes, pt: bytes,
                   ephemeral_secret: Optional[bytes] = None) -> Tuple[bytes, bytes]:
    """Either suite, by the key's length; ephemeral_secret is Encap's randomness."""
    enc, ctx = hpke_setup_sender(recipient_pk, info, ephemeral_secret)
    return enc, ctx.seal(0, aad, pt)


def _hpke_open_base(suite: int, enc: bytes, recipient_pk: bytes, recipient_sk: bytes, info: bytes, aad: bytes,
                    ct: bytes) -> bytes:
    if len(ct) < 16:
        raise SpecError("malformed", "shorter than a tag")
    return hpke_setup_recipient(suite, enc, recipient_pk, recipient_sk, info).open(0, aad, ct)


def hpke_open_base(enc: bytes, recipient_sk: bytes, info: bytes, aad: bytes, ct: bytes) -> bytes:
    return _hpke_open_base(SUITE_X25519, enc, x25519_public(recipient_sk), recipient_sk, info, aad, ct)


def hpke_open_base_xwing(enc: bytes, recipient_pk: bytes, recipient_sk: bytes, info: bytes, aad: bytes,
                         ct: bytes) -> bytes:
    return _hpke_open_base(SUITE_XWING, enc, recipient_pk, recipient_sk, info, aad, ct)


def blob_inspect(blob: bytes) -> Tuple[int, bytes]:
    """Steps 1 to 4 of section 2 for a blob of any type, and the half of step 5 that needs no reader:
    its type admits its suite."""
    kid = check_header(blob, blob[1] if len(blob) >= 2 else 0)
    if header_suite(blob) == SUITE_XWING and blob[1] not in XWING_TYPES:
        raise SpecError("unsupported suite", "type of suite 1 only")
    return blob[1], kid


def blob_suite(blob: bytes) -> int:
    blob_inspect(blob)
    return header_suite(blob)


# ---- section 11.2: fingerprints -------------------------------------------------------------------

def fingerprint(identity_pk: bytes) -> str:
    d = hashlib.sha512(lp8(b"libcloak v2 fingerprint") + identity_pk).digest()
    return " ".join("%05d" % (int.from_bytes(d[5 * j:5 * j + 5], "big") % 100000) for j in range(6))


def pair_code(a: bytes, b: bytes) -> str:
    fa, fb = fingerprint(a), fingerprint(b)
    return " ".join(sorted([fa, fb]))

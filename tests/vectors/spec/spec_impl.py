"""An independent implementation of docs/protocol.md, written from the document alone: the producer
of tests/vectors/libcloak.json (tests/vectors/make_libcloak_vectors.py). It uses no libcloak code:
hashlib/hmac for SHA-2, BLAKE2b and HMAC, pyca/cryptography for ChaCha20-Poly1305 (IETF), Ed25519
and X25519, HChaCha20 written here (so XChaCha20-Poly1305 is built from the IETF AEAD as
draft-irtf-cfrg-xchacha section 2.3 describes), pyhpke for HPKE (RFC 9180), and argon2-cffi for
Argon2id. Every random value (nonce, salt, batch id, HPKE ephemeral key) may be passed in, so the
vectors are reproducible.

Section numbers below are docs/protocol.md's."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
from typing import List, Optional, Sequence, Tuple

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

VERSION = 0x01
SUITE = 0x0001


class SpecError(Exception):
    """A check of the spec failed; `kind` is the error the spec names (section 11's names)."""

    def __init__(self, kind: str, why: str = "") -> None:
        super().__init__("%s: %s" % (kind, why))
        self.kind = kind


# ---- section 1: notation and primitives -----------------------------------------------------------

def lp8(x: bytes) -> bytes:
    if len(x) > 255:
        raise ValueError("lp8: more than 255 bytes")
    return bytes([len(x)]) + x


def u32(n: int) -> bytes:
    return struct.pack(">I", n)


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


def ed25519_public(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def x25519_public(sk: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(sk).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


# 1.1 labelled signatures
def labelled_sign(seed: bytes, label: bytes, content: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).sign(lp8(label) + content)


def labelled_verify(pk: bytes, sig: bytes, label: bytes, content: bytes) -> None:
    try:
        Ed25519PublicKey.from_public_bytes(pk).verify(sig, lp8(label) + content)
    except InvalidSignature:
        raise SpecError("bad signature", label.decode()) from None


# 1.2 key ids
def key_id_symmetric(k: bytes) -> bytes:
    return expand(k, b"libcloak v1 key id", 16)


def key_id_public(p: bytes) -> bytes:
    return hashlib.sha256(lp8(b"libcloak v1 public key id") + p).digest()[:16]


# ---- section 2: envelope --------------------------------------------------------------------------

TYPES = {0x01: 48, 0x02: 52, 0x03: 52, 0x04: 148, 0x05: 124, 0x06: 124, 0x07: 124, 0x08: None,
         0x09: 196, 0x0A: None, 0x0B: None, 0x0C: 84}


def header(obj_type: int, key_id: bytes) -> bytes:
    assert len(key_id) == 16
    return bytes([VERSION, obj_type]) + struct.pack(">H", SUITE) + key_id


def check_header(blob: bytes, expected_type: int) -> bytes:
    """Steps 1 to 4 of section 2; returns the key id."""
    if len(blob) < 20:
        raise SpecError("malformed", "shorter than a header")
    if blob[0] != VERSION:
        raise SpecError("unsupported version")
    if struct.unpack(">H", blob[2:4])[0] != SUITE:
        raise SpecError("unsupported suite")
    if blob[1] not in TYPES:
        raise SpecError("malformed", "unknown type")
    if blob[1] != expected_type:
        raise SpecError("wrong type")
    return blob[4:20]


# ---- section 3: text form -------------------------------------------------------------------------

TEXT_NAMES = {0x01: "password", 0x02: "identity", 0x03: "pubkey", 0x04: "bundle", 0x05: "wrappedidentity",
              0x06: "wrappedkey", 0x07: "wrappedaccount", 0x08: "secret", 0x09: "share", 0x0A: "batch",
              0x0B: "item", 0x0C: "accountkey"}


def text_checksum(blob: bytes) -> bytes:
    return hashlib.sha256(lp8(b"libcloak v1 text") + blob).digest()[:4]


def text_encode(blob: bytes) -> str:
    b64 = base64.urlsafe_b64encode(blob + text_checksum(blob)).rstrip(b"=").decode("ascii")
    return "cloak-%s-%s" % (TEXT_NAMES[blob[1]], b64)


def text_decode(text: str) -> bytes:
    text = text.strip(" \t\r\n")
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
    if len(raw) < 4:
        raise SpecError("malformed", "too short")
    blob, checksum = raw[:-4], raw[-4:]
    if not hmac.compare_digest(text_checksum(blob), checksum):
        raise SpecError("checksum")
    check_header(blob, blob[1] if len(blob) > 1 else 0)
    if TEXT_NAMES.get(blob[1]) != name:
        raise SpecError("malformed", "prefix names another type")
    return blob


# ---- section 4: password-derived keys -------------------------------------------------------------

def password_record(salt: bytes, m: int, t: int, p: int) -> bytes:
    return header(0x01, bytes(16)) + u32(m) + u32(t) + u32(p) + salt


def password_record_decode(record: bytes) -> Tuple[bytes, int, int, int]:
    check_header(record, 0x01)
    if len(record) != 48:
        raise SpecError("malformed")
    if record[4:20] != bytes(16):
        raise SpecError("malformed", "reserved key id")
    m, t, p = struct.unpack(">III", record[20:32])
    if not (16384 <= m <= 1048576 and 1 <= t <= 16 and 1 <= p <= 16):
        raise SpecError("bad params")
    return record[32:48], m, t, p


def password_derive(password: bytes, record: bytes) -> Tuple[bytes, bytes]:
    from argon2.low_level import Type, hash_secret_raw

    if not 1 <= len(password) <= 4096:
        raise SpecError("bad params", "password length")
    salt, m, t, p = password_record_decode(record)
    pw_key = hash_secret_raw(password, salt, time_cost=t, memory_cost=m, parallelism=p, hash_len=32,
                             type=Type.ID, version=0x13)
    prk = extract(b"libcloak v1 password", pw_key)
    return expand(prk, b"libcloak v1 master key", 32), expand(prk, b"libcloak v1 login key", 32)


# ---- sections 5 and 6: keys, bundles, user signatures, wrapped keys --------------------------------

def public_key_blob(obj_type: int, pk: bytes) -> bytes:
    return header(obj_type, key_id_public(pk)) + pk


def bundle_create(identity_seed: bytes, encryption_pk: bytes) -> bytes:
    ipk = ed25519_public(identity_seed)
    body = header(0x04, key_id_public(ipk)) + ipk + encryption_pk
    return body + labelled_sign(identity_seed, b"libcloak v1 bundle", body)


def bundle_verify(bundle: bytes) -> Tuple[bytes, bytes]:
    kid = check_header(bundle, 0x04)
    if len(bundle) != 148:
        raise SpecError("malformed")
    ipk, epk = bundle[20:52], bundle[52:84]
    if kid != key_id_public(ipk):
        raise SpecError("malformed", "key id")
    labelled_verify(ipk, bundle[84:148], b"libcloak v1 bundle", bundle[:84])
    return ipk, epk


def user_signature_content(message: bytes, context: bytes) -> bytes:
    return lp8(context) + hashlib.sha512(message).digest()


def user_sign(seed: bytes, message: bytes, context: bytes) -> bytes:
    return labelled_sign(seed, b"libcloak v1 user signature", user_signature_content(message, context))


def user_verify(pk: bytes, sig: bytes, message: bytes, context: bytes) -> None:
    labelled_verify(pk, sig, b"libcloak v1 user signature", user_signature_content(message, context))


def wrap_key(master_key: bytes) -> bytes:
    return expand(master_key, b"libcloak v1 key wrap", 32)


def wrap_private(obj_type: int, master_key: bytes, pk: bytes, private: bytes, nonce: Optional[bytes] = None) -> bytes:
    nonce = os.urandom(24) if nonce is None else nonce
    head = header(obj_type, key_id_symmetric(master_key)) + pk
    return head + nonce + xchacha_seal(wrap_key(master_key), nonce, head, private)


def unwrap_private(obj_type: int, master_key: bytes, wrapped: bytes) -> Tuple[bytes, bytes]:
    kid = check_header(wrapped, obj_type)
    if len(wrapped) != 124:
        raise SpecError("malformed")
    if kid != key_id_symmetric(master_key):
        raise SpecError("wrong key")
    pk, nonce = wrapped[20:52], wrapped[52:76]
    private = xchacha_open(wrap_key(master_key), nonce, wrapped[:52], wrapped[76:])
    derived = ed25519_public(private) if obj_type == 0x05 else x25519_public(private)
    if derived != pk:
        raise SpecError("mismatch")
    return pk, private


def account_key_blob(pk: bytes, sk: bytes) -> bytes:
    return header(0x0C, key_id_public(pk)) + sk + pk


# ---- section 7: vaults and secrets ----------------------------------------------------------------

def secret_key(vault_key: bytes) -> bytes:
    return expand(vault_key, b"libcloak v1 secret key", 32)


def index_key(vault_key: bytes) -> bytes:
    return expand(vault_key, b"libcloak v1 blind index key", 32)


def _secret_ad(head: bytes, vault_id: bytes, name: bytes, context: bytes) -> bytes:
    return head + lp8(vault_id) + lp8(name) + lp8(context)


def secret_seal(vault_key: bytes, vault_id: bytes, name: bytes, context: bytes, value: bytes,
                nonce: Optional[bytes] = None) -> bytes:
    if not 1 <= len(name) <= 255 or len(context) > 255 or not 1 <= len(vault_id) <= 255:
        raise SpecError("bad params")
    nonce = os.urandom(24) if nonce is None else nonce
    head = header(0x08, key_id_symmetric(vault_key))
    return head + nonce + xchacha_seal(secret_key(vault_key), nonce, _secret_ad(head, vault_id, name, context), value)


def secret_open(vault_key: bytes, vault_id: bytes, name: bytes, context: bytes, sealed: bytes) -> bytes:
    kid = check_header(sealed, 0x08)
    if len(sealed) < 60:
        raise SpecError("malformed")
    if kid != key_id_symmetric(vault_key):
        raise SpecError("wrong key")
    return xchacha_open(secret_key(vault_key), sealed[20:44], _secret_ad(sealed[:20], vault_id, name, context),
                        sealed[44:])


def blind_index(vault_key: bytes, vault_id: bytes, name: bytes) -> bytes:
    return hmac_sha256(index_key(vault_key), lp8(vault_id) + lp8(name))


# ---- section 8: vault-key shares (HPKE through pyhpke) --------------------------------------------

def _suite():  # type: ignore[no-untyped-def]
    from pyhpke import AEADId, CipherSuite, KDFId, KEMId
    return CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.CHACHA20_POLY1305)


def share_info(vault_id: bytes, recipient_pk: bytes, sender_pk: bytes) -> bytes:
    return lp8(b"libcloak v1 vault key share") + lp8(vault_id) + recipient_pk + sender_pk


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
    try:
        X25519PrivateKey.from_private_bytes(b"\x01" * 32).exchange(X25519PublicKey.from_public_bytes(pk))
    except ValueError:
        raise SpecError("invalid key", "all-zero agreement") from None


def share_seal(vault_key: bytes, vault_id: bytes, recipient_pk: bytes, sender_seed: bytes,
               ephemeral_secret: Optional[bytes] = None) -> bytes:
    suite = _suite()
    _x25519_agreement_check(recipient_pk)
    sender_pk = ed25519_public(sender_seed)
    head = header(0x09, key_id_public(recipient_pk)) + sender_pk
    enc, ctx = suite.create_sender_context(suite.kem.deserialize_public_key(recipient_pk),
                                           info=share_info(vault_id, recipient_pk, sender_pk),
                                           eks=_ephemeral(suite, ephemeral_secret))
    ct = ctx.seal(vault_key, aad=head)
    body = head + enc + ct
    return body + labelled_sign(sender_seed, b"libcloak v1 share", body + lp8(vault_id) + recipient_pk)


def share_open(share: bytes, vault_id: bytes, recipient_sk: bytes, trusted_sender_pk: bytes) -> bytes:
    suite = _suite()
    recipient_pk = x25519_public(recipient_sk)
    kid = check_header(share, 0x09)
    if len(share) != 196:
        raise SpecError("malformed")
    if kid != key_id_public(recipient_pk):
        raise SpecError("wrong key")
    sender_pk, enc, ct, sig = share[20:52], share[52:84], share[84:132], share[132:196]
    if sender_pk != trusted_sender_pk:
        raise SpecError("untrusted signer")
    labelled_verify(sender_pk, sig, b"libcloak v1 share", share[:132] + lp8(vault_id) + recipient_pk)
    ctx = suite.create_recipient_context(enc, suite.kem.deserialize_private_key(recipient_sk),
                                         info=share_info(vault_id, recipient_pk, sender_pk))
    try:
        return bytes(ctx.open(ct, aad=share[:52]))
    except Exception:
        raise SpecError("auth", "HPKE") from None


# ---- section 9: service-account batches (HPKE through pyhpke) --------------------------------------

def batch_info(account_pk: bytes, batch_id: bytes, vault_id: bytes) -> bytes:
    return lp8(b"libcloak v1 service account batch") + account_pk + batch_id + lp8(vault_id)


def batch_make(account_pk: bytes, vault_id: bytes, items: Sequence[Tuple[bytes, bytes]], creator_seed: bytes,
               batch_id: Optional[bytes] = None, ephemeral_secret: Optional[bytes] = None) -> Tuple[bytes, List[bytes]]:
    return batch_make_plaintexts(account_pk, vault_id, [lp8(name) + value for name, value in items], creator_seed,
                                 batch_id, ephemeral_secret)


def batch_make_plaintexts(account_pk: bytes, vault_id: bytes, plaintexts: Sequence[bytes], creator_seed: bytes,
                          batch_id: Optional[bytes] = None, ephemeral_secret: Optional[bytes] = None,
                          signed_items: Optional[Sequence[bytes]] = None) -> Tuple[bytes, List[bytes]]:
    """A batch whose items hold the given plaintexts (normally lp8(name) || value; anything else
    builds an item that is malformed inside). signed_items replaces the items the manifest lists,
    to build a batch whose creator signed items that do not decrypt."""
    suite = _suite()
    _x25519_agreement_check(account_pk)
    if not 1 <= len(vault_id) <= 255:
        raise SpecError("bad params", "vault id")
    batch_id = os.urandom(16) if batch_id is None else batch_id
    kid = key_id_public(account_pk)
    enc, ctx = suite.create_sender_context(suite.kem.deserialize_public_key(account_pk),
                                           info=batch_info(account_pk, batch_id, vault_id),
                                           eks=_ephemeral(suite, ephemeral_secret))
    sealed: List[bytes] = []
    for i, pt in enumerate(plaintexts):  # the context's sequence number is i
        head = header(0x0B, kid) + batch_id + u32(i)
        sealed.append(head + ctx.seal(pt, aad=head))
    listed = sealed if signed_items is None else list(signed_items)
    manifest = b"".join(blake2b_256(it) for it in listed)
    creator_pk = ed25519_public(creator_seed)
    prefix = header(0x0A, kid) + batch_id + enc + creator_pk + lp8(vault_id) + u32(len(listed))
    sig = labelled_sign(creator_seed, b"libcloak v1 batch", prefix + blake2b_256(manifest))
    return prefix + manifest + sig, sealed


class BatchReader:
    """Section 9.1's checks on construction, then section 9.2's per item, in any order."""

    def __init__(self, batch: bytes, account_sk: bytes, trusted: Sequence[bytes]) -> None:
        account_pk = x25519_public(account_sk)
        kid = check_header(batch, 0x0A)
        if len(batch) < 101:
            raise SpecError("malformed")
        vlen = batch[100]
        if vlen == 0:
            raise SpecError("malformed", "empty vault id")
        if len(batch) < 105 + vlen:
            raise SpecError("malformed")
        n = struct.unpack(">I", batch[101 + vlen:105 + vlen])[0]
        if n > 1000000 or len(batch) != 169 + vlen + 32 * n:
            raise SpecError("malformed")
        if kid != key_id_public(account_pk):
            raise SpecError("wrong key")
        self.batch_id, enc, self.creator = batch[20:36], batch[36:68], batch[68:100]
        self.vault_id = batch[101:101 + vlen]
        if self.creator not in trusted:
            raise SpecError("untrusted signer")
        self.manifest = batch[105 + vlen:105 + vlen + 32 * n]
        labelled_verify(self.creator, batch[-64:], b"libcloak v1 batch",
                        batch[:105 + vlen] + blake2b_256(self.manifest))
        self.kid, self.count = kid, n
        suite = _suite()
        _x25519_agreement_check(enc)
        self._ctx = suite.create_recipient_context(enc, suite.kem.deserialize_private_key(account_sk),
                                                   info=batch_info(account_pk, self.batch_id, self.vault_id))

    def open_item(self, item: bytes, expected_name: Optional[bytes] = None) -> Tuple[bytes, bytes]:
        ikid = check_header(item, 0x0B)
        if len(item) < 58:  # 57 + a name of at least one byte
            raise SpecError("malformed")
        if ikid != self.kid:
            raise SpecError("wrong key")
        index = struct.unpack(">I", item[36:40])[0]
        if item[20:36] != self.batch_id or index >= self.count:
            raise SpecError("mismatch")
        if blake2b_256(item) != self.manifest[32 * index:32 * index + 32]:
            raise SpecError("bad signature", "item not in the manifest")
        # pyhpke's context has no call to open at a given sequence number; its counter is the
        # sequence number RFC 9180 section 5.2 XORs into the base nonce, so set it.
        self._ctx._seq = index  # type: ignore[attr-defined]
        try:
            pt = bytes(self._ctx.open(item[40:], aad=item[:40]))
        except Exception:
            raise SpecError("auth", "HPKE") from None
        if len(pt) < 1 or not 1 <= pt[0] <= len(pt) - 1:
            raise SpecError("malformed", "name")
        name, value = pt[1:1 + pt[0]], pt[1 + pt[0]:]
        if expected_name is not None and name != expected_name:
            raise SpecError("mismatch", "name")
        return name, value


def batch_open(batch: bytes, items: Sequence[bytes], account_sk: bytes,
               trusted: Sequence[bytes]) -> List[Tuple[bytes, bytes]]:
    reader = BatchReader(batch, account_sk, trusted)
    return [reader.open_item(item) for item in items]


# ---- HPKE single-shot (section 1) -----------------------------------------------------------------

def hpke_seal_base(recipient_pk: bytes, info: bytes, aad: bytes, pt: bytes,
                   ephemeral_secret: Optional[bytes] = None) -> Tuple[bytes, bytes]:
    suite = _suite()
    _x25519_agreement_check(recipient_pk)
    enc, ctx = suite.create_sender_context(suite.kem.deserialize_public_key(recipient_pk), info=info,
                                           eks=_ephemeral(suite, ephemeral_secret))
    return enc, ctx.seal(pt, aad=aad)


def hpke_open_base(enc: bytes, recipient_sk: bytes, info: bytes, aad: bytes, ct: bytes) -> bytes:
    suite = _suite()
    if len(ct) < 16:
        raise SpecError("malformed", "shorter than a tag")
    _x25519_agreement_check(enc)
    ctx = suite.create_recipient_context(enc, suite.kem.deserialize_private_key(recipient_sk), info=info)
    try:
        return bytes(ctx.open(ct, aad=aad))
    except Exception:
        raise SpecError("auth", "HPKE") from None


def encryption_keypair_from_seed(seed: bytes) -> Tuple[bytes, bytes]:
    """Section 5: RFC 9180 DeriveKeyPair; returns (public key, private key)."""
    pair = _suite().kem.derive_key_pair(seed)
    return pair.public_key.to_public_bytes(), pair.private_key.to_private_bytes()


def public_key_import(obj_type: int, blob: bytes) -> bytes:
    """Section 5.1; a low-order X25519 key is not refused here (section 6)."""
    kid = check_header(blob, obj_type)
    if len(blob) != 52:
        raise SpecError("malformed")
    if kid != key_id_public(blob[20:52]):
        raise SpecError("malformed", "key id")
    return blob[20:52]


def account_key_import(blob: bytes) -> Tuple[bytes, bytes]:
    """Section 6.1; returns (public key, private key)."""
    kid = check_header(blob, 0x0C)
    if len(blob) != 84:
        raise SpecError("malformed")
    sk, pk = blob[20:52], blob[52:84]
    if kid != key_id_public(pk):
        raise SpecError("malformed", "key id")
    if x25519_public(sk) != pk:
        raise SpecError("mismatch")
    return pk, sk


def account_key_export(pk: bytes, sk: bytes) -> bytes:
    if x25519_public(sk) != pk:
        raise SpecError("mismatch")
    return account_key_blob(pk, sk)


def wrapped_key_public_key(wrapped: bytes) -> Tuple[bytes, int]:
    """The public key and type a wrapped key carries (section 6), parsed, not authenticated."""
    if len(wrapped) >= 2 and wrapped[1] in (0x05, 0x06, 0x07):
        check_header(wrapped, wrapped[1])
    else:
        check_header(wrapped, 0x05)  # fails with the header's error, or wrong type
    if len(wrapped) != 124:
        raise SpecError("malformed")
    return wrapped[20:52], wrapped[1]


def blob_inspect(blob: bytes) -> Tuple[int, bytes]:
    """Steps 1 to 4 of section 2 for a blob of any type."""
    kid = check_header(blob, blob[1] if len(blob) >= 2 else 0)
    return blob[1], kid


# ---- section 10.2: fingerprints -------------------------------------------------------------------

def fingerprint(identity_pk: bytes) -> str:
    d = hashlib.sha512(lp8(b"libcloak v1 fingerprint") + identity_pk).digest()
    return " ".join("%05d" % (int.from_bytes(d[5 * j:5 * j + 5], "big") % 100000) for j in range(6))


def pair_code(a: bytes, b: bytes) -> str:
    fa, fb = fingerprint(a), fingerprint(b)
    return " ".join(sorted([fa, fb]))

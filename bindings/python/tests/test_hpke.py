"""HPKE through the binding: the RFC 9180 Base-mode vector (recipient side; the public API has no
deterministic sender), X25519 edge cases from Wycheproof, and the context rules."""

from __future__ import annotations

import hashlib
import hmac
import struct
from typing import Any, Dict

import pytest
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

import cloak
from conftest import flip, load_vectors
from spec_impl import x25519_public

# ---- a small RFC 9180 key schedule in Python, to check exports independently ----------------------

KEM_SUITE = b"KEM" + struct.pack(">H", 0x0020)
HPKE_SUITE = b"HPKE" + struct.pack(">HHH", 0x0020, 0x0001, 0x0003)


def _extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def _expand(prk: bytes, info: bytes, n: int) -> bytes:
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        out, i = out + t, i + 1
    return out[:n]


def labeled_extract(suite: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return _extract(salt, b"HPKE-v1" + suite + label + ikm)


def labeled_expand(suite: bytes, prk: bytes, label: bytes, info: bytes, n: int) -> bytes:
    return _expand(prk, struct.pack(">H", n) + b"HPKE-v1" + suite + label + info, n)


def kem_shared_secret(dh: bytes, enc: bytes, pk_r: bytes) -> bytes:
    prk = labeled_extract(KEM_SUITE, b"", b"eae_prk", dh)
    return labeled_expand(KEM_SUITE, prk, b"shared_secret", enc + pk_r, 32)


def key_schedule(shared: bytes, info: bytes) -> Dict[str, bytes]:
    psk_id_hash = labeled_extract(HPKE_SUITE, b"", b"psk_id_hash", b"")
    info_hash = labeled_extract(HPKE_SUITE, b"", b"info_hash", info)
    ctx = b"\x00" + psk_id_hash + info_hash
    secret = labeled_extract(HPKE_SUITE, shared, b"secret", b"")
    return {"key_schedule_context": ctx, "secret": secret,
            "key": labeled_expand(HPKE_SUITE, secret, b"key", ctx, 32),
            "base_nonce": labeled_expand(HPKE_SUITE, secret, b"base_nonce", ctx, 12),
            "exporter_secret": labeled_expand(HPKE_SUITE, secret, b"exp", ctx, 32)}


def export(exporter_secret: bytes, context: bytes, n: int) -> bytes:
    return labeled_expand(HPKE_SUITE, exporter_secret, b"sec", context, n)


def nonce_at(base_nonce: bytes, seq: int) -> bytes:
    return bytes(a ^ b for a, b in zip(base_nonce, seq.to_bytes(12, "big")))


# ---- RFC 9180 Appendix A.2.1 (Base) -----------------------------------------------------------------

@pytest.fixture(scope="module")
def base_vector() -> Dict[str, Any]:
    vs = [v for v in load_vectors("hpke_rfc9180_x25519_sha256_chacha20poly1305.json")["vectors"] if v["mode"] == 0]
    assert len(vs) == 1
    return vs[0]


def h(v: Dict[str, Any], k: str) -> bytes:
    return bytes.fromhex(v[k])


def test_python_key_schedule_matches_vector(base_vector: Dict[str, Any]) -> None:
    """The reference schedule above reproduces the RFC's intermediate values (so it can judge
    libcloak where the RFC has no vector)."""
    v = base_vector
    assert kem_shared_secret(b"", b"", b"") != h(v, "shared_secret")
    ks = key_schedule(h(v, "shared_secret"), h(v, "info"))
    for k, val in ks.items():
        assert val == h(v, k), k


def test_derive_key_pair(base_vector: Dict[str, Any]) -> None:
    v = base_vector
    r = cloak.EncryptionKeyPair.from_seed(h(v, "ikmR"))
    assert r.public_key == h(v, "pkRm") and bytes(r.secret_bytes()) == h(v, "skRm")
    e = cloak.encryption_keypair_from_seed(h(v, "ikmE"))
    assert e.public_key == h(v, "pkEm") == h(v, "enc") and bytes(e.secret_bytes()) == h(v, "skEm")


def test_recipient_opens_every_encryption_and_export(base_vector: Dict[str, Any]) -> None:
    v = base_vector
    r = cloak.EncryptionKeyPair.from_seed(h(v, "ikmR"))
    ctx = cloak.HpkeContext.recipient(h(v, "enc"), r, h(v, "info"))
    assert ctx.role == "recipient"
    aead = ChaCha20Poly1305(h(v, "key"))
    seq = 0
    opened = 0
    for e in sorted(v["encryptions"], key=lambda e: e["seq"]):
        assert h(e, "nonce") == nonce_at(h(v, "base_nonce"), e["seq"])
        assert aead.encrypt(h(e, "nonce"), h(e, "pt"), h(e, "aad")) == h(e, "ct")
        # The context opens in order: sequence numbers the vector skips are filled with messages
        # sealed here with the vector's key and nonce (pyca/cryptography's ChaCha20Poly1305).
        while seq < e["seq"]:
            filler = aead.encrypt(nonce_at(h(v, "base_nonce"), seq), b"filler %d" % seq, b"")
            assert ctx.open(filler) == b"filler %d" % seq
            seq += 1
        # The vector's ciphertext at the wrong sequence number would fail; at its own, it opens.
        with pytest.raises(cloak.AuthenticationError):
            ctx.open(h(e, "ct"), b"other aad")
        assert ctx.open(h(e, "ct"), h(e, "aad")) == h(e, "pt")
        seq += 1
        opened += 1
    assert opened == 6
    for x in v["exports"]:
        assert ctx.export(h(x, "exporter_context"), x["L"]) == h(x, "exported_value")
    assert len(v["exports"]) == 3


def test_single_shot_open(base_vector: Dict[str, Any]) -> None:
    v = base_vector
    r = cloak.EncryptionKeyPair.from_seed(h(v, "ikmR"))
    e0 = next(e for e in v["encryptions"] if e["seq"] == 0)
    assert cloak.hpke_open_base(h(v, "enc"), h(e0, "ct"), r, h(v, "info"), h(e0, "aad")) == h(e0, "pt")
    for i in range(len(h(e0, "ct"))):
        with pytest.raises(cloak.AuthenticationError):
            cloak.hpke_open_base(h(v, "enc"), flip(h(e0, "ct"), i), r, h(v, "info"), h(e0, "aad"))
    with pytest.raises(cloak.AuthenticationError):
        cloak.hpke_open_base(h(v, "enc"), h(e0, "ct"), r, b"other info", h(e0, "aad"))
    with pytest.raises(cloak.AuthenticationError):
        cloak.hpke_open_base(flip(h(v, "enc"), 0), h(e0, "ct"), r, h(v, "info"), h(e0, "aad"))


# ---- round trips and rules -------------------------------------------------------------------------

def test_context_round_trip(bob_enc: cloak.EncryptionKeyPair) -> None:
    s, enc = cloak.HpkeContext.sender(bob_enc.public_key, b"info")
    assert s.role == "sender" and len(enc) == cloak.HPKE_ENCBYTES
    r = cloak.HpkeContext.recipient(enc, bob_enc, b"info")
    msgs = [b"", b"one", bytes(1000)]
    cts = [s.seal(m, b"aad%d" % i) for i, m in enumerate(msgs)]
    assert [len(c) for c in cts] == [len(m) + cloak.HPKE_TAGBYTES for m in msgs]
    with pytest.raises(cloak.AuthenticationError):
        r.open(cts[1], b"aad1")  # out of order: the context is at 0
    for i, (m, c) in enumerate(zip(msgs, cts)):
        assert r.open(c, b"aad%d" % i) == m
    with pytest.raises(cloak.AuthenticationError):
        r.open(cts[2], b"aad2")  # replay at the next sequence number
    assert s.export(b"ctx", 64) == r.export(b"ctx", 64)
    assert len(s.export(b"", 8160)) == 8160
    assert s.export(b"", 0) == b""
    with pytest.raises(cloak.BadParamsError):
        s.export(b"", 8161)
    with pytest.raises(cloak.MalformedError):
        r.open(b"short")


def test_roles_are_enforced(bob_enc: cloak.EncryptionKeyPair) -> None:
    s, enc = cloak.HpkeContext.sender(bob_enc.public_key)
    r = cloak.HpkeContext.recipient(enc, bob_enc)
    # The library records the role: the refusal is its own (BAD_STATE), not the binding's.
    with pytest.raises(cloak.BadStateError):
        s.open(b"x" * 20)
    with pytest.raises(cloak.BadStateError):
        r.seal(b"x")
    assert r.open(s.seal(b"still in step")) == b"still in step"
    with pytest.raises(TypeError):
        cloak.HpkeContext()
    import pickle
    with pytest.raises(TypeError):
        pickle.dumps(s)
    s.wipe()
    assert "wiped" in repr(s)
    with pytest.raises(cloak.BadStateError):
        s.seal(b"x")
    with r:
        pass
    with pytest.raises(cloak.BadStateError):
        r.export(b"", 32)


def test_single_shot_round_trip(bob_enc: cloak.EncryptionKeyPair) -> None:
    sealed = cloak.hpke_seal_base(bob_enc.public_key, b"pt", b"info", b"aad")
    assert cloak.hpke_open_base(sealed.enc, sealed.ciphertext, bob_enc, b"info", b"aad") == b"pt"
    with pytest.raises(cloak.AuthenticationError):
        cloak.hpke_open_base(sealed.enc, sealed.ciphertext, bob_enc, b"info", b"AAD")
    with pytest.raises(cloak.AuthenticationError):
        cloak.hpke_open_base(sealed.enc, sealed.ciphertext, cloak.EncryptionKeyPair.generate(), b"info", b"aad")
    with pytest.raises(cloak.MalformedError):
        cloak.hpke_open_base(sealed.enc, sealed.ciphertext[:15], bob_enc, b"info", b"aad")


# ---- Wycheproof X25519 through HPKE ----------------------------------------------------------------

def test_wycheproof_x25519_through_hpke() -> None:
    """Every Wycheproof X25519 case, through the public API: the case's private key is a
    recipient, its public key an `enc`, and the same point a recipient public key on a sender's
    side. Both follow docs/protocol.md 1.4: not canonical (bit 255 set, or u >= p) is
    MalformedError, a canonical point of small order (an all-zero shared secret) InvalidKeyError;
    otherwise the recipient context's export must be the one the case's shared secret gives."""
    doc = load_vectors("wycheproof/x25519_test.json")
    counts = {"refused": 0, "agreed": 0, "not canonical": 0, "not canonical, zero": 0}
    for group in doc["testGroups"]:
        for t in group["tests"]:
            sk, enc, shared = bytes.fromhex(t["private"]), bytes.fromhex(t["public"]), bytes.fromhex(t["shared"])
            if t["result"] == "invalid":  # Wycheproof's invalid X25519 cases are not 32-byte keys
                assert len(enc) != 32 or len(sk) != 32
                continue
            canonical = not enc[31] & 0x80 and int.from_bytes(enc, "little") < 2**255 - 19
            recipient = cloak.EncryptionKeyPair.from_keys(x25519_public(sk), sk)
            if not canonical:
                with pytest.raises(cloak.MalformedError):
                    cloak.HpkeContext.recipient(enc, recipient, b"info")
                with pytest.raises(cloak.MalformedError):
                    cloak.hpke_seal_base(enc, b"pt")
                with pytest.raises(cloak.MalformedError):
                    cloak.HpkeContext.sender(enc)
                counts["not canonical"] += 1
                counts["not canonical, zero"] += shared == bytes(32)
                continue
            if shared == bytes(32):
                with pytest.raises(cloak.InvalidKeyError):
                    cloak.HpkeContext.recipient(enc, recipient, b"info")
                with pytest.raises(cloak.InvalidKeyError):
                    cloak.hpke_seal_base(enc, b"pt")  # the same point as a recipient key
                with pytest.raises(cloak.InvalidKeyError):
                    cloak.HpkeContext.sender(enc)
                counts["refused"] += 1
                continue
            ctx = cloak.HpkeContext.recipient(enc, recipient, b"info")
            ks = key_schedule(kem_shared_secret(shared, enc, recipient.public_key), b"info")
            assert ctx.export(b"wycheproof", 32) == export(ks["exporter_secret"], b"wycheproof", 32), t["tcId"]
            counts["agreed"] += 1
    # Wycheproof marks 31 all-zero shared secrets; some of them are non-canonical encodings.
    assert counts["refused"] + counts["not canonical, zero"] == 31
    assert counts["agreed"] > 400 and counts["not canonical"] > 20

"""HPKE through the binding: the RFC 9180 Base-mode vector (recipient side; the public API has no
deterministic sender), X25519 edge cases from Wycheproof, the X-Wing vector (draft-ietf-hpke-pq,
Go's crypto/hpke), and the context rules in both suites."""

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
XWING_HPKE_SUITE = b"HPKE" + struct.pack(">HHH", 0x647A, 0x0001, 0x0003)


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


def key_schedule(shared: bytes, info: bytes, suite: bytes = HPKE_SUITE) -> Dict[str, bytes]:
    psk_id_hash = labeled_extract(suite, b"", b"psk_id_hash", b"")
    info_hash = labeled_extract(suite, b"", b"info_hash", info)
    ctx = b"\x00" + psk_id_hash + info_hash
    secret = labeled_extract(suite, shared, b"secret", b"")
    return {"key_schedule_context": ctx, "secret": secret,
            "key": labeled_expand(suite, secret, b"key", ctx, 32),
            "base_nonce": labeled_expand(suite, secret, b"base_nonce", ctx, 12),
            "exporter_secret": labeled_expand(suite, secret, b"exp", ctx, 32)}


def export(exporter_secret: bytes, context: bytes, n: int, suite: bytes = HPKE_SUITE) -> bytes:
    return labeled_expand(suite, exporter_secret, b"sec", context, n)


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
    r = cloak.X25519KeyPair.from_seed(h(v, "ikmR"))
    assert r.public_key == h(v, "pkRm") and bytes(r.secret_bytes()) == h(v, "skRm")
    e = cloak.encryption_keypair_from_seed(h(v, "ikmE"))
    assert e.public_key == h(v, "pkEm") == h(v, "enc") and bytes(e.secret_bytes()) == h(v, "skEm")


def test_recipient_opens_every_encryption_and_export(base_vector: Dict[str, Any]) -> None:
    v = base_vector
    r = cloak.X25519KeyPair.from_seed(h(v, "ikmR"))
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
    r = cloak.X25519KeyPair.from_seed(h(v, "ikmR"))
    e0 = next(e for e in v["encryptions"] if e["seq"] == 0)
    assert cloak.hpke_open_base(h(v, "enc"), h(e0, "ct"), r, h(v, "info"), h(e0, "aad")) == h(e0, "pt")
    for i in range(len(h(e0, "ct"))):
        with pytest.raises(cloak.AuthenticationError):
            cloak.hpke_open_base(h(v, "enc"), flip(h(e0, "ct"), i), r, h(v, "info"), h(e0, "aad"))
    with pytest.raises(cloak.AuthenticationError):
        cloak.hpke_open_base(h(v, "enc"), h(e0, "ct"), r, b"other info", h(e0, "aad"))
    with pytest.raises(cloak.AuthenticationError):
        cloak.hpke_open_base(flip(h(v, "enc"), 0), h(e0, "ct"), r, h(v, "info"), h(e0, "aad"))


# ---- draft-ietf-hpke-pq: X-Wing (KEM 0x647a), HKDF-SHA256, ChaCha20Poly1305 (Go's vector) ----------

@pytest.fixture(scope="module")
def xwing_vector() -> Dict[str, Any]:
    vs = load_vectors("hpke_xwing_hkdf_sha256_chacha20poly1305.json")
    assert len(vs) == 1 and vs[0]["kem_id"] == 0x647A and vs[0]["mode"] == 0
    return vs[0]


def test_xwing_vector_key_schedule(xwing_vector: Dict[str, Any]) -> None:
    """The Python schedule above, with X-Wing's suite id, gives the vector's values from its shared
    secret (X-Wing's shared secret enters the schedule as it is: no ExtractAndExpand)."""
    v = xwing_vector
    assert h(v, "suite_id") == XWING_HPKE_SUITE
    ks = key_schedule(h(v, "shared_secret"), h(v, "info"), XWING_HPKE_SUITE)
    for k in ("key", "base_nonce", "exporter_secret"):
        assert ks[k] == h(v, k), k


def test_xwing_vector_derive_key_pair(xwing_vector: Dict[str, Any]) -> None:
    v = xwing_vector
    r = cloak.XWingKeyPair.from_seed(h(v, "ikmR"))
    assert r.public_key == h(v, "pkRm") and bytes(r.secret_bytes()) == h(v, "skRm")
    assert cloak.EncryptionKeyPair.from_seed(h(v, "ikmR")).public_key == h(v, "pkRm")  # the default suite
    assert cloak.xwing_public_key(h(v, "skRm")) == h(v, "pkRm")
    assert cloak.XWingKeyPair.from_secret_key(h(v, "skRm")).public_key == h(v, "pkRm")


def test_xwing_vector_recipient_opens_every_encryption_and_export(xwing_vector: Dict[str, Any]) -> None:
    v = xwing_vector
    r = cloak.XWingKeyPair.from_seed(h(v, "ikmR"))
    ctx = cloak.HpkeContext.recipient(h(v, "enc"), r, h(v, "info"))
    assert ctx.suite == cloak.Suite.XWING and ctx.role == "recipient"
    aead = ChaCha20Poly1305(h(v, "key"))
    for seq, e in enumerate(v["encryptions"]):  # consecutive, from sequence number 0
        assert h(e, "nonce") == nonce_at(h(v, "base_nonce"), seq)
        assert aead.encrypt(h(e, "nonce"), h(e, "pt"), h(e, "aad")) == h(e, "ct")
        with pytest.raises(cloak.AuthenticationError):
            ctx.open(h(e, "ct"), h(e, "aad") + b"x")
        assert ctx.open(h(e, "ct"), h(e, "aad")) == h(e, "pt")
    assert len(v["encryptions"]) == 10
    for x in v["exports"]:
        assert ctx.export(h(x, "exporter_context"), x["L"]) == h(x, "exported_value")
    assert len(v["exports"]) == 5
    # Single-shot: the first encryption, through the dispatching and the X-Wing-only functions.
    e0 = v["encryptions"][0]
    assert cloak.hpke_open_base(h(v, "enc"), h(e0, "ct"), r, h(v, "info"), h(e0, "aad")) == h(e0, "pt")
    assert cloak.hpke_open_base_xwing(h(v, "enc"), h(e0, "ct"), r, h(v, "info"), h(e0, "aad")) == h(e0, "pt")
    with pytest.raises(cloak.AuthenticationError):
        cloak.hpke_open_base(h(v, "enc"), h(e0, "ct"), r, b"other info", h(e0, "aad"))
    # The ML-KEM ciphertext altered: implicit rejection gives another key, so the AEAD fails; the
    # X25519 half altered likewise (or is refused as a key).
    for i in (0, 1087, 1088 + 5):
        with pytest.raises((cloak.AuthenticationError, cloak.InvalidKeyError)):
            cloak.hpke_open_base(flip(h(v, "enc"), i), h(e0, "ct"), r, h(v, "info"), h(e0, "aad"))
    # A recipient whose public key is not its seed's is refused before anything is opened.
    from conftest import xwing_with_keys
    other = cloak.XWingKeyPair.generate()
    with pytest.raises(cloak.InvalidKeyError):
        cloak.HpkeContext.recipient(h(v, "enc"), xwing_with_keys(other.public_key, bytes(r.secret_bytes())),
                                    h(v, "info"))


def test_xwing_sender_exports_agree_with_the_schedule(bob_xwing: cloak.XWingKeyPair) -> None:
    """The sender side has no vector (the API draws Encap's randomness); its contexts must agree with
    the recipient's, and the enc must have X-Wing's length."""
    s, enc = cloak.HpkeContext.sender(bob_xwing.public_key, b"i")
    assert len(enc) == cloak.XWING_ENCBYTES and s.suite == cloak.Suite.XWING
    r = cloak.HpkeContext.recipient(enc, bob_xwing, b"i")
    assert s.export(b"e", 40) == r.export(b"e", 40)
    sealed = cloak.hpke_seal_base_xwing(bob_xwing.public_key, b"pt", b"i", b"a")
    assert len(sealed.enc) == cloak.XWING_ENCBYTES
    assert cloak.hpke_open_base(sealed.enc, sealed.ciphertext, bob_xwing, b"i", b"a") == b"pt"


def test_suites_do_not_mix(bob_enc: cloak.X25519KeyPair, bob_xwing: cloak.XWingKeyPair) -> None:
    """An enc of one suite to a recipient of the other, and the X-Wing-only functions with X25519
    keys: refused by size (BadParamsError) or type (TypeError), never reinterpreted."""
    sealed = cloak.hpke_seal_base(bob_xwing.public_key, b"pt")
    with pytest.raises(cloak.BadParamsError):
        cloak.hpke_open_base(sealed.enc, sealed.ciphertext, bob_enc)
    small = cloak.hpke_seal_base(bob_enc.public_key, b"pt")
    with pytest.raises(cloak.BadParamsError):
        cloak.hpke_open_base(small.enc, small.ciphertext, bob_xwing)
    with pytest.raises(cloak.BadParamsError):
        cloak.hpke_seal_base_xwing(bob_enc.public_key, b"pt")
    with pytest.raises(TypeError):
        cloak.hpke_open_base_xwing(sealed.enc, sealed.ciphertext, bob_enc)  # type: ignore[arg-type]
    with pytest.raises(cloak.BadParamsError):
        cloak.HpkeContext.sender(bytes(33))


# ---- round trips and rules -------------------------------------------------------------------------

@pytest.mark.parametrize("suite", list(cloak.Suite))
def test_context_round_trip(suite: cloak.Suite) -> None:
    bob_enc = cloak.EncryptionKeyPair.generate(suite)
    s, enc = cloak.HpkeContext.sender(bob_enc.public_key, b"info")
    assert s.role == "sender" and s.suite == suite
    assert len(enc) == (cloak.HPKE_ENCBYTES if suite == cloak.Suite.X25519 else cloak.XWING_ENCBYTES)
    r = cloak.HpkeContext.recipient(enc, bob_enc, b"info")
    assert r.suite == suite and suite.name in repr(r)
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
        cloak.hpke_open_base(sealed.enc, sealed.ciphertext, cloak.X25519KeyPair.generate(), b"info", b"aad")
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

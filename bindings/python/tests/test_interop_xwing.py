"""Interop for suite 2 (X-Wing) with implementations that share no code with libcloak:

- the KEM from xwing-kem (PyPI; X-Wing per draft-connolly-cfrg-xwing-kem on pyca/cryptography's
  ML-KEM-768 and X25519), the key pair from a seed by pyca/cryptography's ML-KEM-768 and X25519
  (X-Wing's SHAKE256 expansion of the seed), HPKE's DeriveKeyPair and key schedule for KEM 0x647a
  (draft-ietf-hpke-pq, RFC 9180) written here with hashlib and hmac, and ChaCha20Poly1305 from
  pyca/cryptography; all of it checked first against Go's X-Wing vector;
- the share and batch formats of docs/protocol.md sections 8 and 9 from spec_impl.py (the project's
  implementation of the document), run once with its own X-Wing (kyber-py's ML-KEM) and once with
  its HPKE replaced by the one above.

Both directions each time: what libcloak seals, the independent side opens, and the other way."""

from __future__ import annotations

import hashlib
import hmac
import os
import random
import struct
from typing import Any, Iterator, List, Tuple

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.mlkem import MLKEM768PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

import xwing_kem

import cloak
import spec_impl as spec
from conftest import flip, load_vectors

KEM_ID = 0x647A
SUITE_ID = b"HPKE" + struct.pack(">HHH", KEM_ID, 0x0001, 0x0003)  # X-Wing, HKDF-SHA256, ChaCha20Poly1305


# ---- the independent X-Wing HPKE --------------------------------------------------------------------

def expand_seed(seed: bytes) -> Tuple[bytes, bytes]:
    """X-Wing's secret key expansion: SHAKE256(seed, 96) = ML-KEM seed (d || z, 64) || X25519 key (32).
    xwing-kem's secret key (with its pyca/cryptography backend) is exactly these 96 bytes."""
    x = hashlib.shake_256(seed).digest(96)
    return x[:64], x[64:]


def public_key_of(seed: bytes) -> bytes:
    mlkem_seed, x25519_sk = expand_seed(seed)
    ek = MLKEM768PrivateKey.from_seed_bytes(mlkem_seed).public_key().public_bytes_raw()
    return ek + X25519PrivateKey.from_private_bytes(x25519_sk).public_key().public_bytes_raw()


def derive_key_pair(ikm: bytes) -> Tuple[bytes, bytes]:
    """DeriveKeyPair of draft-ietf-hpke-pq for X-Wing: the seed is LabeledDerive(ikm,
    "DeriveKeyPair", "", 32) with SHAKE256 under the KEM's suite id. (public key, seed)."""
    kem_suite = b"KEM" + struct.pack(">H", KEM_ID)
    label = b"DeriveKeyPair"
    seed = hashlib.shake_256(ikm + b"HPKE-v1" + kem_suite + struct.pack(">H", len(label)) + label
                             + struct.pack(">H", 32)).digest(32)
    return public_key_of(seed), seed


def _labeled_extract(salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, b"HPKE-v1" + SUITE_ID + label + ikm, hashlib.sha256).digest()


def _labeled_expand(prk: bytes, label: bytes, info: bytes, n: int) -> bytes:
    data = struct.pack(">H", n) + b"HPKE-v1" + SUITE_ID + label + info
    out, block, i = b"", b"", 1
    while len(out) < n:
        block = hmac.new(prk, block + data + bytes([i]), hashlib.sha256).digest()
        out, i = out + block, i + 1
    return out[:n]


class Context:
    """RFC 9180's Base-mode context after the KEM; sequence numbers are explicit so that a batch's
    items (sealed at their index) can be opened in any order. The same seal/open(seq, aad, data)
    interface as spec_impl's contexts, so it can stand in for them."""

    def __init__(self, shared_secret: bytes, info: bytes) -> None:
        context = (b"\x00" + _labeled_extract(b"", b"psk_id_hash", b"")
                   + _labeled_extract(b"", b"info_hash", info))
        secret = _labeled_extract(shared_secret, b"secret", b"")
        self.key = _labeled_expand(secret, b"key", context, 32)
        self.base_nonce = _labeled_expand(secret, b"base_nonce", context, 12)
        self.exporter_secret = _labeled_expand(secret, b"exp", context, 32)

    def _nonce(self, seq: int) -> bytes:
        return bytes(a ^ b for a, b in zip(self.base_nonce, seq.to_bytes(12, "big")))

    def seal(self, seq: int, aad: bytes, pt: bytes) -> bytes:
        return ChaCha20Poly1305(self.key).encrypt(self._nonce(seq), pt, aad)

    def open(self, seq: int, aad: bytes, ct: bytes) -> bytes:
        try:
            return ChaCha20Poly1305(self.key).decrypt(self._nonce(seq), ct, aad)
        except InvalidTag:
            raise spec.SpecError("auth", "HPKE (independent)") from None

    def export(self, exporter_context: bytes, n: int) -> bytes:
        return _labeled_expand(self.exporter_secret, b"sec", exporter_context, n)


def setup_sender(public_key: bytes, info: bytes) -> Tuple[bytes, Context]:
    shared, enc = xwing_kem.encapsulate(public_key)
    return enc, Context(shared, info)


def setup_recipient(enc: bytes, seed: bytes, info: bytes) -> Context:
    mlkem_seed, x25519_sk = expand_seed(seed)
    return Context(xwing_kem.decapsulate(enc, mlkem_seed + x25519_sk), info)


# ---- the independent side checked first ---------------------------------------------------------------

def test_independent_side_reproduces_gos_vector() -> None:
    [v] = load_vectors("hpke_xwing_hkdf_sha256_chacha20poly1305.json")
    hx = lambda k: bytes.fromhex(v[k])  # noqa: E731
    pk, seed = derive_key_pair(hx("ikmR"))
    assert seed == hx("skRm") and pk == hx("pkRm")
    ctx = setup_recipient(hx("enc"), seed, hx("info"))
    assert (ctx.key, ctx.base_nonce, ctx.exporter_secret) == (hx("key"), hx("base_nonce"), hx("exporter_secret"))
    for seq, e in enumerate(v["encryptions"]):
        assert ctx.open(seq, bytes.fromhex(e["aad"]), bytes.fromhex(e["ct"])) == bytes.fromhex(e["pt"])
    for x in v["exports"]:
        assert ctx.export(bytes.fromhex(x["exporter_context"]), x["L"]) == bytes.fromhex(x["exported_value"])


# ---- keys ------------------------------------------------------------------------------------------

def test_key_pairs_agree() -> None:
    for n in (32, 33, 64, 255):
        ikm = os.urandom(n)
        ours = cloak.XWingKeyPair.from_seed(ikm)
        pk, seed = derive_key_pair(ikm)
        assert ours.public_key == pk and bytes(ours.secret_bytes()) == seed
    for _ in range(5):
        kp = cloak.EncryptionKeyPair.generate()  # X-Wing, the default
        assert kp.public_key == public_key_of(bytes(kp.secret_bytes()))
    # and a key made on the independent side is one libcloak takes
    seed = os.urandom(32)
    kp = cloak.EncryptionKeyPair.from_keys(public_key_of(seed), seed)
    assert isinstance(kp, cloak.XWingKeyPair)


def test_key_hash_and_blob_against_spec() -> None:
    kp = cloak.XWingKeyPair.generate()
    assert kp.public_key.key_hash == spec.xwing_key_hash(kp.public_key)
    assert kp.key_id == spec.key_id_public(kp.public_key) == kp.public_key.key_hash[:16]
    assert kp.export_public() == spec.public_key_blob(0x03, kp.public_key)


# ---- plain HPKE --------------------------------------------------------------------------------------

def test_hpke_single_shot_both_ways() -> None:
    seed = os.urandom(32)
    pk = public_key_of(seed)
    sealed = cloak.hpke_seal_base(pk, b"to the independent side", b"info", b"aad")
    assert setup_recipient(sealed.enc, seed, b"info").open(0, b"aad", sealed.ciphertext) == b"to the independent side"

    me = cloak.XWingKeyPair.generate()
    enc, ctx = setup_sender(me.public_key, b"info")
    ct = ctx.seal(0, b"aad", b"to libcloak")
    assert cloak.hpke_open_base(enc, ct, me, b"info", b"aad") == b"to libcloak"
    with pytest.raises(cloak.AuthenticationError):
        cloak.hpke_open_base(enc, ct, me, b"other info", b"aad")
    with pytest.raises(cloak.AuthenticationError):  # an altered ML-KEM ciphertext: implicit rejection
        cloak.hpke_open_base(flip(enc, 10), ct, me, b"info", b"aad")


def test_hpke_contexts_and_exports_both_ways() -> None:
    seed = os.urandom(32)
    s, enc = cloak.HpkeContext.sender(public_key_of(seed), b"ctx info")
    r = setup_recipient(enc, seed, b"ctx info")
    for i in range(12):
        m = os.urandom(i * 9)
        assert r.open(i, b"%d" % i, s.seal(m, b"%d" % i)) == m
    assert s.export(b"exp", 48) == r.export(b"exp", 48)

    me = cloak.XWingKeyPair.generate()
    enc2, s2 = setup_sender(me.public_key, b"x")
    r2 = cloak.HpkeContext.recipient(enc2, me, b"x")
    for i in range(12):
        m = os.urandom(i * 5)
        assert r2.open(s2.seal(i, b"a", m), b"a") == m
    assert r2.export(b"", 32) == s2.export(b"", 32)


# ---- shares and batches through spec_impl, with either X-Wing underneath ---------------------------------

@pytest.fixture(params=["spec-kyber-py", "xwing-kem"])
def hpke(request: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """spec_impl as it is (its X-Wing on kyber-py), or with its suite-2 HPKE replaced by the
    independent one above (xwing-kem's KEM, this file's key schedule)."""
    if request.param == "xwing-kem":
        sender, recipient = spec.hpke_setup_sender, spec.hpke_setup_recipient

        def setup_sender_either(pk: bytes, info: bytes, randomness: Any = None) -> Tuple[bytes, object]:
            if len(pk) != cloak.XWING_PUBLICKEYBYTES:
                return sender(pk, info, randomness)
            return setup_sender(pk, info)

        def setup_recipient_either(suite: int, enc: bytes, pk: bytes, sk: bytes, info: bytes) -> object:
            if suite != spec.SUITE_XWING:
                return recipient(suite, enc, pk, sk, info)
            assert public_key_of(sk) == pk
            return setup_recipient(enc, sk, info)

        monkeypatch.setattr(spec, "hpke_setup_sender", setup_sender_either)
        monkeypatch.setattr(spec, "hpke_setup_recipient", setup_recipient_either)
    yield request.param


def identity_raw() -> Tuple[bytes, bytes]:
    seed = os.urandom(32)
    pk = spec.ed25519_public(seed)
    return seed + pk, pk


VAULT_IDS = [b"v", b"vault:acme-production", bytes(range(255))]
EPOCHS = [1, 2, 2**32 - 1]


@pytest.mark.parametrize("vault_id", VAULT_IDS)
def test_libcloak_share_opened_independently(hpke: str, vault_id: bytes) -> None:
    sender = cloak.IdentityKeyPair.generate()
    seed = os.urandom(32)
    pk = public_key_of(seed)
    for epoch in EPOCHS:
        vk = cloak.vault_key_generate()
        share = cloak.share_seal(vk, epoch, vault_id, pk, sender)
        assert len(share) == cloak.XWING_SHAREBYTES and cloak.blob_suite(share) == cloak.Suite.XWING
        assert spec.share_open_xwing(share, vault_id, pk, seed, sender.public_key, 1) == (
            bytes(vk.secret_bytes()), epoch)
    with pytest.raises(spec.SpecError) as e:
        spec.share_open_xwing(share, vault_id[1:] or b"w", pk, seed, sender.public_key, 1)
    assert e.value.kind == "bad signature"


@pytest.mark.parametrize("vault_id", VAULT_IDS)
def test_independent_share_opened_by_libcloak(hpke: str, vault_id: bytes) -> None:
    sender_sk, sender_pk = identity_raw()
    recipient = cloak.XWingKeyPair.generate()
    for epoch in EPOCHS:
        vk = os.urandom(32)
        share = spec.share_seal(vk, epoch, vault_id, recipient.public_key, sender_sk)
        assert cloak.share_sender(share) == sender_pk
        opened = cloak.share_open(share, vault_id, recipient, sender_pk, epoch)
        assert bytes(opened.vault_key.secret_bytes()) == vk and opened.epoch == epoch
        assert cloak.share_open_xwing(share, vault_id, recipient, sender_pk).epoch == epoch
    with pytest.raises(cloak.UntrustedSignerError):
        cloak.share_open(share, vault_id, recipient, cloak.IdentityKeyPair.generate().public_key)
    with pytest.raises(cloak.WrongKeyError):
        cloak.share_open(share, vault_id, cloak.XWingKeyPair.generate(), sender_pk)
    with pytest.raises(cloak.UnsupportedSuiteError):  # an X-Wing share, an X25519 recipient
        cloak.share_open(share, vault_id, cloak.X25519KeyPair.generate(), sender_pk)
    older = spec.share_seal(os.urandom(32), 1, vault_id, recipient.public_key, sender_sk)
    with pytest.raises(cloak.StaleError):
        cloak.share_open(older, vault_id, recipient, sender_pk, 2)


EPOCH, HEAD_VERSION, EXPIRY = 3, 17, 4102444800  # 2100-01-01
NOW = EXPIRY - 1


def _secrets(n: int) -> List[Tuple[bytes, bytes]]:
    return [(b"NAME_%d" % i, os.urandom(random.randrange(0, 300))) for i in range(n)]


def test_libcloak_batch_opened_independently(hpke: str) -> None:
    creator = cloak.IdentityKeyPair.generate()
    seed = os.urandom(32)
    pk = public_key_of(seed)
    head_hash = os.urandom(32)
    secrets = _secrets(6) + [(b"N" * 255, b""), (b"x", os.urandom(5000))]
    w = cloak.BatchWriter(pk, creator, b"vault-9", EPOCH, HEAD_VERSION, head_hash, EXPIRY)
    assert w.suite == cloak.Suite.XWING
    sealed = [w.seal_item(n, v) for n, v in secrets]
    blob = w.finish([s.digest for s in sealed], creator)
    assert len(blob) == cloak.batch_len_xwing(len(b"vault-9"), len(secrets))
    reader = spec.BatchReader(blob, b"vault-9", seed, [creator.public_key], suite=spec.SUITE_XWING, account_pk=pk)
    assert (reader.epoch, reader.head_version, reader.head_hash, reader.expiry) == (EPOCH, HEAD_VERSION, head_hash,
                                                                                    EXPIRY)
    reader.check(EPOCH, HEAD_VERSION, NOW)
    assert [reader.open_item(s.item) for s in sealed] == secrets
    with pytest.raises(spec.SpecError) as e:
        spec.BatchReader(blob, b"vault-8", seed, [creator.public_key], suite=spec.SUITE_XWING, account_pk=pk)
    assert e.value.kind == "mismatch"


def test_independent_batch_opened_by_libcloak(hpke: str) -> None:
    creator_sk, creator_pk = identity_raw()
    account = cloak.XWingKeyPair.generate()
    head_hash = os.urandom(32)
    secrets = _secrets(9)
    head = spec.BatchHead(account.public_key, creator_pk, b"vault-9", EPOCH, HEAD_VERSION, head_hash, EXPIRY)
    blob, items = spec.batch_make(head, secrets, creator_sk)
    assert cloak.blob_suite(blob) == cloak.Suite.XWING and cloak.batch_count(blob) == 9
    r = cloak.BatchReader(blob, b"vault-9", account, [creator_pk])
    assert r.suite == cloak.Suite.XWING and r.item_count == 9 and r.signer == creator_pk
    r.check(EPOCH, HEAD_VERSION, NOW)
    order = list(range(9))
    random.shuffle(order)
    for i in order:
        assert r.open_item(items[i]) == secrets[i]
    with pytest.raises(cloak.BadSignatureError):  # each item opens once
        r.open_item(items[order[0]])
    with pytest.raises(cloak.UnsupportedSuiteError):  # an X-Wing batch, an X25519 account
        cloak.BatchReader(blob, b"vault-9", cloak.X25519KeyPair.generate(), [creator_pk])
    with pytest.raises(cloak.MismatchError):
        cloak.BatchReader(blob, b"vault-8", account, [creator_pk])

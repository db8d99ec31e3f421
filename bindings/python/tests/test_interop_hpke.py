"""Interop with an independent HPKE (pyhpke) and Ed25519 (pyca/cryptography): vault-key shares and
service-account batches built from docs/protocol.md sections 8 and 9 alone (spec_impl.py), both
ways, and plain HPKE both ways."""

from __future__ import annotations

import os
import random
from typing import List, Tuple

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from pyhpke import AEADId, CipherSuite, KDFId, KEMId

import cloak
import spec_impl as spec
from conftest import flip

SUITE = CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.CHACHA20_POLY1305)
VAULT_IDS = [b"v", b"vault:acme-production", bytes(range(255))]


def x25519_raw() -> Tuple[bytes, bytes]:
    sk = X25519PrivateKey.generate().private_bytes_raw()
    return sk, spec.x25519_public(sk)


# ---- shares ----------------------------------------------------------------------------------------

EPOCHS = [1, 2, 7, 2**32 - 1]


def identity_raw() -> Tuple[bytes, bytes]:
    """An identity secret key as section 5 gives it (seed || public key), and its public key."""
    seed = os.urandom(32)
    pk = spec.ed25519_public(seed)
    return seed + pk, pk


@pytest.mark.parametrize("vault_id", VAULT_IDS)
def test_libcloak_share_opened_by_pyhpke(vault_id: bytes) -> None:
    sender = cloak.IdentityKeyPair.generate()
    sk, pk = x25519_raw()
    for epoch in EPOCHS:
        vk = cloak.vault_key_generate()
        share = cloak.share_seal(vk, epoch, vault_id, pk, sender)
        assert spec.share_open(share, vault_id, sk, sender.public_key, 1) == (bytes(vk.secret_bytes()), epoch)
        assert spec.share_open(share, vault_id, sk, sender.public_key, epoch)[1] == epoch
    with pytest.raises(spec.SpecError) as e:
        spec.share_open(share, vault_id + b"x" if len(vault_id) < 255 else vault_id[1:], sk, sender.public_key, 1)
    assert e.value.kind == "bad signature"
    first = cloak.share_seal(cloak.vault_key_generate(), 1, vault_id, pk, sender)
    with pytest.raises(spec.SpecError) as e:
        spec.share_open(first, vault_id, sk, sender.public_key, 2)  # a share of epoch 1, 2 seen
    assert e.value.kind == "stale"


@pytest.mark.parametrize("vault_id", VAULT_IDS)
def test_pyhpke_share_opened_by_libcloak(vault_id: bytes) -> None:
    sender_sk, sender_pk = identity_raw()
    recipient = cloak.X25519KeyPair.generate()
    for epoch in EPOCHS:
        vk = os.urandom(32)
        share = spec.share_seal(vk, epoch, vault_id, recipient.public_key, sender_sk)
        assert cloak.share_sender(share) == sender_pk
        opened = cloak.share_open(share, vault_id, recipient, sender_pk)
        assert bytes(opened.vault_key.secret_bytes()) == vk and opened.epoch == epoch
        assert cloak.share_open(share, vault_id, recipient, sender_pk, epoch).epoch == epoch
    # The libcloak reader applies the spec's checks to the foreign share too.
    with pytest.raises(cloak.UntrustedSignerError):
        cloak.share_open(share, vault_id, recipient, cloak.IdentityKeyPair.generate().public_key)
    with pytest.raises(cloak.BadSignatureError):
        cloak.share_open(flip(share, 100), vault_id, recipient, sender_pk)
    with pytest.raises(cloak.WrongKeyError):
        cloak.share_open(share, vault_id, cloak.X25519KeyPair.generate(), sender_pk)
    older = spec.share_seal(os.urandom(32), 3, vault_id, recipient.public_key, sender_sk)
    with pytest.raises(cloak.StaleError):
        cloak.share_open(older, vault_id, recipient, sender_pk, 4)


def test_pyhpke_share_with_bad_hpke_but_good_signature() -> None:
    """A share whose signature is valid but whose HPKE ciphertext does not open (the sender signed
    garbage): libcloak reports an authentication failure, last in the spec's order."""
    sender_sk, sender_pk = identity_raw()
    recipient = cloak.X25519KeyPair.generate()
    share = spec.share_seal(os.urandom(32), 1, b"v", recipient.public_key, sender_sk)
    body = bytearray(share[:136])
    body[100] ^= 1  # inside the HPKE ciphertext (bytes 88 to 136)
    forged = bytes(body) + spec.labelled_sign(sender_sk, b"libcloak v2 share",
                                              bytes(body) + spec.lp8(b"v") + recipient.public_key)
    with pytest.raises(cloak.AuthenticationError):
        cloak.share_open(forged, b"v", recipient, sender_pk)


# ---- batches ---------------------------------------------------------------------------------------

EPOCH, HEAD_VERSION, EXPIRY = 3, 17, 4102444800  # 2100-01-01
NOW = EXPIRY - 1


def _secrets(n: int) -> List[Tuple[bytes, bytes]]:
    return [(b"NAME_%d" % i, os.urandom(random.randrange(0, 300))) for i in range(n)]


def test_libcloak_batch_opened_by_pyhpke() -> None:
    creator = cloak.IdentityKeyPair.generate()
    sk, pk = x25519_raw()
    head_hash = os.urandom(32)
    secrets = _secrets(7) + [(b"N" * 255, b""), (b"x", os.urandom(5000))]
    w = cloak.BatchWriter(pk, creator, b"vault-9", EPOCH, HEAD_VERSION, head_hash, EXPIRY)
    sealed = [w.seal_item(n, v) for n, v in secrets]
    blob = w.finish([s.digest for s in sealed], creator)
    reader = spec.BatchReader(blob, b"vault-9", sk, [creator.public_key])
    assert (reader.epoch, reader.head_version, reader.head_hash, reader.expiry) == (EPOCH, HEAD_VERSION, head_hash,
                                                                                    EXPIRY)
    assert reader.creator == creator.public_key and reader.count == len(secrets)
    reader.check(EPOCH, HEAD_VERSION, NOW)
    assert [reader.open_item(s.item) for s in sealed] == secrets
    with pytest.raises(spec.SpecError) as e:
        spec.BatchReader(blob, b"vault-9", sk, [spec.ed25519_public(os.urandom(32))])
    assert e.value.kind == "untrusted signer"
    with pytest.raises(spec.SpecError) as e:
        spec.BatchReader(blob, b"vault-8", sk, [creator.public_key])
    assert e.value.kind == "mismatch"
    for minimums, kind in (((EPOCH + 1, 1, NOW), "stale"), ((1, HEAD_VERSION + 1, NOW), "stale"),
                           ((EPOCH, HEAD_VERSION, EXPIRY + 1), "expired")):
        with pytest.raises(spec.SpecError) as e:
            spec.BatchReader(blob, b"vault-9", sk, [creator.public_key]).check(*minimums)
        assert e.value.kind == kind


def test_pyhpke_batch_opened_by_libcloak() -> None:
    creator_sk, creator_pk = identity_raw()
    account = cloak.X25519KeyPair.generate()
    head_hash = os.urandom(32)
    secrets = _secrets(9)
    head = spec.BatchHead(account.public_key, creator_pk, b"vault-9", EPOCH, HEAD_VERSION, head_hash, EXPIRY)
    blob, items = spec.batch_make(head, secrets, creator_sk)
    assert cloak.batch_sender(blob) == creator_pk and cloak.batch_count(blob) == 9
    assert [cloak.batch_item_index(it) for it in items] == list(range(9))
    r = cloak.BatchReader(blob, b"vault-9", account, [creator_pk])
    assert r.item_count == 9 and r.signer == creator_pk
    assert (r.epoch, r.head_version, r.head_hash, r.expiry) == (EPOCH, HEAD_VERSION, head_hash, EXPIRY)
    r.check(EPOCH, HEAD_VERSION, NOW)
    # An item relabelled with another index is not the manifest's entry at that index.
    relabelled = items[1][:36] + spec.u32(0) + items[1][40:]
    with pytest.raises(cloak.BadSignatureError):
        r.open_item(relabelled)
    order = list(range(9))
    random.shuffle(order)
    for i in order:
        assert r.open_item(items[i]) == secrets[i]
    with pytest.raises(cloak.BadSignatureError):  # each item opens once
        r.open_item(items[order[0]])
    with pytest.raises(cloak.MismatchError):
        cloak.BatchReader(blob, b"vault-8", account, [creator_pk])
    for minimums, error in (((EPOCH + 1, 1, NOW), cloak.StaleError), ((1, HEAD_VERSION + 1, NOW), cloak.StaleError),
                            ((EPOCH, HEAD_VERSION, EXPIRY + 1), cloak.ExpiredError)):
        with pytest.raises(error):
            cloak.BatchReader(blob, b"vault-9", account, [creator_pk]).check(*minimums)


def test_pyhpke_batch_with_item_at_wrong_sequence_number() -> None:
    """The spec seals item i at sequence number i. A creator that signs an item sealed at another
    sequence number produces an authentic-looking batch whose item fails to decrypt."""
    creator_sk, creator_pk = identity_raw()
    account = cloak.X25519KeyPair.generate()
    batch_id, head_hash = os.urandom(16), os.urandom(32)
    kid = spec.key_id_public(account.public_key)
    info = spec.batch_info(account.public_key, batch_id, b"v", EPOCH, HEAD_VERSION, head_hash, EXPIRY, creator_pk)
    enc, ctx = SUITE.create_sender_context(SUITE.kem.deserialize_public_key(account.public_key), info=info)
    ctx.seal(b"skip", aad=b"")  # sequence number 0 used for nothing
    head = spec.header(0x0B, kid) + batch_id + spec.u32(0)
    item = head + ctx.seal(spec.item_plaintext(b"N", b"value"), aad=head)  # sealed at 1, claims index 0
    manifest = spec.blake2b_256(item)
    prefix = (spec.header(0x0A, kid) + batch_id + enc + creator_pk + spec.lp8(b"v") + spec.u32(EPOCH)
              + spec.u64(HEAD_VERSION) + head_hash + spec.u64(EXPIRY) + spec.u32(1))
    blob = prefix + manifest + spec.labelled_sign(creator_sk, b"libcloak v2 batch", prefix + spec.blake2b_256(manifest))
    r = cloak.BatchReader(blob, b"v", account, [creator_pk])
    r.check(EPOCH, HEAD_VERSION, NOW)
    with pytest.raises(cloak.AuthenticationError):
        r.open_item(item)


# ---- plain HPKE ------------------------------------------------------------------------------------

def test_hpke_single_shot_both_ways() -> None:
    sk, pk = x25519_raw()
    sealed = cloak.hpke_seal_base(pk, b"to pyhpke", b"info", b"aad")
    rctx = SUITE.create_recipient_context(sealed.enc, SUITE.kem.deserialize_private_key(sk), info=b"info")
    assert rctx.open(sealed.ciphertext, aad=b"aad") == b"to pyhpke"

    me = cloak.X25519KeyPair.generate()
    enc, sctx = SUITE.create_sender_context(SUITE.kem.deserialize_public_key(me.public_key), info=b"info")
    ct = sctx.seal(b"to libcloak", aad=b"aad")
    assert cloak.hpke_open_base(enc, ct, me, b"info", b"aad") == b"to libcloak"


def test_hpke_contexts_and_exports_both_ways() -> None:
    sk, pk = x25519_raw()
    s, enc = cloak.HpkeContext.sender(pk, b"ctx info")
    r = SUITE.create_recipient_context(enc, SUITE.kem.deserialize_private_key(sk), info=b"ctx info")
    for i in range(20):
        m = os.urandom(i * 7)
        assert r.open(s.seal(m, b"%d" % i), aad=b"%d" % i) == m
    assert s.export(b"exp", 48) == r.export(b"exp", 48)

    me = cloak.X25519KeyPair.generate()
    enc2, s2 = SUITE.create_sender_context(SUITE.kem.deserialize_public_key(me.public_key), info=b"x")
    r2 = cloak.HpkeContext.recipient(enc2, me, b"x")
    for i in range(20):
        m = os.urandom(i * 5)
        assert r2.open(s2.seal(m, aad=b"a"), b"a") == m
    assert r2.export(b"", 32) == s2.export(b"", 32)


def test_derive_key_pair_matches_pyhpke() -> None:
    for n in (32, 33, 64, 100):
        ikm = os.urandom(n)
        ours = cloak.X25519KeyPair.from_seed(ikm)
        theirs = SUITE.kem.derive_key_pair(ikm)
        assert ours.public_key == theirs.public_key.to_public_bytes()
        assert bytes(ours.secret_bytes()) == theirs.private_key.to_private_bytes()


def test_spec_gaps_are_malformed() -> None:
    """Batches and items that fail section 9's layout rules: libcloak says malformed."""
    creator_sk, creator_pk = identity_raw()
    account = cloak.X25519KeyPair.generate()
    head = spec.BatchHead(account.public_key, creator_pk, b"v", EPOCH, HEAD_VERSION, bytes(32), EXPIRY)
    # An item whose name (inside the encryption) is empty: authentic, decrypts, then malformed.
    nameless = spec.lp8(b"") + spec.u32(5) + b"value"
    blob, items = spec.batch_make_plaintexts(head, [nameless + bytes(spec.pad(len(nameless)) - len(nameless))],
                                             creator_sk)
    reader = cloak.BatchReader(blob, b"v", account, [creator_pk])
    reader.check(EPOCH, HEAD_VERSION, NOW)
    with pytest.raises(cloak.MalformedError):
        reader.open_item(items[0])
    # Signed batches that fail on their layout alone (the batch id and enc are random bytes): an
    # empty vault id (L = 0), epoch 0, head version 0, which the spec's writer refuses to build, and
    # 1,000,001 items with a manifest of the matching length.
    for vault_id, epoch, head_version, n in ((b"", 1, 1, 1), (b"v", 0, 1, 1), (b"v", 1, 0, 1), (b"v", 1, 1, 1000001)):
        manifest = bytes(32 * n)
        prefix = (spec.header(0x0A, spec.key_id_public(account.public_key)) + os.urandom(16) + os.urandom(32)
                  + creator_pk + spec.lp8(vault_id) + spec.u32(epoch) + spec.u64(head_version) + bytes(32)
                  + spec.u64(EXPIRY) + spec.u32(n))
        blob = prefix + manifest + spec.labelled_sign(creator_sk, b"libcloak v2 batch",
                                                      prefix + spec.blake2b_256(manifest))
        with pytest.raises(cloak.MalformedError):
            cloak.BatchReader(blob, vault_id or b"v", account, [creator_pk])
    assert cloak.batch_len(1, n) == 0

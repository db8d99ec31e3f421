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

@pytest.mark.parametrize("vault_id", VAULT_IDS)
def test_libcloak_share_opened_by_pyhpke(vault_id: bytes) -> None:
    sender = cloak.IdentityKeyPair.generate()
    sk, pk = x25519_raw()
    for _ in range(5):
        vk = cloak.vault_key_generate()
        share = cloak.share_seal(vk, vault_id, pk, sender)
        assert spec.share_open(share, vault_id, sk, sender.public_key) == bytes(vk.secret_bytes())
    with pytest.raises(spec.SpecError) as e:
        spec.share_open(share, vault_id + b"x" if len(vault_id) < 255 else vault_id[1:], sk, sender.public_key)
    assert e.value.kind == "bad signature"


@pytest.mark.parametrize("vault_id", VAULT_IDS)
def test_pyhpke_share_opened_by_libcloak(vault_id: bytes) -> None:
    sender_seed = os.urandom(32)
    sender_pk = spec.ed25519_public(sender_seed)
    recipient = cloak.EncryptionKeyPair.generate()
    for _ in range(5):
        vk = os.urandom(32)
        share = spec.share_seal(vk, vault_id, recipient.public_key, sender_seed)
        assert cloak.share_sender(share) == sender_pk
        assert cloak.share_open(share, vault_id, recipient, sender_pk) == vk
    # The libcloak reader applies the spec's checks to the foreign share too.
    with pytest.raises(cloak.UntrustedSignerError):
        cloak.share_open(share, vault_id, recipient, cloak.IdentityKeyPair.generate().public_key)
    with pytest.raises(cloak.BadSignatureError):
        cloak.share_open(flip(share, 100), vault_id, recipient, sender_pk)
    with pytest.raises(cloak.WrongKeyError):
        cloak.share_open(share, vault_id, cloak.EncryptionKeyPair.generate(), sender_pk)


def test_pyhpke_share_with_bad_hpke_but_good_signature() -> None:
    """A share whose signature is valid but whose HPKE ciphertext does not open (the sender signed
    garbage): libcloak reports an authentication failure, last in the spec's order."""
    sender_seed = os.urandom(32)
    recipient = cloak.EncryptionKeyPair.generate()
    share = spec.share_seal(os.urandom(32), b"v", recipient.public_key, sender_seed)
    body = bytearray(share[:132])
    body[100] ^= 1  # inside the HPKE ciphertext
    forged = bytes(body) + spec.labelled_sign(sender_seed, b"libcloak v1 share",
                                              bytes(body) + spec.lp8(b"v") + recipient.public_key)
    with pytest.raises(cloak.AuthenticationError):
        cloak.share_open(forged, b"v", recipient, spec.ed25519_public(sender_seed))


# ---- batches ---------------------------------------------------------------------------------------

def _secrets(n: int) -> List[Tuple[bytes, bytes]]:
    return [(b"NAME_%d" % i, os.urandom(random.randrange(0, 300))) for i in range(n)]


def test_libcloak_batch_opened_by_pyhpke() -> None:
    creator = cloak.IdentityKeyPair.generate()
    sk, pk = x25519_raw()
    secrets = _secrets(7) + [(b"N" * 255, b"")]
    w = cloak.BatchWriter(pk, b"vault-9")
    items = [w.seal_item(n, v) for n, v in secrets]
    blob = w.finish(creator)
    assert spec.batch_open(blob, items, sk, [creator.public_key]) == secrets
    with pytest.raises(spec.SpecError) as e:
        spec.batch_open(blob, items, sk, [spec.ed25519_public(os.urandom(32))])
    assert e.value.kind == "untrusted signer"


def test_pyhpke_batch_opened_by_libcloak() -> None:
    creator_seed = os.urandom(32)
    creator_pk = spec.ed25519_public(creator_seed)
    account = cloak.EncryptionKeyPair.generate()
    secrets = _secrets(9)
    blob, items = spec.batch_make(account.public_key, b"vault-9", secrets, creator_seed)
    assert cloak.batch_sender(blob) == creator_pk
    assert [cloak.batch_item_index(it) for it in items] == list(range(9))
    r = cloak.BatchReader(blob, account, [creator_pk])
    assert r.item_count == 9 and r.signer == creator_pk
    order = list(range(9))
    random.shuffle(order)
    for i in order:
        assert r.open_item(items[i], expected_name=secrets[i][0]) == secrets[i]
    # An item relabelled with another index is not the manifest's entry at that index.
    relabelled = items[1][:36] + spec.u32(0) + items[1][40:]
    with pytest.raises(cloak.BadSignatureError):
        r.open_item(relabelled)


def test_pyhpke_batch_with_item_at_wrong_sequence_number() -> None:
    """The spec seals item i at sequence number i. A creator that signs an item sealed at another
    sequence number produces an authentic-looking batch whose item fails to decrypt."""
    creator_seed = os.urandom(32)
    account = cloak.EncryptionKeyPair.generate()
    batch_id = os.urandom(16)
    kid = spec.key_id_public(account.public_key)
    enc, ctx = SUITE.create_sender_context(SUITE.kem.deserialize_public_key(account.public_key),
                                           info=spec.batch_info(account.public_key, batch_id, b"v"))
    ctx.seal(b"skip", aad=b"")  # sequence number 0 used for nothing
    head = spec.header(0x0B, kid) + batch_id + spec.u32(0)
    item = head + ctx.seal(spec.lp8(b"N") + b"value", aad=head)  # sealed at 1, claims index 0
    manifest = spec.blake2b_256(item)
    prefix = spec.header(0x0A, kid) + batch_id + enc + spec.ed25519_public(creator_seed) + spec.lp8(b"v") + spec.u32(1)
    blob = prefix + manifest + spec.labelled_sign(creator_seed, b"libcloak v1 batch", prefix + spec.blake2b_256(manifest))
    r = cloak.BatchReader(blob, account, [spec.ed25519_public(creator_seed)])
    with pytest.raises(cloak.AuthenticationError):
        r.open_item(item)


# ---- plain HPKE ------------------------------------------------------------------------------------

def test_hpke_single_shot_both_ways() -> None:
    sk, pk = x25519_raw()
    sealed = cloak.hpke_seal_base(pk, b"to pyhpke", b"info", b"aad")
    rctx = SUITE.create_recipient_context(sealed.enc, SUITE.kem.deserialize_private_key(sk), info=b"info")
    assert rctx.open(sealed.ciphertext, aad=b"aad") == b"to pyhpke"

    me = cloak.EncryptionKeyPair.generate()
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

    me = cloak.EncryptionKeyPair.generate()
    enc2, s2 = SUITE.create_sender_context(SUITE.kem.deserialize_public_key(me.public_key), info=b"x")
    r2 = cloak.HpkeContext.recipient(enc2, me, b"x")
    for i in range(20):
        m = os.urandom(i * 5)
        assert r2.open(s2.seal(m, aad=b"a"), b"a") == m
    assert r2.export(b"", 32) == s2.export(b"", 32)


def test_derive_key_pair_matches_pyhpke() -> None:
    for n in (32, 33, 64, 100):
        ikm = os.urandom(n)
        ours = cloak.EncryptionKeyPair.from_seed(ikm)
        theirs = SUITE.kem.derive_key_pair(ikm)
        assert ours.public_key == theirs.public_key.to_public_bytes()
        assert bytes(ours.secret_bytes()) == theirs.private_key.to_private_bytes()


def test_spec_gaps_are_malformed() -> None:
    """Batches and items the spec excludes without naming the error; libcloak says malformed."""
    creator_seed = os.urandom(32)
    creator_pk = spec.ed25519_public(creator_seed)
    account = cloak.EncryptionKeyPair.generate()
    # An item whose name (inside the encryption) is empty: authentic, decrypts, then malformed.
    blob, items = spec.batch_make(account.public_key, b"v", [(b"", b"value")], creator_seed)
    with pytest.raises(cloak.MalformedError):
        cloak.BatchReader(blob, account, [creator_pk]).open_item(items[0])
    # Signed batches that fail on their layout alone (the batch id and enc are random bytes):
    # an empty vault id (L = 0), which the spec's writer refuses to build, and 1,000,001 items
    # with a manifest of the matching length.
    for vault_id, n in ((b"", 1), (b"v", 1000001)):
        manifest = bytes(32 * n)
        prefix = (spec.header(0x0A, spec.key_id_public(account.public_key)) + os.urandom(16) + os.urandom(32)
                  + creator_pk + spec.lp8(vault_id) + spec.u32(n))
        blob = prefix + manifest + spec.labelled_sign(creator_seed, b"libcloak v1 batch",
                                                      prefix + spec.blake2b_256(manifest))
        with pytest.raises(cloak.MalformedError):
            cloak.BatchReader(blob, account, [creator_pk])
    assert cloak.batch_len(1, n) == 0

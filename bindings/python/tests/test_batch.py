"""Service-account batches."""

from __future__ import annotations

import copy
import pickle
import random
from typing import List, Tuple

import pytest

import cloak
from conftest import check_tamper

SECRETS = [(b"API_TOKEN", b"tok_123"), (b"SMTP_USER", b"mailer"), (b"EMPTY", b""), (b"N" * 255, b"x" * 5000)]


def make(account: cloak.EncryptionKeyPair, creator: cloak.IdentityKeyPair,
         secrets: List[Tuple[bytes, bytes]] = SECRETS, vault_id: bytes = b"vault-1") -> Tuple[bytes, List[bytes]]:
    with cloak.BatchWriter(account.public_key, vault_id) as w:
        items = [w.seal_item(n, v) for n, v in secrets]
        assert w.item_count == len(secrets) and len(w.digests) == 32 * len(secrets)
        blob = w.finish(creator)
    return blob, items


def test_round_trip(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice)
    assert len(blob) == cloak.batch_len(7, len(SECRETS)) == 169 + 7 + 32 * len(SECRETS)
    assert cloak.blob_inspect(blob).type == cloak.ObjectType.BATCH
    assert cloak.batch_sender(blob) == alice.public_key
    for i, ((name, value), item) in enumerate(zip(SECRETS, items)):
        assert len(item) == cloak.batch_item_len(len(name), len(value)) == 57 + len(name) + len(value)
        assert cloak.batch_item_opened_maxlen(len(item)) == len(item) - 56
        assert cloak.batch_item_index(item) == i
    r = cloak.BatchReader(blob, bob_enc, [alice.public_key])
    assert r.item_count == len(SECRETS) and r.signer == alice.public_key
    order = list(range(len(items)))
    random.shuffle(order)
    for i in order:  # any order
        got = r.open_item(items[i])
        assert got == SECRETS[i] and got.name == SECRETS[i][0]
        assert r.open_item(items[i], expected_name=SECRETS[i][0]) == SECRETS[i]
    with pytest.raises(cloak.MismatchError):
        r.open_item(items[0], expected_name=b"SMTP_USER")
    r.wipe()
    with pytest.raises(ValueError):
        r.open_item(items[0])


def test_trusted_forms(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice)
    others = [cloak.IdentityKeyPair.generate().public_key for _ in range(3)]
    for trusted in (alice.public_key, [alice.public_key], others + [alice.public_key], [alice],
                    (k for k in [bytearray(alice.public_key)])):
        assert cloak.BatchReader(blob, bob_enc, trusted).item_count == len(SECRETS)
    for trusted in ([], others):
        with pytest.raises(cloak.UntrustedSignerError):
            cloak.BatchReader(blob, bob_enc, trusted)
    with pytest.raises(cloak.BadParamsError):
        cloak.BatchReader(blob, bob_enc, [alice.public_key[:31]])


def test_wrong_account(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice)
    other = cloak.EncryptionKeyPair.generate()
    with pytest.raises(cloak.WrongKeyError):
        cloak.BatchReader(blob, other, [alice.public_key])
    blob2, items2 = make(other, alice)
    r = cloak.BatchReader(blob, bob_enc, [alice.public_key])
    with pytest.raises(cloak.WrongKeyError):
        r.open_item(items2[0])


def test_items_of_another_batch(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice)
    blob2, items2 = make(bob_enc, alice)
    r = cloak.BatchReader(blob, bob_enc, [alice.public_key])
    with pytest.raises(cloak.MismatchError):
        r.open_item(items2[0])
    # an item whose index is beyond the batch
    small, small_items = make(bob_enc, alice, SECRETS[:1])
    r1 = cloak.BatchReader(small, bob_enc, [alice.public_key])
    r1.open_item(small_items[0])


def test_batch_tamper(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice, SECRETS[:2])
    L = 7

    def verify(b: bytes) -> None:
        cloak.BatchReader(b, bob_enc, [alice.public_key])

    # key id: wrong key; batch id and enc: signed; creator: untrusted; vault id length: the layout
    # no longer adds up (malformed); vault id, count, manifest, signature: signed. A changed count
    # changes the length the layout gives: malformed.
    regions = [(4, 20, cloak.WrongKeyError), (20, 68, cloak.BadSignatureError), (68, 100, cloak.UntrustedSignerError),
               (100, 101, cloak.MalformedError), (101, 101 + L, cloak.BadSignatureError),
               (101 + L, 105 + L, cloak.MalformedError), (105 + L, len(blob), cloak.BadSignatureError)]
    check_tamper(verify, blob, regions)


def test_item_tamper(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice, SECRETS[:2])
    r = cloak.BatchReader(blob, bob_enc, [alice.public_key])
    item = items[1]
    # key id: wrong key; batch id: another batch (mismatch); index: index 0 is another manifest entry
    # (bad signature), higher bits make it >= n (mismatch); the rest: not in the manifest.
    regions = [(4, 20, cloak.WrongKeyError), (20, 36, cloak.MismatchError), (36, 39, cloak.MismatchError),
               (39, 40, cloak.BadSignatureError), (40, len(item), cloak.BadSignatureError)]
    check_tamper(r.open_item, item, regions, min_len=58, resized=cloak.BadSignatureError)


def test_writer_rules(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    w = cloak.BatchWriter(bob_enc.public_key, "vault-1")
    for bad in (b"", b"n" * 256):
        with pytest.raises(cloak.BadParamsError):
            w.seal_item(bad, b"v")
    assert w.item_count == 0  # a refused item does not count
    w.seal_item("A", b"1")
    with pytest.raises(TypeError):
        pickle.dumps(w)
    with pytest.raises(TypeError):
        copy.copy(w)
    w.finish(alice)
    with pytest.raises(ValueError):
        w.seal_item("B", b"2")
    with pytest.raises(ValueError):
        w.finish(alice)
    for bad_id in ("", "v" * 256):
        with pytest.raises(cloak.BadParamsError):
            cloak.BatchWriter(bob_enc.public_key, bad_id)
    with pytest.raises(cloak.InvalidKeyError):
        cloak.BatchWriter(bytes(32), "v")
    w2 = cloak.BatchWriter(bob_enc.public_key, "v")
    w2.wipe()
    with pytest.raises(ValueError):
        w2.seal_item("A", b"1")


def test_empty_batch(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    """A batch of no items is made and verified (section 9.1 allows n = 0 by not excluding it)."""
    blob = cloak.BatchWriter(bob_enc.public_key, "v").finish(alice)
    assert len(blob) == cloak.batch_len(1, 0) == 170
    assert cloak.BatchReader(blob, bob_enc, alice.public_key).item_count == 0


def test_length_helpers() -> None:
    assert cloak.batch_item_len(0, 5) == 0
    assert cloak.batch_item_len(256, 5) == 0
    assert cloak.batch_item_opened_maxlen(56) == 0
    with pytest.raises(cloak.BadParamsError):
        cloak.batch_len(-1, 0)


def test_parse_helpers_refuse(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice, SECRETS[:1])
    with pytest.raises(cloak.WrongTypeError):
        cloak.batch_sender(items[0])
    with pytest.raises(cloak.WrongTypeError):
        cloak.batch_item_index(blob)
    with pytest.raises(cloak.MalformedError):
        cloak.batch_item_index(items[0][:56])

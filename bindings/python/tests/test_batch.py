"""Service-account batches: the writer (from many threads at once), the reader's verify, check and
open, and each way the server could try to slip in another vault's, an older, an expired, a forged
or a repeated item."""

from __future__ import annotations

import copy
import pickle
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import List, Tuple

import pytest

import cloak
from conftest import check_tamper, identity_with_secret_key

SECRETS = [(b"API_TOKEN", b"tok_123"), (b"SMTP_USER", b"mailer"), (b"EMPTY", b""), (b"N" * 255, b"x" * 5000)]
HEAD_HASH = bytes(range(32))
LATER = int(time.time()) + 3600


def writer(account: cloak.EncryptionKeyPair, creator: cloak.IdentityKeyPair, vault_id: bytes = b"vault-1",
           epoch: int = 2, head_version: int = 5, expiry: int = LATER) -> cloak.BatchWriter:
    return cloak.BatchWriter(account.public_key, creator.public_key, vault_id, epoch, head_version, HEAD_HASH,
                             expiry)


def make(account: cloak.EncryptionKeyPair, creator: cloak.IdentityKeyPair,
         secrets: List[Tuple[bytes, bytes]] = SECRETS, **head: object) -> Tuple[bytes, List[bytes]]:
    with writer(account, creator, **head) as w:  # type: ignore[arg-type]
        sealed = [w.seal_item(n, v) for n, v in secrets]
        assert [s.index for s in sealed] == list(range(len(secrets))) and w.item_count == len(secrets)
        blob = w.finish([s.digest for s in sealed], creator)
    return blob, [s.item for s in sealed]


def reader(blob: bytes, account: cloak.EncryptionKeyPair, creator: cloak.IdentityKeyPair,
           vault_id: bytes = b"vault-1") -> cloak.BatchReader:
    r = cloak.BatchReader(blob, vault_id, account, [creator.public_key])
    r.check(1, 1)
    return r


def test_round_trip(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice)
    assert len(blob) == cloak.batch_len(7, len(SECRETS)) == 221 + 7 + 32 * len(SECRETS)
    assert cloak.blob_inspect(blob).type == cloak.ObjectType.BATCH
    assert cloak.batch_sender(blob) == alice.public_key
    assert cloak.batch_count(blob) == len(SECRETS)
    assert cloak.batch_tags_len(len(SECRETS)) == 16 * len(SECRETS)
    for i, ((name, value), item) in enumerate(zip(SECRETS, items)):
        assert len(item) == cloak.batch_item_len(len(name), len(value))
        assert cloak.batch_item_opened_maxlen(len(item)) == len(item) - 56 >= len(name) + len(value) + 5
        assert cloak.batch_item_index(item) == i
    r = cloak.BatchReader(blob, "vault-1", bob_enc, [alice.public_key])
    assert r.item_count == len(SECRETS) and r.signer == alice.public_key
    assert (r.epoch, r.head_version, r.head_hash, r.expiry) == (2, 5, HEAD_HASH, LATER)
    assert "not checked" in repr(r)
    with pytest.raises(cloak.BadStateError):  # items open only after check()
        r.open_item(items[0])
    r.check(2, 5, LATER)
    order = list(range(len(items)))
    random.shuffle(order)
    for i in order:  # any order
        got = r.open_item(items[i])
        assert got == SECRETS[i] and got.name == SECRETS[i][0] and got.value == SECRETS[i][1]
    r.wipe()
    with pytest.raises(cloak.BadStateError):
        r.open_item(items[0])
    with pytest.raises(ValueError):  # BadStateError is also a ValueError
        r.item_count


def test_a_repeated_item_is_refused(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice)
    r = reader(blob, bob_enc, alice)
    r.open_item(items[1])
    with pytest.raises(cloak.BadSignatureError):
        r.open_item(items[1])
    assert r.open_item(items[0]) == SECRETS[0]
    # a second reader of the same batch has its own tags
    assert reader(blob, bob_enc, alice).open_item(items[1]) == SECRETS[1]


def test_freshness(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    """An older epoch or head version is stale, a batch past its expiry expired; a failed check
    leaves the reader unable to open items."""
    blob, items = make(bob_enc, alice, epoch=2, head_version=5, expiry=1000)
    r = cloak.BatchReader(blob, "vault-1", bob_enc, alice)
    for min_epoch, min_version, now, error in ((3, 1, 0, cloak.StaleError), (1, 6, 0, cloak.StaleError),
                                               (1, 1, 1001, cloak.ExpiredError)):
        with pytest.raises(error):
            r.check(min_epoch, min_version, now)
        with pytest.raises(cloak.BadStateError):
            r.open_item(items[0])
    r.check(2, 5, 1000)
    assert r.open_item(items[0]) == SECRETS[0]
    with pytest.raises(cloak.ExpiredError):
        r.check(1, 1)  # the system clock is far past 1000
    for bad in (-1, 2 ** 64):
        with pytest.raises(cloak.BadParamsError):
            r.check(1, 1, bad)


def test_another_vaults_batch_is_refused(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, _ = make(bob_enc, alice, vault_id=b"vault-sandbox")
    with pytest.raises(cloak.MismatchError):
        cloak.BatchReader(blob, "vault-1", bob_enc, alice)
    assert cloak.BatchReader(blob, "vault-sandbox", bob_enc, alice).item_count == len(SECRETS)


def test_trusted_forms(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice)
    others = [cloak.IdentityKeyPair.generate().public_key for _ in range(3)]
    for trusted in (alice.public_key, [alice.public_key], others + [alice.public_key], [alice],
                    (k for k in [bytearray(alice.public_key)])):
        assert cloak.BatchReader(blob, "vault-1", bob_enc, trusted).item_count == len(SECRETS)
    for trusted in ([], others):
        with pytest.raises(cloak.UntrustedSignerError):
            cloak.BatchReader(blob, "vault-1", bob_enc, trusted)
    with pytest.raises(cloak.BadParamsError):
        cloak.BatchReader(blob, "vault-1", bob_enc, [alice.public_key[:31]])


def test_wrong_account(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice)
    other = cloak.X25519KeyPair.generate()
    with pytest.raises(cloak.WrongKeyError):
        cloak.BatchReader(blob, "vault-1", other, [alice.public_key])
    blob2, items2 = make(other, alice)
    r = reader(blob, bob_enc, alice)
    with pytest.raises(cloak.WrongKeyError):
        r.open_item(items2[0])


def test_items_of_another_batch(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice)
    blob2, items2 = make(bob_enc, alice)
    r = reader(blob, bob_enc, alice)
    with pytest.raises(cloak.MismatchError):
        r.open_item(items2[0])
    small, small_items = make(bob_enc, alice, SECRETS[:1])
    assert reader(small, bob_enc, alice).open_item(small_items[0]) == SECRETS[0]


def test_batch_tamper(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice, SECRETS[:2])
    L = 7

    def verify(b: bytes) -> None:
        cloak.BatchReader(b, "vault-1", bob_enc, [alice.public_key])

    # key id: wrong key; batch id and enc: signed; creator: untrusted; vault id length: the layout no
    # longer adds up; vault id: another vault; epoch, head version, head hash, expiry: signed (epoch 2
    # and version 5 stay non-zero under a flipped bit); the count: the length no longer adds up;
    # manifest and signature: signed.
    regions = [(4, 20, cloak.WrongKeyError), (20, 68, cloak.BadSignatureError), (68, 100, cloak.UntrustedSignerError),
               (100, 101, cloak.MalformedError), (101, 101 + L, cloak.MismatchError),
               (101 + L, 153 + L, cloak.BadSignatureError), (153 + L, 157 + L, cloak.MalformedError),
               (157 + L, len(blob), cloak.BadSignatureError)]
    check_tamper(verify, blob, regions)


def test_item_tamper(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice, SECRETS[:2])
    r = reader(blob, bob_enc, alice)
    item = items[1]
    assert len(item) == 120
    # key id: wrong key; batch id: another batch; index: its low bit makes it 0, whose tag is another
    # item's (bad signature), higher bits make it >= n (mismatch); the rest: not the signed item.
    # No other length is 56 plus a padded length: malformed.
    regions = [(4, 20, cloak.WrongKeyError), (20, 36, cloak.MismatchError), (36, 39, cloak.MismatchError),
               (39, 40, cloak.BadSignatureError), (40, len(item), cloak.BadSignatureError)]
    check_tamper(r.open_item, item, regions)
    assert r.open_item(item) == SECRETS[1]  # failed attempts did not use its tag up


def test_concurrent_sealing(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    """Many threads seal into one writer at once: every index is given once, and the batch made from
    the digests at their indexes opens every item."""
    n = 800
    w = writer(bob_enc, alice)
    start = threading.Barrier(8)

    def seal(worker: int) -> List[cloak.SealedItem]:
        start.wait()
        return [w.seal_item(b"S%d-%d" % (worker, i), b"v%d" % i) for i in range(n // 8)]

    with ThreadPoolExecutor(8) as ex:
        sealed = [s for part in ex.map(seal, range(8)) for s in part]
    assert sorted(s.index for s in sealed) == list(range(n)) and w.item_count == n
    by_index = sorted(sealed, key=lambda s: s.index)
    blob = w.finish([s.digest for s in by_index], alice)
    r = reader(blob, bob_enc, alice)
    assert r.item_count == n
    names = {r.open_item(s.item).name for s in sealed}
    assert len(names) == n


def test_writer_rules(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    w = writer(bob_enc, alice)
    for bad in (b"", b"n" * 256):
        with pytest.raises(cloak.BadParamsError):
            w.seal_item(bad, b"v")
    assert w.item_count == 0  # a refused item reserves no index
    first = w.seal_item("A", b"1")
    assert first.index == 0
    with pytest.raises(TypeError):
        pickle.dumps(w)
    with pytest.raises(TypeError):
        copy.copy(w)
    w.finish([first.digest], alice)
    with pytest.raises(cloak.BadStateError):
        w.seal_item("B", b"2")
    with pytest.raises(cloak.BadStateError):
        w.finish([first.digest], alice)
    # the digest count must be the number of items sealed; the writer is gone either way
    w = writer(bob_enc, alice)
    d = w.seal_item("A", b"1").digest
    with pytest.raises(cloak.BadParamsError):
        w.finish([d, d], alice)
    assert w.wiped
    # the creator must be the one given to begin, and a consistent key
    w = writer(bob_enc, alice)
    with pytest.raises(cloak.MismatchError):
        w.finish([], cloak.IdentityKeyPair.generate())
    other = cloak.IdentityKeyPair.generate()
    poisoned = identity_with_secret_key(bytes(other.secret_bytes()[:32]) + alice.public_key)
    w = writer(bob_enc, alice)
    with pytest.raises(cloak.InvalidKeyError):
        w.finish([], poisoned)
    for bad_id in ("", "v" * 256):
        with pytest.raises(cloak.BadParamsError):
            writer(bob_enc, alice, vault_id=bad_id.encode())
    for field in ("epoch", "head_version"):
        with pytest.raises(cloak.BadParamsError):
            writer(bob_enc, alice, **{field: 0})  # type: ignore[arg-type]
    with pytest.raises(cloak.InvalidKeyError):
        cloak.BatchWriter(bytes(32), alice, "v", 1, 1, HEAD_HASH, LATER)
    w2 = writer(bob_enc, alice)
    w2.wipe()
    with pytest.raises(cloak.BadStateError):
        w2.seal_item("A", b"1")


def test_empty_batch(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob = writer(bob_enc, alice, vault_id=b"v").finish([], alice)
    assert len(blob) == cloak.batch_len(1, 0) == 222
    assert reader(blob, bob_enc, alice, b"v").item_count == 0


def test_length_helpers() -> None:
    assert cloak.batch_item_len(0, 5) == 0
    assert cloak.batch_item_len(256, 5) == 0
    assert cloak.batch_item_len(1, 0) == 56 + 64
    assert cloak.batch_item_opened_maxlen(56 + 64) == 64
    for not_a_length in (56, 119, 121):
        assert cloak.batch_item_opened_maxlen(not_a_length) == 0
    with pytest.raises(cloak.BadParamsError):
        cloak.batch_len(-1, 0)


def test_parse_helpers_refuse(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    blob, items = make(bob_enc, alice, SECRETS[:1])
    with pytest.raises(cloak.WrongTypeError):
        cloak.batch_sender(items[0])
    with pytest.raises(cloak.WrongTypeError):
        cloak.batch_count(items[0])
    with pytest.raises(cloak.WrongTypeError):
        cloak.batch_item_index(blob)
    with pytest.raises(cloak.MalformedError):
        cloak.batch_item_index(items[0][:39])

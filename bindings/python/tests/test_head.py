"""Vault heads (verify the first, follow the chain, freshness, roster) and the Merkle commitment
(inclusion and absence proofs) through the binding."""

from __future__ import annotations

import pickle
import time
from typing import List, Optional, Tuple

import pytest

import cloak

VAULT_ID = b"vault-1"
LATER = int(time.time()) + 3600
ADMIN = cloak.PERMISSION_ADMIN | cloak.PERMISSION_WRITE


def key_id_of(encryption_public_key: bytes) -> bytes:
    return cloak.blob_inspect(cloak.encryption_public_export(encryption_public_key)).key_id


def member(identity: cloak.IdentityKeyPair, permissions: int, suite: int = cloak.SUITE_XWING) -> bytes:
    enc = cloak.EncryptionKeyPair.generate(suite)
    return cloak.roster_entry(cloak.ROSTER_MEMBER, permissions, suite, identity.public_key, key_id_of(enc.public_key))


def roster(*entries: bytes) -> List[bytes]:
    """Sorted by (kind, public key), as cloak_head_create() wants them (kind at byte 0, the key at
    bytes 4 to 36)."""
    return sorted(entries, key=lambda e: (e[0], e[4:36]))


def leaves_of(vault: cloak.Vault, secrets: List[Tuple[str, bytes]]) -> List[bytes]:
    leaves = [cloak.merkle_leaf(vault.blind_index(n), vault.seal(n, v)) for n, v in secrets]
    return sorted(leaves)  # the blind index leads each leaf


def head(vault: cloak.Vault, version: int, previous: Optional[bytes], leaves: List[bytes], entries: List[bytes],
         signer: cloak.IdentityKeyPair, epoch: int = 1, expiry: int = LATER) -> bytes:
    return cloak.head_create(VAULT_ID, epoch, vault.key_id, version, previous, expiry, cloak.merkle_root(leaves),
                             len(leaves), entries, signer)


def test_chain(vault: cloak.Vault, alice: cloak.IdentityKeyPair) -> None:
    bob = cloak.IdentityKeyPair.generate()
    entries = roster(member(alice, ADMIN), member(bob, cloak.PERMISSION_WRITE))
    leaves = leaves_of(vault, [("A", b"1"), ("B", b"2"), ("C", b"3")])
    first = head(vault, 1, None, leaves, entries, alice)
    assert len(first) == cloak.head_len(len(VAULT_ID), len(entries))
    assert cloak.blob_inspect(first).type == cloak.ObjectType.VAULT_HEAD
    h1 = cloak.Head.verify_first(first, VAULT_ID, [alice.public_key])
    assert (h1.version, h1.epoch, h1.expiry, h1.leaf_count) == (1, 1, LATER, 3)
    assert h1.merkle_root == cloak.merkle_root(leaves) and h1.vault_key_id == vault.key_id
    assert h1.signer == alice.public_key and len(h1.hash) == 32 and h1.blob == first
    h1.check(1, 1)
    assert h1.roster_find(cloak.ROSTER_MEMBER, alice).permissions == ADMIN
    with pytest.raises(cloak.MismatchError):
        h1.roster_find(cloak.ROSTER_MEMBER, cloak.IdentityKeyPair.generate().public_key)
    with pytest.raises(cloak.UntrustedSignerError):
        cloak.Head.verify_first(first, VAULT_ID, [bob.public_key])
    with pytest.raises(cloak.MismatchError):
        cloak.Head.verify_first(first, b"vault-2", [alice.public_key])

    # a writer adds a secret: version 2, chained to version 1
    more = leaves_of(vault, [("A", b"1"), ("B", b"2"), ("C", b"3"), ("D", b"4")])
    second = head(vault, 2, h1.hash, more, entries, bob)
    h2 = h1.verify_next(second)
    assert h2.version == 2 and h2.leaf_count == 4 and h2.signer == bob.public_key
    with pytest.raises(cloak.StaleError):
        h2.check(1, 3)
    with pytest.raises(cloak.StaleError):
        h2.check(2, 1)
    with pytest.raises(cloak.ExpiredError):
        h2.check(1, 1, LATER + 1)
    # an old head served again is stale; a fork (another version 2) does not chain to version 2
    with pytest.raises(cloak.StaleError):
        h2.verify_next(first)
    fork = head(vault, 2, h1.hash, leaves, entries, alice)
    h1.verify_next(fork)  # a valid successor of version 1 on its own ...
    with pytest.raises(cloak.MismatchError):  # ... but not of the version 2 this client saw
        h2.verify_next(head(vault, 3, cloak.Head.verify_first(fork, VAULT_ID, alice).hash, leaves, entries, alice))
    with pytest.raises(cloak.MismatchError):  # a gap
        h2.verify_next(head(vault, 4, h2.hash, leaves, entries, alice))
    # a writer may not change the roster; a removed member may not sign at all
    without_bob = roster(member(alice, ADMIN))
    with pytest.raises(cloak.UntrustedSignerError):
        h2.verify_next(head(vault, 3, h2.hash, more, without_bob, bob))
    h3 = h2.verify_next(head(vault, 3, h2.hash, more, without_bob, alice))
    with pytest.raises(cloak.UntrustedSignerError):
        h3.verify_next(head(vault, 4, h3.hash, more, without_bob, bob))
    # the blob a head was verified from is the one it passes on
    with pytest.raises(TypeError):
        pickle.dumps(h3)
    with pytest.raises(TypeError):
        cloak.Head()
    h3.wipe()
    with pytest.raises(cloak.BadStateError):
        h3.version


def test_merkle_proofs(vault: cloak.Vault, alice: cloak.IdentityKeyPair) -> None:
    secrets = [("S%d" % i, b"v%d" % i) for i in range(11)]
    leaves = leaves_of(vault, secrets)
    h = cloak.Head.verify_first(head(vault, 1, None, leaves, [member(alice, ADMIN)], alice), VAULT_ID, alice)
    for i, leaf in enumerate(leaves):
        proof = cloak.merkle_prove_inclusion(leaves, i)
        assert len(proof) <= cloak.MERKLE_INCLUSION_PROOFBYTES_MAX
        h.verify_inclusion(leaf, proof)
        other = leaves[(i + 1) % len(leaves)]
        with pytest.raises(cloak.MismatchError):
            h.verify_inclusion(other, proof)
    # a rolled-back secret (an older sealed blob under the same name) is not the leaf the head lists
    stale_leaf = cloak.merkle_leaf(vault.blind_index("S0"), vault.seal("S0", b"older value"))
    with pytest.raises(cloak.MismatchError):
        h.verify_inclusion(stale_leaf, cloak.merkle_prove_inclusion(leaves, leaves.index(
            next(x for x in leaves if x[:32] == stale_leaf[:32]))))
    absent = vault.blind_index("NOT_THERE")
    proof = cloak.merkle_prove_absence(leaves, absent)
    assert len(proof) <= cloak.MERKLE_ABSENCE_PROOFBYTES_MAX
    h.verify_absence(absent, proof)
    # an omitted secret: the server claims S3 is absent, but the head lists it
    present = vault.blind_index("S3")
    with pytest.raises(cloak.MismatchError):
        h.verify_absence(present, proof)
    with pytest.raises(cloak.MalformedError):
        h.verify_inclusion(leaves[0], b"\x00")
    with pytest.raises(cloak.BadParamsError):  # not sorted
        cloak.merkle_root(list(reversed(leaves)))
    with pytest.raises(cloak.BadParamsError):
        cloak.merkle_root(leaves[:1] * 2)  # not strictly increasing
    assert cloak.merkle_root(b"".join(leaves)) == h.merkle_root

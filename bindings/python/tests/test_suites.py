"""Vaults of mixed suites, and the downgrade and policy checks against a verified head
(docs/protocol.md 10.8): one member on X25519, one on X-Wing, service accounts of both suites; shares
and batches through the head (Head.seal_share, .open_share, .batch_writer, .open_batch), the caller
never choosing a suite; a share to a member's older X25519 key refused; a post-quantum-only vault
refusing every X25519 key, share and batch."""

from __future__ import annotations

import time
from typing import List, NamedTuple, Optional

import pytest

import cloak

S = cloak.Suite
VAULT_ID = b"vault:mixed"
LATER = int(time.time()) + 3600
ADMIN = cloak.PERMISSION_ADMIN | cloak.PERMISSION_WRITE
PQ = cloak.VAULT_POST_QUANTUM_ONLY


class Member(NamedTuple):
    identity: cloak.IdentityKeyPair
    encryption: cloak.EncryptionKeyPair


def sorted_roster(entries: List[bytes]) -> List[bytes]:
    """By (kind, roster key): the kind at byte 0, the key at bytes 4 to 36."""
    return sorted(entries, key=lambda e: (e[0], e[4:36]))


class Vault:
    """A vault with a chain of heads, signed by its admin."""

    def __init__(self, admin: Member) -> None:
        self.admin = admin
        self.key = cloak.vault_key_generate()
        self.epoch = 1
        self.head: Optional[cloak.Head] = None

    def commit(self, entries: List[bytes], policy: int = 0, rotate: bool = False) -> cloak.Head:
        if rotate:
            self.key, self.epoch = cloak.vault_key_generate(), self.epoch + 1
        version = 1 if self.head is None else self.head.version + 1
        blob = cloak.head_create(VAULT_ID, self.epoch, self.key.key_id, version,
                                 None if self.head is None else self.head.hash, LATER,
                                 cloak.merkle_root([]), 0, sorted_roster(entries), self.admin.identity, policy=policy)
        self.head = (cloak.Head.verify_first(blob, VAULT_ID, self.admin.identity) if self.head is None
                     else self.head.verify_next(blob))
        return self.head


@pytest.fixture
def people() -> dict:
    return {
        "alice": Member(cloak.IdentityKeyPair.generate(), cloak.EncryptionKeyPair.generate()),  # X-Wing
        "bob": Member(cloak.IdentityKeyPair.generate(), cloak.EncryptionKeyPair.generate(S.X25519)),
        "ci": cloak.EncryptionKeyPair.generate(),  # an X-Wing service account
        "legacy_ci": cloak.X25519KeyPair.generate(),
    }


def roster_of(p: dict, bob_key: Optional[cloak.EncryptionKeyPair] = None, legacy: bool = True) -> List[bytes]:
    entries = [cloak.roster_member(p["alice"].identity, p["alice"].encryption.public_key, ADMIN),
               cloak.roster_member(p["bob"].identity.public_key, bob_key or p["bob"].encryption,
                                   cloak.PERMISSION_WRITE),
               cloak.roster_service_account(p["ci"].public_key)]
    if legacy:
        entries.append(cloak.roster_service_account(p["legacy_ci"]))
    return entries


def test_roster_entries_and_lookup(people: dict) -> None:
    alice, bob, ci = people["alice"], people["bob"], people["ci"]
    entry = cloak.roster_member(alice.identity, alice.encryption.public_key, ADMIN)
    assert len(entry) == cloak.ROSTER_ENTRYBYTES == 52
    assert entry == cloak.roster_entry(cloak.ROSTER_MEMBER, ADMIN, cloak.SUITE_XWING, alice.identity.public_key,
                                       alice.encryption.key_id)
    assert cloak.roster_service_account(ci.public_key) == cloak.roster_entry(
        cloak.ROSTER_SERVICE_ACCOUNT, 0, S.XWING, ci.public_key.key_hash, ci.key_id)
    with pytest.raises(cloak.BadParamsError):  # suite 3
        cloak.roster_entry(cloak.ROSTER_MEMBER, ADMIN, 3, alice.identity.public_key, alice.encryption.key_id)
    with pytest.raises(cloak.BadParamsError):  # a service account's key id that is not its key's
        cloak.roster_entry(cloak.ROSTER_SERVICE_ACCOUNT, 0, S.XWING, ci.public_key.key_hash, bytes(16))
    v = Vault(alice)
    head = v.commit(roster_of(people))
    assert head.policy == 0 and not head.post_quantum_only and "policy=0" in repr(head)
    assert head.roster_find(cloak.ROSTER_MEMBER, alice.identity) == (ADMIN, S.XWING, alice.encryption.key_id)
    found = head.roster_find(cloak.ROSTER_MEMBER, bob.identity.public_key)
    assert found.suite == S.X25519 and found.encryption_key_id == bob.encryption.key_id
    assert found.permissions == cloak.PERMISSION_WRITE
    # a service account is found by its key (the binding is taken from it), or by the binding itself
    for key in (ci, ci.public_key, bytes(ci.public_key), ci.public_key.key_hash):
        assert head.roster_find(cloak.ROSTER_SERVICE_ACCOUNT, key) == (0, S.XWING, ci.key_id)
    assert head.roster_find(cloak.ROSTER_SERVICE_ACCOUNT, people["legacy_ci"]).suite == S.X25519
    with pytest.raises(cloak.MismatchError):
        head.roster_find(cloak.ROSTER_SERVICE_ACCOUNT, cloak.XWingKeyPair.generate())


def test_shares_and_batches_in_a_mixed_vault(people: dict) -> None:
    alice, bob, ci, legacy_ci = people["alice"], people["bob"], people["ci"], people["legacy_ci"]
    v = Vault(alice)
    head = v.commit(roster_of(people))
    # Shares to both members through the head: the suite comes from each one's key.
    to_alice = head.seal_share(v.key, alice.identity, alice.encryption.public_key, alice.identity)
    to_bob = head.seal_share(v.key, bob.identity, bob.encryption.public_key, alice.identity)
    assert (len(to_alice), len(to_bob)) == (cloak.XWING_SHAREBYTES, cloak.SHAREBYTES)
    assert (cloak.blob_suite(to_alice), cloak.blob_suite(to_bob)) == (S.XWING, S.X25519)
    for share, m in ((to_alice, alice), (to_bob, bob)):
        head.check_share(m.identity, share)
        opened = head.open_share(share, m.identity, m.encryption, alice.identity)
        assert opened.vault_key == v.key and opened.epoch == v.epoch
    # A share to one member checked as another's: the roster names another key (mismatch).
    with pytest.raises(cloak.MismatchError):
        head.check_share(bob.identity, to_alice)
    # Batches to both service accounts through the head.
    for account in (ci, legacy_ci):
        with head.batch_writer(account.public_key, alice.identity) as w:
            assert w.suite == account.suite
            sealed = [w.seal_item(b"NAME", b"value-%d" % account.suite)]
            batch = w.finish([s.digest for s in sealed], alice.identity)
        head.check_batch(batch)
        with head.open_batch(batch, account, [alice.identity]) as r:
            assert r.suite == account.suite and r.head_hash == head.hash
            r.check(v.epoch, head.version)
            assert r.open_item(sealed[0].item) == (b"NAME", b"value-%d" % account.suite)
    # Keys the roster does not name: another service account, a member's key as an account's.
    with pytest.raises(cloak.MismatchError):
        head.batch_writer(cloak.XWingKeyPair.generate().public_key, alice.identity)
    with pytest.raises(cloak.MismatchError):
        head.check_recipient(None, alice.encryption.public_key)
    with pytest.raises(cloak.MismatchError):
        head.check_recipient(cloak.IdentityKeyPair.generate(), alice.encryption)
    with pytest.raises(cloak.BadParamsError):
        head.check_recipient(bob.identity, bytes(33))
    # The head's own key only: another vault key, or a share of one, is refused.
    with pytest.raises(cloak.MismatchError):
        head.seal_share(cloak.vault_key_generate(), bob.identity, bob.encryption.public_key, alice.identity)
    foreign = cloak.share_seal(cloak.vault_key_generate(), v.epoch, VAULT_ID, bob.encryption.public_key,
                               alice.identity)
    with pytest.raises(cloak.MismatchError):
        head.open_share(foreign, bob.identity, bob.encryption, alice.identity)
    # A share of another epoch than the head's.
    old_epoch = cloak.share_seal(v.key, v.epoch + 1, VAULT_ID, bob.encryption.public_key, alice.identity)
    with pytest.raises(cloak.MismatchError):
        head.check_share(bob.identity, old_epoch)


def test_downgrade_to_an_older_key_is_refused(people: dict) -> None:
    """Bob moves from X25519 to X-Wing; the server still serves his older, validly signed bundle."""
    alice, bob = people["alice"], people["bob"]
    v = Vault(alice)
    v.commit(roster_of(people))
    bob_new = cloak.EncryptionKeyPair.generate()
    old_bundle, new_bundle = bob.identity.bundle(bob.encryption.public_key), bob.identity.bundle(bob_new.public_key)
    head = v.commit(roster_of(people, bob_key=bob_new))
    assert head.roster_find(cloak.ROSTER_MEMBER, bob.identity) == (cloak.PERMISSION_WRITE, S.XWING, bob_new.key_id)
    served_old = cloak.bundle_verify(old_bundle)
    assert served_old.identity_public_key == bob.identity.public_key  # the signature is genuine
    with pytest.raises(cloak.MismatchError):
        head.check_recipient(bob.identity, served_old.encryption_public_key)
    with pytest.raises(cloak.MismatchError):
        head.seal_share(v.key, bob.identity, served_old.encryption_public_key, alice.identity)
    # A writer that did not check made one anyway: Bob refuses it before opening.
    downgraded = cloak.share_seal(v.key, v.epoch, VAULT_ID, served_old.encryption_public_key, alice.identity)
    with pytest.raises(cloak.MismatchError):
        head.check_share(bob.identity, downgraded)
    with pytest.raises(cloak.MismatchError):
        head.open_share(downgraded, bob.identity, bob.encryption, alice.identity)
    # The current bundle: an X-Wing share, with no branch on the caller's side.
    current = cloak.bundle_verify(new_bundle)
    share = head.seal_share(v.key, current.identity_public_key, current.encryption_public_key, alice.identity)
    assert cloak.blob_suite(share) == S.XWING
    assert head.open_share(share, bob.identity, bob_new, alice.identity).vault_key == v.key


def test_post_quantum_only_vault(people: dict) -> None:
    alice, bob, ci, legacy_ci = people["alice"], people["bob"], people["ci"], people["legacy_ci"]
    v = Vault(alice)
    v.commit(roster_of(people))
    bob_new = cloak.EncryptionKeyPair.generate()
    pq_roster = roster_of(people, bob_key=bob_new, legacy=False)
    v.commit(pq_roster)
    # The policy needs every roster key to be X-Wing ...
    with pytest.raises(cloak.BadParamsError):
        cloak.head_create(VAULT_ID, v.epoch + 1, cloak.vault_key_generate().key_id, 3, v.head.hash, LATER,
                          cloak.merkle_root([]), 0, sorted_roster(roster_of(people, bob_key=bob_new)),
                          alice.identity, policy=PQ)
    with pytest.raises(cloak.BadParamsError):
        cloak.head_create(VAULT_ID, v.epoch, v.key.key_id, 3, v.head.hash, LATER, cloak.merkle_root([]), 0,
                          sorted_roster(pq_roster), alice.identity, policy=2)
    # ... and a rotation: a head that sets it at the same epoch does not follow (the old vault key
    # went over X25519).
    same_epoch = cloak.head_create(VAULT_ID, v.epoch, v.key.key_id, 3, v.head.hash, LATER, cloak.merkle_root([]), 0,
                                   sorted_roster(pq_roster), alice.identity, policy=PQ)
    with pytest.raises(cloak.MismatchError):
        v.head.verify_next(same_epoch)
    head = v.commit(pq_roster, policy=PQ, rotate=True)
    assert head.policy == PQ and head.post_quantum_only and head.epoch == 2
    # Nothing X25519 is made or accepted in it.
    with pytest.raises(cloak.PolicyError):
        head.check_recipient(bob.identity, bob.encryption.public_key)
    with pytest.raises(cloak.PolicyError):
        head.seal_share(v.key, bob.identity, bob.encryption.public_key, alice.identity)
    x25519_share = cloak.share_seal(v.key, v.epoch, VAULT_ID, bob.encryption.public_key, alice.identity)
    with pytest.raises(cloak.PolicyError):
        head.check_share(bob.identity, x25519_share)
    with pytest.raises(cloak.PolicyError):
        head.open_share(x25519_share, bob.identity, bob.encryption, alice.identity)
    with pytest.raises(cloak.PolicyError):
        head.batch_writer(legacy_ci.public_key, alice.identity)
    with cloak.BatchWriter(legacy_ci.public_key, alice.identity, VAULT_ID, v.epoch, head.version, head.hash,
                           head.expiry) as w:
        x25519_batch = w.finish([w.seal_item(b"N", b"v").digest], alice.identity)
    with pytest.raises(cloak.PolicyError):
        head.check_batch(x25519_batch)
    with pytest.raises(cloak.PolicyError):
        head.open_batch(x25519_batch, legacy_ci, [alice.identity])
    # X-Wing shares and batches go through.
    share = head.seal_share(v.key, bob.identity, bob_new.public_key, alice.identity)
    assert head.open_share(share, bob.identity, bob_new, alice.identity).epoch == 2
    with head.batch_writer(ci.public_key, alice.identity) as w:
        item = w.seal_item(b"N", b"v")
        batch = w.finish([item.digest], alice.identity)
    reader = head.open_batch(batch, ci, [alice.identity])
    reader.check(2, head.version)
    assert reader.open_item(item.item) == (b"N", b"v")

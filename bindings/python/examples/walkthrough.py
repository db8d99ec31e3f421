#!/usr/bin/env python3
"""The whole libcloak story in Python (the counterpart of examples/walkthrough.c).

Alice registers (a password, and an account secret key that goes into her emergency kit and never to
the server), logs in on a new device with both, creates a vault (epoch 1, head v1: the roster names
her admin) and adds secrets (head v2 commits to them with a Merkle root); Bob registers; Alice checks
Bob's identity, adds him to the roster (head v3) and shares the vault to the key the roster names
(refusing the older X25519 key the server also offers); Bob follows the chain of heads and reads a
secret with its inclusion proof; Alice creates a service account (head v4) and gives it a batch
bound to the vault, the epoch and that head; the CLI side verifies, checks freshness and reads;
Alice adds a secret later (head v5, a new snapshot); Alice removes Bob and rotates the vault key
(epoch 2, head v6), making the vault post-quantum only. Then the server lies: an old share, an old
batch, another vault's batch, an old head, a forked head, an omitted secret, an X25519 key for the
post-quantum vault and a weakened password record, and each is refused; and the server's whole
store with Alice's password, but without her secret key, opens nothing.

Every encryption key here is an X-Wing key (ML-KEM-768 and X25519, the binding's default), so every
share and batch is post-quantum.

The "server" is an in-memory store that holds only what a server would hold. Every byte string a
client must keep to itself (passwords, account secret keys and their text, master keys, private
keys, vault keys, secret values) is registered as forbidden, and every write is searched for all of
them: the program stops loudly if one ever reaches the store.

    CLOAK_LIBRARY=build/src/libcloak.so python3 walkthrough.py [--cli build/examples/cli/cloak]

With --cli, step 13 also hands the batch to the real `cloak` tool, as a CI machine would.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Tuple

import cloak

VAULT_ID = b"vault:acme-production"
NAMES_ENTRY = b"__names__"
INITIAL = [(b"DATABASE_URL", b"postgres://app:correct-horse-battery@db.internal:5432/app"),
           (b"API_TOKEN", b"tok_live_4f9c2a7e1b8d6f3a0c5e"),
           (b"SIGNING_SALT", b"b5d0e8c1f2a34967")]
LATER = (b"SMTP_PASSWORD", b"mail-relay-p4ssw0rd-2026")
HEAD_LIFETIME = 7 * 24 * 3600  # how long a withheld update can go unnoticed by a client with no memory
ADMIN = cloak.PERMISSION_ADMIN | cloak.PERMISSION_WRITE


class Server:
    """What the server stores: (kind, owner, key) -> bytes. Writes are checked for leaks."""

    def __init__(self) -> None:
        self.data: Dict[Tuple[str, str, str], bytes] = {}
        self.forbidden: List[Tuple[bytes, str]] = []
        self.writes = 0

    def forbid(self, value: bytes, what: str) -> None:
        self.forbidden.append((bytes(value), what))

    def put(self, kind: str, owner: str, key: str, blob: bytes) -> None:
        self.writes += 1
        for value, what in self.forbidden:
            if value and value in blob:
                sys.exit("LEAK: a %s reached the server in %s/%s/%s" % (what, kind, owner, key))
        self.data[(kind, owner, key)] = bytes(blob)

    def get(self, kind: str, owner: str, key: str) -> bytes:
        return self.data[(kind, owner, key)]

    def delete(self, kind: str, owner: Optional[str] = None, key: Optional[str] = None) -> None:
        for k in [k for k in self.data if k[0] == kind and owner in (None, k[1]) and key in (None, k[2])]:
            del self.data[k]


def step(title: str) -> None:
    print("\n== " + title)


class Member:
    def __init__(self, name: str, password: str, account_id: str) -> None:
        self.name, self.password = name, password
        # The login the user types, normalised by the application: the server cannot choose it per
        # victim, and the derivation's salt is bound to it.
        self.account_id = account_id
        self.kit = ""  # the account secret key's text form, in the emergency kit: on paper, never sent
        self.master_key: Optional[cloak.MasterKey] = None
        self.identity: Optional[cloak.IdentityKeyPair] = None
        self.encryption: Optional[cloak.EncryptionKeyPair] = None

    def derive(self, record: bytes) -> cloak.DerivedKeys:
        """The password and the secret key typed from the emergency kit, under the library's default
        cost policy: a record the server weakened or inflated is refused before any Argon2id work."""
        with cloak.AccountSecretKey.decode(self.kit, self.account_id) as secret_key:
            return cloak.password_derive(self.password, record, account_id=self.account_id, secret_key=secret_key)

    def register(self, server: Server) -> None:
        server.forbid(self.password.encode(), "password")
        with cloak.AccountSecretKey.generate() as secret_key:  # made on this first device, never sent
            server.forbid(bytes(secret_key.secret_bytes()), "account secret key")
            self.kit = secret_key.encode(self.account_id)
        server.forbid(self.kit.encode(), "account secret key text")
        print("    %s's emergency kit (printed, kept off the server): account %s, secret key %s"
              % (self.name, self.account_id, self.kit))
        record = cloak.password_record_new()  # Argon2id m = 64 MiB, t = 3, p = 4
        self.master_key, login_key = self.derive(record)
        self.identity = cloak.IdentityKeyPair.generate()
        self.encryption = cloak.EncryptionKeyPair.generate()
        server.forbid(bytes(self.master_key.secret_bytes()), "master key")
        server.forbid(bytes(self.identity.secret_bytes()[:32]), "identity private key")
        server.forbid(bytes(self.encryption.secret_bytes()), "encryption private key")
        server.put("user", self.name, "password record", record)
        # A real server keeps a slow hash of the login key; what it receives is the login key.
        proof = login_key.secret_bytes()  # the one way to a key's bytes: a copy, wiped once sent
        server.put("user", self.name, "login key", bytes(proof))
        proof[:] = bytes(len(proof))
        login_key.wipe()
        server.put("user", self.name, "bundle", self.identity.bundle(self.encryption.public_key))
        server.put("user", self.name, "wrapped identity key", self.identity.wrap(self.master_key))
        server.put("user", self.name, "wrapped encryption key", self.encryption.wrap(self.master_key))
        print("    %s's identity fingerprint: %s" % (self.name, self.identity.fingerprint))

    def log_in(self, server: Server) -> None:
        """A new device: the password and the emergency kit; everything else comes from the server."""
        for k in (self.master_key, self.identity, self.encryption):
            if k is not None:
                k.wipe()
        record = server.get("user", self.name, "password record")
        self.master_key, login_key = self.derive(record)
        if login_key != server.get("user", self.name, "login key"):
            sys.exit("FAILED: the server would not accept %s's login key" % self.name)
        self.identity = cloak.identity_unwrap(self.master_key, server.get("user", self.name, "wrapped identity key"))
        self.encryption = cloak.encryption_unwrap(self.master_key,
                                                  server.get("user", self.name, "wrapped encryption key"))
        print("    %s logged in: keys unwrapped from the server's copies" % self.name)


def share_vault(server: Server, sharer: Member, recipient_name: str, recipient_pk: cloak.EncryptionPublicKey,
                vault_key: cloak.VaultKey, epoch: int, head: Optional[cloak.Head] = None,
                recipient_identity: Optional[bytes] = None) -> None:
    """A share in the recipient key's suite. Once the vault has a head, through it: the key must be
    the one its roster names for the recipient (the server picks which bundle it serves). The first
    share, of a vault with no head yet, is the creator's to herself."""
    assert sharer.identity is not None
    if head is None:
        share = cloak.share_seal(vault_key, epoch, VAULT_ID, recipient_pk, sharer.identity)
    else:
        assert recipient_identity is not None and head.epoch == epoch
        share = head.seal_share(vault_key, recipient_identity, recipient_pk, sharer.identity)
    server.put("share", recipient_name, VAULT_ID.decode(), share)


def open_vault(server: Server, reader: Member, trusted_sharer: bytes, min_epoch: int = 1,
               head: Optional[cloak.Head] = None) -> Tuple[cloak.Vault, cloak.VaultKey]:
    """min_epoch: the highest epoch this member has seen (a real client stores it). With a verified
    head, the share is checked against it first (sealed to the key its roster names for the reader,
    of its epoch) and the key opened must be the one it names."""
    assert reader.encryption is not None and reader.identity is not None
    share = server.get("share", reader.name, VAULT_ID.decode())
    if head is None:
        vault_key, epoch = cloak.share_open(share, VAULT_ID, reader.encryption, trusted_sharer, min_epoch)
    else:
        vault_key, epoch = head.open_share(share, reader.identity, reader.encryption, trusted_sharer)
    return cloak.Vault(vault_key, epoch, VAULT_ID), vault_key


def put_secret(server: Server, vault: cloak.Vault, name: bytes, value: bytes) -> None:
    server.forbid(value, "secret value")
    server.put("secret", vault.vault_id.decode(), vault.blind_index(name).hex(), vault.seal(name, value))


def get_secret(server: Server, vault: cloak.Vault, name: bytes) -> bytes:
    return vault.open(name, server.get("secret", vault.vault_id.decode(), vault.blind_index(name).hex()))


def put_names(server: Server, vault: cloak.Vault, names: List[bytes]) -> None:
    """The list of names is itself a secret, so the server sees only blind indexes."""
    server.delete("secret", VAULT_ID.decode(), vault.blind_index(NAMES_ENTRY).hex())
    put_secret(server, vault, NAMES_ENTRY, b"".join(n + b"\n" for n in names))


# ---- vault heads ---------------------------------------------------------------------------------

class Roster:
    """Who may read, write and administer the vault, and which service accounts it serves: each
    member with the suite and key id of its current encryption key, each service account by its
    key (its binding: an X-Wing key's key hash)."""

    def __init__(self) -> None:
        self.entries: Dict[Tuple[int, bytes], bytes] = {}

    def add_member(self, identity_public_key: bytes, encryption_public_key: cloak.EncryptionPublicKey,
                   permissions: int) -> None:
        self.entries[(cloak.ROSTER_MEMBER, identity_public_key)] = cloak.roster_member(
            identity_public_key, encryption_public_key, permissions)

    def add_service_account(self, public_key: cloak.EncryptionPublicKey) -> None:
        self.entries[(cloak.ROSTER_SERVICE_ACCOUNT, public_key.binding)] = cloak.roster_service_account(public_key)

    def remove(self, kind: int, public_key: bytes) -> None:
        del self.entries[(kind, public_key)]

    def sorted(self) -> List[bytes]:
        """cloak.head_create() wants the entries sorted by (kind, public key)."""
        return [self.entries[k] for k in sorted(self.entries)]


def head_key(version: int) -> str:
    return "v%d" % version


def server_leaves(server: Server, omit: Optional[bytes] = None) -> List[bytes]:
    """The Merkle leaves of the vault's secrets as the server holds them (each stored under its
    blind index), sorted by blind index; `omit` is a blind index a lying server leaves out."""
    leaves = [cloak.merkle_leaf(bytes.fromhex(index), blob) for (kind, owner, index), blob in server.data.items()
              if kind == "secret" and owner == VAULT_ID.decode() and bytes.fromhex(index) != omit]
    return sorted(leaves)  # the blind index leads each leaf


class HeadView:
    """A client's verified view of the vault's chain of heads: the newest head it has checked."""

    def __init__(self) -> None:
        self.head: Optional[cloak.Head] = None

    def start(self, server: Server, trusted: List[bytes]) -> None:
        """The first head, trusted by its signer (an identity pinned out of band)."""
        self.head = cloak.Head.verify_first(server.get("head", VAULT_ID.decode(), head_key(1)), VAULT_ID, trusted)

    def advance(self, blob: bytes) -> None:
        """One head as the successor of the view's: stale, a gap, a fork or a signer the current
        roster does not allow raise, and the view stays where it was."""
        assert self.head is not None
        following = self.head.verify_next(blob)
        self.head.wipe()
        self.head = following

    def follow(self, server: Server, trusted: List[bytes], min_epoch: int = 1) -> cloak.Head:
        """Walks the chain to the newest head the server has, each link checked, then freshness."""
        if self.head is None:
            self.start(server, trusted)
        assert self.head is not None
        while ("head", VAULT_ID.decode(), head_key(self.head.version + 1)) in server.data:
            self.advance(server.get("head", VAULT_ID.decode(), head_key(self.head.version + 1)))
        # The chain already keeps the version from going back; check() adds the expiry, which bounds
        # how long the server can withhold a newer head unnoticed.
        self.head.check(min_epoch, self.head.version)
        return self.head

    def wipe(self) -> None:
        if self.head is not None:
            self.head.wipe()


def commit_head(server: Server, signer: Member, view: HeadView, vault: cloak.Vault, roster: Roster,
                policy: int = 0) -> cloak.Head:
    """An honest change: the next head over the server's secrets, chained to the writer's view. The
    server stores a head only as the successor of the one it has (a writer that lost a race
    re-reads, rebases its change on the new head and signs again); the view moves to it. `policy`:
    VAULT_POST_QUANTUM_ONLY, or 0; once set, it stays as long as the heads that follow keep it."""
    assert signer.identity is not None
    leaves = server_leaves(server)
    version = 1 if view.head is None else view.head.version + 1
    previous = None if view.head is None else view.head.hash
    blob = cloak.head_create(VAULT_ID, vault.epoch, vault.key_id, version, previous, int(time.time()) + HEAD_LIFETIME,
                             cloak.merkle_root(leaves), len(leaves), roster.sorted(), signer.identity, policy=policy)
    if ("head", VAULT_ID.decode(), head_key(version)) in server.data:
        sys.exit("FAILED: the server already has head %s" % head_key(version))
    server.put("head", VAULT_ID.decode(), head_key(version), blob)
    if view.head is None:
        view.start(server, [signer.identity.public_key])
    else:
        view.advance(blob)
    assert view.head is not None
    print("    head v%d: epoch %d, %d secrets under Merkle root %s..., %d roster entries, signed by %s%s"
          % (version, vault.epoch, len(leaves), view.head.merkle_root.hex()[:12], len(roster.entries), signer.name,
             ", post-quantum only" if view.head.post_quantum_only else ""))
    return view.head


def check_secret(server: Server, head: cloak.Head, vault: cloak.Vault, name: bytes) -> bytes:
    """A secret read against a verified head: the server's inclusion proof shows that the blob it
    served is the one the head commits to (not an older one, not another)."""
    index = vault.blind_index(name)
    sealed = server.get("secret", VAULT_ID.decode(), index.hex())
    leaves = server_leaves(server)
    proof = cloak.merkle_prove_inclusion(leaves, [leaf[:32] for leaf in leaves].index(index))
    head.verify_inclusion(cloak.merkle_leaf(index, sealed), proof)
    return vault.open(name, sealed)


def lying_absence_proof(leaves: List[bytes], index: bytes) -> bytes:
    """What a server that withholds the secret at `index` would show: the leaves on either side of
    it with their genuine inclusion proofs, as if they were adjacent (docs/protocol.md section 10.4's
    absence proof: a shape byte, then each neighbour's leaf and inclusion proof)."""
    at = [leaf[:32] for leaf in leaves].index(index)

    def neighbour(i: int) -> bytes:
        return leaves[i] + cloak.merkle_prove_inclusion(leaves, i)

    if at == 0:
        return bytes([2]) + neighbour(1)  # "below every leaf"
    if at == len(leaves) - 1:
        return bytes([1]) + neighbour(at - 1)  # "above every leaf"
    return bytes([3]) + neighbour(at - 1) + neighbour(at + 1)


def issue_batch(server: Server, batch_name: str, creator: Member, vault: cloak.Vault,
                account_pk: cloak.EncryptionPublicKey, names: List[bytes], head: cloak.Head) -> None:
    """A full snapshot of the named secrets for the service account, in one signed batch bound to
    the vault, its epoch and the head the creator has just verified (its version, hash and expiry),
    to the key the head's roster names for the account. (A batch of another vault, which a lying
    server replays below, is made with that vault's own fields.)"""
    assert creator.identity is not None
    if vault.vault_id == head.vault_id:
        writer = head.batch_writer(account_pk, creator.identity)
    else:
        writer = cloak.BatchWriter(account_pk, creator.identity.public_key, vault.vault_id, vault.epoch, head.version,
                                   head.hash, head.expiry)
    with writer:
        digests: Dict[int, bytes] = {}
        for name in names:
            item, index, digest = writer.seal_item(name, get_secret(server, vault, name))
            digests[index] = digest
            server.put("batch item", "ci-deploy", "%s/%d" % (batch_name, index), item)
        server.put("batch", "ci-deploy", batch_name,
                   writer.finish([digests[i] for i in range(len(digests))], creator.identity))


def batch_items(server: Server, batch_name: str) -> List[bytes]:
    items: List[bytes] = []
    while ("batch item", "ci-deploy", "%s/%d" % (batch_name, len(items))) in server.data:
        items.append(server.get("batch item", "ci-deploy", "%s/%d" % (batch_name, len(items))))
    return items


class AccountState:
    """What the CLI side remembers between runs: the highest epoch and head version it has seen."""

    def __init__(self) -> None:
        self.epoch = 1
        self.head_version = 1


def read_batch_as_account(server: Server, batch_name: str, account_key_text: str, trusted_identity: bytes,
                          seen: AccountState) -> int:
    """The CLI side: the account key from a CI variable (text), the identity it trusts pinned, the
    vault it expects, and the newest epoch and version it has seen."""
    with cloak.EncryptionKeyPair.import_service_account_private(cloak.text_decode(account_key_text)) as account:
        with cloak.BatchReader(server.get("batch", "ci-deploy", batch_name), VAULT_ID, account,
                               [trusted_identity]) as reader:
            reader.check(seen.epoch, seen.head_version)
            seen.epoch, seen.head_version = reader.epoch, reader.head_version
            items = batch_items(server, batch_name)
            if len(items) != reader.item_count:
                sys.exit("FAILED: the server handed out %d items of %d" % (len(items), reader.item_count))
            for item in items:
                name, value = reader.open_item(item)
                print("    CLI: %s is set (%d bytes; value not printed)" % (name.decode(), len(value)))
            return reader.item_count


def run_real_cli(cli: str, server: Server, batch_name: str, account_key_text: str, trusted_identity: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "secrets.batch")
        with open(path, "w") as f:
            f.write("# batch %s for service account ci-deploy\n" % batch_name)
            f.write(cloak.text_encode(server.get("batch", "ci-deploy", batch_name)) + "\n")
            for item in batch_items(server, batch_name):
                f.write(cloak.text_encode(item) + "\n")
        env = dict(os.environ, CLOAK_SERVICE_ACCOUNT_KEY=account_key_text, CLOAK_KEYRING=os.path.join(d, "keyring"))
        trust = cloak.text_encode(cloak.identity_public_export(trusted_identity))
        out = subprocess.run([cli, "secrets", path, "--vault", VAULT_ID.decode(), "--trust", trust], env=env,
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit("FAILED: cloak secrets: %s" % out.stderr.strip())
        for line in out.stdout.splitlines():
            print("    $ cloak secrets ...: " + line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", help="path of the cloak tool (examples/cli/cloak in a build) for step 13")
    args = ap.parse_args()

    server = Server()
    print("libcloak %s walkthrough in Python (binding loaded from %s)." % (cloak.version_string(), cloak.library_path()))
    alice = Member("alice", "alice: correct horse battery staple", "alice@acme.example")
    bob = Member("bob", "bob: Tr0ub4dor&3 but longer", "bob@acme.example")

    step("1. Alice registers (an account secret key, Argon2id m=64 MiB t=3 p=4, identity and encryption keys)")
    alice.register(server)
    assert alice.identity is not None and alice.encryption is not None

    step("2. Alice logs in on a new device with her password and her emergency kit")
    alice.log_in(server)
    assert alice.identity is not None and alice.encryption is not None

    step("3. Alice creates a vault (epoch 1, head v1: the roster names her admin) and adds secrets (head v2)")
    vault_key = cloak.vault_key_generate()
    server.forbid(bytes(vault_key.secret_bytes()), "vault key")
    share_vault(server, alice, alice.name, alice.encryption.public_key, vault_key, 1)
    vault, _ = open_vault(server, alice, alice.identity.public_key)
    roster = Roster()
    roster.add_member(alice.identity.public_key, alice.encryption.public_key, ADMIN)
    alice_view = HeadView()
    commit_head(server, alice, alice_view, vault, roster)
    names: List[bytes] = []
    for name, value in INITIAL:
        put_secret(server, vault, name, value)
        names.append(name)
    put_names(server, vault, names)
    commit_head(server, alice, alice_view, vault, roster)
    print("    %d secrets stored under blind indexes, and the list of names as one more secret" % len(names))

    step("4. Bob registers")
    bob.register(server)
    assert bob.identity is not None

    # Bob also has an older X25519 key, in a validly signed bundle the server still holds.
    with cloak.X25519KeyPair.generate() as legacy:
        server.put("user", "bob", "old bundle", bob.identity.bundle(legacy.public_key))

    step("5. Alice verifies Bob's bundle, compares the pair code with him, adds him (head v3) and shares the vault")
    bob_identity_pk, bob_encryption_pk = cloak.bundle_verify(server.get("user", "bob", "bundle"))
    print("    Bob's bundle: an %s key" % bob_encryption_pk.suite.name)
    code = cloak.identity_pair_code(alice.identity.public_key, bob_identity_pk)
    print("    pair code Alice reads to Bob: " + code)
    if code != cloak.identity_pair_code(bob.identity.public_key, alice.identity.public_key):
        sys.exit("FAILED: Alice and Bob see different pair codes")
    roster.add_member(bob_identity_pk, bob_encryption_pk, cloak.PERMISSION_WRITE)
    head = commit_head(server, alice, alice_view, vault, roster)
    share_vault(server, alice, "bob", bob_encryption_pk, vault_key, 1, head, bob_identity_pk)
    # The server serves Bob's older bundle instead: validly signed, but not the key the head names.
    _, old_pk = cloak.bundle_verify(server.get("user", "bob", "old bundle"))
    try:
        share_vault(server, alice, "bob-old", old_pk, vault_key, 1, head, bob_identity_pk)
        sys.exit("FAILED: a share to Bob's older X25519 key was made")
    except cloak.MismatchError as e:
        print("    Bob's older X25519 bundle, served in place of his current one: refused (%s)" % e)

    step("6. Bob logs in on a new device, follows the chain of heads and reads a secret with its proof")
    bob.log_in(server)
    assert bob.encryption is not None and bob.identity is not None
    bob_view = HeadView()
    head = bob_view.follow(server, [alice.identity.public_key])  # Alice's identity, pinned by the pair code
    print("    Bob's view: head v%d (hash %s...), his roster entry: permissions %d"
          % (head.version, head.hash.hex()[:12], head.roster_find(cloak.ROSTER_MEMBER, bob.identity).permissions))
    bob_vault, bob_vault_key = open_vault(server, bob, alice.identity.public_key, head=head)
    if bob_vault.key_id != head.vault_key_id or bob_vault.epoch != head.epoch:
        sys.exit("FAILED: Bob's share is not of the head's vault key")
    value = check_secret(server, head, bob_vault, b"DATABASE_URL")
    print("    Bob read DATABASE_URL (%d bytes), included in head v%d's Merkle tree" % (len(value), head.version))
    assert value == INITIAL[0][1]
    listed = check_secret(server, head, bob_vault, NAMES_ENTRY).split()
    print("    and the list of names: " + ", ".join(n.decode() for n in listed))
    try:
        cloak.share_open(server.get("share", "bob", VAULT_ID.decode()), VAULT_ID, bob.encryption,
                         bob.identity.public_key)
        sys.exit("FAILED: a share checked against an identity Bob did not pin was accepted")
    except cloak.UntrustedSignerError as e:
        print("    a share checked against an identity Bob did not pin: refused (%s)" % e)

    step("7. Alice creates a service account (head v4) and gives it a batch bound to that head")
    account = cloak.EncryptionKeyPair.generate()  # on the CI machine, in real life
    assert alice.master_key is not None
    server.forbid(bytes(account.secret_bytes()), "service-account private key")
    server.put("service account", "ci-deploy", "wrapped key", account.wrap_service_account(alice.master_key))
    account_text = cloak.text_encode(account.export_service_account_private())
    server.forbid(account_text.encode(), "service-account key text")
    print("    CI variable CLOAK_SERVICE_ACCOUNT_KEY = %s... (%d characters, kept off the server)"
          % (account_text[:18], len(account_text)))
    print("    public key %s" % cloak.text_encode(account.export_public())[:40] + "...")
    roster.add_service_account(account.public_key)
    head = commit_head(server, alice, alice_view, vault, roster)
    issue_batch(server, "batch-1", alice, vault, account.public_key, names, head)
    ci_state = AccountState()

    step("8. The CLI side verifies the batch, checks its freshness and reads its secrets")
    if read_batch_as_account(server, "batch-1", account_text, alice.identity.public_key, ci_state) != len(names):
        sys.exit("FAILED: the account did not read every secret")

    step("9. Alice adds a secret later (head v5): a new snapshot for the account")
    put_secret(server, vault, *LATER)
    names.append(LATER[0])
    put_names(server, vault, names)
    head = commit_head(server, alice, alice_view, vault, roster)
    issue_batch(server, "batch-2", alice, vault, account.public_key, [LATER[0]], head)
    if read_batch_as_account(server, "batch-2", account_text, alice.identity.public_key, ci_state) != 1:
        sys.exit("FAILED: the account did not read the new secret")
    print("    Bob's device follows the chain to head v%d" % bob_view.follow(server, [alice.identity.public_key]).version)
    roster_before_removal, leaves_before_removal = roster.sorted(), server_leaves(server)

    step("10. Alice removes Bob and rotates the vault key (epoch 2, head v6, post-quantum only)")
    new_key = cloak.vault_key_generate()
    server.forbid(bytes(new_key.secret_bytes()), "new vault key")
    old_share = server.get("share", "alice", VAULT_ID.decode())
    old_batch = (server.get("batch", "ci-deploy", "batch-1"), batch_items(server, "batch-1"))
    new_vault = cloak.Vault(new_key, vault.epoch + 1, VAULT_ID)
    for name in names + [NAMES_ENTRY]:
        old_index = vault.blind_index(name).hex()
        resealed = vault.reseal(new_vault, name, server.get("secret", VAULT_ID.decode(), old_index))
        server.delete("secret", VAULT_ID.decode(), old_index)
        server.put("secret", VAULT_ID.decode(), new_vault.blind_index(name).hex(), resealed)
    server.delete("share", None, VAULT_ID.decode())
    server.delete("batch")
    server.delete("batch item")
    roster.remove(cloak.ROSTER_MEMBER, bob_identity_pk)
    # Every key in the roster is an X-Wing key, and the epoch changes: the head may make the vault
    # post-quantum only (no X25519 share or batch is then made or accepted in it).
    head = commit_head(server, alice, alice_view, new_vault, roster, cloak.VAULT_POST_QUANTUM_ONLY)
    share_vault(server, alice, alice.name, alice.encryption.public_key, new_key, new_vault.epoch, head,
                alice.identity.public_key)
    issue_batch(server, "batch-3", alice, new_vault, account.public_key, names, head)
    print("    vault key id %s... (epoch %d) replaced by %s... (epoch %d)"
          % (vault.key_id.hex()[:8], vault.epoch, new_vault.key_id.hex()[:8], new_vault.epoch))
    assert vault.key_id != new_vault.key_id and head.vault_key_id == new_vault.key_id
    if read_batch_as_account(server, "batch-3", account_text, alice.identity.public_key, ci_state) != len(names):
        sys.exit("FAILED: the account lost secrets in the rotation")
    try:
        bob_vault.open(b"API_TOKEN", server.get("secret", VAULT_ID.decode(), new_vault.blind_index(b"API_TOKEN").hex()))
        sys.exit("FAILED: Bob's old vault key opened a rotated secret")
    except cloak.WrongKeyError as e:
        print("    Bob's old vault key on a rotated secret: refused (%s)" % e)
    if ("share", "bob", VAULT_ID.decode()) in server.data:
        sys.exit("FAILED: Bob still has a share")

    step("11. The server lies: old and other data, an old head, a forked head, an omitted secret, a weak record")
    try:
        cloak.share_open(old_share, VAULT_ID, alice.encryption, alice.identity.public_key, new_vault.epoch)
        sys.exit("FAILED: the pre-rotation share was accepted")
    except cloak.StaleError as e:
        print("    the pre-rotation share, to a client that has seen epoch %d: refused (%s)" % (new_vault.epoch, e))
    server.put("batch", "ci-deploy", "replayed", old_batch[0])
    for i, item in enumerate(old_batch[1]):
        server.put("batch item", "ci-deploy", "replayed/%d" % i, item)
    try:
        read_batch_as_account(server, "replayed", account_text, alice.identity.public_key, ci_state)
        sys.exit("FAILED: a replayed old batch was accepted")
    except cloak.StaleError as e:
        print("    batch-1 replayed to the CI side: refused (%s)" % e)
    with cloak.Vault(cloak.vault_key_generate(), 1, b"vault:sandbox") as sandbox:
        put_secret(server, sandbox, b"DATABASE_URL", b"postgres://attacker.example/app")
        # The sandbox's own head would be used in real life; the reader refuses on the vault id first.
        issue_batch(server, "sandbox", alice, sandbox, account.public_key, [b"DATABASE_URL"], head)
    try:
        read_batch_as_account(server, "sandbox", account_text, alice.identity.public_key, ci_state)
        sys.exit("FAILED: another vault's batch was accepted")
    except cloak.MismatchError as e:
        print("    a genuine batch of another vault: refused (%s)" % e)
    for kind, owner, key in [k for k in server.data if k[2].split("/")[0] in ("replayed", "sandbox")]:
        server.delete(kind, owner, key)

    # An X25519 key for the post-quantum-only vault: the policy refuses it before anything else.
    try:
        head.check_recipient(bob_identity_pk, old_pk)
        sys.exit("FAILED: an X25519 key passed in a post-quantum-only vault")
    except cloak.PolicyError as e:
        print("    Bob's X25519 bundle, offered for the post-quantum-only vault: refused (%s)" % e)
    # An old head served as the newest: Alice's view is at v6 and never goes back.
    try:
        alice_view.advance(server.get("head", VAULT_ID.decode(), head_key(5)))
        sys.exit("FAILED: an old head was accepted")
    except cloak.StaleError as e:
        print("    head v5 served to Alice, who has verified v6: refused (%s)" % e)
    # A fork: the server keeps a second history for Bob, who was a writer at v5. Bob signs a v6 that
    # drops API_TOKEN (a writer may change secrets) and a v7 on top; the server shows Alice the v7.
    bob_index = bob_vault.blind_index(b"API_TOKEN")
    fork_leaves = [leaf for leaf in leaves_before_removal if leaf[:32] != bob_index]
    assert bob_view.head is not None and bob_view.head.version == 5
    for version in (6, 7):
        fork = cloak.head_create(VAULT_ID, bob_vault.epoch, bob_vault.key_id, version, bob_view.head.hash,
                                 int(time.time()) + HEAD_LIFETIME, cloak.merkle_root(fork_leaves), len(fork_leaves),
                                 roster_before_removal, bob.identity)
        bob_view.advance(fork)  # Bob's own branch verifies for Bob
    try:
        alice_view.advance(fork)
        sys.exit("FAILED: a head of a forked history was accepted")
    except cloak.MismatchError as e:
        print("    v7 of a branch forked at v5, shown to Alice at v6: refused (%s)" % e)
    # An omitted secret: the server drops API_TOKEN's blob and claims there is no such secret, with
    # an absence proof made of the genuine neighbours on either side, presented as adjacent.
    index = new_vault.blind_index(b"API_TOKEN")
    lie = lying_absence_proof(server_leaves(server), index)
    try:
        head.verify_absence(index, lie)
        sys.exit("FAILED: an omitted secret passed for absent")
    except cloak.MismatchError as e:
        print("    API_TOKEN withheld with an absence proof that leaves it out: refused (%s)" % e)
    absent = new_vault.blind_index(b"NOT_A_SECRET")
    head.verify_absence(absent, cloak.merkle_prove_absence(server_leaves(server), absent))
    print("    NOT_A_SECRET, which was never stored: its absence proof holds against head v%d" % head.version)
    # A weakened password record: the server cuts Alice's Argon2id costs to the lowest a record can
    # hold, so that the login key she would send is cheap to guess from. Her client's policy refuses.
    genuine = server.get("user", alice.name, "password record")
    server.put("user", alice.name, "password record",
               cloak.password_record_encode(cloak.password_record_decode(genuine).salt, 16384, 1, 1))
    try:
        alice.derive(server.get("user", alice.name, "password record"))
        sys.exit("FAILED: a weakened password record was accepted")
    except cloak.WeakParamsError as e:
        print("    Alice's password record cut to 16 MiB, t = 1 (no Argon2id work done): refused (%s)" % e)
    server.put("user", alice.name, "password record", genuine)

    step("12. What the server holds at the end")
    kinds: Dict[str, int] = {}
    for kind, _, _ in server.data:
        kinds[kind] = kinds.get(kind, 0) + 1
    for kind in sorted(kinds):
        print("    %-16s %d entries" % (kind, kinds[kind]))
    print("    no password, account secret key, master key, private key, vault key or secret value reached the "
          "store (%d writes checked against %d forbidden values)" % (server.writes, len(server.forbidden)))
    # A breach of all of it, and Alice's password too (phished, or guessed), but not her secret key.
    stolen = cloak.password_derive(alice.password, server.get("user", alice.name, "password record"),
                                   account_id=alice.account_id)
    if stolen.login_key == server.get("user", alice.name, "login key"):
        sys.exit("FAILED: the password alone gave Alice's login key")
    try:
        cloak.identity_unwrap(stolen.master_key, server.get("user", alice.name, "wrapped identity key"))
        sys.exit("FAILED: the password alone unwrapped Alice's identity key")
    except cloak.WrongKeyError as e:
        print("    the whole store and Alice's password, without her secret key: nothing unwraps (%s)" % e)
    stolen.master_key.wipe()
    stolen.login_key.wipe()

    if args.cli:
        step("13. On the CI machine: the real cloak tool reads the batch file")
        run_real_cli(args.cli, server, "batch-3", account_text, alice.identity.public_key)

    for secret in (vault, new_vault, bob_vault, vault_key, new_key, bob_vault_key, account, alice.master_key,
                   bob.master_key, alice.identity, alice.encryption, bob.identity, bob.encryption):
        if secret is not None:
            secret.wipe()
    alice_view.wipe()
    bob_view.wipe()
    print("\nwalkthrough complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The whole libcloak story in Python (the counterpart of examples/walkthrough.c).

Alice registers, logs in on a new device, creates a vault and adds secrets; Bob registers; Alice
checks Bob's identity and shares the vault; Bob reads; Alice creates a service account and
re-encrypts the vault for it; the CLI side reads its secrets; Alice adds a secret later; Alice
removes Bob and rotates the vault key.

The "server" is an in-memory store that holds only what a server would hold. Every byte string a
client must keep to itself (passwords, master keys, private keys, vault keys, secret values) is
registered as forbidden, and every write is searched for all of them: the program stops loudly if
one ever reaches the store.

    CLOAK_LIBRARY=build/src/libcloak.so python3 walkthrough.py [--cli build/examples/cli/cloak]

With --cli, step 12 also hands the batch to the real `cloak` tool, as a CI machine would.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional, Tuple

import cloak

VAULT_ID = b"vault:acme-production"
NAMES_ENTRY = b"__names__"
INITIAL = [(b"DATABASE_URL", b"postgres://app:correct-horse-battery@db.internal:5432/app"),
           (b"API_TOKEN", b"tok_live_4f9c2a7e1b8d6f3a0c5e"),
           (b"SIGNING_SALT", b"b5d0e8c1f2a34967")]
LATER = (b"SMTP_PASSWORD", b"mail-relay-p4ssw0rd-2026")


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
    def __init__(self, name: str, password: str) -> None:
        self.name, self.password = name, password
        self.master_key: Optional[cloak.MasterKey] = None
        self.identity: Optional[cloak.IdentityKeyPair] = None
        self.encryption: Optional[cloak.EncryptionKeyPair] = None

    def register(self, server: Server) -> None:
        server.forbid(self.password.encode(), "password")
        record = cloak.password_record_new()  # Argon2id m = 64 MiB, t = 3, p = 4
        self.master_key, login_key = cloak.password_derive(self.password, record)
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
        """A new device: only the password; everything else comes from the server."""
        for k in (self.master_key, self.identity, self.encryption):
            if k is not None:
                k.wipe()
        record = server.get("user", self.name, "password record")
        self.master_key, login_key = cloak.password_derive(self.password, record)
        if login_key != server.get("user", self.name, "login key"):
            sys.exit("FAILED: the server would not accept %s's login key" % self.name)
        self.identity = cloak.identity_unwrap(self.master_key, server.get("user", self.name, "wrapped identity key"))
        self.encryption = cloak.encryption_unwrap(self.master_key,
                                                  server.get("user", self.name, "wrapped encryption key"))
        print("    %s logged in: keys unwrapped from the server's copies" % self.name)


def share_vault(server: Server, sharer: Member, recipient_name: str, recipient_pk: bytes,
                vault_key: cloak.VaultKey) -> None:
    assert sharer.identity is not None
    server.put("share", recipient_name, VAULT_ID.decode(),
               cloak.share_seal(vault_key, VAULT_ID, recipient_pk, sharer.identity))


def open_vault(server: Server, reader: Member, trusted_sharer: bytes) -> Tuple[cloak.Vault, cloak.VaultKey]:
    assert reader.encryption is not None
    share = server.get("share", reader.name, VAULT_ID.decode())
    vault_key = cloak.share_open(share, VAULT_ID, reader.encryption, trusted_sharer)
    return cloak.Vault(vault_key, VAULT_ID), vault_key


def put_secret(server: Server, vault: cloak.Vault, name: bytes, value: bytes) -> None:
    server.forbid(value, "secret value")
    server.put("secret", VAULT_ID.decode(), vault.blind_index(name).hex(), vault.seal(name, value))


def get_secret(server: Server, vault: cloak.Vault, name: bytes) -> bytes:
    return vault.open(name, server.get("secret", VAULT_ID.decode(), vault.blind_index(name).hex()))


def put_names(server: Server, vault: cloak.Vault, names: List[bytes]) -> None:
    """The list of names is itself a secret, so the server sees only blind indexes."""
    server.delete("secret", VAULT_ID.decode(), vault.blind_index(NAMES_ENTRY).hex())
    put_secret(server, vault, NAMES_ENTRY, b"".join(n + b"\n" for n in names))


def issue_batch(server: Server, batch_name: str, creator: Member, vault: cloak.Vault, account_pk: bytes,
                names: List[bytes]) -> None:
    """Re-encrypts the named secrets for the service account into one signed batch."""
    assert creator.identity is not None
    with cloak.BatchWriter(account_pk, VAULT_ID) as writer:
        for i, name in enumerate(names):
            item = writer.seal_item(name, get_secret(server, vault, name))
            server.put("batch item", "ci-deploy", "%s/%d" % (batch_name, i), item)
        server.put("batch", "ci-deploy", batch_name, writer.finish(creator.identity))


def batch_items(server: Server, batch_name: str) -> List[bytes]:
    items: List[bytes] = []
    while ("batch item", "ci-deploy", "%s/%d" % (batch_name, len(items))) in server.data:
        items.append(server.get("batch item", "ci-deploy", "%s/%d" % (batch_name, len(items))))
    return items


def read_batch_as_account(server: Server, batch_name: str, account_key_text: str, trusted_identity: bytes) -> int:
    """The CLI side: the account key from a CI variable (text), the identity it trusts pinned."""
    with cloak.EncryptionKeyPair.import_service_account_private(cloak.text_decode(account_key_text)) as account:
        with cloak.BatchReader(server.get("batch", "ci-deploy", batch_name), account, [trusted_identity]) as reader:
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
        out = subprocess.run([cli, "secrets", path, "--trust", trust], env=env, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit("FAILED: cloak secrets: %s" % out.stderr.strip())
        for line in out.stdout.splitlines():
            print("    $ cloak secrets ...: " + line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", help="path of the cloak tool (examples/cli/cloak in a build) for step 12")
    args = ap.parse_args()

    server = Server()
    print("libcloak %s walkthrough in Python (binding loaded from %s)." % (cloak.version_string(), cloak.library_path()))
    alice = Member("alice", "alice: correct horse battery staple")
    bob = Member("bob", "bob: Tr0ub4dor&3 but longer")

    step("1. Alice registers (Argon2id m=64 MiB t=3 p=4, identity and encryption keys)")
    alice.register(server)
    assert alice.identity is not None and alice.encryption is not None

    step("2. Alice logs in on a new device")
    alice.log_in(server)
    assert alice.identity is not None and alice.encryption is not None

    step("3. Alice creates a vault, shares its key with herself, and adds secrets")
    vault_key = cloak.vault_key_generate()
    server.forbid(bytes(vault_key.secret_bytes()), "vault key")
    share_vault(server, alice, alice.name, alice.encryption.public_key, vault_key)
    vault, _ = open_vault(server, alice, alice.identity.public_key)
    names: List[bytes] = []
    for name, value in INITIAL:
        put_secret(server, vault, name, value)
        names.append(name)
    put_names(server, vault, names)
    print("    %d secrets stored under blind indexes, and the list of names as one more secret" % len(names))

    step("4. Bob registers")
    bob.register(server)
    assert bob.identity is not None

    step("5. Alice verifies Bob's bundle, compares the pair code with him, and shares the vault")
    bob_identity_pk, bob_encryption_pk = cloak.bundle_verify(server.get("user", "bob", "bundle"))
    code = cloak.identity_pair_code(alice.identity.public_key, bob_identity_pk)
    print("    pair code Alice reads to Bob: " + code)
    if code != cloak.identity_pair_code(bob.identity.public_key, alice.identity.public_key):
        sys.exit("FAILED: Alice and Bob see different pair codes")
    share_vault(server, alice, "bob", bob_encryption_pk, vault_key)

    step("6. Bob logs in on a new device and reads a secret")
    bob.log_in(server)
    assert bob.encryption is not None and bob.identity is not None
    bob_vault, bob_vault_key = open_vault(server, bob, alice.identity.public_key)
    value = get_secret(server, bob_vault, b"DATABASE_URL")
    print("    Bob read DATABASE_URL (%d bytes)" % len(value))
    assert value == INITIAL[0][1]
    listed = get_secret(server, bob_vault, NAMES_ENTRY).split()
    print("    and the list of names: " + ", ".join(n.decode() for n in listed))
    try:
        cloak.share_open(server.get("share", "bob", VAULT_ID.decode()), VAULT_ID, bob.encryption,
                         bob.identity.public_key)
        sys.exit("FAILED: a share checked against an identity Bob did not pin was accepted")
    except cloak.UntrustedSignerError as e:
        print("    a share checked against an identity Bob did not pin: refused (%s)" % e)

    step("7. Alice creates a service account and re-encrypts the vault for it")
    account = cloak.EncryptionKeyPair.generate()  # on the CI machine, in real life
    assert alice.master_key is not None
    server.forbid(bytes(account.secret_bytes()), "service-account private key")
    server.put("service account", "ci-deploy", "wrapped key", account.wrap_service_account(alice.master_key))
    account_text = cloak.text_encode(account.export_service_account_private())
    server.forbid(account_text.encode(), "service-account key text")
    print("    CI variable CLOAK_SERVICE_ACCOUNT_KEY = %s... (%d characters, kept off the server)"
          % (account_text[:18], len(account_text)))
    print("    public key %s" % cloak.text_encode(account.export_public())[:40] + "...")
    issue_batch(server, "batch-1", alice, vault, account.public_key, names)

    step("8. The CLI side reads its secrets")
    if read_batch_as_account(server, "batch-1", account_text, alice.identity.public_key) != len(names):
        sys.exit("FAILED: the account did not read every secret")

    step("9. Alice adds a secret later: one new item for the account")
    put_secret(server, vault, *LATER)
    names.append(LATER[0])
    put_names(server, vault, names)
    issue_batch(server, "batch-2", alice, vault, account.public_key, [LATER[0]])
    if read_batch_as_account(server, "batch-2", account_text, alice.identity.public_key) != 1:
        sys.exit("FAILED: the account did not read the new secret")

    step("10. Alice removes Bob and rotates the vault key")
    new_key = cloak.vault_key_generate()
    server.forbid(bytes(new_key.secret_bytes()), "new vault key")
    new_vault = cloak.Vault(new_key, VAULT_ID)
    for name in names + [NAMES_ENTRY]:
        old_index = vault.blind_index(name).hex()
        resealed = vault.reseal(new_vault, name, server.get("secret", VAULT_ID.decode(), old_index))
        server.delete("secret", VAULT_ID.decode(), old_index)
        server.put("secret", VAULT_ID.decode(), new_vault.blind_index(name).hex(), resealed)
    server.delete("share", None, VAULT_ID.decode())
    share_vault(server, alice, alice.name, alice.encryption.public_key, new_key)
    server.delete("batch")
    server.delete("batch item")
    issue_batch(server, "batch-3", alice, new_vault, account.public_key, names)
    print("    vault key id %s... replaced by %s..." % (vault.key_id.hex()[:8], new_vault.key_id.hex()[:8]))
    assert vault.key_id != new_vault.key_id
    if read_batch_as_account(server, "batch-3", account_text, alice.identity.public_key) != len(names):
        sys.exit("FAILED: the account lost secrets in the rotation")
    try:
        bob_vault.open(b"API_TOKEN", server.get("secret", VAULT_ID.decode(), new_vault.blind_index(b"API_TOKEN").hex()))
        sys.exit("FAILED: Bob's old vault key opened a rotated secret")
    except cloak.WrongKeyError as e:
        print("    Bob's old vault key on a rotated secret: refused (%s)" % e)
    if ("share", "bob", VAULT_ID.decode()) in server.data:
        sys.exit("FAILED: Bob still has a share")

    step("11. What the server holds at the end")
    kinds: Dict[str, int] = {}
    for kind, _, _ in server.data:
        kinds[kind] = kinds.get(kind, 0) + 1
    for kind in sorted(kinds):
        print("    %-16s %d entries" % (kind, kinds[kind]))
    print("    no password, master key, private key, vault key or secret value reached the store "
          "(%d writes checked against %d forbidden values)" % (server.writes, len(server.forbidden)))

    if args.cli:
        step("12. On the CI machine: the real cloak tool reads the batch file")
        run_real_cli(args.cli, server, "batch-3", account_text, alice.identity.public_key)

    for secret in (vault, new_vault, bob_vault, vault_key, new_key, bob_vault_key, account, alice.master_key,
                   bob.master_key, alice.identity, alice.encryption, bob.identity, bob.encryption):
        if secret is not None:
            secret.wipe()
    print("\nwalkthrough complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())

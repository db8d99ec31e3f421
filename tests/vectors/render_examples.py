#!/usr/bin/env python3
"""Renders docs/protocol-examples.md from tests/vectors/libcloak.json (standard library only).

    python3 tests/vectors/render_examples.py            # writes docs/protocol-examples.md
    python3 tests/vectors/render_examples.py --check    # fails if the committed file differs
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
from typing import Any, Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VECTORS = os.path.join(HERE, "libcloak.json")
EXAMPLES = os.path.join(ROOT, "docs", "protocol-examples.md")


class Document:
    def __init__(self, cases: List[Dict[str, Any]]) -> None:
        self.by_name = {c["name"]: c for c in cases}
        self.parts: List[str] = []

    def case(self, name: str) -> Dict[str, Any]:
        case = self.by_name.get(name)
        if case is None:
            raise SystemExit("render_examples.py: libcloak.json has no case %r" % name)
        if case["expect"] != "ok":
            raise SystemExit("render_examples.py: case %r is a failure case" % name)
        return case

    def value(self, name: str, where: str, key: str) -> Any:
        return self.case(name)[where][key]

    def text(self, s: str) -> None:
        self.parts.append(s + "\n\n")

    def hex(self, label: str, hex_value: str) -> None:
        lines = [hex_value[i:i + 64] for i in range(0, len(hex_value), 64)] or [""]
        self.parts.append("%s (%d bytes):\n\n    %s\n\n" % (label, len(hex_value) // 2, "\n    ".join(lines)))

    def code(self, label: str, text: str) -> None:
        self.parts.append("%s:\n\n    %s\n\n" % (label, text))


def ascii_of(hex_value: str) -> str:
    return bytes.fromhex(hex_value).decode("ascii")


def render_xwing(d: Document) -> None:
    """Suite 2: an X-Wing key pair, a bundle, a share and a batch."""
    d.text("## Suite 2: X-Wing keys and what is sealed to them (sections 1.6, 5, 8, 9)")
    bob = d.case("bob/xwing-keypair")
    d.hex("Bob's X-Wing seed (DeriveKeyPair input)", bob["inputs"]["seed"])
    d.hex("Bob's X-Wing private key (the 32-byte X-Wing seed)", bob["outputs"]["secret_key"])
    d.hex("Bob's X-Wing public key (ML-KEM-768 encapsulation key, then X25519 public key)",
          bob["outputs"]["public_key"])
    d.hex("Its key hash (the binding in infos, signed contents and rosters; the key id is its first 16 bytes)",
          d.value("xwing-key-hash/bob", "outputs", "key_hash"))
    alice = d.case("alice/xwing-keypair")
    d.hex("Alice's X-Wing seed", alice["inputs"]["seed"])
    d.hex("Alice's bundle with her X-Wing key (suite 2)", d.value("bundle/alice-xwing", "outputs", "bundle"))
    share = d.case("share-seal-xwing/alice-to-bob")
    si = share["inputs"]
    d.text("A share of the vault key above from Alice to Bob's X-Wing key, epoch %d, vault id `%s`. The\n"
           "encapsulation draws 64 random bytes: ML-KEM's m, then the X25519 ephemeral secret key." % (
               si["epoch"], ascii_of(si["vault_id"])))
    d.hex("m || e", si["random"][0])
    d.hex("Share (suite 2)", share["outputs"]["share"])
    batch = d.case("batch-open-xwing/two-items")
    bo = batch["outputs"]
    seal = d.case("batch-seal-xwing/two-items")
    d.text("A batch of two items to an X-Wing service account: vault id `%s`, epoch %d, head version %d,\n"
           "expiry %d, created by Alice." % (ascii_of(batch["inputs"]["vault_id"]), bo["epoch"], bo["head_version"],
                                             bo["expiry"]))
    d.hex("The service account's X-Wing public key", batch["inputs"]["account_public_key"])
    d.hex("Batch id (drawn first)", seal["inputs"]["random"][0])
    d.hex("m || e (drawn second)", seal["inputs"]["random"][1])
    d.hex("Batch (suite 2)", batch["inputs"]["blob"])
    for i, item in enumerate(batch["inputs"]["items"]):
        opened = (ascii_of(bo["names"][i]), ascii_of(bo["values"][i]))
        d.hex("Item %d: `%s` = `%s`" % ((i,) + opened), item)
    d.text("The same account's access credential (section 9.4: info = u16(2) || its key id) and verifier.")
    d.hex("Credential", d.value("service-account-credential-xwing/account", "outputs", "credential"))
    d.hex("Verifier", d.value("service-account-credential-verifier/xwing-account", "outputs", "verifier"))


def render(vectors: Dict[str, Any]) -> str:
    cases = vectors["cases"]
    d = Document(cases)
    d.text("# libcloak protocol: worked examples")
    d.text("Rendered from `tests/vectors/libcloak.json` by `tests/vectors/render_examples.py`; do not edit by\n"
           "hand. The vectors are produced by an implementation written from [protocol.md](protocol.md)\n"
           "alone (`tests/vectors/spec/`), and the test suite replays every one of them through the library\n"
           "(`tests/test_vectors_libcloak.c`), failures included. Byte strings are hex. Nonces, salts and\n"
           "the randomness of the HPKE encapsulations are fixed inputs. Argon2id runs here at the smallest\n"
           "cost a record may have (m = 16 MiB, t = 1, p = 1), under an explicit legacy policy, to keep the\n"
           "tests fast, and once at the defaults; the layout is the same at any cost.")

    d.text("## Keys used below")
    for who, title in (("alice", "Alice"), ("bob", "Bob")):
        identity = d.case(who + "/identity-keypair")
        encryption = d.case(who + "/encryption-keypair")
        first = who == "alice"  # what the seeds are is said once
        d.hex("%s's identity seed%s" % (title, " (Ed25519)" if first else ""), identity["inputs"]["seed"])
        d.hex("%s's identity public key" % title, identity["outputs"]["public_key"])
        d.hex("%s's encryption seed%s" % (title, " (DeriveKeyPair input)" if first else ""),
              encryption["inputs"]["seed"])
        d.hex("%s's encryption private key" % title, encryption["outputs"]["secret_key"])
        d.hex("%s's encryption public key" % title, encryption["outputs"]["public_key"])

    d.text("## Password record, cost policy, account secret key and derived keys (section 4)")
    record = d.case("password-record/smallest-cost")
    derive = d.case("password-derive/smallest-cost")
    keyed = d.case("password-derive/smallest-cost-with-secret-key")
    d.text("Password: `%s`. Account id: `%s`." % (ascii_of(derive["inputs"]["password"]),
                                                 ascii_of(derive["inputs"]["account_id"])))
    d.hex("Record (m = %d, t = %d, p = %d, salt %s...)" % (
        record["inputs"]["memory_kib"], record["inputs"]["iterations"], record["inputs"]["parallelism"],
        record["inputs"]["salt"][:2]), record["outputs"]["record"])
    d.hex("The default policy (section 4.2)", d.value("password-policy-default/ok", "outputs", "policy"))
    legacy = d.case("password-policy-init/legacy")
    d.hex("The legacy policy that admits this record (%s)" % ", ".join(
        "%s %d" % (k, legacy["inputs"][k]) for k in ("memory_kib_min", "cost_min", "memory_kib_max", "cost_max",
                                                      "iterations_max", "parallelism_max")),
          legacy["outputs"]["policy"])
    d.text("Without a secret key, under the legacy policy:")
    d.hex("salt' (section 4.3)", derive["trace"]["account_salt"])
    d.hex("A = Argon2id(password, salt', ...)", derive["trace"]["argon2id"])
    d.hex("prk = Extract(\"libcloak v2 password\", A)", derive["trace"]["prk"])
    d.hex("Master key", derive["outputs"]["master_key"])
    d.hex("Login key", derive["outputs"]["login_key"])
    d.hex("Key id of the master key", d.value("key-id/master-key", "outputs", "key_id"))
    d.text("With Alice's account secret key (section 4.4), the same password, record and account id:")
    d.hex("Account secret key", keyed["inputs"]["secret_key"])
    d.code("Its text form (section 4.5)", d.value("account-secret-key-encode/alice", "outputs", "text"))
    d.hex("S = HKDF(key, account id)", keyed["trace"]["secret_key_share"])
    d.hex("prk = Extract(\"libcloak v2 password and secret key\", A || S)", keyed["trace"]["prk"])
    d.hex("Master key", keyed["outputs"]["master_key"])
    d.hex("Login key", keyed["outputs"]["login_key"])
    upgraded = d.case("password-derive/default-cost-with-secret-key")
    new_record = upgraded["inputs"]["record"]
    d.text("After the upgrade of section 4.7: a new record at the defaults, under the default policy.")
    d.hex("Record (m = %d, t = %d, p = %d)" % (int(new_record[40:48], 16), int(new_record[48:56], 16),
                                             int(new_record[56:64], 16)), new_record)
    d.hex("salt'", upgraded["trace"]["account_salt"])
    d.hex("A", upgraded["trace"]["argon2id"])
    d.hex("Master key", upgraded["outputs"]["master_key"])
    d.hex("Login key", upgraded["outputs"]["login_key"])

    d.text("## Public key blob and its text form (sections 3, 5.1)")
    d.hex("Alice's identity public key blob", d.value("identity-public/alice", "outputs", "blob"))
    d.code("Its text form", d.value("text/identity-public-key", "outputs", "text"))

    d.text("## Member bundle (section 5.2)")
    d.hex("Alice's bundle", d.value("bundle/alice", "outputs", "bundle"))

    d.text("## Signature under a context (section 5.3)")
    sign = d.case("identity-sign/hello")
    d.text("Message `%s`, context `%s`." % (ascii_of(sign["inputs"]["message"]), ascii_of(sign["inputs"]["context"])))
    d.hex("Signature", sign["outputs"]["signature"])

    d.text("## Wrapped private keys (section 6)")
    d.hex("Alice's identity key wrapped under her master key (type 0x05)",
          d.value("identity-unwrap/ok", "inputs", "wrapped"))
    d.hex("Alice's encryption key wrapped under her master key (type 0x06)",
          d.value("encryption-unwrap/ok", "inputs", "wrapped"))
    d.hex("Alice's identity key re-wrapped under the master key of her upgraded record (section 6.2)",
          d.value("wrapped-key-rewrap/identity", "outputs", "rewrapped"))
    d.hex("A service-account private key in the clear (type 0x0C), Bob's encryption key pair used as one",
          d.value("account-key/bob", "outputs", "blob"))
    d.code("Its text form", d.value("text/account-key", "outputs", "text"))

    d.text("## Secret and blind index (sections 1.5, 7)")
    secret = d.case("secret-open/ok")
    si = secret["inputs"]
    d.text("Vault key %s...%s at epoch %d, vault id `%s`, name `%s`, context `%s`,\n"
           "value `%s` (%d bytes, so P = pad(4 + %d) = %d)." % (
               si["vault_key"][:2], si["vault_key"][-2:], si["epoch"], ascii_of(si["vault_id"]), ascii_of(si["name"]),
               ascii_of(si["context"]), ascii_of(secret["outputs"]["value"]), len(secret["outputs"]["value"]) // 2,
               len(secret["outputs"]["value"]) // 2, len(si["sealed"]) // 2 - 64))
    d.hex("Key id of the vault key", d.value("key-id/vault-key", "outputs", "key_id"))
    d.hex("Sealed secret", si["sealed"])
    d.hex("Blind index of `%s`" % ascii_of(si["name"]), d.value("blind-index/database-url", "outputs", "index"))
    rows = ["| value length | sealed length |", "|---|---|"]
    for c in cases:
        if c["operation"] == "secret_sealed_len":
            rows.append("| %d | %d |" % (c["inputs"]["value_len"], c["outputs"]["sealed_len"]))
    d.text("Sealed lengths (64 + pad(4 + value length)): values in one bucket give blobs of one length.\n\n"
           + "\n".join(rows))

    d.text("## Vault-key share from Alice to Bob (section 8)")
    share = d.case("share-open/ok")
    d.text("The vault key above, epoch %d, vault id `%s`." % (share["outputs"]["epoch"],
                                                             ascii_of(share["inputs"]["vault_id"])))
    d.hex("Share", share["inputs"]["share"])

    d.text("## Service-account batch of two items, to Bob's key used as an account (section 9)")
    batch = d.case("batch-open/two-items")
    bo = batch["outputs"]
    d.text("Vault id `%s`, epoch %d, head version %d, expiry %d (Unix seconds)." % (
        ascii_of(batch["inputs"]["vault_id"]), bo["epoch"], bo["head_version"], bo["expiry"]))
    d.hex("Head hash", bo["head_hash"])
    d.hex("Batch (creator Alice)", batch["inputs"]["blob"])
    for i, item in enumerate(batch["inputs"]["items"]):
        opened = (ascii_of(batch["outputs"]["names"][i]), ascii_of(batch["outputs"]["values"][i]))
        d.hex("Item %d: `%s` = `%s`" % ((i,) + opened), item)

    d.text("## Service-account access credential (section 9.4)")
    cred = d.case("service-account-credential/bob")
    d.text("Bob's encryption key pair used as an account (suite 1), as in the private key above.")
    d.hex("PRK = Extract(\"libcloak v2 service account credential\", private key)", cred["trace"]["prk"])
    d.hex("Info = u16(1) || key id of the public key", cred["trace"]["info"])
    d.hex("Credential", cred["outputs"]["credential"])
    d.hex("Verifier, what the server stores",
          d.value("service-account-credential-verifier/bob", "outputs", "verifier"))

    render_xwing(d)

    d.text("## Vault heads and the Merkle tree (section 10)")
    first = d.case("head-create/first")
    fi = first["inputs"]
    d.text("The first head of vault `%s`: version %d, epoch %d, expiry %d, an empty tree (%d leaves),\n"
           "policy %d, a roster of %d entries (kind, permissions, suite, public key, encryption key id),\n"
           "signed by an admin." % (ascii_of(fi["vault_id"]), fi["version"], fi["epoch"], fi["expiry"],
                                    fi["leaf_count"], fi["policy"], len(fi["roster"])))
    member = d.case("roster-entry/member")
    d.hex("A roster entry: member, permissions %d (write and admin), suite %d" % (
        member["inputs"]["permissions"], member["inputs"]["suite"]), member["outputs"]["entry"])
    account = d.case("roster-entry/service-account-xwing")
    d.hex("A roster entry: service account of suite %d (its public key field is its X-Wing key's key hash)"
          % account["inputs"]["suite"], account["outputs"]["entry"])
    d.hex("Head, version 1", first["outputs"]["head"])
    second = d.case("head-verify-next/writer-adds-secrets")
    so = second["outputs"]
    d.text("Its successor: a writer adds %d secrets (version %d, epoch %d)." % (so["leaf_count"], so["version"],
                                                                             so["epoch"]))
    d.hex("Head, version %d" % so["version"], second["inputs"]["blob"])
    d.hex("Its hash", so["hash"])
    d.hex("Its Merkle root", so["merkle_root"])
    leaf = d.case("merkle-leaf/ok")
    d.text("A leaf is the blind index followed by SHA-256 of the sealed secret (here the sealed bytes are\n"
           "`%s`)." % ascii_of(leaf["inputs"]["sealed"]))
    d.hex("Leaf", leaf["outputs"]["leaf"])
    root3 = d.case("merkle-root/3")
    d.hex("The root of a tree of three leaves (the file lists them)", root3["outputs"]["root"])
    inclusion = d.case("merkle-prove-inclusion/5-of-13")
    d.hex("Inclusion proof of leaf %d of %d" % (inclusion["inputs"]["index"], len(inclusion["inputs"]["leaves"])),
          inclusion["outputs"]["proof"])
    absence = d.case("merkle-prove-absence/between")
    d.hex("Absence proof of a blind index between two leaves (shape 3: both neighbours)",
          absence["outputs"]["proof"])

    d.text("## Fingerprints (section 11.2)")
    d.text("Alice's fingerprint: `%s`" % d.value("fingerprint/alice", "outputs", "text"))
    d.text("Pair code of Alice and Bob: `%s`" % d.value("pair-code/alice-bob", "outputs", "text"))

    d.text("## Cases in the vector file")
    d.text("The file holds more than the examples above (a wrapped service-account key, HPKE single-shot,\n"
           "blind indexes of other names, signatures section 1.3 refuses, keys sections 1.4 and 1.6 refuse,\n"
           "stale and expired batches, each suite's blobs given to the other suite's reader, section 10.8's\n"
           "checks against a head, ...) and, for every reader, the failures protocol.md names.")
    counts: Dict[str, collections.Counter] = collections.OrderedDict()
    for c in cases:
        counts.setdefault(c["operation"], collections.Counter())[c["expect"]] += 1
    rows = ["| operation | ok | failures (status: cases) |", "|---|---|---|"]
    for operation, counter in counts.items():
        failures = ", ".join("%s: %d" % (s, n) for s, n in sorted(counter.items()) if s != "ok")
        rows.append("| `%s` | %d | %s |" % (operation, counter["ok"], failures or "none"))
    total_ok = sum(c["ok"] for c in counts.values())
    d.parts.append("%d cases, %d ok and %d failures:\n\n%s\n" % (len(cases), total_ok, len(cases) - total_ok,
                                                                  "\n".join(rows)))
    return "".join(d.parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with docs/protocol-examples.md instead of writing")
    args = parser.parse_args()
    with open(VECTORS, encoding="utf-8") as f:
        text = render(json.load(f))
    if args.check:
        with open(EXAMPLES, encoding="utf-8") as f:
            if f.read() != text:
                print("docs/protocol-examples.md differs from what tests/vectors/libcloak.json renders to; "
                      "run tests/vectors/render_examples.py", file=sys.stderr)
                return 1
        return 0
    with open(EXAMPLES, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

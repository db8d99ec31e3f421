"""docs/protocol-examples.md through the binding, and through the independent Python implementation
of docs/protocol.md (spec_impl.py): deterministic values are reproduced, randomised blobs opened."""

from __future__ import annotations

import re
from typing import Dict, Tuple

import pytest

import cloak
import spec_impl as spec
from conftest import source_file

PASSWORD = b"correct horse battery staple"
VAULT_KEY = b"\x77" * 32
VAULT_ID = b"vault-1"
SECRET = (b"DATABASE_URL", b"prod", b"postgres://app:s3cret@db/app")
ITEMS = [(b"API_TOKEN", b"tok_123"), (b"SMTP_USER", b"mailer")]


def parse() -> Tuple[Dict[str, bytes], Dict[str, str], Dict[str, str]]:
    """Labelled hex blocks, the text forms (keyed by the label of the blob before them), and the
    inline `code` lines (fingerprints)."""
    text = source_file("docs/protocol-examples.md").read_text()
    blobs: Dict[str, bytes] = {}
    texts: Dict[str, str] = {}
    inline: Dict[str, str] = {}
    last = ""
    for m in re.finditer(r"^(?P<label>[^\n]+?) \((?P<n>\d+) bytes\):\n\n(?P<hex>(?:    [0-9a-f]+\n)+)"
                         r"|^Its text form:\n\n    (?P<text>cloak-\S+)\n"
                         r"|^(?P<ilabel>[^\n`]+): `(?P<inline>[^`]+)`\n", text, flags=re.M):
        if m.group("label"):
            last = m.group("label")
            data = bytes.fromhex("".join(m.group("hex").split()))
            assert len(data) == int(m.group("n")), last
            blobs[last] = data
        elif m.group("text"):
            texts[last] = m.group("text")
        else:
            inline[m.group("ilabel")] = m.group("inline")
    return blobs, texts, inline


@pytest.fixture(scope="module")
def ex() -> Dict[str, bytes]:
    return parse()[0]


def test_document_parses() -> None:
    blobs, texts, inline = parse()
    assert len(blobs) == 27 and len(texts) == 2
    assert set(inline) >= {"Alice's fingerprint", "Pair code of Alice and Bob", "Password"}
    assert inline["Password"] == PASSWORD.decode()


def keys(ex: Dict[str, bytes]) -> Tuple[cloak.IdentityKeyPair, cloak.EncryptionKeyPair, cloak.EncryptionKeyPair]:
    alice_id = cloak.IdentityKeyPair.from_seed(ex["Alice's identity seed (Ed25519)"])
    alice_enc = cloak.EncryptionKeyPair.from_seed(ex["Alice's encryption seed (DeriveKeyPair input)"])
    bob_enc = cloak.EncryptionKeyPair.from_keys(ex["Bob's encryption public key"], ex["Bob's encryption private key"])
    return alice_id, alice_enc, bob_enc


# ---- through the binding ---------------------------------------------------------------------------

def test_binding_reproduces_deterministic_values(ex: Dict[str, bytes]) -> None:
    blobs, texts, inline = parse()
    alice_id, alice_enc, bob_enc = keys(ex)
    assert alice_id.public_key == ex["Alice's identity public key"]
    assert alice_enc.public_key == ex["Alice's encryption public key"]
    assert bytes(alice_enc.secret_bytes()) == ex["Alice's encryption private key"]
    record = cloak.password_record_encode(b"\x5a" * 16, 16384, 1, 1)
    assert record == ex["Record (m = 16384, t = 1, p = 1, salt 5a...)"]
    master, login = cloak.password_derive(PASSWORD, record)
    assert bytes(master.secret_bytes()) == ex["Master key"] and bytes(login.secret_bytes()) == ex["Login key"]
    assert master.key_id == ex["Key id of the master key"]
    blob = alice_id.export_public()
    assert blob == ex["Alice's identity public key blob"]
    assert cloak.text_encode(blob) == texts["Alice's identity public key blob"]
    assert alice_id.bundle(alice_enc.public_key) == ex["Alice's bundle"]
    assert alice_id.sign(b"hello", b"example") == ex["Signature"]
    label = "A service-account private key in the clear (type 0x0C), Bob's encryption key pair used as one"
    assert bob_enc.export_service_account_private() == ex[label]
    assert cloak.text_encode(ex[label]) == texts[label]
    assert cloak.text_decode(texts[label]) == ex[label]
    vault = cloak.Vault(VAULT_KEY, VAULT_ID)
    assert vault.key_id == ex["Key id of the vault key"]
    assert vault.blind_index(SECRET[0]) == ex["Blind index of `DATABASE_URL`"]
    assert alice_id.fingerprint == inline["Alice's fingerprint"]
    # The document does not give Bob's identity key; its generator derives it from the seed 33..33
    # (and Bob's encryption key from 34..34), as it does Alice's from 11..11 and 12..12.
    bob_id = cloak.IdentityKeyPair.from_seed(b"\x33" * 32)
    assert cloak.EncryptionKeyPair.from_seed(b"\x34" * 32).public_key == bob_enc.public_key
    assert cloak.identity_pair_code(alice_id.public_key, bob_id.public_key) == inline["Pair code of Alice and Bob"]


def test_binding_opens_randomised_blobs(ex: Dict[str, bytes]) -> None:
    alice_id, alice_enc, bob_enc = keys(ex)
    master = cloak.MasterKey(ex["Master key"])
    w_id = ex["Alice's identity key wrapped under her master key (type 0x05)"]
    assert cloak.identity_unwrap(master, w_id).public_key == alice_id.public_key
    w_enc = ex["Alice's encryption key wrapped under her master key (type 0x06)"]
    assert cloak.encryption_unwrap(master, w_enc).public_key == alice_enc.public_key
    vault = cloak.Vault(VAULT_KEY, VAULT_ID)
    assert vault.open(SECRET[0], ex["Sealed secret"], SECRET[1]) == SECRET[2]
    assert cloak.share_open(ex["Share"], VAULT_ID, bob_enc, alice_id.public_key) == VAULT_KEY
    batch = ex["Batch (creator Alice)"]
    r = cloak.BatchReader(batch, bob_enc, [alice_id.public_key])
    assert r.item_count == 2
    assert r.open_item(ex["Item 1: `SMTP_USER` = `mailer`"]) == ITEMS[1]
    assert r.open_item(ex["Item 0: `API_TOKEN` = `tok_123`"], expected_name=b"API_TOKEN") == ITEMS[0]


# ---- through the independent implementation --------------------------------------------------------

def test_spec_reproduces_deterministic_values(ex: Dict[str, bytes]) -> None:
    blobs, texts, inline = parse()
    seed = ex["Alice's identity seed (Ed25519)"]
    ipk = spec.ed25519_public(seed)
    assert ipk == ex["Alice's identity public key"]
    epk = spec.x25519_public(ex["Alice's encryption private key"])
    assert epk == ex["Alice's encryption public key"]
    record = spec.password_record(b"\x5a" * 16, 16384, 1, 1)
    assert record == ex["Record (m = 16384, t = 1, p = 1, salt 5a...)"]
    master, login = spec.password_derive(PASSWORD, record)
    assert master == ex["Master key"] and login == ex["Login key"]
    assert spec.key_id_symmetric(master) == ex["Key id of the master key"]
    blob = spec.public_key_blob(0x02, ipk)
    assert blob == ex["Alice's identity public key blob"]
    assert spec.text_encode(blob) == texts["Alice's identity public key blob"]
    assert spec.text_decode(texts["Alice's identity public key blob"]) == blob
    assert spec.bundle_create(seed, epk) == ex["Alice's bundle"]
    assert spec.bundle_verify(ex["Alice's bundle"]) == (ipk, epk)
    assert spec.user_sign(seed, b"hello", b"example") == ex["Signature"]
    label = "A service-account private key in the clear (type 0x0C), Bob's encryption key pair used as one"
    assert spec.account_key_blob(ex["Bob's encryption public key"], ex["Bob's encryption private key"]) == ex[label]
    assert spec.text_encode(ex[label]) == texts[label]
    assert spec.key_id_symmetric(VAULT_KEY) == ex["Key id of the vault key"]
    assert spec.blind_index(VAULT_KEY, VAULT_ID, SECRET[0]) == ex["Blind index of `DATABASE_URL`"]
    assert spec.fingerprint(ipk) == inline["Alice's fingerprint"]
    bob_ipk = spec.ed25519_public(b"\x33" * 32)
    assert spec.pair_code(ipk, bob_ipk) == inline["Pair code of Alice and Bob"]


def test_spec_opens_randomised_blobs(ex: Dict[str, bytes]) -> None:
    master = ex["Master key"]
    seed = ex["Alice's identity seed (Ed25519)"]
    ipk = ex["Alice's identity public key"]
    pk, private = spec.unwrap_private(0x05, master, ex["Alice's identity key wrapped under her master key (type 0x05)"])
    assert pk == ipk and private == seed
    pk, private = spec.unwrap_private(0x06, master,
                                      ex["Alice's encryption key wrapped under her master key (type 0x06)"])
    assert pk == ex["Alice's encryption public key"] and private == ex["Alice's encryption private key"]
    assert spec.secret_open(VAULT_KEY, VAULT_ID, SECRET[0], SECRET[1], ex["Sealed secret"]) == SECRET[2]
    bob_sk = ex["Bob's encryption private key"]
    assert spec.share_open(ex["Share"], VAULT_ID, bob_sk, ipk) == VAULT_KEY
    items = [ex["Item 0: `API_TOKEN` = `tok_123`"], ex["Item 1: `SMTP_USER` = `mailer`"]]
    assert spec.batch_open(ex["Batch (creator Alice)"], items, bob_sk, [ipk]) == ITEMS

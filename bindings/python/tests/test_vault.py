"""Vaults, secrets, blind indexes, rotation, and vault-key shares."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor

import pytest

import cloak
from conftest import check_tamper, flip


# ---- vault state -----------------------------------------------------------------------------------

def test_vault_init(vault_key: cloak.VaultKey) -> None:
    v = cloak.vault_init(vault_key, "vault-1")
    assert v.key_id == vault_key.key_id == cloak.vault_key_id(v)
    assert cloak.Vault(bytes(vault_key.secret_bytes()), b"vault-1").key_id == v.key_id
    assert "vault-1" in repr(v) and bytes(vault_key.secret_bytes()).hex() not in repr(v)
    cloak.Vault(vault_key, b"x" * 255)
    for bad in (b"", b"x" * 256):
        with pytest.raises(cloak.BadParamsError):
            cloak.Vault(vault_key, bad)
    with pytest.raises(cloak.BadParamsError):
        cloak.Vault(bytes(31), b"v")
    with pytest.raises(TypeError):
        pickle.dumps(v)
    cloak.vault_wipe(v)
    assert v.wiped and bytes(v._state) == bytes(len(bytes(v._state)))
    with pytest.raises(ValueError):
        v.seal("n", b"v")
    with cloak.Vault(vault_key, "v") as v2:
        pass
    assert v2.wiped


# ---- secrets ---------------------------------------------------------------------------------------

def test_seal_open(vault: cloak.Vault) -> None:
    for value in (b"", b"x", bytes(range(256)) * 100):
        sealed = vault.seal("API_TOKEN", value)
        assert len(sealed) == cloak.secret_sealed_len(len(value)) == len(value) + 60
        assert cloak.secret_opened_len(len(sealed)) == len(value)
        assert vault.open("API_TOKEN", sealed) == value
        assert cloak.secret_open(vault, b"API_TOKEN", sealed) == value
    assert cloak.secret_opened_len(59) == 0
    assert vault.seal("n", b"v") != vault.seal("n", b"v")  # random nonce
    # bytearray and memoryview values, str and bytes names
    sealed = cloak.secret_seal(vault, b"n", bytearray(b"value"), b"ctx")
    assert vault.open("n", memoryview(sealed), "ctx") == b"value"


def test_secret_bindings(vault: cloak.Vault, vault_key: cloak.VaultKey) -> None:
    sealed = vault.seal("DATABASE_URL", b"postgres://", "prod")
    assert vault.open("DATABASE_URL", sealed, "prod") == b"postgres://"
    with pytest.raises(cloak.AuthenticationError):
        vault.open("DATABASE_URL", sealed)  # another context
    with pytest.raises(cloak.AuthenticationError):
        vault.open("DATABASE_URl", sealed, "prod")  # another name
    with pytest.raises(cloak.AuthenticationError):
        cloak.Vault(vault_key, "vault-2").open("DATABASE_URL", sealed, "prod")  # another vault id
    with pytest.raises(cloak.WrongKeyError):
        cloak.Vault(cloak.vault_key_generate(), "vault-1").open("DATABASE_URL", sealed, "prod")


def test_secret_label_bounds(vault: cloak.Vault) -> None:
    vault.seal("n" * 255, b"v", "c" * 255)
    for name, ctx in (("", ""), ("n" * 256, ""), ("n", "c" * 256)):
        with pytest.raises(cloak.BadParamsError):
            vault.seal(name, b"v", ctx)
    sealed = vault.seal("n", b"v")
    with pytest.raises(cloak.BadParamsError):
        vault.open("", sealed)


def test_secret_tamper(vault: cloak.Vault) -> None:
    sealed = vault.seal("n", b"some value", "c")
    check_tamper(lambda b: vault.open("n", b, "c"), sealed,
                 [(4, 20, cloak.WrongKeyError), (20, len(sealed), cloak.AuthenticationError)],
                 min_len=60, resized=cloak.AuthenticationError)
    with pytest.raises(cloak.WrongTypeError):
        vault.open("n", cloak.password_record_new())


def test_blind_index(vault: cloak.Vault, vault_key: cloak.VaultKey) -> None:
    i = vault.blind_index("API_TOKEN")
    assert len(i) == 32 and i == cloak.vault_blind_index(vault, b"API_TOKEN")
    assert i != vault.blind_index("API_TOKEn")
    assert i != cloak.Vault(vault_key, "vault-2").blind_index("API_TOKEN")
    assert i != cloak.Vault(cloak.vault_key_generate(), "vault-1").blind_index("API_TOKEN")
    for bad in ("", "n" * 256):
        with pytest.raises(cloak.BadParamsError):
            vault.blind_index(bad)


def test_reseal(vault: cloak.Vault) -> None:
    new = cloak.Vault(cloak.vault_key_generate(), "vault-1")
    sealed = vault.seal("n", b"value", "c")
    moved = vault.reseal(new, "n", sealed, "c")
    assert len(moved) == len(sealed) and moved != sealed
    assert cloak.blob_inspect(moved).key_id == new.key_id
    assert new.open("n", moved, "c") == b"value"
    with pytest.raises(cloak.WrongKeyError):
        vault.open("n", moved, "c")
    assert cloak.secret_open(new, "n", cloak.secret_reseal(vault, new, "n", sealed, "c"), "c") == b"value"
    with pytest.raises(cloak.AuthenticationError):
        vault.reseal(new, "m", sealed, "c")
    with pytest.raises(cloak.WrongKeyError):
        new.reseal(vault, "n", sealed, "c")


def test_vault_shared_between_threads(vault: cloak.Vault) -> None:
    def work(i: int) -> bool:
        name = "secret-%d" % i
        value = b"v" * i
        return vault.open(name, vault.seal(name, value)) == value

    with ThreadPoolExecutor(8) as ex:
        assert all(ex.map(work, range(400)))


# ---- shares ----------------------------------------------------------------------------------------

def test_share(vault_key: cloak.VaultKey, alice: cloak.IdentityKeyPair, bob_enc: cloak.EncryptionKeyPair) -> None:
    share = cloak.share_seal(vault_key, "vault-1", bob_enc.public_key, alice)
    assert len(share) == 196
    assert cloak.blob_inspect(share).type == cloak.ObjectType.SHARE
    assert cloak.share_sender(share) == alice.public_key
    got = cloak.share_open(share, "vault-1", bob_enc, alice.public_key)
    assert isinstance(got, cloak.VaultKey) and got == vault_key
    with pytest.raises(cloak.UntrustedSignerError):
        cloak.share_open(share, "vault-1", bob_enc, cloak.IdentityKeyPair.generate().public_key)
    with pytest.raises(cloak.BadSignatureError):
        cloak.share_open(share, "vault-2", bob_enc, alice.public_key)
    with pytest.raises(cloak.WrongKeyError):
        cloak.share_open(share, "vault-1", cloak.EncryptionKeyPair.generate(), alice.public_key)
    # Tampering: key id -> wrong key; sender -> not the trusted one; the rest is signed.
    check_tamper(lambda b: cloak.share_open(b, "vault-1", bob_enc, alice.public_key), share,
                 [(4, 20, cloak.WrongKeyError), (20, 52, cloak.UntrustedSignerError),
                  (52, 196, cloak.BadSignatureError)])
    with pytest.raises(cloak.MalformedError):
        cloak.share_sender(share[:195])
    with pytest.raises(cloak.WrongTypeError):
        cloak.share_sender(bob_enc.export_public())


def test_share_to_low_order_key(vault_key: cloak.VaultKey, alice: cloak.IdentityKeyPair) -> None:
    for pk in (bytes(32), b"\x01" + bytes(31)):
        with pytest.raises(cloak.InvalidKeyError):
            cloak.share_seal(vault_key, "v", pk, alice)


def test_share_vault_id_bounds(vault_key: cloak.VaultKey, alice: cloak.IdentityKeyPair,
                               bob_enc: cloak.EncryptionKeyPair) -> None:
    share = cloak.share_seal(vault_key, "v" * 255, bob_enc.public_key, alice)
    assert cloak.share_open(share, "v" * 255, bob_enc, alice.public_key) == vault_key
    for bad in ("", "v" * 256):
        with pytest.raises(cloak.BadParamsError):
            cloak.share_seal(vault_key, bad, bob_enc.public_key, alice)


def test_flip_helper() -> None:
    assert flip(b"\x00\x01", 1) == b"\x00\x00"

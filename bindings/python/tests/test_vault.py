"""Vaults, secrets, blind indexes, rotation, and vault-key shares."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor

import pytest

import cloak
from conftest import check_tamper, flip


# ---- vault state -----------------------------------------------------------------------------------

def padded(u: int) -> int:
    """The padded length of section 1.5, written out here: 64 up to 64, then Padme."""
    if u <= 64:
        return 64
    e = u.bit_length() - 1
    s = e.bit_length()
    mask = (1 << (e - s)) - 1
    return (u + mask) & ~mask


def test_vault_init(vault_key: cloak.VaultKey) -> None:
    v = cloak.vault_init(vault_key, 3, "vault-1")
    assert v.key_id == vault_key.key_id == cloak.vault_key_id(v)
    assert v.epoch == 3
    assert cloak.Vault(bytes(vault_key.secret_bytes()), 1, b"vault-1").key_id == v.key_id
    assert "vault-1" in repr(v) and "epoch=3" in repr(v) and bytes(vault_key.secret_bytes()).hex() not in repr(v)
    cloak.Vault(vault_key, 1, b"x" * 255)
    cloak.Vault(vault_key, 2 ** 32 - 1, b"x")
    for bad in (b"", b"x" * 256):
        with pytest.raises(cloak.BadParamsError):
            cloak.Vault(vault_key, 1, bad)
    for epoch in (0, -1, 2 ** 32):
        with pytest.raises(cloak.BadParamsError):
            cloak.Vault(vault_key, epoch, b"v")
    with pytest.raises(cloak.BadParamsError):
        cloak.Vault(bytes(31), 1, b"v")
    with pytest.raises(TypeError):
        pickle.dumps(v)
    cloak.vault_wipe(v)
    assert v.wiped and bytes(v._state) == bytes(len(bytes(v._state)))
    with pytest.raises(cloak.BadStateError):
        v.seal("n", b"v")
    with pytest.raises(cloak.BadStateError):
        v.epoch
    with cloak.Vault(vault_key, 1, "v") as v2:
        pass
    assert v2.wiped


# ---- secrets ---------------------------------------------------------------------------------------

def test_seal_open(vault: cloak.Vault) -> None:
    for value in (b"", b"x", b"y" * 60, b"z" * 61, bytes(range(256)) * 100):
        sealed = vault.seal("API_TOKEN", value)
        assert len(sealed) == cloak.secret_sealed_len(len(value)) == 64 + padded(4 + len(value))
        assert cloak.secret_opened_len(len(sealed)) == len(sealed) - 68 >= len(value)
        assert vault.open("API_TOKEN", sealed) == value
        assert cloak.secret_open(vault, b"API_TOKEN", sealed) == value
    for not_a_length in (0, 127, 129, 64 + 65):
        assert cloak.secret_opened_len(not_a_length) == 0
    assert vault.seal("n", b"v") != vault.seal("n", b"v")  # random nonce
    # bytearray and memoryview values, str and bytes names
    sealed = cloak.secret_seal(vault, b"n", bytearray(b"value"), b"ctx")
    assert vault.open("n", memoryview(sealed), "ctx") == b"value"


def test_lengths_in_one_bucket_look_alike(vault: cloak.Vault) -> None:
    """The server sees a padded length only: values of 0 to 60 bytes give one length, and so do
    all the values one Padme bucket holds."""
    assert len({len(vault.seal("n", b"v" * n)) for n in range(61)}) == 1
    bucket = [n for n in range(1000, 1100) if padded(4 + n) == padded(4 + 1000)]
    assert len(bucket) > 1 and len({len(vault.seal("n", b"v" * n)) for n in bucket}) == 1


def test_secret_bindings(vault: cloak.Vault, vault_key: cloak.VaultKey) -> None:
    sealed = vault.seal("DATABASE_URL", b"postgres://", "prod")
    assert vault.open("DATABASE_URL", sealed, "prod") == b"postgres://"
    with pytest.raises(cloak.AuthenticationError):
        vault.open("DATABASE_URL", sealed)  # another context
    with pytest.raises(cloak.AuthenticationError):
        vault.open("DATABASE_URl", sealed, "prod")  # another name
    with pytest.raises(cloak.AuthenticationError):
        cloak.Vault(vault_key, 1, "vault-2").open("DATABASE_URL", sealed, "prod")  # another vault id
    with pytest.raises(cloak.WrongKeyError):
        cloak.Vault(cloak.vault_key_generate(), 1, "vault-1").open("DATABASE_URL", sealed, "prod")
    with pytest.raises(cloak.MismatchError):  # the same key under another epoch
        cloak.Vault(vault_key, 2, "vault-1").open("DATABASE_URL", sealed, "prod")


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
    assert len(sealed) == 128
    # key id: wrong key; epoch: not the vault's; nonce and ciphertext: authentication. Every other
    # length is not 64 plus a padded length: malformed.
    check_tamper(lambda b: vault.open("n", b, "c"), sealed,
                 [(4, 20, cloak.WrongKeyError), (20, 24, cloak.MismatchError),
                  (24, len(sealed), cloak.AuthenticationError)])
    with pytest.raises(cloak.WrongTypeError):
        vault.open("n", cloak.password_record_new())


def test_blind_index(vault: cloak.Vault, vault_key: cloak.VaultKey) -> None:
    i = vault.blind_index("API_TOKEN")
    assert len(i) == 32 and i == cloak.vault_blind_index(vault, b"API_TOKEN")
    assert i != vault.blind_index("API_TOKEn")
    assert i != cloak.Vault(vault_key, 1, "vault-2").blind_index("API_TOKEN")
    assert i != cloak.Vault(cloak.vault_key_generate(), 1, "vault-1").blind_index("API_TOKEN")
    for bad in ("", "n" * 256):
        with pytest.raises(cloak.BadParamsError):
            vault.blind_index(bad)


def test_reseal(vault: cloak.Vault) -> None:
    new = cloak.Vault(cloak.vault_key_generate(), 2, "vault-1")
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
    share = cloak.share_seal(vault_key, 2, "vault-1", bob_enc.public_key, alice)
    assert len(share) == cloak.SHAREBYTES == 200
    assert cloak.blob_inspect(share).type == cloak.ObjectType.SHARE
    assert cloak.share_sender(share) == alice.public_key
    got = cloak.share_open(share, "vault-1", bob_enc, alice.public_key)
    assert isinstance(got, cloak.OpenedShare) and isinstance(got.vault_key, cloak.VaultKey)
    assert got.vault_key == vault_key and got.epoch == 2
    key, epoch = cloak.share_open(share, "vault-1", bob_enc, alice.public_key, min_epoch=2)
    assert key == vault_key and epoch == 2
    with pytest.raises(cloak.UntrustedSignerError):
        cloak.share_open(share, "vault-1", bob_enc, cloak.IdentityKeyPair.generate().public_key)
    with pytest.raises(cloak.BadSignatureError):
        cloak.share_open(share, "vault-2", bob_enc, alice.public_key)
    with pytest.raises(cloak.WrongKeyError):
        cloak.share_open(share, "vault-1", cloak.X25519KeyPair.generate(), alice.public_key)
    # Tampering: key id -> wrong key; sender -> not the trusted one; the rest is signed.
    check_tamper(lambda b: cloak.share_open(b, "vault-1", bob_enc, alice.public_key), share,
                 [(4, 20, cloak.WrongKeyError), (20, 52, cloak.UntrustedSignerError),
                  (52, 200, cloak.BadSignatureError)])
    with pytest.raises(cloak.MalformedError):
        cloak.share_sender(share[:199])
    with pytest.raises(cloak.WrongTypeError):
        cloak.share_sender(bob_enc.export_public())


def test_share_rollback_is_stale(vault_key: cloak.VaultKey, alice: cloak.IdentityKeyPair,
                                 bob_enc: cloak.EncryptionKeyPair) -> None:
    """After a rotation to epoch 2, the server serves the epoch-1 share: a client that has seen
    epoch 2 refuses it, with its own error."""
    old = cloak.share_seal(vault_key, 1, "vault-1", bob_enc.public_key, alice)
    new_key = cloak.vault_key_generate()
    new = cloak.share_seal(new_key, 2, "vault-1", bob_enc.public_key, alice)
    seen = cloak.share_open(new, "vault-1", bob_enc, alice.public_key).epoch
    with pytest.raises(cloak.StaleError):
        cloak.share_open(old, "vault-1", bob_enc, alice.public_key, min_epoch=seen)
    with pytest.raises(cloak.BadParamsError):
        cloak.share_open(new, "vault-1", bob_enc, alice.public_key, min_epoch=2 ** 32)
    with pytest.raises(cloak.BadParamsError):
        cloak.share_seal(vault_key, 0, "vault-1", bob_enc.public_key, alice)


def test_share_to_low_order_key(vault_key: cloak.VaultKey, alice: cloak.IdentityKeyPair) -> None:
    for pk in (bytes(32), b"\x01" + bytes(31)):
        with pytest.raises(cloak.InvalidKeyError):
            cloak.share_seal(vault_key, 1, "v", pk, alice)
    with pytest.raises(cloak.MalformedError):  # not canonical: u >= p
        cloak.share_seal(vault_key, 1, "v", b"\xff" * 31 + b"\x7f", alice)


def test_share_vault_id_bounds(vault_key: cloak.VaultKey, alice: cloak.IdentityKeyPair,
                               bob_enc: cloak.EncryptionKeyPair) -> None:
    share = cloak.share_seal(vault_key, 1, "v" * 255, bob_enc.public_key, alice)
    assert cloak.share_open(share, "v" * 255, bob_enc, alice.public_key).vault_key == vault_key
    for bad in ("", "v" * 256):
        with pytest.raises(cloak.BadParamsError):
            cloak.share_seal(vault_key, 1, bad, bob_enc.public_key, alice)


def test_flip_helper() -> None:
    assert flip(b"\x00\x01", 1) == b"\x00\x00"

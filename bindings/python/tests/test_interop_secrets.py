"""Secrets (docs/protocol.md section 7) against the independent Python implementation (spec_impl.py:
XChaCha20-Poly1305 from pyca/cryptography's ChaCha20Poly1305 and HChaCha20 written in Python, HKDF
from hmac): libcloak's secrets open there, and secrets sealed there open in libcloak. Also the other
symmetric pieces the spec defines: key ids, blind indexes, wrapped keys, text forms, signatures."""

from __future__ import annotations

import os
import random

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

import cloak
import spec_impl as spec
from conftest import load_vectors

# ---- the independent primitives, checked first -----------------------------------------------------


def test_hchacha20_draft_vector() -> None:
    """draft-irtf-cfrg-xchacha-03 section 2.2.1."""
    key = bytes(range(32))
    nonce = bytes.fromhex("000000090000004a0000000031415927")
    assert spec.hchacha20(key, nonce).hex() == ("82413b4227b27bfed30e42508a877d73"
                                                 "a0f9e4d58a74a853c12ec41326d3ecdc")


def test_xchacha_against_wycheproof() -> None:
    doc = load_vectors("wycheproof/xchacha20_poly1305_test.json")
    n = 0
    for g in doc["testGroups"]:
        if g["ivSize"] != 192:
            continue
        for t in g["tests"]:
            key, iv, aad = bytes.fromhex(t["key"]), bytes.fromhex(t["iv"]), bytes.fromhex(t["aad"])
            msg, ct = bytes.fromhex(t["msg"]), bytes.fromhex(t["ct"]) + bytes.fromhex(t["tag"])
            if t["result"] == "valid":
                assert spec.xchacha_seal(key, iv, aad, msg) == ct, t["tcId"]
                assert spec.xchacha_open(key, iv, aad, ct) == msg, t["tcId"]
            else:
                with pytest.raises(spec.SpecError):
                    spec.xchacha_open(key, iv, aad, ct)
            n += 1
    assert n > 250


def test_expand_matches_pyca() -> None:
    for n in (16, 32, 64, 100):
        prk, info = os.urandom(32), os.urandom(20)
        assert spec.expand(prk, info, n) == HKDFExpand(hashes.SHA256(), n, info).derive(prk)


# ---- secrets ---------------------------------------------------------------------------------------

def _cases():  # type: ignore[no-untyped-def]
    rnd = random.Random(7)
    for i in range(60):
        vault_id = os.urandom(rnd.choice([1, 7, 255]))
        name = os.urandom(rnd.choice([1, 12, 255]))
        context = os.urandom(rnd.choice([0, 4, 255]))
        value = os.urandom(rnd.choice([0, 1, 63, 64, 65, 1000, 70000]))
        yield vault_id, name, context, value


def test_libcloak_secrets_open_independently() -> None:
    for vault_id, name, context, value in _cases():
        vk = cloak.vault_key_generate()
        v = cloak.Vault(vk, 1, vault_id)
        sealed = v.seal(name, value, context)
        assert spec.secret_open(bytes(vk.secret_bytes()), 1, vault_id, name, context, sealed) == value
        with pytest.raises(spec.SpecError):
            spec.secret_open(bytes(vk.secret_bytes()), 1, vault_id, name + b"x" if len(name) < 255 else name[1:], context, sealed)


def test_independent_secrets_open_in_libcloak() -> None:
    for vault_id, name, context, value in _cases():
        vk = os.urandom(32)
        sealed = spec.secret_seal(vk, 1, vault_id, name, context, value)
        v = cloak.Vault(vk, 1, vault_id)
        assert v.open(name, sealed, context) == value
        with pytest.raises(cloak.AuthenticationError):
            v.open(name, sealed, context + b"x" if len(context) < 255 else context[1:])
        with pytest.raises(cloak.WrongKeyError):
            cloak.Vault(os.urandom(32), 1, vault_id).open(name, sealed, context)


def test_independent_secret_is_the_libcloak_layout() -> None:
    """With a given nonce, the independent seal has section 7.1's layout (header, epoch, nonce,
    padded ciphertext), libcloak's own seal has the same header, epoch and length, and libcloak
    opens the independent one under the epoch it carries only."""
    vk = os.urandom(32)
    for epoch in (1, 5):
        sealed = spec.secret_seal(vk, epoch, b"vault-1", b"DATABASE_URL", b"prod", b"x" * 28, nonce=b"\x01" * 24)
        assert sealed[:20] == spec.header(0x08, spec.key_id_symmetric(vk))
        assert sealed[20:24] == spec.u32(epoch) and sealed[24:48] == b"\x01" * 24
        v = cloak.Vault(vk, epoch, b"vault-1")
        assert cloak.blob_inspect(sealed) == (cloak.ObjectType.SECRET, v.key_id)
        assert len(sealed) == cloak.secret_sealed_len(28) == 64 + 64  # pad(4 + 28) is the 64-byte minimum
        assert v.open(b"DATABASE_URL", sealed, b"prod") == b"x" * 28
        ours = v.seal(b"DATABASE_URL", b"x" * 28, b"prod")
        assert ours[:24] == sealed[:24] and len(ours) == len(sealed)
        with pytest.raises(cloak.MismatchError):
            cloak.Vault(vk, epoch + 1, b"vault-1").open(b"DATABASE_URL", sealed, b"prod")


def test_blind_index_and_key_ids() -> None:
    for _ in range(20):
        vk = os.urandom(32)
        vid, name = os.urandom(random.randrange(1, 256)), os.urandom(random.randrange(1, 256))
        v = cloak.Vault(vk, 1, vid)
        assert v.blind_index(name) == spec.blind_index(vk, vid, name)
        assert v.key_id == cloak.key_id(vk) == spec.key_id_symmetric(vk)
        pk = cloak.IdentityKeyPair.generate().public_key
        assert cloak.blob_inspect(cloak.identity_public_export(pk)).key_id == spec.key_id_public(pk)


# ---- wrapped keys, text, signatures, fingerprints --------------------------------------------------

@pytest.mark.parametrize("suite", list(cloak.Suite))
def test_wrapped_keys_both_ways(suite: cloak.Suite) -> None:
    mk = os.urandom(32)
    ident = cloak.IdentityKeyPair.generate()
    enc = cloak.EncryptionKeyPair.generate(suite)
    pk, seed = spec.unwrap_private(0x05, mk, ident.wrap(mk))
    assert pk == ident.public_key and seed == bytes(ident.secret_bytes())[:32]
    for t, w in ((0x06, enc.wrap(mk)), (0x07, enc.wrap_service_account(mk))):
        pk, sk = spec.unwrap_private(t, mk, w, suite)
        assert pk == enc.public_key and sk == bytes(enc.secret_bytes())
    # and the other way
    seed = os.urandom(32)
    w = spec.wrap_private(0x05, mk, spec.ed25519_public(seed), seed)
    assert cloak.identity_unwrap(mk, w).public_key == spec.ed25519_public(seed)
    sk = os.urandom(32)
    for t, fn in ((0x06, cloak.encryption_unwrap), (0x07, cloak.service_account_unwrap)):
        w = spec.wrap_private(t, mk, spec.encryption_public(suite, sk), sk)
        got = fn(mk, w)
        assert got.public_key == spec.encryption_public(suite, sk) and got.suite == suite
    # A wrapped key whose public key does not belong to its private key (authentic, made by a
    # hostile writer holding the master key): the unwrapper derives and compares (mismatch).
    w = spec.wrap_private(0x06, mk, spec.encryption_public(suite, os.urandom(32)), sk)
    with pytest.raises(cloak.MismatchError):
        cloak.encryption_unwrap(mk, w)


def test_text_forms_both_ways() -> None:
    ident = cloak.IdentityKeyPair.generate()
    v = cloak.Vault(cloak.vault_key_generate(), 1, b"v")
    blobs = [cloak.password_record_new(), ident.export_public(), cloak.EncryptionKeyPair.generate().export_public(),
             cloak.X25519KeyPair.generate().export_public(), ident.bundle(cloak.EncryptionKeyPair.generate().public_key),
             ident.bundle(cloak.X25519KeyPair.generate().public_key), ident.wrap(os.urandom(32)),
             v.seal(b"n", os.urandom(random.randrange(0, 100)))]
    for b in blobs:
        text = cloak.text_encode(b)
        assert text == spec.text_encode(b)
        assert spec.text_decode(text) == b and cloak.text_decode(spec.text_encode(b)) == b


def test_signatures_and_bundles_both_ways() -> None:
    seed = os.urandom(32)
    ident = cloak.IdentityKeyPair.from_seed(seed)
    secret_key = seed + spec.ed25519_public(seed)  # section 5's identity secret key
    assert bytes(ident.secret_bytes()) == secret_key
    msg, ctx = os.urandom(1000), b"release"
    sig = ident.sign(msg, ctx)
    assert sig == spec.user_sign(secret_key, msg, ctx)  # Ed25519 is deterministic
    spec.user_verify(ident.public_key, sig, msg, ctx)
    cloak.identity_verify(ident.public_key, spec.user_sign(secret_key, b"other", b""), b"other", b"")
    for suite in cloak.Suite:
        epk = cloak.EncryptionKeyPair.generate(suite).public_key
        assert ident.bundle(epk) == spec.bundle_create(secret_key, epk)
        assert cloak.bundle_verify(spec.bundle_create(secret_key, epk)) == (ident.public_key, epk)
        assert spec.bundle_verify(ident.bundle(epk), suite) == (ident.public_key, epk)
    assert ident.fingerprint == spec.fingerprint(ident.public_key)
    other = cloak.IdentityKeyPair.generate().public_key
    assert cloak.identity_pair_code(ident.public_key, other) == spec.pair_code(ident.public_key, other)


@pytest.mark.parametrize("suite", list(cloak.Suite))
def test_service_account_key_blob(suite: cloak.Suite) -> None:
    kp = cloak.EncryptionKeyPair.generate(suite)
    sk = bytes(kp.secret_bytes())
    assert kp.export_service_account_private() == spec.account_key_blob(kp.public_key, sk)
    assert cloak.service_account_private_import(spec.account_key_blob(kp.public_key, sk)).public_key == kp.public_key


def test_password_record_layout() -> None:
    salt = os.urandom(16)
    assert cloak.password_record_encode(salt, 30000, 5, 6) == spec.password_record(salt, 30000, 5, 6)

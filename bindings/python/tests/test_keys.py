"""Identity and encryption keys, public key blobs, bundles, signatures, fingerprints, wrapping."""

from __future__ import annotations

import copy
import gc
import pickle
import re

import pytest

import cloak
from conftest import check_tamper, flip

T = cloak.ObjectType


# ---- symmetric keys --------------------------------------------------------------------------------

def test_symmetric_key_basics() -> None:
    k = cloak.vault_key_generate()
    assert isinstance(k, cloak.VaultKey) and len(k) == 32
    raw = bytes(k.secret_bytes())
    assert len(raw) == 32 and raw != bytes(32)
    assert k.key_id == cloak.key_id(raw) == cloak.key_id(k) and len(k.key_id) == 16
    assert k == raw and k == cloak.SymmetricKey(raw) and k != cloak.vault_key_generate()
    assert raw.hex() not in repr(k) and k.key_id.hex() in repr(k)
    assert cloak.vault_key_generate().key_id != k.key_id
    k.wipe()
    assert k.wiped and k._secret.view().tobytes() == bytes(32)  # the memory itself is zeroed
    assert "wiped" in repr(k)
    with pytest.raises(ValueError):
        k.secret_bytes()
    with pytest.raises(TypeError):  # no implicit conversion: secret_bytes() is the one way out
        bytes(k)
    with pytest.raises(ValueError):
        k.key_id


def test_symmetric_key_arguments() -> None:
    with pytest.raises(cloak.BadParamsError):
        cloak.key_id(bytes(31))
    with pytest.raises(cloak.BadParamsError):
        cloak.SymmetricKey(bytes(33))
    with pytest.raises(TypeError, match="key"):
        cloak.key_id("x" * 32)  # type: ignore[arg-type]
    with pytest.raises(ValueError):  # BadParamsError is also a ValueError
        cloak.key_id(bytes(31))
    with pytest.raises(TypeError, match="master_key"):
        cloak.identity_wrap(cloak.EncryptionKeyPair.generate(), cloak.IdentityKeyPair.generate())  # type: ignore
    assert cloak.key_id(bytearray(32)) == cloak.key_id(memoryview(bytes(32))) == cloak.key_id(bytes(32))


def test_secret_holders_refuse_pickle_and_copy() -> None:
    for obj in (cloak.vault_key_generate(), cloak.IdentityKeyPair.generate(), cloak.EncryptionKeyPair.generate()):
        with pytest.raises(TypeError):
            pickle.dumps(obj)
        with pytest.raises(TypeError):
            copy.copy(obj)
        with pytest.raises(TypeError):
            copy.deepcopy(obj)


def test_context_manager_and_gc_wipe() -> None:
    with cloak.IdentityKeyPair.generate() as kp:
        buf = kp._secret
        assert buf.view().tobytes() != bytes(64)
    assert kp.wiped and buf.view().tobytes() == bytes(64)
    with pytest.raises(ValueError):
        kp.sign(b"m")
    # Garbage collection wipes the memory too (the SecretBuffer outlives the key pair here).
    kp2 = cloak.EncryptionKeyPair.generate()
    buf2 = kp2._secret
    del kp2
    gc.collect()
    assert buf2.view().tobytes() == bytes(32)


# ---- identity keys ---------------------------------------------------------------------------------

def test_identity_keypair(alice: cloak.IdentityKeyPair) -> None:
    assert len(alice.public_key) == 32
    secret = bytes(alice.secret_bytes())
    assert secret[32:] == alice.public_key  # seed || public key, as the header says
    assert secret[:32].hex() not in repr(alice) and alice.public_key.hex() in repr(alice)
    with pytest.raises(TypeError):
        cloak.IdentityKeyPair()


def test_identity_from_seed() -> None:
    a = cloak.identity_keypair_from_seed(b"\x11" * 32)
    b = cloak.IdentityKeyPair.from_seed(bytearray(b"\x11" * 32))
    assert a.public_key == b.public_key
    assert a.public_key.hex() == "d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737"
    for bad in (b"", bytes(31), bytes(33)):
        with pytest.raises(cloak.BadParamsError):
            cloak.IdentityKeyPair.from_seed(bad)


def test_sign_verify(alice: cloak.IdentityKeyPair) -> None:
    sig = alice.sign(b"hello", b"ctx")
    assert len(sig) == 64 and sig == cloak.identity_sign(alice, b"hello", "ctx")
    cloak.identity_verify(alice.public_key, sig, b"hello", b"ctx")
    cloak.identity_verify(alice.public_key, alice.sign(b""), b"")  # empty message and context
    cloak.identity_verify(alice.public_key, alice.sign(b"m", b"c" * 255), b"m", b"c" * 255)
    with pytest.raises(cloak.BadParamsError):
        alice.sign(b"m", b"c" * 256)
    with pytest.raises(cloak.BadSignatureError):
        cloak.identity_verify(alice.public_key, sig, b"hellO", b"ctx")
    with pytest.raises(cloak.BadSignatureError):
        cloak.identity_verify(alice.public_key, sig, b"hello", b"")
    with pytest.raises(cloak.BadSignatureError):
        cloak.identity_verify(cloak.IdentityKeyPair.generate().public_key, sig, b"hello", b"ctx")
    for i in range(64):
        with pytest.raises(cloak.BadSignatureError):
            cloak.identity_verify(alice.public_key, flip(sig, i), b"hello", b"ctx")
    with pytest.raises(cloak.BadParamsError):
        cloak.identity_verify(alice.public_key, sig[:63], b"hello", b"ctx")


def test_large_message_signature(alice: cloak.IdentityKeyPair) -> None:
    msg = bytes(range(256)) * 4096  # 1 MiB, passed without a copy as bytearray
    sig = alice.sign(bytearray(msg))
    cloak.identity_verify(alice.public_key, sig, memoryview(msg))


# ---- encryption keys -------------------------------------------------------------------------------

def test_encryption_keypair(bob_enc: cloak.EncryptionKeyPair) -> None:
    assert len(bob_enc.public_key) == 32
    assert bytes(bob_enc.secret_bytes()).hex() not in repr(bob_enc)
    other = cloak.encryption_keypair()
    assert other.public_key != bob_enc.public_key
    assert isinstance(other, cloak.X25519KeyPair) and other.suite == cloak.Suite.X25519
    assert bob_enc.public_key.suite == cloak.Suite.X25519 and isinstance(bob_enc.public_key, bytes)
    with pytest.raises(TypeError):
        cloak.EncryptionKeyPair()


def test_encryption_from_seed() -> None:
    a = cloak.encryption_keypair_from_seed(b"\x12" * 32)
    assert a.public_key.hex() == "ef318102dece03b0f25a53f513652ad349cf01a7d4134bb44f10b8774ba65a34"
    assert bytes(a.secret_bytes()).hex() == "a1618290e263d068120c3f8f86e961335cac1c0877eb491b45882dbcfc9a74ec"
    assert cloak.X25519KeyPair.from_seed(b"\x12" * 64).public_key != a.public_key
    assert cloak.EncryptionKeyPair.from_seed(b"\x12" * 32, cloak.SUITE_X25519).public_key == a.public_key
    with pytest.raises(cloak.BadParamsError):
        cloak.X25519KeyPair.from_seed(b"\x12" * 31)


def test_encryption_from_keys(bob_enc: cloak.EncryptionKeyPair) -> None:
    sk = bytes(bob_enc.secret_bytes())
    again = cloak.EncryptionKeyPair.from_keys(bob_enc.public_key, sk)
    assert again.public_key == bob_enc.public_key
    with pytest.raises(cloak.MismatchError):
        cloak.EncryptionKeyPair.from_keys(cloak.X25519KeyPair.generate().public_key, sk)
    with pytest.raises(cloak.BadParamsError):
        cloak.EncryptionKeyPair.from_keys(bob_enc.public_key, sk[:31])


# ---- public key blobs ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["identity", "encryption"])
def test_public_blobs(kind: str) -> None:
    if kind == "identity":
        pk = cloak.IdentityKeyPair.generate().public_key
        export, imp, typ, other_imp = (cloak.identity_public_export, cloak.identity_public_import,
                                       T.IDENTITY_PUBLIC_KEY, cloak.encryption_public_import)
    else:
        pk = cloak.X25519KeyPair.generate().public_key
        export, imp, typ, other_imp = (cloak.encryption_public_export, cloak.encryption_public_import,
                                       T.ENCRYPTION_PUBLIC_KEY, cloak.identity_public_import)
    blob = export(pk)
    assert len(blob) == 52 and blob[20:] == pk and imp(blob) == pk
    info = cloak.blob_inspect(blob)
    assert info.type == typ and len(info.key_id) == 16
    with pytest.raises(cloak.WrongTypeError):
        other_imp(blob)
    # Key id (4..20) and the key (20..52) must agree: a change to either is malformed (section 2, step 6).
    n = check_tamper(imp, blob, [(4, 52, cloak.MalformedError)])
    assert n == 52 + 1 + 52 + 1


# ---- bundles ---------------------------------------------------------------------------------------

def test_bundle(alice: cloak.IdentityKeyPair, bob_enc: cloak.EncryptionKeyPair) -> None:
    b = alice.bundle(bob_enc.public_key)
    assert b == cloak.bundle_create(alice, bob_enc.public_key)  # Ed25519 is deterministic
    assert len(b) == 148
    got = cloak.bundle_verify(b)
    assert got == (alice.public_key, bob_enc.public_key)
    assert got.identity_public_key == alice.public_key
    check_tamper(cloak.bundle_verify, b, [(4, 52, cloak.MalformedError), (52, 148, cloak.BadSignatureError)])
    with pytest.raises(cloak.WrongTypeError):
        cloak.bundle_verify(alice.export_public()[:20] + bytes(128))


# ---- fingerprints ----------------------------------------------------------------------------------

def test_fingerprint_and_pair_code(alice: cloak.IdentityKeyPair) -> None:
    bob = cloak.IdentityKeyPair.generate()
    fa = alice.fingerprint
    assert re.fullmatch(r"\d{5}( \d{5}){5}", fa) and fa == cloak.identity_fingerprint(alice.public_key)
    code = cloak.identity_pair_code(alice.public_key, bob.public_key)
    assert code == cloak.identity_pair_code(bob.public_key, alice.public_key)
    assert re.fullmatch(r"\d{5}( \d{5}){11}", code)
    assert code == " ".join(sorted([fa, bob.fingerprint]))
    with pytest.raises(cloak.BadParamsError):
        cloak.identity_fingerprint(alice.public_key[:31])


# ---- wrapping --------------------------------------------------------------------------------------

def _master() -> cloak.MasterKey:
    return cloak.MasterKey(cloak.vault_key_generate())


def test_identity_wrap(alice: cloak.IdentityKeyPair) -> None:
    mk = _master()
    w = alice.wrap(mk)
    assert len(w) == 124 and w != cloak.identity_wrap(mk, alice)  # random nonce
    assert cloak.blob_inspect(w) == (T.WRAPPED_IDENTITY_KEY, mk.key_id)
    back = cloak.IdentityKeyPair.unwrap(mk, w)
    assert back.public_key == alice.public_key
    assert bytes(back.secret_bytes()) == bytes(alice.secret_bytes())
    assert cloak.wrapped_key_public_key(w) == (T.WRAPPED_IDENTITY_KEY, alice.public_key)
    with pytest.raises(cloak.WrongKeyError):
        cloak.identity_unwrap(_master(), w)
    with pytest.raises(cloak.WrongTypeError):
        cloak.encryption_unwrap(mk, w)
    with pytest.raises(cloak.WrongTypeError):
        cloak.service_account_unwrap(mk, w)
    check_tamper(lambda b: cloak.identity_unwrap(mk, b), w,
                 [(4, 20, cloak.WrongKeyError), (20, 124, cloak.AuthenticationError)])


@pytest.mark.parametrize("account", [False, True])
def test_x25519_wrap(bob_enc: cloak.EncryptionKeyPair, account: bool) -> None:
    mk = _master()
    if account:
        w, typ = bob_enc.wrap_service_account(mk), T.WRAPPED_SERVICE_ACCOUNT_KEY
        unwrap, other = cloak.EncryptionKeyPair.unwrap_service_account, cloak.encryption_unwrap
        assert cloak.service_account_wrap(mk, bob_enc)[:52] == w[:52]
    else:
        w, typ = bob_enc.wrap(mk), T.WRAPPED_ENCRYPTION_KEY
        unwrap, other = cloak.EncryptionKeyPair.unwrap, cloak.service_account_unwrap
        assert cloak.encryption_wrap(mk, bob_enc)[:52] == w[:52]
    assert cloak.blob_inspect(w) == (typ, mk.key_id)
    assert cloak.wrapped_key_public_key(w) == (typ, bob_enc.public_key)
    back = unwrap(mk, w)
    assert back.public_key == bob_enc.public_key
    with pytest.raises(cloak.WrongTypeError):
        other(mk, w)
    with pytest.raises(cloak.WrongTypeError):
        cloak.identity_unwrap(mk, w)
    check_tamper(lambda b: unwrap(mk, b), w, [(4, 20, cloak.WrongKeyError), (20, 124, cloak.AuthenticationError)])


def test_wrapped_key_public_key_refuses_other_blobs(alice: cloak.IdentityKeyPair) -> None:
    with pytest.raises(cloak.WrongTypeError):
        cloak.wrapped_key_public_key(alice.export_public())
    with pytest.raises(cloak.MalformedError):
        cloak.wrapped_key_public_key(alice.wrap(_master())[:123])


# ---- service-account keys in the clear -------------------------------------------------------------

def test_service_account_export_import(bob_enc: cloak.EncryptionKeyPair) -> None:
    blob = bob_enc.export_service_account_private()
    assert blob == cloak.service_account_private_export(bob_enc) and len(blob) == 84
    assert cloak.blob_inspect(blob).type == T.SERVICE_ACCOUNT_PRIVATE_KEY
    assert blob[20:52] == bytes(bob_enc.secret_bytes()) and blob[52:] == bob_enc.public_key
    kp = cloak.EncryptionKeyPair.import_service_account_private(blob)
    assert kp.public_key == bob_enc.public_key
    assert cloak.service_account_private_import(bytearray(blob)).public_key == bob_enc.public_key
    # key id: malformed (it is the carried public key's id); private key: mismatch, except bit 0 of
    # its first byte, which X25519 ignores (the same key, accepted: section 6); public key: the key
    # id no longer matches it, malformed.
    check_tamper(cloak.service_account_private_import, blob,
                 [(4, 20, cloak.MalformedError), (20, 21, None), (21, 52, cloak.MismatchError),
                  (52, 84, cloak.MalformedError)])
    for mask in (0x01, 0x02, 0x04):
        assert cloak.service_account_private_import(flip(blob, 20, mask)).public_key == bob_enc.public_key
    for mask in (0x40, 0x80):  # the forced and the ignored top bits
        assert cloak.service_account_private_import(flip(blob, 51, mask)).public_key == bob_enc.public_key
    with pytest.raises(cloak.MismatchError):
        cloak.service_account_private_import(flip(blob, 20, 0x08))


# ---- a service account's access credential (docs/protocol.md section 9.4) --------------------------

@pytest.mark.parametrize("suite", [cloak.Suite.X25519, cloak.Suite.XWING])
def test_service_account_credential(suite: cloak.Suite) -> None:
    kp = cloak.EncryptionKeyPair.generate(suite)
    cred = kp.service_account_credential()
    assert isinstance(cred, bytes) and len(cred) == cloak.constants.CREDENTIALBYTES == 32
    assert cred == cloak.service_account_credential(kp)
    assert cred != bytes(kp.secret_bytes())
    # The same private bytes re-imported give the same credential; another key another one.
    again = cloak.service_account_private_import(kp.export_service_account_private())
    assert again.service_account_credential() == cred
    assert cloak.EncryptionKeyPair.generate(suite).service_account_credential() != cred
    verifier = cloak.service_account_credential_verifier(cred)
    assert len(verifier) == cloak.constants.CREDENTIAL_VERIFIERBYTES == 32 and verifier != cred
    assert cloak.service_account_credential_verifier(bytearray(cred)) == verifier
    assert cloak.service_account_credential_verifier(flip(cred, 31, 0x01)) != verifier
    with pytest.raises(cloak.BadParamsError):
        cloak.service_account_credential_verifier(cred[:31])
    if suite == cloak.Suite.XWING:
        assert cloak.service_account_xwing_credential(kp) == cred
    else:
        with pytest.raises(TypeError):
            cloak.service_account_xwing_credential(kp)  # type: ignore[arg-type]


def test_service_account_credential_refuses_a_foreign_private_key() -> None:
    from conftest import x25519_with_keys, xwing_with_keys
    a, b = cloak.X25519KeyPair.generate(), cloak.X25519KeyPair.generate()
    with pytest.raises(cloak.MismatchError):
        cloak.service_account_credential(x25519_with_keys(a.public_key, bytes(b.secret_bytes())))
    xa, xb = cloak.XWingKeyPair.generate(), cloak.XWingKeyPair.generate()
    with pytest.raises(cloak.MismatchError):
        xwing_with_keys(xa.public_key, bytes(xb.secret_bytes())).service_account_credential()
    # An X-Wing public key whose X25519 half is of small order: section 1.6's check comes first.
    bad = bytes(xa.public_key[:-32]) + bytes(32)
    with pytest.raises(cloak.InvalidKeyError):
        cloak.service_account_xwing_credential(xwing_with_keys(bad, bytes(xa.secret_bytes())))
    wiped = cloak.X25519KeyPair.generate()
    wiped.wipe()
    with pytest.raises(ValueError):
        wiped.service_account_credential()

"""X-Wing keys (suite 2) through the binding: the default key type, public keys that know their suite,
key hashes, public blobs, bundles, wrapping, service-account keys, and the refusals when a blob of one
suite meets a reader of the other."""

from __future__ import annotations

import gc
import pickle

import pytest

import cloak
import spec_impl as spec
from conftest import check_tamper, flip

T = cloak.ObjectType
S = cloak.Suite


def _master() -> cloak.MasterKey:
    return cloak.MasterKey(cloak.vault_key_generate())


def bad_mlkem_key(pk: bytes) -> bytes:
    """An X-Wing public key whose first ML-KEM coefficient is 4095 >= q: FIPS 203's modulus check
    must refuse it (MalformedError)."""
    b = bytearray(pk)
    b[0] = 0xFF
    b[1] |= 0x0F
    return bytes(b)


# ---- key pairs -------------------------------------------------------------------------------------

def test_new_keys_default_to_xwing() -> None:
    assert cloak.DEFAULT_SUITE == S.XWING
    kp = cloak.EncryptionKeyPair.generate()
    assert isinstance(kp, cloak.XWingKeyPair) and isinstance(kp, cloak.EncryptionKeyPair)
    assert kp.suite == S.XWING == cloak.SUITE_XWING and kp.public_key.suite == S.XWING
    assert len(kp.public_key) == cloak.XWING_PUBLICKEYBYTES == 1216
    assert len(kp.secret_bytes()) == cloak.XWING_SECRETKEYBYTES == 32
    assert bytes(kp.secret_bytes()).hex() not in repr(kp) and kp.key_id.hex() in repr(kp)
    assert isinstance(cloak.xwing_keypair(), cloak.XWingKeyPair)
    assert isinstance(cloak.XWingKeyPair.generate(), cloak.XWingKeyPair)
    classical = cloak.EncryptionKeyPair.generate(S.X25519)
    assert isinstance(classical, cloak.X25519KeyPair) and len(classical.public_key) == 32
    assert isinstance(cloak.EncryptionKeyPair.generate(cloak.SUITE_X25519), cloak.X25519KeyPair)
    with pytest.raises(cloak.BadParamsError):
        cloak.X25519KeyPair.generate(S.XWING)
    with pytest.raises(cloak.BadParamsError):
        cloak.EncryptionKeyPair.generate(3)
    with pytest.raises(TypeError):
        cloak.EncryptionKeyPair.generate("xwing")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cloak.XWingKeyPair()


def test_from_seed() -> None:
    a = cloak.XWingKeyPair.from_seed(b"\x13" * 32)
    b = cloak.EncryptionKeyPair.from_seed(bytearray(b"\x13" * 32))  # the default suite
    c = cloak.xwing_keypair_from_seed(memoryview(b"\x13" * 32))
    assert a.public_key == b.public_key == c.public_key and isinstance(b, cloak.XWingKeyPair)
    assert bytes(a.secret_bytes()) == bytes(b.secret_bytes())
    assert cloak.XWingKeyPair.from_seed(b"\x13" * 255).public_key != a.public_key
    assert cloak.EncryptionKeyPair.from_seed(b"\x13" * 32, S.X25519).public_key != a.public_key
    for bad in (b"", b"\x13" * 31, b"\x13" * 256):
        with pytest.raises(cloak.BadParamsError):
            cloak.XWingKeyPair.from_seed(bad)


def test_from_keys_and_secret_key(bob_xwing: cloak.XWingKeyPair) -> None:
    sk = bytes(bob_xwing.secret_bytes())
    again = cloak.EncryptionKeyPair.from_keys(bob_xwing.public_key, sk)
    assert isinstance(again, cloak.XWingKeyPair) and again.public_key == bob_xwing.public_key
    assert cloak.XWingKeyPair.from_secret_key(sk).public_key == bob_xwing.public_key
    assert cloak.xwing_public_key(sk) == bob_xwing.public_key == cloak.xwing_public_key(bob_xwing)
    with pytest.raises(cloak.MismatchError):
        cloak.EncryptionKeyPair.from_keys(cloak.XWingKeyPair.generate().public_key, sk)
    with pytest.raises(cloak.BadParamsError):
        cloak.EncryptionKeyPair.from_keys(bob_xwing.public_key, sk[:31])
    with pytest.raises(cloak.BadParamsError):
        cloak.EncryptionKeyPair.from_keys(bob_xwing.public_key[:1215], sk)
    with pytest.raises(cloak.BadParamsError):  # a subclass makes its own suite only
        cloak.X25519KeyPair.from_keys(bob_xwing.public_key, sk)


def test_secret_is_wiped(bob_xwing: cloak.XWingKeyPair) -> None:
    with cloak.XWingKeyPair.generate() as kp:
        buf = kp._secret
        assert buf.view().tobytes() != bytes(32)
    assert kp.wiped and buf.view().tobytes() == bytes(32)
    with pytest.raises(ValueError):
        kp.wrap(_master())
    kp2 = cloak.EncryptionKeyPair.generate()
    buf2 = kp2._secret
    del kp2
    gc.collect()
    assert buf2.view().tobytes() == bytes(32)
    with pytest.raises(TypeError):
        pickle.dumps(bob_xwing)


# ---- public keys -----------------------------------------------------------------------------------

def test_public_key_objects(bob_xwing: cloak.XWingKeyPair, bob_enc: cloak.X25519KeyPair) -> None:
    pk = bob_xwing.public_key
    assert isinstance(pk, cloak.EncryptionPublicKey) and isinstance(pk, bytes)
    raw = bytes(pk)
    assert type(raw) is bytes and raw == pk and hash(raw) == hash(pk)
    assert cloak.EncryptionPublicKey(raw) == pk and cloak.EncryptionPublicKey(bytearray(raw), S.XWING).suite == S.XWING
    assert pickle.loads(pickle.dumps(pk)).suite == S.XWING
    assert len(pk.key_hash) == cloak.XWING_KEYHASHBYTES and pk.key_hash == cloak.xwing_key_hash(pk)
    assert pk.key_id == pk.key_hash[:16] == cloak.blob_inspect(pk.export()).key_id
    assert pk.binding == pk.key_hash
    assert "XWING" in repr(pk) and len(repr(pk)) < 100
    x = bob_enc.public_key
    assert x.suite == S.X25519 and x.binding == bytes(x) and x.key_id == cloak.blob_inspect(x.export()).key_id
    with pytest.raises(cloak.UnsupportedSuiteError):
        x.key_hash
    for n in (0, 31, 33, 1215, 1217):
        with pytest.raises(cloak.BadParamsError):
            cloak.EncryptionPublicKey(bytes(n))
    with pytest.raises(cloak.BadParamsError):
        cloak.EncryptionPublicKey(raw, S.X25519)
    with pytest.raises(TypeError):
        cloak.EncryptionPublicKey("00" * 32)  # type: ignore[arg-type]


def test_key_hash_checks_the_key(bob_xwing: cloak.XWingKeyPair) -> None:
    bad = bad_mlkem_key(bob_xwing.public_key)
    with pytest.raises(cloak.MalformedError):
        cloak.xwing_key_hash(bad)
    with pytest.raises(cloak.MalformedError):
        cloak.EncryptionPublicKey(bad).key_hash
    with pytest.raises(cloak.MalformedError):
        cloak.xwing_public_export(bad)
    with pytest.raises(cloak.BadParamsError):
        cloak.xwing_key_hash(bob_xwing.public_key[:32])


def test_public_blob(bob_xwing: cloak.XWingKeyPair, bob_enc: cloak.X25519KeyPair) -> None:
    pk = bob_xwing.public_key
    blob = bob_xwing.export_public()
    assert blob == cloak.encryption_public_export(pk) == cloak.xwing_public_export(pk) == pk.export()
    assert len(blob) == cloak.XWING_PUBLIC_KEY_BLOBBYTES == 1236 and blob[20:] == pk
    assert cloak.blob_inspect(blob) == (T.ENCRYPTION_PUBLIC_KEY, pk.key_id)
    assert cloak.blob_suite(blob) == S.XWING and cloak.blob_suite(bob_enc.export_public()) == S.X25519
    got = cloak.encryption_public_import(blob)
    assert got == pk and got.suite == S.XWING
    assert cloak.xwing_public_import(blob) == pk == cloak.EncryptionPublicKey.import_blob(blob)
    # a blob of one suite to a reader of the other
    with pytest.raises(cloak.UnsupportedSuiteError):
        cloak.encryption_public_import(blob, S.X25519)
    with pytest.raises(cloak.UnsupportedSuiteError):
        cloak.xwing_public_import(bob_enc.export_public())
    with pytest.raises(cloak.WrongTypeError):
        cloak.identity_public_import(blob)
    # Key id (4..20) and key (20..1236) must agree: any change is malformed, the modulus check's or
    # the key id's.
    n = check_tamper(cloak.xwing_public_import, blob, [(4, 1236, cloak.MalformedError)])
    assert n == 1236 + 1 + 1236 + 1


def test_bundle(alice: cloak.IdentityKeyPair, bob_xwing: cloak.XWingKeyPair, bob_enc: cloak.X25519KeyPair) -> None:
    b = alice.bundle(bob_xwing.public_key)
    assert b == cloak.bundle_create(alice, bob_xwing) == cloak.bundle_create_xwing(alice, bob_xwing.public_key)
    assert len(b) == cloak.XWING_BUNDLEBYTES == 1332 and cloak.blob_suite(b) == S.XWING
    got = cloak.bundle_verify(b)
    assert got == (alice.public_key, bob_xwing.public_key) and got.suite == S.XWING
    assert got.encryption_public_key.suite == S.XWING and cloak.bundle_verify_xwing(b) == got
    classical = cloak.bundle_verify(alice.bundle(bob_enc.public_key))
    assert classical.suite == S.X25519 and len(alice.bundle(bob_enc.public_key)) == cloak.BUNDLEBYTES
    with pytest.raises(cloak.UnsupportedSuiteError):
        cloak.bundle_verify(b, S.X25519)
    with pytest.raises(cloak.UnsupportedSuiteError):
        cloak.bundle_verify_xwing(alice.bundle(bob_enc.public_key))
    with pytest.raises(cloak.BadParamsError):
        cloak.bundle_create_xwing(alice, bob_enc.public_key)
    with pytest.raises(cloak.MalformedError):
        cloak.bundle_create(alice, bad_mlkem_key(bob_xwing.public_key))
    # Every byte: the identity key id (4..20) and identity key (20..52) are malformed; in the X-Wing
    # key (52..1268), a change that puts an ML-KEM coefficient at q or above is malformed (FIPS 203's
    # modulus check, judged here by spec_impl's own check), any other a bad signature, as in the
    # signature itself.
    def want(i: int) -> type:
        if i < 52:
            return cloak.MalformedError
        if i < 52 + 1184 and not spec.mlkem_modulus_check(flip(b, i)[52:52 + 1184]):
            return cloak.MalformedError
        return cloak.BadSignatureError
    regions = [(i, i + 1, want(i)) for i in range(4, len(b))]
    assert check_tamper(cloak.bundle_verify, b, regions) == 2 * len(b) + 2
    assert any(r[2] is cloak.MalformedError for r in regions[60:1200])  # both kinds occur in the key


# ---- wrapping and service-account keys -------------------------------------------------------------

@pytest.mark.parametrize("account", [False, True])
def test_wrap(bob_xwing: cloak.XWingKeyPair, bob_enc: cloak.X25519KeyPair, account: bool) -> None:
    mk = _master()
    if account:
        w, typ = bob_xwing.wrap_service_account(mk), T.WRAPPED_SERVICE_ACCOUNT_KEY
        unwrap, strict, other = (cloak.EncryptionKeyPair.unwrap_service_account, cloak.service_account_xwing_unwrap,
                                 cloak.encryption_unwrap)
        assert cloak.service_account_wrap(mk, bob_xwing)[:1236] == w[:1236]
        assert cloak.service_account_xwing_wrap(mk, bob_xwing)[:1236] == w[:1236]
        classical = bob_enc.wrap_service_account(mk)
    else:
        w, typ = bob_xwing.wrap(mk), T.WRAPPED_ENCRYPTION_KEY
        unwrap, strict, other = cloak.EncryptionKeyPair.unwrap, cloak.xwing_unwrap, cloak.service_account_unwrap
        assert cloak.encryption_wrap(mk, bob_xwing)[:1236] == w[:1236]
        assert cloak.xwing_wrap(mk, bob_xwing)[:1236] == w[:1236]
        classical = bob_enc.wrap(mk)
    assert len(w) == cloak.XWING_WRAPPED_KEYBYTES == 1308 and cloak.blob_suite(w) == S.XWING
    assert cloak.blob_inspect(w) == (typ, mk.key_id)
    info = cloak.wrapped_key_public_key(w)
    assert info == (typ, bob_xwing.public_key) and info.public_key.suite == S.XWING
    assert cloak.wrapped_key_public_key_xwing(w) == info
    for back in (unwrap(mk, w), strict(mk, w), cloak.XWingKeyPair.unwrap(mk, w) if not account else
                 cloak.XWingKeyPair.unwrap_service_account(mk, w)):
        assert isinstance(back, cloak.XWingKeyPair) and back.public_key == bob_xwing.public_key
        assert bytes(back.secret_bytes()) == bytes(bob_xwing.secret_bytes())
    # either suite through the one call, each key pair of its class
    assert isinstance(unwrap(mk, classical), cloak.X25519KeyPair)
    # suite mismatches: a reader of one suite, a blob of the other
    with pytest.raises(cloak.UnsupportedSuiteError):
        strict(mk, classical)
    with pytest.raises(cloak.UnsupportedSuiteError):
        (cloak.X25519KeyPair.unwrap_service_account if account else cloak.X25519KeyPair.unwrap)(mk, w)
    with pytest.raises(cloak.UnsupportedSuiteError):
        cloak.wrapped_key_public_key(w, S.X25519)
    with pytest.raises(cloak.UnsupportedSuiteError):
        cloak.wrapped_key_public_key_xwing(classical)
    with pytest.raises(cloak.WrongTypeError):
        other(mk, w)
    with pytest.raises(cloak.WrongKeyError):
        unwrap(_master(), w)
    with pytest.raises(TypeError):
        cloak.xwing_wrap(mk, bob_enc)  # type: ignore[arg-type]
    # the master key id, then the public key, the nonce and the sealed seed (all authenticated)
    check_tamper(lambda blob: unwrap(mk, blob), w,
                 [(4, 20, cloak.WrongKeyError), (20, 1308, cloak.AuthenticationError)])


def test_rewrap_mixed_keys_without_branching(alice: cloak.IdentityKeyPair, bob_xwing: cloak.XWingKeyPair,
                                             bob_enc: cloak.X25519KeyPair) -> None:
    """A password change moves every wrapped key of an account, of either suite, with one call each."""
    old, new = _master(), _master()
    wrapped = [alice.wrap(old), bob_xwing.wrap(old), bob_xwing.wrap_service_account(old), bob_enc.wrap(old)]
    moved = [cloak.wrapped_key_rewrap(old, new, w) for w in wrapped]
    assert [len(m) for m in moved] == [len(w) for w in wrapped]
    assert cloak.identity_unwrap(new, moved[0]).public_key == alice.public_key
    assert cloak.EncryptionKeyPair.unwrap(new, moved[1]).public_key == bob_xwing.public_key
    assert cloak.EncryptionKeyPair.unwrap_service_account(new, moved[2]).public_key == bob_xwing.public_key
    assert cloak.EncryptionKeyPair.unwrap(new, moved[3]).public_key == bob_enc.public_key
    assert cloak.wrapped_key_rewrap_xwing(old, new, wrapped[1])[:1236] == moved[1][:1236]
    with pytest.raises(cloak.UnsupportedSuiteError):
        cloak.wrapped_key_rewrap_xwing(old, new, wrapped[3])
    with pytest.raises(cloak.UnsupportedSuiteError):
        cloak.wrapped_key_rewrap(old, new, wrapped[1], S.X25519)
    with pytest.raises(cloak.BadParamsError):
        cloak.wrapped_key_rewrap(old, old, wrapped[1])
    with pytest.raises(cloak.WrongKeyError):
        cloak.wrapped_key_rewrap(new, old, wrapped[1])


def test_service_account_private_blob(bob_xwing: cloak.XWingKeyPair, bob_enc: cloak.X25519KeyPair) -> None:
    blob = bob_xwing.export_service_account_private()
    assert blob == cloak.service_account_private_export(bob_xwing) == cloak.service_account_xwing_private_export(
        bob_xwing)
    assert len(blob) == cloak.XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES == 1268
    assert cloak.blob_inspect(blob) == (T.SERVICE_ACCOUNT_PRIVATE_KEY, bob_xwing.key_id)
    assert blob[20:52] == bytes(bob_xwing.secret_bytes()) and blob[52:] == bob_xwing.public_key
    for kp in (cloak.EncryptionKeyPair.import_service_account_private(blob), cloak.service_account_private_import(blob),
               cloak.service_account_xwing_private_import(blob),
               cloak.XWingKeyPair.import_service_account_private(cloak.text_decode(cloak.text_encode(blob)))):
        assert isinstance(kp, cloak.XWingKeyPair) and kp.public_key == bob_xwing.public_key
    classical = bob_enc.export_service_account_private()
    with pytest.raises(cloak.UnsupportedSuiteError):
        cloak.service_account_xwing_private_import(classical)
    with pytest.raises(cloak.UnsupportedSuiteError):
        cloak.service_account_private_import(blob, S.X25519)
    with pytest.raises(cloak.UnsupportedSuiteError):
        cloak.X25519KeyPair.import_service_account_private(blob)
    with pytest.raises(TypeError):
        cloak.service_account_xwing_private_export(bob_enc)  # type: ignore[arg-type]
    # The key id is the carried public key's (malformed); any change to the seed gives another key
    # pair, whose public key is not the carried one (mismatch); a change to the public key is
    # malformed (its key id, or the modulus check).
    check_tamper(cloak.service_account_private_import, blob,
                 [(4, 20, cloak.MalformedError), (20, 52, cloak.MismatchError), (52, 1268, cloak.MalformedError)])

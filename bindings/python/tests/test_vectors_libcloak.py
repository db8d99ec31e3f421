"""tests/vectors/libcloak.json through the binding's public API: every ok case must give exactly the
outputs the file lists, every failure case must raise exactly the exception of the status it names.

The file is produced by an implementation written from docs/protocol.md alone (tests/vectors/spec/),
so each case checks the binding and the library under it against the spec. Cases that draw
randomness list their draws ("random"); the replay serves them through libsodium's random source
(the very libsodium the loaded libcloak uses, swapped through ctypes), so sealed outputs are
compared byte for byte too. Where that libsodium cannot be found, those cases are skipped, and
pytest reports them as skipped, not passed."""

from __future__ import annotations

import contextlib
import ctypes
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest

import cloak
from cloak import _low
from conftest import identity_with_secret_key, load_vectors, x25519_with_keys, xwing_with_keys

CASES: List[Dict[str, Any]] = load_vectors("libcloak.json")["cases"]

# The exception each status of the file must raise: written out here rather than taken from the
# binding's own table, so that a wrong mapping in the binding fails.
EXCEPTIONS: Dict[str, type] = {
    "MALFORMED": cloak.MalformedError,
    "UNSUPPORTED_VERSION": cloak.UnsupportedVersionError,
    "UNSUPPORTED_SUITE": cloak.UnsupportedSuiteError,
    "WRONG_TYPE": cloak.WrongTypeError,
    "WRONG_KEY": cloak.WrongKeyError,
    "AUTH": cloak.AuthenticationError,
    "BAD_SIGNATURE": cloak.BadSignatureError,
    "UNTRUSTED_SIGNER": cloak.UntrustedSignerError,
    "BUFFER_TOO_SMALL": cloak.BufferTooSmallError,
    "BAD_PARAMS": cloak.BadParamsError,
    "INVALID_KEY": cloak.InvalidKeyError,
    "CHECKSUM": cloak.ChecksumError,
    "MISMATCH": cloak.MismatchError,
    "NOMEM": cloak.NoMemoryError,
    "INTERNAL": cloak.InternalError,
    "STALE": cloak.StaleError,
    "EXPIRED": cloak.ExpiredError,
    "BAD_STATE": cloak.BadStateError,
    "WEAK_PARAMS": cloak.WeakParamsError,
    "POLICY": cloak.PolicyError,
}

X25519, XWING = cloak.Suite.X25519, cloak.Suite.XWING


# ---- libsodium's random source, served from the case --------------------------------------------------

class _RandomSource(ctypes.Structure):
    """libsodium's randombytes_implementation."""

    _fields_ = [
        ("implementation_name", ctypes.CFUNCTYPE(ctypes.c_char_p)),
        ("random", ctypes.CFUNCTYPE(ctypes.c_uint32)),
        ("stir", ctypes.c_void_p),
        ("uniform", ctypes.c_void_p),
        ("buf", ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_size_t)),
        ("close", ctypes.c_void_p),
    ]


def _loaded_libsodium() -> Optional[ctypes.CDLL]:
    """The libsodium mapped into this process by the loaded libcloak (not merely one on the system:
    swapping another copy's source would change nothing)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "/libsodium.so" in line}
    except OSError:
        return None
    return ctypes.CDLL(sorted(paths)[0]) if len(paths) == 1 else None


class ListedRandom:
    """Serves a case's listed draws, in order, as libsodium's random source."""

    def __init__(self, sodium: ctypes.CDLL) -> None:
        self.sodium = sodium
        self.draws: List[bytes] = []
        self.errors: List[str] = []
        self.source = _RandomSource(
            implementation_name=_RandomSource._fields_[0][1](lambda: b"libcloak-vectors"),
            random=_RandomSource._fields_[1][1](self._random),
            buf=_RandomSource._fields_[4][1](self._buf),
        )
        sodium.randombytes_implementation_name.restype = ctypes.c_char_p
        default = sodium.randombytes_implementation_name().decode()
        self.default = _RandomSource.in_dll(sodium, "randombytes_%s_implementation" % default)

    def _buf(self, ptr: int, size: int) -> None:
        if not self.draws:
            self.errors.append("the library draws %d random bytes more than the case lists" % size)
            ctypes.memset(ptr, 0x42, size)
            return
        draw = self.draws.pop(0)
        if len(draw) != size:
            self.errors.append("the library draws %d bytes where the case lists %d" % (size, len(draw)))
        ctypes.memset(ptr, 0x42, size)
        ctypes.memmove(ptr, draw, min(size, len(draw)))

    def _random(self) -> int:
        word = (ctypes.c_uint8 * 4)()
        self._buf(ctypes.addressof(word), 4)
        return int.from_bytes(bytes(word), "little")

    @contextlib.contextmanager
    def serving(self, draws: List[bytes]) -> Iterator[None]:
        self.draws, self.errors = list(draws), []
        self.sodium.randombytes_set_implementation(ctypes.byref(self.source))
        try:
            yield
        finally:
            self.sodium.randombytes_set_implementation(ctypes.byref(self.default))
        if self.draws:
            self.errors.append("the library left %d of the listed random values undrawn" % len(self.draws))
        assert not self.errors, "; ".join(self.errors)


_SODIUM = _loaded_libsodium()
LISTED_RANDOM = ListedRandom(_SODIUM) if _SODIUM is not None else None


# ---- one function per operation: the case's inputs in, its outputs out ---------------------------------

def _identity(secret_key: bytes) -> cloak.IdentityKeyPair:
    """The identity key pair of a 64-byte secret key (seed || public key). A key whose public half
    is not its seed's cannot be made through the class's constructors; such cases (the library must
    refuse them) get an object over the bytes as they are."""
    kp = cloak.IdentityKeyPair.from_seed(secret_key[:32])
    if bytes(kp.secret_bytes()) == secret_key:
        return kp
    return identity_with_secret_key(secret_key)


def _xwing(public_key: bytes, secret_key: bytes) -> cloak.XWingKeyPair:
    """The X-Wing key pair of two halves. Halves that do not belong together cannot be made through
    the class's constructors; such cases (the library must refuse them: INVALID_KEY) get an object
    over the bytes as they are."""
    try:
        kp = cloak.EncryptionKeyPair.from_keys(cloak.EncryptionPublicKey(public_key, XWING), secret_key)
    except cloak.MismatchError:
        return xwing_with_keys(public_key, secret_key)
    assert isinstance(kp, cloak.XWingKeyPair)
    return kp


def _xwing_pk(public_key: bytes) -> cloak.EncryptionPublicKey:
    """An X-Wing public key for the functions that take the suite from the key: a key of another
    length is BadParamsError, as the C function's fixed-size parameter is."""
    return cloak.EncryptionPublicKey(public_key, XWING)


def _pair(kp: Any) -> Dict[str, bytes]:
    """A key pair object's two halves, as the file names them."""
    return {"public_key": kp.public_key, "secret_key": bytes(kp.secret_bytes())}


def _vault(i: Dict[str, Any], prefix: str = "") -> cloak.Vault:
    return cloak.Vault(i[prefix + "vault_key"], i[prefix + "epoch"], i["vault_id"])


def _unwrap(unwrap: Callable[[bytes, bytes], Any]) -> Callable[[Dict[str, Any]], Dict[str, Any]]:
    def run(i: Dict[str, Any]) -> Dict[str, Any]:
        return _pair(unwrap(i["master_key"], i["wrapped"]))
    return run


def _batch_writer(i: Dict[str, Any], suite: cloak.Suite = X25519) -> cloak.BatchWriter:
    # The writer takes the suite from the account's key; the key is given that suite, so that a key
    # of another length fails as the C function of the operation would.
    account = cloak.EncryptionPublicKey(i["account_public_key"], suite)
    writer = cloak.BatchWriter(account, i["creator_identity_public_key"], i["vault_id"], i["epoch"],
                               i["head_version"], i["head_hash"], i["expiry"])
    assert writer.suite == suite
    return writer


def _batch_seal(i: Dict[str, Any], suite: cloak.Suite = X25519) -> Dict[str, Any]:
    with _batch_writer(i, suite) as writer:
        sealed = [writer.seal_item(n, v) for n, v in zip(i["names"], i["values"])]
        assert [s.index for s in sealed] == list(range(len(sealed)))
        digests = [s.digest for s in sealed]
        blob = writer.finish(digests, _identity(i["creator_identity_secret_key"]))
    return {"items": [s.item for s in sealed], "digests": digests, "blob": blob}


def _batch_open(i: Dict[str, Any], suite: cloak.Suite = X25519) -> Dict[str, Any]:
    if suite == XWING:
        account: cloak.EncryptionKeyPair = _xwing(i["account_public_key"], i["account_secret_key"])
    else:
        account = cloak.X25519KeyPair.from_keys(i["account_public_key"], i["account_secret_key"])
    with cloak.BatchReader(i["blob"], i["vault_id"], account, i["trusted"]) as reader:
        assert reader.suite == suite
        if "tamper_tag" in i:
            # What a caller holding the tags could do; the binding gives them out to no one, so the
            # replay reaches into the reader's own buffer.
            reader._tags.ptr[16 * i["tamper_tag"]] = bytes([reader._tags.ptr[16 * i["tamper_tag"]][0] ^ 1])
        reader.check(i["min_epoch"], i["min_head_version"], i["now"])
        opened = [reader.open_item(item) for item in i["items"]]
        return {"signer": reader.signer, "item_count": reader.item_count, "epoch": reader.epoch,
                "head_version": reader.head_version, "head_hash": reader.head_hash, "expiry": reader.expiry,
                "names": [o.name for o in opened], "values": [o.value for o in opened]}


def _batch_begin(i: Dict[str, Any]) -> Dict[str, Any]:
    _batch_writer(i).wipe()
    return {}


def _secret_reseal(i: Dict[str, Any]) -> Dict[str, Any]:
    source = cloak.Vault(i["from_vault_key"], i["from_epoch"], i["vault_id"])
    target = cloak.Vault(i["to_vault_key"], i["to_epoch"], i["vault_id"])
    return {"resealed": source.reseal(target, i["name"], i["sealed"], i["context"])}


def _head_fields(head: cloak.Head) -> Dict[str, Any]:
    """A verified head's fields, as the file names them."""
    return {"version": head.version, "epoch": head.epoch, "expiry": head.expiry, "leaf_count": head.leaf_count,
            "hash": head.hash, "merkle_root": head.merkle_root, "vault_key_id": head.vault_key_id,
            "signer": head.signer, "policy": head.policy}


def _head_verify_next(i: Dict[str, Any]) -> Dict[str, Any]:
    current = cloak.Head.verify_first(i["chain"][0], i["vault_id"], i["trusted"])
    for blob in i["chain"][1:]:
        current = current.verify_next(blob)
    if i["current_blob"] != current.blob:
        # What a caller of the C function could do: pass bytes other than the ones the head was
        # verified from. The binding always passes its own, so the replay swaps them in.
        current.blob = i["current_blob"]
    return _head_fields(current.verify_next(i["blob"]))


def _head_check(i: Dict[str, Any]) -> Dict[str, Any]:
    cloak.Head.verify_first(i["blob"], i["vault_id"], i["trusted"]).check(i["min_epoch"], i["min_version"], i["now"])
    return {}


def _merkle_verify_inclusion(i: Dict[str, Any]) -> Dict[str, Any]:
    cloak.Head.verify_first(i["head"], i["vault_id"], i["trusted"]).verify_inclusion(i["leaf"], i["proof"])
    return {}


def _merkle_verify_absence(i: Dict[str, Any]) -> Dict[str, Any]:
    cloak.Head.verify_first(i["head"], i["vault_id"], i["trusted"]).verify_absence(i["blind_index"], i["proof"])
    return {}


def _head_create(i: Dict[str, Any]) -> Dict[str, Any]:
    return {"head": cloak.head_create(i["vault_id"], i["epoch"], i["vault_key_id"], i["version"], i["previous_hash"],
                                      i["expiry"], i["merkle_root"], i["leaf_count"], i["roster"],
                                      _identity(i["signer_identity_secret_key"]), policy=i["policy"])}


def _verified_head(i: Dict[str, Any]) -> cloak.Head:
    return cloak.Head.verify_first(i["head"], i["vault_id"], i["trusted"])


def _head_roster_find(i: Dict[str, Any]) -> Dict[str, Any]:
    return _verified_head(i).roster_find(i["kind"], i["public_key"])._asdict()


def _head_check_recipient(i: Dict[str, Any]) -> Dict[str, Any]:
    # No member identity in the case: a service account's key (NULL in C, None here).
    _verified_head(i).check_recipient(i.get("member_identity_public_key"), i["encryption_public_key"])
    return {}


def _password_derive(i: Dict[str, Any]) -> Dict[str, Any]:
    # An empty secret key is the C API's "no key" (NULL, 0), which the binding spells None. A key of
    # the right size goes in as the key object an application holds; any other size as bytes, which
    # the binding must refuse as the library does.
    key = i["secret_key"]
    secret_key = (None if not key else
                  cloak.AccountSecretKey(key) if len(key) == cloak.ACCOUNT_SECRET_KEYBYTES else key)
    # No policy in the case: the library's default (NULL in C), which the binding's None means.
    keys = cloak.password_derive(i["password"], i["record"], account_id=i["account_id"], secret_key=secret_key,
                                 policy=i.get("policy"))
    return {"master_key": bytes(keys.master_key.secret_bytes()), "login_key": bytes(keys.login_key.secret_bytes())}


OPERATIONS: Dict[str, Callable[[Dict[str, Any]], Dict[str, Any]]] = {
    "key_id": lambda i: {"key_id": cloak.key_id(i["key"])},
    "identity_keypair_from_seed": lambda i: _pair(cloak.IdentityKeyPair.from_seed(i["seed"])),
    "encryption_keypair_from_seed": lambda i: _pair(cloak.EncryptionKeyPair.from_seed(i["seed"], X25519)),
    "xwing_keypair_from_seed": lambda i: _pair(cloak.XWingKeyPair.from_seed(i["seed"])),
    "xwing_key_hash": lambda i: {"key_hash": cloak.xwing_key_hash(i["public_key"])},
    "xwing_public_export": lambda i: {"blob": cloak.xwing_public_export(i["public_key"])},
    "xwing_public_import": lambda i: {"public_key": cloak.xwing_public_import(i["blob"])},
    "blob_suite": lambda i: {"suite": cloak.blob_suite(i["blob"])},
    "password_record_encode": lambda i: {"record": cloak.password_record_encode(
        i["salt"], i["memory_kib"], i["iterations"], i["parallelism"])},
    "password_record_new": lambda i: {"record": cloak.password_record_new(
        i["memory_kib"], i["iterations"], i["parallelism"])},
    "password_record_decode": lambda i: cloak.password_record_decode(i["record"])._asdict(),
    "password_derive": _password_derive,
    "password_policy_default": lambda i: {"policy": bytes(cloak.PasswordPolicy.default())},
    "password_policy_init": lambda i: {"policy": bytes(cloak.PasswordPolicy.custom(**i))},
    "password_record_check": lambda i: cloak.password_record_check(i["record"], i.get("policy")) or {},
    "account_secret_key_generate": lambda i: {"secret_key": bytes(cloak.AccountSecretKey.generate().secret_bytes())},
    "account_secret_key_encode": lambda i: {"text": cloak.AccountSecretKey(i["secret_key"]).encode(i["account_id"])},
    "account_secret_key_decode": lambda i: {"secret_key": bytes(cloak.AccountSecretKey.decode(
        i["text"], i["account_id"]).secret_bytes())},
    "wrapped_key_rewrap": lambda i: {"rewrapped": cloak.wrapped_key_rewrap(
        cloak.MasterKey(i["old_master_key"]), cloak.MasterKey(i["new_master_key"]), i["wrapped"], X25519)},
    "wrapped_key_rewrap_xwing": lambda i: {"rewrapped": cloak.wrapped_key_rewrap_xwing(
        cloak.MasterKey(i["old_master_key"]), cloak.MasterKey(i["new_master_key"]), i["wrapped"])},
    "identity_public_export": lambda i: {"blob": cloak.identity_public_export(i["public_key"])},
    "encryption_public_export": lambda i: {"blob": cloak.encryption_public_export(i["public_key"])},
    "identity_public_import": lambda i: {"public_key": cloak.identity_public_import(i["blob"])},
    "encryption_public_import": lambda i: {"public_key": cloak.encryption_public_import(i["blob"], X25519)},
    "text_encode": lambda i: {"text": cloak.text_encode(i["blob"])},
    "text_decode": lambda i: {"blob": cloak.text_decode(i["text"])},
    "blob_inspect": lambda i: cloak.blob_inspect(i["blob"])._asdict(),
    "bundle_create": lambda i: {"bundle": cloak.bundle_create(_identity(i["identity_secret_key"]),
                                                              i["encryption_public_key"])},
    "bundle_verify": lambda i: cloak.bundle_verify(i["bundle"], X25519)._asdict(),
    "bundle_create_xwing": lambda i: {"bundle": cloak.bundle_create_xwing(_identity(i["identity_secret_key"]),
                                                                          i["encryption_public_key"])},
    "bundle_verify_xwing": lambda i: cloak.bundle_verify_xwing(i["bundle"])._asdict(),
    "identity_sign": lambda i: {"signature": cloak.identity_sign(_identity(i["secret_key"]), i["message"],
                                                                 i["context"])},
    "identity_verify": lambda i: cloak.identity_verify(i["public_key"], i["signature"], i["message"],
                                                       i["context"]) or {},
    "identity_wrap": lambda i: {"wrapped": cloak.identity_wrap(i["master_key"], _identity(i["secret_key"]))},
    # The key-pair classes need the public half, which these cases do not give: the binding's
    # generated layer takes the secret key alone, as the C function does.
    "encryption_wrap": lambda i: {"wrapped": _low.encryption_wrap(i["master_key"], i["secret_key"])},
    "service_account_wrap": lambda i: {"wrapped": _low.service_account_wrap(i["master_key"], i["secret_key"])},
    # X-Wing's public key follows from the secret key (cloak_xwing_public_key), so these make the pair.
    "xwing_wrap": lambda i: {"wrapped": cloak.xwing_wrap(i["master_key"], cloak.XWingKeyPair.from_secret_key(
        i["secret_key"]))},
    "service_account_xwing_wrap": lambda i: {"wrapped": cloak.service_account_xwing_wrap(
        i["master_key"], cloak.XWingKeyPair.from_secret_key(i["secret_key"]))},
    "identity_unwrap": _unwrap(cloak.identity_unwrap),
    "encryption_unwrap": _unwrap(lambda mk, w: cloak.encryption_unwrap(mk, w, X25519)),
    "service_account_unwrap": _unwrap(lambda mk, w: cloak.service_account_unwrap(mk, w, X25519)),
    "xwing_unwrap": _unwrap(cloak.xwing_unwrap),
    "service_account_xwing_unwrap": _unwrap(cloak.service_account_xwing_unwrap),
    "wrapped_key_public_key": lambda i: cloak.wrapped_key_public_key(i["wrapped"], X25519)._asdict(),
    "wrapped_key_public_key_xwing": lambda i: cloak.wrapped_key_public_key_xwing(i["wrapped"])._asdict(),
    "service_account_private_export": lambda i: {"blob": cloak.service_account_private_export(
        cloak.EncryptionKeyPair.from_keys(i["public_key"], i["secret_key"]))},
    "service_account_private_import": lambda i: _pair(cloak.service_account_private_import(i["blob"], X25519)),
    "service_account_xwing_private_export": lambda i: {"blob": cloak.service_account_xwing_private_export(
        _xwing(i["public_key"], i["secret_key"]))},
    "service_account_xwing_private_import": lambda i: _pair(cloak.service_account_xwing_private_import(i["blob"])),
    # Over the halves as they are, so that the library (not the key pair's constructor) refuses a pair
    # that does not belong together.
    "service_account_credential": lambda i: {"credential": cloak.service_account_credential(
        x25519_with_keys(i["public_key"], i["secret_key"]))},
    "service_account_xwing_credential": lambda i: {"credential": cloak.service_account_xwing_credential(
        xwing_with_keys(i["public_key"], i["secret_key"]))},
    "service_account_credential_verifier": lambda i: {"verifier": cloak.service_account_credential_verifier(
        i["credential"])},
    "secret_seal": lambda i: {"sealed": _vault(i).seal(i["name"], i["value"], i["context"])},
    "secret_open": lambda i: {"value": _vault(i).open(i["name"], i["sealed"], i["context"])},
    "vault_blind_index": lambda i: {"index": _vault(i).blind_index(i["name"])},
    "secret_reseal": _secret_reseal,
    "secret_sealed_len": lambda i: {"sealed_len": cloak.secret_sealed_len(i["value_len"])},
    "secret_opened_len": lambda i: {"value_cap": cloak.secret_opened_len(i["sealed_len"])},
    "share_seal": lambda i: {"share": cloak.share_seal(i["vault_key"], i["epoch"], i["vault_id"],
                                                       i["recipient_public_key"],
                                                       _identity(i["sender_identity_secret_key"]))},
    "share_seal_xwing": lambda i: {"share": cloak.share_seal_xwing(i["vault_key"], i["epoch"], i["vault_id"],
                                                                   i["recipient_public_key"],
                                                                   _identity(i["sender_identity_secret_key"]))},
    "share_open_xwing": lambda i: (lambda opened: {"vault_key": bytes(opened.vault_key.secret_bytes()),
                                                   "epoch": opened.epoch})(cloak.share_open_xwing(
        i["share"], i["vault_id"], _xwing(i["recipient_public_key"], i["recipient_secret_key"]),
        i["trusted_sender_identity_public_key"], i["min_epoch"])),
    "share_sender": lambda i: {"sender_identity_public_key": cloak.share_sender(i["share"])},
    "share_open": lambda i: (lambda opened: {"vault_key": bytes(opened.vault_key.secret_bytes()),
                                             "epoch": opened.epoch})(cloak.share_open(
        i["share"], i["vault_id"], cloak.EncryptionKeyPair.from_keys(i["recipient_public_key"], i["recipient_secret_key"]),
        i["trusted_sender_identity_public_key"], i["min_epoch"])),
    "batch_seal": _batch_seal,
    "batch_open": _batch_open,
    "batch_seal_xwing": lambda i: _batch_seal(i, XWING),
    "batch_open_xwing": lambda i: _batch_open(i, XWING),
    "batch_len": lambda i: {"batch_len": cloak.batch_len(i["vault_id_len"], i["item_count"])},
    "batch_len_xwing": lambda i: {"batch_len": cloak.batch_len_xwing(i["vault_id_len"], i["item_count"])},
    "batch_sender": lambda i: {"identity_public_key": cloak.batch_sender(i["blob"])},
    "batch_item_index": lambda i: {"index": cloak.batch_item_index(i["item"])},
    "batch_count": lambda i: {"item_count": cloak.batch_count(i["blob"])},
    "batch_item_len": lambda i: {"item_len": cloak.batch_item_len(i["name_len"], i["value_len"])},
    "batch_item_opened_maxlen": lambda i: {"value_cap": cloak.batch_item_opened_maxlen(i["item_len"])},
    "batch_begin": _batch_begin,
    "hpke_seal_base": lambda i: cloak.hpke_seal_base(i["recipient_public_key"], i["plaintext"], i["info"],
                                                     i["aad"])._asdict(),
    "hpke_open_base": lambda i: {"plaintext": cloak.hpke_open_base(
        i["enc"], i["ciphertext"],
        cloak.EncryptionKeyPair.from_keys(i["recipient_public_key"], i["recipient_secret_key"]),
        i["info"], i["aad"])},
    "hpke_seal_base_xwing": lambda i: cloak.hpke_seal_base_xwing(i["recipient_public_key"], i["plaintext"], i["info"],
                                                                 i["aad"])._asdict(),
    "hpke_open_base_xwing": lambda i: {"plaintext": cloak.hpke_open_base_xwing(
        i["enc"], i["ciphertext"], _xwing(i["recipient_public_key"], i["recipient_secret_key"]), i["info"],
        i["aad"])},
    "identity_fingerprint": lambda i: {"text": cloak.identity_fingerprint(i["identity_public_key"])},
    "identity_pair_code": lambda i: {"text": cloak.identity_pair_code(i["identity_public_key_a"],
                                                                      i["identity_public_key_b"])},
    "roster_entry": lambda i: {"entry": cloak.roster_entry(i["kind"], i["permissions"], i["suite"], i["public_key"],
                                                           i["encryption_key_id"])},
    "head_create": _head_create,
    "head_roster_find": _head_roster_find,
    "head_check_recipient": _head_check_recipient,
    "head_check_share": lambda i: _verified_head(i).check_share(i["recipient_identity_public_key"], i["share"]) or {},
    "head_check_batch": lambda i: _verified_head(i).check_batch(i["batch"]) or {},
    "head_verify_first": lambda i: _head_fields(cloak.Head.verify_first(i["blob"], i["vault_id"], i["trusted"])),
    "head_verify_next": _head_verify_next,
    "head_check": _head_check,
    "merkle_leaf": lambda i: {"leaf": cloak.merkle_leaf(i["blind_index"], i["sealed"])},
    "merkle_root": lambda i: {"root": cloak.merkle_root(i["leaves"])},
    "merkle_prove_inclusion": lambda i: {"proof": cloak.merkle_prove_inclusion(i["leaves"], i["index"])},
    "merkle_verify_inclusion": _merkle_verify_inclusion,
    "merkle_prove_absence": lambda i: {"proof": cloak.merkle_prove_absence(i["leaves"], i["blind_index"])},
    "merkle_verify_absence": _merkle_verify_absence,
}


# ---- the replay ------------------------------------------------------------------------------------------

def decoded_inputs(inputs: Dict[str, Any]) -> Dict[str, Any]:
    """Hex strings as bytes, lists of them as lists of bytes; text and numbers as they are."""
    def one(key: str, value: Any) -> Any:
        if isinstance(value, list):
            return [one(key, v) for v in value]
        if isinstance(value, str) and key != "text":
            return bytes.fromhex(value)
        return value
    return {k: one(k, v) for k, v in inputs.items()}


def comparable(value: Any) -> Any:
    """An output as the file writes it: bytes as hex, enums as plain numbers."""
    if isinstance(value, (list, tuple)):
        return [comparable(v) for v in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, int):
        return int(value)
    return value


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: Dict[str, Any]) -> None:
    operation = OPERATIONS[case["operation"]]
    inputs = decoded_inputs(case["inputs"])
    draws = inputs.pop("random", None)
    if draws is not None and LISTED_RANDOM is None:
        pytest.skip("draws randomness, and the libsodium the library uses was not found to serve it")
    serving = LISTED_RANDOM.serving(draws) if draws is not None else contextlib.nullcontext()
    if case["expect"] == "ok":
        with serving:
            outputs = operation(inputs)
        assert {k: comparable(v) for k, v in outputs.items()} == case["outputs"]
    else:
        want = EXCEPTIONS[case["expect"]]
        with pytest.raises(cloak.CloakError) as raised, serving:
            operation(inputs)
        assert type(raised.value) is want, "%s raised, the file says %s" % (type(raised.value).__name__,
                                                                           case["expect"])
        assert raised.value.status is not None and raised.value.status.name == case["expect"]


def test_file_covers_every_operation() -> None:
    """An emptied or truncated file must not pass; an operation without a replay must not be
    silently ignored."""
    assert len(CASES) > 100
    assert {c["operation"] for c in CASES} == set(OPERATIONS)
    assert sum(c["expect"] != "ok" for c in CASES) > 100

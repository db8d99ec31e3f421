"""Python binding of libcloak, the cryptographic core of an end-to-end encrypted secrets manager.

Bytes in, bytes out; failures raise a subclass of CloakError (one per C status code); a wrong
argument type raises TypeError naming the parameter, a wrong size BadParamsError (also a
ValueError). Keys are small classes that keep their secret half in memory they wipe (wipe(),
``with``, garbage collection), never show it in their repr and give it out only through
secret_bytes(). New encryption keys are X-Wing keys (post-quantum, suite 2) unless X25519 is
asked for; whatever seals or opens with a key takes the suite from it, and vault heads check that a
share or batch uses the key and suite their roster names (Head.seal_share() and friends). The
per-call mechanics are generated from include/cloak.h (_low.py, _api.py,
constants.py: tools/apigen.py); the modules here are the idiomatic layer. See README.md next to this package's pyproject.toml.

The shared library is found through CLOAK_LIBRARY, then pkg-config, then ldconfig (cloak._lib).
"""

from __future__ import annotations

from typing import Tuple

from . import _low, constants
from ._lib import library_path, status_string
from .batch import (BatchItem, BatchReader, BatchWriter, SealedItem, batch_count, batch_item_index, batch_item_len,
                    batch_item_opened_maxlen, batch_len, batch_len_xwing, batch_sender, batch_tags_len)
from .constants import *  # noqa: F401,F403  (the size constants; their names are in constants.__all__)
from .envelope import (DEFAULT_SUITE, BlobInfo, ObjectType, Suite, blob_inspect, blob_suite, text_decode,
                       text_decoded_maxlen, text_encode, text_encoded_len)
from .errors import (AuthenticationError, BadParamsError, BadSignatureError, BufferTooSmallError, ChecksumError,
                     BadStateError, CloakError, ExpiredError, InternalError, InvalidKeyError, MalformedError, MismatchError, NoMemoryError,
                     PolicyError, StaleError, Status, UnsupportedSuiteError, UnsupportedVersionError,
                     UntrustedSignerError, WeakParamsError, WrongKeyError, WrongTypeError)
from .head import (Head, RosterEntry, head_create, head_len, merkle_leaf, merkle_prove_absence,
                   merkle_prove_inclusion, merkle_root, roster_entry, roster_member, roster_service_account)
from .hpke import HpkeContext, HpkeSealed, hpke_open_base, hpke_open_base_xwing, hpke_seal_base, hpke_seal_base_xwing
from .keys import (Bundle, EncryptionKeyPair, EncryptionPublicKey, IdentityKeyPair, LoginKey, MasterKey, SymmetricKey,
                   VaultKey, WrappedKeyInfo, X25519KeyPair, XWingKeyPair, bundle_create, bundle_create_xwing,
                   bundle_verify, bundle_verify_xwing, encryption_keypair, encryption_keypair_from_seed,
                   encryption_public_export, encryption_public_import, encryption_unwrap, encryption_wrap,
                   identity_fingerprint, identity_keypair, identity_keypair_from_seed, identity_pair_code,
                   identity_public_export, identity_public_import, identity_sign, identity_unwrap, identity_verify,
                   identity_wrap, key_id, service_account_credential, service_account_credential_verifier,
                   service_account_private_export, service_account_private_import, service_account_xwing_credential,
                   service_account_unwrap, service_account_wrap, service_account_xwing_private_export,
                   service_account_xwing_private_import, service_account_xwing_unwrap, service_account_xwing_wrap,
                   vault_key_generate, wrapped_key_public_key, wrapped_key_public_key_xwing, wrapped_key_rewrap,
                   wrapped_key_rewrap_xwing, xwing_key_hash, xwing_keypair, xwing_keypair_from_seed,
                   xwing_public_export, xwing_public_import, xwing_public_key, xwing_unwrap, xwing_wrap)
from .password import (AccountSecretKey, DerivedKeys, PasswordParams, PasswordPolicy, account_secret_key_decode,
                       account_secret_key_encode, account_secret_key_generate, password_derive, password_kernel,
                       password_policy_default, password_policy_init, password_record_check, password_record_decode,
                       password_record_encode, password_record_new)
from .vault import (OpenedShare, Vault, secret_open, secret_opened_len, secret_reseal, secret_seal, secret_sealed_len,
                    share_open, share_open_xwing, share_seal, share_seal_xwing, share_sender, vault_blind_index,
                    vault_init, vault_key_id, vault_wipe)

__version__ = "0.1.0"


def version_string() -> str:
    """cloak_version_string(): the loaded library's version, e.g. "0.1.0"."""
    return str(_low.version_string())


def version_info() -> Tuple[int, int, int]:
    """(cloak_version_major(), cloak_version_minor(), cloak_version_patch()) of the loaded library."""
    return (int(_low.version_major()), int(_low.version_minor()), int(_low.version_patch()))


def init() -> None:
    """cloak_init(). Called when this package is imported; calling it again is harmless."""
    _low.init()


__all__ = [
    # errors
    "CloakError", "MalformedError", "UnsupportedVersionError", "UnsupportedSuiteError", "WrongTypeError",
    "WrongKeyError", "AuthenticationError", "BadSignatureError", "UntrustedSignerError", "BufferTooSmallError",
    "BadParamsError", "InvalidKeyError", "ChecksumError", "MismatchError", "NoMemoryError", "InternalError",
    "StaleError", "ExpiredError", "BadStateError", "WeakParamsError", "PolicyError",
    "Status", "status_string",
    # library
    "init", "version_string", "version_info", "library_path", "constants",
    # envelope
    "ObjectType", "Suite", "DEFAULT_SUITE", "BlobInfo", "blob_inspect", "blob_suite", "text_encode", "text_decode",
    "text_encoded_len", "text_decoded_maxlen",
    # keys
    "SymmetricKey", "MasterKey", "LoginKey", "VaultKey", "IdentityKeyPair", "EncryptionKeyPair", "X25519KeyPair",
    "XWingKeyPair", "EncryptionPublicKey", "Bundle",
    "WrappedKeyInfo", "key_id", "vault_key_generate", "identity_keypair", "identity_keypair_from_seed",
    "identity_sign", "identity_verify", "encryption_keypair", "encryption_keypair_from_seed",
    "xwing_keypair", "xwing_keypair_from_seed", "xwing_public_key", "xwing_key_hash",
    "identity_public_export", "identity_public_import", "encryption_public_export", "encryption_public_import",
    "xwing_public_export", "xwing_public_import",
    "bundle_create", "bundle_verify", "bundle_create_xwing", "bundle_verify_xwing", "identity_fingerprint",
    "identity_pair_code", "identity_wrap",
    "identity_unwrap", "encryption_wrap", "encryption_unwrap", "xwing_wrap", "xwing_unwrap", "service_account_wrap",
    "service_account_unwrap", "service_account_xwing_wrap", "service_account_xwing_unwrap",
    "wrapped_key_public_key", "wrapped_key_public_key_xwing", "wrapped_key_rewrap", "wrapped_key_rewrap_xwing",
    "service_account_private_export", "service_account_private_import", "service_account_xwing_private_export",
    "service_account_xwing_private_import", "service_account_credential", "service_account_xwing_credential",
    "service_account_credential_verifier",
    # passwords
    "PasswordParams", "DerivedKeys", "PasswordPolicy", "AccountSecretKey", "password_record_new",
    "password_record_encode", "password_record_decode", "password_record_check", "password_derive",
    "password_policy_default", "password_policy_init", "account_secret_key_generate", "account_secret_key_encode",
    "account_secret_key_decode", "password_kernel",
    # vaults and shares
    "Vault", "vault_init", "vault_wipe", "vault_key_id", "secret_sealed_len", "secret_opened_len", "secret_seal",
    "secret_open", "secret_reseal", "vault_blind_index", "share_seal", "share_sender", "share_open",
    "share_seal_xwing", "share_open_xwing", "OpenedShare",
    # batches
    "BatchWriter", "BatchReader", "BatchItem", "SealedItem", "batch_item_len", "batch_item_opened_maxlen",
    "batch_len", "batch_len_xwing", "batch_tags_len", "batch_count", "batch_sender", "batch_item_index",
    # vault heads and the Merkle tree
    "Head", "RosterEntry", "roster_entry", "roster_member", "roster_service_account", "head_len", "head_create",
    "merkle_leaf", "merkle_root",
    "merkle_prove_inclusion", "merkle_prove_absence",
    # HPKE
    "HpkeContext", "HpkeSealed", "hpke_seal_base", "hpke_open_base", "hpke_seal_base_xwing", "hpke_open_base_xwing",
]
__all__ += constants.__all__

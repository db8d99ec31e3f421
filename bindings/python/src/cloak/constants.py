"""Sizes and bounds. Sizes come from the loaded library's twin functions (cloak_keybytes() ...), so
they are the library's own, not copies of the header's macros."""

from __future__ import annotations

from ._lib import C

__all__ = [
    "KEYBYTES",
    "KEYIDBYTES",
    "LABELBYTES_MAX",
    "HEADERBYTES",
    "IDENTITY_PUBLICKEYBYTES",
    "IDENTITY_SECRETKEYBYTES",
    "IDENTITY_SEEDBYTES",
    "SIGNATUREBYTES",
    "ENCRYPTION_PUBLICKEYBYTES",
    "ENCRYPTION_SECRETKEYBYTES",
    "ENCRYPTION_SEEDBYTES",
    "PUBLIC_KEY_BLOBBYTES",
    "BUNDLEBYTES",
    "WRAPPED_KEYBYTES",
    "SERVICE_ACCOUNT_PRIVATE_BLOBBYTES",
    "SHAREBYTES",
    "SECRET_OVERHEADBYTES",
    "BATCH_ITEM_OVERHEADBYTES",
    "BATCH_DIGESTBYTES",
    "BLIND_INDEXBYTES",
    "PASSWORD_SALTBYTES",
    "PASSWORD_RECORDBYTES",
    "FINGERPRINT_TEXTBYTES",
    "PAIR_CODE_TEXTBYTES",
    "VAULT_STATEBYTES",
    "BATCH_STATEBYTES",
    "HPKE_CONTEXTBYTES",
    "HPKE_ENCBYTES",
    "HPKE_TAGBYTES",
    "PASSWORD_MEMORY_KIB_DEFAULT",
    "PASSWORD_ITERATIONS_DEFAULT",
    "PASSWORD_PARALLELISM_DEFAULT",
    "PASSWORD_MEMORY_KIB_MIN",
    "PASSWORD_MEMORY_KIB_MAX",
    "PASSWORD_ITERATIONS_MIN",
    "PASSWORD_ITERATIONS_MAX",
    "PASSWORD_PARALLELISM_MIN",
    "PASSWORD_PARALLELISM_MAX",
    "PASSWORDBYTES_MAX",
    "BATCH_ITEMS_MAX",
    "HPKE_EXPORT_MAXBYTES",
]

KEYBYTES: int = C.cloak_keybytes()
KEYIDBYTES: int = C.cloak_keyidbytes()
LABELBYTES_MAX: int = C.cloak_labelbytes_max()
HEADERBYTES: int = C.cloak_headerbytes()
IDENTITY_PUBLICKEYBYTES: int = C.cloak_identity_publickeybytes()
IDENTITY_SECRETKEYBYTES: int = C.cloak_identity_secretkeybytes()
IDENTITY_SEEDBYTES: int = C.cloak_identity_seedbytes()
SIGNATUREBYTES: int = C.cloak_signaturebytes()
ENCRYPTION_PUBLICKEYBYTES: int = C.cloak_encryption_publickeybytes()
ENCRYPTION_SECRETKEYBYTES: int = C.cloak_encryption_secretkeybytes()
ENCRYPTION_SEEDBYTES: int = C.cloak_encryption_seedbytes()
PUBLIC_KEY_BLOBBYTES: int = C.cloak_public_key_blobbytes()
BUNDLEBYTES: int = C.cloak_bundlebytes()
WRAPPED_KEYBYTES: int = C.cloak_wrapped_keybytes()
SERVICE_ACCOUNT_PRIVATE_BLOBBYTES: int = C.cloak_service_account_private_blobbytes()
SHAREBYTES: int = C.cloak_sharebytes()
SECRET_OVERHEADBYTES: int = C.cloak_secret_overheadbytes()
BATCH_ITEM_OVERHEADBYTES: int = C.cloak_batch_item_overheadbytes()
BATCH_DIGESTBYTES: int = C.cloak_batch_digestbytes()
BLIND_INDEXBYTES: int = C.cloak_blind_indexbytes()
PASSWORD_SALTBYTES: int = C.cloak_password_saltbytes()
PASSWORD_RECORDBYTES: int = C.cloak_password_recordbytes()
FINGERPRINT_TEXTBYTES: int = C.cloak_fingerprint_textbytes()
PAIR_CODE_TEXTBYTES: int = C.cloak_pair_code_textbytes()
VAULT_STATEBYTES: int = C.cloak_vault_statebytes()
BATCH_STATEBYTES: int = C.cloak_batch_statebytes()
HPKE_CONTEXTBYTES: int = C.cloak_hpke_contextbytes()
HPKE_ENCBYTES: int = C.cloak_hpke_encbytes()
HPKE_TAGBYTES: int = C.cloak_hpke_tagbytes()

# Argon2id defaults and bounds, and the other limits, from their twin functions.
PASSWORD_MEMORY_KIB_DEFAULT: int = C.cloak_password_memory_kib_default()
PASSWORD_ITERATIONS_DEFAULT: int = C.cloak_password_iterations_default()
PASSWORD_PARALLELISM_DEFAULT: int = C.cloak_password_parallelism_default()
PASSWORD_MEMORY_KIB_MIN: int = C.cloak_password_memory_kib_min()
PASSWORD_MEMORY_KIB_MAX: int = C.cloak_password_memory_kib_max()
PASSWORD_ITERATIONS_MIN: int = C.cloak_password_iterations_min()
PASSWORD_ITERATIONS_MAX: int = C.cloak_password_iterations_max()
PASSWORD_PARALLELISM_MIN: int = C.cloak_password_parallelism_min()
PASSWORD_PARALLELISM_MAX: int = C.cloak_password_parallelism_max()
PASSWORDBYTES_MAX: int = C.cloak_passwordbytes_max()
BATCH_ITEMS_MAX: int = C.cloak_batch_items_max()
HPKE_EXPORT_MAXBYTES = 255 * 32

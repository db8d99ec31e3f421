/*
 * libcloak: the cryptographic core of an end-to-end encrypted secrets manager.
 *
 * Every function is a pure operation over caller-owned byte buffers: no I/O, no heap allocation
 * (Argon2id's working memory aside), no global state beyond cloak_init(). All functions are
 * thread-safe and re-entrant.
 *
 * Order of calls
 * --------------
 *   cloak_init()                                   once per process, before anything else
 *
 *   Registration (Alice):
 *     cloak_password_record_new()                  random salt + Argon2id parameters, stored by the server
 *     cloak_password_derive()                      password -> master key + login key
 *     cloak_identity_keypair()                     Ed25519 identity
 *     cloak_encryption_keypair()                   X25519 encryption key pair
 *     cloak_bundle_create()                        identity signs the encryption public key
 *     cloak_identity_wrap() / cloak_encryption_wrap()   private keys under the master key
 *
 *   Vaults and secrets:
 *     cloak_vault_key_generate()                   a random 32-byte vault key
 *     cloak_share_seal() / cloak_share_open()      the vault key to a member (HPKE, signed)
 *     cloak_vault_init()                           subkeys derived once for many secrets
 *     cloak_secret_seal() / cloak_secret_open()    one secret under the vault, bound to its name
 *     cloak_vault_blind_index()                    keyed index of a secret name for the server
 *     cloak_secret_reseal()                        move a secret to a rotated vault key
 *
 *   Service accounts:
 *     cloak_encryption_keypair()                   anywhere; only the public key travels
 *     cloak_service_account_wrap()                 its private key under the creator's master key
 *     cloak_batch_begin() / _seal_item() / _finish()      re-encrypt secrets for the account
 *     cloak_batch_verify() / cloak_batch_open_item()      the account side
 *
 * Conventions
 * -----------
 * - Every fallible function returns 0 (CLOAK_OK) or a negative cloak_status, and is marked
 *   warn_unused_result. On failure every output buffer is zeroed: nothing partial escapes.
 * - Fixed sizes are macros, each with a twin function (CLOAK_KEYBYTES / cloak_keybytes()) for
 *   bindings. Variable sizes have length helpers (cloak_secret_sealed_len()).
 * - Blobs are the versioned, typed envelope of docs/protocol.md. cloak_text_encode() gives any blob a
 *   checksummed text form for copy and paste.
 * - Identifiers, names and contexts are byte strings of at most CLOAK_MAX_LABELBYTES bytes.
 *
 * The full reference, byte layouts and worked examples are in docs/protocol.md and docs/api.md.
 */
#ifndef CLOAK_H
#define CLOAK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------------
 * Export and attribute macros
 * ---------------------------------------------------------------------------------------------- */

#if defined(CLOAK_BUILDING) && defined(__GNUC__)
#define CLOAK_EXPORT __attribute__((visibility("default")))
#else
#define CLOAK_EXPORT
#endif

#if defined(__GNUC__)
#define CLOAK_NODISCARD __attribute__((warn_unused_result))
#else
#define CLOAK_NODISCARD
#endif

/* ------------------------------------------------------------------------------------------------
 * Version
 * ---------------------------------------------------------------------------------------------- */

/* Semantic version of the library; the SONAME follows the major version. */
#define CLOAK_VERSION_MAJOR 0
#define CLOAK_VERSION_MINOR 1
#define CLOAK_VERSION_PATCH 0
#define CLOAK_VERSION_STRING "0.1.0"

CLOAK_EXPORT const char *cloak_version_string(void);
CLOAK_EXPORT int cloak_version_major(void);
CLOAK_EXPORT int cloak_version_minor(void);
CLOAK_EXPORT int cloak_version_patch(void);

/* ------------------------------------------------------------------------------------------------
 * Status codes
 * ---------------------------------------------------------------------------------------------- */

typedef enum cloak_status {
    CLOAK_OK = 0,
    /* The input is not a well-formed encoding: wrong length, trailing bytes, bad text. */
    CLOAK_E_MALFORMED = -1,
    /* The blob's format version is not one this library reads. */
    CLOAK_E_UNSUPPORTED_VERSION = -2,
    /* The blob names a cipher suite this library does not implement. */
    CLOAK_E_UNSUPPORTED_SUITE = -3,
    /* A well-formed blob of another object type than the function reads. */
    CLOAK_E_WRONG_TYPE = -4,
    /* The blob was made for another key (its key id does not match the key given). */
    CLOAK_E_WRONG_KEY = -5,
    /* Decryption failed: the blob was altered, or is opened in another context. */
    CLOAK_E_AUTH = -6,
    /* A signature does not verify. */
    CLOAK_E_BAD_SIGNATURE = -7,
    /* A valid signature by an identity the caller did not list as trusted. */
    CLOAK_E_UNTRUSTED_SIGNER = -8,
    /* An output buffer is smaller than the length helper says. */
    CLOAK_E_BUFFER_TOO_SMALL = -9,
    /* A parameter is out of bounds: Argon2id costs, a label's length, an item count. */
    CLOAK_E_BAD_PARAMS = -10,
    /* A public key was rejected: low order, or it gives an all-zero shared secret. */
    CLOAK_E_INVALID_KEY = -11,
    /* The checksum of a text form does not match: a copy and paste error. */
    CLOAK_E_CHECKSUM = -12,
    /* Decrypted and authentic, but it belongs elsewhere: another secret name or batch. */
    CLOAK_E_MISMATCH = -13,
    /* Argon2id could not get its working memory. */
    CLOAK_E_NOMEM = -14,
    /* The library could not initialise, or a system facility (threads) failed. */
    CLOAK_E_INTERNAL = -15
} cloak_status;

/* A short English sentence for a status code; never NULL, never contains data. */
CLOAK_EXPORT const char *cloak_status_string(int status);

/* Initialises the library (libsodium's CPU detection and random source). Call once before any
 * other function; safe to call again and from several threads. Returns CLOAK_OK or
 * CLOAK_E_INTERNAL. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_init(void);

/* ------------------------------------------------------------------------------------------------
 * Sizes
 * ---------------------------------------------------------------------------------------------- */

#define CLOAK_KEYBYTES 32U                 /* master, login and vault keys */
#define CLOAK_KEYIDBYTES 16U               /* short key id carried by every blob */
#define CLOAK_MAX_LABELBYTES 255U          /* vault ids, secret names, contexts */
#define CLOAK_HEADERBYTES 20U              /* envelope header of every blob */

#define CLOAK_IDENTITY_PUBLICKEYBYTES 32U  /* Ed25519 public key */
#define CLOAK_IDENTITY_SECRETKEYBYTES 64U  /* Ed25519 seed followed by the public key; opaque */
#define CLOAK_IDENTITY_SEEDBYTES 32U
#define CLOAK_SIGNATUREBYTES 64U

#define CLOAK_ENCRYPTION_PUBLICKEYBYTES 32U /* X25519 public key */
#define CLOAK_ENCRYPTION_SECRETKEYBYTES 32U /* X25519 private key */
#define CLOAK_ENCRYPTION_SEEDBYTES 32U      /* input keying material of DeriveKeyPair */

#define CLOAK_PUBLIC_KEY_BLOBBYTES 52U      /* header + public key */
#define CLOAK_BUNDLEBYTES 148U              /* header + identity pk + encryption pk + signature */
#define CLOAK_WRAPPED_KEYBYTES 124U         /* header + pk + nonce + sealed private key */
#define CLOAK_SERVICE_ACCOUNT_KEYBYTES 84U  /* header + private key + public key (plain export) */
#define CLOAK_SHAREBYTES 196U               /* header + sender + enc + sealed vault key + signature */

#define CLOAK_SECRET_OVERHEADBYTES 60U      /* header + nonce + tag */
#define CLOAK_BATCH_ITEM_OVERHEADBYTES 57U  /* header + batch id + index + name length + tag */
#define CLOAK_BATCH_DIGESTBYTES 32U         /* one manifest entry */
#define CLOAK_BLIND_INDEXBYTES 32U

#define CLOAK_PASSWORD_SALTBYTES 16U
#define CLOAK_PASSWORD_RECORDBYTES 48U      /* header + m + t + p + salt */

/* Argon2id defaults (RFC 9106, second recommendation) and hard bounds. A record outside the bounds
 * is refused with CLOAK_E_BAD_PARAMS before any memory is taken. */
#define CLOAK_PASSWORD_MEMORY_KIB_DEFAULT 65536U
#define CLOAK_PASSWORD_ITERATIONS_DEFAULT 3U
#define CLOAK_PASSWORD_PARALLELISM_DEFAULT 4U
#define CLOAK_PASSWORD_MEMORY_KIB_MIN 16384U
#define CLOAK_PASSWORD_MEMORY_KIB_MAX 1048576U
#define CLOAK_PASSWORD_ITERATIONS_MIN 1U
#define CLOAK_PASSWORD_ITERATIONS_MAX 16U
#define CLOAK_PASSWORD_PARALLELISM_MIN 1U
#define CLOAK_PASSWORD_PARALLELISM_MAX 16U
#define CLOAK_PASSWORD_MAXBYTES 4096U

#define CLOAK_FINGERPRINT_TEXTBYTES 36U     /* "12345 12345 12345 12345 12345 12345" + NUL */
#define CLOAK_PAIR_CODE_TEXTBYTES 72U       /* 12 groups of five digits + NUL */

#define CLOAK_MAX_BATCH_ITEMS 1000000U

/* Caller-owned state sizes (opaque, 8-byte aligned). */
#define CLOAK_VAULT_STATEBYTES 512U
#define CLOAK_BATCH_STATEBYTES 1024U
#define CLOAK_HPKE_CONTEXTBYTES 128U

/* Twin functions of the size macros, for bindings. */
CLOAK_EXPORT size_t cloak_keybytes(void);
CLOAK_EXPORT size_t cloak_keyidbytes(void);
CLOAK_EXPORT size_t cloak_max_labelbytes(void);
CLOAK_EXPORT size_t cloak_headerbytes(void);
CLOAK_EXPORT size_t cloak_identity_publickeybytes(void);
CLOAK_EXPORT size_t cloak_identity_secretkeybytes(void);
CLOAK_EXPORT size_t cloak_identity_seedbytes(void);
CLOAK_EXPORT size_t cloak_signaturebytes(void);
CLOAK_EXPORT size_t cloak_encryption_publickeybytes(void);
CLOAK_EXPORT size_t cloak_encryption_secretkeybytes(void);
CLOAK_EXPORT size_t cloak_encryption_seedbytes(void);
CLOAK_EXPORT size_t cloak_public_key_blobbytes(void);
CLOAK_EXPORT size_t cloak_bundlebytes(void);
CLOAK_EXPORT size_t cloak_wrapped_keybytes(void);
CLOAK_EXPORT size_t cloak_service_account_keybytes(void);
CLOAK_EXPORT size_t cloak_sharebytes(void);
CLOAK_EXPORT size_t cloak_secret_overheadbytes(void);
CLOAK_EXPORT size_t cloak_batch_item_overheadbytes(void);
CLOAK_EXPORT size_t cloak_batch_digestbytes(void);
CLOAK_EXPORT size_t cloak_blind_indexbytes(void);
CLOAK_EXPORT size_t cloak_password_saltbytes(void);
CLOAK_EXPORT size_t cloak_password_recordbytes(void);
CLOAK_EXPORT size_t cloak_fingerprint_textbytes(void);
CLOAK_EXPORT size_t cloak_pair_code_textbytes(void);
CLOAK_EXPORT size_t cloak_vault_statebytes(void);
CLOAK_EXPORT size_t cloak_batch_statebytes(void);
CLOAK_EXPORT size_t cloak_hpke_contextbytes(void);
CLOAK_EXPORT size_t cloak_password_maxbytes(void);
CLOAK_EXPORT size_t cloak_max_batch_items(void);
/* Twins of the Argon2id defaults and bounds. */
CLOAK_EXPORT uint32_t cloak_password_memory_kib_default(void);
CLOAK_EXPORT uint32_t cloak_password_memory_kib_min(void);
CLOAK_EXPORT uint32_t cloak_password_memory_kib_max(void);
CLOAK_EXPORT uint32_t cloak_password_iterations_default(void);
CLOAK_EXPORT uint32_t cloak_password_iterations_min(void);
CLOAK_EXPORT uint32_t cloak_password_iterations_max(void);
CLOAK_EXPORT uint32_t cloak_password_parallelism_default(void);
CLOAK_EXPORT uint32_t cloak_password_parallelism_min(void);
CLOAK_EXPORT uint32_t cloak_password_parallelism_max(void);

/* ------------------------------------------------------------------------------------------------
 * Envelope and text form
 * ---------------------------------------------------------------------------------------------- */

/* Object types of the envelope header (byte 1 of every blob). */
typedef enum cloak_object_type {
    CLOAK_TYPE_PASSWORD_RECORD = 0x01,
    CLOAK_TYPE_IDENTITY_PUBLIC_KEY = 0x02,
    CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY = 0x03,
    CLOAK_TYPE_BUNDLE = 0x04,
    CLOAK_TYPE_WRAPPED_IDENTITY_KEY = 0x05,
    CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY = 0x06,
    CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY = 0x07,
    CLOAK_TYPE_SECRET = 0x08,
    CLOAK_TYPE_SHARE = 0x09,
    CLOAK_TYPE_BATCH = 0x0A,
    CLOAK_TYPE_BATCH_ITEM = 0x0B,
    CLOAK_TYPE_SERVICE_ACCOUNT_KEY = 0x0C
} cloak_object_type;

/* Reads a blob's header: checks version, suite and type, and returns the type and key id.
 * Does not check the body. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_blob_inspect(int *type, uint8_t key_id[CLOAK_KEYIDBYTES],
                                                    const uint8_t *blob, size_t blob_len);

/* Text form: "cloak-<type>-" followed by unpadded base64url of blob || 4-byte checksum.
 * cloak_text_encoded_len() is an upper bound over all type names, including the terminating NUL
 * that cloak_text_encode() writes; *text_len gets the exact length, without the NUL. */
CLOAK_EXPORT size_t cloak_text_encoded_len(size_t blob_len);
CLOAK_EXPORT size_t cloak_text_decoded_maxlen(size_t text_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_text_encode(char *text, size_t text_cap, size_t *text_len,
                                                   const uint8_t *blob, size_t blob_len);
/* Accepts surrounding whitespace; refuses anything else that is not canonical. The type named by
 * the prefix must be the blob's own. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_text_decode(uint8_t *blob, size_t blob_cap, size_t *blob_len,
                                                   const char *text, size_t text_len);

/* ------------------------------------------------------------------------------------------------
 * Symmetric keys
 * ---------------------------------------------------------------------------------------------- */

/* Key id of a master or vault key: reveals nothing about the key. */
CLOAK_EXPORT void cloak_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t key[CLOAK_KEYBYTES]);

/* A fresh random vault key. */
CLOAK_EXPORT void cloak_vault_key_generate(uint8_t vault_key[CLOAK_KEYBYTES]);

/* ------------------------------------------------------------------------------------------------
 * Password-derived keys (Argon2id)
 * ---------------------------------------------------------------------------------------------- */

/* A record with a fresh random salt and the given parameters (use the _DEFAULT macros). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_password_record_new(uint8_t record[CLOAK_PASSWORD_RECORDBYTES],
                                                           uint32_t memory_kib, uint32_t iterations,
                                                           uint32_t parallelism);
/* A record with a caller-supplied salt. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_password_record_encode(
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES], const uint8_t salt[CLOAK_PASSWORD_SALTBYTES],
    uint32_t memory_kib, uint32_t iterations, uint32_t parallelism);
/* Parses a record, refusing parameters outside the bounds. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_password_record_decode(
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES], uint32_t *memory_kib, uint32_t *iterations,
    uint32_t *parallelism, const uint8_t *record, size_t record_len);
/* Argon2id (with `parallelism` threads), then HKDF into the master key (wraps private keys) and the
 * login key (proves the password to the server; reveals nothing about the master key). The two
 * outputs must not overlap. The password (1 to CLOAK_PASSWORD_MAXBYTES bytes) and then the record
 * are checked before any memory is taken. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_password_derive(uint8_t master_key[CLOAK_KEYBYTES],
                                                       uint8_t login_key[CLOAK_KEYBYTES],
                                                       const uint8_t *password, size_t password_len,
                                                       const uint8_t *record, size_t record_len);

/* ------------------------------------------------------------------------------------------------
 * Identity keys (Ed25519) and encryption keys (X25519)
 * ---------------------------------------------------------------------------------------------- */

/* An identity secret key is opaque: use only what cloak_identity_keypair(), _from_seed() or
 * cloak_identity_unwrap() produced. Signing uses its public half as given (as libsodium does);
 * a key assembled by hand from a seed and another public key would leak the seed's scalar. */
CLOAK_EXPORT void cloak_identity_keypair(uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                         uint8_t secret_key[CLOAK_IDENTITY_SECRETKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_identity_keypair_from_seed(
    uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], uint8_t secret_key[CLOAK_IDENTITY_SECRETKEYBYTES],
    const uint8_t seed[CLOAK_IDENTITY_SEEDBYTES]);

/* Signs `message` under a caller context label (domain separation; it may be empty). Signatures
 * made here can never be mistaken for the library's own (bundles, shares, batches). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_identity_sign(uint8_t signature[CLOAK_SIGNATUREBYTES],
                                                     const uint8_t *message, size_t message_len,
                                                     const uint8_t *context, size_t context_len,
                                                     const uint8_t secret_key[CLOAK_IDENTITY_SECRETKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_identity_verify(const uint8_t signature[CLOAK_SIGNATUREBYTES],
                                                       const uint8_t *message, size_t message_len,
                                                       const uint8_t *context, size_t context_len,
                                                       const uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES]);

CLOAK_EXPORT void cloak_encryption_keypair(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                           uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES]);
/* RFC 9180 DeriveKeyPair for DHKEM(X25519, HKDF-SHA256); the seed needs at least 32 bytes of
 * entropy, and a shorter one is refused (CLOAK_E_BAD_PARAMS). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_encryption_keypair_from_seed(
    uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES], uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
    const uint8_t *seed, size_t seed_len);

/* Public keys as blobs (for the text form): type IDENTITY_PUBLIC_KEY or ENCRYPTION_PUBLIC_KEY. */
CLOAK_EXPORT void cloak_identity_public_export(uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES],
                                               const uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_identity_public_import(
    uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], const uint8_t *blob, size_t blob_len);
CLOAK_EXPORT void cloak_encryption_public_export(uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES],
                                                 const uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_encryption_public_import(
    uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES], const uint8_t *blob, size_t blob_len);

/* A member's public bundle: the identity key signs the encryption public key. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_bundle_create(uint8_t bundle[CLOAK_BUNDLEBYTES],
                                                     const uint8_t identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES],
                                                     const uint8_t encryption_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES]);
/* Verifies the bundle's signature and returns both public keys. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_bundle_verify(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                     uint8_t encryption_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                     const uint8_t *bundle, size_t bundle_len);

/* Fingerprint of an identity key for out-of-band comparison: six groups of five digits. */
CLOAK_EXPORT void cloak_identity_fingerprint(char text[CLOAK_FINGERPRINT_TEXTBYTES],
                                             const uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES]);
/* One code for a pair of users: the same whichever of the two computes it. */
CLOAK_EXPORT void cloak_identity_pair_code(char text[CLOAK_PAIR_CODE_TEXTBYTES],
                                           const uint8_t identity_public_key_a[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                           const uint8_t identity_public_key_b[CLOAK_IDENTITY_PUBLICKEYBYTES]);

/* ------------------------------------------------------------------------------------------------
 * Private-key wrapping under the master key
 * ---------------------------------------------------------------------------------------------- */

/* The blob's type says which kind of key it holds, and its associated data binds the public key:
 * a wrapped key cannot be passed off as another kind or moved onto another account. Unwrapping
 * checks that the private key matches the public key it carries. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_identity_wrap(uint8_t wrapped[CLOAK_WRAPPED_KEYBYTES],
                                                     const uint8_t master_key[CLOAK_KEYBYTES],
                                                     const uint8_t secret_key[CLOAK_IDENTITY_SECRETKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_identity_unwrap(uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                       uint8_t secret_key[CLOAK_IDENTITY_SECRETKEYBYTES],
                                                       const uint8_t master_key[CLOAK_KEYBYTES],
                                                       const uint8_t *wrapped, size_t wrapped_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_encryption_wrap(uint8_t wrapped[CLOAK_WRAPPED_KEYBYTES],
                                                       const uint8_t master_key[CLOAK_KEYBYTES],
                                                       const uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_encryption_unwrap(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                         uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                                                         const uint8_t master_key[CLOAK_KEYBYTES],
                                                         const uint8_t *wrapped, size_t wrapped_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_service_account_wrap(uint8_t wrapped[CLOAK_WRAPPED_KEYBYTES],
                                                            const uint8_t master_key[CLOAK_KEYBYTES],
                                                            const uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_service_account_unwrap(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                              uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                                                              const uint8_t master_key[CLOAK_KEYBYTES],
                                                              const uint8_t *wrapped, size_t wrapped_len);

/* The type and public key a wrapped key carries (parsed, not authenticated: only unwrapping proves
 * them), so a client can list keys without the master key. CLOAK_E_WRONG_TYPE for a blob that is
 * not a wrapped key. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_wrapped_key_public_key(uint8_t public_key[32], int *type,
                                                              const uint8_t *wrapped, size_t wrapped_len);

/* A service-account private key in the clear, for a CI variable or a key file (type
 * SERVICE_ACCOUNT_KEY). Import checks that the private key gives the public key. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_service_account_export(uint8_t blob[CLOAK_SERVICE_ACCOUNT_KEYBYTES],
                                                              const uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                              const uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_service_account_import(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                              uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                                                              const uint8_t *blob, size_t blob_len);

/* ------------------------------------------------------------------------------------------------
 * Vaults and secrets
 * ---------------------------------------------------------------------------------------------- */

/* Subkeys of one vault key, derived once and reused for any number of secrets. Caller-owned; wipe
 * it with cloak_vault_wipe() when done. Read-only after init, so one state may serve many threads. */
typedef struct cloak_vault {
    union {
        uint64_t align;
        unsigned char bytes[CLOAK_VAULT_STATEBYTES];
    } opaque;
} cloak_vault;

CLOAK_EXPORT CLOAK_NODISCARD int cloak_vault_init(cloak_vault *vault, const uint8_t vault_key[CLOAK_KEYBYTES],
                                                  const uint8_t *vault_id, size_t vault_id_len);
CLOAK_EXPORT void cloak_vault_wipe(cloak_vault *vault);
/* The id of the vault key this state holds (the key id its secrets carry). */
CLOAK_EXPORT void cloak_vault_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const cloak_vault *vault);

CLOAK_EXPORT size_t cloak_secret_sealed_len(size_t value_len);
/* The plaintext length of a sealed secret, or 0 if sealed_len is too short to be one. */
CLOAK_EXPORT size_t cloak_secret_opened_len(size_t sealed_len);

/* Seals `value` under the vault, bound to the vault id, the secret's name (non-empty) and an
 * optional caller context: opened with any other, it fails with CLOAK_E_AUTH. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_secret_seal(const cloak_vault *vault, uint8_t *sealed, size_t sealed_cap,
                                                   size_t *sealed_len, const uint8_t *name, size_t name_len,
                                                   const uint8_t *context, size_t context_len,
                                                   const uint8_t *value, size_t value_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_secret_open(const cloak_vault *vault, uint8_t *value, size_t value_cap,
                                                   size_t *value_len, const uint8_t *name, size_t name_len,
                                                   const uint8_t *context, size_t context_len,
                                                   const uint8_t *sealed, size_t sealed_len);
/* Opens a secret under `from` and seals it under `to` (vault key rotation) without the plaintext
 * leaving the library. The output has the same length as the input. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_secret_reseal(const cloak_vault *from, const cloak_vault *to,
                                                     uint8_t *resealed, size_t resealed_cap, size_t *resealed_len,
                                                     const uint8_t *name, size_t name_len,
                                                     const uint8_t *context, size_t context_len,
                                                     const uint8_t *sealed, size_t sealed_len);

/* Keyed blind index of a secret name: the server can look a secret up by it, but cannot test
 * guesses of names without the vault key. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_vault_blind_index(const cloak_vault *vault,
                                                         uint8_t index[CLOAK_BLIND_INDEXBYTES],
                                                         const uint8_t *name, size_t name_len);

/* ------------------------------------------------------------------------------------------------
 * Vault-key shares (HPKE Base to the member's encryption key, signed by the sharer's identity)
 * ---------------------------------------------------------------------------------------------- */

CLOAK_EXPORT CLOAK_NODISCARD int cloak_share_seal(uint8_t share[CLOAK_SHAREBYTES],
                                                  const uint8_t vault_key[CLOAK_KEYBYTES],
                                                  const uint8_t *vault_id, size_t vault_id_len,
                                                  const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                  const uint8_t sender_identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES]);
/* The identity that signed a share (parsed, not verified), to find whom to trust. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_share_sender(uint8_t sender_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                    const uint8_t *share, size_t share_len);
/* Verifies the signature against the trusted sender identity, then opens the vault key. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_share_open(uint8_t vault_key[CLOAK_KEYBYTES],
                                                  const uint8_t *share, size_t share_len,
                                                  const uint8_t *vault_id, size_t vault_id_len,
                                                  const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                  const uint8_t recipient_secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                                                  const uint8_t trusted_sender_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES]);

/* ------------------------------------------------------------------------------------------------
 * Service-account batches
 *
 * One HPKE encapsulation to the account's public key per batch. Each item opens on its own, in any
 * order, bound to the account, the batch, its index and the secret's name (carried inside it). The
 * batch blob holds a manifest of every item's digest, signed by the creator's identity: a thief of
 * the account's private key can read the batch but cannot add or alter an item.
 *
 * Writer: cloak_batch_begin(); cloak_batch_seal_item() per secret, keeping each item's digest in
 * order; cloak_batch_finish() with the digests, which signs. A secret added later goes in a new batch
 * of one item.
 * Reader: cloak_batch_verify() once, then cloak_batch_open_item() per item, passing the very bytes
 * that were verified (keep them; do not fetch the batch again: open_item checks the batch's length
 * and signature, not its whole manifest again, which would cost O(n) per item).
 * A writer state must not be copied: two copies would seal different items under one nonce.
 * ---------------------------------------------------------------------------------------------- */

typedef struct cloak_batch {
    union {
        uint64_t align;
        unsigned char bytes[CLOAK_BATCH_STATEBYTES];
    } opaque;
} cloak_batch;

CLOAK_EXPORT size_t cloak_batch_item_len(size_t name_len, size_t value_len);
/* The value_cap cloak_batch_open_item() needs for an item of item_len bytes: item_len - 56 (the
 * plaintext is decrypted in place, one byte more than name + value), or 0 if item_len is too short. */
CLOAK_EXPORT size_t cloak_batch_item_opened_maxlen(size_t item_len);
CLOAK_EXPORT size_t cloak_batch_len(size_t vault_id_len, size_t item_count);

CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_begin(cloak_batch *batch,
                                                   const uint8_t account_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                   const uint8_t *vault_id, size_t vault_id_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_seal_item(cloak_batch *batch, uint8_t *item, size_t item_cap,
                                                       size_t *item_len, uint8_t digest[CLOAK_BATCH_DIGESTBYTES],
                                                       const uint8_t *name, size_t name_len,
                                                       const uint8_t *value, size_t value_len);
/* `digests` holds the digests of every item sealed so far, in order (item_count * 32 bytes). Wipes
 * the writer state whether it succeeds or not. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_finish(cloak_batch *batch, uint8_t *out, size_t out_cap, size_t *out_len,
                                                    const uint8_t *digests, size_t item_count,
                                                    const uint8_t creator_identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES]);

/* The identity a batch claims as its creator and an item's index (parsed, not verified), e.g. to
 * tell a user whose fingerprint to check, or to notice a repeated item. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_sender(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                    const uint8_t *batch_blob, size_t batch_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_item_index(uint32_t *index, const uint8_t *item, size_t item_len);

/* Checks the batch's signer against `trusted` (trusted_count identity public keys, 32 bytes each),
 * verifies the signature, and opens the encapsulation into the reader state. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_verify(cloak_batch *reader, const uint8_t *batch_blob, size_t batch_len,
                                                    const uint8_t account_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                    const uint8_t account_secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                                                    const uint8_t *trusted, size_t trusted_count);
/* The number of items the verified batch lists, and the identity that signed it. */
CLOAK_EXPORT size_t cloak_batch_item_count(const cloak_batch *reader);
CLOAK_EXPORT void cloak_batch_signer(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                     const cloak_batch *reader);
/* Opens one item: its digest must be the one the verified manifest lists at its index. Writes the
 * secret's name and value. If expected_name is not NULL, an item for another name fails with
 * CLOAK_E_MISMATCH. value_cap must be at least cloak_batch_item_opened_maxlen(item_len), and
 * name_cap at least CLOAK_MAX_LABELBYTES (or the item's name length, or expected_name_len when a
 * name is expected); both are checked before decrypting (CLOAK_E_BUFFER_TOO_SMALL). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_open_item(const cloak_batch *reader, const uint8_t *batch_blob,
                                                       size_t batch_len, const uint8_t *item, size_t item_len,
                                                       const uint8_t *expected_name, size_t expected_name_len,
                                                       uint8_t *name, size_t name_cap, size_t *name_len,
                                                       uint8_t *value, size_t value_cap, size_t *value_len);
CLOAK_EXPORT void cloak_batch_wipe(cloak_batch *batch);

/* ------------------------------------------------------------------------------------------------
 * HPKE (RFC 9180): DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305, Base mode
 * ---------------------------------------------------------------------------------------------- */

#define CLOAK_HPKE_ENCBYTES 32U
#define CLOAK_HPKE_TAGBYTES 16U
CLOAK_EXPORT size_t cloak_hpke_encbytes(void);
CLOAK_EXPORT size_t cloak_hpke_tagbytes(void);

typedef struct cloak_hpke_context {
    union {
        uint64_t align;
        unsigned char bytes[CLOAK_HPKE_CONTEXTBYTES];
    } opaque;
} cloak_hpke_context;

/* DeriveKeyPair is cloak_encryption_keypair_from_seed(). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_hpke_setup_sender(cloak_hpke_context *ctx, uint8_t enc[CLOAK_HPKE_ENCBYTES],
                                                         const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                         const uint8_t *info, size_t info_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_hpke_setup_recipient(cloak_hpke_context *ctx, const uint8_t enc[CLOAK_HPKE_ENCBYTES],
                                                            const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                            const uint8_t recipient_secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                                                            const uint8_t *info, size_t info_len);
/* ciphertext receives plaintext_len + CLOAK_HPKE_TAGBYTES bytes. Each call advances the sequence
 * number; a context refuses to wrap it (CLOAK_E_BAD_PARAMS). A failed open does not advance it. A
 * ciphertext shorter than CLOAK_HPKE_TAGBYTES is CLOAK_E_MALFORMED. Only a sender's context seals
 * and only a recipient's opens (a recipient that sealed would reuse the sender's nonces); a wiped
 * context does neither (CLOAK_E_BAD_PARAMS). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_hpke_seal(cloak_hpke_context *ctx, uint8_t *ciphertext,
                                                 const uint8_t *aad, size_t aad_len,
                                                 const uint8_t *plaintext, size_t plaintext_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_hpke_open(cloak_hpke_context *ctx, uint8_t *plaintext,
                                                 const uint8_t *aad, size_t aad_len,
                                                 const uint8_t *ciphertext, size_t ciphertext_len);
/* Export (RFC 9180 section 5.3); out_len at most 8160, and out must not overlap exporter_context. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_hpke_export(const cloak_hpke_context *ctx, uint8_t *out, size_t out_len,
                                                   const uint8_t *exporter_context, size_t exporter_context_len);
CLOAK_EXPORT void cloak_hpke_context_wipe(cloak_hpke_context *ctx);

/* Single-shot Base mode. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_hpke_seal_base(uint8_t enc[CLOAK_HPKE_ENCBYTES], uint8_t *ciphertext,
                                                      const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                      const uint8_t *info, size_t info_len,
                                                      const uint8_t *aad, size_t aad_len,
                                                      const uint8_t *plaintext, size_t plaintext_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_hpke_open_base(uint8_t *plaintext, const uint8_t enc[CLOAK_HPKE_ENCBYTES],
                                                      const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                      const uint8_t recipient_secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                                                      const uint8_t *info, size_t info_len,
                                                      const uint8_t *aad, size_t aad_len,
                                                      const uint8_t *ciphertext, size_t ciphertext_len);

#ifdef __cplusplus
}
#endif

#endif /* CLOAK_H */

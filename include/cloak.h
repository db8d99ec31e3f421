/*
 * libcloak: the cryptographic core of an end-to-end encrypted secrets manager.
 *
 * Every function is a pure operation over caller-owned byte buffers: no I/O, no heap allocation
 * (Argon2id's working memory aside), no global state beyond cloak_init(). Functions that take no
 * caller-owned state are thread-safe and re-entrant. The states say what holds for each: a
 * cloak_vault and a verified cloak_head are read-only (any number of threads); a batch writer takes
 * concurrent cloak_batch_seal_item() calls (each reserves its index atomically; the WebAssembly
 * build has one thread, and the same code runs there); a batch reader, once checked, opens different
 * items from several threads at once; begin, finish, verify, check and wipe are not concurrent with
 * anything on their state; an HPKE context is used by one thread at a time. A state records its own
 * address at init and refuses to run when copied or moved, and in the child of a fork() made after
 * it was set up (CLOAK_E_BAD_STATE): set states up again in the child. A copy written back over the
 * state's own address cannot be told apart: never restore a state from a snapshot (a batch writer
 * or an HPKE sender would seal under nonces it has already used).
 *
 * Order of calls
 * --------------
 *   cloak_init()                                   once per process, before anything else
 *
 *   Registration (Alice):
 *     cloak_password_record_new()                  random salt + Argon2id parameters, stored by the server
 *     cloak_account_secret_key_generate()          the account secret key, kept on the device and in a kit
 *     cloak_password_derive()                      password + secret key -> master key + login key
 *     cloak_identity_keypair()                     Ed25519 identity
 *     cloak_encryption_keypair()                   X25519 encryption key pair
 *     cloak_bundle_create()                        identity signs the encryption public key
 *     cloak_identity_wrap() / cloak_encryption_wrap()   private keys under the master key
 *
 *   Vaults and secrets:
 *     cloak_vault_key_generate()                   a random 32-byte vault key
 *     cloak_share_seal() / cloak_share_open()      the vault key and its epoch to a member (HPKE, signed)
 *     cloak_vault_init()                           subkeys of one epoch's key, derived once
 *     cloak_secret_seal() / cloak_secret_open()    one secret under the vault, bound to its name
 *     cloak_vault_blind_index()                    keyed index of a secret name for the server
 *     cloak_secret_reseal()                        move a secret to a rotated vault key
 *
 *   Vault heads (every change to secrets, roster or epoch is a new signed version):
 *     cloak_merkle_leaf() / cloak_merkle_root()    commit to every secret (sorted by blind index)
 *     cloak_roster_entry() / cloak_head_create()   the next head, signed by a member with the right
 *     cloak_head_verify_first() / _verify_next()   follow the chain from a trusted head
 *     cloak_head_check()                           minimums and expiry
 *     cloak_merkle_verify_inclusion() / _absence() one secret is current, or a name is absent
 *
 *   Service accounts:
 *     cloak_encryption_keypair()                   anywhere; only the public key travels
 *     cloak_service_account_wrap()                 its private key under the creator's master key
 *     cloak_service_account_private_export()       its private key in the clear, for the CI machine
 *     cloak_batch_begin() / _seal_item() / _finish()      re-encrypt secrets for the account
 *     cloak_service_account_private_import()       on the CI machine
 *     cloak_service_account_credential()           what it shows a server (which keeps its _verifier())
 *     cloak_batch_count() / _verify() / _check() / _open_item()   the account side
 *
 * Conventions
 * -----------
 * - Every fallible function returns 0 (CLOAK_OK) or a negative cloak_status, and is marked
 *   warn_unused_result. On failure every output buffer is zeroed: nothing partial escapes.
 * - Outputs must not overlap inputs or each other, except where a function allows it (sealing in
 *   place): an overlap is refused (CLOAK_E_BAD_PARAMS). The batch readers then leave every buffer
 *   untouched; the secret functions still clear their output.
 * - Inputs must not change while a function runs (memory another thread or process writes): most
 *   functions read an input more than once. cloak_batch_verify() alone reads each byte of its blob
 *   once, so a blob in shared memory cannot give its reader an unsigned field.
 * - Fixed sizes are macros, next to the functions that use them, each with a twin function
 *   (CLOAK_KEYBYTES / cloak_keybytes()) for bindings in the last section. Bounds end in _MAX.
 *   Variable sizes have length helpers (cloak_secret_sealed_len()).
 * - Blobs are the versioned, typed envelope of docs/protocol.md. cloak_text_encode() gives any blob a
 *   checksummed text form for copy and paste.
 * - Identifiers, names and contexts are byte strings of at most CLOAK_LABELBYTES_MAX bytes.
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

/* Semantic version of the library; the SONAME follows the major version. Written once, in
 * meson.build, and copied here by tools/apigen.py. */
/* BEGIN generated by tools/apigen.py from meson.build: do not edit */
#define CLOAK_VERSION_MAJOR 0
#define CLOAK_VERSION_MINOR 1
#define CLOAK_VERSION_PATCH 0
#define CLOAK_VERSION_STRING "0.1.0"
/* END generated */

CLOAK_EXPORT const char *cloak_version_string(void);
CLOAK_EXPORT int cloak_version_major(void);
CLOAK_EXPORT int cloak_version_minor(void);
CLOAK_EXPORT int cloak_version_patch(void);

/* ------------------------------------------------------------------------------------------------
 * Status codes
 * ---------------------------------------------------------------------------------------------- */

typedef enum cloak_status {
    /* Success. */
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
    /* A key was rejected: a public key of small order or that gives an all-zero shared secret, or an
     * identity secret key whose public half is not its seed's. */
    CLOAK_E_INVALID_KEY = -11,
    /* The checksum of a text form does not match: a copy and paste error. */
    CLOAK_E_CHECKSUM = -12,
    /* It does not belong where the caller uses it: another vault, epoch or batch, a head that does
     * not descend from the caller's (a fork or a gap), or a Merkle proof that does not hold. */
    CLOAK_E_MISMATCH = -13,
    /* Argon2id could not get its working memory. */
    CLOAK_E_NOMEM = -14,
    /* The library could not initialise, or a system facility (threads) failed. */
    CLOAK_E_INTERNAL = -15,
    /* Authentic, but older than the caller's minimum: an epoch or head version below one it has
     * already seen. */
    CLOAK_E_STALE = -16,
    /* Authentic, but past its expiry time. */
    CLOAK_E_EXPIRED = -17,
    /* A caller-owned state was copied, wiped, never initialised, or used in a role it was not set up
     * for. */
    CLOAK_E_BAD_STATE = -18,
    /* A password record asks for less Argon2id work than the caller's policy requires, or for more
     * than it allows: a server cheapening offline guessing or stalling the client. */
    CLOAK_E_WEAK_PARAMS = -19,
    /* Refused by the vault's policy: an X25519 key, share or batch in a vault that its head makes
     * post-quantum only. */
    CLOAK_E_POLICY = -20
} cloak_status;

/* A short English sentence for a status code; never NULL, never contains data. */
CLOAK_EXPORT const char *cloak_status_string(int status);

/* Initialises the library (libsodium's CPU detection and random source). Call once before any
 * other function; safe to call again and from several threads. Returns CLOAK_OK or
 * CLOAK_E_INTERNAL. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_init(void);

/* ------------------------------------------------------------------------------------------------
 * Envelope and text form
 * ---------------------------------------------------------------------------------------------- */

#define CLOAK_HEADERBYTES 20U              /* envelope header of every blob */
#define CLOAK_KEYIDBYTES 16U               /* short key id carried by every blob */
#define CLOAK_LABELBYTES_MAX 255U          /* vault ids, secret names, contexts */

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
    CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY = 0x0C,
    CLOAK_TYPE_VAULT_HEAD = 0x0D
} cloak_object_type;

/* Suites (bytes 2 and 3 of every blob). Suite 1 shares by HPKE with DHKEM(X25519, HKDF-SHA256);
 * suite 2 by HPKE with X-Wing (MLKEM768-X25519, KEM 0x647a), the post-quantum hybrid. Both use
 * HKDF-SHA256, ChaCha20Poly1305, Ed25519 and the rest of docs/protocol.md alike. An object that
 * carries or is sealed to an encryption key has the suite of that key; every other object suite 1. */
#define CLOAK_SUITE_X25519 1U
#define CLOAK_SUITE_XWING 2U

/* Reads a blob's header: checks version, suite and type, and returns the type and key id.
 * Does not check the body. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_blob_inspect(int *type, uint8_t key_id[CLOAK_KEYIDBYTES],
                                                    const uint8_t *blob, size_t blob_len);
/* The suite of a blob (after the same checks as cloak_blob_inspect), to pick the functions that read
 * it: CLOAK_SUITE_X25519 or CLOAK_SUITE_XWING. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_blob_suite(uint32_t *suite, const uint8_t *blob, size_t blob_len);

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

#define CLOAK_KEYBYTES 32U                 /* master, login and vault keys */

/* Key id of a master or vault key: reveals nothing about the key. */
CLOAK_EXPORT void cloak_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t key[CLOAK_KEYBYTES]);

/* A fresh random vault key. */
CLOAK_EXPORT void cloak_vault_key_generate(uint8_t vault_key[CLOAK_KEYBYTES]);

/* ------------------------------------------------------------------------------------------------
 * Password-derived keys (Argon2id)
 * ---------------------------------------------------------------------------------------------- */

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
#define CLOAK_PASSWORDBYTES_MAX 4096U

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

/* The client's cost policy: the Argon2id costs it accepts from a record the server serves, so that
 * a hostile server can neither cheapen offline guessing (floor) nor stall the client (ceiling).
 * Six big-endian 32-bit values, in this order: memory minimum (KiB), cost floor (memory KiB x
 * passes), memory maximum (KiB), cost ceiling (memory KiB x passes), passes maximum, lanes
 * maximum. Bytes, not a struct, so that every binding passes it as it passes a key.
 *
 * The defaults accept the default record and anything an attacker pays more for (256 MiB with one
 * pass passes the floor), and at most four times the default cost. An application that must read
 * records below them builds a lower policy explicitly (cloak_password_policy_init()); the
 * upgrade path is cloak_password_derive() under that legacy policy, then cloak_wrapped_key_rewrap()
 * to a new record's keys. */
#define CLOAK_PASSWORD_POLICYBYTES 24U
#define CLOAK_PASSWORD_POLICY_MEMORY_KIB_MIN 65536U      /* 64 MiB */
#define CLOAK_PASSWORD_POLICY_COST_MIN 196608U           /* 64 MiB x 3 passes */
#define CLOAK_PASSWORD_POLICY_MEMORY_KIB_MAX 262144U     /* 256 MiB */
#define CLOAK_PASSWORD_POLICY_COST_MAX 786432U           /* 256 MiB x 3 passes: 4 x the default */
#define CLOAK_PASSWORD_POLICY_ITERATIONS_MAX 12U
#define CLOAK_PASSWORD_POLICY_PARALLELISM_MAX 8U

/* The library's default policy (the _POLICY_ macros). */
CLOAK_EXPORT void cloak_password_policy_default(uint8_t policy[CLOAK_PASSWORD_POLICYBYTES]);
/* A policy with the given bounds. Refused (CLOAK_E_BAD_PARAMS) unless every value lies within the
 * record's hard bounds, each minimum is at most its maximum (memory_kib_min <= memory_kib_max,
 * cost_min <= cost_max) and at least one record passes it (for some pass count up to
 * iterations_max, memory within [memory_kib_min, memory_kib_max] gives a cost within
 * [cost_min, cost_max]). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_password_policy_init(uint8_t policy[CLOAK_PASSWORD_POLICYBYTES],
                                                            uint32_t memory_kib_min, uint32_t cost_min,
                                                            uint32_t memory_kib_max, uint32_t cost_max,
                                                            uint32_t iterations_max, uint32_t parallelism_max);
/* Checks a record against a policy (NULL: the default policy) without deriving anything: CLOAK_OK,
 * CLOAK_E_WEAK_PARAMS (memory or memory x passes below the floor, or memory, memory x passes,
 * passes or lanes above the ceiling), or the record's own refusal (CLOAK_E_MALFORMED,
 * CLOAK_E_BAD_PARAMS, ...). A malformed policy is CLOAK_E_BAD_PARAMS. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_password_record_check(const uint8_t *record, size_t record_len,
                                                             const uint8_t policy[CLOAK_PASSWORD_POLICYBYTES]);

/* The account secret key: 20 random bytes made on the user's first device and never sent to the
 * server. Mixed into the derivation after Argon2id, it makes the server's whole store useless for
 * guessing passwords. Losing it locks the account unless the application keeps a recovery path. */
#define CLOAK_ACCOUNT_SECRET_KEYBYTES 20U
/* Its text form, for an emergency kit: "CK1-" and eight groups of five Crockford base32 characters
 * joined by '-', which carry the key and a 40-bit checksum over the key and the account id. */
#define CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES 52U   /* 51 characters and a terminating NUL */
#define CLOAK_ACCOUNT_IDBYTES_MAX 255U

/* A fresh random account secret key. */
CLOAK_EXPORT void cloak_account_secret_key_generate(uint8_t secret_key[CLOAK_ACCOUNT_SECRET_KEYBYTES]);
/* The text form of a secret key for the account id (1 to CLOAK_ACCOUNT_IDBYTES_MAX bytes, the same
 * bytes given to cloak_password_derive()), NUL-terminated. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_account_secret_key_encode(
    char text[CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES], const uint8_t secret_key[CLOAK_ACCOUNT_SECRET_KEYBYTES],
    const uint8_t *account_id, size_t account_id_len);
/* Reads a text form as a person types it: letters in either case, I and L read as 1, O as 0,
 * groups joined by '-' or by nothing, surrounding whitespace ignored. CLOAK_E_MALFORMED for
 * anything else (another version included), CLOAK_E_CHECKSUM when the checksum does not match the
 * key and this account id (a typing error, or another account's key). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_account_secret_key_decode(
    uint8_t secret_key[CLOAK_ACCOUNT_SECRET_KEYBYTES], const char *text, size_t text_len,
    const uint8_t *account_id, size_t account_id_len);

/* Argon2id (with up to `parallelism` threads) over the password and a salt derived from the
 * record's salt and the account id, then HKDF over its output and the account secret key into the
 * master key (wraps private keys) and the login key (proves the password to the server; reveals
 * nothing about the master key). account_id (1 to CLOAK_ACCOUNT_IDBYTES_MAX bytes) is an id the
 * server cannot choose per victim: the normalised login the user types, or the id printed in the
 * emergency kit. secret_key is the account secret key (CLOAK_ACCOUNT_SECRET_KEYBYTES bytes), or
 * empty (NULL, 0) for an account without one: docs/threat-model.md says what that costs. policy is
 * NULL for the default policy. The two
 * outputs must not overlap. Everything, the record against the policy included
 * (CLOAK_E_WEAK_PARAMS), is checked before Argon2id takes any memory. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_password_derive(
    uint8_t master_key[CLOAK_KEYBYTES], uint8_t login_key[CLOAK_KEYBYTES], const uint8_t *password,
    size_t password_len, const uint8_t *account_id, size_t account_id_len,
    const uint8_t *secret_key, size_t secret_key_len, const uint8_t *record, size_t record_len,
    const uint8_t policy[CLOAK_PASSWORD_POLICYBYTES]);

/* The Argon2id implementation in use, for logs and benchmarks: for example "optimized (avx2)" or
 * "libargon2 (system)". Never NULL. */
CLOAK_EXPORT const char *cloak_password_kernel(void);

/* ------------------------------------------------------------------------------------------------
 * Identity keys (Ed25519) and encryption keys (X25519)
 * ---------------------------------------------------------------------------------------------- */

#define CLOAK_IDENTITY_PUBLICKEYBYTES 32U  /* Ed25519 public key */
#define CLOAK_IDENTITY_SECRETKEYBYTES 64U  /* Ed25519 seed followed by the public key; opaque */
#define CLOAK_IDENTITY_SEEDBYTES 32U
#define CLOAK_SIGNATUREBYTES 64U

#define CLOAK_ENCRYPTION_PUBLICKEYBYTES 32U /* X25519 public key */
#define CLOAK_ENCRYPTION_SECRETKEYBYTES 32U /* X25519 private key */
#define CLOAK_ENCRYPTION_SEEDBYTES 32U      /* input keying material of DeriveKeyPair */

#define CLOAK_PUBLIC_KEY_BLOBBYTES 52U      /* header + public key */
#define CLOAK_BUNDLEBYTES 148U              /* header + identity pk + encryption pk + signature */
#define CLOAK_FINGERPRINT_TEXTBYTES 36U     /* "12345 12345 12345 12345 12345 12345" + NUL */
#define CLOAK_PAIR_CODE_TEXTBYTES 72U       /* 12 groups of five digits + NUL */

/* An identity secret key is the 32-byte seed followed by its public key. Every signing function
 * derives the public key from the seed and refuses a key whose second half differs
 * (CLOAK_E_INVALID_KEY): two signatures of one message under one seed with different public
 * halves would reveal the seed's scalar. */
CLOAK_EXPORT void cloak_identity_keypair(uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                         uint8_t secret_key[CLOAK_IDENTITY_SECRETKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_identity_keypair_from_seed(
    uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], uint8_t secret_key[CLOAK_IDENTITY_SECRETKEYBYTES],
    const uint8_t seed[CLOAK_IDENTITY_SEEDBYTES]);

/* Signs `message` under a caller context label (domain separation; it may be empty). Signatures
 * made here can never be mistaken for the library's own (bundles, shares, batches). Every signing
 * function checks that the secret key's public half is its seed's (CLOAK_E_INVALID_KEY), and every
 * signature covers the signer's public key. */
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
 * entropy: 32 to 255 bytes, anything else is refused (CLOAK_E_BAD_PARAMS). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_encryption_keypair_from_seed(
    uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES], uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
    const uint8_t *seed, size_t seed_len);

/* Public keys as blobs (for the text form): type IDENTITY_PUBLIC_KEY or ENCRYPTION_PUBLIC_KEY.
 * Import refuses a non-canonical encoding (CLOAK_E_MALFORMED) and a key of small order
 * (CLOAK_E_INVALID_KEY), as every function does that takes a public key. */
CLOAK_EXPORT void cloak_identity_public_export(uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES],
                                               const uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_identity_public_import(
    uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], const uint8_t *blob, size_t blob_len);
CLOAK_EXPORT void cloak_encryption_public_export(uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES],
                                                 const uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_encryption_public_import(
    uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES], const uint8_t *blob, size_t blob_len);

/* X-Wing encryption keys (suite 2): the secret key is X-Wing's 32-byte seed (the HPKE private key
 * of KEM 0x647a, which SHAKE256 expands into the ML-KEM-768 and X25519 keys), the public key the
 * ML-KEM-768 encapsulation key followed by the X25519 public key. An X-Wing public key is checked
 * wherever it enters: FIPS 203's modulus check on the ML-KEM part (CLOAK_E_MALFORMED) and section 1.4
 * of docs/protocol.md on the X25519 part. Its key hash (SHA-256 of a label and the key, of which the
 * key id is the first 16 bytes) stands for it where 1216 bytes would not fit: in HPKE infos, signed
 * contents and roster entries. */
#define CLOAK_XWING_PUBLICKEYBYTES 1216U    /* ML-KEM-768 encapsulation key (1184) || X25519 (32) */
#define CLOAK_XWING_SECRETKEYBYTES 32U      /* X-Wing seed */
#define CLOAK_XWING_SEEDBYTES 32U           /* input keying material of DeriveKeyPair, at least */
#define CLOAK_XWING_KEYHASHBYTES 32U
#define CLOAK_XWING_PUBLIC_KEY_BLOBBYTES 1236U /* header + public key */
#define CLOAK_XWING_BUNDLEBYTES 1332U       /* header + identity pk + X-Wing pk + signature */

CLOAK_EXPORT void cloak_xwing_keypair(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                      uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES]);
/* HPKE's DeriveKeyPair for KEM 0x647a (draft-ietf-hpke-pq, as Go's crypto/hpke): the seed is 32 to 255
 * bytes (CLOAK_E_BAD_PARAMS otherwise). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_xwing_keypair_from_seed(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                                               uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES],
                                                               const uint8_t *seed, size_t seed_len);
/* The public key of an X-Wing secret key (the seed's expansion). */
CLOAK_EXPORT void cloak_xwing_public_key(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                         const uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES]);
/* The key hash of an X-Wing public key (checked first). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_xwing_key_hash(uint8_t key_hash[CLOAK_XWING_KEYHASHBYTES],
                                                      const uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES]);
/* Public key blob of type ENCRYPTION_PUBLIC_KEY, suite 2. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_xwing_public_export(uint8_t blob[CLOAK_XWING_PUBLIC_KEY_BLOBBYTES],
                                                           const uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_xwing_public_import(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                                           const uint8_t *blob, size_t blob_len);

/* A member's public bundle: the identity key signs the encryption public key. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_bundle_create(uint8_t bundle[CLOAK_BUNDLEBYTES],
                                                     const uint8_t identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES],
                                                     const uint8_t encryption_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES]);
/* Verifies the bundle's signature and returns both public keys. A bundle of suite 2 (check with
 * cloak_blob_suite) is CLOAK_E_UNSUPPORTED_SUITE here: read it with cloak_bundle_verify_xwing. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_bundle_verify(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                     uint8_t encryption_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                     const uint8_t *bundle, size_t bundle_len);
/* The same for a member whose encryption key is an X-Wing key (suite 2). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_bundle_create_xwing(uint8_t bundle[CLOAK_XWING_BUNDLEBYTES],
                                                           const uint8_t identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES],
                                                           const uint8_t encryption_public_key[CLOAK_XWING_PUBLICKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_bundle_verify_xwing(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                           uint8_t encryption_public_key[CLOAK_XWING_PUBLICKEYBYTES],
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

#define CLOAK_WRAPPED_KEYBYTES 124U         /* header + pk + nonce + sealed private key */
#define CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES 84U  /* header + private key + public key (plain export) */
#define CLOAK_WRAPPED_KEY_PUBLICKEYBYTES 32U /* the public key a wrapped key carries (identity or encryption) */

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
CLOAK_EXPORT CLOAK_NODISCARD int cloak_wrapped_key_public_key(uint8_t public_key[CLOAK_WRAPPED_KEY_PUBLICKEYBYTES], int *type,
                                                              const uint8_t *wrapped, size_t wrapped_len);

/* Moves a wrapped key (identity, encryption or service account) from one master key to another
 * without handing the private key to the caller: for a password change, or for the upgrade of an
 * account whose record is below a raised policy floor (derive under the legacy policy, make a new
 * record, derive again, re-wrap every key). The result has the same type and public key under a
 * fresh nonce. The two master keys must differ (CLOAK_E_BAD_PARAMS). A wrapped key made under
 * another master key is CLOAK_E_WRONG_KEY, a forged or damaged one CLOAK_E_AUTH; on any failure the
 * output is zeroed. The output must not overlap the input (CLOAK_E_BAD_PARAMS, and then nothing is
 * written): a failed re-wrap in place would destroy the caller's only copy. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_wrapped_key_rewrap(uint8_t rewrapped[CLOAK_WRAPPED_KEYBYTES],
                                                          const uint8_t old_master_key[CLOAK_KEYBYTES],
                                                          const uint8_t new_master_key[CLOAK_KEYBYTES],
                                                          const uint8_t *wrapped, size_t wrapped_len);

/* X-Wing keys (suite 2) wrapped and exported alike: the blob carries the 1216-byte public key where
 * an X25519 one carries 32 bytes; the private key is the 32-byte seed. cloak_wrapped_key_rewrap and
 * cloak_wrapped_key_public_key read suite 1 blobs; their _xwing forms read suite 2 ones. */
#define CLOAK_XWING_WRAPPED_KEYBYTES 1308U                 /* header + pk + nonce + sealed seed */
#define CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES 1268U /* header + seed + public key */

CLOAK_EXPORT CLOAK_NODISCARD int cloak_xwing_wrap(uint8_t wrapped[CLOAK_XWING_WRAPPED_KEYBYTES],
                                                  const uint8_t master_key[CLOAK_KEYBYTES],
                                                  const uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_xwing_unwrap(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                                    uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES],
                                                    const uint8_t master_key[CLOAK_KEYBYTES],
                                                    const uint8_t *wrapped, size_t wrapped_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_service_account_xwing_wrap(uint8_t wrapped[CLOAK_XWING_WRAPPED_KEYBYTES],
                                                                  const uint8_t master_key[CLOAK_KEYBYTES],
                                                                  const uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_service_account_xwing_unwrap(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                                                    uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES],
                                                                    const uint8_t master_key[CLOAK_KEYBYTES],
                                                                    const uint8_t *wrapped, size_t wrapped_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_wrapped_key_public_key_xwing(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES], int *type,
                                                                    const uint8_t *wrapped, size_t wrapped_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_wrapped_key_rewrap_xwing(uint8_t rewrapped[CLOAK_XWING_WRAPPED_KEYBYTES],
                                                                const uint8_t old_master_key[CLOAK_KEYBYTES],
                                                                const uint8_t new_master_key[CLOAK_KEYBYTES],
                                                                const uint8_t *wrapped, size_t wrapped_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_service_account_xwing_private_export(
    uint8_t blob[CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES], const uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
    const uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_service_account_xwing_private_import(
    uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES], uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES],
    const uint8_t *blob, size_t blob_len);

/* A service-account private key in the clear, for a CI variable or a key file (type
 * SERVICE_ACCOUNT_KEY). Import checks that the private key gives the public key. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_service_account_private_export(uint8_t blob[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES],
                                                              const uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                              const uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_service_account_private_import(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                              uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                                                              const uint8_t *blob, size_t blob_len);

/* The access credential a service account presents to a server (docs/protocol.md section 9.4):
 * derived from its private key under a label of its own, so a server or a log that sees it learns
 * nothing that opens a batch, and the one secret a CI runner holds (the exported private key) is
 * also its login. It is a bearer secret: send it only over TLS. An X-Wing public key is checked first
 * (section 1.6: CLOAK_E_MALFORMED or CLOAK_E_INVALID_KEY), then that the private key gives the
 * public key (CLOAK_E_MISMATCH), so no credential is made for a key id the caller does not hold. On
 * any failure the credential is zeroed; an output that overlaps an input is CLOAK_E_BAD_PARAMS with
 * nothing written. Rotating the account's key changes its credential. */
#define CLOAK_CREDENTIALBYTES 32U          /* a service account's access credential (secret) */
#define CLOAK_CREDENTIAL_VERIFIERBYTES 32U /* its verifier, what a server stores (public) */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_service_account_credential(uint8_t credential[CLOAK_CREDENTIALBYTES],
                                                                  const uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                                  const uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_service_account_xwing_credential(uint8_t credential[CLOAK_CREDENTIALBYTES],
                                                                        const uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                                                        const uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES]);
/* What a server stores in place of the credential, and compares in constant time with the verifier
 * of the credential it receives: a copy of the server's database alone does not let anyone act as
 * the account. A NULL credential gives an all-zero verifier; it may be computed in place. */
CLOAK_EXPORT void cloak_service_account_credential_verifier(uint8_t verifier[CLOAK_CREDENTIAL_VERIFIERBYTES],
                                                            const uint8_t credential[CLOAK_CREDENTIALBYTES]);

/* ------------------------------------------------------------------------------------------------
 * Vaults and secrets
 * ---------------------------------------------------------------------------------------------- */

/* Caller-owned state size (opaque, 8-byte aligned). */
#define CLOAK_VAULT_STATEBYTES 512U
#define CLOAK_BLIND_INDEXBYTES 32U

/* Subkeys of one vault key and its epoch (1 for a vault's first key, +1 at each rotation), derived
 * once and reused for any number of secrets. Caller-owned; wipe it with cloak_vault_wipe() when done.
 * Read-only after init, so one state may serve many threads. */
typedef struct cloak_vault {
    union {
        uint64_t align;
        unsigned char bytes[CLOAK_VAULT_STATEBYTES];
    } opaque;
} cloak_vault;

/* epoch 0 is CLOAK_E_BAD_PARAMS. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_vault_init(cloak_vault *vault, const uint8_t vault_key[CLOAK_KEYBYTES],
                                                  uint32_t epoch, const uint8_t *vault_id, size_t vault_id_len);
CLOAK_EXPORT void cloak_vault_wipe(cloak_vault *vault);
/* The id of the vault key this state holds (the key id its secrets carry). */
CLOAK_EXPORT void cloak_vault_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const cloak_vault *vault);
/* The epoch the state was initialised with (0 for a state that is not initialised). */
CLOAK_EXPORT uint32_t cloak_vault_epoch(const cloak_vault *vault);

/* A sealed secret's length: the value is padded (64 bytes at least, then Padme, at most 12% more),
 * so values of nearby lengths give blobs of one length. 0 if value_len is too large. */
CLOAK_EXPORT size_t cloak_secret_sealed_len(size_t value_len);
/* The largest value a sealed secret of sealed_len bytes can hold (the value_cap open needs), or 0
 * if no sealed secret has that length. */
CLOAK_EXPORT size_t cloak_secret_opened_len(size_t sealed_len);

/* Seals `value` under the vault and its epoch, bound to the vault id, the secret's name (non-empty)
 * and an optional caller context: opened with any other, it fails with CLOAK_E_AUTH. Opening checks
 * the key id (CLOAK_E_WRONG_KEY) and that the blob's epoch is the state's (CLOAK_E_MISMATCH). */
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

#define CLOAK_SHAREBYTES 200U /* header + sender + epoch + enc + sealed vault key + signature */

/* The vault key and its epoch, for one member. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_share_seal(uint8_t share[CLOAK_SHAREBYTES],
                                                  const uint8_t vault_key[CLOAK_KEYBYTES], uint32_t epoch,
                                                  const uint8_t *vault_id, size_t vault_id_len,
                                                  const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                  const uint8_t sender_identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES]);
/* A share to a member's X-Wing key (suite 2): the same object with a 1120-byte encapsulation. */
#define CLOAK_XWING_SHAREBYTES 1288U
CLOAK_EXPORT CLOAK_NODISCARD int cloak_share_seal_xwing(uint8_t share[CLOAK_XWING_SHAREBYTES],
                                                        const uint8_t vault_key[CLOAK_KEYBYTES], uint32_t epoch,
                                                        const uint8_t *vault_id, size_t vault_id_len,
                                                        const uint8_t recipient_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                                        const uint8_t sender_identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES]);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_share_open_xwing(uint8_t vault_key[CLOAK_KEYBYTES], uint32_t *epoch,
                                                        const uint8_t *share, size_t share_len,
                                                        const uint8_t *vault_id, size_t vault_id_len,
                                                        const uint8_t recipient_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                                        const uint8_t recipient_secret_key[CLOAK_XWING_SECRETKEYBYTES],
                                                        const uint8_t trusted_sender_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                        uint32_t min_epoch);
/* The identity that signed a share of either suite (parsed, not verified), to find whom to trust. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_share_sender(uint8_t sender_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                    const uint8_t *share, size_t share_len);
/* Verifies the signature against the trusted sender identity, refuses an epoch below min_epoch (the
 * highest the caller has seen, 1 if none: CLOAK_E_STALE), then opens the vault key. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_share_open(uint8_t vault_key[CLOAK_KEYBYTES], uint32_t *epoch,
                                                  const uint8_t *share, size_t share_len,
                                                  const uint8_t *vault_id, size_t vault_id_len,
                                                  const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                  const uint8_t recipient_secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                                                  const uint8_t trusted_sender_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                  uint32_t min_epoch);

/* ------------------------------------------------------------------------------------------------
 * Service-account batches
 *
 * A batch is a service account's snapshot of a vault at one head version: one HPKE encapsulation to
 * the account's public key, items that each open on their own, and a manifest of every item's
 * digest, signed by the creator's identity. It binds the vault id, the epoch, the head's version,
 * hash and expiry, the account's key and the creator (in the HPKE info and in the signature): a thief
 * of the account's private key can read a batch but cannot add, alter or repeat an item, and a batch
 * of another vault, an older epoch or head, or past its expiry is refused.
 *
 * Writer: cloak_batch_begin(); cloak_batch_seal_item() per secret (any number of threads at once on
 * one writer: each call reserves its own index), storing each digest at its index;
 * cloak_batch_finish() with the digests in index order, which signs.
 * Reader: cloak_batch_count() to size the tags, cloak_batch_verify() once (after it the blob is no
 * longer needed: each item's manifest entry is kept as a MAC tag under a key only the state holds),
 * cloak_batch_check() with the caller's minimums and clock, then cloak_batch_open_item() per item.
 * Each tag opens its item once: a repeated item is refused.
 * ---------------------------------------------------------------------------------------------- */

#define CLOAK_BATCH_DIGESTBYTES 32U /* one manifest entry */
#define CLOAK_BATCH_TAGBYTES 16U    /* one entry of the reader's tag array */
#define CLOAK_HEAD_HASHBYTES 32U    /* the hash of a vault head (see the vault head section) */
#define CLOAK_BATCH_ITEMS_MAX 1000000U
/* Caller-owned state size (opaque, 8-byte aligned). */
#define CLOAK_BATCH_STATEBYTES 2048U

typedef struct cloak_batch {
    union {
        uint64_t align;
        unsigned char bytes[CLOAK_BATCH_STATEBYTES];
    } opaque;
} cloak_batch;

/* An item's length: name and value are padded together (64 bytes at least, then Padme). 0 if too
 * large. */
CLOAK_EXPORT size_t cloak_batch_item_len(size_t name_len, size_t value_len);
/* The value_cap cloak_batch_open_item() needs for an item of item_len bytes, or 0 if no item has
 * that length. */
CLOAK_EXPORT size_t cloak_batch_item_opened_maxlen(size_t item_len);
CLOAK_EXPORT size_t cloak_batch_len(size_t vault_id_len, size_t item_count);
/* The length of a batch to an X-Wing key (suite 2): 1088 bytes more, for the encapsulation. */
CLOAK_EXPORT size_t cloak_batch_len_xwing(size_t vault_id_len, size_t item_count);
/* The size of the reader's tag array: CLOAK_BATCH_TAGBYTES per item. */
CLOAK_EXPORT size_t cloak_batch_tags_len(size_t item_count);

/* The creator is bound from the start (it is in the HPKE info); head_version >= 1, epoch >= 1. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_begin(cloak_batch *batch,
                                                   const uint8_t account_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                   const uint8_t creator_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                   const uint8_t *vault_id, size_t vault_id_len, uint32_t epoch,
                                                   uint64_t head_version,
                                                   const uint8_t head_hash[CLOAK_HEAD_HASHBYTES], uint64_t expiry);
/* The same for a service account whose key is an X-Wing key (suite 2); the rest of the writer is
 * the same. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_begin_xwing(cloak_batch *batch,
                                                         const uint8_t account_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                                         const uint8_t creator_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                         const uint8_t *vault_id, size_t vault_id_len, uint32_t epoch,
                                                         uint64_t head_version,
                                                         const uint8_t head_hash[CLOAK_HEAD_HASHBYTES], uint64_t expiry);
/* Checks everything before it reserves an index, so every reserved index is sealed. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_seal_item(cloak_batch *batch, uint8_t *item, size_t item_cap,
                                                       size_t *item_len, uint32_t *index,
                                                       uint8_t digest[CLOAK_BATCH_DIGESTBYTES],
                                                       const uint8_t *name, size_t name_len,
                                                       const uint8_t *value, size_t value_len);
/* `digests` holds every item's digest at its index (item_count * 32 bytes); item_count must be the
 * number of items sealed (CLOAK_E_BAD_PARAMS) and the key the creator given to begin
 * (CLOAK_E_MISMATCH). Wipes the writer state whether it succeeds or not. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_finish(cloak_batch *batch, uint8_t *out, size_t out_cap, size_t *out_len,
                                                    const uint8_t *digests, size_t item_count,
                                                    const uint8_t creator_identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES]);

/* Parsed, not verified: the item count (to size the tags) and the identity a batch claims as its
 * creator (to tell a user whose fingerprint to check), and an item's index. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_count(uint32_t *item_count, const uint8_t *blob, size_t blob_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_sender(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                    const uint8_t *blob, size_t blob_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_item_index(uint32_t *index, const uint8_t *item, size_t item_len);

/* Checks the key id, that the batch is of the expected vault (CLOAK_E_MISMATCH), its creator against
 * `trusted` (trusted_count identity public keys, 32 bytes each), the signature, and opens the
 * encapsulation into the reader state; writes one tag per item into `tags`
 * (cloak_batch_tags_len(n) bytes exactly). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_verify(cloak_batch *reader, uint8_t *tags, size_t tags_len,
                                                    const uint8_t *blob, size_t blob_len,
                                                    const uint8_t *vault_id, size_t vault_id_len,
                                                    const uint8_t account_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                                    const uint8_t account_secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                                                    const uint8_t *trusted, size_t trusted_count);
/* The same for a batch to an X-Wing key (suite 2); a suite 1 batch is CLOAK_E_UNSUPPORTED_SUITE
 * here, and a suite 2 batch there. The reader works alike after verification. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_verify_xwing(cloak_batch *reader, uint8_t *tags, size_t tags_len,
                                                          const uint8_t *blob, size_t blob_len,
                                                          const uint8_t *vault_id, size_t vault_id_len,
                                                          const uint8_t account_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                                          const uint8_t account_secret_key[CLOAK_XWING_SECRETKEYBYTES],
                                                          const uint8_t *trusted, size_t trusted_count);
/* Freshness, required before any item opens: an epoch below min_epoch or a head version below
 * min_head_version is CLOAK_E_STALE (pass the highest the caller has seen, or pinned: 1 if none), and
 * `now` (Unix seconds) past the batch's expiry is CLOAK_E_EXPIRED. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_check(cloak_batch *reader, uint32_t min_epoch,
                                                   uint64_t min_head_version, uint64_t now);
/* What a verified reader holds (zero for a state that is not one). */
CLOAK_EXPORT size_t cloak_batch_item_count(const cloak_batch *reader);
CLOAK_EXPORT void cloak_batch_signer(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                     const cloak_batch *reader);
CLOAK_EXPORT uint32_t cloak_batch_epoch(const cloak_batch *reader);
CLOAK_EXPORT uint64_t cloak_batch_head_version(const cloak_batch *reader);
CLOAK_EXPORT void cloak_batch_head_hash(uint8_t head_hash[CLOAK_HEAD_HASHBYTES], const cloak_batch *reader);
CLOAK_EXPORT uint64_t cloak_batch_expiry(const cloak_batch *reader);
/* Opens one item of a verified and checked batch: its tag must match (CLOAK_E_BAD_SIGNATURE for an
 * item the creator did not sign, or one already opened), then writes the secret's name and value
 * and uses up the tag. name_cap must be at least CLOAK_LABELBYTES_MAX, or min(255, item_len - 61)
 * (the longest name the item can hold), and value_cap at least
 * cloak_batch_item_opened_maxlen(item_len); both are checked before decrypting
 * (CLOAK_E_BUFFER_TOO_SMALL). Different items of one reader may be opened from several threads at
 * once (each writes only its own tag). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_batch_open_item(const cloak_batch *reader, uint8_t *tags, size_t tags_len,
                                                       const uint8_t *item, size_t item_len,
                                                       uint8_t *name, size_t name_cap, size_t *name_len,
                                                       uint8_t *value, size_t value_cap, size_t *value_len);
CLOAK_EXPORT void cloak_batch_wipe(cloak_batch *batch);

/* ------------------------------------------------------------------------------------------------
 * Vault heads and the Merkle commitment over a vault's secrets
 *
 * A head is a member-signed statement of a vault's state at one version: the vault id, the epoch and
 * the key id of that epoch's vault key, the version (1 for the first head, +1 at every change), the
 * hash of the previous head, an expiry time, the roster (members with their identity key, encryption
 * key id and permissions; service accounts with their key) and a Merkle root over every secret.
 *
 * Reader: cloak_head_verify_first() on a head the caller trusts by its signer (the first one it
 * sees), then cloak_head_verify_next() for each successor, which checks the chain of hashes, the
 * epoch's step, and that the previous head's roster allowed the signer to make this change;
 * cloak_head_check() with the caller's minimums and clock. A verified head state answers inclusion
 * (one secret is in the vault as sealed) and absence (no secret has this blind index) proofs.
 * Writer: cloak_merkle_leaf() per secret, the leaves sorted by blind index, cloak_merkle_root(),
 * cloak_head_create() signed by a member of the previous head.
 * ---------------------------------------------------------------------------------------------- */

#define CLOAK_ROSTER_ENTRYBYTES 52U         /* kind, permissions, suite, public key, encryption key id */
#define CLOAK_ROSTER_ENTRIES_MAX 10000U
#define CLOAK_MERKLE_LEAFBYTES 64U          /* blind index || digest of the sealed secret */
#define CLOAK_MERKLE_HASHBYTES 32U
#define CLOAK_MERKLE_LEAVES_MAX 16777216U   /* 2^24 secrets in one vault */
#define CLOAK_MERKLE_INCLUSION_PROOFBYTES_MAX 773U /* index, path length, 24 hashes */
#define CLOAK_MERKLE_ABSENCE_PROOFBYTES_MAX 1675U  /* shape, two neighbours with their proofs */
/* Caller-owned state size (opaque, 8-byte aligned). */
#define CLOAK_HEAD_STATEBYTES 256U

/* Roster entry kinds and permission bits. */
#define CLOAK_ROSTER_MEMBER 1U
#define CLOAK_ROSTER_SERVICE_ACCOUNT 2U
#define CLOAK_PERMISSION_WRITE 1U /* may sign a head that changes secrets only */
#define CLOAK_PERMISSION_ADMIN 2U /* may sign any head: roster, rotation (a new epoch) */
/* Vault policy bits of a head. POST_QUANTUM_ONLY: every roster key is an X-Wing key, and shares and
 * batches of suite 1 are refused (CLOAK_E_POLICY). A head that sets it where its predecessor did not
 * must also start a new epoch (a rotation): the old vault key was shared over X25519. */
#define CLOAK_VAULT_POST_QUANTUM_ONLY 1U

/* A verified head. Read-only after verify, so one state may serve many threads. */
typedef struct cloak_head {
    union {
        uint64_t align;
        uint8_t bytes[CLOAK_HEAD_STATEBYTES];
    } opaque;
} cloak_head;

CLOAK_EXPORT size_t cloak_head_len(size_t vault_id_len, size_t roster_count);

/* One roster entry: for a member, its identity public key, and the suite and key id of its current
 * encryption public key; for a service account, its roster key (an X25519 public key itself, or an
 * X-Wing key's key hash, cloak_xwing_key_hash) with its suite and that key's id, and no permissions.
 * Roster entries are passed to cloak_head_create() sorted by (kind, public key), each key once. An
 * unknown kind, suite or permission bit, permissions on a service account, or a service-account key
 * id that is not its key's is CLOAK_E_BAD_PARAMS; a member's identity key and a service account's
 * X25519 key are checked by the rules of their kind (docs/protocol.md 1.3, 1.4: CLOAK_E_MALFORMED or
 * CLOAK_E_INVALID_KEY). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_roster_entry(uint8_t entry[CLOAK_ROSTER_ENTRYBYTES], uint32_t kind,
                                                    uint32_t permissions, uint32_t suite,
                                                    const uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                    const uint8_t encryption_key_id[CLOAK_KEYIDBYTES]);

/* previous_hash is all zero for version 1; policy is 0 or CLOAK_VAULT_POST_QUANTUM_ONLY (then every
 * roster entry must be of suite 2: CLOAK_E_BAD_PARAMS). The signer's own rights are checked by readers
 * (against the previous head's roster), not here. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_head_create(uint8_t *out, size_t out_cap, size_t *out_len,
                                                   const uint8_t *vault_id, size_t vault_id_len, uint32_t epoch,
                                                   const uint8_t vault_key_id[CLOAK_KEYIDBYTES], uint64_t version,
                                                   const uint8_t previous_hash[CLOAK_HEAD_HASHBYTES], uint64_t expiry,
                                                   const uint8_t merkle_root[CLOAK_MERKLE_HASHBYTES],
                                                   uint32_t leaf_count, uint32_t policy, const uint8_t *roster,
                                                   size_t roster_count,
                                                   const uint8_t signer_identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES]);

/* A head the caller takes as its starting point: signed by one of `trusted` (trusted_count identity
 * public keys), who is an admin in the head's own roster. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_head_verify_first(cloak_head *head, const uint8_t *blob, size_t blob_len,
                                                         const uint8_t *vault_id, size_t vault_id_len,
                                                         const uint8_t *trusted, size_t trusted_count);
/* The successor of a verified head: `current_blob` must be the bytes `current` was verified from
 * (CLOAK_E_MISMATCH); the next head must be version + 1 (an older or equal one is CLOAK_E_STALE, a
 * gap CLOAK_E_MISMATCH), chain to current's hash (a fork: CLOAK_E_MISMATCH), keep the epoch or
 * raise it by one, and be signed by a member that current's roster allows to make the change
 * (CLOAK_E_UNTRUSTED_SIGNER). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_head_verify_next(cloak_head *next, const cloak_head *current,
                                                        const uint8_t *current_blob, size_t current_blob_len,
                                                        const uint8_t *blob, size_t blob_len);
/* Freshness: an epoch below min_epoch or a version below min_version is CLOAK_E_STALE, `now` (Unix
 * seconds) past the expiry CLOAK_E_EXPIRED. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_head_check(const cloak_head *head, uint32_t min_epoch, uint64_t min_version,
                                                  uint64_t now);
/* What a verified head holds (zero for a state that is not one). */
CLOAK_EXPORT uint64_t cloak_head_version(const cloak_head *head);
CLOAK_EXPORT uint32_t cloak_head_epoch(const cloak_head *head);
CLOAK_EXPORT uint64_t cloak_head_expiry(const cloak_head *head);
CLOAK_EXPORT uint32_t cloak_head_leaf_count(const cloak_head *head);
/* The vault policy bits (CLOAK_VAULT_POST_QUANTUM_ONLY). */
CLOAK_EXPORT uint32_t cloak_head_policy(const cloak_head *head);
CLOAK_EXPORT void cloak_head_hash(uint8_t hash[CLOAK_HEAD_HASHBYTES], const cloak_head *head);
CLOAK_EXPORT void cloak_head_merkle_root(uint8_t root[CLOAK_MERKLE_HASHBYTES], const cloak_head *head);
CLOAK_EXPORT void cloak_head_vault_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const cloak_head *head);
CLOAK_EXPORT void cloak_head_signer(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                    const cloak_head *head);
/* Looks a key up in the roster of a verified head (`blob` must be its bytes: CLOAK_E_MISMATCH):
 * writes the entry's permissions, suite and encryption key id; a key the roster lacks is
 * CLOAK_E_MISMATCH. `public_key` is a member's identity key or a service account's roster key. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_head_roster_find(uint32_t *permissions, uint32_t *suite,
                                                        uint8_t encryption_key_id[CLOAK_KEYIDBYTES],
                                                        const cloak_head *head, const uint8_t *blob, size_t blob_len,
                                                        uint32_t kind, const uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES]);
/* Downgrade and policy checks against a verified head (`blob` its bytes), for the key a share or
 * batch is made to and for a share or batch received. The server picks which validly signed bundle it
 * serves, so a member with an old X25519 key and a new X-Wing key could be shared to over X25519: the
 * head's roster names the current key of each member and service account, and these refuse any other
 * (CLOAK_E_MISMATCH: a key, share or batch of another key id or suite than the roster's, or of a
 * member or service account it lacks; a share or batch of another epoch than the head's) and an X25519
 * one in a post-quantum-only vault (CLOAK_E_POLICY).
 * Before sealing: the recipient's encryption public key (32 bytes X25519, 1216 X-Wing; any other
 * length is CLOAK_E_BAD_PARAMS), with the member's identity key, or NULL for a service account. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_head_check_recipient(const cloak_head *head, const uint8_t *blob, size_t blob_len,
                                                            const uint8_t member_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                            const uint8_t *encryption_public_key,
                                                            size_t encryption_public_key_len);
/* After receiving: a share to the member `recipient_identity_public_key` (before cloak_share_open),
 * or a service account's batch (before cloak_batch_verify). Both are parsed, not verified: call the
 * opening functions too. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_head_check_share(const cloak_head *head, const uint8_t *blob, size_t blob_len,
                                                        const uint8_t recipient_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                                        const uint8_t *share, size_t share_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_head_check_batch(const cloak_head *head, const uint8_t *blob, size_t blob_len,
                                                        const uint8_t *batch, size_t batch_len);
CLOAK_EXPORT void cloak_head_wipe(cloak_head *head);

/* A secret's leaf: its blind index and a digest of its sealed bytes. */
CLOAK_EXPORT void cloak_merkle_leaf(uint8_t leaf[CLOAK_MERKLE_LEAFBYTES],
                                    const uint8_t blind_index[CLOAK_BLIND_INDEXBYTES],
                                    const uint8_t *sealed, size_t sealed_len);
/* `leaves`: leaf_count leaves in caller memory, strictly increasing by blind index
 * (CLOAK_E_BAD_PARAMS otherwise). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_merkle_root(uint8_t root[CLOAK_MERKLE_HASHBYTES], const uint8_t *leaves,
                                                   size_t leaf_count);
/* Proofs for the leaves in caller memory (sorted as for cloak_merkle_root): that leaf `index` is in
 * the tree, or that no leaf has `blind_index` (one that a leaf has is CLOAK_E_MISMATCH). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_merkle_prove_inclusion(uint8_t *proof, size_t proof_cap, size_t *proof_len,
                                                              const uint8_t *leaves, size_t leaf_count, size_t index);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_merkle_prove_absence(uint8_t *proof, size_t proof_cap, size_t *proof_len,
                                                            const uint8_t *leaves, size_t leaf_count,
                                                            const uint8_t blind_index[CLOAK_BLIND_INDEXBYTES]);
/* Against a verified head's root and leaf count: the leaf is in the tree (CLOAK_E_MISMATCH if not),
 * or no leaf has this blind index (CLOAK_E_MISMATCH if one may). A proof that does not parse is
 * CLOAK_E_MALFORMED. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_merkle_verify_inclusion(const cloak_head *head,
                                                               const uint8_t leaf[CLOAK_MERKLE_LEAFBYTES],
                                                               const uint8_t *proof, size_t proof_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_merkle_verify_absence(const cloak_head *head,
                                                             const uint8_t blind_index[CLOAK_BLIND_INDEXBYTES],
                                                             const uint8_t *proof, size_t proof_len);

/* ------------------------------------------------------------------------------------------------
 * HPKE (RFC 9180): DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305, Base mode
 * ---------------------------------------------------------------------------------------------- */

#define CLOAK_HPKE_ENCBYTES 32U
#define CLOAK_HPKE_TAGBYTES 16U
#define CLOAK_HPKE_EXPORTBYTES_MAX 8160U /* 255 * 32 (RFC 9180 section 5.3) */
/* Caller-owned state size (opaque, 8-byte aligned). */
#define CLOAK_HPKE_CONTEXTBYTES 128U

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
 * and only a recipient's opens (a recipient that sealed would reuse the sender's nonces); a wiped,
 * copied or wrong-role context does neither (CLOAK_E_BAD_STATE). */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_hpke_seal(cloak_hpke_context *ctx, uint8_t *ciphertext,
                                                 const uint8_t *aad, size_t aad_len,
                                                 const uint8_t *plaintext, size_t plaintext_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_hpke_open(cloak_hpke_context *ctx, uint8_t *plaintext,
                                                 const uint8_t *aad, size_t aad_len,
                                                 const uint8_t *ciphertext, size_t ciphertext_len);
/* Export (RFC 9180 section 5.3); out_len at most CLOAK_HPKE_EXPORTBYTES_MAX, and out must not overlap exporter_context. */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_hpke_export(const cloak_hpke_context *ctx, uint8_t *out, size_t out_len,
                                                   const uint8_t *exporter_context, size_t exporter_context_len);
CLOAK_EXPORT void cloak_hpke_context_wipe(cloak_hpke_context *ctx);

/* X-Wing (KEM 0x647a, draft-ietf-hpke-pq), HKDF-SHA256, ChaCha20Poly1305, Base mode: the same context
 * and calls after set-up. DeriveKeyPair is cloak_xwing_keypair_from_seed(). The recipient's public
 * key must be its secret key's (CLOAK_E_INVALID_KEY). */
#define CLOAK_XWING_ENCBYTES 1120U /* ML-KEM-768 ciphertext (1088) || X25519 ephemeral key (32) */
CLOAK_EXPORT CLOAK_NODISCARD int cloak_hpke_setup_sender_xwing(cloak_hpke_context *ctx, uint8_t enc[CLOAK_XWING_ENCBYTES],
                                                               const uint8_t recipient_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                                               const uint8_t *info, size_t info_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_hpke_setup_recipient_xwing(cloak_hpke_context *ctx, const uint8_t enc[CLOAK_XWING_ENCBYTES],
                                                                  const uint8_t recipient_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                                                  const uint8_t recipient_secret_key[CLOAK_XWING_SECRETKEYBYTES],
                                                                  const uint8_t *info, size_t info_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_hpke_seal_base_xwing(uint8_t enc[CLOAK_XWING_ENCBYTES], uint8_t *ciphertext,
                                                            const uint8_t recipient_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                                            const uint8_t *info, size_t info_len,
                                                            const uint8_t *aad, size_t aad_len,
                                                            const uint8_t *plaintext, size_t plaintext_len);
CLOAK_EXPORT CLOAK_NODISCARD int cloak_hpke_open_base_xwing(uint8_t *plaintext, const uint8_t enc[CLOAK_XWING_ENCBYTES],
                                                            const uint8_t recipient_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                                            const uint8_t recipient_secret_key[CLOAK_XWING_SECRETKEYBYTES],
                                                            const uint8_t *info, size_t info_len,
                                                            const uint8_t *aad, size_t aad_len,
                                                            const uint8_t *ciphertext, size_t ciphertext_len);

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

/* ------------------------------------------------------------------------------------------------
 * For bindings
 *
 * Every size and bound macro above has a twin function of the same name in lower case
 * (CLOAK_KEYBYTES / cloak_keybytes()), so that a binding that cannot read this header gets the
 * values of the library it loaded.
 * ---------------------------------------------------------------------------------------------- */

/* BEGIN generated by tools/apigen.py from the macros above: do not edit */
CLOAK_EXPORT size_t cloak_headerbytes(void);
CLOAK_EXPORT size_t cloak_keyidbytes(void);
CLOAK_EXPORT size_t cloak_labelbytes_max(void);
CLOAK_EXPORT uint32_t cloak_suite_x25519(void);
CLOAK_EXPORT uint32_t cloak_suite_xwing(void);
CLOAK_EXPORT size_t cloak_keybytes(void);
CLOAK_EXPORT size_t cloak_password_saltbytes(void);
CLOAK_EXPORT size_t cloak_password_recordbytes(void);
CLOAK_EXPORT uint32_t cloak_password_memory_kib_default(void);
CLOAK_EXPORT uint32_t cloak_password_iterations_default(void);
CLOAK_EXPORT uint32_t cloak_password_parallelism_default(void);
CLOAK_EXPORT uint32_t cloak_password_memory_kib_min(void);
CLOAK_EXPORT uint32_t cloak_password_memory_kib_max(void);
CLOAK_EXPORT uint32_t cloak_password_iterations_min(void);
CLOAK_EXPORT uint32_t cloak_password_iterations_max(void);
CLOAK_EXPORT uint32_t cloak_password_parallelism_min(void);
CLOAK_EXPORT uint32_t cloak_password_parallelism_max(void);
CLOAK_EXPORT size_t cloak_passwordbytes_max(void);
CLOAK_EXPORT size_t cloak_password_policybytes(void);
CLOAK_EXPORT uint32_t cloak_password_policy_memory_kib_min(void);
CLOAK_EXPORT uint32_t cloak_password_policy_cost_min(void);
CLOAK_EXPORT uint32_t cloak_password_policy_memory_kib_max(void);
CLOAK_EXPORT uint32_t cloak_password_policy_cost_max(void);
CLOAK_EXPORT uint32_t cloak_password_policy_iterations_max(void);
CLOAK_EXPORT uint32_t cloak_password_policy_parallelism_max(void);
CLOAK_EXPORT size_t cloak_account_secret_keybytes(void);
CLOAK_EXPORT size_t cloak_account_secret_key_textbytes(void);
CLOAK_EXPORT size_t cloak_account_idbytes_max(void);
CLOAK_EXPORT size_t cloak_identity_publickeybytes(void);
CLOAK_EXPORT size_t cloak_identity_secretkeybytes(void);
CLOAK_EXPORT size_t cloak_identity_seedbytes(void);
CLOAK_EXPORT size_t cloak_signaturebytes(void);
CLOAK_EXPORT size_t cloak_encryption_publickeybytes(void);
CLOAK_EXPORT size_t cloak_encryption_secretkeybytes(void);
CLOAK_EXPORT size_t cloak_encryption_seedbytes(void);
CLOAK_EXPORT size_t cloak_public_key_blobbytes(void);
CLOAK_EXPORT size_t cloak_bundlebytes(void);
CLOAK_EXPORT size_t cloak_fingerprint_textbytes(void);
CLOAK_EXPORT size_t cloak_pair_code_textbytes(void);
CLOAK_EXPORT size_t cloak_xwing_publickeybytes(void);
CLOAK_EXPORT size_t cloak_xwing_secretkeybytes(void);
CLOAK_EXPORT size_t cloak_xwing_seedbytes(void);
CLOAK_EXPORT size_t cloak_xwing_keyhashbytes(void);
CLOAK_EXPORT size_t cloak_xwing_public_key_blobbytes(void);
CLOAK_EXPORT size_t cloak_xwing_bundlebytes(void);
CLOAK_EXPORT size_t cloak_wrapped_keybytes(void);
CLOAK_EXPORT size_t cloak_service_account_private_blobbytes(void);
CLOAK_EXPORT size_t cloak_wrapped_key_publickeybytes(void);
CLOAK_EXPORT size_t cloak_xwing_wrapped_keybytes(void);
CLOAK_EXPORT size_t cloak_xwing_service_account_private_blobbytes(void);
CLOAK_EXPORT size_t cloak_credentialbytes(void);
CLOAK_EXPORT size_t cloak_credential_verifierbytes(void);
CLOAK_EXPORT size_t cloak_vault_statebytes(void);
CLOAK_EXPORT size_t cloak_blind_indexbytes(void);
CLOAK_EXPORT size_t cloak_sharebytes(void);
CLOAK_EXPORT size_t cloak_xwing_sharebytes(void);
CLOAK_EXPORT size_t cloak_batch_digestbytes(void);
CLOAK_EXPORT size_t cloak_batch_tagbytes(void);
CLOAK_EXPORT size_t cloak_head_hashbytes(void);
CLOAK_EXPORT size_t cloak_batch_items_max(void);
CLOAK_EXPORT size_t cloak_batch_statebytes(void);
CLOAK_EXPORT size_t cloak_roster_entrybytes(void);
CLOAK_EXPORT uint32_t cloak_roster_entries_max(void);
CLOAK_EXPORT size_t cloak_merkle_leafbytes(void);
CLOAK_EXPORT size_t cloak_merkle_hashbytes(void);
CLOAK_EXPORT uint32_t cloak_merkle_leaves_max(void);
CLOAK_EXPORT size_t cloak_merkle_inclusion_proofbytes_max(void);
CLOAK_EXPORT size_t cloak_merkle_absence_proofbytes_max(void);
CLOAK_EXPORT size_t cloak_head_statebytes(void);
CLOAK_EXPORT uint32_t cloak_roster_member(void);
CLOAK_EXPORT uint32_t cloak_roster_service_account(void);
CLOAK_EXPORT uint32_t cloak_permission_write(void);
CLOAK_EXPORT uint32_t cloak_permission_admin(void);
CLOAK_EXPORT uint32_t cloak_vault_post_quantum_only(void);
CLOAK_EXPORT size_t cloak_hpke_encbytes(void);
CLOAK_EXPORT size_t cloak_hpke_tagbytes(void);
CLOAK_EXPORT size_t cloak_hpke_exportbytes_max(void);
CLOAK_EXPORT size_t cloak_hpke_contextbytes(void);
CLOAK_EXPORT size_t cloak_xwing_encbytes(void);
/* END generated */

#ifdef __cplusplus
}
#endif

#endif /* CLOAK_H */

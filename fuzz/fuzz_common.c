/* Support shared by the harnesses and make_corpus: see fuzz.h. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* SHAKE256 of the library's own SHA-3 (internal): libsodium has none, and the fixed X-Wing keys'
 * X25519 halves are needed once, at start-up (checked against the public keys' X25519 part). */
#include "mlkem.h"

/* ------------------------------------------------------------------------------------------------
 * Deterministic random source: SplitMix64. Not a cryptographic generator, and it need not be: it
 * only has to make every run of an input take the same path.
 * ---------------------------------------------------------------------------------------------- */
static uint64_t rng_state;

static uint64_t splitmix64(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void rng_buf(void *const buf, const size_t size)
{
    uint8_t *p = buf;
    size_t i;
    uint64_t v = 0;

    for (i = 0; i < size; i++) {
        if (i % 8U == 0U) {
            v = splitmix64();
        }
        p[i] = (uint8_t)(v >> (8U * (i % 8U)));
    }
}

static uint32_t rng_random(void)
{
    return (uint32_t)(splitmix64() >> 32);
}

static const char *rng_name(void)
{
    return "libcloak-fuzz-splitmix64";
}

static struct randombytes_implementation fuzz_rng = {
    .implementation_name = rng_name,
    .random = rng_random,
    .stir = NULL,
    .uniform = NULL,
    .buf = rng_buf,
    .close = NULL,
};

void fz_rng_reset(void)
{
    rng_state = 0x636C6F616B66757AULL; /* "cloakfuz" */
}

void fz_fail(const char *what, const char *file, int line)
{
    fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", what, file, line);
    abort();
}

void fz_init(void)
{
    static int done;

    if (done) {
        return;
    }
    fz_rng_reset();
    if (randombytes_set_implementation(&fuzz_rng) != 0 || cloak_init() != CLOAK_OK) {
        fz_fail("fz_init: cloak_init", __FILE__, __LINE__);
    }
    done = 1;
}

/* Every harness starts the same way: the deterministic random source, then the fixed keys, so that
 * their one-time cost is paid before libFuzzer starts timing inputs. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_init();
    (void)fz_keys_get();
    return 0;
}

void fz_trace(const char *what, int rc)
{
    static int enabled = -1;

    if (enabled < 0) {
        const char *v = getenv("FUZZ_TRACE");
        enabled = v != NULL && v[0] != '\0' && v[0] != '0';
    }
    if (enabled) {
        fprintf(stderr, "%s: %d\n", what, rc);
    }
}

int fz_is_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t acc = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        acc |= b[i];
    }
    return acc == 0;
}

uint8_t *fz_dup(const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n > 0 ? n : 1U);

    if (q == NULL) {
        fz_fail("malloc", __FILE__, __LINE__);
    }
    if (n > 0) {
        memcpy(q, p, n);
    }
    return q;
}

uint8_t *fz_alloc(size_t n)
{
    uint8_t *q = malloc(n > 0 ? n : 1U);

    if (q == NULL) {
        fz_fail("malloc", __FILE__, __LINE__);
    }
    memset(q, 0xA5, n > 0 ? n : 1U);
    return q;
}

/* ------------------------------------------------------------------------------------------------
 * Reference checks
 * ---------------------------------------------------------------------------------------------- */
int fz_type_known(uint8_t type)
{
    return type >= CLOAK_TYPE_PASSWORD_RECORD && type <= FZ_TYPE_LAST;
}

int fz_type_admits_xwing(uint8_t type)
{
    switch (type) {
    case CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY:
    case CLOAK_TYPE_BUNDLE:
    case CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY:
    case CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY:
    case CLOAK_TYPE_SHARE:
    case CLOAK_TYPE_BATCH:
    case CLOAK_TYPE_BATCH_ITEM:
    case CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY:
        return 1;
    default:
        return 0;
    }
}

uint32_t fz_suite_of(const uint8_t *blob, size_t len)
{
    return len >= 4U ? (uint32_t)blob[2] << 8 | blob[3] : 0U;
}

/* Steps 1 to 3 and the first half of 4 (a known type). */
static int header_known(const uint8_t *blob, size_t len)
{
    uint32_t suite;

    if (len < CLOAK_HEADERBYTES) {
        return CLOAK_E_MALFORMED;
    }
    if (blob[0] != FZ_FORMAT_VERSION) {
        return CLOAK_E_UNSUPPORTED_VERSION;
    }
    suite = fz_suite_of(blob, len);
    if (suite != CLOAK_SUITE_X25519 && suite != CLOAK_SUITE_XWING) {
        return CLOAK_E_UNSUPPORTED_SUITE;
    }
    if (!fz_type_known(blob[1])) {
        return CLOAK_E_MALFORMED;
    }
    return CLOAK_OK;
}

/* Step 5's first half: suite 2 only for the types with a suite 2 size. */
static int suite_admitted(const uint8_t *blob, size_t len)
{
    return fz_suite_of(blob, len) == CLOAK_SUITE_XWING && !fz_type_admits_xwing(blob[1]) ? CLOAK_E_UNSUPPORTED_SUITE
                                                                                         : CLOAK_OK;
}

int fz_header_verdict_suite(const uint8_t *blob, size_t len, uint8_t type, uint32_t suite, size_t min_len,
                            size_t max_len)
{
    int rc = header_known(blob, len);

    if (rc != CLOAK_OK) {
        return rc;
    }
    if (blob[1] != type) {
        return CLOAK_E_WRONG_TYPE;
    }
    rc = suite_admitted(blob, len);
    if (rc != CLOAK_OK) {
        return rc;
    }
    /* Step 5's second half: a reader of one suite refuses the other's. */
    if (suite != 0U && fz_suite_of(blob, len) != suite) {
        return CLOAK_E_UNSUPPORTED_SUITE;
    }
    if (len < min_len || len > max_len) {
        return CLOAK_E_MALFORMED;
    }
    return CLOAK_OK;
}

int fz_header_verdict(const uint8_t *blob, size_t len, uint8_t type, size_t min_len, size_t max_len)
{
    return fz_header_verdict_suite(blob, len, type, CLOAK_SUITE_X25519, min_len, max_len);
}

int fz_header_untyped_verdict(const uint8_t *blob, size_t len)
{
    const int rc = header_known(blob, len);
    return rc != CLOAK_OK ? rc : suite_admitted(blob, len);
}

void fz_key_hash(uint8_t hash[32], const uint8_t *public_key, size_t len)
{
    static const char label[] = "libcloak v2 public key id";
    const uint8_t label_len = (uint8_t)(sizeof label - 1U);
    crypto_hash_sha256_state st;

    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &label_len, 1);
    crypto_hash_sha256_update(&st, (const uint8_t *)label, label_len);
    crypto_hash_sha256_update(&st, public_key, len);
    crypto_hash_sha256_final(&st, hash);
}

void fz_public_key_id_n(uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t *public_key, size_t len)
{
    uint8_t digest[32];

    fz_key_hash(digest, public_key, len);
    memcpy(key_id, digest, CLOAK_KEYIDBYTES);
}

void fz_public_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t public_key[32])
{
    fz_public_key_id_n(key_id, public_key, 32);
}

void fz_expand32(uint8_t out[32], const uint8_t prk[32], const char *label)
{
    crypto_auth_hmacsha256_state st;
    const uint8_t one = 0x01;

    crypto_auth_hmacsha256_init(&st, prk, 32);
    crypto_auth_hmacsha256_update(&st, (const uint8_t *)label, strlen(label));
    crypto_auth_hmacsha256_update(&st, &one, 1);
    crypto_auth_hmacsha256_final(&st, out);
}

int fz_labeled_verify(const uint8_t sig[64], const char *label, const uint8_t *content, size_t content_len,
                      const uint8_t pk[32])
{
    const size_t label_len = strlen(label);
    const size_t msg_len = 1U + label_len + 32U + content_len;
    uint8_t *msg = fz_alloc(msg_len);
    int rc;

    /* Section 1.1: the signer's public key follows the label. */
    msg[0] = (uint8_t)label_len;
    memcpy(msg + 1, label, label_len);
    memcpy(msg + 1 + label_len, pk, 32);
    if (content_len > 0) {
        memcpy(msg + 1 + label_len + 32, content, content_len);
    }
    rc = crypto_sign_verify_detached(sig, msg, msg_len, pk);
    free(msg);
    return rc;
}

/* Section 1.3's seven small-order encodings, top bit cleared. */
static const uint8_t ed25519_small_order[7][32] = {
    {0x00},
    {0x01},
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
     0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
     0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
};

/* Section 1.4's small-order X25519 keys besides u = 0, 1 and p - 1. */
static const uint8_t x25519_small_order[2][32] = {
    {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
     0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00},
    {0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef, 0x5b,
     0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57},
};

/* y (or u) with bit 255 cleared against p = 2^255 - 19, little-endian: 1 if it is at least p. */
static int at_least_p(const uint8_t k[32])
{
    size_t i;

    if ((k[31] & 0x7FU) != 0x7FU || k[0] < 0xEDU) {
        return 0;
    }
    for (i = 1; i < 31; i++) {
        if (k[i] != 0xFFU) {
            return 0;
        }
    }
    return 1;
}

int fz_identity_key_verdict(const uint8_t pk[32])
{
    /* The Ed25519 base point: adding it decodes pk (libsodium's decoder, with no subgroup check). */
    static const uint8_t base[32] = {0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                     0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                     0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};
    uint8_t cleared[32], sum[32];
    size_t i;

    memcpy(cleared, pk, 32);
    cleared[31] &= 0x7FU;
    if (at_least_p(cleared)) {
        return CLOAK_E_INVALID_KEY;
    }
    for (i = 0; i < 7; i++) {
        if (memcmp(cleared, ed25519_small_order[i], 32) == 0) {
            return CLOAK_E_INVALID_KEY;
        }
    }
    if (crypto_core_ed25519_add(sum, pk, base) != 0) {
        return CLOAK_E_INVALID_KEY;
    }
    return CLOAK_OK;
}

int fz_x25519_key_verdict(const uint8_t pk[32])
{
    uint8_t p_minus_1[32];
    size_t i;

    if ((pk[31] & 0x80U) != 0U || at_least_p(pk)) {
        return CLOAK_E_MALFORMED;
    }
    memset(p_minus_1, 0xFF, sizeof p_minus_1);
    p_minus_1[0] = 0xEC;
    p_minus_1[31] = 0x7F;
    if (memcmp(pk, p_minus_1, 32) == 0 || memcmp(pk, ed25519_small_order[0], 32) == 0 ||
        memcmp(pk, ed25519_small_order[1], 32) == 0) {
        return CLOAK_E_INVALID_KEY;
    }
    for (i = 0; i < 2; i++) {
        if (memcmp(pk, x25519_small_order[i], 32) == 0) {
            return CLOAK_E_INVALID_KEY;
        }
    }
    return CLOAK_OK;
}

int fz_xwing_key_verdict(const uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES])
{
    size_t i;

    /* FIPS 203's ByteDecode_12: every 3 bytes of the first 1152 carry two little-endian 12-bit
     * coefficients; the last 32 bytes of ek are the seed rho, not checked. */
    for (i = 0; i < 1152U; i += 3U) {
        const unsigned a = pk[i] | (unsigned)(pk[i + 1U] & 0x0FU) << 8;
        const unsigned b = (unsigned)pk[i + 1U] >> 4 | (unsigned)pk[i + 2U] << 4;
        if (a >= 3329U || b >= 3329U) {
            return CLOAK_E_MALFORMED;
        }
    }
    return fz_x25519_key_verdict(pk + FZ_XWING_PK_X);
}

int fz_xwing_enc_verdict(const uint8_t enc[CLOAK_XWING_ENCBYTES], const uint8_t sk_x[32])
{
    uint8_t shared[32];
    const int rc = fz_x25519_key_verdict(enc + FZ_XWING_CT_X);

    if (rc != CLOAK_OK) {
        return rc;
    }
    if (crypto_scalarmult_curve25519(shared, sk_x, enc + FZ_XWING_CT_X) != 0 || fz_is_zero(shared, 32)) {
        return CLOAK_E_INVALID_KEY;
    }
    return CLOAK_OK;
}

size_t fz_pad_len(size_t u)
{
    size_t e = 0, s = 0, mask;

    if (u == 0) {
        return 0;
    }
    if (u <= 64U) {
        return 64U;
    }
    while ((u >> (e + 1U)) != 0U) {
        e++;
    }
    while ((e >> s) != 0U) {
        s++;
    }
    mask = ((size_t)1 << (e - s)) - 1U;
    if (u > SIZE_MAX - mask) {
        return 0;
    }
    return (u + mask) & ~mask;
}

int fz_is_pad_len(size_t p)
{
    return p >= 64U && fz_pad_len(p) == p;
}

/* ------------------------------------------------------------------------------------------------
 * Fixed keys
 * ---------------------------------------------------------------------------------------------- */
static fz_keys keys;
static cloak_vault vault1, vault2;
static int keys_ready;

static void seed_of(uint8_t seed[32], char tag)
{
    memset(seed, (unsigned char)tag, 32);
}

/* An X-Wing key pair from DeriveKeyPair(seed), and the X25519 secret key of its expansion
 * (section 1.6), checked against the public key's last 32 bytes. */
static void xwing_key(uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], uint8_t sk[CLOAK_XWING_SECRETKEYBYTES],
                      uint8_t *sk_x, const uint8_t seed[32])
{
    uint8_t expanded[96], pk_x[32];

    FUZZ_CHECK(cloak_xwing_keypair_from_seed(pk, sk, seed, 32) == CLOAK_OK);
    cloak__shake256(expanded, sizeof expanded, sk, CLOAK_XWING_SECRETKEYBYTES);
    FUZZ_CHECK(crypto_scalarmult_curve25519_base(pk_x, expanded + 64) == 0);
    FUZZ_CHECK(memcmp(pk_x, pk + FZ_XWING_PK_X, 32) == 0);
    FUZZ_CHECK(fz_xwing_key_verdict(pk) == CLOAK_OK);
    if (sk_x != NULL) {
        memcpy(sk_x, expanded + 64, 32);
    }
}

static void keys_make(void)
{
    uint8_t seed[32];

    if (keys_ready) {
        return;
    }
    fz_init();
    seed_of(seed, 'A');
    FUZZ_CHECK(cloak_identity_keypair_from_seed(keys.alice_id_pk, keys.alice_id_sk, seed) == CLOAK_OK);
    seed_of(seed, 'B');
    FUZZ_CHECK(cloak_identity_keypair_from_seed(keys.bob_id_pk, keys.bob_id_sk, seed) == CLOAK_OK);
    seed_of(seed, 'a');
    FUZZ_CHECK(cloak_encryption_keypair_from_seed(keys.alice_enc_pk, keys.alice_enc_sk, seed, 32) == CLOAK_OK);
    seed_of(seed, 'b');
    FUZZ_CHECK(cloak_encryption_keypair_from_seed(keys.bob_enc_pk, keys.bob_enc_sk, seed, 32) == CLOAK_OK);
    seed_of(seed, 's');
    FUZZ_CHECK(cloak_encryption_keypair_from_seed(keys.account_pk, keys.account_sk, seed, 32) == CLOAK_OK);
    seed_of(seed, 'x');
    xwing_key(keys.alice_xw_pk, keys.alice_xw_sk, NULL, seed);
    seed_of(seed, 'y');
    xwing_key(keys.bob_xw_pk, keys.bob_xw_sk, keys.bob_xw_skx, seed);
    seed_of(seed, 'z');
    xwing_key(keys.account_xw_pk, keys.account_xw_sk, keys.account_xw_skx, seed);
    seed_of(keys.master_key, 'M');
    seed_of(keys.vault_key, 'V');
    seed_of(keys.vault_key2, 'W');
    FUZZ_CHECK(cloak_vault_init(&vault1, keys.vault_key, FZ_EPOCH1, (const uint8_t *)FZ_VAULT_ID,
                                FZ_VAULT_ID_LEN) == CLOAK_OK);
    FUZZ_CHECK(cloak_vault_init(&vault2, keys.vault_key2, FZ_EPOCH2, (const uint8_t *)FZ_VAULT_ID,
                                FZ_VAULT_ID_LEN) == CLOAK_OK);
    keys_ready = 1;
}

const fz_keys *fz_keys_get(void)
{
    keys_make();
    return &keys;
}

const cloak_vault *fz_vault1(void)
{
    keys_make();
    return &vault1;
}

const cloak_vault *fz_vault2(void)
{
    keys_make();
    return &vault2;
}

/* ------------------------------------------------------------------------------------------------
 * Input cursor
 * ---------------------------------------------------------------------------------------------- */
uint8_t fz_u8(fz_input *in)
{
    uint8_t v;

    if (in->n == 0) {
        return 0;
    }
    v = in->p[0];
    in->p++;
    in->n--;
    return v;
}

uint16_t fz_u16(fz_input *in)
{
    const uint16_t hi = fz_u8(in);
    return (uint16_t)((hi << 8) | fz_u8(in));
}

uint8_t *fz_take(fz_input *in, size_t len, size_t *got)
{
    uint8_t *q;

    if (len > in->n) {
        len = in->n;
    }
    q = fz_dup(in->p, len);
    in->p += len;
    in->n -= len;
    *got = len;
    return q;
}

void fz_fixed(fz_input *in, uint8_t *out, size_t len)
{
    const size_t got = len < in->n ? len : in->n;

    memset(out, 0, len);
    if (got > 0) {
        memcpy(out, in->p, got);
    }
    in->p += got;
    in->n -= got;
}

uint8_t *fz_lp8(fz_input *in, size_t *len)
{
    return fz_take(in, fz_u8(in), len);
}

uint8_t *fz_lp16(fz_input *in, size_t *len)
{
    return fz_take(in, fz_u16(in), len);
}

uint8_t *fz_rest(fz_input *in, size_t *len)
{
    return fz_take(in, in->n, len);
}

/* ------------------------------------------------------------------------------------------------
 * Writers
 * ---------------------------------------------------------------------------------------------- */
void fz_put(fz_buf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap > 0 ? b->cap : 256U;
        uint8_t *q;
        while (cap < b->n + n) {
            cap *= 2U;
        }
        q = realloc(b->p, cap);
        if (q == NULL) {
            fz_fail("realloc", __FILE__, __LINE__);
        }
        b->p = q;
        b->cap = cap;
    }
    if (n > 0) {
        memcpy(b->p + b->n, p, n);
    }
    b->n += n;
}

void fz_put_u8(fz_buf *b, uint8_t v)
{
    fz_put(b, &v, 1);
}

void fz_put_u16(fz_buf *b, uint16_t v)
{
    const uint8_t be[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    fz_put(b, be, 2);
}

void fz_put_lp8(fz_buf *b, const void *p, size_t n)
{
    if (n > 0xFFU) {
        fz_fail("fz_put_lp8: too long", __FILE__, __LINE__);
    }
    fz_put_u8(b, (uint8_t)n);
    fz_put(b, p, n);
}

void fz_put_lp16(fz_buf *b, const void *p, size_t n)
{
    if (n > 0xFFFFU) {
        fz_fail("fz_put_lp16: too long", __FILE__, __LINE__);
    }
    fz_put_u16(b, (uint16_t)n);
    fz_put(b, p, n);
}

void fz_buf_free(fz_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

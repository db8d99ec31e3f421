/*
 * Round trip of HPKE Base mode: cloak_hpke_seal_base()/cloak_hpke_open_base(), and a sender and a
 * recipient context (cloak_hpke_setup_sender/_recipient, _seal/_open, _export).
 *
 * Input: op(1) || recipient seed(32) || lp16(info) || lp16(aad) || plaintext
 *   the recipient key pair is DeriveKeyPair(seed); op % 4 + 1 messages split the plaintext
 *
 * Properties: what is sealed opens to the plaintext; a ciphertext opens only at its own sequence
 * number, and a failed open leaves the plaintext zero and does not advance the recipient (the
 * right message still opens after it); both sides export the same secret.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    uint8_t seed[32], pk[32], sk[32], enc[32];
    size_t info_len, aad_len, pt_len, parts, i, off;
    uint8_t *info, *aad, *pt, *ct, *out;
    cloak_hpke_context sender, recipient;

    fz_rng_reset();
    fz_fixed(&in, seed, sizeof seed);
    FUZZ_CHECK(cloak_encryption_keypair_from_seed(pk, sk, seed, sizeof seed) == CLOAK_OK);
    info = fz_lp16(&in, &info_len);
    aad = fz_lp16(&in, &aad_len);
    pt = fz_rest(&in, &pt_len);

    /* Single shot. */
    ct = fz_alloc(pt_len + CLOAK_HPKE_TAGBYTES);
    out = fz_alloc(pt_len);
    FUZZ_CHECK(cloak_hpke_seal_base(enc, ct, pk, info, info_len, aad, aad_len, pt, pt_len) == CLOAK_OK);
    FUZZ_CHECK(cloak_hpke_open_base(out, enc, pk, sk, info, info_len, aad, aad_len, ct,
                                    pt_len + CLOAK_HPKE_TAGBYTES) == CLOAK_OK);
    FUZZ_CHECK(memcmp(out, pt, pt_len) == 0);
    ct[pt_len] ^= 0x01U; /* the tag */
    FUZZ_CHECK(cloak_hpke_open_base(out, enc, pk, sk, info, info_len, aad, aad_len, ct,
                                    pt_len + CLOAK_HPKE_TAGBYTES) == CLOAK_E_AUTH);
    FUZZ_CHECK(fz_is_zero(out, pt_len));
    free(ct);
    free(out);

    /* A context: the plaintext in `parts` messages, each opened after a failed attempt to open
     * the next one early (which must not advance the recipient). */
    FUZZ_CHECK(cloak_hpke_setup_sender(&sender, enc, pk, info, info_len) == CLOAK_OK);
    FUZZ_CHECK(cloak_hpke_setup_recipient(&recipient, enc, pk, sk, info, info_len) == CLOAK_OK);
    parts = op % 4U + 1U;
    {
        uint8_t *cts[4];
        size_t lens[4];
        for (i = 0, off = 0; i < parts; i++) {
            lens[i] = i + 1U == parts ? pt_len - off : pt_len / parts;
            cts[i] = fz_alloc(lens[i] + CLOAK_HPKE_TAGBYTES);
            FUZZ_CHECK(cloak_hpke_seal(&sender, cts[i], aad, aad_len, pt + off, lens[i]) == CLOAK_OK);
            off += lens[i];
        }
        for (i = 0, off = 0; i < parts; i++) {
            if (i + 1U < parts) {
                out = fz_alloc(lens[i + 1U]);
                FUZZ_CHECK(cloak_hpke_open(&recipient, out, aad, aad_len, cts[i + 1U],
                                           lens[i + 1U] + CLOAK_HPKE_TAGBYTES) == CLOAK_E_AUTH);
                FUZZ_CHECK(fz_is_zero(out, lens[i + 1U]));
                free(out);
            }
            out = fz_alloc(lens[i]);
            FUZZ_CHECK(cloak_hpke_open(&recipient, out, aad, aad_len, cts[i], lens[i] + CLOAK_HPKE_TAGBYTES) ==
                       CLOAK_OK);
            FUZZ_CHECK(memcmp(out, pt + off, lens[i]) == 0);
            off += lens[i];
            free(out);
        }
        for (i = 0; i < parts; i++) {
            free(cts[i]);
        }
    }
    {
        uint8_t e1[64], e2[64];
        FUZZ_CHECK(cloak_hpke_export(&sender, e1, sizeof e1, info, info_len < 64 ? info_len : 64) == CLOAK_OK);
        FUZZ_CHECK(cloak_hpke_export(&recipient, e2, sizeof e2, info, info_len < 64 ? info_len : 64) == CLOAK_OK);
        FUZZ_CHECK(memcmp(e1, e2, sizeof e1) == 0);
    }
    cloak_hpke_context_wipe(&sender);
    cloak_hpke_context_wipe(&recipient);

    free(info);
    free(aad);
    free(pt);
    return 0;
}

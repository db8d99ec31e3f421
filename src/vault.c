/*
 * Vault state (docs/protocol.md section 7): the subkeys of one vault key, derived once so that
 * sealing and opening a secret costs one AEAD call and no key derivation, and the keyed blind
 * index of section 7.2.
 *
 * The state is written only by cloak_vault_init() and cloak_vault_wipe(); every other function
 * reads it, so one state may serve many threads at once. It records its own address: a copy or a
 * moved state is refused (CLOAK_E_BAD_STATE) like a wiped one.
 */
#include <stddef.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

/*
 * Layout of cloak_vault (see CLOAK_STATE_ACCESSORS in internal.h).
 *
 * ad_prefix is the part of a secret's associated data that depends on the vault and epoch alone:
 * the header of every secret of this vault key (type SECRET, key id of the vault key), the epoch,
 * then lp8(vault id). A secret's first 24 bytes, once cloak__header_check(), the key id and the
 * epoch comparisons pass, are byte for byte the first 24 bytes here, so the prefix is "bytes 0 to
 * 24 as received" of section 7.1.
 */
typedef struct CLOAK_STATE_LAYOUT vault_state {
    cloak__state_head head;
    uint32_t epoch;
    uint8_t secret_key[CLOAK_KEYBYTES];
    uint8_t index_key[CLOAK_KEYBYTES];
    uint8_t ad_prefix[CLOAK_SECRET_EPOCH_END + 1U + CLOAK_LABELBYTES_MAX];
} vault_state;

CLOAK_STATE_ACCESSORS(cloak_vault, vault_state, vault_state_of)

/* lp8(vault id), the tail of ad_prefix. */
#define LPVID_OFF CLOAK_SECRET_EPOCH_END

/* A state set up by cloak_vault_init() at this very address: a wiped or never-initialised state is
 * refused instead of sealing under an all-zero key, and so is a copy (one state, one owner of its
 * keys, wiped in one place). */
static int vault_ready(const cloak_vault *vault)
{
    return vault != NULL && cloak__state_is(&vault_state_of_const(vault)->head, vault, CLOAK__ROLE_VAULT);
}

void cloak_vault_key_generate(uint8_t vault_key[CLOAK_KEYBYTES])
{
    if (vault_key != NULL) {
        randombytes_buf(vault_key, CLOAK_KEYBYTES);
    }
}

int cloak_vault_init(cloak_vault *vault, const uint8_t vault_key[CLOAK_KEYBYTES], uint32_t epoch,
                     const uint8_t *vault_id, size_t vault_id_len)
{
    vault_state *s;
    uint8_t key_id[CLOAK_KEYIDBYTES];
    int rc = CLOAK_E_BAD_PARAMS;

    /* The state is built in place, from zero (padding included). */
    cloak__wipe(vault, sizeof *vault);
    if (vault == NULL || vault_key == NULL || epoch == 0U || vault_id == NULL || vault_id_len < 1U ||
        vault_id_len > CLOAK_LABELBYTES_MAX) {
        goto done;
    }
    s = vault_state_of(vault);
    rc = cloak__hkdf_expand(s->secret_key, CLOAK_KEYBYTES, vault_key, CLOAK_KEYBYTES,
                            (const uint8_t *)CLOAK_LABEL_SECRET_KEY, CLOAK_LABEL_LEN(CLOAK_LABEL_SECRET_KEY));
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = cloak__hkdf_expand(s->index_key, CLOAK_KEYBYTES, vault_key, CLOAK_KEYBYTES,
                            (const uint8_t *)CLOAK_LABEL_INDEX_KEY, CLOAK_LABEL_LEN(CLOAK_LABEL_INDEX_KEY));
    if (rc != CLOAK_OK) {
        goto done;
    }
    cloak_key_id(key_id, vault_key);
    cloak__header_write(s->ad_prefix, (uint8_t)CLOAK_TYPE_SECRET, key_id);
    cloak__store32_be(s->ad_prefix + CLOAK_SECRET_EPOCH_OFF, epoch);
    (void)cloak__put_lp8(s->ad_prefix, LPVID_OFF, vault_id, vault_id_len);
    s->epoch = epoch;
    cloak__state_set(&s->head, vault, CLOAK__ROLE_VAULT);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(vault, sizeof *vault);
    }
    return rc;
}

void cloak_vault_wipe(cloak_vault *vault)
{
    cloak__wipe(vault, sizeof *vault);
}

void cloak_vault_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const cloak_vault *vault)
{
    if (key_id == NULL || !vault_ready(vault)) {
        cloak__wipe(key_id, CLOAK_KEYIDBYTES);
        return;
    }
    memcpy(key_id, vault_state_of_const(vault)->ad_prefix + CLOAK_HEADER_KEYID_OFFSET, CLOAK_KEYIDBYTES);
}

uint32_t cloak_vault_epoch(const cloak_vault *vault)
{
    return vault_ready(vault) ? vault_state_of_const(vault)->epoch : 0U;
}

int cloak__vault_secret_view(const cloak_vault *vault, const uint8_t **secret_key, const uint8_t **ad_prefix,
                             size_t *ad_prefix_len)
{
    if (!vault_ready(vault)) {
        *secret_key = NULL;
        *ad_prefix = NULL;
        *ad_prefix_len = 0;
        return vault == NULL ? CLOAK_E_BAD_PARAMS : CLOAK_E_BAD_STATE;
    }
    const vault_state *const s = vault_state_of_const(vault);
    *secret_key = s->secret_key;
    *ad_prefix = s->ad_prefix;
    *ad_prefix_len = LPVID_OFF + 1U + (size_t)s->ad_prefix[LPVID_OFF];
    return CLOAK_OK;
}

int cloak_vault_blind_index(const cloak_vault *vault, uint8_t index[CLOAK_BLIND_INDEXBYTES], const uint8_t *name,
                            size_t name_len)
{
    if (index == NULL || vault == NULL || name == NULL || name_len < 1U || name_len > CLOAK_LABELBYTES_MAX) {
        cloak__wipe(index, CLOAK_BLIND_INDEXBYTES);
        return CLOAK_E_BAD_PARAMS;
    }
    if (!vault_ready(vault)) {
        cloak__wipe(index, CLOAK_BLIND_INDEXBYTES);
        return CLOAK_E_BAD_STATE;
    }

    /* lp8(vault id) || lp8(name); names are confidential to the application, so the copy is wiped. */
    uint8_t msg[2U * (1U + CLOAK_LABELBYTES_MAX)];
    const vault_state *const s = vault_state_of_const(vault);
    size_t msg_len = cloak__put(msg, 0, s->ad_prefix + LPVID_OFF, 1U + (size_t)s->ad_prefix[LPVID_OFF]);
    msg_len = cloak__put_lp8(msg, msg_len, name, name_len);

    cloak__hmac_sha256(index, s->index_key, CLOAK_KEYBYTES, msg, msg_len);
    cloak__wipe(msg, msg_len);
    return CLOAK_OK;
}

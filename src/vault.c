/*
 * Vault state (docs/protocol.md section 7): the subkeys of one vault key, derived once so that
 * sealing and opening a secret costs one AEAD call and no key derivation, and the keyed blind
 * index of section 7.2.
 *
 * The state is written only by cloak_vault_init() and cloak_vault_wipe(); every other function
 * reads it, so one state may serve many threads at once.
 */
#include <stddef.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

/*
 * Layout of cloak_vault (see CLOAK_STATE_ACCESSORS in internal.h).
 *
 * ad_prefix is the part of a secret's associated data that depends on the vault alone:
 * the header of every secret of this vault (type SECRET, key id of the vault key) followed by
 * lp8(vault id). A secret's header, once cloak__header_check() and the key id comparison pass, is
 * byte for byte this header, so the prefix is the header "as received" of section 2.
 */
typedef struct CLOAK_STATE_LAYOUT vault_state {
    uint8_t magic[8];
    uint8_t secret_key[CLOAK_KEYBYTES];
    uint8_t index_key[CLOAK_KEYBYTES];
    uint8_t ad_prefix[CLOAK_HEADERBYTES + 1U + CLOAK_LABELBYTES_MAX];
} vault_state;

CLOAK_STATE_ACCESSORS(cloak_vault, vault_state, vault_state_of)

/* lp8(vault id), the tail of ad_prefix. */
#define LPVID_OFF CLOAK_HEADERBYTES

/* Marks an initialised state: a wiped or never-initialised state is refused instead of sealing
 * under an all-zero key. */
static const uint8_t vault_magic[8] = {'c', 'l', 'k', 'v', 'a', 'u', 'l', 't'};

static int vault_ready(const cloak_vault *vault)
{
    return vault != NULL && memcmp(vault_state_of_const(vault)->magic, vault_magic, sizeof vault_magic) == 0;
}

void cloak_vault_key_generate(uint8_t vault_key[CLOAK_KEYBYTES])
{
    if (vault_key != NULL) {
        randombytes_buf(vault_key, CLOAK_KEYBYTES);
    }
}

int cloak_vault_init(cloak_vault *vault, const uint8_t vault_key[CLOAK_KEYBYTES], const uint8_t *vault_id,
                     size_t vault_id_len)
{
    vault_state *s;
    uint8_t key_id[CLOAK_KEYIDBYTES];
    int rc = CLOAK_E_BAD_PARAMS;

    /* The state is built in place, from zero (padding included). */
    cloak__wipe(vault, sizeof *vault);
    if (vault == NULL || vault_key == NULL || vault_id == NULL || vault_id_len < 1U ||
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
    (void)cloak__put_lp8(s->ad_prefix, LPVID_OFF, vault_id, vault_id_len);
    memcpy(s->magic, vault_magic, sizeof vault_magic);

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

int cloak__vault_secret_view(const cloak_vault *vault, const uint8_t **secret_key, const uint8_t **ad_prefix,
                             size_t *ad_prefix_len)
{
    if (!vault_ready(vault)) {
        *secret_key = NULL;
        *ad_prefix = NULL;
        *ad_prefix_len = 0;
        return CLOAK_E_BAD_PARAMS;
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
    if (index == NULL || !vault_ready(vault) || name == NULL || name_len < 1U || name_len > CLOAK_LABELBYTES_MAX) {
        cloak__wipe(index, CLOAK_BLIND_INDEXBYTES);
        return CLOAK_E_BAD_PARAMS;
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

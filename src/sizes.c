/* Twin functions of the size and bound macros, for bindings that cannot read the header. */
#include "internal.h"

size_t cloak_keybytes(void)
{
    return CLOAK_KEYBYTES;
}

size_t cloak_keyidbytes(void)
{
    return CLOAK_KEYIDBYTES;
}

size_t cloak_max_labelbytes(void)
{
    return CLOAK_MAX_LABELBYTES;
}

size_t cloak_headerbytes(void)
{
    return CLOAK_HEADERBYTES;
}

size_t cloak_identity_publickeybytes(void)
{
    return CLOAK_IDENTITY_PUBLICKEYBYTES;
}

size_t cloak_identity_secretkeybytes(void)
{
    return CLOAK_IDENTITY_SECRETKEYBYTES;
}

size_t cloak_identity_seedbytes(void)
{
    return CLOAK_IDENTITY_SEEDBYTES;
}

size_t cloak_signaturebytes(void)
{
    return CLOAK_SIGNATUREBYTES;
}

size_t cloak_encryption_publickeybytes(void)
{
    return CLOAK_ENCRYPTION_PUBLICKEYBYTES;
}

size_t cloak_encryption_secretkeybytes(void)
{
    return CLOAK_ENCRYPTION_SECRETKEYBYTES;
}

size_t cloak_encryption_seedbytes(void)
{
    return CLOAK_ENCRYPTION_SEEDBYTES;
}

size_t cloak_public_key_blobbytes(void)
{
    return CLOAK_PUBLIC_KEY_BLOBBYTES;
}

size_t cloak_bundlebytes(void)
{
    return CLOAK_BUNDLEBYTES;
}

size_t cloak_wrapped_keybytes(void)
{
    return CLOAK_WRAPPED_KEYBYTES;
}

size_t cloak_service_account_keybytes(void)
{
    return CLOAK_SERVICE_ACCOUNT_KEYBYTES;
}

size_t cloak_sharebytes(void)
{
    return CLOAK_SHAREBYTES;
}

size_t cloak_secret_overheadbytes(void)
{
    return CLOAK_SECRET_OVERHEADBYTES;
}

size_t cloak_batch_item_overheadbytes(void)
{
    return CLOAK_BATCH_ITEM_OVERHEADBYTES;
}

size_t cloak_batch_digestbytes(void)
{
    return CLOAK_BATCH_DIGESTBYTES;
}

size_t cloak_blind_indexbytes(void)
{
    return CLOAK_BLIND_INDEXBYTES;
}

size_t cloak_password_saltbytes(void)
{
    return CLOAK_PASSWORD_SALTBYTES;
}

size_t cloak_password_recordbytes(void)
{
    return CLOAK_PASSWORD_RECORDBYTES;
}

size_t cloak_fingerprint_textbytes(void)
{
    return CLOAK_FINGERPRINT_TEXTBYTES;
}

size_t cloak_pair_code_textbytes(void)
{
    return CLOAK_PAIR_CODE_TEXTBYTES;
}

size_t cloak_vault_statebytes(void)
{
    return CLOAK_VAULT_STATEBYTES;
}

size_t cloak_batch_statebytes(void)
{
    return CLOAK_BATCH_STATEBYTES;
}

size_t cloak_hpke_contextbytes(void)
{
    return CLOAK_HPKE_CONTEXTBYTES;
}

size_t cloak_hpke_encbytes(void)
{
    return CLOAK_HPKE_ENCBYTES;
}

size_t cloak_hpke_tagbytes(void)
{
    return CLOAK_HPKE_TAGBYTES;
}

size_t cloak_password_maxbytes(void)
{
    return CLOAK_PASSWORD_MAXBYTES;
}

size_t cloak_max_batch_items(void)
{
    return CLOAK_MAX_BATCH_ITEMS;
}

uint32_t cloak_password_memory_kib_default(void)
{
    return CLOAK_PASSWORD_MEMORY_KIB_DEFAULT;
}

uint32_t cloak_password_memory_kib_min(void)
{
    return CLOAK_PASSWORD_MEMORY_KIB_MIN;
}

uint32_t cloak_password_memory_kib_max(void)
{
    return CLOAK_PASSWORD_MEMORY_KIB_MAX;
}

uint32_t cloak_password_iterations_default(void)
{
    return CLOAK_PASSWORD_ITERATIONS_DEFAULT;
}

uint32_t cloak_password_iterations_min(void)
{
    return CLOAK_PASSWORD_ITERATIONS_MIN;
}

uint32_t cloak_password_iterations_max(void)
{
    return CLOAK_PASSWORD_ITERATIONS_MAX;
}

uint32_t cloak_password_parallelism_default(void)
{
    return CLOAK_PASSWORD_PARALLELISM_DEFAULT;
}

uint32_t cloak_password_parallelism_min(void)
{
    return CLOAK_PASSWORD_PARALLELISM_MIN;
}

uint32_t cloak_password_parallelism_max(void)
{
    return CLOAK_PASSWORD_PARALLELISM_MAX;
}

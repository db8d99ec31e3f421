/* Status codes to sentences, and library initialisation. */
#include <sodium.h>

#include "internal.h"

const char *cloak_status_string(int status)
{
    switch (status) {
    case CLOAK_OK:
        return "success";
    case CLOAK_E_MALFORMED:
        return "malformed input: not a well-formed libcloak encoding";
    case CLOAK_E_UNSUPPORTED_VERSION:
        return "unsupported format version";
    case CLOAK_E_UNSUPPORTED_SUITE:
        return "unsupported cipher suite";
    case CLOAK_E_WRONG_TYPE:
        return "wrong object type for this operation";
    case CLOAK_E_WRONG_KEY:
        return "made for another key (key id does not match)";
    case CLOAK_E_AUTH:
        return "authentication failed: altered, or opened in another context";
    case CLOAK_E_BAD_SIGNATURE:
        return "signature does not verify";
    case CLOAK_E_UNTRUSTED_SIGNER:
        return "signed by an identity that is not trusted";
    case CLOAK_E_BUFFER_TOO_SMALL:
        return "output buffer too small";
    case CLOAK_E_BAD_PARAMS:
        return "parameter out of bounds";
    case CLOAK_E_INVALID_KEY:
        return "invalid public key";
    case CLOAK_E_CHECKSUM:
        return "text checksum does not match: check the copy";
    case CLOAK_E_MISMATCH:
        return "authentic, but belongs to another name, batch or key";
    case CLOAK_E_NOMEM:
        return "out of memory";
    case CLOAK_E_INTERNAL:
        return "internal error: initialisation or system failure";
    default:
        return "unknown status code";
    }
}

int cloak_init(void)
{
    /* sodium_init() returns 1 when already initialised, which is success here. */
    return sodium_init() < 0 ? CLOAK_E_INTERNAL : CLOAK_OK;
}

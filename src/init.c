/* Library initialisation: libsodium's CPU detection and random source. */
#include <sodium.h>

#include "internal.h"

int cloak_init(void)
{
    /* sodium_init() returns 1 when already initialised, which is success here. */
    return sodium_init() < 0 ? CLOAK_E_INTERNAL : CLOAK_OK;
}

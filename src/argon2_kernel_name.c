/* The name of the Argon2id implementation the library was built with (cloak_password_kernel()). */
#include "internal.h"

const char *cloak_password_kernel(void)
{
    return "libargon2 (system)";
}

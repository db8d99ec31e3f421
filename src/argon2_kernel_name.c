/* The name of the Argon2id implementation libcloak runs (cloak_password_kernel()). With the
 * optimised kernel (src/argon2-kernel) it is the variant its dispatcher picks on this CPU, so that a
 * log or a benchmark names what ran, not only what was built. */
#include "internal.h"

#ifdef CLOAK_ARGON2_OPTIMIZED
#include "cloak_argon2_dispatch.h"

const char *cloak_password_kernel(void)
{
    return cloak_argon2_dispatch_name();
}
#else
const char *cloak_password_kernel(void)
{
    return "libargon2 (system)";
}
#endif

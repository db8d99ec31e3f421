/* Version queries: the header's macros tell what a program was compiled against, these what it runs
 * with. */
#include "internal.h"

const char *cloak_version_string(void)
{
    return CLOAK_VERSION_STRING;
}

int cloak_version_major(void)
{
    return CLOAK_VERSION_MAJOR;
}

int cloak_version_minor(void)
{
    return CLOAK_VERSION_MINOR;
}

int cloak_version_patch(void)
{
    return CLOAK_VERSION_PATCH;
}

/* Strong definitions of src/argon2.c's test hooks, recording into argon2_seen (see argon2_watch.h). */
#include "argon2_watch.h"

#include <string.h>

#include "argon2_hooks.h"
#include "bytes.h"

argon2_watch argon2_seen;

void argon2_seen_reset(void)
{
    memset(&argon2_seen, 0, sizeof argon2_seen);
}

void cloak__argon2_hook_entered(void)
{
    argon2_seen.calls++;
}

void cloak__argon2_hook_allocated(size_t len)
{
    argon2_seen.allocations++;
    argon2_seen.last_allocated_len = len;
}

void cloak__argon2_hook_released(const uint8_t *memory, size_t len)
{
    argon2_seen.releases++;
    argon2_seen.last_released_len = len;
    argon2_seen.last_released_all_zero = all_zero(memory, len);
}

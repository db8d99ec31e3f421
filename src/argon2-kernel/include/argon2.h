/*
 * <argon2.h> as libcloak's src/argon2.c sees it under -Dargon2_kernel=optimized: the reference
 * library's own header, extracted at build time (found next, on the -isystem path the kernel's
 * dependency adds, ahead of /usr/include), with every Argon2 name renamed cloak_argon2_*, so that
 * argon2_ctx() (cloak_argon2_argon2_ctx) and friends bind to the kernel built here and to no other copy. Like the system's
 * header it replaces, it is a system header: the project's warnings are not for third-party code.
 */
#pragma GCC system_header
#include "cloak_argon2_rename.h"
#include_next <argon2.h>

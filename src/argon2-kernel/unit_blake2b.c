/* The reference library's src/blake2/blake2b.c, every global name renamed (see cloak_argon2_rename.h). */
#include "cloak_argon2_rename.h"
#include "upstream/src/blake2/blake2b.c"

/* The reference library's src/argon2.c, every global name renamed (see cloak_argon2_rename.h). */
#include "cloak_argon2_rename.h"
#include "upstream/src/argon2.c"

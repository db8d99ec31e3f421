/* The reference library's src/core.c, every global name renamed (see cloak_argon2_rename.h). */
#include "cloak_argon2_rename.h"
#include "upstream/src/core.c"

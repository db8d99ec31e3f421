/* The reference library's src/encoding.c, every global name renamed (see cloak_argon2_rename.h). */
#include "cloak_argon2_rename.h"
#include "upstream/src/encoding.c"

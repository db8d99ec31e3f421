/* The reference library's src/thread.c, every global name renamed (see cloak_argon2_rename.h). */
#include "cloak_argon2_rename.h"
#include "upstream/src/thread.c"

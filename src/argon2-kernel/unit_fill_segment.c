/*
 * The reference library's optimised kernel, src/opt.c, compiled once per instruction set with
 * -DCLOAK_ARGON2_FILL_SEGMENT=<its name> and that set's -m flag: its one global function,
 * fill_segment, gets a name per variant, and dispatch.c picks one at run time.
 */
#include "cloak_argon2_rename.h"
#undef fill_segment
#define fill_segment CLOAK_ARGON2_FILL_SEGMENT
#include "upstream/src/opt.c"

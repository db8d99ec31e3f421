/*
 * Declassification points for the constant-time check (tests/ct).
 *
 * That check runs libcloak under valgrind memcheck with every secret marked undefined, so memcheck
 * reports each branch, memory address and system call argument that depends on a secret. A few
 * values computed from secrets are public by design of the protocol: a key id, a public key
 * computed from its private key, whether an authentication tag verified, whether a shared secret is
 * all zero, the length of a batch item's name. cloak__declassify() marks such a value defined where
 * it becomes public, so that the library may branch on it and everything else is still checked.
 * Each use says why the value is public.
 *
 * Only the build of tests/ct compiles the library with -DCLOAK_CT_VALIDATION; everywhere else the
 * macro is empty and no valgrind client request is in the library.
 */
#ifndef CLOAK_DECLASSIFY_H
#define CLOAK_DECLASSIFY_H

#if defined(CLOAK_CT_VALIDATION)
#include <valgrind/memcheck.h>
#define cloak__declassify(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define cloak__declassify(p, n) ((void)(p), (void)(n))
#endif

#endif /* CLOAK_DECLASSIFY_H */

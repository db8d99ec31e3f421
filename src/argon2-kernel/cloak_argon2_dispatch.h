/* What dispatch.c tells the rest of libcloak about the kernel variant it runs. */
#ifndef CLOAK_ARGON2_DISPATCH_H
#define CLOAK_ARGON2_DISPATCH_H

/* The variant fill_segment runs on this CPU, as cloak_password_kernel() reports it:
 * "optimized (avx512f)", "optimized (avx2)", "optimized (ssse3)" or "optimized (sse2)". A static
 * string. */
const char *cloak_argon2_dispatch_name(void);

#endif /* CLOAK_ARGON2_DISPATCH_H */

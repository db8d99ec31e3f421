/*
 * WebAssembly-only glue, linked with libcloak, libsodium and Argon2 into one module.
 *
 * Randomness: libsodium 1.0.18's randombytes.c, under emscripten, asks JavaScript for one 32-bit
 * value per output byte and looks for its source through `window`/`self` or `require('crypto')`,
 * which an ES module under Node does not have. It is left out of the build and replaced here by
 * crypto.getRandomValues (present in browsers, workers and Node >= 19 as globalThis.crypto),
 * filling the caller's buffer directly.
 *
 * libsodium's own Argon2 (crypto_pwhash) is left out too: libcloak uses the reference library,
 * whose global names libsodium's copy would clash with. sodium_init() still calls the pwhash
 * implementation picker; it has nothing to pick here.
 *
 * cloak_password_kernel() is defined here rather than by src/argon2_kernel_name.c (left out of this
 * build), which names the native build's Argon2: this module runs the reference library compiled
 * by wasm/build.sh, which passes its description in CLOAK_WASM_ARGON2_KERNEL.
 *
 * The module exports cloak_js_call() and cloak_js_wipe() (csrc/cloak_js.h), malloc and free.
 */
#include <emscripten.h>
#include <sodium.h>
#include <stdint.h>

#include "cloak.h"

#ifndef CLOAK_WASM_ARGON2_KERNEL
#error "wasm/build.sh defines CLOAK_WASM_ARGON2_KERNEL, the description of the Argon2 kernel it links"
#endif

const char *cloak_password_kernel(void)
{
    return CLOAK_WASM_ARGON2_KERNEL;
}

/* Throws (aborting the call) when no cryptographic random source exists, rather than running on. */
EM_JS(void, cloak_wasm_getrandom, (uint8_t *buf, size_t len), {
    var c = globalThis.crypto;
    if (!c || typeof c.getRandomValues !== 'function') {
        throw new Error('libcloak: no crypto.getRandomValues in this environment');
    }
    for (var off = 0; off < len; off += 65536) {
        var n = Math.min(65536, len - off);
        c.getRandomValues(HEAPU8.subarray(buf + off, buf + off + n));
    }
});

void randombytes_buf(void *const buf, const size_t size)
{
    if (size > 0) {
        cloak_wasm_getrandom((uint8_t *)buf, size);
    }
}

uint32_t randombytes_random(void)
{
    uint32_t r;
    randombytes_buf(&r, sizeof r);
    return r;
}

uint32_t randombytes_uniform(const uint32_t upper_bound)
{
    uint32_t min, r;
    if (upper_bound < 2) {
        return 0;
    }
    min = (1U + ~upper_bound) % upper_bound;
    do {
        r = randombytes_random();
    } while (r < min);
    return r % upper_bound;
}

void randombytes_stir(void)
{
}

int randombytes_close(void)
{
    return 0;
}

const char *randombytes_implementation_name(void)
{
    return "crypto.getRandomValues";
}

int _crypto_pwhash_argon2_pick_best_implementation(void);
int _crypto_pwhash_argon2_pick_best_implementation(void)
{
    return 0;
}

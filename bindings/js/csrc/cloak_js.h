/*
 * One dispatch table over the whole public C API, shared by both JavaScript backends (the Node
 * addon and the WebAssembly module), so that the two cannot drift apart: the TypeScript layer
 * (src/ops.ts) speaks only in these operation numbers and argument slots.
 *
 * An operation takes `nargs` slots. Slot i is a buffer (ptr[i], len[i] = its length), a number
 * passed in (len[i], ptr[i] unused) or a number passed out (written to len[i]). The slots follow
 * the C function's parameters in order (the rules are tools/emit_js.py's; the cases are generated
 * into cloak_ops.inc). Fixed-size buffers must have exactly their size
 * (CLOAK_E_BAD_PARAMS otherwise). A uint64_t, in or out, is an 8-byte little-endian buffer slot.
 * An opaque state is used in place: its buffer must be exactly the state's size and 8-byte
 * aligned, and stay at that address from init to wipe (the library refuses a moved state with
 * CLOAK_E_BAD_STATE), so hosts allocate each state once and never copy it.
 */
#ifndef CLOAK_JS_H
#define CLOAK_JS_H

#include <stddef.h>
#include <stdint.h>

#define CLOAK_JS_MAXARGS 16

int cloak_js_call(int op, uint8_t *const *ptr, size_t *len, size_t nargs);

/* Zeroes memory in a way the compiler keeps (for the hosts' temporary copies). */
void cloak_js_wipe(void *p, size_t len);

#endif

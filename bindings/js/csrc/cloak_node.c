/*
 * The Node backend: an N-API addon over libcloak, through the dispatch table of cloak_js.h.
 *
 *   call(op, args, nums) -> status
 *       args: an array of Uint8Array (a buffer slot), number (a number in) or null (an absent
 *       buffer); nums: a Float64Array of CLOAK_JS_MAXARGS that receives every slot's number after
 *       the call (the numbers passed out). Buffers are used in place: outputs land in them.
 *   callAsync(op, args, nums) -> Promise<status>
 *       the same, run on libuv's thread pool (for Argon2id). The buffers are copied in before and
 *       out after, so the JavaScript side may not see a half-written output; the copies are wiped.
 *       A state must not go through it: it would be a copy, which the library refuses.
 * A state's Uint8Array must be the whole of its own ArrayBuffer (allocated off the V8 heap, so it
 * neither moves nor shares a pooled slab): the library records the state's address at init.
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>

#include "cloak.h"
#include "cloak_js.h"

/* A non-NULL address for empty buffers: libcloak tells NULL (absent) from empty. */
static uint8_t empty_buffer[1];

typedef struct {
    uint8_t *ptr[CLOAK_JS_MAXARGS];
    size_t len[CLOAK_JS_MAXARGS];
    size_t nargs;
} slots;

static napi_value throw_type(napi_env env, const char *msg)
{
    napi_throw_type_error(env, "CLOAK_BINDING", msg);
    return NULL;
}

/* Reads the arguments array. Returns 0, or -1 with a JavaScript exception pending. */
static int read_slots(napi_env env, napi_value array, slots *s, napi_value *values)
{
    uint32_t count = 0;
    bool is_array = false;

    if (napi_is_array(env, array, &is_array) != napi_ok || !is_array ||
        napi_get_array_length(env, array, &count) != napi_ok || count > CLOAK_JS_MAXARGS) {
        throw_type(env, "args must be an array of at most CLOAK_JS_MAXARGS (16) slots");
        return -1;
    }
    s->nargs = count;
    for (uint32_t i = 0; i < count; i++) {
        napi_value v;
        napi_valuetype t;
        bool is_typed = false;

        if (napi_get_element(env, array, i, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok) {
            throw_type(env, "cannot read an argument");
            return -1;
        }
        values[i] = v;
        s->ptr[i] = NULL;
        s->len[i] = 0;
        if (t == napi_null || t == napi_undefined) {
            continue;
        }
        if (t == napi_number) {
            double d = 0;
            if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0) || d > 9007199254740991.0 ||
                d != (double)(uint64_t)d || (uint64_t)d > SIZE_MAX) {
                throw_type(env, "a number argument must be a non-negative safe integer");
                return -1;
            }
            s->len[i] = (size_t)d;
            continue;
        }
        if (napi_is_typedarray(env, v, &is_typed) == napi_ok && is_typed) {
            napi_typedarray_type tt;
            size_t length = 0;
            void *data = NULL;
            if (napi_get_typedarray_info(env, v, &tt, &length, &data, NULL, NULL) != napi_ok ||
                tt != napi_uint8_array) {
                throw_type(env, "buffer arguments must be Uint8Array");
                return -1;
            }
            s->ptr[i] = length == 0 || data == NULL ? empty_buffer : (uint8_t *)data;
            s->len[i] = length;
            continue;
        }
        throw_type(env, "arguments must be Uint8Array, number or null");
        return -1;
    }
    return 0;
}

/* The Float64Array of CLOAK_JS_MAXARGS numbers, or NULL (no exception is thrown here). */
static double *nums_array(napi_env env, napi_value nums)
{
    napi_typedarray_type tt;
    size_t length = 0;
    void *data = NULL;
    bool is_typed = false;

    if (napi_is_typedarray(env, nums, &is_typed) != napi_ok || !is_typed ||
        napi_get_typedarray_info(env, nums, &tt, &length, &data, NULL, NULL) != napi_ok ||
        tt != napi_float64_array || length < CLOAK_JS_MAXARGS) {
        return NULL;
    }
    return (double *)data;
}

/* Every slot's number after the call (lengths written, numbers passed out), 0 past the last. */
static void fill_nums(double *out, const slots *s)
{
    for (size_t i = 0; i < CLOAK_JS_MAXARGS; i++) {
        out[i] = i < s->nargs ? (double)s->len[i] : 0.0;
    }
}

static int write_nums(napi_env env, napi_value nums, const slots *s)
{
    double *out = nums_array(env, nums);
    if (out == NULL) {
        throw_type(env, "nums must be a Float64Array of CLOAK_JS_MAXARGS (16)");
        return -1;
    }
    fill_nums(out, s);
    return 0;
}

/* Reads the arguments of call() and callAsync(): (op, args, nums). Returns 0, or -1 with a
 * JavaScript exception pending. */
static int read_call(napi_env env, napi_callback_info info, const char *usage, int32_t *op, napi_value *nums,
                     slots *s, napi_value *values)
{
    size_t argc = 3;
    napi_value argv[3];

    if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3 ||
        napi_get_value_int32(env, argv[0], op) != napi_ok) {
        throw_type(env, usage);
        return -1;
    }
    if (nums_array(env, argv[2]) == NULL) {
        throw_type(env, "nums must be a Float64Array of CLOAK_JS_MAXARGS (16)");
        return -1;
    }
    *nums = argv[2];
    return read_slots(env, argv[1], s, values);
}

static napi_value js_call(napi_env env, napi_callback_info info)
{
    napi_value values[CLOAK_JS_MAXARGS];
    napi_value nums, result;
    int32_t op = -1;
    slots s;

    if (read_call(env, info, "call(op, args, nums)", &op, &nums, &s, values) != 0) {
        return NULL;
    }
    int rc = cloak_js_call(op, s.ptr, s.len, s.nargs);
    if (write_nums(env, nums, &s) != 0) {
        return NULL;
    }
    napi_create_int32(env, rc, &result);
    return result;
}

typedef struct {
    napi_async_work work;
    napi_deferred deferred;
    napi_ref buffers[CLOAK_JS_MAXARGS]; /* the caller's Uint8Arrays, NULL for number slots */
    napi_ref nums;
    int op;
    slots s;      /* pointers into private copies */
    int rc;
} async_call;

static void free_async(napi_env env, async_call *c)
{
    for (size_t i = 0; i < c->s.nargs; i++) {
        if (c->buffers[i] != NULL) {
            if (c->s.ptr[i] != NULL) {
                cloak_js_wipe(c->s.ptr[i], c->s.len[i] == 0 ? 1 : c->s.len[i]);
                free(c->s.ptr[i]);
            }
            napi_delete_reference(env, c->buffers[i]);
        }
    }
    if (c->nums != NULL) {
        napi_delete_reference(env, c->nums);
    }
    if (c->work != NULL) {
        napi_delete_async_work(env, c->work);
    }
    free(c);
}

static void execute_async(napi_env env, void *data)
{
    async_call *c = (async_call *)data;
    (void)env;
    c->rc = cloak_js_call(c->op, c->s.ptr, c->s.len, c->s.nargs);
}

static void complete_async(napi_env env, napi_status status, void *data)
{
    async_call *c = (async_call *)data;
    napi_value v, nums, result;

    for (size_t i = 0; i < c->s.nargs; i++) {
        napi_typedarray_type tt;
        size_t length = 0;
        void *dst = NULL;
        if (c->buffers[i] == NULL || napi_get_reference_value(env, c->buffers[i], &v) != napi_ok ||
            napi_get_typedarray_info(env, v, &tt, &length, &dst, NULL, NULL) != napi_ok) {
            continue;
        }
        /* A buffer the caller shrank (detached) meanwhile gets nothing. */
        if (dst != NULL && length == c->s.len[i] && length > 0) {
            memcpy(dst, c->s.ptr[i], length);
        }
    }
    if (napi_get_reference_value(env, c->nums, &nums) == napi_ok) {
        double *out = nums_array(env, nums);
        if (out != NULL) {
            fill_nums(out, &c->s);
        }
    }
    napi_create_int32(env, status == napi_ok ? c->rc : CLOAK_E_INTERNAL, &result);
    napi_resolve_deferred(env, c->deferred, result);
    free_async(env, c);
}

static napi_value js_call_async(napi_env env, napi_callback_info info)
{
    napi_value values[CLOAK_JS_MAXARGS];
    napi_value nums, promise, name;
    int32_t op = -1;
    slots s;
    async_call *c;

    if (read_call(env, info, "callAsync(op, args, nums)", &op, &nums, &s, values) != 0) {
        return NULL;
    }
    c = (async_call *)calloc(1, sizeof *c);
    if (c == NULL) {
        napi_throw_error(env, "CLOAK_BINDING", "out of memory");
        return NULL;
    }
    c->op = op;
    c->s.nargs = s.nargs;
    for (size_t i = 0; i < s.nargs; i++) {
        c->s.len[i] = s.len[i];
        if (s.ptr[i] == NULL) {
            continue; /* a number, or an absent buffer */
        }
        c->s.ptr[i] = (uint8_t *)malloc(s.len[i] == 0 ? 1 : s.len[i]);
        if (c->s.ptr[i] == NULL || napi_create_reference(env, values[i], 1, &c->buffers[i]) != napi_ok) {
            if (c->s.ptr[i] != NULL && c->buffers[i] == NULL) {
                free(c->s.ptr[i]);
                c->s.ptr[i] = NULL;
            }
            free_async(env, c);
            napi_throw_error(env, "CLOAK_BINDING", "out of memory");
            return NULL;
        }
        memcpy(c->s.ptr[i], s.ptr[i], s.len[i]);
    }
    if (napi_create_reference(env, nums, 1, &c->nums) != napi_ok ||
        napi_create_promise(env, &c->deferred, &promise) != napi_ok ||
        napi_create_string_utf8(env, "libcloak", NAPI_AUTO_LENGTH, &name) != napi_ok ||
        napi_create_async_work(env, NULL, name, execute_async, complete_async, c, &c->work) != napi_ok ||
        napi_queue_async_work(env, c->work) != napi_ok) {
        free_async(env, c);
        napi_throw_error(env, "CLOAK_BINDING", "cannot queue the work");
        return NULL;
    }
    return promise;
}

static napi_value init(napi_env env, napi_value exports)
{
    napi_property_descriptor props[] = {
        {"call", NULL, js_call, NULL, NULL, NULL, napi_enumerable, NULL},
        {"callAsync", NULL, js_call_async, NULL, NULL, NULL, napi_enumerable, NULL},
    };
    if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) {
        return NULL;
    }
    return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)

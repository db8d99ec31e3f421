/*
 * Every global name of the Argon2 reference library, renamed with the prefix cloak_argon2_.
 *
 * libsodium carries its own copy of Argon2 under the same names as libargon2 (initialize,
 * fill_segment, blake2b_long, argon2id_hash_raw, ...), and Debian's libargon2 is a third copy. The
 * optimised kernel (src/argon2-kernel) includes this header first in each of its translation
 * units, and libcloak's src/argon2.c gets it through include/argon2.h, so both sides of every call
 * carry the prefix and no call can bind to another copy. tests/bench/check-kernel-symbols.py checks
 * that none of these names is left, defined or referenced, in the kernel's archive or in libcloak's
 * objects.
 *
 * The list is `nm -g --defined-only libargon2.a` of Debian 12's libargon2 (0~20171227). The fetched
 * source (release 20190702) defines no other global name: the check above would name it.
 */
#ifndef CLOAK_ARGON2_RENAME_H
#define CLOAK_ARGON2_RENAME_H

#define FLAG_clear_internal_memory cloak_argon2_FLAG_clear_internal_memory
#define allocate_memory            cloak_argon2_allocate_memory
#define argon2_ctx                 cloak_argon2_argon2_ctx
#define argon2_encodedlen          cloak_argon2_argon2_encodedlen
#define argon2_error_message       cloak_argon2_argon2_error_message
#define argon2_hash                cloak_argon2_argon2_hash
#define argon2_thread_create       cloak_argon2_argon2_thread_create
#define argon2_thread_exit         cloak_argon2_argon2_thread_exit
#define argon2_thread_join         cloak_argon2_argon2_thread_join
#define argon2_type2string         cloak_argon2_argon2_type2string
#define argon2_verify              cloak_argon2_argon2_verify
#define argon2_verify_ctx          cloak_argon2_argon2_verify_ctx
#define argon2d_ctx                cloak_argon2_argon2d_ctx
#define argon2d_hash_encoded       cloak_argon2_argon2d_hash_encoded
#define argon2d_hash_raw           cloak_argon2_argon2d_hash_raw
#define argon2d_verify             cloak_argon2_argon2d_verify
#define argon2d_verify_ctx         cloak_argon2_argon2d_verify_ctx
#define argon2i_ctx                cloak_argon2_argon2i_ctx
#define argon2i_hash_encoded       cloak_argon2_argon2i_hash_encoded
#define argon2i_hash_raw           cloak_argon2_argon2i_hash_raw
#define argon2i_verify             cloak_argon2_argon2i_verify
#define argon2i_verify_ctx         cloak_argon2_argon2i_verify_ctx
#define argon2id_ctx               cloak_argon2_argon2id_ctx
#define argon2id_hash_encoded      cloak_argon2_argon2id_hash_encoded
#define argon2id_hash_raw          cloak_argon2_argon2id_hash_raw
#define argon2id_verify            cloak_argon2_argon2id_verify
#define argon2id_verify_ctx        cloak_argon2_argon2id_verify_ctx
#define b64len                     cloak_argon2_b64len
#define blake2b                    cloak_argon2_blake2b
#define blake2b_final              cloak_argon2_blake2b_final
#define blake2b_init               cloak_argon2_blake2b_init
#define blake2b_init_key           cloak_argon2_blake2b_init_key
#define blake2b_init_param         cloak_argon2_blake2b_init_param
#define blake2b_long               cloak_argon2_blake2b_long
#define blake2b_update             cloak_argon2_blake2b_update
#define clear_internal_memory      cloak_argon2_clear_internal_memory
#define copy_block                 cloak_argon2_copy_block
#define decode_string              cloak_argon2_decode_string
#define encode_string              cloak_argon2_encode_string
#define fill_first_blocks          cloak_argon2_fill_first_blocks
#define fill_memory_blocks         cloak_argon2_fill_memory_blocks
#define fill_segment               cloak_argon2_fill_segment
#define finalize                   cloak_argon2_finalize
#define free_memory                cloak_argon2_free_memory
#define index_alpha                cloak_argon2_index_alpha
#define init_block_value           cloak_argon2_init_block_value
#define initial_hash               cloak_argon2_initial_hash
#define initialize                 cloak_argon2_initialize
#define numlen                     cloak_argon2_numlen
#define secure_wipe_memory         cloak_argon2_secure_wipe_memory
#define validate_inputs            cloak_argon2_validate_inputs
#define xor_block                  cloak_argon2_xor_block

#endif /* CLOAK_ARGON2_RENAME_H */

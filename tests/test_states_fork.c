/*
 * A caller-owned state set up before fork() is refused in the child (CLOAK_E_BAD_STATE): a child
 * sealing with its copy of the parent's HPKE sender context or batch writer would reuse the nonces
 * the parent goes on to use. The parent keeps its states. A state the child sets up itself works.
 */
#define _GNU_SOURCE /* fork under -std=c11 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cloak.h"

#define VID "vault"
#define VID_LEN 5U

typedef struct fixture {
    uint8_t account_pk[32], account_sk[32], creator_pk[32], creator_sk[64];
    cloak_hpke_context sender;
    cloak_batch writer;
    cloak_vault vault;
} fixture;

/* In the child: every inherited state refused, a fresh one accepted. Exit status 0 when all hold. */
static int child_checks(fixture *f)
{
    static const uint8_t head_hash[32] = {1};
    static const uint8_t key[32] = {2};
    uint8_t enc[32], ct[32 + CLOAK_HPKE_TAGBYTES], item[256], digest[32], sealed[256];
    size_t item_len, sealed_len;
    uint32_t index;
    cloak_hpke_context fresh;
    int failures = 0;

    failures += cloak_hpke_seal(&f->sender, ct, NULL, 0, key, 32) != CLOAK_E_BAD_STATE;
    failures += cloak_batch_seal_item(&f->writer, item, sizeof item, &item_len, &index, digest, (const uint8_t *)"k",
                                      1, (const uint8_t *)"v", 1) != CLOAK_E_BAD_STATE;
    failures += cloak_secret_seal(&f->vault, sealed, sizeof sealed, &sealed_len, (const uint8_t *)"k", 1, NULL, 0,
                                  (const uint8_t *)"v", 1) != CLOAK_E_BAD_STATE;
    failures += cloak_hpke_setup_sender(&fresh, enc, f->account_pk, NULL, 0) != CLOAK_OK;
    failures += cloak_hpke_seal(&fresh, ct, NULL, 0, key, 32) != CLOAK_OK;
    cloak_hpke_context_wipe(&fresh);
    failures += cloak_batch_begin(&f->writer, f->account_pk, f->creator_pk, (const uint8_t *)VID, VID_LEN, 1, 1,
                                  head_hash, UINT64_MAX) != CLOAK_OK;
    return failures == 0 ? 0 : 1;
}

static void test_states_refused_after_fork(void **state)
{
    static const uint8_t head_hash[32] = {1};
    static const uint8_t key[32] = {2};
    fixture f;
    uint8_t enc[32], ct[32 + CLOAK_HPKE_TAGBYTES], item[256], digest[32];
    size_t item_len;
    uint32_t index;
    int status = -1;
    pid_t pid;
    (void)state;

    cloak_encryption_keypair(f.account_pk, f.account_sk);
    cloak_identity_keypair(f.creator_pk, f.creator_sk);
    assert_int_equal(cloak_hpke_setup_sender(&f.sender, enc, f.account_pk, NULL, 0), CLOAK_OK);
    assert_int_equal(cloak_batch_begin(&f.writer, f.account_pk, f.creator_pk, (const uint8_t *)VID, VID_LEN, 1, 1,
                                       head_hash, UINT64_MAX),
                     CLOAK_OK);
    assert_int_equal(cloak_vault_init(&f.vault, key, 1, (const uint8_t *)VID, VID_LEN), CLOAK_OK);

    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        _exit(child_checks(&f));
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    /* The parent's states are its own still. */
    assert_int_equal(cloak_hpke_seal(&f.sender, ct, NULL, 0, key, 32), CLOAK_OK);
    assert_int_equal(cloak_batch_seal_item(&f.writer, item, sizeof item, &item_len, &index, digest,
                                           (const uint8_t *)"k", 1, (const uint8_t *)"v", 1),
                     CLOAK_OK);
    assert_int_equal(index, 0);
    cloak_hpke_context_wipe(&f.sender);
    cloak_batch_wipe(&f.writer);
    cloak_vault_wipe(&f.vault);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states_refused_after_fork),
    };
    if (cloak_init() != CLOAK_OK) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * How `cloak env` scales with the number of items in a batch (issue 17: linear time). Makes batches of
 * 100, 10,000 and 1,000,000 small items with libcloak (as make_fixture does: a member signs, an X-Wing
 * service account reads), then times `cloak env` on each and prints the time per item and its ratio to
 * the 100-item case. A measurement, not a pass/fail test.
 *
 *   ninja -C BUILD examples/cli/cloak tests/bench/cli_bench
 *   BUILD/tests/bench/cli_bench BUILD/examples/cli/cloak [WORKDIR] [COUNT...]
 *
 * WORKDIR (default: a new directory under $TMPDIR or /tmp) keeps the batch files; COUNTs replace the
 * default three. Each item is a name of 8 bytes (S0000000) and a value of 24 bytes.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, mkdtemp, fork: the benchmark is POSIX like the CLI */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cloak.h"

#define VAULT_ID "acme/bench"

static void die(const char *what)
{
    fprintf(stderr, "cli_bench: %s\n", what);
    exit(1);
}

static void check(int rc, const char *what)
{
    if (rc != CLOAK_OK) {
        fprintf(stderr, "cli_bench: %s: %s\n", what, cloak_status_string(rc));
        exit(1);
    }
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n == 0 ? 1 : n);

    if (p == NULL) {
        die("out of memory");
    }
    return p;
}

/* Writes the text form of a blob and a newline. */
static void put_text(FILE *f, const uint8_t *blob, size_t len)
{
    size_t cap = cloak_text_encoded_len(len);
    char *text = xmalloc(cap);
    size_t n = 0;

    check(cloak_text_encode(text, cap, &n, blob, len), "text encode");
    if (fwrite(text, 1, n, f) != n || fputc('\n', f) == EOF) {
        die("write failed");
    }
    free(text);
}

static FILE *open_out(const char *dir, const char *name, int mode)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (f == NULL || chmod(path, (mode_t)mode) != 0) {
        die(path);
    }
    return f;
}

static void close_out(FILE *f)
{
    if (fflush(f) != 0 || ferror(f) || fclose(f) != 0) {
        die("write failed");
    }
}

/* The batch file of `count` items: the items are sealed first (into a temporary file, since the
 * batch line, which comes first, signs their digests), then the batch line and the items. */
static void make_batch_file(const char *dir, const char *name, size_t count, const uint8_t *account_pk,
                            const uint8_t *signer_pk, const uint8_t *signer_sk)
{
    cloak_batch writer;
    uint8_t head_hash[CLOAK_HEAD_HASHBYTES];
    uint8_t *digests = xmalloc(count * CLOAK_BATCH_DIGESTBYTES);
    size_t batch_len = cloak_batch_len_xwing(strlen(VAULT_ID), count);
    uint8_t *batch = xmalloc(batch_len);
    FILE *items = tmpfile();
    FILE *f;
    char buf[65536];
    size_t i;
    size_t n;

    if (items == NULL) {
        die("tmpfile");
    }
    randombytes_buf(head_hash, sizeof(head_hash));
    check(cloak_batch_begin_xwing(&writer, account_pk, signer_pk, (const uint8_t *)VAULT_ID, strlen(VAULT_ID), 1, 1,
                                  head_hash, (uint64_t)time(NULL) + 86400U),
          "batch begin");
    for (i = 0; i < count; i++) {
        char item_name[32];
        char value[48];
        uint8_t item[512];
        size_t item_len = 0;
        uint32_t index = 0;
        snprintf(item_name, sizeof(item_name), "S%07zu", i);
        snprintf(value, sizeof(value), "value-%07zu-abcdefghij", i);
        check(cloak_batch_seal_item(&writer, item, sizeof(item), &item_len, &index, digests + i * CLOAK_BATCH_DIGESTBYTES,
                                    (const uint8_t *)item_name, strlen(item_name), (const uint8_t *)value, strlen(value)),
              "seal item");
        put_text(items, item, item_len);
    }
    check(cloak_batch_finish(&writer, batch, batch_len, &batch_len, digests, count, signer_sk), "batch finish");
    f = open_out(dir, name, 0644);
    fprintf(f, "vault %s\n", VAULT_ID);
    put_text(f, batch, batch_len);
    rewind(items);
    while ((n = fread(buf, 1, sizeof(buf), items)) > 0) {
        if (fwrite(buf, 1, n, f) != n) {
            die("write failed");
        }
    }
    close_out(f);
    fclose(items);
    free(batch);
    free(digests);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One run of `cloak env`, its output to /dev/null; the wall time in seconds. */
static double time_env(const char *cloak, const char *dir, const char *file, const char *identity)
{
    char batch[4200];
    char key[4200];
    double start = now();
    pid_t pid;
    int status = 0;

    snprintf(batch, sizeof(batch), "%s/%s", dir, file);
    snprintf(key, sizeof(key), "%s/account.key", dir);
    /* Else the child would write the parent's buffered lines again when it reopens stdout. */
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        die("fork");
    }
    if (pid == 0) {
        if (freopen("/dev/null", "w", stdout) == NULL) {
            _exit(127);
        }
        execl(cloak, cloak, "env", batch, "--key-file", key, "--vault", VAULT_ID, "--trust", identity, "--no-state",
              (char *)NULL);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        die("cloak env failed (run it by hand on the batch file to see why)");
    }
    return now() - start;
}

int main(int argc, char **argv)
{
    static const size_t default_counts[] = {100, 10000, 1000000};
    uint8_t identity_pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
    uint8_t identity_sk[CLOAK_IDENTITY_SECRETKEYBYTES];
    uint8_t account_pk[CLOAK_XWING_PUBLICKEYBYTES];
    uint8_t account_sk[CLOAK_XWING_SECRETKEYBYTES];
    uint8_t key_blob[CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
    uint8_t id_blob[CLOAK_PUBLIC_KEY_BLOBBYTES];
    size_t counts[16];
    size_t ncounts = 0;
    char dir[4096];
    char *identity;
    size_t id_cap;
    size_t id_len = 0;
    double base = 0;
    FILE *f;
    int i;

    if (argc < 2) {
        fprintf(stderr, "usage: cli_bench PATH/TO/cloak [WORKDIR] [COUNT...]\n");
        return 2;
    }
    check(cloak_init(), "init");
    if (argc >= 3) {
        snprintf(dir, sizeof(dir), "%s", argv[2]);
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            die("cannot make WORKDIR");
        }
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof(dir), "%s/cloak-cli-bench.XXXXXX", tmp != NULL ? tmp : "/tmp");
        if (mkdtemp(dir) == NULL) {
            die("mkdtemp");
        }
    }
    for (i = 3; i < argc && ncounts < 16U; i++) {
        counts[ncounts++] = (size_t)strtoul(argv[i], NULL, 10);
    }
    if (ncounts == 0) {
        memcpy(counts, default_counts, sizeof(default_counts));
        ncounts = 3;
    }

    cloak_identity_keypair(identity_pk, identity_sk);
    cloak_xwing_keypair(account_pk, account_sk);
    check(cloak_service_account_xwing_private_export(key_blob, account_pk, account_sk), "account export");
    f = open_out(dir, "account.key", 0600);
    put_text(f, key_blob, sizeof(key_blob));
    close_out(f);
    cloak_identity_public_export(id_blob, identity_pk);
    id_cap = cloak_text_encoded_len(sizeof(id_blob));
    identity = xmalloc(id_cap);
    check(cloak_text_encode(identity, id_cap, &id_len, id_blob, sizeof(id_blob)), "identity encode");

    printf("cloak env on batches of small items (8-byte names, 24-byte values); work directory %s\n", dir);
    printf("%10s %12s %10s %12s %10s\n", "items", "file bytes", "seconds", "us/item", "ratio");
    for (i = 0; i < (int)ncounts; i++) {
        char file[64];
        char path[4200];
        struct stat st;
        double best = 1e30;
        double per_item;
        int reps = counts[i] >= 1000000U ? 1 : 3;
        int r;
        snprintf(file, sizeof(file), "batch-%zu.txt", counts[i]);
        make_batch_file(dir, file, counts[i], account_pk, identity_pk, identity_sk);
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        if (stat(path, &st) != 0) {
            die(path);
        }
        /* The best of a few runs: the machine's other work only ever adds time. */
        for (r = 0; r < reps; r++) {
            double t = time_env(argv[1], dir, file, identity);
            if (t < best) {
                best = t;
            }
        }
        per_item = best / (double)counts[i] * 1e6;
        if (i == 0) {
            base = per_item;
        }
        printf("%10zu %12lld %10.3f %12.2f %10.2f\n", counts[i], (long long)st.st_size, best, per_item, per_item / base);
        fflush(stdout);
    }
    printf("ratio: time per item against the first batch's; near 1 (or below, as fixed costs spread) means linear\n");
    sodium_memzero(identity_sk, sizeof(identity_sk));
    sodium_memzero(account_sk, sizeof(account_sk));
    sodium_memzero(key_blob, sizeof(key_blob));
    free(identity);
    return 0;
}

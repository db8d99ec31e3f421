#!/bin/sh
# X-Wing interoperability: libcloak against Go's crypto/hpke (MLKEM768X25519, HKDF-SHA256,
# ChaCha20Poly1305, Base mode), in both directions:
#   1. key pairs derived from the same seeds (DeriveKeyPair, 32 to 255 bytes) are the same;
#   2. what libcloak seals, Go opens, and the other way round, with the same export on both sides;
#   3. each side refuses the other's encapsulations tampered with (ML-KEM half, X25519 half) and
#      its ciphertexts changed.
# Usage: run-xwing.sh XWING_CLOAK GO_MODULE_DIR (tests/interop/meson.build passes both). Skipped
# (exit 77) only when there is no Go toolchain; Go's side is the standard library alone.
set -eu

# Under `meson test --setup valgrind` the wrapper runs this shell, not libcloak, under memcheck (and
# reports the shell's own leaks): go on without it, and run libcloak's tool under memcheck instead.
if [ -n "${CLOAK_TEST_UNDER_VALGRIND:-}" ] && [ -z "${XWING_INTEROP_NATIVE:-}" ]; then
    XWING_INTEROP_NATIVE=1 exec /bin/sh "$0" "$@"
fi

cloak=$1
godir=$2
run_cloak() {
    if [ -n "${CLOAK_TEST_UNDER_VALGRIND:-}" ]; then
        valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --quiet "$cloak"
    else
        "$cloak"
    fi
}

if ! command -v go >/dev/null 2>&1; then
    echo "go not found: X-Wing interoperability with Go's crypto/hpke skipped"
    exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# No module downloads, no toolchain switch, no cgo: crypto/hpke of the local toolchain.
export GOFLAGS=-mod=mod GOTOOLCHAIN=local GOPROXY=off CGO_ENABLED=0
# The user's build cache if there is a writable one ("off" without HOME), else a fresh one here.
gocache=$(go env GOCACHE 2>/dev/null || true)
case $gocache in
/*) mkdir -p "$gocache" 2>/dev/null && [ -w "$gocache" ] || export GOCACHE="$tmp/gocache" ;;
*) export GOCACHE="$tmp/gocache" ;;
esac
(cd "$godir" && go build -o "$tmp/xwing-go" .)
gotool=$tmp/xwing-go
echo "Go: $(go version)"

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# n random bytes in hex ("-" for none).
rand_hex() {
    if [ "$1" -eq 0 ]; then
        echo -
    else
        od -An -tx1 -v -N "$1" /dev/urandom | tr -d ' \n'
    fi
}

# Both tools answer a file of commands line by line; an "error" line where none is expected fails.
run_both() {
    "$gotool" <"$tmp/$1.in" >"$tmp/$1.go"
    run_cloak <"$tmp/$1.in" >"$tmp/$1.cloak"
    if [ "$(wc -l <"$tmp/$1.in")" -ne "$(wc -l <"$tmp/$1.go")" ] ||
        [ "$(wc -l <"$tmp/$1.in")" -ne "$(wc -l <"$tmp/$1.cloak")" ]; then
        fail "$1: a tool did not answer every line"
    fi
}

# 1. DeriveKeyPair: the draft's vector seed and random seeds of every length class.
{
    echo "derive 0379761fa4f6869592b0d1f9a71eb92b122dc030a7a8858132109f6b1a4bbde4"
    for n in 32 32 32 33 47 63 64 65 100 128 200 254 255; do
        echo "derive $(rand_hex $n)"
    done
} >"$tmp/derive.in"
run_both derive
keys=$(wc -l <"$tmp/derive.in")
if grep -q '^error' "$tmp/derive.go" "$tmp/derive.cloak"; then
    fail "derive: a derivation failed"
fi
if ! cmp -s "$tmp/derive.go" "$tmp/derive.cloak"; then
    fail "derive: key pairs differ between Go and libcloak"
fi
if [ "$(head -n 1 "$tmp/derive.go" | cut -c 1-16)" != "3c282de306815eb4" ]; then
    fail "derive: the vector seed does not give the vector's public key"
fi

# 2. Seals to every derived key (public key from Go's answers) with varied info, aad and plaintext
#    lengths; "plain" keeps what each seal should open to.
: >"$tmp/seal.in"
: >"$tmp/plain"
i=0
while read -r pk sk; do
    for pt_len in 0 1 16 17 $((i * 37 + 5)); do
        info=$(rand_hex $(((i + pt_len) % 3 * 20)))
        aad=$(rand_hex $((pt_len % 2 * 9)))
        pt=$(rand_hex "$pt_len")
        echo "seal $pk $info $aad $pt" >>"$tmp/seal.in"
        echo "$sk $info $aad $pt" >>"$tmp/plain"
    done
    i=$((i + 1))
done <"$tmp/derive.go"
seals=$(wc -l <"$tmp/seal.in")
run_both seal
if grep -q '^error' "$tmp/seal.go" "$tmp/seal.cloak"; then
    fail "seal: a seal failed"
fi
# Fresh randomness on both sides: no two encapsulations alike.
if [ "$(cut -d ' ' -f 1 "$tmp/seal.go" "$tmp/seal.cloak" | sort -u | wc -l)" -ne $((2 * seals)) ]; then
    fail "seal: repeated encapsulations"
fi

# Opens by the other side: "open SK ENC CT INFO AAD", expecting "PT EXP".
cross() { # sealer's answers, opener's input file, expected answers
    paste -d ' ' "$tmp/plain" "$1" | awk '{ print "open", $1, $5, $6, $2, $3 }' >"$2"
    paste -d ' ' "$tmp/plain" "$1" | awk '{ print $4, $7 }' >"$3"
}
cross "$tmp/seal.cloak" "$tmp/go_opens.in" "$tmp/go_opens.want"
cross "$tmp/seal.go" "$tmp/cloak_opens.in" "$tmp/cloak_opens.want"
"$gotool" <"$tmp/go_opens.in" >"$tmp/go_opens.out"
run_cloak <"$tmp/cloak_opens.in" >"$tmp/cloak_opens.out"
if ! cmp -s "$tmp/go_opens.out" "$tmp/go_opens.want"; then
    fail "Go does not open what libcloak sealed (or exports differ):"
    diff "$tmp/go_opens.want" "$tmp/go_opens.out" | cut -c 1-160 | head -n 10
fi
if ! cmp -s "$tmp/cloak_opens.out" "$tmp/cloak_opens.want"; then
    fail "libcloak does not open what Go sealed (or exports differ):"
    diff "$tmp/cloak_opens.want" "$tmp/cloak_opens.out" | cut -c 1-160 | head -n 10
fi
# Each side opens its own seals too (a check of the harness itself).
run_cloak <"$tmp/go_opens.in" >"$tmp/cloak_self.out"
cmp -s "$tmp/cloak_self.out" "$tmp/go_opens.want" || fail "libcloak does not open its own seals"

# 3. Tampering, on the opens of the first key's seals: one bit of the ML-KEM half of enc (implicit
#    rejection, then the AEAD fails), the X25519 half set to zero (a point of small order), one bit of
#    the ciphertext. Every line must be an error on both sides.
tamper() { # opens file -> tampered opens
    # flip: the lowest bit of the hex digit at position `at`.
    awk 'function flip(h, at) {
             return substr(h, 1, at - 1) substr("1032547698badcfe", index("0123456789abcdef", substr(h, at, 1)), 1) \
                 substr(h, at + 1)
         }
         NR <= 5 {
             print $1, $2, flip($3, 11), $4, $5, $6
             print $1, $2, substr($3, 1, 2176) "0000000000000000000000000000000000000000000000000000000000000000", $4, $5, $6
             print $1, $2, $3, flip($4, 3), $5, $6
         }' "$1"
}
tamper "$tmp/go_opens.in" >"$tmp/go_tampered.in"
tamper "$tmp/cloak_opens.in" >"$tmp/cloak_tampered.in"
"$gotool" <"$tmp/go_tampered.in" >"$tmp/go_tampered.out"
run_cloak <"$tmp/cloak_tampered.in" >"$tmp/cloak_tampered.out"
tampered=$(wc -l <"$tmp/go_tampered.in")
if [ "$(grep -c '^error' "$tmp/go_tampered.out")" -ne "$tampered" ]; then
    fail "Go opened a tampered libcloak encapsulation or ciphertext"
fi
if [ "$(grep -c '^error' "$tmp/cloak_tampered.out")" -ne "$tampered" ]; then
    fail "libcloak opened a tampered Go encapsulation or ciphertext"
fi
# libcloak's statuses: CLOAK_E_AUTH (-6) for the ML-KEM half and the ciphertext, CLOAK_E_INVALID_KEY
# (-11) for the small-order X25519 half.
if awk 'NR % 3 == 2 && $2 != -11 { bad = 1 } NR % 3 != 2 && $2 != -6 { bad = 1 } END { exit !bad }' \
    "$tmp/cloak_tampered.out"; then
    fail "libcloak refused tampered inputs with other statuses than AUTH and INVALID_KEY:"
    cat "$tmp/cloak_tampered.out"
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "ok: $keys key derivations agree; $seals libcloak seals opened by Go and $seals Go seals opened by" \
    "libcloak (plaintext and export); $tampered tampered inputs refused by each side"

#!/bin/sh
# The optimised Argon2 kernel (-Dargon2_kernel=optimized) must never share a name with libsodium's
# or libargon2's copies of Argon2:
#   check-kernel-symbols.sh RENAME.h KERNEL.a CLOAK_INTERNAL.a LIBCLOAK.so
# - every global the kernel's archive defines starts with cloak_argon2_;
# - no original Argon2 name (the list of RENAME.h) is defined or referenced by the kernel or by
#   libcloak's objects: a name left out of the renaming would silently bind to another copy;
# - libcloak's objects do call the renamed kernel (cloak_argon2_argon2_ctx);
# - libcloak.so does not load the system libargon2 and exports nothing of the kernel.
set -eu
rename_h=$1 kernel=$2 internal=$3 shared=$4
NM=${NM:-nm}
READELF=${READELF:-readelf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

sed -n 's/^#define[[:space:]]\{1,\}\([A-Za-z0-9_]\{1,\}\)[[:space:]]\{1,\}cloak_argon2_.*/\1/p' "$rename_h" | sort -u > "$tmp/names"
count=$(wc -l < "$tmp/names")
if [ "$count" -lt 50 ]; then
    echo "only $count names parsed from $rename_h"; exit 1
fi

"$NM" -g --defined-only "$kernel" | awk 'NF == 3 { print $3 }' | sort -u > "$tmp/defined"
if grep -v '^cloak_argon2_' "$tmp/defined" > "$tmp/bad"; then
    echo "kernel defines globals without the prefix:"; cat "$tmp/bad"; status=1
fi

for lib in "$kernel" "$internal"; do
    "$NM" -g "$lib" | awk 'NF >= 2 { print $NF }' | sort -u > "$tmp/all"
    if comm -12 "$tmp/names" "$tmp/all" > "$tmp/bad" && [ -s "$tmp/bad" ]; then
        echo "$lib defines or references original Argon2 names:"; cat "$tmp/bad"; status=1
    fi
done

if ! "$NM" -u "$internal" | grep -q ' cloak_argon2_argon2_ctx$'; then
    echo "$internal does not call cloak_argon2_argon2_ctx"; status=1
fi

if "$READELF" -d "$shared" | grep NEEDED | grep -q 'libargon2'; then
    echo "$shared still loads the system libargon2"; status=1
fi
if "$NM" -D --defined-only "$shared" | grep -q 'argon2'; then
    echo "$shared exports Argon2 symbols:"; "$NM" -D --defined-only "$shared" | grep argon2; status=1
fi

[ "$status" -eq 0 ] && echo "ok: $(wc -l < "$tmp/defined") kernel globals, all prefixed; none of the $count original names left"
exit "$status"

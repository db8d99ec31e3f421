#!/bin/sh
# End-to-end test of the cloak CLI. Usage: test_cli.sh CLOAK MAKE_FIXTURE
# Builds a fixture with libcloak (make_fixture), then drives the tool: keys, keyring, the three ways
# of giving the key, the child's environment, and every failure a user can meet. Every failure is
# checked for its exit code, for ONE line on standard error, and for no secret value in any output.
# Prints TAP; exits non-zero if any check fails.
set -u

. "$(dirname "$0")/common.sh"

# ---------------------------------------------------------------- help
run "$C" --help
_ok=0; [ "$RC" -eq 0 ] && grep -q '^usage: cloak COMMAND' "$OUT" && grep -q 'Exit status' "$OUT" || _ok=1
ok $_ok "cloak --help"
for cmd in keygen pubkey import select accounts forget trust untrust secrets env run; do
    run "$C" "$cmd" --help
    _ok=0; [ "$RC" -eq 0 ] && head -n 1 "$OUT" | grep -q "^usage: cloak $cmd" && [ ! -s "$ERR" ] || _ok=1
    ok $_ok "cloak $cmd --help"
done
run "$C" help run
_ok=0; [ "$RC" -eq 0 ] && grep -q '^usage: cloak run' "$OUT" || _ok=1
ok $_ok "cloak help run"
run "$C" run "$FX/batch.txt" --help
_ok=0; [ "$RC" -eq 0 ] && grep -q '^usage: cloak run' "$OUT" || _ok=1
ok $_ok "--help wins over the other arguments"
run "$C"
expect_fail 2 "no command"
run "$C" frobnicate
expect_fail 2 "unknown command" "unknown command frobnicate"
run "$C" secrets "$FX/batch.txt" --bogus
expect_fail 2 "unknown option" "unknown option --bogus"
run "$C" run "$FX/batch.txt" $KEYOPT --trust "$MEMBER" sh -c true
expect_fail 2 "run without --" "--"
run "$C" secrets
expect_fail 2 "secrets without FILE" "missing argument"

# ---------------------------------------------------------------- keygen, pubkey
run "$C" keygen --out "$WORK/new.key"
_ok=0
[ "$RC" -eq 0 ] && grep -q '^cloak-pubkey-' "$OUT" && [ "$(wc -l <"$OUT")" -eq 1 ] || _ok=1
[ "$(mode_of "$WORK/new.key")" = 600 ] || _ok=1
grep -q '^cloak-accountkey-' "$WORK/new.key" || _ok=1
ok $_ok "keygen --out: public key on stdout, private key file mode 0600"
cp "$OUT" "$WORK/new.pub"
cp "$WORK/new.key" "$WORK/new.key.before"
run "$C" keygen --out "$WORK/new.key"
expect_fail 3 "keygen refuses to overwrite a key file" "exists already"
cmp -s "$WORK/new.key" "$WORK/new.key.before"
ok $? "the key file is unchanged"
ln -s "$WORK/elsewhere" "$WORK/link.key"
run "$C" keygen --out "$WORK/link.key"
_ok=0; [ "$RC" -eq 3 ] && [ ! -e "$WORK/elsewhere" ] || _ok=1
ok $_ok "keygen does not follow a symbolic link"
run "$C" keygen
expect_fail 2 "keygen needs --out or --stdout"
run "$C" keygen --stdout
_ok=0
[ "$RC" -eq 0 ] && grep -q '^cloak-accountkey-' "$OUT" && [ "$(wc -l <"$OUT")" -eq 1 ] || _ok=1
grep -q '^public key: cloak-pubkey-' "$ERR" || _ok=1
ok $_ok "keygen --stdout: private key on stdout, public key on stderr"
run "$C" pubkey --key-file "$WORK/new.key"
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/new.pub" || _ok=1
ok $_ok "pubkey gives the public key keygen printed"
run "$C" pubkey --key-file "$FX/account.key"
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$FX/account.pub" || _ok=1
ok $_ok "pubkey of the fixture's account key"
# Suites: 1 X25519, 2 X-Wing (ML-KEM-768 + X25519); keygen makes X-Wing keys unless told otherwise.
_ok=0
[ "$(header_of "$(cat "$WORK/new.key")")" = "02 0c 00 02" ] || _ok=1
[ "$(header_of "$(cat "$WORK/new.pub")")" = "02 03 00 02" ] || _ok=1
ok $_ok "keygen makes an X-Wing key (suite 2) by default"
run "$C" keygen --out "$WORK/x25519.key" --suite x25519
_ok=0
[ "$RC" -eq 0 ] && [ "$(header_of "$(cat "$OUT")")" = "02 03 00 01" ] || _ok=1
[ "$(header_of "$(cat "$WORK/x25519.key")")" = "02 0c 00 01" ] && [ "$(mode_of "$WORK/x25519.key")" = 600 ] || _ok=1
ok $_ok "keygen --suite x25519: an X25519 key (suite 1), mode 0600"
cp "$OUT" "$WORK/x25519.pub"
run "$C" pubkey --key-file "$WORK/x25519.key"
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/x25519.pub" || _ok=1
ok $_ok "pubkey of an X25519 key gives the public key keygen printed"
run "$C" keygen --stdout --suite=xwing
_ok=0
[ "$RC" -eq 0 ] && [ "$(header_of "$(cat "$OUT")")" = "02 0c 00 02" ] && grep -q '^public key: cloak-pubkey-' "$ERR" || _ok=1
ok $_ok "keygen --stdout --suite=xwing"
run "$C" keygen --stdout --suite rsa
expect_fail 2 "keygen --suite naming no suite" "not a suite"
run "$C" pubkey --key-file "$FX/account-x25519.key"
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$FX/account-x25519.pub" || _ok=1
ok $_ok "pubkey of the fixture's X25519 account key"

# ---------------------------------------------------------------- keyring
export CLOAK_KEYRING="$KR"
run "$C" accounts
_ok=0; [ "$RC" -eq 0 ] && [ ! -s "$OUT" ] || _ok=1
ok $_ok "accounts without a keyring: nothing"
run "$C" select ci
nothing_left=0; [ ! -e "$WORK/kr" ] || nothing_left=1
expect_fail 11 "select without a keyring" "no keyring"
ok $nothing_left "select without a keyring leaves nothing behind"
run env CLOAK_PASSPHRASE=correct-horse "$C" import ci "$FX/account.key"
expect_ok "import ci from a key file"
_ok=0
[ "$(mode_of "$KR")" = 600 ] || _ok=1
grep -q '^password cloak-password-' "$KR" && grep -q '^account ci cloak-wrappedaccount-' "$KR" || _ok=1
grep -q '^selected ci$' "$KR" || _ok=1
! grep -q -F "$(cat "$FX/account.key")" "$KR" || _ok=1
ok $_ok "keyring: mode 0600, password record, wrapped key (not the clear one), ci selected"
[ "$(header_of "$(sed -n 's/^account ci //p' "$KR")")" = "02 07 00 02" ]
ok $? "the keyring holds ci's key wrapped as an X-Wing key (suite 2)"
run_in "$FX/other.key" env CLOAK_PASSPHRASE=wrong-passphrase "$C" import other -
expect_fail 11 "import under a wrong passphrase" "wrong passphrase"
run_in "$FX/other.key" env CLOAK_PASSPHRASE=correct-horse "$C" import other -
expect_ok "import other from standard input"
run env CLOAK_PASSPHRASE=correct-horse "$C" import ci "$FX/other.key"
expect_fail 11 "import refuses a name already used" "already holds an account ci"
run env CLOAK_PASSPHRASE=correct-horse "$C" import ci2 "$FX/account.key"
expect_fail 11 "import refuses a key already imported" "already in the keyring as ci"
run env CLOAK_PASSPHRASE=correct-horse "$C" import "bad name" "$FX/account.key"
expect_fail 2 "import refuses an invalid account name"
run "$C" import nopass "$WORK/new.key"
expect_fail 11 "import without a passphrase (no terminal, no CLOAK_PASSPHRASE)" "CLOAK_PASSPHRASE"
run "$C" accounts
_ok=0
[ "$RC" -eq 0 ] && [ "$(wc -l <"$OUT")" -eq 2 ] || _ok=1
grep -q "^\* ci $(cat "$FX/account.pub")\$" "$OUT" || _ok=1
grep -q '^  other cloak-pubkey-' "$OUT" || _ok=1
ok $_ok "accounts lists both, ci selected, with its public key"
run "$C" select other
expect_ok "select other"
run "$C" accounts
_ok=0; grep -q '^\* other ' "$OUT" && grep -q '^  ci ' "$OUT" || _ok=1
ok $_ok "accounts shows other selected"
run "$C" select nobody
expect_fail 11 "select an unknown account" "no account nobody"
run "$C" trust alice "$(cat "$FX/account.pub")"
expect_fail 2 "trust refuses a text that is not an identity"
run "$C" trust alice "$MEMBER"
_ok=0; [ "$RC" -eq 0 ] && grep -q -E '^trusted alice, fingerprint [0-9]{5}( [0-9]{5}){5}$' "$OUT" || _ok=1
ok $_ok "trust alice prints her fingerprint"
run "$C" trust
_ok=0; [ "$RC" -eq 0 ] && grep -q "^alice  [0-9 ]*  $MEMBER\$" "$OUT" || _ok=1
ok $_ok "trust lists alice"
run "$C" trust alice2 "$MEMBER"
expect_fail 11 "trust refuses an identity trusted already" "already trusted as alice"
grep -q "^trust alice $MEMBER\$" "$KR"
ok $? "keyring holds the trust line"

# ---------------------------------------------------------------- opening a batch: three key sources
export CLOAK_KEYRING="$NOKEYRING"
run "$C" secrets "$FX/batch.txt" $KEYOPT --trust "$MEMBER"
_ok=0
[ "$RC" -eq 0 ] && [ "$(printf 'DATABASE_URL\nAPI_TOKEN\nSTRIPE_KEY')" = "$(cat "$OUT")" ] || _ok=1
no_leak || _ok=1
ok $_ok "secrets (key file, --trust): names only, no value"
run "$C" secrets "$FX/batch.txt" $KEYOPT --trust "$MEMBER" --show-values
_ok=0
[ "$RC" -eq 0 ] && grep -q -x -F "DATABASE_URL=$V_DB" "$OUT" && grep -q -x -F "API_TOKEN=$V_API" "$OUT" || _ok=1
ok $_ok "secrets --show-values"
run "$C" env "$FX/batch.txt" $KEYOPT --trust "$MEMBER"
_ok=0
[ "$RC" -eq 0 ] && [ "$(wc -l <"$OUT")" -eq 3 ] || _ok=1
grep -q -x -F "DATABASE_URL=$V_DB" "$OUT" && grep -q -x -F "API_TOKEN=$V_API" "$OUT" &&
    grep -q -x -F "STRIPE_KEY=$V_STRIPE" "$OUT" || _ok=1
ok $_ok "env: NAME=value lines"
run "$C" env "$FX/batch.txt" $KEYOPT --trust "$MEMBER" --shell-quote
got=$(set -a; eval "$(cat "$OUT")"; printf '%s|%s|%s' "$DATABASE_URL" "$API_TOKEN" "$STRIPE_KEY")
_ok=0; [ "$RC" -eq 0 ] && [ "$got" = "$V_DB|$V_API|$V_STRIPE" ] || _ok=1
ok $_ok "env --shell-quote: a shell reads back the exact values"
run_in "$FX/batch.txt" "$C" secrets - $KEYOPT --trust "$MEMBER"
_ok=0; [ "$RC" -eq 0 ] && [ "$(wc -l <"$OUT")" -eq 3 ] || _ok=1
ok $_ok "secrets reads the batch from standard input"
# Items open in any order: reverse the item lines.
{ grep -v '^cloak-item-' "$FX/batch.txt"; grep '^cloak-item-' "$FX/batch.txt" | sed -n '3p;2p;1p'; } >"$WORK/reordered.txt"
run "$C" secrets "$WORK/reordered.txt" $KEYOPT --trust "$MEMBER"
_ok=0; [ "$RC" -eq 0 ] && [ "$(wc -l <"$OUT")" -eq 3 ] || _ok=1
ok $_ok "items in another order"
cp "$FX/batch.txt" "$WORK/crlf.txt" && sed -i 's/$/\r/' "$WORK/crlf.txt"
run "$C" secrets "$WORK/crlf.txt" $KEYOPT --trust "$MEMBER"
_ok=0; [ "$RC" -eq 0 ] && [ "$(wc -l <"$OUT")" -eq 3 ] || _ok=1
ok $_ok "a batch file with CRLF line ends"

# run via CLOAK_SERVICE_ACCOUNT_KEY: the child's environment.
run env CLOAK_SERVICE_ACCOUNT_KEY="$(cat "$FX/account.key")" CLOAK_PASSPHRASE=leak-me DATABASE_URL=old KEEP_ME=yes \
    "$C" run "$FX/batch.txt" $VAULTOPT --trust "$MEMBER" -- sh -c 'env >"$1"; echo child-ran' sh "$WORK/childenv"
_ok=0
[ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = child-ran ] || _ok=1
ok $_ok "run (key from CLOAK_SERVICE_ACCOUNT_KEY) executes the command"
_ok=0
grep -q -x -F "DATABASE_URL=$V_DB" "$WORK/childenv" && grep -q -x -F "API_TOKEN=$V_API" "$WORK/childenv" &&
    grep -q -x -F "STRIPE_KEY=$V_STRIPE" "$WORK/childenv" || _ok=1
! grep -q -x 'DATABASE_URL=old' "$WORK/childenv" || _ok=1
ok $_ok "the child has the secrets (replacing DATABASE_URL)"
_ok=0
! grep -q '^CLOAK_SERVICE_ACCOUNT_KEY=' "$WORK/childenv" && ! grep -q '^CLOAK_PASSPHRASE=' "$WORK/childenv" || _ok=1
! grep -q -F "$(cat "$FX/account.key")" "$WORK/childenv" || _ok=1
ok $_ok "the child lacks CLOAK_SERVICE_ACCOUNT_KEY and CLOAK_PASSPHRASE"
grep -q -x 'KEEP_ME=yes' "$WORK/childenv"
ok $? "the child keeps the rest of the environment"
run "$C" run "$FX/batch.txt" $KEYOPT --trust "$MEMBER" -- sh -c 'echo out; echo err >&2; exit 42'
_ok=0; [ "$RC" -eq 42 ] && [ "$(cat "$OUT")" = out ] && [ "$(cat "$ERR")" = err ] || _ok=1
ok $_ok "run passes the exit status (42) and the streams through"
run "$C" run "$FX/batch.txt" $KEYOPT --trust "$MEMBER" -- sh -c 'kill -TERM $$'
_ok=0; [ "$RC" -eq 143 ] || _ok=1
ok $_ok "run: a command killed by a signal is seen as such (exec, no wrapper)"
run "$C" run "$FX/batch.txt" $KEYOPT --trust "$MEMBER" -- no-such-command-cloak-test
expect_fail 127 "run: command not found"
run "$C" run "$FX/batch.txt" $KEYOPT --trust "$MEMBER" -- "$FX/values.txt"
expect_fail 126 "run: command not executable"

# run and env via the keyring: its trusted identity, its selected account, its passphrase.
export CLOAK_KEYRING="$KR"
run "$C" select ci
run env CLOAK_PASSPHRASE=correct-horse "$C" run "$FX/batch.txt" $VAULTOPT -- sh -c 'printf "%s" "$STRIPE_KEY"'
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "$V_STRIPE" ] || _ok=1
ok $_ok "run with the keyring's selected account and trusted identity"
run "$C" select other
run env CLOAK_PASSPHRASE=correct-horse "$C" env "$FX/batch.txt" $VAULTOPT --account ci
_ok=0; [ "$RC" -eq 0 ] && [ "$(wc -l <"$OUT")" -eq 3 ] || _ok=1
ok $_ok "env --account ci overrides the selected account"

# --trust replaces the keyring's trusted identities; --trust-add keeps them.
run env CLOAK_PASSPHRASE=correct-horse "$C" env "$FX/batch.txt" $VAULTOPT --account ci --trust "$STRANGER"
expect_fail 7 "--trust replaces the keyring's trusted identities" "not trusted"
run env CLOAK_PASSPHRASE=correct-horse "$C" env "$FX/batch.txt" $VAULTOPT --account ci --trust-add "$STRANGER"
_ok=0; [ "$RC" -eq 0 ] && [ "$(wc -l <"$OUT")" -eq 3 ] || _ok=1
ok $_ok "--trust-add keeps the keyring's trusted identities"
run "$C" env "$FX/batch.txt" $KEYOPT --trust "$MEMBER" --trust-add "$STRANGER"
expect_fail 2 "--trust and --trust-add together" "not both"
# A keyring planted on a shared runner, trusting an attacker: with --trust it counts for nothing.
PLANTED=$WORK/planted/keyring
run env CLOAK_KEYRING="$PLANTED" "$C" trust mallory "$STRANGER"
expect_ok "a planted keyring trusts the stranger"
run env CLOAK_KEYRING="$PLANTED" "$C" env "$FX/batch-untrusted.txt" $KEYOPT --trust "$MEMBER"
expect_fail 7 "a planted keyring does not widen --trust" "not trusted"

# A value on several lines: env needs --shell-quote, run passes it whole.
ML=$FX/batch-multiline.txt
run "$C" env "$ML" $KEYOPT --trust "$MEMBER"
expect_fail 10 "env refuses a value on several lines without --shell-quote, not naming it" "line 5: the value of the secret on that line holds a line break"
run "$C" env "$ML" $KEYOPT --trust "$MEMBER" --show-names
expect_fail 10 "... and names it with --show-names" '"TLS_KEY"'
run "$C" env "$ML" $KEYOPT --trust "$MEMBER" --shell-quote
expected_ml=$(printf '%s\n%s\n%s\n%s' "$(sed -n 6p "$VALUES")" "$(sed -n 7p "$VALUES")" "$(sed -n 8p "$VALUES")" "$(sed -n 9p "$VALUES")")
got=$(set -a; eval "$(cat "$OUT")"; printf '%s' "$TLS_KEY")
_ok=0; [ "$RC" -eq 0 ] && [ "$got" = "$expected_ml" ] || _ok=1
ok $_ok "env --shell-quote keeps newlines and quotes"
run "$C" run "$ML" $KEYOPT --trust "$MEMBER" -- sh -c 'printf "%s" "$TLS_KEY"'
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "$expected_ml" ] || _ok=1
ok $_ok "run passes a value on several lines"

# ---------------------------------------------------------------- vault, freshness, state file
export CLOAK_KEYRING="$NOKEYRING"
NOVAULT="--key-file $FX/account.key --trust $MEMBER"
ST=$WORK/state/one
VAULT_HEX=$(printf acme/production | od -An -tx1 | tr -d ' \n')
run "$C" env "$FX/batch.txt" $NOVAULT
expect_fail 12 "no --vault and no vault line" "no vault named"
run "$C" env "$FX/batch-named.txt" $NOVAULT --state "$ST"
expect_fail 12 "a vault line alone does not choose the vault (nothing pinned yet)" "no vault named"
[ ! -e "$ST" ]
ok $? "a refused read writes no state file"
run "$C" env "$FX/batch-named.txt" $NOVAULT --vault acme/production --state "$ST"
_ok=0; [ "$RC" -eq 0 ] && [ "$(wc -l <"$OUT")" -eq 3 ] || _ok=1
[ "$(mode_of "$ST")" = 600 ] || _ok=1
grep -q -x "vault $VAULT_HEX 2 5 [0-9a-f]\{64\}" "$ST" || _ok=1
ok $_ok "--vault: read; the state file (mode 0600) records the vault, epoch 2, version 5, head hash"
run "$C" env "$FX/batch-named.txt" $NOVAULT --state "$ST"
_ok=0; [ "$RC" -eq 0 ] && [ "$(wc -l <"$OUT")" -eq 3 ] || _ok=1
ok $_ok "the file's vault line is taken when the state file pins that vault alone"
run "$C" env "$FX/batch-named-other.txt" $NOVAULT --state "$ST"
expect_fail 12 "a vault line naming a vault the state file does not pin" "no vault named"
run "$C" env "$FX/batch-named-other.txt" $NOVAULT --vault acme/production --state "$ST"
expect_fail 12 "a vault line that contradicts --vault" "names the vault"
run "$C" env "$FX/batch-named.txt" $NOVAULT --no-state
expect_fail 12 "--no-state pins nothing: --vault is required" "no vault named"
run "$C" env "$FX/batch-other-vault.txt" $NOVAULT --vault acme/production --state "$ST"
expect_fail 12 "another vault's genuine batch (its file claims this vault)" "not of the vault"
run "$C" env "$FX/batch.txt" $NOVAULT --vault acme/staging --state "$WORK/state/staging"
expect_fail 12 "--vault naming another vault than the batch's" "not of the vault"
cp "$ST" "$WORK/state.before"
run "$C" env "$FX/batch-old.txt" $NOVAULT --vault acme/production --state "$ST"
expect_fail 13 "an old batch replayed after a newer one was read" "older than"
cmp -s "$ST" "$WORK/state.before"
ok $? "a refused batch leaves the state file unchanged"
run "$C" run "$FX/batch-old.txt" $NOVAULT --vault acme/production --state "$ST" -- sh -c 'echo ran'
expect_fail 13 "run: a replayed batch, the command is not run"
run "$C" env "$FX/batch-old.txt" $NOVAULT --vault acme/production --state "$ST" --min-version 1 --min-epoch 1
expect_fail 13 "low pins do not lower the state file's minimum"
run "$C" env "$FX/batch-new.txt" $NOVAULT --vault acme/production --state "$ST"
_ok=0; [ "$RC" -eq 0 ] && grep -q -x "vault $VAULT_HEX 2 6 [0-9a-f]\{64\}" "$ST" || _ok=1
ok $_ok "a newer batch is read and recorded (version 6)"
run "$C" env "$FX/batch.txt" $NOVAULT --vault acme/production --state "$ST"
expect_fail 13 "the batch read before (version 5) is now a replay" "older than"
run "$C" env "$FX/batch.txt" $NOVAULT --vault acme/production --state "$WORK/state/fork"
expect_ok "version 5 read into a fresh state file"
run "$C" env "$FX/batch-fork.txt" $NOVAULT --vault acme/production --state "$WORK/state/fork"
expect_fail 12 "another head at the same version: a fork" "forked"
run "$C" env "$FX/batch.txt" $KEYOPT --trust "$MEMBER" --no-state --min-version 6
expect_fail 13 "--min-version above the batch's" "older than"
run "$C" env "$FX/batch.txt" $KEYOPT --trust "$MEMBER" --no-state --min-epoch 3
expect_fail 13 "--min-epoch above the batch's" "older than"
run "$C" env "$FX/batch.txt" $KEYOPT --trust "$MEMBER" --no-state --min-epoch 2 --min-version 5
_ok=0; [ "$RC" -eq 0 ] && [ "$(wc -l <"$OUT")" -eq 3 ] || _ok=1
ok $_ok "pins equal to the batch's epoch and version"
run "$C" env "$FX/batch-expired.txt" $KEYOPT --trust "$MEMBER" --no-state
expect_fail 14 "an expired batch" "expired"
run "$C" run "$FX/batch-expired.txt" $KEYOPT --trust "$MEMBER" --state "$WORK/state/expired" -- sh -c 'echo ran'
not_recorded=0; [ ! -e "$WORK/state/expired" ] || not_recorded=1
expect_fail 14 "run: an expired batch, the command is not run"
ok $not_recorded "an expired batch is not recorded"
for bad in 0 -1 abc 07 4294967296 " 2"; do
    run "$C" env "$FX/batch.txt" $KEYOPT --trust "$MEMBER" --no-state --min-epoch "$bad"
    expect_fail 2 "--min-epoch '$bad' refused" "min-epoch must be a number"
done
run "$C" env "$FX/batch.txt" $KEYOPT --trust "$MEMBER" --no-state --min-version 18446744073709551616
expect_fail 2 "--min-version beyond 64 bits refused" "min-version must be a number"
run "$C" env "$FX/batch.txt" $KEYOPT --trust "$MEMBER" --no-state --state "$ST"
expect_fail 2 "--state and --no-state together" "contradict"
chmod 0644 "$ST"
run "$C" env "$FX/batch-new.txt" $KEYOPT --trust "$MEMBER" --state "$ST"
expect_fail 15 "a state file others can read" "chmod 600"
chmod 0600 "$ST"
echo "vault zz 1 1 00" >>"$ST"
run "$C" env "$FX/batch-new.txt" $KEYOPT --trust "$MEMBER" --state "$ST"
expect_fail 15 "a damaged state file" "line 3: .*damaged"
run env XDG_STATE_HOME="$WORK/xdg" "$C" env "$FX/batch.txt" $KEYOPT --trust "$MEMBER"
_ok=0; [ "$RC" -eq 0 ] || _ok=1
state_files=$(ls "$WORK/xdg/cloak" | grep -v '[.]lock$')
[ "$(echo "$state_files" | wc -l)" -eq 1 ] && echo "$state_files" | grep -q -x '[0-9a-f]\{32\}' || _ok=1
[ "$(mode_of "$WORK/xdg/cloak/$state_files")" = 600 ] || _ok=1
ok $_ok "default state file: \$XDG_STATE_HOME/cloak/ACCOUNT-KEY-ID, mode 0600"
[ "$state_files" = "$(key_id_of "$(cat "$FX/account.pub")")" ]
ok $? "the state file's name is the X-Wing public key's key id"
run env XDG_STATE_HOME="$WORK/xdg" "$C" env "$FX/batch-old.txt" $KEYOPT --trust "$MEMBER"
expect_fail 13 "the default state file refuses a replay"
_ok=0
grep -q -x "vault $VAULT_HEX 2 5 [0-9a-f]\{64\}" "$HOME/.local/state/cloak/$state_files" || _ok=1
ok $_ok "without XDG_STATE_HOME: ~/.local/state/cloak/ACCOUNT-KEY-ID"

# ---------------------------------------------------------------- suites: X-Wing, X25519, a mismatch
# Every check above read X-Wing batches (the fixture's account is an X-Wing key, as keygen makes by
# default); X25519 accounts and batches still work, and a key of one suite never reads the other's.
export CLOAK_KEYRING="$NOKEYRING"
XKEY=$FX/account-x25519.key
_ok=0
[ "$(header_of "$(grep '^cloak-batch-' "$FX/batch.txt")")" = "02 0a 00 02" ] || _ok=1
[ "$(header_of "$(grep '^cloak-item-' "$FX/batch.txt" | head -n 1)")" = "02 0b 00 02" ] || _ok=1
[ "$(header_of "$(cat "$FX/account.key")")" = "02 0c 00 02" ] || _ok=1
[ "$(header_of "$(grep '^cloak-batch-' "$FX/batch-x25519.txt")")" = "02 0a 00 01" ] || _ok=1
[ "$(header_of "$(cat "$XKEY")")" = "02 0c 00 01" ] || _ok=1
ok $_ok "fixture: batch.txt and account.key are of suite 2 (X-Wing), the x25519 ones of suite 1"
PRINT_ALL='printf "%s|%s|%s" "$DATABASE_URL" "$API_TOKEN" "$STRIPE_KEY"'
run "$C" run "$FX/batch.txt" $KEYOPT --trust "$MEMBER" --no-state -- sh -c "$PRINT_ALL"
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "$V_DB|$V_API|$V_STRIPE" ] && [ ! -s "$ERR" ] || _ok=1
ok $_ok "run: an X-Wing batch end to end, the command gets every value"
run "$C" run "$FX/batch-x25519.txt" --key-file "$XKEY" $VAULTOPT --trust "$MEMBER" --state "$WORK/state/x25519" \
    -- sh -c "$PRINT_ALL"
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "$V_DB|$V_API|$V_STRIPE" ] && [ ! -s "$ERR" ] || _ok=1
grep -q -x "vault $VAULT_HEX 2 5 [0-9a-f]\{64\}" "$WORK/state/x25519" || _ok=1
ok $_ok "run: an X25519 batch with an X25519 key still works, and is recorded"
run "$C" secrets "$FX/batch-x25519.txt" --key-file "$XKEY" $VAULTOPT --trust "$MEMBER" --no-state --show-values
_ok=0
[ "$RC" -eq 0 ] && [ "$(wc -l <"$OUT")" -eq 3 ] && grep -q -x -F "DATABASE_URL=$V_DB" "$OUT" || _ok=1
ok $_ok "secrets --show-values of an X25519 batch"
run "$C" env "$FX/batch.txt" --key-file "$XKEY" $VAULTOPT --trust "$MEMBER" --state "$WORK/state/mismatch"
expect_fail 6 "an X-Wing batch read with an X25519 key" \
    "line [0-9]+: the batch is sealed to an X-Wing \(suite 2\) key, but the key file .* holds an X25519 \(suite 1\) key"
[ ! -e "$WORK/state/mismatch" ]
ok $? "a suite mismatch records nothing in the state file"
run env CLOAK_SERVICE_ACCOUNT_KEY="$(cat "$FX/account.key")" "$C" run "$FX/batch-x25519.txt" $VAULTOPT \
    --trust "$MEMBER" --no-state -- sh -c 'echo ran'
expect_fail 6 "run: an X25519 batch with an X-Wing key, the command is not run" \
    "sealed to an X25519 \(suite 1\) key, but the CLOAK_SERVICE_ACCOUNT_KEY holds an X-Wing \(suite 2\) key"
run "$C" env "$FX/batch-mixed-suite.txt" $KEYOPT --trust "$MEMBER" --no-state
expect_fail 8 "an item of the X25519 batch among the X-Wing batch's" "line [0-9]+: the item is of X25519 \(suite 1\) but the batch of X-Wing \(suite 2\): it belongs to another batch"

# A keyring holding accounts of both suites.
export CLOAK_KEYRING="$WORK/kr2/keyring"
run env CLOAK_PASSPHRASE=pq-horse "$C" import pq "$FX/account.key"
expect_ok "import an X-Wing account into a new keyring"
run env CLOAK_PASSPHRASE=pq-horse "$C" import legacy "$XKEY"
expect_ok "import an X25519 account next to it"
run env CLOAK_PASSPHRASE=pq-horse "$C" import legacy2 "$XKEY"
expect_fail 11 "import refuses an X25519 key already imported" "already in the keyring as legacy"
_ok=0
[ "$(header_of "$(sed -n 's/^account pq //p' "$CLOAK_KEYRING")")" = "02 07 00 02" ] || _ok=1
[ "$(header_of "$(sed -n 's/^account legacy //p' "$CLOAK_KEYRING")")" = "02 07 00 01" ] || _ok=1
ok $_ok "the keyring wraps each key in its own suite"
run "$C" accounts
_ok=0
[ "$RC" -eq 0 ] && [ "$(wc -l <"$OUT")" -eq 2 ] || _ok=1
grep -q -x -F "* pq $(cat "$FX/account.pub")" "$OUT" && grep -q -x -F "  legacy $(cat "$FX/account-x25519.pub")" "$OUT" || _ok=1
ok $_ok "accounts lists the X-Wing and the X25519 account with their public keys"
run env CLOAK_PASSPHRASE=pq-horse "$C" pubkey --account legacy
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$FX/account-x25519.pub" || _ok=1
ok $_ok "pubkey of the keyring's X25519 account"
run env CLOAK_PASSPHRASE=pq-horse "$C" run "$FX/batch.txt" $VAULTOPT --trust "$MEMBER" --no-state -- sh -c "$PRINT_ALL"
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "$V_DB|$V_API|$V_STRIPE" ] || _ok=1
ok $_ok "run: the keyring's X-Wing account (selected) reads the X-Wing batch"
run env CLOAK_PASSPHRASE=pq-horse "$C" run "$FX/batch-x25519.txt" $VAULTOPT --account legacy --trust "$MEMBER" \
    --no-state -- sh -c "$PRINT_ALL"
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "$V_DB|$V_API|$V_STRIPE" ] || _ok=1
ok $_ok "run: the keyring's X25519 account reads the X25519 batch"
run env CLOAK_PASSPHRASE=pq-horse "$C" env "$FX/batch.txt" $VAULTOPT --account legacy --trust "$MEMBER" --no-state
expect_fail 6 "the keyring's X25519 account and an X-Wing batch" \
    "but the keyring account legacy holds an X25519 \(suite 1\) key"
run env CLOAK_PASSPHRASE=wrong-horse "$C" env "$FX/batch-x25519.txt" $VAULTOPT --account legacy --trust "$MEMBER" \
    --no-state
expect_fail 11 "wrong passphrase (checked on the X-Wing account, used for the X25519 one)" "wrong passphrase"

# ---------------------------------------------------------------- every failure
export CLOAK_KEYRING="$NOKEYRING"
B=$FX/batch.txt

run "$C" secrets "$B" $VAULTOPT --trust "$MEMBER"
expect_fail 4 "no key anywhere" "no service-account key"
run env CLOAK_SERVICE_ACCOUNT_KEY= "$C" secrets "$B" $VAULTOPT --trust "$MEMBER"
expect_fail 4 "an empty CLOAK_SERVICE_ACCOUNT_KEY counts as none"
run "$C" env "$B" $VAULTOPT --key-file "$FX/other.key" --trust "$MEMBER"
expect_fail 6 "wrong key (another account's)" "another service account.*libcloak: "
run env CLOAK_SERVICE_ACCOUNT_KEY="$(cat "$FX/other.key")" "$C" run "$B" $VAULTOPT --trust "$MEMBER" -- sh -c 'echo ran'
expect_fail 6 "wrong key through the environment, command not run"

item2=$(grep -n '^cloak-item-' "$B" | sed -n 2p | cut -d: -f1)
batchline=$(grep -n '^cloak-batch-' "$B" | cut -d: -f1)
flip() { # FILE LINE OUT: changes the 40th character of a line
    awk -v n="$2" 'NR == n { c = substr($0, 40, 1); r = (c == "A") ? "B" : "A"; $0 = substr($0, 1, 39) r substr($0, 41) } { print }' "$1" >"$3"
}
flip "$B" "$item2" "$WORK/tampered-item.txt"
run "$C" env "$WORK/tampered-item.txt" $KEYOPT --trust "$MEMBER"
expect_fail 8 "tampered item line (one character)" "line $item2: .*libcloak: "
flip "$B" "$batchline" "$WORK/tampered-batch.txt"
run "$C" env "$WORK/tampered-batch.txt" $KEYOPT --trust "$MEMBER"
expect_fail 8 "tampered batch line (one character)" "line $batchline: .*libcloak: "
run "$C" env "$FX/batch-forged-item.txt" $KEYOPT --trust "$MEMBER"
expect_fail 8 "altered item re-encoded with a valid checksum" "altered after it was signed"
run "$C" env "$FX/batch-forged-batch.txt" $KEYOPT --trust "$MEMBER"
expect_fail 8 "altered manifest re-encoded with a valid checksum" "signature"
run "$C" env "$FX/batch-mixed.txt" $KEYOPT --trust "$MEMBER"
expect_fail 8 "an item of another batch" "another batch"
grep -v -F "$(grep '^cloak-item-' "$B" | tail -n 1)" "$B" >"$WORK/missing-item.txt"
run "$C" env "$WORK/missing-item.txt" $KEYOPT --trust "$MEMBER"
expect_fail 8 "truncated file: last item missing" "incomplete"
head -c $(($(wc -c <"$B") - 30)) "$B" >"$WORK/cut.txt"
run "$C" env "$WORK/cut.txt" $KEYOPT --trust "$MEMBER"
expect_fail 8 "truncated file: cut inside the last item"
head -n "$batchline" "$B" | head -c $(($(head -n "$batchline" "$B" | wc -c) - 50)) >"$WORK/cut-batch.txt"
run "$C" env "$WORK/cut-batch.txt" $KEYOPT --trust "$MEMBER"
expect_fail 8 "truncated file: cut inside the batch line"
: >"$WORK/empty.txt"
run "$C" env "$WORK/empty.txt" $KEYOPT --trust "$MEMBER"
expect_fail 8 "empty file" "no batch line"
{ grep -v '^cloak-item-' "$B"; grep '^cloak-item-' "$B" | sed -n '1p;2p;1p'; } >"$WORK/dup.txt"
run "$C" env "$WORK/dup.txt" $KEYOPT --trust "$MEMBER"
expect_fail 8 "an item repeated in place of another" "twice"
printf 'hello\nworld\n' >"$WORK/notbatch.txt"
run "$C" env "$WORK/notbatch.txt" $KEYOPT --trust "$MEMBER"
expect_fail 8 "not a batch file" "line 1"
{ cat "$B"; echo "DATABASE_URL=plain"; } >"$WORK/junk.txt"
run "$C" env "$WORK/junk.txt" $KEYOPT --trust "$MEMBER"
expect_fail 8 "a line that is neither item nor comment" "neither an item"
{ cat "$B"; grep '^cloak-batch-' "$B"; } >"$WORK/twobatch.txt"
run "$C" env "$WORK/twobatch.txt" $KEYOPT --trust "$MEMBER"
expect_fail 8 "two batch lines" "second batch line"
run "$C" env "$WORK/missing-file.txt" $KEYOPT --trust "$MEMBER"
expect_fail 3 "missing batch file" "cannot open"

run "$C" env "$FX/batch-untrusted.txt" $KEYOPT --trust "$MEMBER"
expect_fail 7 "untrusted sender" "not trusted, fingerprint [0-9]{5}"
run "$C" env "$B" $KEYOPT --trust "$STRANGER"
expect_fail 7 "trusting only someone else" "not trusted"
run "$C" env "$B" $KEYOPT
expect_fail 7 "no trusted identity given" "no trusted identity"
run "$C" env "$B" $KEYOPT --trust not-an-identity
expect_fail 2 "a --trust that is not an identity" "--trust #1"

run "$C" env "$FX/batch-v3.txt" $KEYOPT --trust "$MEMBER"
expect_fail 9 "unknown format version (batch line)" "libcloak: The blob.s format version is not one this library reads"
run "$C" env "$FX/batch-item-v3.txt" $KEYOPT --trust "$MEMBER"
expect_fail 9 "unknown format version (item line)" "libcloak: The blob.s format version is not one this library reads"

run "$C" env "$FX/batch-badname.txt" $KEYOPT --trust "$MEMBER"
expect_fail 10 "env: invalid variable name, its line but not its name" "line 8: the secret on that line is not a valid"
! grep -q BAD-NAME "$ERR"
ok $? "... the message holds no secret name without --show-names"
run "$C" env "$FX/batch-badname.txt" $KEYOPT --trust "$MEMBER" --show-names
expect_fail 10 "env --show-names: invalid variable name, named" '"BAD-NAME"'
run "$C" run "$FX/batch-badname.txt" $KEYOPT --trust "$MEMBER" -- sh -c 'echo ran'
expect_fail 10 "run: invalid variable name, command not run" "not a valid environment variable name"
run "$C" secrets "$FX/batch-badname.txt" $KEYOPT --trust "$MEMBER"
_ok=0; [ "$RC" -eq 0 ] && grep -q -x 'BAD-NAME' "$OUT" || _ok=1
ok $_ok "secrets lists a name env cannot take"

cp "$FX/account.key" "$WORK/open.key"
chmod 0644 "$WORK/open.key"
run "$C" env "$B" $VAULTOPT --key-file "$WORK/open.key" --trust "$MEMBER"
expect_fail 5 "key file mode 0644" "chmod 600"
chmod 0640 "$WORK/open.key"
run "$C" env "$B" $VAULTOPT --key-file "$WORK/open.key" --trust "$MEMBER"
expect_fail 5 "key file mode 0640"
run env CLOAK_SERVICE_ACCOUNT_KEY=cloak-accountkey-AAAA "$C" env "$B" $VAULTOPT --trust "$MEMBER"
expect_fail 5 "a key that does not decode" "libcloak: "
run env CLOAK_SERVICE_ACCOUNT_KEY="$MEMBER" "$C" env "$B" $VAULTOPT --trust "$MEMBER"
expect_fail 5 "an identity given as the key"
run "$C" env "$B" $VAULTOPT --key-file "$WORK/missing.key" --trust "$MEMBER"
expect_fail 3 "missing key file"

export CLOAK_KEYRING="$KR"
run "$C" select ci
run env CLOAK_PASSPHRASE=not-the-passphrase "$C" env "$B" $VAULTOPT
expect_fail 11 "wrong passphrase" "wrong passphrase.*libcloak: "
run "$C" env "$B" $VAULTOPT
expect_fail 11 "no passphrase and no terminal" "CLOAK_PASSPHRASE"
run env CLOAK_PASSPHRASE=correct-horse "$C" env "$B" $VAULTOPT --account nobody
expect_fail 11 "an account the keyring does not hold" "no account nobody"
cp "$KR" "$WORK/kr.saved"
chmod 0644 "$KR"
run "$C" accounts
expect_fail 11 "keyring readable by others" "chmod 600"
chmod 0600 "$KR"
echo "garbage line" >>"$KR"
run "$C" accounts
expect_fail 11 "damaged keyring" "line [0-9]+: not a keyring entry"
# A password record outside libcloak's default cost policy (cloak never writes one): refused with
# its own exit code before the passphrase is asked for; what needs no passphrase still works.
sed "s|^password .*|password $(cat "$FX/record-weak.txt")|" "$WORK/kr.saved" >"$KR"
chmod 0600 "$KR"
run env CLOAK_PASSPHRASE=correct-horse "$C" env "$B" $VAULTOPT
expect_fail 16 "keyring record below the policy floor (16 MiB x 1 pass)" \
    "m=16384 KiB, t=1, below the policy's floor.*libcloak: "
run "$C" env "$B" $VAULTOPT
expect_fail 16 "a weak keyring record is refused before the passphrase is asked for" "below the policy's floor"
run "$C" accounts
_ok=0; [ "$RC" -eq 0 ] && grep -q '^\* ci cloak-pubkey-' "$OUT" || _ok=1
ok $_ok "accounts still lists a keyring with a weak record (no passphrase needed)"
sed "s|^password .*|password $(cat "$FX/record-huge.txt")|" "$WORK/kr.saved" >"$KR"
chmod 0600 "$KR"
run env CLOAK_PASSPHRASE=correct-horse "$C" env "$B" $VAULTOPT
expect_fail 16 "keyring record above the policy ceiling (1 GiB x 16 passes)" \
    "m=1048576 KiB, t=16, p=4, above the policy's ceiling"
# A keyring holding only a weak record: no new key is ever wrapped under it.
mkdir -m 0700 "$WORK/weakkr"
echo "password $(cat "$FX/record-weak.txt")" >"$WORK/weakkr/keyring"
chmod 0600 "$WORK/weakkr/keyring"
cp "$WORK/weakkr/keyring" "$WORK/weakkr.before"
run env CLOAK_KEYRING="$WORK/weakkr/keyring" CLOAK_PASSPHRASE=correct-horse "$C" import ci "$FX/account.key"
expect_fail 16 "import into a keyring with a weak record" "below the policy's floor"
cmp -s "$WORK/weakkr/keyring" "$WORK/weakkr.before"
ok $? "the weak keyring is left as it was (no key wrapped under it)"
cp "$WORK/kr.saved" "$KR"
chmod 0600 "$KR"
run "$C" forget ci
expect_ok "forget ci"
run env CLOAK_PASSPHRASE=correct-horse "$C" env "$B" $VAULTOPT
expect_fail 4 "keyring with nothing selected" "no selected account"
run "$C" untrust alice
expect_ok "untrust alice"
run env CLOAK_PASSPHRASE=correct-horse "$C" env "$B" $KEYOPT
expect_fail 7 "no trusted identity once alice is untrusted"

tap_finish

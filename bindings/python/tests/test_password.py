"""Password records and derivation: the client's cost policy, the account-bound salt, the account
secret key, and the legacy upgrade path (derive under a legacy policy, re-wrap)."""

from __future__ import annotations

import struct
import subprocess
import sys
import threading
import time

import pytest

import cloak
from cloak import constants as K
from conftest import check_tamper

FAST = dict(memory_kib=K.PASSWORD_MEMORY_KIB_MIN, iterations=1, parallelism=1)
# Everything a record may hold: the tests derive at the cheapest costs, far below the default floor,
# and say so explicitly, as an application reading legacy records would.
WIDE = cloak.PasswordPolicy.custom(
    memory_kib_min=K.PASSWORD_MEMORY_KIB_MIN, cost_min=K.PASSWORD_MEMORY_KIB_MIN * K.PASSWORD_ITERATIONS_MIN,
    memory_kib_max=K.PASSWORD_MEMORY_KIB_MAX, cost_max=K.PASSWORD_MEMORY_KIB_MAX * K.PASSWORD_ITERATIONS_MAX,
    iterations_max=K.PASSWORD_ITERATIONS_MAX, parallelism_max=K.PASSWORD_PARALLELISM_MAX)
ACCOUNT = "alice@example.com"


def derive(password: object, record: object, **kw: object) -> cloak.DerivedKeys:
    """password_derive() at test costs: the account id and the wide policy unless given."""
    kw.setdefault("account_id", ACCOUNT)
    kw.setdefault("policy", WIDE)
    return cloak.password_derive(password, record, **kw)  # type: ignore[arg-type]


def test_record_new_defaults() -> None:
    r = cloak.password_record_new()
    assert len(r) == 48 and cloak.blob_inspect(r) == (cloak.ObjectType.PASSWORD_RECORD, bytes(16))
    p = cloak.password_record_decode(r)
    assert (p.memory_kib, p.iterations, p.parallelism) == (65536, 3, 4)
    assert len(p.salt) == 16 and p.salt != cloak.password_record_decode(cloak.password_record_new()).salt
    cloak.password_record_check(r)  # the default record passes the default policy


def test_record_encode_decode() -> None:
    salt = bytes(range(16))
    r = cloak.password_record_encode(salt, 20000, 2, 3)
    assert r[20:] == struct.pack(">III", 20000, 2, 3) + salt
    assert cloak.password_record_decode(r) == (salt, 20000, 2, 3)
    assert cloak.password_record_decode(bytearray(r)) == (salt, 20000, 2, 3)
    with pytest.raises(cloak.BadParamsError):
        cloak.password_record_encode(salt[:15])


@pytest.mark.parametrize("field,lo,hi", [("memory_kib", 16384, 1048576), ("iterations", 1, 16),
                                         ("parallelism", 1, 16)])
def test_bounds(field: str, lo: int, hi: int) -> None:
    base = dict(memory_kib=65536, iterations=3, parallelism=4)
    for value, ok in ((lo, True), (hi, True), (lo - 1, False), (hi + 1, False), (2**32 - 1, False)):
        args = dict(base, **{field: value})
        if ok:
            r = cloak.password_record_new(**args)
            assert getattr(cloak.password_record_decode(r), field) == value
            cloak.password_record_encode(bytes(16), **args)
        else:
            with pytest.raises(cloak.BadParamsError):
                cloak.password_record_new(**args)
            with pytest.raises(cloak.BadParamsError):
                cloak.password_record_encode(bytes(16), **args)
            # A record made by hand with the value is refused by decode, check and derive (a hostile
            # server), whatever the policy: the hard bounds come first.
            good = cloak.password_record_encode(bytes(16), **base)
            off = {"memory_kib": 20, "iterations": 24, "parallelism": 28}[field]
            bad = good[:off] + struct.pack(">I", value) + good[off + 4:]
            with pytest.raises(cloak.BadParamsError):
                cloak.password_record_decode(bad)
            for policy in (None, WIDE):
                with pytest.raises(cloak.BadParamsError):
                    cloak.password_record_check(bad, policy)
                with pytest.raises(cloak.BadParamsError):
                    derive(b"pw", bad, policy=policy)
    # Python ints beyond uint32 are refused before they could wrap around in ctypes.
    with pytest.raises(cloak.BadParamsError):
        cloak.password_record_new(**dict(base, **{field: 2**32 + lo}))
    with pytest.raises(cloak.BadParamsError):
        cloak.password_record_new(**dict(base, **{field: -1}))


def test_record_tamper() -> None:
    r = cloak.password_record_encode(bytes(16), **FAST)
    # The key id must be zero (malformed). Bit 0 of each parameter byte: m = 0x00004000 becomes
    # 0x01004000 (out of bounds) or 0x00014000, 0x00004100, 0x00004001 (in bounds, accepted);
    # t = p = 1 become out of bounds whichever byte changes. The salt is any 16 bytes.
    regions = [(4, 20, cloak.MalformedError), (20, 21, cloak.BadParamsError), (21, 24, None),
               (24, 32, cloak.BadParamsError), (32, 48, None)]
    check_tamper(cloak.password_record_decode, r, regions)
    check_tamper(lambda rec: cloak.password_record_check(rec, WIDE), r, regions)


# ---- the cost policy -------------------------------------------------------------------------------

POLICY_NAMES = ("memory_kib_min", "cost_min", "memory_kib_max", "cost_max", "iterations_max", "parallelism_max")


def test_policy_default_is_the_constants() -> None:
    p = cloak.PasswordPolicy.default()
    want = (K.PASSWORD_POLICY_MEMORY_KIB_MIN, K.PASSWORD_POLICY_COST_MIN, K.PASSWORD_POLICY_MEMORY_KIB_MAX,
            K.PASSWORD_POLICY_COST_MAX, K.PASSWORD_POLICY_ITERATIONS_MAX, K.PASSWORD_POLICY_PARALLELISM_MAX)
    assert tuple(getattr(p, n) for n in POLICY_NAMES) == want
    assert bytes(p) == struct.pack(">6I", *want) and len(bytes(p)) == K.PASSWORD_POLICYBYTES
    assert cloak.password_policy_default() == p == cloak.PasswordPolicy(bytes(p))
    assert cloak.PasswordPolicy.custom(**dict(zip(POLICY_NAMES, want))) == p
    assert "memory_kib_min=%d" % want[0] in repr(p)
    # The examples under the default policy.
    for m, t, p_, ok in ((65536, 3, 4, True), (262144, 1, 1, True), (16384, 1, 1, False),
                         (1048576, 1, 1, False), (65536, 2, 4, False), (65536, 3, 9, False),
                         (262144, 4, 1, False)):
        record = cloak.password_record_encode(bytes(16), m, t, p_)
        if ok:
            cloak.password_record_check(record)
            cloak.password_record_check(record, p)
            cloak.password_record_check(record, bytes(p))
        else:
            for policy in (None, p, bytes(p)):
                with pytest.raises(cloak.WeakParamsError):
                    cloak.password_record_check(record, policy)


def test_policy_custom_edges() -> None:
    """Each bound of a custom policy admits its edge and refuses one step past it."""
    p = cloak.PasswordPolicy.custom(memory_kib_min=20000, cost_min=40000, memory_kib_max=30000, cost_max=80000,
                                    iterations_max=3, parallelism_max=2)
    assert [getattr(p, n) for n in POLICY_NAMES] == [20000, 40000, 30000, 80000, 3, 2]
    admitted = [(20000, 2, 1), (30000, 2, 2), (20000, 3, 2), (26666, 3, 1)]
    # each refused by one bound alone
    refused = [(19999, 3, 1),      # memory below the minimum
               (20000, 1, 1),      # memory x passes below the floor
               (30001, 2, 1),      # memory above the maximum
               (30000, 3, 1),      # memory x passes above the ceiling
               (20000, 4, 1),      # passes above the maximum
               (20000, 2, 3)]      # lanes above the maximum
    for m, t, lanes in admitted:
        cloak.password_record_check(cloak.password_record_encode(bytes(16), m, t, lanes), p)
    for m, t, lanes in refused:
        with pytest.raises(cloak.WeakParamsError):
            cloak.password_record_check(cloak.password_record_encode(bytes(16), m, t, lanes), p)


def test_policy_custom_refusals() -> None:
    ok = dict(memory_kib_min=16384, cost_min=16384, memory_kib_max=65536, cost_max=65536 * 3, iterations_max=3,
              parallelism_max=4)
    cloak.PasswordPolicy.custom(**ok)
    bad = [dict(memory_kib_min=K.PASSWORD_MEMORY_KIB_MIN - 1), dict(memory_kib_max=K.PASSWORD_MEMORY_KIB_MAX + 1),
           dict(memory_kib_min=70000),                     # minimum above the maximum
           dict(cost_min=K.PASSWORD_MEMORY_KIB_MIN - 1),   # floor below the hard bounds
           dict(cost_max=K.PASSWORD_MEMORY_KIB_MAX * K.PASSWORD_ITERATIONS_MAX + 1),
           dict(cost_min=65536 * 3 + 1),                   # floor above the ceiling
           dict(memory_kib_min=32768, memory_kib_max=65536, cost_min=16384, cost_max=32767),  # admits no record
           dict(iterations_max=0), dict(iterations_max=K.PASSWORD_ITERATIONS_MAX + 1),
           dict(parallelism_max=0), dict(parallelism_max=K.PASSWORD_PARALLELISM_MAX + 1),
           dict(cost_max=2**32)]                           # beyond uint32: refused before ctypes
    for change in bad:
        with pytest.raises(cloak.BadParamsError):
            cloak.PasswordPolicy.custom(**dict(ok, **change))
    with pytest.raises(TypeError):
        cloak.PasswordPolicy.custom(*ok.values())  # type: ignore[misc]  # every field is named
    with pytest.raises(TypeError):
        cloak.PasswordPolicy.custom(**dict(ok, iterations_max="3"))  # type: ignore[arg-type]


def test_policy_from_bytes_is_checked() -> None:
    good = bytes(cloak.PasswordPolicy.default())
    assert cloak.PasswordPolicy(bytearray(good)) == cloak.PasswordPolicy.default()
    inverted = good[8:12] + good[4:8] + good[0:4] + good[12:]  # memory min and max swapped
    record = cloak.password_record_new()
    for bad in (bytes(24), inverted, b"\xff" * 24):
        with pytest.raises(cloak.BadParamsError):
            cloak.PasswordPolicy(bad)
        # The C functions refuse the same bytes when given them directly.
        with pytest.raises(cloak.BadParamsError):
            cloak.password_record_check(record, bad)
        with pytest.raises(cloak.BadParamsError):
            derive(b"pw", record, policy=bad)
    for wrong_size in (good[:-1], good + b"\0", b""):
        with pytest.raises(cloak.BadParamsError):
            cloak.PasswordPolicy(wrong_size)
        with pytest.raises(cloak.BadParamsError):
            cloak.password_record_check(record, wrong_size)
    with pytest.raises(TypeError):
        cloak.password_record_check(record, "default")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cloak.PasswordPolicy("x" * 24)  # type: ignore[arg-type]


def test_weak_record_refused_by_derive() -> None:
    """A record below the floor or above the ceiling: WeakParamsError (-19), not a ValueError (the
    record is the server's, not the caller's mistake)."""
    for m, t, p in ((16384, 1, 1), (1048576, 1, 1), (65536, 16, 4), (65536, 3, 16)):
        record = cloak.password_record_encode(bytes(16), m, t, p)
        with pytest.raises(cloak.WeakParamsError) as info:
            cloak.password_derive(b"pw", record, account_id=ACCOUNT)
        assert info.value.code == -19 and info.value.status == cloak.Status.WEAK_PARAMS
        assert not isinstance(info.value, ValueError)
    # Refused before anything of the record is used: a record within the hard bounds and the
    # password checks come first (a bad password is BadParamsError whatever the record).
    with pytest.raises(cloak.BadParamsError):
        cloak.password_derive(b"", cloak.password_record_encode(bytes(16), **FAST), account_id=ACCOUNT)


NO_ARGON2_PROBE = r"""
import resource, cloak
wide = cloak.PasswordPolicy.custom(memory_kib_min=16384, cost_min=16384, memory_kib_max=1048576,
                                   cost_max=1048576 * 16, iterations_max=16, parallelism_max=16)
weak = cloak.password_record_new(16384, 1, 1)
huge = cloak.password_record_new(1048576, 1, 1)
many = cloak.password_record_new(65536, 16, 1)
with open("/proc/self/statm") as f:
    size = int(f.read().split()[0]) * resource.getpagesize()
# Room for the interpreter, not for the 16 MiB of the smallest record Argon2id can take.
resource.setrlimit(resource.RLIMIT_AS, (size + 8 * 2**20, resource.RLIM_INFINITY))
try:
    cloak.password_derive(b"pw", weak, account_id=b"a", policy=wide)
except cloak.NoMemoryError:
    pass
else:
    raise SystemExit("Argon2id got its memory under the limit: the probe shows nothing")
# So WeakParamsError here, not NoMemoryError, means Argon2id never took its memory.
for record in (weak, huge, many):
    for policy in (None, cloak.PasswordPolicy.default()):
        try:
            cloak.password_derive(b"pw", record, account_id=b"a", secret_key=bytes(20), policy=policy)
        except cloak.WeakParamsError:
            continue
        raise SystemExit("not refused")
print("REFUSED BEFORE ARGON2")
"""


def test_weak_record_costs_no_argon2_memory() -> None:
    """Under an address-space limit that makes any Argon2id allocation fail, a weak, a huge and a
    stalling record are still WeakParamsError: the refusal comes before Argon2id takes memory.
    (The C suite counts calls to the Argon2 hook itself; Python cannot reach that hook.)"""
    out = subprocess.run([sys.executable, "-c", NO_ARGON2_PROBE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip() == "REFUSED BEFORE ARGON2"


# ---- derivation ------------------------------------------------------------------------------------

def test_derive() -> None:
    r = cloak.password_record_encode(b"\x5a" * 16, **FAST)
    keys = derive("correct horse battery staple", r)
    assert isinstance(keys.master_key, cloak.MasterKey) and isinstance(keys.login_key, cloak.LoginKey)
    assert keys.master_key != keys.login_key
    # Deterministic, whatever the input types; every input changes both keys.
    again = derive(bytearray(b"correct horse battery staple"), bytearray(r), account_id=ACCOUNT.encode(),
                   policy=bytes(WIDE))
    assert again.master_key == keys.master_key and again.login_key == keys.login_key
    others = [derive(b"correct horse battery stapl3", r),
              derive("correct horse battery staple", cloak.password_record_encode(b"\x5b" * 16, **FAST)),
              derive("correct horse battery staple", cloak.password_record_encode(b"\x5a" * 16, 16384, 2, 1)),
              derive("correct horse battery staple", r, account_id="bob@example.com"),
              derive("correct horse battery staple", r, secret_key=cloak.AccountSecretKey.generate())]
    for o in others:
        assert o.master_key != keys.master_key and o.login_key != keys.login_key


def test_derive_arguments() -> None:
    r = cloak.password_record_encode(bytes(16), **FAST)
    derive(b"pw", r, account_id=b"x")
    derive(b"pw", r, account_id=b"x" * K.ACCOUNT_IDBYTES_MAX)
    for bad_id in (b"", "", b"x" * (K.ACCOUNT_IDBYTES_MAX + 1)):
        with pytest.raises(cloak.BadParamsError):
            derive(b"pw", r, account_id=bad_id)
    for bad_key in (b"", bytes(K.ACCOUNT_SECRET_KEYBYTES - 1), bytes(K.ACCOUNT_SECRET_KEYBYTES + 1)):
        with pytest.raises(cloak.BadParamsError):
            derive(b"pw", r, secret_key=bad_key)
    with pytest.raises(TypeError):
        derive(b"pw", r, secret_key=cloak.vault_key_generate())  # another kind of key
    with pytest.raises(TypeError):
        derive(b"pw", r, secret_key="CK1-...")  # the text form must be decoded first
    with pytest.raises(TypeError):
        derive(b"pw", r, policy=object())
    with pytest.raises(TypeError):
        cloak.password_derive(b"pw", r)  # type: ignore[call-arg]  # the account id is required
    with pytest.raises(TypeError):
        cloak.password_derive(b"pw", r, ACCOUNT)  # type: ignore[misc]  # and named
    # The key object and its bytes derive the same keys.
    with cloak.AccountSecretKey.generate() as k:
        assert derive(b"pw", r, secret_key=k).master_key == derive(b"pw", r, secret_key=k.secret_bytes()).master_key


def test_derive_password_length() -> None:
    r = cloak.password_record_encode(bytes(16), **FAST)
    derive(b"x" * K.PASSWORDBYTES_MAX, r)
    derive(b"x", r)
    for bad in (b"", b"x" * (K.PASSWORDBYTES_MAX + 1)):
        with pytest.raises(cloak.BadParamsError):
            derive(bad, r)
    # The password is checked before the account id, the account id before the record, the record
    # before the policy (section 4.2).
    with pytest.raises(cloak.BadParamsError):
        derive(b"", b"junk", account_id=b"")
    with pytest.raises(cloak.BadParamsError):
        derive(b"pw", b"junk", account_id=b"")
    with pytest.raises(cloak.MalformedError):
        derive(b"pw", b"junk", policy=bytes(24))
    with pytest.raises(cloak.MalformedError):
        derive(b"pw", b"junk", policy=None)


def test_str_password_is_utf8() -> None:
    r = cloak.password_record_encode(bytes(16), **FAST)
    a = derive("pässwörd", r, account_id="jürgen")
    b = derive("pässwörd".encode("utf-8"), r, account_id="jürgen".encode("utf-8"))
    assert a.master_key == b.master_key
    # No normalisation: NFD and NFC spellings are different passwords and different accounts.
    import unicodedata
    c = derive(unicodedata.normalize("NFD", "pässwörd"), r, account_id="jürgen")
    assert c.master_key != a.master_key
    d = derive("pässwörd", r, account_id=unicodedata.normalize("NFD", "jürgen"))
    assert d.master_key != a.master_key


def test_derive_releases_the_gil() -> None:
    """Argon2id runs without the GIL: another Python thread keeps running meanwhile."""
    r = cloak.password_record_encode(bytes(16), memory_kib=65536, iterations=3, parallelism=1)
    ticks = []
    stop = threading.Event()

    def ticker() -> None:
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.005)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        time.sleep(0.02)
        before = len(ticks)
        start = time.monotonic()
        cloak.password_derive(b"pw", r, account_id=ACCOUNT)  # the default policy admits this record
        elapsed = time.monotonic() - start
        during = len(ticks) - before
    finally:
        stop.set()
        t.join()
    assert elapsed < 0.05 or during >= 3


NOMEM_PROBE = r"""
import resource, cloak
wide = cloak.PasswordPolicy.custom(memory_kib_min=16384, cost_min=16384, memory_kib_max=1048576,
                                   cost_max=1048576 * 16, iterations_max=16, parallelism_max=16)
# Room for the interpreter and 16 MiB, not for 1 GiB of Argon2id memory.
with open("/proc/self/statm") as f:
    size = int(f.read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (size + 256 * 2**20, resource.RLIM_INFINITY))
big = cloak.password_record_new(memory_kib=1048576, iterations=1, parallelism=1)
try:
    cloak.password_derive(b"pw", big, account_id=b"a", policy=wide)
except cloak.NoMemoryError as e:
    assert e.code == -14
    small = cloak.password_record_new(memory_kib=16384, iterations=1, parallelism=1)
    cloak.password_derive(b"pw", small, account_id=b"a", policy=wide)  # still works within the limit
    print("NOMEM")
"""


def test_no_memory_is_its_own_error() -> None:
    """Argon2id's allocation failing (an address-space limit) raises NoMemoryError (-14)."""
    out = subprocess.run([sys.executable, "-c", NOMEM_PROBE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "NOMEM"


def test_password_kernel() -> None:
    kernel = cloak.password_kernel()
    assert isinstance(kernel, str) and kernel and kernel == kernel.strip() and kernel.isprintable()
    assert cloak.password_kernel() == kernel  # one kernel per process


# ---- what the server's store gives an attacker (issue 14, "Done when") -------------------------------

class Account:
    """A registered account as the server stores it, and what only the user has."""

    def __init__(self, account_id: str, password: str, record: bytes, with_key: bool = True) -> None:
        self.account_id, self.password, self.record = account_id, password, record
        self.secret_key = cloak.AccountSecretKey.generate() if with_key else None
        master, login = derive(password, record, account_id=account_id, secret_key=self.secret_key)
        self.identity = cloak.IdentityKeyPair.generate()
        self.encryption = cloak.EncryptionKeyPair.generate()
        self.service = cloak.EncryptionKeyPair.generate()
        self.master_key = master
        # the server's store: the record, the login key it checks, the wrapped keys
        self.login_key = bytes(login.secret_bytes())
        self.wrapped = [self.identity.wrap(master), self.encryption.wrap(master),
                        self.service.wrap_service_account(master)]
        self.unwrap = [cloak.identity_unwrap, cloak.encryption_unwrap, cloak.service_account_unwrap]

    def nothing_opens(self, keys: cloak.DerivedKeys) -> None:
        assert keys.login_key != self.login_key
        assert keys.master_key != self.master_key
        for unwrap, wrapped in zip(self.unwrap, self.wrapped):
            with pytest.raises(cloak.WrongKeyError):
                unwrap(keys.master_key, wrapped)

    def everything_opens(self, keys: cloak.DerivedKeys) -> None:
        assert keys.login_key == self.login_key
        for unwrap, wrapped, pair in zip(self.unwrap, self.wrapped, (self.identity, self.encryption, self.service)):
            opened = unwrap(keys.master_key, wrapped)
            assert opened.public_key == pair.public_key and opened.secret_bytes() == pair.secret_bytes()


def test_store_and_password_without_the_secret_key_open_nothing() -> None:
    alice = Account(ACCOUNT, "correct horse battery staple", cloak.password_record_new(**FAST))
    assert alice.secret_key is not None
    alice.everything_opens(derive(alice.password, alice.record, secret_key=alice.secret_key))
    # The right password and the whole store, but no key, or another key, or the key's text for
    # another account decoded as if it were this one's: nothing opens.
    alice.nothing_opens(derive(alice.password, alice.record))
    alice.nothing_opens(derive(alice.password, alice.record, secret_key=cloak.AccountSecretKey.generate()))
    alice.nothing_opens(derive(alice.password, alice.record, secret_key=bytes(K.ACCOUNT_SECRET_KEYBYTES)))


def test_secret_key_and_a_wrong_password_open_nothing() -> None:
    alice = Account(ACCOUNT, "correct horse battery staple", cloak.password_record_new(**FAST))
    for guess in ("correct horse battery stapl", "Correct horse battery staple", "correct horse battery staple "):
        alice.nothing_opens(derive(guess, alice.record, secret_key=alice.secret_key))


def test_same_server_salt_two_accounts_unrelated() -> None:
    """A server that gives every account the same salt gains nothing: the salt is bound to the
    account id, so one guess tests one account."""
    record = cloak.password_record_encode(b"\x11" * 16, **FAST)
    for with_key in (False, True):
        alice = Account("alice@example.com", "hunter2", record, with_key)
        bob = Account("bob@example.com", "hunter2", record, with_key)
        assert alice.login_key != bob.login_key and alice.master_key != bob.master_key
        bob_keys = derive("hunter2", record, account_id="bob@example.com", secret_key=bob.secret_key)
        bob.everything_opens(bob_keys)
        alice.nothing_opens(bob_keys)
        # The same secret key for both changes nothing: the key's share is bound to the account too.
        if with_key:
            assert alice.secret_key is not None
            as_bob = derive("hunter2", record, account_id="bob@example.com", secret_key=alice.secret_key)
            alice.nothing_opens(as_bob)
            assert as_bob.master_key != bob_keys.master_key


def test_legacy_upgrade_path() -> None:
    """An account on a record below the default floor: refused under the default policy, derived once
    under an explicit legacy policy, moved to a new default record by re-wrapping every key."""
    legacy_record = cloak.password_record_encode(bytes(range(16)), 16384, 1, 1)
    legacy = cloak.PasswordPolicy.custom(memory_kib_min=16384, cost_min=16384, memory_kib_max=65536,
                                         cost_max=65536 * 3, iterations_max=3, parallelism_max=4)
    alice = Account(ACCOUNT, "pw", legacy_record)
    with pytest.raises(cloak.WeakParamsError):
        cloak.password_record_check(legacy_record)
    with pytest.raises(cloak.WeakParamsError):
        cloak.password_derive("pw", legacy_record, account_id=ACCOUNT, secret_key=alice.secret_key)

    old = cloak.password_derive("pw", legacy_record, account_id=ACCOUNT, secret_key=alice.secret_key, policy=legacy)
    alice.everything_opens(old)
    new_record = cloak.password_record_new()  # the defaults: 64 MiB, t = 3, p = 4
    cloak.password_record_check(new_record)
    new = cloak.password_derive("pw", new_record, account_id=ACCOUNT, secret_key=alice.secret_key)
    rewrapped = [cloak.wrapped_key_rewrap(old.master_key, new.master_key, w) for w in alice.wrapped]
    for before, after in zip(alice.wrapped, rewrapped):
        assert cloak.wrapped_key_public_key(after) == cloak.wrapped_key_public_key(before)
        assert after != before
    # The server now stores the new record, the new login key and the re-wrapped keys.
    alice.record, alice.wrapped = new_record, rewrapped
    alice.login_key, alice.master_key = bytes(new.login_key.secret_bytes()), new.master_key
    alice.everything_opens(cloak.password_derive("pw", new_record, account_id=ACCOUNT, secret_key=alice.secret_key))
    alice.nothing_opens(old)  # the old keys open none of the re-wrapped ones


def test_rewrap_refusals() -> None:
    r = cloak.password_record_encode(bytes(16), **FAST)
    old = derive("old", r).master_key
    new = derive("new", r).master_key
    identity = cloak.IdentityKeyPair.generate()
    wrapped = identity.wrap(old)
    out = cloak.wrapped_key_rewrap(old, new, wrapped)
    assert cloak.identity_unwrap(new, out).public_key == identity.public_key
    # Raw key bytes work as key objects do, and a bytearray blob as bytes.
    assert cloak.identity_unwrap(new, cloak.wrapped_key_rewrap(old.secret_bytes(), bytes(new.secret_bytes()),
                                                               bytearray(wrapped))).public_key == identity.public_key
    with pytest.raises(cloak.BadParamsError):
        cloak.wrapped_key_rewrap(old, old, wrapped)
    with pytest.raises(cloak.WrongKeyError):
        cloak.wrapped_key_rewrap(new, old, wrapped)        # not wrapped under `new`
    with pytest.raises(cloak.AuthenticationError):
        cloak.wrapped_key_rewrap(old, new, wrapped[:-1] + bytes([wrapped[-1] ^ 1]))
    with pytest.raises(cloak.MalformedError):
        cloak.wrapped_key_rewrap(old, new, wrapped[:-1])
    with pytest.raises(cloak.WrongTypeError):
        cloak.wrapped_key_rewrap(old, new, cloak.password_record_new())
    with pytest.raises(cloak.BadParamsError):
        cloak.wrapped_key_rewrap(bytes(31), new, wrapped)
    with pytest.raises(TypeError):
        cloak.wrapped_key_rewrap(identity, new, wrapped)  # type: ignore[arg-type]
    old.wipe()
    with pytest.raises(ValueError):
        cloak.wrapped_key_rewrap(old, new, wrapped)


# ---- the account secret key and its text form --------------------------------------------------------

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def test_secret_key_text_round_trip() -> None:
    for _ in range(20):
        with cloak.AccountSecretKey.generate() as k:
            text = k.encode(ACCOUNT)
            assert len(text) == K.ACCOUNT_SECRET_KEY_TEXTBYTES - 1 == 51
            groups = text.split("-")
            assert groups[0] == "CK1" and len(groups) == 9
            assert all(len(g) == 5 and set(g) <= set(CROCKFORD) for g in groups[1:])
            assert cloak.AccountSecretKey.decode(text, ACCOUNT) == k
            assert cloak.account_secret_key_encode(k, ACCOUNT) == text
            assert cloak.account_secret_key_encode(k.secret_bytes(), ACCOUNT.encode()) == text
            assert cloak.account_secret_key_decode(text.encode(), ACCOUNT) == k
            assert cloak.account_secret_key_decode(bytearray(text.encode()), bytearray(ACCOUNT.encode())) == k
            # The first 32 characters are the key, the last 8 the checksum over it and the account id.
            other = k.encode("bob@example.com").replace("-", "")
            assert other[:35] == text.replace("-", "")[:35] and other[35:] != text.replace("-", "")[35:]


def test_secret_key_text_layout_is_the_keys_bits() -> None:
    """The 40 characters carry the key's 160 bits, most significant first, then the checksum."""
    def key_chars(raw: bytes) -> str:
        return cloak.AccountSecretKey(raw).encode(ACCOUNT)[4:].replace("-", "")[:32]

    assert key_chars(bytes.fromhex("0842108421") * 4) == "1" * 32   # every 5-bit group 00001
    assert key_chars(bytes(20)) == "0" * 32
    assert key_chars(b"\xff" * 20) == "Z" * 32
    assert key_chars(bytes.fromhex("00443214c74254b635cf84653a56d7c675be77df")) == CROCKFORD


def test_secret_key_text_read_as_typed() -> None:
    """Either case, I and L as 1, O as 0, with or without the dashes, surrounding whitespace."""
    for raw in (bytes(20), bytes.fromhex("0842108421") * 4, None):
        k = cloak.AccountSecretKey.generate() if raw is None else cloak.AccountSecretKey(raw)
        text = k.encode(ACCOUNT)
        body = text[4:]
        variants = [text.lower(), "CK1-" + body.replace("1", "I"), "CK1-" + body.replace("1", "l").replace("0", "o"),
                    "CK1-" + body.replace("0", "O"), "CK1" + body.replace("-", ""), "CK1-" + body.replace("-", ""),
                    "ck1" + body.lower(), "CK1" + body, " \t" + text + "\r\n", "\n" + text]
        for v in variants:
            assert cloak.AccountSecretKey.decode(v, ACCOUNT) == k, v


def test_secret_key_text_refusals() -> None:
    k = cloak.AccountSecretKey.generate()
    text = k.encode(ACCOUNT)
    with pytest.raises(cloak.ChecksumError):
        cloak.AccountSecretKey.decode(text, "bob@example.com")   # another account's key
    with pytest.raises(cloak.ChecksumError):
        cloak.AccountSecretKey.decode(text, ACCOUNT.upper())     # the id is bytes, not case-folded
    # Every single-character typing error in the 40 characters is caught by the checksum.
    positions = [i for i, c in enumerate(text) if i >= 4 and c != "-"]
    assert len(positions) == 40
    for i in positions:
        for c in (CROCKFORD[(CROCKFORD.index(text[i]) + 1) % 32], CROCKFORD[(CROCKFORD.index(text[i]) + 17) % 32]):
            with pytest.raises(cloak.ChecksumError):
                cloak.AccountSecretKey.decode(text[:i] + c + text[i + 1:], ACCOUNT)
    with pytest.raises(cloak.UnsupportedVersionError):
        cloak.AccountSecretKey.decode("CK2" + text[3:], ACCOUNT)
    with pytest.raises(cloak.UnsupportedVersionError):
        cloak.AccountSecretKey.decode("CK0" + text[3:], ACCOUNT)
    malformed = ["", "CK1", "CK1-", text[:-1], text + "0", "XK1" + text[3:], "CKX" + text[3:],
                 text[:9] + text[10:],                       # dashes in some groups and not others
                 text[:4] + text[4:].replace("-", " "),      # groups joined by spaces
                 text[:4] + text[5:9] + "-" + text[4] + text[9:],  # a dash out of place
                 text[:10] + "U" + text[11:],                # U is not in the alphabet
                 text[:10] + "é" + text[12:], "CK1--" + text[4:], text[:9] + "-" + text[9:],
                 text[:25] + " " + text[26:]]
    for bad in malformed:
        with pytest.raises(cloak.MalformedError):
            cloak.AccountSecretKey.decode(bad, ACCOUNT)
    for bad_id in (b"", "", b"x" * (K.ACCOUNT_IDBYTES_MAX + 1)):
        with pytest.raises(cloak.BadParamsError):
            cloak.AccountSecretKey.decode(text, bad_id)
        with pytest.raises(cloak.BadParamsError):
            k.encode(bad_id)
    long_id = b"x" * K.ACCOUNT_IDBYTES_MAX
    assert cloak.AccountSecretKey.decode(k.encode(long_id), long_id) == k
    for bad_key in (bytes(19), bytes(21), b""):
        with pytest.raises(cloak.BadParamsError):
            cloak.AccountSecretKey(bad_key)
        with pytest.raises(cloak.BadParamsError):
            cloak.account_secret_key_encode(bad_key, ACCOUNT)
    with pytest.raises(TypeError):
        cloak.AccountSecretKey.decode(12345, ACCOUNT)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cloak.account_secret_key_encode(cloak.vault_key_generate(), ACCOUNT)  # type: ignore[arg-type]


def test_secret_key_object_is_wiped_and_hidden() -> None:
    import copy
    import pickle
    k = cloak.AccountSecretKey.generate()
    raw = bytes(k.secret_bytes())
    text = k.encode(ACCOUNT)
    assert len(raw) == len(k) == K.ACCOUNT_SECRET_KEYBYTES and raw != bytes(20)
    assert raw.hex() not in repr(k) and text not in repr(k) and repr(k) == "AccountSecretKey()"
    for attempt in (lambda: pickle.dumps(k), lambda: copy.copy(k), lambda: copy.deepcopy(k)):
        with pytest.raises(TypeError):
            attempt()
    with pytest.raises(TypeError):
        hash(k)
    buffer = k._secret
    k.wipe()
    assert k.wiped and bytes(buffer.view()) == bytes(20) and repr(k) == "AccountSecretKey(wiped)"
    for use in (lambda: k.encode(ACCOUNT), k.secret_bytes, lambda: derive(b"pw", cloak.password_record_new(**FAST),
                                                                        secret_key=k)):
        with pytest.raises(ValueError):
            use()
    # `with` wipes at the end of the block, and so does garbage collection.
    with cloak.AccountSecretKey.decode(text, ACCOUNT) as again:
        inner = again._secret
        assert bytes(inner.view()) == raw
    assert again.wiped and bytes(inner.view()) == bytes(20)
    third = cloak.AccountSecretKey(raw)
    inner = third._secret
    del third
    assert bytes(inner.view()) == bytes(20)


def test_secret_key_buffers_are_wiped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The generated layer writes the key and its text form into wipeable memory only: the text's
    buffer is wiped once decoded, a failed decode's key buffer at once."""
    from cloak import _buf, _low
    made: list = []

    class Recorded(_buf.SecretBuffer):
        __slots__ = ()

        def __init__(self, n: int) -> None:
            super().__init__(n)
            made.append(self)

    monkeypatch.setattr(_low, "SecretBuffer", Recorded)
    k = cloak.AccountSecretKey.generate()
    assert k._secret is made[-1]                      # adopted, not copied
    text = k.encode(ACCOUNT)
    assert made[-1].size == K.ACCOUNT_SECRET_KEY_TEXTBYTES and bytes(made[-1].view()) == bytes(52)
    decoded = cloak.AccountSecretKey.decode(text, ACCOUNT)
    assert decoded._secret is made[-1] and decoded == k
    with pytest.raises(cloak.ChecksumError):
        cloak.AccountSecretKey.decode(text, "someone else")
    assert made[-1].size == K.ACCOUNT_SECRET_KEYBYTES and bytes(made[-1].view()) == bytes(20)


def _text_by_hand(key: bytes, account_id: bytes) -> str:
    """The text form as issue 14 specifies it, with hashlib only: key || SHA-256("libcloak v2 account
    secret key text" || u8(len(id)) || id || key)[0..5], 200 bits read five at a time, most
    significant first, into Crockford's alphabet, after "CK1-" in groups of five joined by '-'."""
    import hashlib
    check = hashlib.sha256(b"libcloak v2 account secret key text" + bytes([len(account_id)]) + account_id + key)
    n = int.from_bytes(key + check.digest()[:5], "big")
    chars = "".join(CROCKFORD[(n >> (195 - 5 * i)) & 31] for i in range(40))
    return "CK1-" + "-".join(chars[i:i + 5] for i in range(0, 40, 5))


def test_secret_key_text_matches_the_spec() -> None:
    import os
    import spec_impl as spec
    for n in range(50):
        raw = os.urandom(20)
        account_id = os.urandom(1 + n * 5)
        text = cloak.AccountSecretKey(raw).encode(account_id)
        assert text == _text_by_hand(raw, account_id) == spec.account_secret_key_encode(raw, account_id)
        assert bytes(cloak.AccountSecretKey.decode(_text_by_hand(raw, account_id), account_id).secret_bytes()) == raw

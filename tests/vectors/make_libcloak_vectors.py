#!/usr/bin/env python3
"""Writes tests/vectors/libcloak.json: vectors for every object of docs/protocol.md, produced by the
independent implementation in tests/vectors/spec/ (written from the document alone; no libcloak
code). Every input is fixed, including the HPKE encapsulations' randomness, so a rerun writes the
same file.

Operations that draw randomness list, in the input "random", the bytes they draw in the order
they draw them (a nonce; a salt; a batch id then the encapsulation's randomness: an X25519 ephemeral
private key, or X-Wing's 64 bytes, ML-KEM's m then the X25519 ephemeral key): the C replay feeds
them to the library through libsodium's random source and compares the sealed bytes. Failure cases
list no draws: what a library draws before it fails is its own business. The batch reader's MAC key
(section 9.3) is drawn at verification and changes no output, so it is not listed either.

Each case names a libcloak operation (the C function without `cloak_`, or a short composite where
the C API needs state: batch_seal, batch_open and their _xwing forms; head_* calls that take a
verified head), its inputs and either its outputs ("expect": "ok") or the exact status the spec names ("expect": "AUTH", ...). The expected status is what the independent
implementation raises; the producer also states which status each failure case is built to reach
and stops if the two differ, so a mutation that misses its target cannot slip into the file.
The ok cases of password_derive also carry a "trace" of the derivation's intermediate values
(section 4.6), which no replay compares, for an implementer who has to find where they differ.

Suite 2's cases are xwing_vectors.py's, the heads' head_vectors.py's. Before writing anything it
runs spec/spec_selfcheck.py (ML-KEM-768 against Wycheproof, X-Wing's HPKE against draft-ietf-hpke-pq's
vector).

Run it in a venv holding bindings/python/requirements-test.txt (cryptography, pyhpke, argon2-cffi,
kyber-py):
    python3 tests/vectors/make_libcloak_vectors.py            # writes the file
    python3 tests/vectors/make_libcloak_vectors.py --check    # fails if the file is stale
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from typing import Any, Callable, Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "spec"))

import head_vectors  # noqa: E402
import spec_impl as spec  # noqa: E402
import spec_selfcheck  # noqa: E402
import xwing_vectors  # noqa: E402
from spec_impl import SpecError  # noqa: E402

OUTPUT = os.path.join(HERE, "libcloak.json")

# Section 13's names without CLOAK_E_, keyed by the kind the independent implementation raises.
STATUS = {
    "malformed": "MALFORMED", "unsupported version": "UNSUPPORTED_VERSION",
    "unsupported suite": "UNSUPPORTED_SUITE", "wrong type": "WRONG_TYPE", "wrong key": "WRONG_KEY",
    "auth": "AUTH", "bad signature": "BAD_SIGNATURE", "untrusted signer": "UNTRUSTED_SIGNER",
    "bad params": "BAD_PARAMS", "invalid key": "INVALID_KEY", "checksum": "CHECKSUM", "mismatch": "MISMATCH",
    "stale": "STALE", "expired": "EXPIRED", "bad state": "BAD_STATE", "weak params": "WEAK_PARAMS",
    "policy": "POLICY",
}

# Section 1.4's X25519 public keys of small order (canonical), and non-canonical encodings: bit 255
# set on a good key, u = p (the point u = 0 written again), u = p + 1 and the largest 255-bit u.
SMALL_ORDER_X25519 = dict(zip(("zero", "one", "p-minus-1", "order-8-a", "order-8-b"), spec.SMALL_ORDER_X25519))
X25519_P = 2 ** 255 - 19
NON_CANONICAL_X25519 = {"u-is-p": X25519_P.to_bytes(32, "little"),
                        "u-is-p-plus-1": (X25519_P + 1).to_bytes(32, "little"),
                        "u-is-2-255-minus-1": (2 ** 255 - 1).to_bytes(32, "little")}
# Section 1.3's rules on identity public keys: a non-canonical y (p + 3, which decodes to the point
# of y = 3 once reduced), small-order encodings (the identity point, and one of order 8 with its top
# bit set) and a canonical y with no point (y = 2).
NON_CANONICAL_ED25519 = (spec.ED_P + 3).to_bytes(32, "little")
NOT_A_POINT_ED25519 = (2).to_bytes(32, "little")
IDENTITY_POINT_ED25519 = spec.SMALL_ORDER_ED25519[1]
ORDER_8_TOP_BIT_ED25519 = spec.SMALL_ORDER_ED25519[2][:31] + bytes([spec.SMALL_ORDER_ED25519[2][31] | 0x80])


def encode(value: Any) -> Any:
    """Bytes as lowercase hex; lists element-wise; text and integers as they are."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, list):
        return [encode(v) for v in value]
    return value


class Vectors:
    def __init__(self) -> None:
        self.cases: List[Dict[str, Any]] = []
        self.names: set = set()

    def add(self, name: str, operation: str, section: str, inputs: Dict[str, Any],
            run: Callable[[], Dict[str, Any]], want: str = "ok",
            trace: Optional[Callable[[], Dict[str, Any]]] = None) -> Dict[str, Any]:
        """Runs the independent implementation; `want` is the status the case is built to reach.
        `trace`, for an ok case, gives intermediate values an implementer may compare with."""
        assert name not in self.names, name
        self.names.add(name)
        try:
            outputs = run()
            expect = "ok"
        except SpecError as e:
            outputs, expect = {}, STATUS[e.kind]
        if expect != want:
            raise SystemExit("case %s: the independent implementation gives %s, the case was built for %s"
                             % (name, expect, want))
        case = {"name": name, "operation": operation, "section": section,
                "inputs": {k: encode(v) for k, v in inputs.items()}, "expect": expect,
                "outputs": {k: encode(v) for k, v in outputs.items()}}
        if trace is not None and expect == "ok":
            case["trace"] = {k: encode(v) for k, v in trace().items()}
        self.cases.append(case)
        return outputs


def credential_trace(pk: bytes, sk: bytes) -> Dict[str, Any]:
    """Section 9.4's intermediate values, for an implementer whose credential differs."""
    suite = spec.suite_of_public_key(pk)
    return {"prk": spec.extract(b"libcloak v2 service account credential", sk),
            "info": spec.u16(suite) + spec.key_id_public(pk)}


def patched(blob: bytes, offset: int, value: bytes) -> bytes:
    return blob[:offset] + value + blob[offset + len(value):]


def flipped(blob: bytes, offset: int) -> bytes:
    return patched(blob, offset, bytes([blob[offset] ^ 0x01]))


def envelope_failures(v: Vectors, prefix: str, operation: str, section: str, blob: bytes,
                      inputs: Callable[[bytes], Dict[str, Any]], run: Callable[[bytes], Dict[str, Any]],
                      other_type: int, fixed_length: bool = True, relabelled: str = "UNSUPPORTED_SUITE") -> None:
    """Section 2's checks, in its order, on one parser: each case breaks one step. The blob is of the
    reader's suite; "suite-1" or "suite-2" names the other suite, which step 5 refuses (a suite-2 value
    in a type of suite 1 only, or the other suite's object given to this suite's reader). `relabelled`
    is the status of a blob relabelled to the other suite where a composite first parses the blob in
    the suite it names (batch_open's batch_count: malformed, the length being the other suite's)."""
    def case(suffix: str, bad: bytes, want: str) -> None:
        v.add(prefix + "/" + suffix, operation, section, inputs(bad), lambda: run(bad), want)

    other_suite = spec.SUITE_XWING if spec.header_suite(blob) == spec.SUITE_X25519 else spec.SUITE_X25519
    case("empty", b"", "MALFORMED")
    case("shorter-than-header", blob[:19], "MALFORMED")
    case("version-1", patched(blob, 0, b"\x01"), "UNSUPPORTED_VERSION")
    case("version-3", patched(blob, 0, b"\x03"), "UNSUPPORTED_VERSION")
    case("version-0", patched(blob, 0, b"\x00"), "UNSUPPORTED_VERSION")
    case("suite-%d" % other_suite, patched(blob, 2, spec.u16(other_suite)), relabelled)
    case("suite-3", patched(blob, 2, b"\x00\x03"), "UNSUPPORTED_SUITE")
    case("suite-0", patched(blob, 2, b"\x00\x00"), "UNSUPPORTED_SUITE")
    case("suite-256", patched(blob, 2, b"\x01\x01"), "UNSUPPORTED_SUITE")
    case("version-before-suite", patched(patched(blob, 0, b"\x01"), 2, b"\x00\x03"), "UNSUPPORTED_VERSION")
    case("suite-before-type", patched(patched(blob, 1, b"\x0e"), 2, b"\x00\x03"), "UNSUPPORTED_SUITE")
    case("type-unknown-0x0e", patched(blob, 1, b"\x0e"), "MALFORMED")
    case("type-unknown-0x00", patched(blob, 1, b"\x00"), "MALFORMED")
    case("type-other", patched(blob, 1, bytes([other_type])), "WRONG_TYPE")
    # Step 4 (the expected type) comes before step 5 (the suites the type admits and the reader reads).
    case("type-before-suite", patched(patched(blob, 1, bytes([other_type])), 2, spec.u16(other_suite)), "WRONG_TYPE")
    case("type-before-length", patched(blob, 1, bytes([other_type]))[:-1], "WRONG_TYPE")
    # Step 5 comes before step 6 (the length).
    case("suite-before-length", patched(blob, 2, spec.u16(other_suite))[:-1], relabelled)
    if fixed_length:
        case("truncated", blob[:-1], "MALFORMED")
        case("trailing-byte", blob + b"\x00", "MALFORMED")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing it")
    args = parser.parse_args()
    print(spec_selfcheck.run())

    v = Vectors()

    # ---- keys (section 5) -------------------------------------------------------------------------
    parties = {}
    for who, fill in (("alice", 0x11), ("bob", 0x33)):
        identity_seed, encryption_seed = bytes([fill]) * 32, bytes([fill + 1]) * 32
        identity_pk = spec.ed25519_public(identity_seed)
        v.add(who + "/identity-keypair", "identity_keypair_from_seed", "5", {"seed": identity_seed},
              lambda: {"public_key": identity_pk, "secret_key": identity_seed + identity_pk})
        encryption_pk, encryption_sk = v.add(
            who + "/encryption-keypair", "encryption_keypair_from_seed", "5", {"seed": encryption_seed},
            lambda: dict(zip(("public_key", "secret_key"), spec.encryption_keypair_from_seed(encryption_seed)))
        ).values()
        parties[who] = dict(identity_seed=identity_seed, identity_pk=identity_pk,
                            identity_sk=identity_seed + identity_pk, encryption_pk=encryption_pk,
                            encryption_sk=encryption_sk)
    alice, bob = parties["alice"], parties["bob"]
    # A third key pair nobody trusts, and an account's.
    mallory_seed = b"\x55" * 32
    mallory_pk = spec.ed25519_public(mallory_seed)
    v.add("mallory/identity-keypair", "identity_keypair_from_seed", "5", {"seed": mallory_seed},
          lambda: {"public_key": mallory_pk, "secret_key": mallory_seed + mallory_pk})
    mallory_sk = mallory_seed + mallory_pk
    # Alice's seed with Bob's public half: every signer and the identity wrap must refuse it.
    poisoned_sk = alice["identity_seed"] + bob["identity_pk"]
    for seed_len, want in ((64, "ok"), (32, "ok"), (255, "ok"), (31, "BAD_PARAMS"), (256, "BAD_PARAMS"),
                           (0, "BAD_PARAMS")):
        seed = bytes(i & 0xFF for i in range(seed_len))
        v.add("encryption-keypair/seed-of-%d-bytes" % seed_len, "encryption_keypair_from_seed", "5", {"seed": seed},
              lambda: dict(zip(("public_key", "secret_key"), spec.encryption_keypair_from_seed(seed))), want)

    # ---- key ids (section 1.2) ----------------------------------------------------------------------
    for label, key in (("zero", bytes(32)), ("77", b"\x77" * 32)):
        v.add("key-id/" + label, "key_id", "1.2", {"key": key}, lambda: {"key_id": spec.key_id_symmetric(key)})

    # ---- password record, cost policy, account secret key and derivation (section 4) ---------------
    salt = b"\x5a" * 16
    password = b"correct horse battery staple"
    record = v.add("password-record/smallest-cost", "password_record_encode", "4.1",
                   {"salt": salt, "memory_kib": 16384, "iterations": 1, "parallelism": 1},
                   lambda: {"record": spec.password_record(salt, 16384, 1, 1)})["record"]
    v.add("password-record-new/smallest-cost", "password_record_new", "4.1",
          {"memory_kib": 16384, "iterations": 1, "parallelism": 1, "random": [salt]},
          lambda: {"record": spec.password_record(salt, 16384, 1, 1)})
    v.add("password-record/decode", "password_record_decode", "4.1", {"record": record},
          lambda: dict(zip(("salt", "memory_kib", "iterations", "parallelism"), spec.password_record_decode(record))))
    default_record = spec.password_record(bytes(range(16)), 65536, 3, 4)
    v.add("password-record/decode-defaults", "password_record_decode", "4.1", {"record": default_record},
          lambda: dict(zip(("salt", "memory_kib", "iterations", "parallelism"),
                           spec.password_record_decode(default_record))))

    # 4.2: policies. The legacy policy is what an application that once wrote 16 MiB records passes
    # explicitly to read them (section 4.7); every Argon2id run below but one uses it, to keep the
    # replays fast.
    policy_of = lambda values: spec.password_policy_init(*values)  # noqa: E731
    default_policy = v.add("password-policy-default/ok", "password_policy_default", "4.2", {},
                           lambda: {"policy": spec.password_policy_default()})["policy"]
    legacy_values = (16384, 16384, 65536, 196608, 3, 4)
    widest_values = (16384, 16384, 1048576, 16777216, 16, 16)
    for label, values, want in (
            ("default-values", spec.DEFAULT_POLICY, "ok"),
            ("legacy", legacy_values, "ok"),
            ("widest", widest_values, "ok"),
            ("one-record-only", (16384, 16384, 16384, 16384, 1, 1), "ok"),
            ("floor-equals-ceiling", (65536, 196608, 65536, 196608, 3, 4), "ok"),
            ("memory-min-below-record-bound", (16383, 16384, 65536, 196608, 3, 4), "BAD_PARAMS"),
            ("memory-max-above-record-bound", (16384, 16384, 1048577, 16777216, 16, 16), "BAD_PARAMS"),
            ("memory-min-above-max", (65537, 196608, 65536, 786432, 12, 8), "BAD_PARAMS"),
            ("cost-min-below-one-pass-of-16-mib", (16384, 16383, 65536, 196608, 3, 4), "BAD_PARAMS"),
            ("cost-max-above-record-bounds", (16384, 16384, 1048576, 16777217, 16, 16), "BAD_PARAMS"),
            ("cost-min-above-max", (65536, 196609, 262144, 196608, 12, 8), "BAD_PARAMS"),
            ("iterations-max-zero", (65536, 196608, 262144, 786432, 0, 8), "BAD_PARAMS"),
            ("iterations-max-17", (65536, 196608, 262144, 786432, 17, 8), "BAD_PARAMS"),
            ("parallelism-max-zero", (65536, 196608, 262144, 786432, 12, 0), "BAD_PARAMS"),
            ("parallelism-max-17", (65536, 196608, 262144, 786432, 12, 17), "BAD_PARAMS"),
            ("memory-min-above-cost-max", (131072, 65536, 262144, 131071, 12, 8), "BAD_PARAMS"),
            ("no-pass-count-reaches-cost-min", (16384, 300000, 16384, 300000, 1, 1), "BAD_PARAMS"),
            ("costs-between-two-pass-counts", (16384, 20000, 16384, 30000, 2, 1), "BAD_PARAMS"),
            ("u32-max-everywhere", (0xFFFFFFFF,) * 6, "BAD_PARAMS")):
        v.add("password-policy-init/" + label, "password_policy_init", "4.2", dict(zip(spec.POLICY_FIELDS, values)),
              lambda: {"policy": policy_of(values)}, want)
    legacy_policy = policy_of(legacy_values)
    # Policies as bytes that init would refuse: a reader refuses them the same way.
    bad_policy = b"".join(spec.u32(x) for x in (65536, 196609, 262144, 196608, 12, 8))
    zero_policy = bytes(24)

    def check_case(label: str, rec: bytes, policy: Optional[bytes], want: str) -> None:
        inputs = {"record": rec} if policy is None else {"record": rec, "policy": policy}
        v.add("password-record-check/" + label, "password_record_check", "4.2", inputs,
              lambda: (spec.password_record_check(rec, policy), {})[1], want)

    def rec_of(m: int, t: int, p: int) -> bytes:
        return spec.password_record(salt, m, t, p)

    for label, (m, t, p), policy, want in (
            ("defaults", (65536, 3, 4), None, "ok"),
            ("defaults-explicit-policy", (65536, 3, 4), default_policy, "ok"),
            ("256-mib-one-pass", (262144, 1, 4), None, "ok"),
            ("96-mib-two-passes-at-the-floor", (98304, 2, 4), None, "ok"),
            ("at-the-ceiling", (262144, 3, 8), None, "ok"),
            ("64-mib-12-passes", (65536, 12, 1), None, "ok"),
            ("16-mib-one-pass", (16384, 1, 1), None, "WEAK_PARAMS"),
            ("memory-below-minimum-cost-above-floor", (32768, 12, 4), None, "WEAK_PARAMS"),
            ("cost-below-floor", (65536, 2, 4), None, "WEAK_PARAMS"),
            ("cost-one-below-floor", (65535, 3, 4), None, "WEAK_PARAMS"),
            ("memory-above-maximum", (262145, 1, 4), None, "WEAK_PARAMS"),
            ("1-gib", (1048576, 1, 4), None, "WEAK_PARAMS"),
            ("cost-above-ceiling", (262144, 4, 4), None, "WEAK_PARAMS"),
            ("lanes-above-maximum", (65536, 3, 9), None, "WEAK_PARAMS"),
            ("16-mib-one-pass-legacy", (16384, 1, 1), legacy_policy, "ok"),
            ("defaults-legacy", (65536, 3, 4), legacy_policy, "ok"),
            ("passes-above-maximum-legacy", (16384, 4, 1), legacy_policy, "WEAK_PARAMS"),
            ("widest-1-gib-16-passes", (1048576, 16, 16), policy_of(widest_values), "ok"),
            ("policy-refused", (65536, 3, 4), bad_policy, "BAD_PARAMS"),
            ("policy-all-zero", (65536, 3, 4), zero_policy, "BAD_PARAMS")):
        check_case(label, rec_of(m, t, p), policy, want)
    check_case("record-before-policy", record[:47], bad_policy, "MALFORMED")
    check_case("record-bounds-before-policy", rec_of(16383, 1, 1), None, "BAD_PARAMS")
    check_case("record-version-1", patched(record, 0, b"\x01"), legacy_policy, "UNSUPPORTED_VERSION")

    # 4.4 and 4.5: account ids, secret keys and the secret key's text form.
    alice_id, bob_id = b"alice@example.com", b"bob@example.com"
    long_id = bytes(range(1, 256))   # 255 bytes, every value but 0
    binary_id = b"\x00\xff\x80Zo\xc3\xab"   # a NUL, bytes that are not UTF-8, and "Zoë" in UTF-8
    alice_key = bytes.fromhex("4c7f1a0b9e23d5c68f0172e4a9b35d6c01fe8a72")
    bob_key = bytes(range(0xA0, 0xB4))
    v.add("account-secret-key-generate/ok", "account_secret_key_generate", "4.4", {"random": [alice_key]},
          lambda: {"secret_key": alice_key})
    texts = {}
    for label, key, aid in (("alice", alice_key, alice_id), ("bob", bob_key, bob_id),
                            ("alice-key-under-bob", alice_key, bob_id), ("zero-key", bytes(20), alice_id),
                            ("all-ones-key", b"\xff" * 20, alice_id), ("account-id-255-bytes", alice_key, long_id),
                            ("account-id-binary", bob_key, binary_id), ("account-id-1-byte", bob_key, b"x"),
                            ("ones-key", bytes.fromhex("0842108421") * 4, alice_id)):
        texts[label] = v.add("account-secret-key-encode/" + label, "account_secret_key_encode", "4.5",
                             {"secret_key": key, "account_id": aid},
                             lambda: {"text": spec.account_secret_key_encode(key, aid)})["text"]
    for label, aid in (("account-id-empty", b""), ("account-id-256-bytes", b"a" * 256)):
        v.add("account-secret-key-encode/" + label, "account_secret_key_encode", "4.5",
              {"secret_key": alice_key, "account_id": aid},
              lambda: {"text": spec.account_secret_key_encode(alice_key, aid)}, "BAD_PARAMS")

    def decode_case(label: str, text: str, aid: bytes, want: str) -> None:
        v.add("account-secret-key-decode/" + label, "account_secret_key_decode", "4.5",
              {"text": text, "account_id": aid},
              lambda: {"secret_key": spec.account_secret_key_decode(text, aid)}, want)

    kit = texts["alice"]
    body = kit[len("CK1-"):]
    undashed = body.replace("-", "")
    for label in ("alice", "bob", "account-id-255-bytes", "account-id-binary", "zero-key", "all-ones-key"):
        aid = {"alice": alice_id, "bob": bob_id, "account-id-255-bytes": long_id, "account-id-binary": binary_id,
               "zero-key": alice_id, "all-ones-key": alice_id}[label]
        decode_case(label, texts[label], aid, "ok")
    # What a person may type: either case, I and L for 1 and O for 0, no dashes, surrounding blanks.
    ones_and_zeros = texts["zero-key"]   # its key part is all '0'
    for label, text in (("lower-case", kit.lower()), ("mixed-case", "cK1-" + body.lower()[:20] + body[20:]),
                        ("no-dashes", "CK1" + undashed), ("dash-after-version-only", "CK1-" + undashed),
                        ("groups-without-version-dash", "CK1" + body),
                        ("surrounding-whitespace", " \t\r\n" + kit + "\r\n"),
                        ("o-for-zero", ones_and_zeros.replace("0", "O"))):
        decode_case(label, text, alice_id, "ok")
    # A key whose every 5-bit group is 1, so its 32 key characters are all '1': typed as I, i, L and l.
    ones = texts["ones-key"]
    decode_case("i-and-l-for-one", ones[:4] + "IiLlI-lLiI1" + ones[15:], alice_id, "ok")
    # Refusals, in 4.5's order.
    decode_case("account-id-empty", kit, b"", "BAD_PARAMS")
    decode_case("account-id-256-bytes", kit, b"a" * 256, "BAD_PARAMS")
    decode_case("account-id-empty-before-text", "junk", b"", "BAD_PARAMS")
    decode_case("empty", "", alice_id, "MALFORMED")
    decode_case("only-whitespace", " \t\r\n", alice_id, "MALFORMED")
    decode_case("prefix-missing", body, alice_id, "MALFORMED")
    decode_case("prefix-other-letters", "CX1-" + body, alice_id, "MALFORMED")
    decode_case("version-letter", "CKA-" + body, alice_id, "MALFORMED")
    decode_case("version-2", "CK2-" + body, alice_id, "UNSUPPORTED_VERSION")
    decode_case("version-0", "CK0-" + body, alice_id, "UNSUPPORTED_VERSION")
    decode_case("version-9-short-body", "CK9-", alice_id, "UNSUPPORTED_VERSION")
    decode_case("only-prefix", "CK1-", alice_id, "MALFORMED")
    decode_case("one-character-short", kit[:-1], alice_id, "MALFORMED")
    decode_case("one-character-more", kit + "0", alice_id, "MALFORMED")
    decode_case("group-missing", kit[:-6], alice_id, "MALFORMED")
    decode_case("two-dashes-after-version", "CK1--" + body, alice_id, "MALFORMED")
    decode_case("dash-moved", "CK1-" + body[:4] + "-" + body[4] + body[6:], alice_id, "MALFORMED")
    decode_case("inner-space", "CK1-" + body[:5] + " " + body[6:], alice_id, "MALFORMED")
    decode_case("space-after-prefix", "CK1- " + undashed, alice_id, "MALFORMED")
    decode_case("letter-u", kit[:-1] + "U", alice_id, "MALFORMED")
    # Two characters replaced by one of two UTF-8 bytes: the length is right, the bytes are not.
    decode_case("non-ascii-letter", kit[:-2] + "\u00d8", alice_id, "MALFORMED")
    decode_case("vertical-tab-around", "\v" + kit + "\v", alice_id, "MALFORMED")
    decode_case("version-before-layout", "CK2-" + body + "!", alice_id, "UNSUPPORTED_VERSION")
    typo = kit[:10] + ("A" if kit[10] != "A" else "B") + kit[11:]
    decode_case("typo-in-key", typo, alice_id, "CHECKSUM")
    last = kit[-1]
    decode_case("typo-in-checksum", kit[:-1] + ("0" if last != "0" else "1"), alice_id, "CHECKSUM")
    adjacent = "CK1-" + body[:1] + body[2] + body[1] + body[3:]
    if adjacent != kit:
        decode_case("adjacent-characters-swapped", adjacent, alice_id, "CHECKSUM")
    decode_case("another-accounts-id", kit, bob_id, "CHECKSUM")
    decode_case("account-id-case-differs", kit, b"Alice@example.com", "CHECKSUM")

    # 4.3 and 4.6: derivation. `secret_key` is empty for an account without one; a missing `policy`
    # is the library's default policy (NULL in C).
    def derive(label: str, pw: bytes, aid: bytes, key: bytes, rec: bytes, policy: Optional[bytes],
               want: str = "ok", section: str = "4.6") -> Dict[str, bytes]:
        inputs = {"password": pw, "account_id": aid, "secret_key": key, "record": rec}
        if policy is not None:
            inputs["policy"] = policy

        def trace() -> Dict[str, bytes]:
            steps = spec.password_derive_trace(pw, aid, key, rec, policy)
            return {k: steps[k] for k in ("account_salt", "argon2id", "secret_key_share", "prk") if k in steps}

        return v.add("password-derive/" + label, "password_derive", section, inputs,
                     lambda: dict(zip(("master_key", "login_key"), spec.password_derive(pw, aid, key, rec, policy))),
                     want, trace)

    for label, m, t, p in (("memory-below", 16383, 1, 1), ("memory-above", 1048577, 1, 1),
                           ("iterations-zero", 16384, 0, 1), ("iterations-above", 16384, 17, 1),
                           ("parallelism-zero", 16384, 1, 0), ("parallelism-above", 16384, 1, 17),
                           ("memory-u32-max", 0xFFFFFFFF, 1, 1)):
        bounded = spec.password_record(salt, m, t, p)
        v.add("password-record/" + label, "password_record_decode", "4.1", {"record": bounded},
              lambda: dict(zip(("salt", "memory_kib", "iterations", "parallelism"),
                               spec.password_record_decode(bounded))), "BAD_PARAMS")
        # Refused before Argon2id runs (the replay would otherwise take a gigabyte), whatever the policy.
        derive(label, password, alice_id, b"", bounded, policy_of(widest_values), "BAD_PARAMS", "4.1, 4.6")
    bounded = spec.password_record(salt, 1048576, 16, 16)
    v.add("password-record/largest-bounds", "password_record_decode", "4.1", {"record": bounded},
          lambda: dict(zip(("salt", "memory_kib", "iterations", "parallelism"),
                           spec.password_record_decode(bounded))))
    envelope_failures(v, "password-record", "password_record_decode", "2, 4.1", record,
                      lambda b: {"record": b},
                      lambda b: dict(zip(("salt", "memory_kib", "iterations", "parallelism"),
                                         spec.password_record_decode(b))), 0x02)
    v.add("password-record/key-id-not-zero", "password_record_decode", "2, 4.1",
          {"record": patched(record, 4, b"\x01")},
          lambda: dict(zip(("salt", "memory_kib", "iterations", "parallelism"),
                           spec.password_record_decode(patched(record, 4, b"\x01")))), "MALFORMED")

    master_key, login_key = derive("smallest-cost", password, alice_id, b"", record, legacy_policy).values()
    keyed = derive("smallest-cost-with-secret-key", password, alice_id, alice_key, record, legacy_policy)
    assert keyed["master_key"] != master_key
    # One server salt for two accounts: unrelated keys, with or without a secret key.
    derive("same-salt-other-account", password, bob_id, b"", record, legacy_policy)
    derive("same-salt-other-account-with-secret-key", password, bob_id, bob_key, record, legacy_policy)
    derive("same-salt-other-account-alices-secret-key", password, bob_id, alice_key, record, legacy_policy)
    derive("other-secret-key", password, alice_id, bob_key, record, legacy_policy)
    derive("account-id-255-bytes", password, long_id, alice_key, record, legacy_policy)
    derive("account-id-binary", password, binary_id, b"", record, legacy_policy)
    derive("account-id-binary-with-secret-key", password, binary_id, bob_key, record, legacy_policy)
    derive("account-id-1-byte", password, b"x", b"", record, legacy_policy)
    derive("password-4096-bytes", b"p" * 4096, alice_id, alice_key, record, legacy_policy)
    derive("password-1-byte-lanes-4", b"p", alice_id, alice_key, spec.password_record(salt, 16384, 1, 4),
           legacy_policy)
    # The one run at the default cost, under the default policy: Alice's record after the upgrade of
    # section 4.7 (the vectors below re-wrap her keys to this master key).
    upgraded_record = spec.password_record(bytes.fromhex("c3a1f05e7d2b96480e5f1a3c7b9d2e64"), 65536, 3, 4)
    upgraded = derive("default-cost-with-secret-key", password, alice_id, alice_key, upgraded_record, None)
    derive("legacy-record-under-default-policy", password, alice_id, alice_key, record, None, "WEAK_PARAMS", "4.2, 4.6")
    for label, (m, t, p), policy in (
            ("below-floor-explicit-default-policy", (16384, 1, 1), default_policy),
            ("memory-below-minimum", (32768, 12, 4), None), ("cost-below-floor", (65536, 2, 4), None),
            ("memory-above-maximum", (524288, 1, 4), None), ("cost-above-ceiling", (262144, 4, 4), None),
            ("1-gib-16-passes", (1048576, 16, 16), None), ("lanes-above-maximum", (65536, 3, 16), None),
            ("passes-above-maximum-legacy", (16384, 4, 1), legacy_policy)):
        derive("weak-" + label, password, alice_id, alice_key, rec_of(m, t, p), policy, "WEAK_PARAMS", "4.2, 4.6")
    # Bad parameters, in 4.6's order: password, account id, secret key, record, policy.
    for label, pw, aid, key, rec, policy, want in (
            ("password-empty", b"", alice_id, b"", record, legacy_policy, "BAD_PARAMS"),
            ("password-4097-bytes", b"p" * 4097, alice_id, b"", record, legacy_policy, "BAD_PARAMS"),
            ("password-empty-before-record", b"", alice_id, b"", record[:10], legacy_policy, "BAD_PARAMS"),
            ("password-4097-bytes-before-record", b"p" * 4097, alice_id, b"", patched(record, 0, b"\x01"),
             legacy_policy, "BAD_PARAMS"),
            ("password-before-account-id", b"", b"", b"", record, legacy_policy, "BAD_PARAMS"),
            ("account-id-empty", password, b"", b"", record, legacy_policy, "BAD_PARAMS"),
            ("account-id-256-bytes", password, b"a" * 256, alice_key, record, legacy_policy, "BAD_PARAMS"),
            ("account-id-empty-before-record", password, b"", b"", record[:10], legacy_policy, "BAD_PARAMS"),
            ("secret-key-19-bytes", password, alice_id, alice_key[:19], record, legacy_policy, "BAD_PARAMS"),
            ("secret-key-21-bytes", password, alice_id, alice_key + b"\x00", record, legacy_policy, "BAD_PARAMS"),
            ("secret-key-32-bytes", password, alice_id, bytes(32), record, legacy_policy, "BAD_PARAMS"),
            ("secret-key-before-record", password, alice_id, alice_key[:19], record[:10], legacy_policy,
             "BAD_PARAMS"),
            ("record-before-policy", password, alice_id, alice_key, record[:10], bad_policy, "MALFORMED"),
            ("record-bounds-before-policy", password, alice_id, b"", rec_of(16383, 1, 1), bad_policy, "BAD_PARAMS"),
            ("record-version-before-policy", password, alice_id, b"", patched(record, 0, b"\x03"), None,
             "UNSUPPORTED_VERSION"),
            ("policy-refused", password, alice_id, alice_key, record, bad_policy, "BAD_PARAMS"),
            ("policy-all-zero", password, alice_id, alice_key, record, zero_policy, "BAD_PARAMS"),
            ("wrong-type", password, alice_id, b"", patched(record, 1, b"\x02"), legacy_policy, "WRONG_TYPE")):
        derive(label, pw, aid, key, rec, policy, want)
    v.add("key-id/master-key", "key_id", "1.2", {"key": master_key},
          lambda: {"key_id": spec.key_id_symmetric(master_key)})

    # ---- public key blobs (sections 5.1, 3) ---------------------------------------------------------
    identity_blob = v.add("identity-public/alice", "identity_public_export", "5.1",
                          {"public_key": alice["identity_pk"]},
                          lambda: {"blob": spec.public_key_blob(0x02, alice["identity_pk"])})["blob"]
    encryption_blob = v.add("encryption-public/bob", "encryption_public_export", "5.1",
                            {"public_key": bob["encryption_pk"]},
                            lambda: {"blob": spec.public_key_blob(0x03, bob["encryption_pk"])})["blob"]
    for op, obj_type, blob, other in (("identity_public_import", 0x02, identity_blob, 0x03),
                                      ("encryption_public_import", 0x03, encryption_blob, 0x02)):
        prefix = op.replace("_import", "").replace("_", "-") + "-import"
        v.add(prefix + "/ok", op, "5.1", {"blob": blob}, lambda: {"public_key": spec.public_key_import(obj_type, blob)})
        envelope_failures(v, prefix, op, "2, 5.1", blob, lambda b: {"blob": b},
                          lambda b: {"public_key": spec.public_key_import(obj_type, b)}, other)
        bad_id = flipped(blob, 4)
        v.add(prefix + "/key-id-not-the-keys", op, "2, 5.1", {"blob": bad_id},
              lambda: {"public_key": spec.public_key_import(obj_type, bad_id)}, "MALFORMED")
    for label, point in SMALL_ORDER_X25519.items():
        low = spec.public_key_blob(0x03, point)
        v.add("encryption-public-import/small-order-" + label, "encryption_public_import", "1.4, 5.1",
              {"blob": low}, lambda: {"public_key": spec.public_key_import(0x03, low)}, "INVALID_KEY")
    top_bit = bob["encryption_pk"][:31] + bytes([bob["encryption_pk"][31] | 0x80])
    for label, point in [("bit-255-set", top_bit)] + list(NON_CANONICAL_X25519.items()):
        bad = spec.public_key_blob(0x03, point)
        v.add("encryption-public-import/non-canonical-" + label, "encryption_public_import", "1.4, 5.1",
              {"blob": bad}, lambda: {"public_key": spec.public_key_import(0x03, bad)}, "MALFORMED")
    for label, point, want in (("non-canonical", NON_CANONICAL_ED25519, "INVALID_KEY"),
                               ("small-order-identity-point", IDENTITY_POINT_ED25519, "INVALID_KEY"),
                               ("small-order-top-bit-set", ORDER_8_TOP_BIT_ED25519, "INVALID_KEY"),
                               ("not-a-point", NOT_A_POINT_ED25519, "INVALID_KEY")):
        bad = spec.public_key_blob(0x02, point)
        v.add("identity-public-import/" + label, "identity_public_import", "1.3, 5.1",
              {"blob": bad}, lambda: {"public_key": spec.public_key_import(0x02, bad)}, want)

    # ---- text form (section 3) -------------------------------------------------------------------------
    identity_text = v.add("text/identity-public-key", "text_encode", "3", {"blob": identity_blob},
                          lambda: {"text": spec.text_encode(identity_blob)})["text"]
    v.add("text-decode/identity-public-key", "text_decode", "3", {"text": identity_text},
          lambda: {"blob": spec.text_decode(identity_text)})
    for label, spaced in (("surrounding-whitespace", " \t\r\n" + identity_text + "\n"),
                          ("leading-whitespace", "  " + identity_text), ("trailing-crlf", identity_text + "\r\n"),
                          ("trailing-tabs-and-spaces", identity_text + "\t \t ")):
        v.add("text-decode/" + label, "text_decode", "3", {"text": spaced}, lambda: {"blob": spec.text_decode(spaced)})
    body = identity_text[len("cloak-identity-"):]

    def text_case(label: str, text: str, want: str) -> None:
        v.add("text-decode/" + label, "text_decode", "3", {"text": text}, lambda: {"blob": spec.text_decode(text)},
              want)

    text_case("prefix-unknown-type", "cloak-identiti-" + body, "MALFORMED")
    text_case("prefix-missing", body, "MALFORMED")
    text_case("prefix-names-another-type", "cloak-pubkey-" + body, "MALFORMED")
    text_case("padding", identity_text + "=", "MALFORMED")
    text_case("standard-base64-character", identity_text[:-3] + "+" + identity_text[-2:], "MALFORMED")
    text_case("inner-whitespace", identity_text[:30] + " " + identity_text[30:], "MALFORMED")
    text_case("inner-newline", identity_text[:30] + "\n" + identity_text[30:], "MALFORMED")
    text_case("whitespace-after-prefix", "cloak-identity- " + identity_text[len("cloak-identity-"):], "MALFORMED")
    text_case("vertical-tab-around", "\v" + identity_text + "\v", "MALFORMED")
    text_case("form-feed-after", identity_text + "\f", "MALFORMED")
    text_case("only-whitespace", " \t\r\n", "MALFORMED")
    last = identity_text[-1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    # 56 bytes encode to 75 characters: the last one carries 4 unused bits, which must be zero.
    text_case("non-canonical-unused-bits", identity_text[:-1] + alphabet[alphabet.index(last) | 1], "MALFORMED")
    text_case("checksum", identity_text[:-2] + ("A" if identity_text[-2] != "A" else "B") + identity_text[-1],
              "CHECKSUM")
    text_case("body-too-short", "cloak-identity-" + spec.text_encode(identity_blob[:19])[len("cloak-identity-"):],
              "MALFORMED")
    text_case("version-1", spec.text_encode(patched(identity_blob, 0, b"\x01")), "UNSUPPORTED_VERSION")

    def identity_text_of(blob: bytes) -> str:
        # The identity prefix and a valid checksum over any blob, so that the header checks, not the
        # checksum or the prefix, refuse it (types 0x0E and 0x00 have no name of their own).
        raw = blob + spec.text_checksum(blob)
        return "cloak-identity-" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    text_case("version-0", identity_text_of(patched(identity_blob, 0, b"\x00")), "UNSUPPORTED_VERSION")
    text_case("suite-3", identity_text_of(patched(identity_blob, 2, b"\x00\x03")), "UNSUPPORTED_SUITE")
    # Section 3 checks steps 1 to 4 of section 2 and the first half of step 5: the type admits the suite.
    text_case("suite-2-of-a-suite-1-type", spec.text_encode(patched(identity_blob, 2, b"\x00\x02")),
              "UNSUPPORTED_SUITE")
    text_case("type-unknown-0x0e", identity_text_of(patched(identity_blob, 1, b"\x0e")), "MALFORMED")
    text_case("type-unknown-0x00", identity_text_of(patched(identity_blob, 1, b"\x00")), "MALFORMED")

    # ---- bundle (section 5.2) -------------------------------------------------------------------------
    bundle = v.add("bundle/alice", "bundle_create", "5.2",
                   {"identity_secret_key": alice["identity_sk"], "encryption_public_key": alice["encryption_pk"]},
                   lambda: {"bundle": spec.bundle_create(alice["identity_sk"], alice["encryption_pk"])})["bundle"]
    v.add("bundle/poisoned-secret-key", "bundle_create", "1.1, 5.2",
          {"identity_secret_key": poisoned_sk, "encryption_public_key": alice["encryption_pk"]},
          lambda: {"bundle": spec.bundle_create(poisoned_sk, alice["encryption_pk"])}, "INVALID_KEY")
    for label, point in (("zero", SMALL_ORDER_X25519["zero"]), ("order-8-a", SMALL_ORDER_X25519["order-8-a"])):
        v.add("bundle/small-order-encryption-key-" + label, "bundle_create", "1.4, 5.2",
              {"identity_secret_key": alice["identity_sk"], "encryption_public_key": point},
              lambda: {"bundle": spec.bundle_create(alice["identity_sk"], point)}, "INVALID_KEY")

    def verify_bundle(b: bytes) -> Dict[str, bytes]:
        return dict(zip(("identity_public_key", "encryption_public_key"), spec.bundle_verify(b)))

    def signed_bundle(identity_pk: bytes, encryption_pk: bytes, seed: bytes) -> bytes:
        """A bundle of any keys, signed under `seed` with `identity_pk` as the signer's half."""
        body = spec.bundle_body(identity_pk, encryption_pk)
        return body + spec.labelled_sign_unchecked(seed, identity_pk, b"libcloak v2 bundle", body)

    v.add("bundle-verify/ok", "bundle_verify", "5.2", {"bundle": bundle}, lambda: verify_bundle(bundle))
    envelope_failures(v, "bundle-verify", "bundle_verify", "2, 5.2", bundle, lambda b: {"bundle": b}, verify_bundle,
                      0x02)
    top_bit_enc = alice["encryption_pk"][:31] + bytes([alice["encryption_pk"][31] | 0x80])
    # Under the identity point A, [S]B - [k]A = [S]B: any S with R = [S]B passes the equation, so
    # only rule 4 refuses this bundle.
    identity_point_bundle_body = spec.bundle_body(IDENTITY_POINT_ED25519, alice["encryption_pk"])
    forged_r = spec.ed25519_base_mul(12345)
    identity_point_bundle = identity_point_bundle_body + forged_r + (12345).to_bytes(32, "little")
    for label, bad, want in (
            ("key-id-not-the-identity", flipped(bundle, 19), "MALFORMED"),
            ("signature", flipped(bundle, 147), "BAD_SIGNATURE"),
            ("encryption-key-swapped", patched(bundle, 52, bob["encryption_pk"]), "BAD_SIGNATURE"),
            ("signature-by-another-identity",
             bundle[:84] + spec.labelled_sign(mallory_sk, b"libcloak v2 bundle", bundle[:84]), "BAD_SIGNATURE"),
            ("share-label", bundle[:84] + spec.labelled_sign(alice["identity_sk"], b"libcloak v2 share", bundle[:84]),
             "BAD_SIGNATURE"),
            ("signer-key-not-bound",
             bundle[:84] + spec.Ed25519PrivateKey.from_private_bytes(alice["identity_seed"]).sign(
                 spec.lp8(b"libcloak v2 bundle") + bundle[:84]), "BAD_SIGNATURE"),
            ("s-plus-l", bundle[:116] + (int.from_bytes(bundle[116:148], "little") + spec.ED_L).to_bytes(32, "little"),
             "BAD_SIGNATURE"),
            ("small-order-encryption-key-zero", signed_bundle(alice["identity_pk"], SMALL_ORDER_X25519["zero"],
                                                             alice["identity_seed"]), "INVALID_KEY"),
            ("small-order-encryption-key-order-8", signed_bundle(alice["identity_pk"], SMALL_ORDER_X25519["order-8-b"],
                                                                alice["identity_seed"]), "INVALID_KEY"),
            ("non-canonical-encryption-key-bit-255", signed_bundle(alice["identity_pk"], top_bit_enc,
                                                                   alice["identity_seed"]), "MALFORMED"),
            ("non-canonical-encryption-key-u-is-p", signed_bundle(alice["identity_pk"], NON_CANONICAL_X25519["u-is-p"],
                                                                  alice["identity_seed"]), "MALFORMED"),
            ("identity-key-identity-point", identity_point_bundle, "INVALID_KEY"),
            ("identity-key-non-canonical", signed_bundle(NON_CANONICAL_ED25519, alice["encryption_pk"],
                                                         alice["identity_seed"]), "INVALID_KEY"),
            ("identity-key-small-order-top-bit", signed_bundle(ORDER_8_TOP_BIT_ED25519, alice["encryption_pk"],
                                                               alice["identity_seed"]), "INVALID_KEY"),
            ("identity-key-not-a-point", signed_bundle(NOT_A_POINT_ED25519, alice["encryption_pk"],
                                                       alice["identity_seed"]), "INVALID_KEY")):
        v.add("bundle-verify/" + label, "bundle_verify", "1.3, 1.4, 5.2", {"bundle": bad}, lambda: verify_bundle(bad),
              want)

    # ---- user signatures (section 5.3) and the Ed25519 rules (section 1.3) ----------------------------
    message, context = b"hello", b"example"
    signature = v.add("identity-sign/hello", "identity_sign", "5.3",
                      {"message": message, "context": context, "secret_key": alice["identity_sk"]},
                      lambda: {"signature": spec.user_sign(alice["identity_sk"], message, context)})["signature"]
    v.add("identity-sign/empty-message-and-context", "identity_sign", "5.3",
          {"message": b"", "context": b"", "secret_key": alice["identity_sk"]},
          lambda: {"signature": spec.user_sign(alice["identity_sk"], b"", b"")})
    v.add("identity-sign/context-255-bytes", "identity_sign", "5.3",
          {"message": b"m" * 1000, "context": b"c" * 255, "secret_key": alice["identity_sk"]},
          lambda: {"signature": spec.user_sign(alice["identity_sk"], b"m" * 1000, b"c" * 255)})
    v.add("identity-sign/poisoned-secret-key", "identity_sign", "1.1, 5.3",
          {"message": message, "context": context, "secret_key": poisoned_sk},
          lambda: {"signature": spec.user_sign(poisoned_sk, message, context)}, "INVALID_KEY")

    def verify_case(label: str, sig: bytes, msg: bytes, ctx: bytes, pk: bytes, want: str) -> None:
        v.add("identity-verify/" + label, "identity_verify", "1.3, 5.3",
              {"signature": sig, "message": msg, "context": ctx, "public_key": pk},
              lambda: (spec.user_verify(pk, sig, msg, ctx), {})[1], want)

    user_label = b"libcloak v2 user signature"
    content = spec.user_signature_content(message, context)
    verify_case("ok", signature, message, context, alice["identity_pk"], "ok")
    verify_case("other-message", signature, b"hellp", context, alice["identity_pk"], "BAD_SIGNATURE")
    verify_case("other-context", signature, message, b"exampld", alice["identity_pk"], "BAD_SIGNATURE")
    verify_case("other-key", signature, message, context, bob["identity_pk"], "BAD_SIGNATURE")
    verify_case("tampered", flipped(signature, 0), message, context, alice["identity_pk"], "BAD_SIGNATURE")
    verify_case("bundle-label", spec.labelled_sign(alice["identity_sk"], b"libcloak v2 bundle", content),
                message, context, alice["identity_pk"], "BAD_SIGNATURE")
    # Rule 1: S + L passes the equation of a verifier that reduces S.
    verify_case("s-plus-l", signature[:32] + (int.from_bytes(signature[32:], "little") + spec.ED_L).to_bytes(
        32, "little"), message, context, alice["identity_pk"], "BAD_SIGNATURE")
    verify_case("s-is-l", signature[:32] + spec.ED_L.to_bytes(32, "little"), message, context, alice["identity_pk"],
                "BAD_SIGNATURE")
    # Rule 2: R = the identity point and S = k a (a Alice's secret scalar) passes the cofactorless equation.
    msg = spec.lp8(user_label) + alice["identity_pk"] + content
    r_identity = IDENTITY_POINT_ED25519
    k = int.from_bytes(spec.hashlib.sha512(r_identity + alice["identity_pk"] + msg).digest(), "little") % spec.ED_L
    forged_small_r = r_identity + (k * spec.ed25519_secret_scalar(alice["identity_seed"]) % spec.ED_L).to_bytes(
        32, "little")
    verify_case("small-order-r-passing-the-equation", forged_small_r, message, context, alice["identity_pk"],
                "BAD_SIGNATURE")
    verify_case("small-order-r-top-bit-set", ORDER_8_TOP_BIT_ED25519 + signature[32:], message, context,
                alice["identity_pk"], "BAD_SIGNATURE")
    # Rule 4: under the identity point, R = [S]B passes the equation for any message.
    verify_case("small-order-a-passing-the-equation", forged_r + (12345).to_bytes(32, "little"), message, context,
                IDENTITY_POINT_ED25519, "BAD_SIGNATURE")
    verify_case("small-order-a-top-bit-set", signature, message, context, ORDER_8_TOP_BIT_ED25519, "BAD_SIGNATURE")
    # Rule 3: p + 3 reduces to the point of y = 3; sign as that point would be impossible without its
    # discrete log, so any signature shows the rule.
    verify_case("non-canonical-a", signature, message, context, NON_CANONICAL_ED25519, "BAD_SIGNATURE")
    verify_case("a-not-a-point", signature, message, context, NOT_A_POINT_ED25519, "BAD_SIGNATURE")
    verify_case("signed-without-the-signer-key", spec.Ed25519PrivateKey.from_private_bytes(alice["identity_seed"]).sign(
        spec.lp8(user_label) + content), message, context, alice["identity_pk"], "BAD_SIGNATURE")
    # The message is hashed before signing (section 5.3): lengths around and beyond a hash block.
    for length in (0, 1000, 5000):
        long_message = bytes(i % 251 for i in range(length))
        long_signature = v.add("identity-sign/message-%d-bytes" % length, "identity_sign", "5.3",
                               {"message": long_message, "context": context, "secret_key": alice["identity_sk"]},
                               lambda: {"signature": spec.user_sign(alice["identity_sk"], long_message, context)}
                               )["signature"]
        verify_case("message-%d-bytes" % length, long_signature, long_message, context, alice["identity_pk"], "ok")
        if length:
            verify_case("message-%d-bytes-last-byte-changed" % length, long_signature, flipped(long_message, length - 1),
                        context, alice["identity_pk"], "BAD_SIGNATURE")

    # ---- wrapped private keys (section 6) --------------------------------------------------------------
    # Nonces are fixed inputs here; the C library draws its own, so the replay unwraps these.
    nonces = {0x05: bytes.fromhex("1e7e9fecfb735076fdd17f2e8aa5f0063135e073c50535f9"),
              0x06: bytes.fromhex("094e2901f45981247ee9a4989a69050693e6b87c22bf500b"),
              0x07: bytes(range(24))}
    account_seed = b"\x66" * 32
    account_pk, account_sk = v.add(
        "account/encryption-keypair", "encryption_keypair_from_seed", "9", {"seed": account_seed},
        lambda: dict(zip(("public_key", "secret_key"), spec.encryption_keypair_from_seed(account_seed)))).values()
    kinds = {0x05: ("identity_unwrap", "identity", alice["identity_pk"], alice["identity_seed"], alice["identity_sk"]),
             0x06: ("encryption_unwrap", "encryption", alice["encryption_pk"], alice["encryption_sk"],
                    alice["encryption_sk"]),
             0x07: ("service_account_unwrap", "service-account", account_pk, account_sk, account_sk)}
    wrapped_blobs = {}
    for obj_type, (op, label, pk, private, c_secret) in kinds.items():
        if obj_type == 0x05:
            wrapped = spec.identity_wrap(master_key, c_secret, nonces[obj_type])
        else:
            wrapped = spec.wrap_private(obj_type, master_key, pk, private, nonces[obj_type])
        wrapped_blobs[obj_type] = wrapped

        def unwrap(b: bytes, obj_type: int = obj_type) -> Dict[str, bytes]:
            public, secret = spec.unwrap_private(obj_type, master_key, b)
            return {"public_key": public, "secret_key": secret + public if obj_type == 0x05 else secret}

        v.add(label + "-wrap/ok", op.replace("unwrap", "wrap"), "6",
              {"master_key": master_key, "secret_key": c_secret, "random": [nonces[obj_type]]},
              lambda: {"wrapped": wrapped})
        prefix = label + "-unwrap"
        v.add(prefix + "/ok", op, "6", {"master_key": master_key, "wrapped": wrapped}, lambda: unwrap(wrapped))
        other = 0x06 if obj_type != 0x06 else 0x07
        envelope_failures(v, prefix, op, "2, 6", wrapped, lambda b: {"master_key": master_key, "wrapped": b}, unwrap,
                          other)
        relabelled = patched(wrapped, 1, bytes([other]))
        v.add(prefix + "/relabelled-unwrapped-as-other-kind",
              {0x05: "identity_unwrap", 0x06: "encryption_unwrap", 0x07: "service_account_unwrap"}[other], "6",
              {"master_key": master_key, "wrapped": relabelled},
              lambda: (lambda p, s: {"public_key": p, "secret_key": s})(*spec.unwrap_private(other, master_key,
                                                                                             relabelled)), "AUTH")
        for case_label, bad, key, want in (
                ("wrong-master-key", wrapped, b"\x01" * 32, "WRONG_KEY"),
                ("key-id-rewritten", patched(wrapped, 4, spec.key_id_symmetric(b"\x01" * 32)), b"\x01" * 32, "AUTH"),
                ("public-key-replaced", patched(wrapped, 20, bob["identity_pk"] if obj_type == 0x05
                                                else bob["encryption_pk"]), master_key, "AUTH"),
                ("nonce", flipped(wrapped, 52), master_key, "AUTH"),
                ("ciphertext", flipped(wrapped, 80), master_key, "AUTH"),
                ("tag", flipped(wrapped, 123), master_key, "AUTH")):
            v.add(prefix + "/" + case_label, op, "6", {"master_key": key, "wrapped": bad},
                  lambda: (lambda p, s: {"public_key": p, "secret_key": s + p if obj_type == 0x05 else s})(
                      *spec.unwrap_private(obj_type, key, bad)), want)
        # A blob whose creator sealed a private key that is not the public key's: authentic, but wrong.
        wrong_private = alice["encryption_sk"] if obj_type != 0x06 else account_sk
        if obj_type == 0x05:
            wrong_private = mallory_seed
        mismatched = spec.wrap_private(obj_type, master_key, pk, wrong_private, nonces[obj_type])
        v.add(prefix + "/private-key-not-the-public-keys", op, "6", {"master_key": master_key, "wrapped": mismatched},
              lambda: unwrap(mismatched), "MISMATCH")
        # Authentic blobs (sealed under the right master key) whose public key is not derived from
        # the private key: all zero, or the other curve's public key of the same 32 bytes.
        other_curve_pk = spec.x25519_public(private) if obj_type == 0x05 else spec.ed25519_public(private)
        for pk_label, stated_pk in (("all-zero", bytes(32)), ("other-curves-of-the-private-key", other_curve_pk)):
            stated = spec.wrap_private(obj_type, master_key, stated_pk, private, nonces[obj_type])
            v.add(prefix + "/public-key-" + pk_label, op, "6", {"master_key": master_key, "wrapped": stated},
                  lambda: unwrap(stated), "MISMATCH")
        v.add("wrapped-key-public-key/" + label, "wrapped_key_public_key", "6", {"wrapped": wrapped},
              lambda: dict(zip(("public_key", "type"), spec.wrapped_key_public_key(wrapped))))
    v.add("identity-wrap/poisoned-secret-key", "identity_wrap", "5, 6",
          {"master_key": master_key, "secret_key": poisoned_sk},
          lambda: {"wrapped": spec.identity_wrap(master_key, poisoned_sk, nonces[0x05])}, "INVALID_KEY")
    v.add("wrapped-key-public-key/not-a-wrapped-key", "wrapped_key_public_key", "6", {"wrapped": identity_blob},
          lambda: dict(zip(("public_key", "type"), spec.wrapped_key_public_key(identity_blob))), "WRONG_TYPE")
    v.add("wrapped-key-public-key/truncated", "wrapped_key_public_key", "6", {"wrapped": wrapped_blobs[0x05][:-1]},
          lambda: dict(zip(("public_key", "type"), spec.wrapped_key_public_key(wrapped_blobs[0x05][:-1]))),
          "MALFORMED")

    # ---- re-wrapping under a new master key (sections 4.7, 6) -------------------------------------------
    # Alice's upgrade: her keys, wrapped under the master key of her 16 MiB record, move to the master
    # key of her default-cost record. The new nonce is a listed draw.
    new_master_key = upgraded["master_key"]
    rewrap_nonces = {0x05: bytes.fromhex("5b0e1f9a7c3d2e48b6a19f0c7e5d3b2a1f0e9d8c7b6a5948"),
                     0x06: bytes.fromhex("e1d2c3b4a5968778695a4b3c2d1e0f00f1e2d3c4b5a69788"),
                     0x07: b"\x07" * 24}
    unwrap_ops = {0x05: "identity_unwrap", 0x06: "encryption_unwrap", 0x07: "service_account_unwrap"}
    for obj_type, label in ((0x05, "identity"), (0x06, "encryption"), (0x07, "service-account")):
        old = wrapped_blobs[obj_type]
        rewrapped = v.add("wrapped-key-rewrap/" + label, "wrapped_key_rewrap", "4.7, 6",
                          {"old_master_key": master_key, "new_master_key": new_master_key, "wrapped": old,
                           "random": [rewrap_nonces[obj_type]]},
                          lambda: {"rewrapped": spec.wrapped_key_rewrap(master_key, new_master_key, old,
                                                                        rewrap_nonces[obj_type])})["rewrapped"]

        def unwrap_new(obj_type: int = obj_type, blob: bytes = rewrapped) -> Dict[str, bytes]:
            public, secret = spec.unwrap_private(obj_type, new_master_key, blob)
            return {"public_key": public, "secret_key": secret + public if obj_type == 0x05 else secret}

        v.add(label + "-unwrap/after-rewrap", unwrap_ops[obj_type], "4.7, 6",
              {"master_key": new_master_key, "wrapped": rewrapped}, unwrap_new)
        v.add(label + "-unwrap/after-rewrap-old-master-key", unwrap_ops[obj_type], "4.7, 6",
              {"master_key": master_key, "wrapped": rewrapped},
              lambda: dict(zip(("public_key", "secret_key"), spec.unwrap_private(obj_type, master_key, rewrapped))),
              "WRONG_KEY")

    def rewrap_case(label: str, old_key: bytes, new_key: bytes, blob: bytes, want: str) -> None:
        v.add("wrapped-key-rewrap/" + label, "wrapped_key_rewrap", "4.7, 6",
              {"old_master_key": old_key, "new_master_key": new_key, "wrapped": blob},
              lambda: {"rewrapped": spec.wrapped_key_rewrap(old_key, new_key, blob, bytes(24))}, want)

    identity_wrapped = wrapped_blobs[0x05]
    rewrap_case("same-master-key", master_key, master_key, identity_wrapped, "BAD_PARAMS")
    rewrap_case("same-master-key-before-blob", master_key, master_key, identity_wrapped[:10], "BAD_PARAMS")
    rewrap_case("wrong-old-master-key", new_master_key, master_key, identity_wrapped, "WRONG_KEY")
    rewrap_case("already-rewrapped", master_key, new_master_key,
                spec.wrapped_key_rewrap(master_key, new_master_key, identity_wrapped, bytes(24)), "WRONG_KEY")
    rewrap_case("ciphertext", master_key, new_master_key, flipped(identity_wrapped, 80), "AUTH")
    rewrap_case("public-key-replaced", master_key, new_master_key,
                patched(identity_wrapped, 20, bob["identity_pk"]), "AUTH")
    rewrap_case("relabelled-as-encryption-key", master_key, new_master_key, patched(identity_wrapped, 1, b"\x06"),
                "AUTH")
    rewrap_case("private-key-not-the-public-keys", master_key, new_master_key,
                spec.wrap_private(0x05, master_key, alice["identity_pk"], mallory_seed, nonces[0x05]), "MISMATCH")
    rewrap_case("not-a-wrapped-key", master_key, new_master_key, identity_blob, "WRONG_TYPE")
    rewrap_case("password-record", master_key, new_master_key, record, "WRONG_TYPE")
    rewrap_case("truncated", master_key, new_master_key, identity_wrapped[:-1], "MALFORMED")
    rewrap_case("trailing-byte", master_key, new_master_key, identity_wrapped + b"\x00", "MALFORMED")
    rewrap_case("shorter-than-header", master_key, new_master_key, identity_wrapped[:19], "MALFORMED")
    rewrap_case("version-1", master_key, new_master_key, patched(identity_wrapped, 0, b"\x01"), "UNSUPPORTED_VERSION")
    rewrap_case("suite-2", master_key, new_master_key, patched(identity_wrapped, 2, b"\x00\x02"), "UNSUPPORTED_SUITE")
    rewrap_case("type-unknown", master_key, new_master_key, patched(identity_wrapped, 1, b"\x0e"), "MALFORMED")

    # ---- service-account private key in the clear (section 6.1) -----------------------------------------
    account_blob = v.add("account-key/bob", "service_account_private_export", "6.1",
                         {"public_key": bob["encryption_pk"], "secret_key": bob["encryption_sk"]},
                         lambda: {"blob": spec.account_key_export(bob["encryption_pk"], bob["encryption_sk"])})["blob"]
    v.add("account-key/mismatched-pair", "service_account_private_export", "6.1",
          {"public_key": alice["encryption_pk"], "secret_key": bob["encryption_sk"]},
          lambda: {"blob": spec.account_key_export(alice["encryption_pk"], bob["encryption_sk"])}, "MISMATCH")
    v.add("text/account-key", "text_encode", "3", {"blob": account_blob},
          lambda: {"text": spec.text_encode(account_blob)})
    import_account = lambda b: dict(zip(("public_key", "secret_key"), spec.account_key_import(b)))  # noqa: E731
    v.add("account-key-import/ok", "service_account_private_import", "6.1", {"blob": account_blob},
          lambda: import_account(account_blob))
    envelope_failures(v, "account-key-import", "service_account_private_import", "2, 6.1", account_blob,
                      lambda b: {"blob": b}, import_account, 0x07)
    mismatched_blob = spec.header(0x0C, spec.key_id_public(bob["encryption_pk"])) + alice["encryption_sk"] + \
        bob["encryption_pk"]
    v.add("account-key-import/private-key-not-the-public-keys", "service_account_private_import", "6.1",
          {"blob": mismatched_blob}, lambda: import_account(mismatched_blob), "MISMATCH")
    v.add("account-key-import/key-id-not-the-keys", "service_account_private_import", "2, 6.1",
          {"blob": flipped(account_blob, 10)}, lambda: import_account(flipped(account_blob, 10)), "MALFORMED")
    # Section 6.1: an X25519 public key that breaks section 1.4 is never the one the private key gives.
    for label, point, want in (("small-order-order-8-a", SMALL_ORDER_X25519["order-8-a"], "MISMATCH"),
                               ("small-order-zero", SMALL_ORDER_X25519["zero"], "MISMATCH"),
                               ("non-canonical-u-is-p", NON_CANONICAL_X25519["u-is-p"], "MISMATCH")):
        bad = spec.account_key_blob(point, bob["encryption_sk"])
        v.add("account-key-import/public-key-" + label, "service_account_private_import", "1.4, 6.1", {"blob": bad},
              lambda: import_account(bad), want)

    # ---- the service account's access credential (section 9.4) ------------------------------------------
    credential = v.add("service-account-credential/bob", "service_account_credential", "9.4",
                       {"public_key": bob["encryption_pk"], "secret_key": bob["encryption_sk"]},
                       lambda: {"credential": spec.service_account_credential(bob["encryption_pk"],
                                                                              bob["encryption_sk"])},
                       trace=lambda: credential_trace(bob["encryption_pk"], bob["encryption_sk"]))["credential"]
    v.add("service-account-credential/alice", "service_account_credential", "9.4",
          {"public_key": alice["encryption_pk"], "secret_key": alice["encryption_sk"]},
          lambda: {"credential": spec.service_account_credential(alice["encryption_pk"], alice["encryption_sk"])})
    v.add("service-account-credential/mismatched-pair", "service_account_credential", "9.4",
          {"public_key": alice["encryption_pk"], "secret_key": bob["encryption_sk"]},
          lambda: {"credential": spec.service_account_credential(alice["encryption_pk"], bob["encryption_sk"])},
          "MISMATCH")
    # An X25519 public key that breaks section 1.4 is never the one a private key gives.
    for label, point in (("small-order-zero", SMALL_ORDER_X25519["zero"]),
                         ("non-canonical-u-is-p", NON_CANONICAL_X25519["u-is-p"])):
        v.add("service-account-credential/public-key-" + label, "service_account_credential", "1.4, 9.4",
              {"public_key": point, "secret_key": bob["encryption_sk"]},
              lambda: {"credential": spec.service_account_credential(point, bob["encryption_sk"])}, "MISMATCH")
    for label, cred in (("bob", credential), ("all-zero", bytes(32))):
        v.add("service-account-credential-verifier/" + label, "service_account_credential_verifier", "9.4",
              {"credential": cred}, lambda: {"verifier": spec.service_account_credential_verifier(cred)})

    # ---- blob headers (section 2) -------------------------------------------------------------------------
    for label, blob in (("bundle", bundle), ("wrapped-identity", wrapped_blobs[0x05]), ("password-record", record)):
        v.add("blob-inspect/" + label, "blob_inspect", "2", {"blob": blob},
              lambda: dict(zip(("type", "key_id"), spec.blob_inspect(blob))))
    for label, blob, want in (("version-1", patched(bundle, 0, b"\x01"), "UNSUPPORTED_VERSION"),
                              ("suite-3", patched(bundle, 2, b"\x00\x03"), "UNSUPPORTED_SUITE"),
                              ("suite-2-password-record", patched(record, 2, b"\x00\x02"), "UNSUPPORTED_SUITE"),
                              ("suite-2-identity-public-key", patched(identity_blob, 2, b"\x00\x02"),
                               "UNSUPPORTED_SUITE"),
                              ("type-unknown", patched(bundle, 1, b"\x0e"), "MALFORMED"),
                              ("shorter-than-header", bundle[:19], "MALFORMED")):
        v.add("blob-inspect/" + label, "blob_inspect", "2", {"blob": blob},
              lambda: dict(zip(("type", "key_id"), spec.blob_inspect(blob))), want)

    # ---- secrets, epochs, padding and blind index (sections 1.5, 7) ------------------------------------
    vault_key, vault_id, epoch = b"\x77" * 32, b"vault-1", 1
    name, secret_context = b"DATABASE_URL", b"prod"
    secret_value = b"postgres://app:s3cret@db/app"
    secret_nonce = bytes.fromhex("a08c56dc53053580bea424281148a6a72c30f2adc2234a74")
    sealed = v.add("secret-seal/ok", "secret_seal", "7.1",
                   {"vault_key": vault_key, "epoch": epoch, "vault_id": vault_id, "name": name,
                    "context": secret_context, "value": secret_value, "random": [secret_nonce]},
                   lambda: {"sealed": spec.secret_seal(vault_key, epoch, vault_id, name, secret_context, secret_value,
                                                       secret_nonce)})["sealed"]

    def secret_case(label: str, key: bytes, ep: int, vid: bytes, nm: bytes, ctx: bytes, s: bytes, want: str,
                    section: str = "7.1") -> None:
        v.add("secret-open/" + label, "secret_open", section,
              {"vault_key": key, "epoch": ep, "vault_id": vid, "name": nm, "context": ctx, "sealed": s},
              lambda: {"value": spec.secret_open(key, ep, vid, nm, ctx, s)}, want)

    secret_case("ok", vault_key, epoch, vault_id, name, secret_context, sealed, "ok")
    empty = spec.secret_seal(vault_key, 7, b"v" * 255, b"n" * 255, b"", b"", bytes(24))
    secret_case("empty-value-longest-labels-epoch-7", vault_key, 7, b"v" * 255, b"n" * 255, b"", empty, "ok")
    secret_case("other-vault-id", vault_key, epoch, b"vault-2", name, secret_context, sealed, "AUTH")
    secret_case("other-name", vault_key, epoch, vault_id, b"DATABASE_URI", secret_context, sealed, "AUTH")
    secret_case("other-context", vault_key, epoch, vault_id, name, b"test", sealed, "AUTH")
    secret_case("no-context", vault_key, epoch, vault_id, name, b"", sealed, "AUTH")
    secret_case("wrong-vault-key", b"\x78" * 32, epoch, vault_id, name, secret_context, sealed, "WRONG_KEY")
    secret_case("wrong-vault-key-and-epoch", b"\x78" * 32, 2, vault_id, name, secret_context, sealed, "WRONG_KEY")
    secret_case("key-id-rewritten", b"\x78" * 32, epoch, vault_id, name, secret_context,
                patched(sealed, 4, spec.key_id_symmetric(b"\x78" * 32)), "AUTH")
    secret_case("other-epoch", vault_key, 2, vault_id, name, secret_context, sealed, "MISMATCH")
    secret_case("epoch-field-rewritten", vault_key, 2, vault_id, name, secret_context,
                patched(sealed, 20, spec.u32(2)), "AUTH")
    secret_case("nonce", vault_key, epoch, vault_id, name, secret_context, flipped(sealed, 24), "AUTH")
    secret_case("tag", vault_key, epoch, vault_id, name, secret_context, flipped(sealed, len(sealed) - 1), "AUTH")
    secret_case("trailing-byte", vault_key, epoch, vault_id, name, secret_context, sealed + b"\x00", "MALFORMED")
    secret_case("shorter-than-128", vault_key, epoch, vault_id, name, secret_context, sealed[:127], "MALFORMED")
    secret_case("shorter-than-80", vault_key, epoch, vault_id, name, secret_context, sealed[:79], "MALFORMED")
    secret_case("malformed-length-before-key-id", b"\x78" * 32, epoch, vault_id, name, secret_context,
                sealed + b"\x00", "MALFORMED")
    envelope_failures(v, "secret-open", "secret_open", "2, 7.1", sealed,
                      lambda b: {"vault_key": vault_key, "epoch": epoch, "vault_id": vault_id, "name": name,
                                 "context": secret_context, "sealed": b},
                      lambda b: {"value": spec.secret_open(vault_key, epoch, vault_id, name, secret_context, b)}, 0x09,
                      fixed_length=False)
    for label, seal_args, want in (
            ("empty-name", (vault_key, epoch, vault_id, b"", b"", b"x"), "BAD_PARAMS"),
            ("epoch-0", (vault_key, 0, vault_id, name, b"", b"x"), "BAD_PARAMS"),
            ("vault-id-empty", (vault_key, epoch, b"", name, b"", b"x"), "BAD_PARAMS")):
        inputs = dict(zip(("vault_key", "epoch", "vault_id", "name", "context", "value"), seal_args))
        v.add("secret-seal/" + label, "secret_seal", "7", inputs,
              lambda: {"sealed": spec.secret_seal(*seal_args)}, want)
    # Padding (section 1.5): values whose padded plaintexts share a bucket give blobs of one length.
    for value_len, nonce_byte in ((0, 0x10), (60, 0x11), (61, 0x12), (62, 0x13), (68, 0x14), (69, 0x15),
                                  (1000, 0x16)):
        value = bytes((i * 7 + 1) & 0xFF for i in range(value_len))
        nonce = bytes([nonce_byte]) * 24
        s = v.add("secret-seal/value-of-%d-bytes" % value_len, "secret_seal", "1.5, 7.1",
                  {"vault_key": vault_key, "epoch": 3, "vault_id": vault_id, "name": name, "context": b"",
                   "value": value, "random": [nonce]},
                  lambda: {"sealed": spec.secret_seal(vault_key, 3, vault_id, name, b"", value, nonce)})["sealed"]
        secret_case("value-of-%d-bytes" % value_len, vault_key, 3, vault_id, name, b"", s, "ok", "1.5, 7.1")
    for value_len in (0, 1, 60, 61, 68, 69, 1000, 1020, 1021, 100000):
        v.add("secret-sealed-len/%d" % value_len, "secret_sealed_len", "1.5, 7.1", {"value_len": value_len},
              lambda: {"sealed_len": spec.secret_sealed_len(value_len)})
    for sealed_len in (0, 64, 127, 128, 129, 136, 137, 144, 1088, 1089):
        v.add("secret-opened-len/%d" % sealed_len, "secret_opened_len", "1.5, 7.1", {"sealed_len": sealed_len},
              lambda: {"value_cap": spec.secret_opened_len(sealed_len)})
    # Secrets the reader must refuse after authentication, sealed with the low-level call.
    value61 = b"v" * 61
    good_pt = spec.secret_padded_plaintext(value61)
    for label, plaintext, want in (
            ("padded-length-not-canonical", spec.u32(61) + value61, "MALFORMED"),
            ("padding-not-zero", good_pt[:-1] + b"\x01", "MALFORMED"),
            ("padding-not-zero-first-byte", good_pt[:65] + b"\x80" + good_pt[66:], "MALFORMED"),
            ("length-field-beyond-plaintext", spec.u32(69) + good_pt[4:], "MALFORMED"),
            ("length-field-u32-max", spec.u32(0xFFFFFFFF) + good_pt[4:], "MALFORMED"),
            ("length-field-fills-plaintext", spec.u32(68) + value61 + bytes(7), "ok"),
            ("length-field-shorter-value-zero-tail", spec.u32(60) + value61[:60] + bytes(8), "ok")):
        bad = spec.secret_seal_plaintext(vault_key, epoch, vault_id, name, b"", plaintext, b"\x21" * 24)
        secret_case(label, vault_key, epoch, vault_id, name, b"", bad, want, "1.5, 7.1")
    # Rotation: reseal under the next epoch's key keeps the length.
    new_vault_key = b"\x79" * 32
    v.add("secret-reseal/next-epoch", "secret_reseal", "7.1, 11.1",
          {"from_vault_key": vault_key, "from_epoch": epoch, "to_vault_key": new_vault_key, "to_epoch": epoch + 1,
           "vault_id": vault_id, "name": name, "context": secret_context, "sealed": sealed,
           "random": [b"\x31" * 24]},
          lambda: {"resealed": spec.secret_seal(new_vault_key, epoch + 1, vault_id, name, secret_context,
                                                spec.secret_open(vault_key, epoch, vault_id, name, secret_context,
                                                                 sealed), b"\x31" * 24)})
    v.add("secret-reseal/other-name", "secret_reseal", "7.1, 11.1",
          {"from_vault_key": vault_key, "from_epoch": epoch, "to_vault_key": new_vault_key, "to_epoch": epoch + 1,
           "vault_id": vault_id, "name": b"OTHER", "context": secret_context, "sealed": sealed},
          lambda: {"resealed": spec.secret_open(vault_key, epoch, vault_id, b"OTHER", secret_context, sealed)},
          "AUTH")
    v.add("key-id/vault-key", "key_id", "1.2", {"key": vault_key}, lambda: {"key_id": spec.key_id_symmetric(vault_key)})
    for label, vid, nm in (("database-url", vault_id, name), ("other-vault", b"vault-2", name),
                           ("longest", b"v" * 255, b"n" * 255)):
        v.add("blind-index/" + label, "vault_blind_index", "7.2",
              {"vault_key": vault_key, "epoch": epoch, "vault_id": vid, "name": nm},
              lambda: {"index": spec.blind_index(vault_key, vid, nm)})

    # ---- shares (section 8) --------------------------------------------------------------------------
    def seal_share(label: str, ep: int, eph: bytes) -> bytes:
        return v.add("share-seal/" + label, "share_seal", "8",
                     {"vault_key": vault_key, "epoch": ep, "vault_id": vault_id,
                      "recipient_public_key": bob["encryption_pk"], "sender_identity_secret_key": alice["identity_sk"],
                      "random": [eph]},
                     lambda: {"share": spec.share_seal(vault_key, ep, vault_id, bob["encryption_pk"],
                                                       alice["identity_sk"], eph)})["share"]

    share = seal_share("alice-to-bob", 1, b"\x88" * 32)
    share3 = seal_share("alice-to-bob-epoch-3", 3, b"\x89" * 32)
    v.add("share-sender/ok", "share_sender", "8", {"share": share},
          lambda: {"sender_identity_public_key": share[20:52]})

    def share_case(label: str, s: bytes, vid: bytes, pk: bytes, sk: bytes, trusted: bytes, want: str,
                   min_epoch: int = 1) -> None:
        v.add("share-open/" + label, "share_open", "8",
              {"share": s, "vault_id": vid, "recipient_public_key": pk, "recipient_secret_key": sk,
               "trusted_sender_identity_public_key": trusted, "min_epoch": min_epoch},
              lambda: dict(zip(("vault_key", "epoch"), spec.share_open(s, vid, sk, trusted, min_epoch))), want)

    bob_keys = (bob["encryption_pk"], bob["encryption_sk"])
    trusted_alice = alice["identity_pk"]
    share_case("ok", share, vault_id, *bob_keys, trusted_alice, "ok")
    share_case("epoch-3-min-epoch-3", share3, vault_id, *bob_keys, trusted_alice, "ok", min_epoch=3)
    share_case("stale", share, vault_id, *bob_keys, trusted_alice, "STALE", min_epoch=2)
    share_case("stale-epoch-3-min-epoch-4", share3, vault_id, *bob_keys, trusted_alice, "STALE", min_epoch=4)
    share_case("stale-but-untrusted-sender", share, vault_id, *bob_keys, mallory_pk, "UNTRUSTED_SIGNER", min_epoch=2)
    share_case("stale-but-signature-broken", flipped(share, 199), vault_id, *bob_keys, trusted_alice,
               "BAD_SIGNATURE", min_epoch=2)
    share_case("epoch-0", patched(share, 52, spec.u32(0)), vault_id, *bob_keys, trusted_alice, "MALFORMED")
    share_case("epoch-0-before-key-id", patched(share, 52, spec.u32(0)), vault_id, alice["encryption_pk"],
               alice["encryption_sk"], trusted_alice, "MALFORMED")
    share_case("epoch-rewritten", patched(share, 52, spec.u32(3)), vault_id, *bob_keys, trusted_alice,
               "BAD_SIGNATURE")
    resigned_epoch = patched(share, 52, spec.u32(3))[:136]
    resigned_epoch += spec.labelled_sign(alice["identity_sk"], b"libcloak v2 share",
                                         resigned_epoch + spec.lp8(vault_id) + bob["encryption_pk"])
    share_case("epoch-rewritten-resigned-by-sender", resigned_epoch, vault_id, *bob_keys, trusted_alice, "AUTH")
    share_case("other-vault-id", share, b"vault-2", *bob_keys, trusted_alice, "BAD_SIGNATURE")
    share_case("other-recipient", share, vault_id, alice["encryption_pk"], alice["encryption_sk"], trusted_alice,
               "WRONG_KEY")
    share_case("key-id-rewritten-for-other-recipient", patched(share, 4, spec.key_id_public(alice["encryption_pk"])),
               vault_id, alice["encryption_pk"], alice["encryption_sk"], trusted_alice, "BAD_SIGNATURE")
    share_case("untrusted-sender", share, vault_id, *bob_keys, mallory_pk, "UNTRUSTED_SIGNER")
    share_case("signature", flipped(share, 199), vault_id, *bob_keys, trusted_alice, "BAD_SIGNATURE")
    share_case("enc", flipped(share, 60), vault_id, *bob_keys, trusted_alice, "BAD_SIGNATURE")
    share_case("signature-s-plus-l", share[:168] + (int.from_bytes(share[168:], "little") + spec.ED_L).to_bytes(
        32, "little"), vault_id, *bob_keys, trusted_alice, "BAD_SIGNATURE")
    resigned_body = flipped(share, 100)[:136]
    resigned = resigned_body + spec.labelled_sign(alice["identity_sk"], b"libcloak v2 share",
                                                  resigned_body + spec.lp8(vault_id) + bob["encryption_pk"])
    share_case("ciphertext-resigned-by-sender", resigned, vault_id, *bob_keys, trusted_alice, "AUTH")
    envelope_failures(v, "share-open", "share_open", "2, 8", share,
                      lambda b: {"share": b, "vault_id": vault_id, "recipient_public_key": bob["encryption_pk"],
                                 "recipient_secret_key": bob["encryption_sk"],
                                 "trusted_sender_identity_public_key": trusted_alice, "min_epoch": 1},
                      lambda b: dict(zip(("vault_key", "epoch"),
                                         spec.share_open(b, vault_id, bob["encryption_sk"], trusted_alice, 1))),
                      0x04)
    bad_recipients = [("small-order-" + k, p, "INVALID_KEY") for k, p in SMALL_ORDER_X25519.items()]
    bad_recipients += [("non-canonical-" + k, p, "MALFORMED") for k, p in NON_CANONICAL_X25519.items()]
    bob_top_bit = bob["encryption_pk"][:31] + bytes([bob["encryption_pk"][31] | 0x80])
    bad_recipients.append(("non-canonical-bit-255", bob_top_bit, "MALFORMED"))
    for label, point, want in bad_recipients:
        v.add("share-seal/recipient-" + label, "share_seal", "1.4, 8",
              {"vault_key": vault_key, "epoch": 1, "vault_id": vault_id, "recipient_public_key": point,
               "sender_identity_secret_key": alice["identity_sk"]},
              lambda: {"share": spec.share_seal(vault_key, 1, vault_id, point, alice["identity_sk"])}, want)
    v.add("share-seal/poisoned-sender-key", "share_seal", "1.1, 8",
          {"vault_key": vault_key, "epoch": 1, "vault_id": vault_id, "recipient_public_key": bob["encryption_pk"],
           "sender_identity_secret_key": poisoned_sk},
          lambda: {"share": spec.share_seal(vault_key, 1, vault_id, bob["encryption_pk"], poisoned_sk)}, "INVALID_KEY")

    # ---- batches (section 9) -------------------------------------------------------------------------
    batch_id = bytes.fromhex("6e160aefdda099b89cbda4632a7e1f37")
    head_hash = spec.hashlib.sha256(b"vault-1 head 7").digest()
    expiry = 1900000000
    head = spec.BatchHead(bob["encryption_pk"], alice["identity_pk"], vault_id, 2, 7, head_hash, expiry)
    batch_items = [(b"API_TOKEN", b"tok_123"), (b"SMTP_USER", b"mailer")]

    def head_inputs(h: "spec.BatchHead") -> Dict[str, Any]:
        return {"account_public_key": h.account_pk, "creator_identity_public_key": h.creator_pk,
                "vault_id": h.vault_id, "epoch": h.epoch, "head_version": h.head_version, "head_hash": h.head_hash,
                "expiry": h.expiry}

    def seal_batch(label: str, h: "spec.BatchHead", its: List[tuple], sk: bytes, random: Optional[List[bytes]],
                   want: str = "ok") -> Dict[str, Any]:
        inputs = dict(head_inputs(h), names=[n for n, _ in its], values=[val for _, val in its],
                      creator_identity_secret_key=sk)
        draws = random if random is not None else [None, None]
        if random is not None:
            inputs["random"] = random

        def run() -> Dict[str, Any]:
            blob, sealed_items = spec.batch_make(h, its, sk, draws[0], draws[1])
            return {"items": sealed_items, "digests": [spec.blake2b_256(it) for it in sealed_items], "blob": blob}
        return v.add("batch-seal/" + label, "batch_seal", "9", inputs, run, want)

    sealed_batch = seal_batch("two-items", head, batch_items, alice["identity_sk"], [batch_id, b"\x99" * 32])
    batch_blob, items = sealed_batch["blob"], sealed_batch["items"]
    seal_batch("no-items", head, [], alice["identity_sk"], [b"\x01" * 16, b"\x9d" * 32])
    seal_batch("longest-name-and-large-value", head, [(b"N" * 255, b"x" * 3000)], alice["identity_sk"],
               [b"\x02" * 16, b"\x9e" * 32])
    seal_batch("creator-not-the-secret-keys", head, batch_items, mallory_sk, None, "MISMATCH")
    poisoned_head = spec.BatchHead(bob["encryption_pk"], bob["identity_pk"], vault_id, 2, 7, head_hash, expiry)
    seal_batch("poisoned-creator-key", poisoned_head, batch_items, poisoned_sk, None, "INVALID_KEY")
    seal_batch("name-empty", head, [(b"", b"v")], alice["identity_sk"], None, "BAD_PARAMS")
    seal_batch("name-256-bytes", head, [(b"n" * 256, b"v")], alice["identity_sk"], None, "BAD_PARAMS")

    def begin_case(label: str, h: "spec.BatchHead", want: str) -> None:
        v.add("batch-begin/" + label, "batch_begin", "1.4, 9.3", head_inputs(h),
              lambda: (spec.batch_begin_checks(h), {})[1], want)

    def head_with(**changes: Any) -> "spec.BatchHead":
        fields = dict(account_pk=head.account_pk, creator_pk=head.creator_pk, vault_id=head.vault_id,
                      epoch=head.epoch, head_version=head.head_version, head_hash=head.head_hash, expiry=head.expiry)
        fields.update(changes)
        return spec.BatchHead(**fields)

    begin_case("ok", head, "ok")
    for label, point in SMALL_ORDER_X25519.items():
        begin_case("small-order-account-" + label, head_with(account_pk=point), "INVALID_KEY")
    for label, point in NON_CANONICAL_X25519.items():
        begin_case("non-canonical-account-" + label, head_with(account_pk=point), "MALFORMED")
    begin_case("vault-id-empty", head_with(vault_id=b""), "BAD_PARAMS")
    begin_case("epoch-0", head_with(epoch=0), "BAD_PARAMS")
    begin_case("head-version-0", head_with(head_version=0), "BAD_PARAMS")
    # 2^63 - 1, not 2^64 - 1: JSON readers such as jansson hold integers as signed 64-bit values.
    begin_case("largest-values", head_with(vault_id=b"v" * 255, epoch=0xFFFFFFFF, head_version=2 ** 63 - 1,
                                           expiry=2 ** 63 - 1), "ok")

    reader_mac_key = b"\x5c" * 32  # drawn by the reader; no output depends on it

    def open_batch(blob: bytes, vid: bytes, its: List[bytes], sk: bytes, trusted: List[bytes], min_epoch: int,
                   min_head_version: int, now: int, tamper_tag: Optional[int]) -> Dict[str, Any]:
        spec.batch_count(blob)   # the composite sizes the tags first (README)
        reader = spec.BatchReader(blob, vid, sk, trusted, reader_mac_key)
        if tamper_tag is not None:
            reader.tags[16 * tamper_tag] ^= 0x01
        reader.check(min_epoch, min_head_version, now)
        opened = [reader.open_item(it) for it in its]
        return {"signer": reader.creator, "item_count": reader.count, "epoch": reader.epoch,
                "head_version": reader.head_version, "head_hash": reader.head_hash, "expiry": reader.expiry,
                "names": [n for n, _ in opened], "values": [val for _, val in opened]}

    def batch_case(label: str, blob: bytes, its: List[bytes], want: str, trusted: Optional[List[bytes]] = None,
                   keys: tuple = bob_keys, vid: bytes = vault_id, min_epoch: int = 1, min_head_version: int = 1,
                   now: int = 1800000000, tamper_tag: Optional[int] = None, section: str = "9") -> None:
        trusted = [alice["identity_pk"]] if trusted is None else trusted
        inputs = {"blob": blob, "vault_id": vid, "account_public_key": keys[0], "account_secret_key": keys[1],
                  "trusted": trusted, "min_epoch": min_epoch, "min_head_version": min_head_version, "now": now,
                  "items": its}
        if tamper_tag is not None:
            inputs["tamper_tag"] = tamper_tag
        v.add("batch-open/" + label, "batch_open", section, inputs,
              lambda: open_batch(blob, vid, its, keys[1], trusted, min_epoch, min_head_version, now, tamper_tag), want)

    L = len(vault_id)
    batch_case("two-items", batch_blob, items, "ok")
    batch_case("second-item-alone", batch_blob, [items[1]], "ok")
    batch_case("items-reversed", batch_blob, [items[1], items[0]], "ok")
    batch_case("verified-but-no-item-opened", batch_blob, [], "ok")
    batch_case("second-trusted-identity", batch_blob, items, "ok", trusted=[mallory_pk, alice["identity_pk"]])
    batch_case("untrusted-creator", batch_blob, items, "UNTRUSTED_SIGNER", trusted=[mallory_pk])
    batch_case("no-trusted-identity", batch_blob, items, "UNTRUSTED_SIGNER", trusted=[])
    batch_case("other-account", batch_blob, items, "WRONG_KEY", keys=(account_pk, account_sk))
    batch_case("other-vault-id", batch_blob, items, "MISMATCH", vid=b"vault-2")
    batch_case("other-vault-id-before-trust", batch_blob, items, "MISMATCH", vid=b"vault-2", trusted=[])
    batch_case("vault-id-prefix", batch_blob, items, "MISMATCH", vid=b"vault-")
    batch_case("signature", flipped(batch_blob, len(batch_blob) - 1), items, "BAD_SIGNATURE")
    batch_case("signature-s-plus-l", batch_blob[:-32] + (int.from_bytes(batch_blob[-32:], "little")
                                                          + spec.ED_L).to_bytes(32, "little"), items, "BAD_SIGNATURE")
    for field, offset in (("batch-id", 20), ("enc", 40), ("epoch", 104 + L), ("head-version", 112 + L),
                          ("head-hash", 120 + L), ("expiry", 152 + L), ("manifest", 160 + L)):
        batch_case("field-changed-" + field, flipped(batch_blob, offset), items, "BAD_SIGNATURE")
    batch_case("creator-replaced-and-trusted", patched(batch_blob, 68, mallory_pk), items, "BAD_SIGNATURE",
               trusted=[mallory_pk])
    batch_case("count-beyond-length", patched(batch_blob, 153 + L, spec.u32(3)), items, "MALFORMED")
    batch_case("count-over-a-million", patched(batch_blob, 153 + L, spec.u32(1000001)), items, "MALFORMED")
    batch_case("vault-id-empty", patched(batch_blob, 100, b"\x00"), items, "MALFORMED")
    batch_case("vault-id-length-beyond-blob", patched(batch_blob, 100, b"\xff"), items, "MALFORMED")
    batch_case("epoch-0", patched(batch_blob, 101 + L, spec.u32(0)), items, "MALFORMED")
    batch_case("head-version-0", patched(batch_blob, 105 + L, bytes(8)), items, "MALFORMED")
    batch_case("epoch-0-before-key-id", patched(batch_blob, 101 + L, spec.u32(0)), items, "MALFORMED",
               keys=(account_pk, account_sk))
    batch_case("shorter-than-222", batch_blob[:221], [], "MALFORMED")
    envelope_failures(v, "batch-open", "batch_open", "2, 9.1", batch_blob,
                      lambda b: {"blob": b, "vault_id": vault_id, "account_public_key": bob["encryption_pk"],
                                 "account_secret_key": bob["encryption_sk"], "trusted": [alice["identity_pk"]],
                                 "min_epoch": 1, "min_head_version": 1, "now": 1800000000, "items": items},
                      lambda b: open_batch(b, vault_id, items, bob["encryption_sk"], [alice["identity_pk"]], 1, 1,
                                           1800000000, None), 0x0B, relabelled="MALFORMED")
    # Freshness (sections 9.1, 9.3): the batch is at epoch 2, head version 7, expiry 1900000000.
    batch_case("min-epoch-equal", batch_blob, items, "ok", min_epoch=2, section="9.1")
    batch_case("stale-epoch", batch_blob, items, "STALE", min_epoch=3, section="9.1")
    batch_case("min-head-version-equal", batch_blob, items, "ok", min_head_version=7, section="9.1")
    batch_case("stale-head-version", batch_blob, items, "STALE", min_head_version=8, section="9.1")
    batch_case("now-is-expiry", batch_blob, items, "ok", now=expiry, section="9.1")
    batch_case("expired", batch_blob, items, "EXPIRED", now=expiry + 1, section="9.1")
    batch_case("stale-and-expired", batch_blob, items, "STALE", min_epoch=3, now=expiry + 1, section="9.1")
    batch_case("stale-but-untrusted", batch_blob, items, "UNTRUSTED_SIGNER", min_epoch=3, trusted=[mallory_pk],
               section="9.1")
    batch_case("expired-but-other-vault", batch_blob, items, "MISMATCH", now=expiry + 1, vid=b"vault-2",
               section="9.1")
    # Items (section 9.2).
    batch_case("item-repeated", batch_blob, [items[0], items[0]], "BAD_SIGNATURE", section="9.2")
    batch_case("item-repeated-after-another", batch_blob, [items[1], items[0], items[1]], "BAD_SIGNATURE",
               section="9.2")
    batch_case("tag-tampered", batch_blob, [items[1]], "BAD_SIGNATURE", tamper_tag=1, section="9.2, 9.3")
    batch_case("other-tag-tampered", batch_blob, [items[1]], "ok", tamper_tag=0, section="9.2, 9.3")
    batch_case("item-tampered", batch_blob, [flipped(items[0], 50)], "BAD_SIGNATURE", section="9.2")
    batch_case("item-index-beyond-count", batch_blob, [patched(items[1], 36, spec.u32(2))], "MISMATCH", section="9.2")
    batch_case("item-index-swapped", batch_blob, [patched(items[1], 36, spec.u32(0))], "BAD_SIGNATURE", section="9.2")
    batch_case("item-other-batch-id", batch_blob, [flipped(items[0], 20)], "MISMATCH", section="9.2")
    batch_case("item-wrong-key-id", batch_blob, [flipped(items[0], 4)], "WRONG_KEY", section="9.2")
    batch_case("item-shorter-than-120", batch_blob, [items[0][:119]], "MALFORMED", section="9.2")
    batch_case("item-trailing-byte", batch_blob, [items[0] + b"\x00"], "MALFORMED", section="9.2")
    batch_case("item-wrong-type", batch_blob, [patched(items[0], 1, b"\x0a")], "WRONG_TYPE", section="9.2")
    batch_case("item-version-1", batch_blob, [patched(items[0], 0, b"\x01")], "UNSUPPORTED_VERSION", section="9.2")
    other_blob, other_items = spec.batch_make(head, batch_items, alice["identity_sk"], bytes(16), b"\x9a" * 32)
    batch_case("item-of-another-batch", batch_blob, [other_items[0]], "MISMATCH", section="9.2")
    batch_case("other-batch-own-item", other_blob, [other_items[1]], "ok", section="9.2")
    # The creator signs a manifest of items that do not decrypt, or whose plaintext breaks section 9.2's
    # rules: only decryption, or the parse after it, can catch them.
    good_pt = spec.item_plaintext(b"A", b"v")
    good_blob, good_items = spec.batch_make_plaintexts(head, [good_pt], alice["identity_sk"], bytes(16), b"\x9b" * 32)
    forged_item = flipped(good_items[0], 45)
    forged_blob, _ = spec.batch_make_plaintexts(head, [good_pt], alice["identity_sk"], bytes(16), b"\x9b" * 32,
                                                signed_items=[forged_item])
    batch_case("item-signed-but-not-authentic", forged_blob, [forged_item], "AUTH", section="9.2")
    for label, plaintext, want in (
            ("name-empty", b"\x00" + good_pt[1:], "MALFORMED"),
            ("name-longer-than-plaintext", b"\xff" + good_pt[1:], "MALFORMED"),
            ("value-length-beyond-plaintext", good_pt[:2] + spec.u32(59) + good_pt[6:], "MALFORMED"),
            ("value-length-fills-plaintext", good_pt[:2] + spec.u32(58) + good_pt[6:], "ok"),
            ("padding-not-zero", good_pt[:-1] + b"\x01", "MALFORMED"),
            ("padded-length-not-canonical", good_pt + b"\x00", "MALFORMED"),
            ("unpadded", spec.lp8(b"A") + spec.u32(1) + b"v", "MALFORMED")):
        bad_blob, bad_items = spec.batch_make_plaintexts(head, [plaintext], alice["identity_sk"], bytes(16),
                                                         b"\x9c" * 32)
        batch_case("item-" + label, bad_blob, bad_items, want, section="1.5, 9.2")
    v.add("batch-sender/ok", "batch_sender", "9.1", {"blob": batch_blob},
          lambda: {"identity_public_key": spec.batch_sender(batch_blob)})
    v.add("batch-count/ok", "batch_count", "9.1", {"blob": batch_blob},
          lambda: {"item_count": spec.batch_count(batch_blob)})
    v.add("batch-item-index/ok", "batch_item_index", "9.2", {"item": items[1]}, lambda: {"index": 1})
    for name_len, value_len in ((1, 0), (9, 7), (1, 58), (1, 59), (255, 3000)):
        v.add("batch-item-len/%d-%d" % (name_len, value_len), "batch_item_len", "1.5, 9.2",
              {"name_len": name_len, "value_len": value_len},
              lambda: {"item_len": spec.batch_item_len(name_len, value_len)})
    for item_len in (0, 119, 120, 121, 128, 129, 3392):
        v.add("batch-item-opened-maxlen/%d" % item_len, "batch_item_opened_maxlen", "1.5, 9.2",
              {"item_len": item_len}, lambda: {"value_cap": spec.batch_item_opened_maxlen(item_len)})

    # ---- HPKE single-shot (section 1) -------------------------------------------------------------------
    info, aad, plaintext = b"libcloak vectors info", b"aad", b"a plaintext"
    enc, ciphertext = v.add(
        "hpke-seal-base/ok", "hpke_seal_base", "1",
        {"recipient_public_key": bob["encryption_pk"], "info": info, "aad": aad, "plaintext": plaintext,
         "random": [b"\xaa" * 32]},
        lambda: dict(zip(("enc", "ciphertext"), spec.hpke_seal_base(bob["encryption_pk"], info, aad, plaintext,
                                                                    b"\xaa" * 32)))).values()

    def hpke_case(label: str, e: bytes, ct: bytes, i: bytes, a: bytes, want: str, keys: tuple = bob_keys) -> None:
        v.add("hpke-open-base/" + label, "hpke_open_base", "1",
              {"enc": e, "recipient_public_key": keys[0], "recipient_secret_key": keys[1], "info": i, "aad": a,
               "ciphertext": ct}, lambda: {"plaintext": spec.hpke_open_base(e, keys[1], i, a, ct)}, want)

    hpke_case("ok", enc, ciphertext, info, aad, "ok")
    enc_empty, ct_empty = spec.hpke_seal_base(bob["encryption_pk"], b"", b"", b"", b"\xab" * 32)
    hpke_case("empty-everything", enc_empty, ct_empty, b"", b"", "ok")
    hpke_case("other-info", enc, ciphertext, b"other", aad, "AUTH")
    hpke_case("other-aad", enc, ciphertext, info, b"aae", "AUTH")
    hpke_case("other-recipient", enc, ciphertext, info, aad, "AUTH", keys=(alice["encryption_pk"],
                                                                          alice["encryption_sk"]))
    hpke_case("tag", enc, flipped(ciphertext, len(ciphertext) - 1), info, aad, "AUTH")
    hpke_case("enc", flipped(enc, 0), ciphertext, info, aad, "AUTH")
    hpke_case("shorter-than-tag", enc, ciphertext[:15], info, aad, "MALFORMED")
    for label in ("zero", "order-8-a"):
        hpke_case("low-order-enc-" + label, SMALL_ORDER_X25519[label], ciphertext, info, aad, "INVALID_KEY")
    # Section 1.4 covers enc: the same point with bit 255 set (the same agreement, another KEM context).
    hpke_case("enc-bit-255-set", enc[:31] + bytes([enc[31] | 0x80]), ciphertext, info, aad, "MALFORMED")
    for label, point, want in bad_recipients:
        v.add("hpke-seal-base/recipient-" + label, "hpke_seal_base", "1, 1.4",
              {"recipient_public_key": point, "info": info, "aad": aad, "plaintext": plaintext},
              lambda: dict(zip(("enc", "ciphertext"), spec.hpke_seal_base(point, info, aad, plaintext))), want)

    # ---- suite 2: X-Wing keys and every object sealed to one (sections 1.6, 2, 5, 6, 8, 9) ---------------
    env = dict(patched=patched, flipped=flipped, envelope_failures=envelope_failures,
               SMALL_ORDER_X25519=SMALL_ORDER_X25519, NON_CANONICAL_X25519=NON_CANONICAL_X25519,
               NOT_A_POINT_ED25519=NOT_A_POINT_ED25519, alice=alice, bob=bob, mallory_pk=mallory_pk,
               mallory_sk=mallory_sk, poisoned_sk=poisoned_sk, master_key=master_key, new_master_key=new_master_key,
               record=record, identity_blob=identity_blob, encryption_blob=encryption_blob, bundle=bundle,
               wrapped_blobs=wrapped_blobs, account_blob=account_blob, vault_key=vault_key, vault_id=vault_id,
               share=share, head_hash=head_hash, expiry=expiry, batch_items=batch_items, batch_blob=batch_blob,
               items=items, reader_mac_key=reader_mac_key)
    xwing = xwing_vectors.add_xwing_cases(v, env)

    # ---- vault heads and the Merkle tree (section 10), from spec/spec_head.py --------------------------
    head_vectors.add_head_cases(v, patched, flipped, envelope_failures)
    head_vectors.add_policy_cases(v, env, xwing)

    # ---- fingerprints (section 11.2) --------------------------------------------------------------------
    for who in ("alice", "bob"):
        pk = parties[who]["identity_pk"]
        v.add("fingerprint/" + who, "identity_fingerprint", "11.2", {"identity_public_key": pk},
              lambda: {"text": spec.fingerprint(pk)})
    # RFC 8032 section 7.1, test 1's public key, and mallory's.
    rfc8032_test1_pk = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    for label, pk in (("rfc8032-test-1", rfc8032_test1_pk), ("mallory", mallory_pk)):
        v.add("fingerprint/" + label, "identity_fingerprint", "11.2", {"identity_public_key": pk},
              lambda: {"text": spec.fingerprint(pk)})
    for label, a, b in (("alice-bob", alice["identity_pk"], bob["identity_pk"]),
                        ("bob-alice", bob["identity_pk"], alice["identity_pk"]),
                        ("rfc8032-test-1-mallory", rfc8032_test1_pk, mallory_pk),
                        ("mallory-rfc8032-test-1", mallory_pk, rfc8032_test1_pk)):
        v.add("pair-code/" + label, "identity_pair_code", "11.2",
              {"identity_public_key_a": a, "identity_public_key_b": b}, lambda: {"text": spec.pair_code(a, b)})

    document = {
        "description": "libcloak protocol vectors (docs/protocol.md, format version 2), produced by the "
                       "independent implementation in tests/vectors/spec/ with "
                       "tests/vectors/make_libcloak_vectors.py. Bytes are lowercase hex; 'expect' is 'ok' "
                       "or a status of cloak.h without CLOAK_E_.",
        "cases": v.cases,
    }
    text = json.dumps(document, indent=1) + "\n"
    if args.check:
        with open(OUTPUT, encoding="utf-8") as f:
            if f.read() != text:
                raise SystemExit("tests/vectors/libcloak.json is stale: rerun tests/vectors/make_libcloak_vectors.py")
        return
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write(text)
    failures = sum(1 for c in v.cases if c["expect"] != "ok")
    print("%d cases: %d ok, %d failures" % (len(v.cases), len(v.cases) - failures, failures))


if __name__ == "__main__":
    main()

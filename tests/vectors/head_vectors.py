"""The vault head and Merkle cases of tests/vectors/libcloak.json (docs/protocol.md section 10), made by
the independent implementation spec/spec_head.py. make_libcloak_vectors.py calls add_head_cases() with
its Vectors collector and its section 2 helper; every key is derived from a fixed label, so a rerun
writes the same cases.

Operations (inputs are the C parameter names; lists stand for concatenated arrays):
- roster_entry, head_create, merkle_leaf, merkle_root, merkle_prove_inclusion, merkle_prove_absence:
  the C functions.
- head_verify_first: blob, vault_id, trusted -> the verified head's fields.
- head_verify_next: `chain[0]` verified first (vault_id, trusted), each later head of `chain` as the
  next, then `blob` as the next of the last, given `current_blob` as that last head's bytes -> the
  next head's fields.
- head_check: `blob` verified first (vault_id, trusted), then min_epoch, min_version, now.
- merkle_verify_inclusion / merkle_verify_absence: `head` verified first (vault_id, trusted), then
  leaf or blind_index, and proof.
- head_roster_find (kind, public_key -> permissions, suite, encryption_key_id), head_check_recipient
  (member_identity_public_key, absent for a service account; encryption_public_key),
  head_check_share (recipient_identity_public_key, share) and head_check_batch (batch): `head`
  verified first (vault_id, trusted), then the call with the head's bytes (section 10.8;
  add_policy_cases()).
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable, Dict, List, Optional

import spec_head as sh
import spec_impl as spec

VAULT_ID = b"team-vault"
EXPIRY = 1900000000


def _seed(label: str) -> bytes:
    return hashlib.sha256(b"libcloak head vectors " + label.encode()).digest()


def _identity(label: str) -> Dict[str, bytes]:
    seed = _seed(label)
    pk = spec.ed25519_public(seed)
    return {"pk": pk, "sk": seed + pk, "enc_id": _seed(label + " encryption key id")[:16]}


def _signed(fields: bytes, signer: Dict[str, bytes]) -> bytes:
    """A head of any fields (valid or not), signed: the parser, not the signature, must refuse it."""
    body = fields + signer["pk"]
    return body + spec.labelled_sign(signer["sk"], sh.HEAD_LABEL, body)


def _fields(vault_id: bytes, epoch: int, key_id: bytes, version: int, previous: bytes, expiry: int, root: bytes,
            count: int, roster: List[bytes], policy: int = 0) -> bytes:
    return (spec.header(sh.HEAD_TYPE, key_id) + spec.u64(version) + previous + spec.u32(epoch) + spec.lp8(vault_id)
            + spec.u64(expiry) + root + spec.u32(count) + bytes([policy]) + spec.u16(len(roster)) + b"".join(roster))


def by_key(entries: List[bytes]) -> List[bytes]:
    """Roster order of section 10.2: by kind, then public key (the permissions and suite between them do
    not count)."""
    return sorted(entries, key=sh.roster_order)


def _entry(kind: int, perms: int, suite: int, pk: bytes, key_id: bytes) -> bytes:
    """An entry's bytes as they are, valid or not (the writer, sh.roster_entry, refuses bad ones)."""
    return bytes([kind, perms]) + spec.u16(suite) + pk + key_id


def _leaves(n: int, label: str) -> List[bytes]:
    leaves = [sh.merkle_leaf(_seed("%s blind %d" % (label, i)), b"sealed %d" % i) for i in range(n)]
    return sorted(leaves)


def add_head_cases(v: Any, patched: Callable[[bytes, int, bytes], bytes], flipped: Callable[[bytes, int], bytes],
                   envelope_failures: Callable[..., None]) -> None:
    alice, bob, carol, mallory, outsider = (_identity(n) for n in ("alice", "bob", "carol", "mallory", "outsider"))
    account_pk = spec.x25519_public(_seed("account"))
    account_id = spec.key_id_public(account_pk)
    key_id_1, key_id_2 = _seed("vault key 1")[:16], _seed("vault key 2")[:16]

    def member(m: Dict[str, bytes], perms: int, suite: int = spec.SUITE_X25519) -> bytes:
        return sh.roster_entry(sh.MEMBER, perms, suite, m["pk"], m["enc_id"])

    account_entry = sh.roster_entry(sh.SERVICE_ACCOUNT, 0, spec.SUITE_X25519, account_pk, account_id)
    # An X-Wing service account's entry carries its key hash (any 32 bytes, to the roster).
    xwing_account_hash = _seed("X-Wing account key hash")
    xwing_account_entry = sh.roster_entry(sh.SERVICE_ACCOUNT, 0, spec.SUITE_XWING, xwing_account_hash,
                                          xwing_account_hash[:16])
    roster_1 = by_key([member(alice, sh.ADMIN | sh.WRITE), member(bob, sh.WRITE), member(carol, sh.ADMIN),
                       member(mallory, sh.WRITE), account_entry])
    roster_2 = by_key([member(alice, sh.ADMIN | sh.WRITE), member(bob, sh.WRITE), member(carol, sh.ADMIN),
                       account_entry])

    # ---- roster entries (10.2) -----------------------------------------------------------------------
    def entry_case(label: str, kind: int, perms: int, pk: bytes, kid: bytes, want: str,
                   suite: int = spec.SUITE_X25519) -> None:
        v.add("roster-entry/" + label, "roster_entry", "10.2",
              {"kind": kind, "permissions": perms, "suite": suite, "public_key": pk, "encryption_key_id": kid},
              lambda: {"entry": sh.roster_entry(kind, perms, suite, pk, kid)}, want)

    x2 = spec.SUITE_XWING
    entry_case("member", sh.MEMBER, sh.ADMIN | sh.WRITE, alice["pk"], alice["enc_id"], "ok")
    entry_case("member-reader", sh.MEMBER, 0, bob["pk"], bob["enc_id"], "ok")
    entry_case("service-account", sh.SERVICE_ACCOUNT, 0, account_pk, account_id, "ok")
    entry_case("member-xwing", sh.MEMBER, sh.WRITE, carol["pk"], carol["enc_id"], "ok", suite=x2)
    entry_case("service-account-xwing", sh.SERVICE_ACCOUNT, 0, xwing_account_hash, xwing_account_hash[:16], "ok",
               suite=x2)
    # A key hash is not a curve point: no section 1.4 rule applies to it, only the key id's.
    entry_case("service-account-xwing-hash-like-a-small-order-point", sh.SERVICE_ACCOUNT, 0,
               spec.SMALL_ORDER_X25519[3], spec.SMALL_ORDER_X25519[3][:16], "ok", suite=x2)
    entry_case("kind-3", 3, 0, alice["pk"], alice["enc_id"], "BAD_PARAMS")
    entry_case("kind-0", 0, 0, alice["pk"], alice["enc_id"], "BAD_PARAMS")
    entry_case("suite-3", sh.MEMBER, 0, alice["pk"], alice["enc_id"], "BAD_PARAMS", suite=3)
    entry_case("suite-0", sh.MEMBER, 0, alice["pk"], alice["enc_id"], "BAD_PARAMS", suite=0)
    entry_case("account-suite-3", sh.SERVICE_ACCOUNT, 0, account_pk, account_id, "BAD_PARAMS", suite=3)
    entry_case("permission-bit-2", sh.MEMBER, 4, alice["pk"], alice["enc_id"], "BAD_PARAMS")
    entry_case("account-with-permissions", sh.SERVICE_ACCOUNT, 1, account_pk, account_id, "BAD_PARAMS")
    entry_case("account-xwing-with-permissions", sh.SERVICE_ACCOUNT, 2, xwing_account_hash, xwing_account_hash[:16],
               "BAD_PARAMS", suite=x2)
    entry_case("account-other-key-id", sh.SERVICE_ACCOUNT, 0, account_pk, alice["enc_id"], "BAD_PARAMS")
    entry_case("account-xwing-other-key-id", sh.SERVICE_ACCOUNT, 0, xwing_account_hash, alice["enc_id"], "BAD_PARAMS",
               suite=x2)
    # In suite 2 the key id is the hash's first 16 bytes, not the id of the hash as a key.
    entry_case("account-xwing-key-id-of-the-hash", sh.SERVICE_ACCOUNT, 0, xwing_account_hash,
               spec.key_id_public(xwing_account_hash), "BAD_PARAMS", suite=x2)
    entry_case("account-x25519-key-with-suite-2-key-id", sh.SERVICE_ACCOUNT, 0, account_pk, account_pk[:16],
               "BAD_PARAMS")
    entry_case("member-small-order", sh.MEMBER, 0, spec.SMALL_ORDER_ED25519[1], alice["enc_id"], "INVALID_KEY")
    entry_case("member-xwing-small-order", sh.MEMBER, 0, spec.SMALL_ORDER_ED25519[1], alice["enc_id"], "INVALID_KEY",
               suite=x2)
    entry_case("member-not-canonical", sh.MEMBER, 0, (spec.ED_P + 3).to_bytes(32, "little"), alice["enc_id"],
               "INVALID_KEY")
    entry_case("account-not-canonical", sh.SERVICE_ACCOUNT, 0, (2 ** 255 - 1).to_bytes(32, "little"), account_id,
               "MALFORMED")
    entry_case("account-small-order", sh.SERVICE_ACCOUNT, 0, spec.SMALL_ORDER_X25519[3],
               spec.key_id_public(spec.SMALL_ORDER_X25519[3]), "INVALID_KEY")

    # ---- head create (10.1) ----------------------------------------------------------------------------
    def create_case(label: str, want: str, signer: Dict[str, bytes] = alice, **kw: Any) -> bytes:
        args = {"vault_id": VAULT_ID, "epoch": 1, "vault_key_id": key_id_1, "version": 1, "previous_hash": bytes(32),
                "expiry": EXPIRY, "merkle_root": sh.EMPTY_ROOT, "leaf_count": 0, "policy": 0, "roster": roster_1}
        args.update(kw)
        sk = kw.pop("signer_identity_secret_key", signer["sk"])
        inputs = dict(args)
        inputs["signer_identity_secret_key"] = sk
        out = v.add("head-create/" + label, "head_create", "10.1", inputs,
                    lambda: {"head": sh.create(args["vault_id"], args["epoch"], args["vault_key_id"], args["version"],
                                               args["previous_hash"], args["expiry"], args["merkle_root"],
                                               args["leaf_count"], args["policy"], args["roster"], sk)}, want)
        return out.get("head", b"")

    h1 = create_case("first", "ok")
    h1_hash = sh.head_hash(h1)
    tree = _leaves(13, "v2")
    root = sh.merkle_root(tree)
    h2 = create_case("writer-adds-secrets", "ok", signer=bob, version=2, previous_hash=h1_hash, merkle_root=root,
                     leaf_count=13)
    h2_hash = sh.head_hash(h2)
    h3 = create_case("admin-removes-and-rotates", "ok", signer=carol, version=3, previous_hash=h2_hash,
                     merkle_root=root, leaf_count=13, roster=roster_2, epoch=2, vault_key_id=key_id_2)
    create_case("version-0", "BAD_PARAMS", version=0)
    create_case("epoch-0", "BAD_PARAMS", epoch=0)
    create_case("first-with-previous", "BAD_PARAMS", previous_hash=h1_hash)
    create_case("later-without-previous", "BAD_PARAMS", version=2)
    create_case("empty-tree-other-root", "BAD_PARAMS", merkle_root=root)
    create_case("too-many-leaves", "BAD_PARAMS", merkle_root=root, leaf_count=2 ** 24 + 1)
    create_case("roster-unsorted", "BAD_PARAMS", roster=list(reversed(roster_1)))
    create_case("roster-no-admin", "BAD_PARAMS", roster=by_key([member(bob, sh.WRITE), account_entry]))
    create_case("vault-id-empty", "BAD_PARAMS", vault_id=b"")
    create_case("signer-key-halves-differ", "INVALID_KEY", signer_identity_secret_key=alice["sk"][:32] + bob["pk"])
    # Section 10.8's policy: post-quantum only needs every entry of suite 2.
    roster_pq = by_key([member(alice, sh.ADMIN | sh.WRITE, x2), member(bob, sh.WRITE, x2), member(carol, sh.ADMIN, x2),
                        xwing_account_entry])
    roster_mixed = by_key([member(alice, sh.ADMIN | sh.WRITE, x2), member(bob, sh.WRITE), member(carol, sh.ADMIN, x2),
                           xwing_account_entry])
    create_case("post-quantum-only", "ok", policy=sh.POST_QUANTUM_ONLY, roster=roster_pq)
    create_case("mixed-suites", "ok", roster=roster_mixed)
    create_case("post-quantum-only-with-an-x25519-member", "BAD_PARAMS", policy=sh.POST_QUANTUM_ONLY,
                roster=roster_mixed)
    create_case("post-quantum-only-with-an-x25519-account", "BAD_PARAMS", policy=sh.POST_QUANTUM_ONLY,
                roster=by_key([e for e in roster_pq if e[0] == sh.MEMBER] + [account_entry]))
    create_case("policy-2", "BAD_PARAMS", policy=2)
    create_case("policy-256", "BAD_PARAMS", policy=256)

    # ---- verify first (10.1, 10.5) ------------------------------------------------------------------
    def fields_of(blob: bytes) -> Dict[str, Any]:
        return sh.state_of(blob, sh.parse(blob))

    def first_case(label: str, blob: bytes, want: str, trusted: List[bytes] = None, vault_id: bytes = VAULT_ID,
                   section: str = "10.1, 10.5") -> None:
        t = [alice["pk"]] if trusted is None else trusted
        v.add("head-verify-first/" + label, "head_verify_first", section,
              {"blob": blob, "vault_id": vault_id, "trusted": t},
              lambda: sh.verify_first(blob, vault_id, t), want)

    first_case("ok", h1, "ok")
    first_case("ok-second-trusted", h1, "ok", trusted=[carol["pk"], alice["pk"]])
    first_case("other-vault", h1, "MISMATCH", vault_id=b"other-vault")
    first_case("untrusted", h1, "UNTRUSTED_SIGNER", trusted=[carol["pk"]])
    first_case("writer-as-first", h2, "UNTRUSTED_SIGNER", trusted=[bob["pk"]])
    first_case("signature", flipped(h1, len(h1) - 1), "BAD_SIGNATURE")
    first_case("signed-field", flipped(h1, 65 + len(VAULT_ID) + 7), "BAD_SIGNATURE")
    envelope_failures(v, "head-verify-first", "head_verify_first", "2, 10.1", h1,
                      lambda b: {"blob": b, "vault_id": VAULT_ID, "trusted": [alice["pk"]]},
                      lambda b: sh.verify_first(b, VAULT_ID, [alice["pk"]]), 0x0A)

    base = dict(vault_id=VAULT_ID, epoch=1, key_id=key_id_1, version=1, previous=bytes(32), expiry=EXPIRY,
                root=sh.EMPTY_ROOT, count=0, roster=roster_1)

    def field_case(label: str, want: str = "MALFORMED", raw: bytes = None, **kw: Any) -> None:
        f = dict(base)
        f.update(kw)
        blob = raw if raw is not None else _signed(_fields(**f), alice)
        first_case("field-" + label, blob, want)

    field_case("version-0", version=0)
    field_case("first-with-previous", previous=h1_hash)
    field_case("later-without-previous", version=2)
    field_case("epoch-0", epoch=0)
    field_case("empty-tree-other-root", root=root)
    field_case("too-many-leaves", root=root, count=2 ** 24 + 1)
    field_case("most-leaves", "ok", root=root, count=2 ** 24)
    x1 = spec.SUITE_X25519
    bad = _entry(sh.MEMBER, sh.ADMIN, x1, spec.SMALL_ORDER_ED25519[1], alice["enc_id"])
    field_case("member-small-order", roster=by_key(roster_1 + [bad]))
    bad = _entry(sh.MEMBER, sh.WRITE | 4, x1, outsider["pk"], outsider["enc_id"])
    field_case("permission-bit-2", roster=by_key(roster_1 + [bad]))
    bad = _entry(3, 0, x1, outsider["pk"], outsider["enc_id"])
    field_case("kind-3", roster=by_key(roster_1 + [bad]))
    for suite in (0, 3, 0x0100):
        bad = _entry(sh.MEMBER, sh.WRITE, suite, outsider["pk"], outsider["enc_id"])
        field_case("member-suite-%d" % suite, roster=by_key(roster_1 + [bad]))
    bad = _entry(sh.SERVICE_ACCOUNT, 0, x1, account_pk, alice["enc_id"])
    field_case("account-key-id", roster=by_key([e for e in roster_1 if e[0] == sh.MEMBER] + [bad]))
    bad = _entry(sh.SERVICE_ACCOUNT, 1, x1, account_pk, account_id)
    field_case("account-permissions", roster=by_key([e for e in roster_1 if e[0] == sh.MEMBER] + [bad]))
    bad = _entry(sh.SERVICE_ACCOUNT, 0, x1, (2 ** 255 - 1).to_bytes(32, "little"), account_id)
    field_case("account-not-canonical", roster=by_key(roster_1 + [bad]))
    bad = _entry(sh.SERVICE_ACCOUNT, 0, x2, xwing_account_hash, spec.key_id_public(xwing_account_hash))
    field_case("account-xwing-key-id", roster=by_key(roster_1 + [bad]))
    bad = _entry(sh.SERVICE_ACCOUNT, 0, x2, account_pk, account_id)
    field_case("account-x25519-key-as-suite-2", roster=by_key([e for e in roster_1 if e[0] == sh.MEMBER] + [bad]))
    bad = _entry(sh.SERVICE_ACCOUNT, 0, 3, xwing_account_hash, xwing_account_hash[:16])
    field_case("account-suite-3", roster=by_key(roster_1 + [bad]))
    # A key hash is any 32 bytes: the one rule on an X-Wing account's field is its key id.
    small = spec.SMALL_ORDER_X25519[0]
    field_case("account-xwing-hash-like-a-small-order-point", "ok",
               roster=by_key(roster_1 + [_entry(sh.SERVICE_ACCOUNT, 0, x2, small, small[:16])]))
    # Section 10.1's policy byte and the post-quantum-only rule.
    field_case("post-quantum-only", "ok", roster=roster_pq, policy=sh.POST_QUANTUM_ONLY)
    field_case("mixed-suites", "ok", roster=roster_mixed)
    field_case("post-quantum-only-with-an-x25519-member", roster=roster_mixed, policy=sh.POST_QUANTUM_ONLY)
    field_case("post-quantum-only-with-an-x25519-account", policy=sh.POST_QUANTUM_ONLY,
               roster=by_key([e for e in roster_pq if e[0] == sh.MEMBER] + [account_entry]))
    field_case("policy-2", policy=2)
    field_case("policy-255", roster=roster_pq, policy=255)
    field_case("policy-3-post-quantum-bit-and-another", roster=roster_pq, policy=3)
    field_case("roster-unsorted", roster=list(reversed(roster_1)))
    field_case("roster-duplicate", roster=by_key(roster_1 + [roster_1[0]]))
    field_case("roster-no-admin", roster=by_key([member(alice, sh.WRITE), account_entry]))
    field_case("roster-empty", roster=[])
    ok = _signed(_fields(**base), alice)
    t = 65 + len(VAULT_ID)
    field_case("roster-count-too-high", raw=patched(ok, t + 45, spec.u16(len(roster_1) + 1)))
    field_case("roster-count-0", raw=patched(ok, t + 45, spec.u16(0)))
    field_case("vault-id-length-0", raw=patched(ok, 64, b"\x00"))
    field_case("shorter-than-vault-id", raw=ok[:64])
    field_case("shorter-than-roster", raw=ok[:t + 46])
    field_case("truncated", raw=ok[:-1])
    field_case("trailing-byte", raw=ok + b"\x00")
    field_case("untouched", "ok", raw=ok)

    # A roster of 40 members: a head longer than any other object's signed content.
    big_roster = by_key([member(alice, sh.ADMIN)] + [member(_identity("member %d" % i), sh.WRITE)
                                                   for i in range(39)])
    big = create_case("roster-of-40", "ok", roster=big_roster)
    first_case("roster-of-40", big, "ok")
    first_case("roster-of-40-signature", flipped(big, len(big) - 1), "BAD_SIGNATURE")
    # A byte of entry 36's encryption key id: still a well-formed head, but not the one signed.
    first_case("roster-of-40-content", flipped(big, 65 + len(VAULT_ID) + 47 + 52 * 36 + 40), "BAD_SIGNATURE")

    # ---- verify next (10.6) -------------------------------------------------------------------------
    chains = {h1: [h1], h2: [h1, h2], h3: [h1, h2, h3]}

    def next_case(label: str, current: bytes, blob: bytes, want: str, current_blob: bytes = None,
                  section: str = "10.6") -> None:
        cb = current if current_blob is None else current_blob
        chain = chains[current]

        def run() -> Dict[str, Any]:
            sh.verify_first(chain[0], VAULT_ID, [alice["pk"]])
            for prev, nxt in zip(chain, chain[1:]):
                sh.verify_next(prev, nxt)
            return sh.verify_next(cb, blob)

        v.add("head-verify-next/" + label, "head_verify_next", section,
              {"chain": chain, "vault_id": VAULT_ID, "trusted": [alice["pk"]], "current_blob": cb, "blob": blob},
              run, want)

    def head(signer: Dict[str, bytes], prev: bytes, **kw: Any) -> bytes:
        p = sh.parse(prev)
        f = dict(vault_id=VAULT_ID, epoch=p["epoch"], key_id=p["key_id"], version=p["version"] + 1,
                 previous=sh.head_hash(prev), expiry=EXPIRY, root=p["root"], count=p["leaf_count"],
                 roster=p["roster"], policy=p["policy"])
        f.update(kw)
        return _signed(_fields(**f), signer)

    next_case("writer-adds-secrets", h1, h2, "ok")
    h3_carol = head(carol, h2, roster=roster_2, epoch=2, key_id=key_id_2)
    assert h3_carol == h3
    next_case("admin-removes-and-rotates", h2, h3, "ok")
    # What the server might serve instead.
    next_case("current-blob-not-verified", h2, h3, "MISMATCH", current_blob=h1)
    h2_fork = head(alice, h1, root=sh.merkle_root(_leaves(3, "fork")), count=3)
    next_case("fork", h2, head(alice, h2_fork), "MISMATCH")
    next_case("same-version", h2, h2_fork, "STALE")
    next_case("older", h2, h1, "STALE")
    next_case("gap", h1, h3, "MISMATCH")
    next_case("other-vault", h1, _signed(_fields(vault_id=b"other-vault", epoch=1, key_id=key_id_1, version=2,
                                                 previous=h1_hash, expiry=EXPIRY, root=root, count=13,
                                                 roster=roster_1), alice), "MISMATCH")
    next_case("epoch-jumps", h2, head(alice, h2, epoch=3, key_id=key_id_2), "MISMATCH")
    next_case("epoch-falls", h3, head(alice, h3, epoch=1, key_id=key_id_1), "MISMATCH")
    next_case("raised-epoch-same-key", h2, head(alice, h2, epoch=2), "MISMATCH")
    next_case("kept-epoch-other-key", h2, head(alice, h2, key_id=key_id_2), "MISMATCH")
    next_case("removed-member", h3, head(mallory, h3), "UNTRUSTED_SIGNER")
    next_case("member-before-removal", h2, head(mallory, h2), "ok")
    next_case("outsider", h2, head(outsider, h2), "UNTRUSTED_SIGNER")
    next_case("writer-changes-roster", h3, head(bob, h3, roster=by_key([member(alice, sh.ADMIN),
                                                                       member(bob, sh.ADMIN | sh.WRITE),
                                                                       member(carol, sh.ADMIN),
                                                                       account_entry])), "UNTRUSTED_SIGNER")
    next_case("writer-removes-account", h3, head(bob, h3, roster=[e for e in roster_2 if e[0] == sh.MEMBER]),
              "UNTRUSTED_SIGNER")
    next_case("writer-rotates", h3, head(bob, h3, epoch=3, key_id=key_id_1), "UNTRUSTED_SIGNER")
    next_case("admin-changes-roster", h3, head(alice, h3, roster=roster_1), "ok")
    next_case("signature", h2, flipped(h3, len(h3) - 1), "BAD_SIGNATURE")
    next_case("malformed-next", h2, h3[:-1], "MALFORMED")

    # Section 10.8's move to post-quantum only: X-Wing keys in the roster first, then a rotation that
    # sets the policy.
    key_id_3 = _seed("vault key 3")[:16]
    h4 = head(alice, h3, roster=roster_pq)
    h5 = head(alice, h4, policy=sh.POST_QUANTUM_ONLY, epoch=3, key_id=key_id_3)
    chains[h4] = [h1, h2, h3, h4]
    chains[h5] = [h1, h2, h3, h4, h5]
    next_case("admin-names-xwing-keys", h3, h4, "ok", section="10.6, 10.8")
    next_case("admin-sets-post-quantum-only-and-rotates", h4, h5, "ok", section="10.6, 10.8")
    next_case("post-quantum-only-without-rotation", h4, head(alice, h4, policy=sh.POST_QUANTUM_ONLY), "MISMATCH",
              section="10.6, 10.8")
    next_case("post-quantum-only-with-a-new-key-but-the-same-epoch", h4,
              head(alice, h4, policy=sh.POST_QUANTUM_ONLY, key_id=key_id_3), "MISMATCH", section="10.6, 10.8")
    next_case("post-quantum-only-over-x25519-keys", h3,
              head(alice, h3, policy=sh.POST_QUANTUM_ONLY, epoch=3, key_id=key_id_3), "MALFORMED",
              section="10.1, 10.8")
    next_case("writer-sets-post-quantum-only", h4,
              head(bob, h4, policy=sh.POST_QUANTUM_ONLY, epoch=3, key_id=key_id_3), "UNTRUSTED_SIGNER",
              section="10.6, 10.8")
    next_case("writer-adds-secrets-under-post-quantum-only", h5, head(bob, h5, root=sh.merkle_root(_leaves(3, "pq")),
                                                                     count=3), "ok", section="10.6, 10.8")
    next_case("admin-clears-post-quantum-only", h5, head(alice, h5, policy=0), "ok", section="10.6, 10.8")
    next_case("writer-clears-post-quantum-only", h5, head(bob, h5, policy=0), "UNTRUSTED_SIGNER",
              section="10.6, 10.8")
    next_case("writer-changes-a-suite", h4, head(bob, h4, roster=by_key(
        [e for e in roster_pq if e[4:36] != bob["pk"]] + [member(bob, sh.WRITE)])), "UNTRUSTED_SIGNER",
        section="10.6, 10.8")

    # ---- freshness ----------------------------------------------------------------------------------
    def check_case(label: str, min_epoch: int, min_version: int, now: int, want: str) -> None:
        v.add("head-check/" + label, "head_check", "10.6",
              {"blob": h3, "vault_id": VAULT_ID, "trusted": [carol["pk"]], "min_epoch": min_epoch,
               "min_version": min_version, "now": now},
              lambda: (sh.check(sh.verify_first(h3, VAULT_ID, [carol["pk"]]), min_epoch, min_version, now), {})[1],
              want)

    check_case("ok", 2, 3, EXPIRY, "ok")
    check_case("stale-epoch", 3, 1, 0, "STALE")
    check_case("stale-version", 1, 4, 0, "STALE")
    check_case("expired", 1, 1, EXPIRY + 1, "EXPIRED")
    check_case("stale-before-expired", 3, 1, EXPIRY + 1, "STALE")

    # ---- Merkle tree (10.4) -------------------------------------------------------------------------
    v.add("merkle-leaf/ok", "merkle_leaf", "10.4", {"blind_index": _seed("leaf"), "sealed": b"a sealed secret"},
          lambda: {"leaf": sh.merkle_leaf(_seed("leaf"), b"a sealed secret")})
    for n in (0, 1, 2, 3, 4, 5, 7, 8, 13):
        leaves = _leaves(n, "root")
        v.add("merkle-root/%d" % n, "merkle_root", "10.4", {"leaves": leaves},
              lambda: {"root": sh.merkle_root(leaves)})
    leaves = _leaves(5, "root")
    v.add("merkle-root/unsorted", "merkle_root", "10.4", {"leaves": leaves[1:2] + leaves[0:1] + leaves[2:]},
          lambda: {"root": sh.merkle_root(leaves[1:2] + leaves[0:1] + leaves[2:])}, "BAD_PARAMS")
    dup = leaves[:2] + [leaves[1][:32] + bytes(32)] + leaves[2:]
    v.add("merkle-root/duplicate-blind-index", "merkle_root", "10.4", {"leaves": dup},
          lambda: {"root": sh.merkle_root(dup)}, "BAD_PARAMS")

    for n, index in ((1, 0), (13, 0), (13, 5), (13, 12), (8, 7)):
        leaves = _leaves(n, "root")
        v.add("merkle-prove-inclusion/%d-of-%d" % (index, n), "merkle_prove_inclusion", "10.4",
              {"leaves": leaves, "index": index}, lambda: {"proof": sh.prove_inclusion(leaves, index)})
    v.add("merkle-prove-inclusion/index-past-count", "merkle_prove_inclusion", "10.4",
          {"leaves": tree, "index": 13}, lambda: {"proof": sh.prove_inclusion(tree, 13)}, "BAD_PARAMS")

    def incl_case(label: str, leaf: bytes, proof: bytes, want: str, blob: bytes) -> None:
        t = [sh.parse(blob)["signer"]]
        hd = blob

        def run() -> Dict[str, Any]:
            st = sh.verify_first(hd, VAULT_ID, t)
            sh.verify_inclusion(st["merkle_root"], st["leaf_count"], leaf, proof)
            return {}

        v.add("merkle-verify-inclusion/" + label, "merkle_verify_inclusion", "10.4",
              {"head": hd, "vault_id": VAULT_ID, "trusted": t, "leaf": leaf, "proof": proof}, run, want)

    # h2 is signed by a writer: the vectors verify it as a first head by re-signing it as alice.
    h2_admin = head(alice, h1, root=root, count=13)
    for index in (0, 6, 12):
        incl_case("ok-%d" % index, tree[index], sh.prove_inclusion(tree, index), "ok", blob=h2_admin)
    p6 = sh.prove_inclusion(tree, 6)
    incl_case("other-leaf", tree[7], p6, "MISMATCH", blob=h2_admin)
    incl_case("resurrected", tree[6][:32] + hashlib.sha256(b"an older sealed secret").digest(), p6, "MISMATCH",
              blob=h2_admin)
    incl_case("path-altered", tree[6], flipped(p6, len(p6) - 1), "MISMATCH", blob=h2_admin)
    incl_case("truncated", tree[6], p6[:-1], "MALFORMED", blob=h2_admin)
    incl_case("trailing-byte", tree[6], p6 + b"\x00", "MALFORMED", blob=h2_admin)
    incl_case("path-length", tree[6], patched(p6, 4, bytes([p6[4] - 1])), "MALFORMED", blob=h2_admin)
    incl_case("index-past-count", tree[6], patched(p6, 0, spec.u32(13)), "MALFORMED", blob=h2_admin)
    incl_case("shorter-than-5", tree[6], p6[:4], "MALFORMED", blob=h2_admin)
    incl_case("empty-tree", tree[6], spec.u32(0) + b"\x00", "MALFORMED", blob=h1)

    for label, leaves, bi in (("empty", [], _seed("absent")), ("above-all", tree, b"\xff" * 32),
                              ("below-all", tree, bytes(32)),
                              ("between", tree, tree[4][:31] + bytes([(tree[4][31] + 1) % 256]))):
        v.add("merkle-prove-absence/" + label, "merkle_prove_absence", "10.4", {"leaves": leaves, "blind_index": bi},
              lambda: {"proof": sh.prove_absence(leaves, bi)})
    v.add("merkle-prove-absence/present", "merkle_prove_absence", "10.4", {"leaves": tree, "blind_index": tree[3][:32]},
          lambda: {"proof": sh.prove_absence(tree, tree[3][:32])}, "MISMATCH")

    def abs_case(label: str, bi: bytes, proof: bytes, want: str, blob: bytes = h2_admin) -> None:
        t = [alice["pk"]]

        def run() -> Dict[str, Any]:
            st = sh.verify_first(blob, VAULT_ID, t)
            sh.verify_absence(st["merkle_root"], st["leaf_count"], bi, proof)
            return {}

        v.add("merkle-verify-absence/" + label, "merkle_verify_absence", "10.4",
              {"head": blob, "vault_id": VAULT_ID, "trusted": t, "blind_index": bi, "proof": proof}, run, want)

    between = tree[4][:31] + bytes([(tree[4][31] + 1) % 256])
    assert tree[4][:32] < between < tree[5][:32]
    abs_case("empty", _seed("absent"), b"\x00", "ok", blob=h1)
    abs_case("above-all", b"\xff" * 32, sh.prove_absence(tree, b"\xff" * 32), "ok")
    abs_case("below-all", bytes(32), sh.prove_absence(tree, bytes(32)), "ok")
    pb = sh.prove_absence(tree, between)
    abs_case("between", between, pb, "ok")
    abs_case("empty-shape-on-tree", between, b"\x00", "MISMATCH")
    abs_case("shape-4", between, b"\x04" + pb[1:], "MALFORMED")
    abs_case("truncated", between, pb[:-1], "MALFORMED")
    abs_case("trailing-byte", between, pb + b"\x00", "MALFORMED")
    abs_case("not-between", tree[6][:32] + b"", pb, "MISMATCH")
    # The omitted secret: the server drops leaf 5 and proves its absence from the tree without it.
    without = tree[:5] + tree[6:]
    omitted = tree[5][:32]
    abs_case("omitted-from-a-smaller-tree", omitted, sh.prove_absence(without, omitted), "MISMATCH")
    # ... or from the committed tree, with the true neighbours 4 and 6, which are not adjacent.
    forged = b"\x03" + tree[4] + sh.prove_inclusion(tree, 4) + tree[6] + sh.prove_inclusion(tree, 6)
    abs_case("omitted-non-adjacent", omitted, forged, "MISMATCH")
    abs_case("neighbour-altered", between, flipped(pb, 1 + 40), "MISMATCH")
    abs_case("right-only-not-first", between, b"\x02" + tree[5] + sh.prove_inclusion(tree, 5), "MISMATCH")
    abs_case("left-only-not-last", between, b"\x01" + tree[4] + sh.prove_inclusion(tree, 4), "MISMATCH")


def add_policy_cases(v: Any, env: Dict[str, Any], xwing: Dict[str, Any]) -> None:
    """Section 10.8's checks against a verified head (operations head_roster_find, head_check_recipient,
    head_check_share, head_check_batch: `head` verified first with vault_id and trusted). env holds the
    producer's suite 1 keys and blobs, xwing the X-Wing ones (xwing_vectors.add_xwing_cases)."""
    alice, bob = env["alice"], env["bob"]
    vault_id, vault_key = env["vault_id"], env["vault_key"]
    x1, x2 = spec.SUITE_X25519, spec.SUITE_XWING
    alice_xw, bob_xw, account_xw = xwing["alice"], xwing["bob"], xwing["account"]
    account_x25519 = spec.encryption_keypair_from_seed(_seed("policy account"))
    # A service account whose roster entry is of suite 2 although its key is an X25519 key: the entry's
    # field is that key's key hash, so its key id is the X25519 key's id (section 10.2's suite 2 rule).
    stray = spec.encryption_keypair_from_seed(_seed("policy stray account"))
    stray_hash = spec.key_hash(stray[0])
    trusted = [alice["identity_pk"]]

    def member(who: Dict[str, bytes], perms: int, suite: int, enc_pk: bytes) -> bytes:
        return sh.roster_entry(sh.MEMBER, perms, suite, who["identity_pk"], spec.key_id_public(enc_pk))

    def account(pk: bytes) -> bytes:
        suite = spec.suite_of_public_key(pk)
        return sh.roster_entry(sh.SERVICE_ACCOUNT, 0, suite, spec.binding(pk), spec.key_id_public(pk))

    # Head A, policy 0 at epoch 1: Alice's X25519 key, Bob's X-Wing key (his X25519 key is his older one).
    roster_a = by_key([member(alice, sh.ADMIN | sh.WRITE, x1, alice["encryption_pk"]),
                       member(bob, sh.WRITE, x2, bob_xw[0]), account(account_xw[0]), account(account_x25519[0]),
                       sh.roster_entry(sh.SERVICE_ACCOUNT, 0, x2, stray_hash, stray_hash[:16])])
    # Head B, post-quantum only at epoch 2: X-Wing keys only.
    roster_b = by_key([member(alice, sh.ADMIN | sh.WRITE, x2, alice_xw[0]), member(bob, sh.WRITE, x2, bob_xw[0]),
                       account(account_xw[0])])
    key_id = spec.key_id_symmetric(vault_key)
    head_a = sh.create(vault_id, 1, key_id, 1, bytes(32), EXPIRY, sh.EMPTY_ROOT, 0, 0, roster_a, alice["identity_sk"])
    head_b = sh.create(vault_id, 2, spec.key_id_symmetric(b"\x79" * 32), 1, bytes(32), EXPIRY, sh.EMPTY_ROOT, 0,
                       sh.POST_QUANTUM_ONLY, roster_b, alice["identity_sk"])
    heads = {"a": head_a, "b": head_b}

    def composite(label: str, operation: str, which: str, inputs: Dict[str, Any], check: Callable[[bytes], Any],
                  want: str, section: str = "10.8") -> None:
        blob = heads[which]

        def run() -> Dict[str, Any]:
            sh.verify_first(blob, vault_id, trusted)
            return check(blob) or {}

        v.add(label, operation, section, dict({"head": blob, "vault_id": vault_id, "trusted": trusted}, **inputs),
              run, want)

    # ---- roster look-up --------------------------------------------------------------------------------
    for label, which, kind, pk, want in (
            ("member-x25519", "a", sh.MEMBER, alice["identity_pk"], "ok"),
            ("member-xwing", "a", sh.MEMBER, bob["identity_pk"], "ok"),
            ("service-account-xwing", "a", sh.SERVICE_ACCOUNT, spec.key_hash(account_xw[0]), "ok"),
            ("service-account-x25519", "a", sh.SERVICE_ACCOUNT, account_x25519[0], "ok"),
            ("member-post-quantum-only", "b", sh.MEMBER, alice["identity_pk"], "ok"),
            ("not-a-member", "a", sh.MEMBER, env["mallory_pk"], "MISMATCH"),
            ("member-as-service-account", "a", sh.SERVICE_ACCOUNT, bob["identity_pk"], "MISMATCH"),
            ("service-account-by-its-key-not-its-hash", "a", sh.SERVICE_ACCOUNT, account_xw[0][:32], "MISMATCH")):
        composite("head-roster-find/" + label, "head_roster_find", which, {"kind": kind, "public_key": pk},
                  lambda blob: sh.roster_find(blob, kind, pk), want, "10.2")

    # ---- before sealing ----------------------------------------------------------------------------------
    def recipient(label: str, which: str, identity: Optional[bytes], enc_pk: bytes, want: str) -> None:
        inputs = {"encryption_public_key": enc_pk}
        if identity is not None:
            inputs = {"member_identity_public_key": identity, "encryption_public_key": enc_pk}
        composite("head-check-recipient/" + label, "head_check_recipient", which, inputs,
                  lambda blob: sh.check_recipient(blob, identity, enc_pk), want)

    recipient("member-xwing", "a", bob["identity_pk"], bob_xw[0], "ok")
    recipient("member-x25519", "a", alice["identity_pk"], alice["encryption_pk"], "ok")
    recipient("member-older-x25519-key", "a", bob["identity_pk"], bob["encryption_pk"], "MISMATCH")
    recipient("member-xwing-key-the-roster-does-not-name", "a", alice["identity_pk"], alice_xw[0], "MISMATCH")
    recipient("member-another-members-key", "a", bob["identity_pk"], alice["encryption_pk"], "MISMATCH")
    recipient("not-a-member", "a", env["mallory_pk"], bob_xw[0], "MISMATCH")
    recipient("service-account-xwing", "a", None, account_xw[0], "ok")
    recipient("service-account-x25519", "a", None, account_x25519[0], "ok")
    recipient("service-account-unknown", "a", None, bob_xw[0], "MISMATCH")
    recipient("service-account-a-members-key", "a", None, alice["encryption_pk"], "MISMATCH")
    recipient("post-quantum-only-member-xwing", "b", bob["identity_pk"], bob_xw[0], "ok")
    recipient("post-quantum-only-member-x25519", "b", bob["identity_pk"], bob["encryption_pk"], "POLICY")
    recipient("post-quantum-only-service-account-x25519", "b", None, account_x25519[0], "POLICY")
    recipient("post-quantum-only-before-roster", "b", env["mallory_pk"], bob["encryption_pk"], "POLICY")
    recipient("post-quantum-only-service-account-xwing", "b", None, account_xw[0], "ok")

    # ---- after receiving a share -------------------------------------------------------------------------
    def share_check(label: str, which: str, identity: bytes, share: bytes, want: str) -> None:
        composite("head-check-share/" + label, "head_check_share", which,
                  {"recipient_identity_public_key": identity, "share": share},
                  lambda blob: sh.check_share(blob, identity, share), want)

    to_alice = spec.share_seal(vault_key, 1, vault_id, alice["encryption_pk"], bob["identity_sk"], b"\x8a" * 32)
    to_alice_xw = spec.share_seal(vault_key, 1, vault_id, alice_xw[0], bob["identity_sk"], _seed("pq m e") * 2)
    bob_epoch_2 = spec.share_seal(b"\x79" * 32, 2, vault_id, bob_xw[0], alice["identity_sk"], _seed("pq m e 2") * 2)
    share_check("xwing", "a", bob["identity_pk"], xwing["share"], "ok")
    share_check("x25519", "a", alice["identity_pk"], to_alice, "ok")
    share_check("to-the-older-x25519-key", "a", bob["identity_pk"], env["share"], "MISMATCH")
    share_check("to-a-key-the-roster-does-not-name", "a", alice["identity_pk"], to_alice_xw, "MISMATCH")
    share_check("to-another-member", "a", alice["identity_pk"], xwing["share"], "MISMATCH")
    share_check("not-a-member", "a", env["mallory_pk"], xwing["share"], "MISMATCH")
    share_check("other-epoch", "a", bob["identity_pk"], xwing["share3"], "MISMATCH")
    share_check("post-quantum-only-xwing", "b", bob["identity_pk"], bob_epoch_2, "ok")
    share_check("post-quantum-only-x25519", "b", bob["identity_pk"], env["share"], "POLICY")
    share_check("post-quantum-only-x25519-before-roster", "b", env["mallory_pk"], to_alice, "POLICY")
    share_check("post-quantum-only-other-epoch", "b", bob["identity_pk"], xwing["share"], "MISMATCH")
    share_check("truncated", "a", bob["identity_pk"], xwing["share"][:-1], "MALFORMED")
    share_check("epoch-0", "a", bob["identity_pk"], env["patched"](xwing["share"], 52, b"\x00" * 4), "MALFORMED")
    share_check("x25519-length-with-suite-2", "a", bob["identity_pk"], env["patched"](env["share"], 2, spec.u16(x2)),
                "MALFORMED")
    share_check("suite-3", "a", bob["identity_pk"], env["patched"](xwing["share"], 2, b"\x00\x03"),
                "UNSUPPORTED_SUITE")
    share_check("not-a-share", "a", bob["identity_pk"], env["bundle"], "WRONG_TYPE")
    share_check("malformed-before-policy", "b", bob["identity_pk"], env["share"][:-1], "MALFORMED")

    # ---- after receiving a batch -------------------------------------------------------------------------
    def batch_check(label: str, which: str, batch: bytes, want: str) -> None:
        composite("head-check-batch/" + label, "head_check_batch", which, {"batch": batch},
                  lambda blob: sh.check_batch(blob, batch), want)

    def batch_to(pk: bytes, epoch: int, label: str) -> bytes:
        h = spec.BatchHead(pk, alice["identity_pk"], vault_id, epoch, 1, bytes(32), EXPIRY)
        randomness = _seed(label + " m e") * (2 if len(pk) > 32 else 1)
        return spec.batch_make(h, [(b"K", b"v")], alice["identity_sk"], _seed(label)[:16], randomness)[0]

    batch_check("xwing", "a", batch_to(account_xw[0], 1, "policy batch xwing"), "ok")
    batch_check("x25519", "a", batch_to(account_x25519[0], 1, "policy batch x25519"), "ok")
    batch_check("other-epoch", "a", xwing["batch_blob"], "MISMATCH")
    batch_check("to-a-member-key", "a", batch_to(bob["encryption_pk"], 1, "policy batch bob"), "MISMATCH")
    batch_check("entry-of-another-suite", "a", batch_to(stray[0], 1, "policy batch stray"), "MISMATCH")
    batch_check("post-quantum-only-xwing", "b", xwing["batch_blob"], "ok")
    batch_check("post-quantum-only-x25519", "b", env["batch_blob"], "POLICY")
    batch_check("post-quantum-only-x25519-before-roster", "b", batch_to(stray[0], 2, "policy batch stray 2"), "POLICY")
    batch_check("truncated", "a", xwing["batch_blob"][:-1], "MALFORMED")
    batch_check("count-beyond-length", "a", env["patched"](
        xwing["batch_blob"], spec.batch_vault_id_offset(x2) + 53 + len(vault_id), spec.u32(3)), "MALFORMED")
    batch_check("suite-3", "a", env["patched"](xwing["batch_blob"], 2, b"\x00\x03"), "UNSUPPORTED_SUITE")
    batch_check("not-a-batch", "a", xwing["share"], "WRONG_TYPE")
    batch_check("malformed-before-policy", "b", env["batch_blob"][:-1], "MALFORMED")

"""Vault heads, the Merkle tree and the suite and policy checks against a head (docs/protocol.md
section 10, 10.8 included), written from the document alone, on the primitives of spec_impl.py (its
section 1 and 2 helpers). Every check is made in the order the document gives and raises SpecError
with the error it names."""

from __future__ import annotations

import hashlib
import struct
from typing import Dict, List, Optional, Tuple

import spec_impl as spec
from spec_impl import SpecError, lp8, u16, u32, u64

HEAD_TYPE = 0x0D
HEAD_LABEL = b"libcloak v2 head"
HEAD_HASH_LABEL = b"libcloak v2 head hash"
MEMBER, SERVICE_ACCOUNT = 1, 2
WRITE, ADMIN = 1, 2
POST_QUANTUM_ONLY = 1   # the vault policy of section 10.8
ENTRY_LEN = 52
ROSTER_MAX = 10000
LEAVES_MAX = 2 ** 24
EMPTY_ROOT = hashlib.sha256(b"").digest()


def head_len(vault_id_len: int, roster_count: int) -> int:
    if not 1 <= vault_id_len <= 255 or not 1 <= roster_count <= ROSTER_MAX:
        return 0
    return 208 + vault_id_len + ENTRY_LEN * roster_count


# ---- 10.2 roster entries ----------------------------------------------------------------------------

def entry_fields(e: bytes) -> Tuple[int, int, int, bytes, bytes]:
    """kind, permissions, suite, public key (a member's identity key, a service account's binding) and
    encryption key id."""
    return e[0], e[1], struct.unpack(">H", e[2:4])[0], e[4:36], e[36:52]


def service_account_key_id(suite: int, public_key: bytes) -> bytes:
    """The key id a service account's entry must carry: its X25519 key's id (suite 1), or the first 16
    bytes of its X-Wing key's key hash, which is the entry's public key field (suite 2)."""
    return spec.key_id_public(public_key) if suite == spec.SUITE_X25519 else public_key[:16]


def entry_problem(e: bytes) -> Optional[str]:
    """Section 10.2's rules on one entry: None, or what is wrong."""
    kind, perms, suite, pk, key_id = entry_fields(e)
    if kind not in (MEMBER, SERVICE_ACCOUNT):
        return "unknown kind"
    if suite not in (spec.SUITE_X25519, spec.SUITE_XWING):
        return "unknown suite"
    if kind == MEMBER:
        if perms & ~(WRITE | ADMIN):
            return "unknown permission"
        return spec.ed25519_key_problem(pk)
    if perms != 0:
        return "service account with permissions"
    if suite == spec.SUITE_X25519:
        try:
            spec.check_x25519_public_key(pk)
        except SpecError as err:
            return str(err)
    if service_account_key_id(suite, pk) != key_id:
        return "service account key id"
    return None


def roster_entry(kind: int, permissions: int, suite: int, public_key: bytes, encryption_key_id: bytes) -> bytes:
    """The writer's side of one entry: a wrong kind, suite, permission or key id is a parameter; a
    refused key keeps the error of its rule."""
    if kind not in (MEMBER, SERVICE_ACCOUNT):
        raise SpecError("bad params", "kind")
    if suite not in (spec.SUITE_X25519, spec.SUITE_XWING):
        raise SpecError("bad params", "suite")
    if kind == MEMBER:
        if permissions & ~(WRITE | ADMIN):
            raise SpecError("bad params", "permissions")
        if spec.ed25519_key_problem(public_key) is not None:
            raise SpecError("invalid key", "member key")
    else:
        if permissions != 0:
            raise SpecError("bad params", "permissions")
        if suite == spec.SUITE_X25519:
            spec.check_x25519_public_key(public_key)
        if service_account_key_id(suite, public_key) != encryption_key_id:
            raise SpecError("bad params", "key id")
    return bytes([kind, permissions]) + u16(suite) + public_key + encryption_key_id


# ---- 10.1 layout and checks ---------------------------------------------------------------------------

def parse(blob: bytes) -> Dict[str, object]:
    """Steps 1 to 3 of section 10.1."""
    spec.check_envelope(blob, HEAD_TYPE)
    if len(blob) < 65:
        raise SpecError("malformed", "shorter than the vault id")
    vid_len = blob[64]
    if vid_len == 0 or len(blob) < 112 + vid_len:
        raise SpecError("malformed", "vault id")
    t = 65 + vid_len
    r = struct.unpack(">H", blob[t + 45:t + 47])[0]
    if not 1 <= r <= ROSTER_MAX or len(blob) != head_len(vid_len, r):
        raise SpecError("malformed", "length")
    roster_end = t + 47 + ENTRY_LEN * r
    h = {
        "key_id": blob[4:20],
        "version": struct.unpack(">Q", blob[20:28])[0],
        "previous": blob[28:60],
        "epoch": struct.unpack(">I", blob[60:64])[0],
        "vault_id": blob[65:65 + vid_len],
        "expiry": struct.unpack(">Q", blob[t:t + 8])[0],
        "root": blob[t + 8:t + 40],
        "leaf_count": struct.unpack(">I", blob[t + 40:t + 44])[0],
        "policy": blob[t + 44],
        "roster": [blob[t + 47 + ENTRY_LEN * i:t + 47 + ENTRY_LEN * (i + 1)] for i in range(r)],
        "signer": blob[roster_end:roster_end + 32],
        "signature": blob[-64:],
        "content": blob[:-64],
    }
    if h["version"] == 0 or (h["version"] == 1) != (h["previous"] == bytes(32)) or h["epoch"] == 0:
        raise SpecError("malformed", "version, previous hash or epoch")
    if h["leaf_count"] > LEAVES_MAX or (h["leaf_count"] == 0 and h["root"] != EMPTY_ROOT):
        raise SpecError("malformed", "leaf count or root")
    if h["policy"] not in (0, POST_QUANTUM_ONLY):
        raise SpecError("malformed", "policy")
    roster = h["roster"]
    for i, e in enumerate(roster):
        if entry_problem(e) is not None:
            raise SpecError("malformed", "roster entry: %s" % entry_problem(e))
        if i > 0 and roster_order(roster[i - 1]) >= roster_order(e):
            raise SpecError("malformed", "roster order")
    if not any(e[0] == MEMBER and e[1] & ADMIN for e in roster):
        raise SpecError("malformed", "no admin")
    if h["policy"] == POST_QUANTUM_ONLY and any(entry_fields(e)[2] != spec.SUITE_XWING for e in roster):
        raise SpecError("malformed", "an X25519 key in a post-quantum-only vault")
    return h


def roster_order(e: bytes) -> Tuple[int, bytes]:
    """Section 10.2: by kind, then public key (permissions and suite do not count)."""
    return e[0], e[4:36]


def roster_entry_of(roster: List[bytes], kind: int, public_key: bytes) -> Optional[bytes]:
    for e in roster:
        if e[0] == kind and e[4:36] == public_key:
            return e
    return None


def member_permissions(roster: List[bytes], identity: bytes) -> Optional[int]:
    e = roster_entry_of(roster, MEMBER, identity)
    return None if e is None else e[1]


def head_hash(blob: bytes) -> bytes:
    return hashlib.sha256(lp8(HEAD_HASH_LABEL) + blob).digest()


def create(vault_id: bytes, epoch: int, vault_key_id: bytes, version: int, previous_hash: bytes, expiry: int,
           merkle_root: bytes, leaf_count: int, policy: int, roster: List[bytes], signer_secret_key: bytes) -> bytes:
    if head_len(len(vault_id), len(roster)) == 0 or not 0 <= policy <= 255:
        raise SpecError("bad params", "lengths or policy")
    body = (spec.header(HEAD_TYPE, vault_key_id) + u64(version) + previous_hash + u32(epoch) + lp8(vault_id)
            + u64(expiry) + merkle_root + u32(leaf_count) + bytes([policy]) + u16(len(roster)) + b"".join(roster)
            + signer_secret_key[32:])
    try:
        parse(body + bytes(64))
    except SpecError as err:
        raise SpecError("bad params", str(err))
    return body + spec.labelled_sign(signer_secret_key, HEAD_LABEL, body)


def state_of(blob: bytes, h: Dict[str, object]) -> Dict[str, object]:
    """What a reader keeps of a verified head (the outputs the vectors list)."""
    return {"version": h["version"], "epoch": h["epoch"], "expiry": h["expiry"], "leaf_count": h["leaf_count"],
            "policy": h["policy"], "hash": head_hash(blob), "merkle_root": h["root"], "vault_key_id": h["key_id"],
            "signer": h["signer"]}


def verify_first(blob: bytes, vault_id: bytes, trusted: List[bytes]) -> Dict[str, object]:
    """Section 10.5."""
    h = parse(blob)
    if h["vault_id"] != vault_id:
        raise SpecError("mismatch", "vault id")
    if h["signer"] not in trusted:
        raise SpecError("untrusted signer", "not trusted")
    perms = member_permissions(h["roster"], h["signer"])
    if perms is None or not perms & ADMIN:
        raise SpecError("untrusted signer", "not an admin of its own head")
    spec.labelled_verify(h["signer"], h["signature"], HEAD_LABEL, h["content"])
    return state_of(blob, h)


def verify_next(current_blob: bytes, blob: bytes) -> Dict[str, object]:
    """Section 10.6; current_blob is a head the reader verified."""
    cur = parse(current_blob)
    h = parse(blob)
    if h["vault_id"] != cur["vault_id"]:
        raise SpecError("mismatch", "vault id")
    if h["version"] <= cur["version"]:
        raise SpecError("stale", "version")
    if h["version"] != cur["version"] + 1:
        raise SpecError("mismatch", "gap")
    if h["previous"] != head_hash(current_blob):
        raise SpecError("mismatch", "fork")
    if h["epoch"] == cur["epoch"]:
        if h["key_id"] != cur["key_id"]:
            raise SpecError("mismatch", "kept epoch, other key")
    elif h["epoch"] == cur["epoch"] + 1:
        if h["key_id"] == cur["key_id"]:
            raise SpecError("mismatch", "raised epoch, same key")
    else:
        raise SpecError("mismatch", "epoch step")
    if h["policy"] == POST_QUANTUM_ONLY and cur["policy"] != POST_QUANTUM_ONLY and h["epoch"] == cur["epoch"]:
        raise SpecError("mismatch", "post-quantum only set without a rotation (section 10.8)")
    changes = h["epoch"] != cur["epoch"] or h["roster"] != cur["roster"] or h["policy"] != cur["policy"]
    needs = ADMIN if changes else (WRITE | ADMIN)
    perms = member_permissions(cur["roster"], h["signer"])
    if perms is None or not perms & needs:
        raise SpecError("untrusted signer", "rights in the current roster")
    spec.labelled_verify(h["signer"], h["signature"], HEAD_LABEL, h["content"])
    return state_of(blob, h)


def check(state: Dict[str, object], min_epoch: int, min_version: int, now: int) -> None:
    if state["epoch"] < min_epoch or state["version"] < min_version:
        raise SpecError("stale", "below the minimum")
    if now > state["expiry"]:
        raise SpecError("expired", "past the expiry")


# ---- 10.8 suites, downgrades and the post-quantum-only policy -------------------------------------------
# Each takes a head the reader verified (its bytes) and refuses what its roster and policy do not allow.

def roster_find(blob: bytes, kind: int, public_key: bytes) -> Dict[str, object]:
    """The entry of a member's identity key or a service account's binding: permissions, suite and
    encryption key id; a key the roster lacks is a mismatch."""
    e = roster_entry_of(parse(blob)["roster"], kind, public_key)
    if e is None:
        raise SpecError("mismatch", "not in the roster")
    _, perms, suite, _, key_id = entry_fields(e)
    return {"permissions": perms, "suite": suite, "encryption_key_id": key_id}


def check_recipient(blob: bytes, member_identity: Optional[bytes], encryption_pk: bytes) -> None:
    """Before sealing a share to a member (its identity key and an encryption key from its bundle) or
    a batch to a service account (member_identity None), in section 10.8's order."""
    h = parse(blob)
    suite = spec.suite_of_public_key(encryption_pk)
    if h["policy"] == POST_QUANTUM_ONLY and suite != spec.SUITE_XWING:
        raise SpecError("policy", "an X25519 key in a post-quantum-only vault")
    if member_identity is not None:
        e = roster_entry_of(h["roster"], MEMBER, member_identity)
    else:
        e = roster_entry_of(h["roster"], SERVICE_ACCOUNT, spec.binding(encryption_pk))
    if e is None:
        raise SpecError("mismatch", "not in the roster")
    _, _, entry_suite, _, key_id = entry_fields(e)
    if entry_suite != suite or key_id != spec.key_id_public(encryption_pk):
        raise SpecError("mismatch", "not the key the roster names (an older key?)")


def check_share(blob: bytes, member_identity: bytes, share: bytes) -> None:
    """After receiving a share, before opening it (section 10.8): the share passes section 2's steps 1
    to 6 for its suite and a non-zero epoch, then the policy, the member's entry, its suite and key id, and the epoch."""
    h = parse(blob)
    spec.check_header(share, 0x09)
    suite = spec.header_suite(share)
    spec.check_suite(share, suite)
    if len(share) != spec.share_len(suite):
        raise SpecError("malformed", "length")
    if struct.unpack(">I", share[52:56])[0] == 0:
        raise SpecError("malformed", "epoch 0")
    if h["policy"] == POST_QUANTUM_ONLY and suite != spec.SUITE_XWING:
        raise SpecError("policy", "an X25519 share in a post-quantum-only vault")
    e = roster_entry_of(h["roster"], MEMBER, member_identity)
    if e is None:
        raise SpecError("mismatch", "not a member")
    _, _, entry_suite, _, key_id = entry_fields(e)
    if entry_suite != suite or key_id != share[4:20]:
        raise SpecError("mismatch", "a share to another key than the roster's")
    if struct.unpack(">I", share[52:56])[0] != h["epoch"]:
        raise SpecError("mismatch", "another epoch than the head's")


def check_batch(blob: bytes, batch: bytes) -> None:
    """After receiving a batch, before verifying it (section 10.8): section 2's steps 1 to 5 and section
    9.1's length rules for its suite, then the policy, the account's entry and its suite, and the epoch."""
    h = parse(blob)
    spec.check_header(batch, 0x0A)
    suite = spec.header_suite(batch)
    b = spec.batch_parse(batch, suite)
    if h["policy"] == POST_QUANTUM_ONLY and suite != spec.SUITE_XWING:
        raise SpecError("policy", "an X25519 batch in a post-quantum-only vault")
    entries = [e for e in h["roster"] if e[0] == SERVICE_ACCOUNT and entry_fields(e)[4] == b["key_id"]]
    if not entries:
        raise SpecError("mismatch", "no service account of this key id")
    if entry_fields(entries[0])[2] != suite:
        raise SpecError("mismatch", "the entry's suite is not the batch's")
    if b["epoch"] != h["epoch"]:
        raise SpecError("mismatch", "another epoch than the head's")


# ---- 10.4 Merkle tree ------------------------------------------------------------------------------------

def merkle_leaf(blind_index: bytes, sealed: bytes) -> bytes:
    return blind_index + hashlib.sha256(sealed).digest()


def _leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(leaves: List[bytes]) -> bytes:
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return _leaf_hash(leaves[0])
    k = _split(len(leaves))
    return _node(_mth(leaves[:k]), _mth(leaves[k:]))


def _check_leaves(leaves: List[bytes]) -> None:
    if len(leaves) > LEAVES_MAX:
        raise SpecError("bad params", "too many leaves")
    for a, b in zip(leaves, leaves[1:]):
        if a[:32] >= b[:32]:
            raise SpecError("bad params", "leaves not strictly increasing")


def merkle_root(leaves: List[bytes]) -> bytes:
    _check_leaves(leaves)
    return _mth(leaves)


def _path(m: int, leaves: List[bytes]) -> List[bytes]:
    """RFC 9162 2.1.3.1, leaf to root."""
    if len(leaves) <= 1:
        return []
    k = _split(len(leaves))
    if m < k:
        return _path(m, leaves[:k]) + [_mth(leaves[k:])]
    return _path(m - k, leaves[k:]) + [_mth(leaves[:k])]


def path_length(m: int, n: int) -> int:
    length = 0
    while n > 1:
        k = _split(n)
        if m < k:
            n = k
        else:
            m, n = m - k, n - k
        length += 1
    return length


def _inclusion(leaves: List[bytes], index: int) -> bytes:
    path = _path(index, leaves)
    return u32(index) + bytes([len(path)]) + b"".join(path)


def prove_inclusion(leaves: List[bytes], index: int) -> bytes:
    if index >= len(leaves):
        raise SpecError("bad params", "index")
    _check_leaves(leaves)
    return _inclusion(leaves, index)


def prove_absence(leaves: List[bytes], blind_index: bytes) -> bytes:
    _check_leaves(leaves)
    if any(leaf[:32] == blind_index for leaf in leaves):
        raise SpecError("mismatch", "the blind index is present")
    pos = sum(1 for leaf in leaves if leaf[:32] < blind_index)
    if not leaves:
        return b"\x00"
    out = bytes([1 if pos == len(leaves) else 2 if pos == 0 else 3])
    if pos > 0:
        out += leaves[pos - 1] + _inclusion(leaves, pos - 1)
    if pos < len(leaves):
        out += leaves[pos] + _inclusion(leaves, pos)
    return out


def _parse_inclusion(proof: bytes, off: int, count: int) -> Tuple[int, List[bytes], int]:
    if len(proof) - off < 5:
        raise SpecError("malformed", "inclusion proof too short")
    index = struct.unpack(">I", proof[off:off + 4])[0]
    k = proof[off + 4]
    if index >= count or k != path_length(index, count) or len(proof) - off - 5 < 32 * k:
        raise SpecError("malformed", "inclusion proof")
    path = [proof[off + 5 + 32 * i:off + 37 + 32 * i] for i in range(k)]
    return index, path, off + 5 + 32 * k


def _root_from_path(leaf: bytes, index: int, count: int, path: List[bytes]) -> Optional[bytes]:
    """RFC 9162 2.1.3.2."""
    fn, sn, r = index, count - 1, _leaf_hash(leaf)
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = _node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(root: bytes, count: int, leaf: bytes, proof: bytes) -> None:
    index, path, end = _parse_inclusion(proof, 0, count)
    if end != len(proof):
        raise SpecError("malformed", "trailing bytes")
    if _root_from_path(leaf, index, count, path) != root:
        raise SpecError("mismatch", "not in the tree")


def verify_absence(root: bytes, count: int, blind_index: bytes, proof: bytes) -> None:
    if len(proof) < 1 or proof[0] > 3:
        raise SpecError("malformed", "shape")
    shape, off = proof[0], 1
    neighbours = []
    for present in (shape in (1, 3), shape in (2, 3)):
        if not present:
            neighbours.append(None)
            continue
        if len(proof) - off < 64:
            raise SpecError("malformed", "neighbour leaf")
        leaf = proof[off:off + 64]
        index, path, off = _parse_inclusion(proof, off + 64, count)
        neighbours.append((leaf, index, path))
    if off != len(proof):
        raise SpecError("malformed", "trailing bytes")
    left, right = neighbours
    if shape == 0:
        if count != 0:
            raise SpecError("mismatch", "not empty")
        return
    for n, side in ((left, "left"), (right, "right")):
        if n is not None and _root_from_path(n[0], n[1], count, n[2]) != root:
            raise SpecError("mismatch", side + " neighbour not in the tree")
    if left is not None and not left[0][:32] < blind_index:
        raise SpecError("mismatch", "left neighbour not below")
    if right is not None and not blind_index < right[0][:32]:
        raise SpecError("mismatch", "right neighbour not above")
    if shape == 1 and left[1] != count - 1:
        raise SpecError("mismatch", "not the last leaf")
    if shape == 2 and right[1] != 0:
        raise SpecError("mismatch", "not the first leaf")
    if shape == 3 and right[1] != left[1] + 1:
        raise SpecError("mismatch", "not adjacent")

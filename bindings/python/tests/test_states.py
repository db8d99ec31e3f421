"""Caller-owned states stay at one address: the library refuses a state whose bytes were copied
elsewhere (BAD_STATE), and the binding never copies one. Each test copies a live state's bytes into
fresh aligned memory, as a memcpy would, and calls the generated layer on the copy."""

from __future__ import annotations

import ctypes
import time
from typing import Any

import pytest

import cloak
from cloak import _low
from cloak._buf import aligned_state


def copied(state: Any) -> Any:
    twin = aligned_state(ctypes.sizeof(state))
    ctypes.memmove(twin, state, ctypes.sizeof(state))
    return twin


def test_state_memory_is_aligned_and_fixed(vault: cloak.Vault) -> None:
    address = ctypes.addressof(vault._state)
    assert address % 8 == 0
    for _ in range(100):
        vault.seal("n", b"v")
    assert ctypes.addressof(vault._state) == address


def test_copied_vault_is_refused(vault: cloak.Vault) -> None:
    twin = copied(vault._state)
    with pytest.raises(cloak.BadStateError):
        _low.secret_seal(twin, b"n", b"", b"v")
    assert _low.vault_epoch(twin) == 0  # an accessor gives zero for a bad state
    assert vault.open("n", vault.seal("n", b"v")) == b"v"  # the original still works


def test_copied_hpke_sender_is_refused(bob_enc: cloak.EncryptionKeyPair) -> None:
    sender, enc = cloak.HpkeContext.sender(bob_enc.public_key, b"info")
    twin = copied(sender._state)
    with pytest.raises(cloak.BadStateError):
        _low.hpke_seal(twin, b"", b"the copy would reuse nonce 0")
    recipient = cloak.HpkeContext.recipient(enc, bob_enc, b"info")
    assert recipient.open(sender.seal(b"m")) == b"m"


def test_copied_batch_writer_is_refused(bob_enc: cloak.EncryptionKeyPair, alice: cloak.IdentityKeyPair) -> None:
    w = cloak.BatchWriter(bob_enc.public_key, alice, "vault-1", 1, 1, bytes(32), int(time.time()) + 3600)
    twin = copied(w._state)
    with pytest.raises(cloak.BadStateError):
        _low.batch_seal_item(twin, b"n", b"v")
    first = w.seal_item("n", b"v")
    assert first.index == 0  # the refused copy reserved nothing
    w.finish([first.digest], alice)


def test_wiped_states_are_refused_by_the_library(vault_key: cloak.VaultKey) -> None:
    v = cloak.Vault(vault_key, 1, "v")
    state = v._state
    v.wipe()
    with pytest.raises(cloak.BadStateError):
        _low.secret_seal(state, b"n", b"", b"v")
    with pytest.raises(cloak.BadStateError):  # and the binding's own check says the same
        v.seal("n", b"v")
    never = aligned_state(cloak.BATCH_STATEBYTES)
    with pytest.raises(cloak.BadStateError):
        _low.batch_check(never, 1, 1, 0)

"""Status codes map to one exception class each."""

from __future__ import annotations

import pytest

import cloak
from cloak.errors import ERRORS, check, error_for

CLASSES = {
    -1: cloak.MalformedError, -2: cloak.UnsupportedVersionError, -3: cloak.UnsupportedSuiteError,
    -4: cloak.WrongTypeError, -5: cloak.WrongKeyError, -6: cloak.AuthenticationError,
    -7: cloak.BadSignatureError, -8: cloak.UntrustedSignerError, -9: cloak.BufferTooSmallError,
    -10: cloak.BadParamsError, -11: cloak.InvalidKeyError, -12: cloak.ChecksumError, -13: cloak.MismatchError,
    -14: cloak.NoMemoryError, -15: cloak.InternalError, -16: cloak.StaleError, -17: cloak.ExpiredError,
    -18: cloak.BadStateError, -19: cloak.WeakParamsError, -20: cloak.PolicyError,
}


@pytest.mark.parametrize("code", sorted(CLASSES))
def test_one_class_per_code(code: int) -> None:
    cls = CLASSES[code]
    assert ERRORS[code] is cls
    assert issubclass(cls, cloak.CloakError)
    e = error_for(code)
    assert type(e) is cls and e.code == code and e.status == cloak.Status(code)
    assert str(e) == cloak.status_string(code)
    with pytest.raises(cls) as info:
        check(code)
    assert info.value.code == code


def test_classes_are_distinct() -> None:
    assert len(set(CLASSES.values())) == len(CLASSES) == len(cloak.Status) - 1


def test_ok_and_unknown_codes() -> None:
    check(0)
    assert cloak.status_string(0) == "Success."
    e = error_for(-99)
    assert type(e) is cloak.CloakError and e.code == -99 and e.status is None
    assert cloak.status_string(-99) == "Unknown status code."


def test_bad_params_is_a_value_error() -> None:
    assert issubclass(cloak.BadParamsError, ValueError)
    with pytest.raises(ValueError):
        check(cloak.Status.BAD_PARAMS)


def test_bad_state_is_a_value_error() -> None:
    """Using a wiped state raised ValueError before the library had a code for it; it still does."""
    assert issubclass(cloak.BadStateError, ValueError)
    assert not issubclass(cloak.StaleError, ValueError) and not issubclass(cloak.ExpiredError, ValueError)


def test_weak_params_is_not_a_value_error() -> None:
    """A record outside the policy is the server's doing, not a bad argument of the caller's."""
    assert issubclass(cloak.WeakParamsError, cloak.CloakError)
    assert not issubclass(cloak.WeakParamsError, ValueError)


def test_policy_is_not_a_value_error() -> None:
    """A refusal by the vault's policy is the point of the policy, not a bad argument."""
    assert not issubclass(cloak.PolicyError, ValueError)
    assert cloak.PolicyError.code == cloak.Status.POLICY == -20


def test_status_strings_never_empty() -> None:
    for s in cloak.Status:
        assert cloak.status_string(s)

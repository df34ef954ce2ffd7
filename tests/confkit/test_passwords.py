"""Password hashes: scrypt with its parameters kept in the hash, and the length rules."""

from __future__ import annotations

import pytest

from confkit.errors import ValidationError
from confkit.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    Cost,
    hash_password,
    needs_rehash,
    verify_password,
)

PASSWORD = "şəhər-küləyi-2024"


def test_a_hash_verifies_its_password_and_no_other() -> None:
    encoded = hash_password(PASSWORD)

    assert encoded.startswith("scrypt$n=16384,r=8,p=1$")
    assert PASSWORD not in encoded
    assert verify_password(PASSWORD, encoded)
    assert not verify_password(PASSWORD.upper(), encoded)
    assert not verify_password(PASSWORD + " ", encoded)


def test_the_same_password_gets_a_new_salt_every_time() -> None:
    assert hash_password(PASSWORD) != hash_password(PASSWORD)


def test_an_unknown_account_or_a_damaged_hash_never_verifies() -> None:
    assert not verify_password(PASSWORD, None)
    assert not verify_password(PASSWORD, "")
    assert not verify_password(PASSWORD, "md5$abc")
    assert not verify_password(PASSWORD, "scrypt$n=x,r=8,p=1$AA$AA")


def test_a_hash_made_with_another_cost_still_verifies_and_asks_for_a_rehash() -> None:
    cheaper = hash_password(PASSWORD, cost=Cost(n=2**12))

    assert cheaper.startswith("scrypt$n=4096,r=8,p=1$")
    assert verify_password(PASSWORD, cheaper)
    assert needs_rehash(cheaper)
    assert not needs_rehash(hash_password(PASSWORD))


@pytest.mark.parametrize("password", ["x" * (MIN_LENGTH - 1), "x" * (MAX_LENGTH + 1), ""])
def test_too_short_or_too_long_a_password_is_refused(password: str) -> None:
    with pytest.raises(ValidationError) as raised:
        hash_password(password)

    assert raised.value.fields == {"password"}


def test_the_length_limits_themselves_are_allowed() -> None:
    for password in ("x" * MIN_LENGTH, "x" * MAX_LENGTH):
        assert verify_password(password, hash_password(password))

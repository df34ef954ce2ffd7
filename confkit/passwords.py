"""Password hashing with scrypt (memory-hard, in the standard library).

A hash is stored as ``scrypt$n=16384,r=8,p=1$<salt>$<key>`` (salt and key in unpadded base64),
so the cost can be raised later and hashes made with the old cost still verify.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Final

from confkit.errors import ValidationError
from confkit.i18n import N_

MIN_LENGTH: Final = 12
# Long enough for any passphrase or manager-generated password, short enough that nobody can
# make the server hash megabytes.
MAX_LENGTH: Final = 1024

SCHEME: Final = "scrypt"
SALT_BYTES: Final = 16
KEY_BYTES: Final = 32


@dataclass(frozen=True)
class Cost:
    """scrypt's parameters: CPU/memory cost ``n``, block size ``r``, parallelism ``p``."""

    n: int = 2**14
    r: int = 8
    p: int = 1

    def encoded(self) -> str:
        return f"n={self.n},r={self.r},p={self.p}"

    @property
    def memory(self) -> int:
        # scrypt needs 128 * r * n bytes; leave room so OpenSSL's default limit never refuses.
        return 2 * 128 * self.r * self.n


DEFAULT_COST: Final = Cost()
# Hashed against when the account does not exist, so an unknown address takes as long as a
# wrong password.
_DUMMY_HASH: Final = (
    "scrypt$n=16384,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
)


def check_password_policy(password: str) -> None:
    """Refuse a password that is too short or too long. Raises ValidationError."""
    if len(password) < MIN_LENGTH:
        raise ValidationError.single(
            "password", N_("the password must have at least %(limit)s characters"), limit=MIN_LENGTH
        )
    if len(password) > MAX_LENGTH:
        raise ValidationError.single(
            "password", N_("the password must have at most %(limit)s characters"), limit=MAX_LENGTH
        )


def hash_password(password: str, *, cost: Cost = DEFAULT_COST) -> str:
    """A new salted hash of ``password``, with its parameters. Raises ValidationError."""
    check_password_policy(password)
    salt = secrets.token_bytes(SALT_BYTES)
    return _encode(cost, salt, _derive(password, salt, cost))


def verify_password(password: str, encoded: str | None) -> bool:
    """Whether ``password`` matches ``encoded``; None (no such account) costs a hash too."""
    if encoded is None:
        _verify(password, _DUMMY_HASH)
        return False
    return _verify(password, encoded)


def needs_rehash(encoded: str, *, cost: Cost = DEFAULT_COST) -> bool:
    """Whether the hash was made with other parameters than ``cost`` and should be replaced."""
    parsed = _decode(encoded)
    return parsed is None or parsed[0] != cost


def _verify(password: str, encoded: str) -> bool:
    parsed = _decode(encoded)
    if parsed is None or len(password) > MAX_LENGTH:
        return False
    cost, salt, key = parsed
    return hmac.compare_digest(_derive(password, salt, cost), key)


def _derive(password: str, salt: bytes, cost: Cost) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=cost.n,
        r=cost.r,
        p=cost.p,
        maxmem=cost.memory,
        dklen=KEY_BYTES,
    )


def _encode(cost: Cost, salt: bytes, key: bytes) -> str:
    return f"{SCHEME}${cost.encoded()}${_b64(salt)}${_b64(key)}"


def _decode(encoded: str) -> tuple[Cost, bytes, bytes] | None:
    try:
        scheme, parameters, salt, key = encoded.split("$")
        values = dict(item.split("=", 1) for item in parameters.split(","))
        cost = Cost(n=int(values["n"]), r=int(values["r"]), p=int(values["p"]))
        if scheme != SCHEME:
            return None
        return cost, _unb64(salt), _unb64(key)
    except (ValueError, KeyError):
        return None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)

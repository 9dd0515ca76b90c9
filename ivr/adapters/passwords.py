"""argon2id password hashes (argon2-cffi), behind the core's ``PasswordHashing`` port."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Passwords:
    """The library's default parameters (RFC 9106's second recommendation, 64 MiB, t=3), which
    it raises over releases; ``needs_rehash`` then upgrades a hash when its owner signs in.

    Tests pass cheaper parameters: a test suite signs in hundreds of times."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True


def fast_passwords_for_tests() -> Argon2Passwords:
    """Still argon2id, at the smallest cost the library allows."""
    return Argon2Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))

"""Password hashing (argon2id with the library's current recommended parameters) and policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from hetao.core.errors import Problem
from hetao.core.i18n import N_

MIN_LENGTH = 10
MAX_LENGTH = 256
#: A few of the most common passwords of at least MIN_LENGTH characters (breached-password lists).
COMMON = frozenset(
    {
        "1234567890",
        "12345678910",
        "0123456789",
        "1qaz2wsx3edc",
        "qwertyuiop",
        "qwerty1234",
        "password12",
        "password123",
        "password1234",
        "iloveyou12",
        "abcdefghij",
        "aaaaaaaaaa",
        "1111111111",
        "abc1234567",
        "passw0rd123",
        "welcome123",
        "admin12345",
        "qwerty123456",
    }
)

_hasher = PasswordHasher()
#: Verifying against this keeps the time of a sign-in for an unknown e-mail like a known one.
_DUMMY_HASH = _hasher.hash("not a real password, used to equalise timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problems(password: str, *, email: str = "", path: str = "password") -> list[Problem]:
    """Why a new password is not acceptable (empty list: it is)."""
    if not password:
        return [Problem(path, N_("Enter a password."))]
    if len(password) < MIN_LENGTH:
        return [Problem(path, N_("Use at least %(min)s characters for your password."), {"min": MIN_LENGTH})]
    if len(password) > MAX_LENGTH:
        return [Problem(path, N_("Use at most %(max)s characters for your password."), {"max": MAX_LENGTH})]
    lowered = password.lower()
    if lowered in COMMON or len(set(password)) < 4 or (email and lowered == email.lower()):
        return [Problem(path, N_("This password is too easy to guess. Choose a less common one."))]
    return []

"""Password hashing and policy.

argon2id at OWASP's minimum or above (19 MiB memory, 2 iterations, 1 lane):
Werkzeug's default scrypt settings are below it. Common and guessable
passwords are refused using zxcvbn's dictionaries rather than a list of ours.
"""
from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MIN_STRENGTH = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable"

hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        # Spend the same time as a real check so response time does not tell
        # whether an account exists.
        hasher.hash(password)
        return False
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return hasher.check_needs_rehash(stored_hash)


def password_problem(password: str, user_inputs: list[str] = ()) -> str | None:
    """Why this password is refused, in words for the user, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters"
    if len(password) > 256:
        return "Password must be 256 characters or fewer"
    result = zxcvbn(password[:100], user_inputs=[u for u in user_inputs if u])
    if result["score"] < MIN_STRENGTH:
        warning = result["feedback"].get("warning") or "This password is too easy to guess"
        return f"{warning.rstrip('.')}. Choose a longer or less common password"
    return None

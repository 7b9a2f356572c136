"""Password hashing with argon2id (argon2-cffi); parameters come from the app config."""
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

# RFC 9106's second recommended option (64 MiB, t=3, p=4): argon2-cffi's default.
DEFAULTS = {"ARGON2_TIME_COST": 3, "ARGON2_MEMORY_KIB": 65536, "ARGON2_PARALLELISM": 4}


def _hasher() -> PasswordHasher:
    cfg = current_app.config if has_app_context() else {}
    get = lambda key: int(cfg.get(key, DEFAULTS[key]))  # noqa: E731
    return PasswordHasher(
        time_cost=get("ARGON2_TIME_COST"),
        memory_cost=get("ARGON2_MEMORY_KIB"),
        parallelism=get("ARGON2_PARALLELISM"),
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> tuple[bool, str | None]:
    """Check a password; returns (ok, new_hash) where new_hash is set when the stored hash
    uses outdated parameters and should be replaced."""
    if not stored:
        return False, None
    hasher = _hasher()
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, hasher.hash(password) if hasher.check_needs_rehash(stored) else None


def generate_password() -> str:
    """A random password for new accounts, easy to copy: 4 groups of 5 characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))

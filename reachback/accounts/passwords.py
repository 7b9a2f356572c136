"""Password hashing with argon2id (argon2-cffi) and the password rules (length, common list).

The common-password list (reachback/data/common-passwords.txt.gz) holds the 10 000 most
common passwords, lower-cased, taken from the list Django ships
(django/contrib/auth/common-passwords.txt.gz, compiled by Royce Williams from leaked
password sets). It is read from the package: no network call at run time.
"""
import gzip
import re
import secrets
from functools import cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from ..config import setting

MIN_LENGTH = 12
MAX_LENGTH = 1024
# Hashes of accounts created before argon2id (Werkzeug's generate_password_hash): accepted
# once, then replaced by an argon2id hash at that sign-in.
WERKZEUG_PREFIXES = ("pbkdf2:", "scrypt:")
_TRAILING = re.compile(r"[\d\W_]+$")
# Runs along the digits, the alphabet and keyboard rows ("123456789012", "qwertyuiopas").
SEQUENCES = ("0123456789" * 4, "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm",
             "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "azertyuiopqsdfghjklmwxcvbn")


def _hasher() -> PasswordHasher:
    # ARGON2_* in reachback/settings.toml: RFC 9106's second recommended option (64 MiB, t=3,
    # p=4), argon2-cffi's default, above the ASVS 5 floor for argon2id (m >= 46 MiB, t >= 1).
    return PasswordHasher(
        time_cost=setting("ARGON2_TIME_COST"),
        memory_cost=setting("ARGON2_MEMORY_KIB"),
        parallelism=setting("ARGON2_PARALLELISM"),
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> tuple[bool, str | None]:
    """Check a password; returns (ok, new_hash) where new_hash is set when the stored hash
    is not argon2id at the current parameters and should be replaced. Without a stored
    hash, a dummy one is still verified so that the answer takes the same time whether or
    not the account exists."""
    hasher = _hasher()
    if not stored:
        _burn(hasher, password)
        return False, None
    if stored.startswith(WERKZEUG_PREFIXES):
        ok = check_password_hash(stored, password)
        return ok, hasher.hash(password) if ok else None
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, hasher.hash(password) if hasher.check_needs_rehash(stored) else None


def _burn(hasher: PasswordHasher, password: str) -> None:
    try:
        hasher.verify(_dummy_hash(hasher.time_cost, hasher.memory_cost, hasher.parallelism),
                      password)
    except VerificationError:
        pass


@cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost,
                          parallelism=parallelism, type=Type.ID).hash(secrets.token_hex(16))


@cache
def common_passwords() -> frozenset[str]:
    data = resources.files("reachback.data").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split())


def password_problem(password: str | None) -> str | None:
    """Why this password is refused, or None when it is acceptable. Rules (ASVS 5 6.2):
    at least 12 characters, at most 1024, not a common password (nor one with digits or
    symbols added at the end, one character or word repeated, or a run along the keyboard
    or the alphabet). No composition
    rules: a passphrase of lower-case words is fine."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return _("Use at least %(num)d characters.", num=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(num)d characters.", num=MAX_LENGTH)
    lowered = password.strip().lower()
    stem = _TRAILING.sub("", lowered)
    common = common_passwords()
    if lowered in common or (len(stem) >= 4 and stem in common) or _repeats(lowered) \
            or any(lowered in run or lowered in run[::-1] for run in SEQUENCES):
        return _("This password is too common: choose another one (a few unrelated words work "
                 "well).")
    return None


def _repeats(text: str) -> bool:
    """True for 'aaaaaaaaaaaa', 'abcabcabcabc': one short unit repeated."""
    return any(len(text) % n == 0 and text == text[:n] * (len(text) // n)
               for n in range(1, min(6, len(text) // 2) + 1))


def generate_password() -> str:
    """A random password for new accounts, easy to copy: 4 groups of 5 characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))

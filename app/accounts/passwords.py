"""The password rule for new passwords (sign-up, password change, new admins).

At least MIN_LENGTH characters, not guessable: zxcvbn (Dropbox's estimator, with its lists of common
passwords, names and words, keyboard patterns and repeats) must put it at 10^8 guesses or more, and it
may not contain the email address (or its name part) or the person's name.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import generate_password_hash
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 200
MIN_SCORE = 3  # zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline attacks"
SCORED_PREFIX = 64  # zxcvbn slows down sharply with length; what follows 64 characters only adds strength
MIN_PART = 4  # shorter name or email parts (e.g. "li") are too common to refuse passwords for


def _parts(email: str | None, name: str | None) -> list[str]:
    email = (email or "").strip().lower()
    parts = [email, email.split("@")[0]] if email else []
    parts += (name or "").strip().lower().split()
    return [p for p in parts if len(p) >= MIN_PART]


def password_problems(password: str, *, email: str | None = None, name: str | None = None) -> list[str]:
    """Why this password is refused (empty when it is fine), in the reader's language."""
    if len(password) < MIN_LENGTH:
        return [str(_l("Use at least %(num)d characters.", num=MIN_LENGTH))]
    lowered = password.lower()
    if any(part in lowered for part in _parts(email, name)):
        return [str(_l("Do not use your email address or your name in your password."))]
    if zxcvbn(password[:SCORED_PREFIX], user_inputs=_parts(email, name))["score"] < MIN_SCORE:
        return [str(_l("This password is too common or too easy to guess. Add more words or mix them up."))]
    return []


def hash_password(password: str) -> str:
    """A salted hash of `password` by the configured method (scrypt unless the tests ask for speed)."""
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt")

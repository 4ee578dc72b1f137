"""People who log in to the web pages: create them, check their passwords (argon2)."""

from __future__ import annotations

import re

import sqlalchemy as sa
import sqlalchemy.orm as so
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from voice.store.models import User, utcnow

ROLES = ("admin", "agent")
LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,79}$")
MIN_PASSWORD = 8
_hasher = PasswordHasher()
# verified against when the login is unknown, so a wrong login costs as long as a wrong password
_DUMMY = _hasher.hash("not-a-real-password")


class UserError(ValueError):
    """A user could not be created or changed; the message says why and what to do."""


def create_user(s: so.Session, login: str, name: str, role: str, password: str) -> User:
    """Add a user with an argon2-hashed password."""
    login = login.strip().lower()
    if not LOGIN.match(login):
        raise UserError(f"login {login!r}: use 2-80 lowercase letters, digits, '.', '_', '@', '-'")
    if role not in ROLES:
        raise UserError(f"role {role!r}: use one of {', '.join(ROLES)}")
    check_password(password)
    if find_user(s, login) is not None:
        raise UserError(f"login {login!r} already exists; pick another or change that user")
    user = User(login=login, name=name.strip() or login, role=role, password_hash="")
    user.password_hash = _hasher.hash(password)
    s.add(user)
    s.flush()
    return user


def check_password(password: str) -> None:
    """Refuse a password too short to be worth hashing."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password: use at least {MIN_PASSWORD} characters")


def set_password(user: User, password: str) -> None:
    """Replace a user's password."""
    check_password(password)
    user.password_hash = _hasher.hash(password)


def find_user(s: so.Session, login: str) -> User | None:
    """Return the user with this login, if any."""
    return s.scalars(sa.select(User).where(User.login == login.strip().lower())).first()


def authenticate(s: so.Session, login: str, password: str) -> User | None:
    """Return the active user whose password matches, else None (same cost either way)."""
    user = find_user(s, login)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    return user

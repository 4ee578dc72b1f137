"""People who log in to the web pages.

Create them, check their passwords (argon2) against a policy, keep their sessions on the server,
and count failed logins per account and per address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from voice.store.models import LoginFailure, User, WebSession, utcnow

ROLES = ("admin", "agent")
LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,79}$")
# NIST SP 800-63B rev. 4: at least 15 characters for a password that is the only factor
MIN_PASSWORD = 15
# the login form takes this many; a longer one could be created but never typed in
MAX_PASSWORD = 200
# zxcvbn's score: 3 means at least 10^8 guesses even for an attacker who tries common
# passwords, words, names, keyboard rows, repeats and dates first
MIN_STRENGTH = 3
_STRENGTH_CHARS = 72  # zxcvbn's own cap; past it a password is long enough to count as strong
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
    check_password(password, login, name)
    if find_user(s, login) is not None:
        raise UserError(f"login {login!r} already exists; pick another or change that user")
    user = User(login=login, name=name.strip() or login, role=role, password_hash="")
    user.password_hash = _hasher.hash(password)
    s.add(user)
    s.flush()
    return user


def check_password(password: str, login: str = "", name: str = "") -> None:
    """Refuse a password that is too short, too long to type at login, or easy to guess.

    Length is what makes a password strong (NIST SP 800-63B), so there are no rules about
    digits or symbols; a password built from common passwords, the login or the name is
    refused whatever its length.
    """
    if len(password) < MIN_PASSWORD:
        raise UserError(
            f"password: use at least {MIN_PASSWORD} characters (a few unrelated words work well)"
        )
    if len(password) > MAX_PASSWORD:
        raise UserError(
            f"password: use at most {MAX_PASSWORD} characters (the login form takes no more)"
        )
    if any(unicodedata.category(c) == "Cc" for c in password):
        raise UserError("password: no control characters (tabs, line breaks, NUL); a browser "
                        "cannot type them")  # fmt: skip
    own_words = [w for w in (login, name, *name.split()) if w]
    found = zxcvbn(password[:_STRENGTH_CHARS], user_inputs=own_words)
    if found["score"] < MIN_STRENGTH:
        why = found["feedback"]["warning"] or "it follows a pattern guessed early"
        raise UserError(
            f"password: too easy to guess ({why.rstrip('.').lower()}); "
            "use a few unrelated words, not a common password, the login or the name"
        )


def set_password(user: User, password: str) -> None:
    """Replace a user's password; every session they had open ends."""
    check_password(password, user.login, user.name)
    user.password_hash = _hasher.hash(password)
    end_sessions(so.object_session(user), user)


def deactivate(user: User) -> None:
    """Stop a user from logging in; every session they had open ends."""
    user.active = False
    end_sessions(so.object_session(user), user)


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


# Sessions: the cookie holds a random token; the database holds its hash until logout.


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(s: so.Session, user: User, lifetime: dt.timedelta) -> str:
    """Start a session for `user` and return its token (for the cookie); drops expired ones."""
    now = utcnow()
    s.execute(
        sa.delete(WebSession).where(WebSession.user_id == user.id, WebSession.expires_at <= now)
    )
    token = secrets.token_urlsafe(32)
    s.add(WebSession(token_hash=_digest(token), user_id=user.id, created_at=now,
                     expires_at=now + lifetime))  # fmt: skip
    s.flush()
    return token


def session_user(s: so.Session, user_id: int, token: str) -> User | None:
    """Return the active user whose unexpired session has this token, else None."""
    return s.scalars(
        sa.select(User)
        .join(WebSession, WebSession.user_id == User.id)
        .where(
            User.id == user_id,
            User.active.is_(True),
            WebSession.token_hash == _digest(token),
            WebSession.expires_at > utcnow(),
        )
    ).first()


def end_session(s: so.Session, token: str) -> None:
    """End the session with this token (logging out): a copy of its cookie stops working."""
    s.execute(sa.delete(WebSession).where(WebSession.token_hash == _digest(token)))


def end_sessions(s: so.Session | None, user: User) -> None:
    """End every session of `user` (a new password, a disabled account)."""
    if s is not None and user.id is not None:
        s.execute(sa.delete(WebSession).where(WebSession.user_id == user.id))


# Failed logins: counted in the database, so every process and instance sees the same counts.


@dataclass(frozen=True)
class LoginLimits:
    """How many failed logins an account and an address may have in a window."""

    per_account: int = 5
    per_address: int = 20
    window_s: int = 900


def _account(login: str) -> str:
    return login.strip().lower()[:128]


def login_wait(s: so.Session, login: str, address: str, limits: LoginLimits) -> int:
    """Return the seconds to wait before this login may be tried from this address (0: now).

    The answer is the same whether or not the account exists.
    """
    now = utcnow()
    since = now - dt.timedelta(seconds=limits.window_s)
    wait = 0
    for kind, key, limit in (
        ("account", _account(login), limits.per_account),
        ("address", address[:128], limits.per_address),
    ):
        times = s.scalars(
            sa.select(LoginFailure.at)
            .where(LoginFailure.kind == kind, LoginFailure.key == key, LoginFailure.at > since)
            .order_by(LoginFailure.at.desc())
            .limit(limit)
        ).all()
        if len(times) >= limit:  # free again when the limit-th latest failure leaves the window
            wait = max(wait, int((times[-1] - since).total_seconds()) + 1)
    return wait


def record_failure(s: so.Session, login: str, address: str, limits: LoginLimits) -> None:
    """Count a failed login against the account typed and the address; forget expired ones."""
    now = utcnow()
    s.execute(
        sa.delete(LoginFailure).where(
            LoginFailure.at <= now - dt.timedelta(seconds=limits.window_s)
        )
    )
    s.add_all(
        [
            LoginFailure(kind="account", key=_account(login), at=now),
            LoginFailure(kind="address", key=address[:128], at=now),
        ]
    )


def clear_failures(s: so.Session, login: str) -> None:
    """Forget an account's failed logins (after it logged in with the right password)."""
    s.execute(
        sa.delete(LoginFailure).where(
            LoginFailure.kind == "account", LoginFailure.key == _account(login)
        )
    )

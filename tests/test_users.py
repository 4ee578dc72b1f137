"""Users: passwords are hashed with argon2, checked in constant cost, and validated."""

import pytest

from voice.users import UserError, authenticate, create_user


def test_passwords_are_stored_hashed_and_checked(db):
    with db.session() as s:
        user = create_user(s, "Ana", "Ana Ruiz", "admin", "correct horse")
        assert user.login == "ana"
        assert "correct horse" not in user.password_hash
        assert user.password_hash.startswith("$argon2")
    with db.session() as s:
        assert authenticate(s, "ana", "correct horse").name == "Ana Ruiz"
        assert authenticate(s, "ana", "wrong password") is None
        assert authenticate(s, "nobody", "correct horse") is None


def test_inactive_users_cannot_log_in(db):
    with db.session() as s:
        create_user(s, "bo", "Bo", "agent", "long enough").active = False
    with db.session() as s:
        assert authenticate(s, "bo", "long enough") is None


@pytest.mark.parametrize(
    ("login", "role", "password", "message"),
    [
        ("x", "agent", "long enough", "login"),
        ("ok", "boss", "long enough", "role"),
        ("ok", "agent", "short", "at least 8"),
    ],
)
def test_bad_user_details_are_refused_with_the_fix(db, login, role, password, message):
    with db.session() as s, pytest.raises(UserError, match=message):
        create_user(s, login, "", role, password)


def test_a_login_is_taken_once(db):
    with db.session() as s:
        create_user(s, "cy", "Cy", "agent", "long enough")
    with db.session() as s, pytest.raises(UserError, match="already exists"):
        create_user(s, "CY", "Cy again", "agent", "long enough")

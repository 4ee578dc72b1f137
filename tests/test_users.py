"""Users: passwords are hashed with argon2, checked in constant cost, and follow a policy:
at least 15 characters, at most 200 (what the login form takes), not easy to guess."""

import pytest

from voice.users import (
    MAX_PASSWORD,
    UserError,
    authenticate,
    create_user,
    find_user,
    set_password,
)


def test_passwords_are_stored_hashed_and_checked(db):
    with db.session() as s:
        user = create_user(s, "Ana", "Ana Ruiz", "admin", "correct horse battery")
        assert user.login == "ana"
        assert "correct horse battery" not in user.password_hash
        assert user.password_hash.startswith("$argon2")
    with db.session() as s:
        assert authenticate(s, "ana", "correct horse battery").name == "Ana Ruiz"
        assert authenticate(s, "ana", "wrong password") is None
        assert authenticate(s, "nobody", "correct horse battery") is None


def test_inactive_users_cannot_log_in(db):
    with db.session() as s:
        create_user(s, "bo", "Bo", "agent", "long enough to pass").active = False
    with db.session() as s:
        assert authenticate(s, "bo", "long enough to pass") is None


@pytest.mark.parametrize(
    ("login", "role", "password", "message"),
    [
        ("x", "agent", "long enough to pass", "login"),
        ("ok", "boss", "long enough to pass", "role"),
        ("ok", "agent", "fourteen chars", "at least 15 characters"),
    ],
)
def test_bad_user_details_are_refused_with_the_fix(db, login, role, password, message):
    with db.session() as s, pytest.raises(UserError, match=message):
        create_user(s, login, "", role, password)


def test_a_login_is_taken_once(db):
    with db.session() as s:
        create_user(s, "cy", "Cy", "agent", "long enough to pass")
    with db.session() as s, pytest.raises(UserError, match="already exists"):
        create_user(s, "CY", "Cy again", "agent", "long enough to pass")


@pytest.mark.parametrize(
    "password",
    [
        "passwordpassword",
        "password12345678",
        "qwertyuiop123456",
        "iloveyou12345678",
        "1234567890123456",
        "aaaaaaaaaaaaaaaa",
        "P@ssw0rd12345678",
    ],
)
def test_common_passwords_are_refused_whatever_their_length(db, password):
    with db.session() as s, pytest.raises(UserError, match="too easy to guess"):
        create_user(s, "dee", "Dee", "agent", password)


def test_a_password_built_from_the_login_or_name_is_refused(db):
    with db.session() as s, pytest.raises(UserError, match="too easy to guess"):
        create_user(s, "mariaortiz", "Maria Ortiz", "agent", "mariaortiz2024!")
    with db.session() as s, pytest.raises(UserError, match="too easy to guess"):
        create_user(s, "mo", "Maria Ortiz", "agent", "maria ortiz 2024")
    with db.session() as s:  # the same password is fine for someone else
        create_user(s, "lee", "Lee Chan", "agent", "maria ortiz 2024")


def test_the_length_limit_is_enforced_at_creation_not_discovered_at_login(db):
    words = ("plum lantern orbit cedar " * 9)[:MAX_PASSWORD]
    with db.session() as s:
        create_user(s, "lee", "Lee", "agent", words)
    with db.session() as s, pytest.raises(UserError, match=f"at most {MAX_PASSWORD} characters"):
        create_user(s, "lou", "Lou", "agent", words + "s")
    with db.session() as s:
        assert authenticate(s, "lee", words) is not None
        assert find_user(s, "lou") is None


def test_control_characters_a_browser_cannot_type_are_refused(db):
    for password in (
        "violet harbor\x00tractor",
        "violet harbor\ttractor",
        "violet\nharbor tractor",
    ):
        with db.session() as s, pytest.raises(UserError, match="no control characters"):
            create_user(s, "dee", "Dee", "agent", password)


def test_every_refusal_is_one_line_that_says_the_rule(db):
    for password in ("short", "passwordpassword", "x" * 201, "a\x00" * 10):
        with db.session() as s, pytest.raises(UserError) as refused:
            create_user(s, "dee", "Dee", "agent", password)
        message = str(refused.value)
        assert message.startswith("password: ") and "\n" not in message
        assert any(rule in message for rule in ("at least", "at most", "control", "guess"))


def test_a_new_password_follows_the_same_policy(db):
    with db.session() as s:
        user = create_user(s, "dee", "Dee", "agent", "violet harbor tractor")
        with pytest.raises(UserError, match="too easy to guess"):
            set_password(user, "password12345678")

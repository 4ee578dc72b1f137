"""`voice users`: the first admin is created from the command line, passwords never echo."""

import sqlalchemy as sa
from click.testing import CliRunner

from voice.cli import main
from voice.store.db import Database
from voice.store.models import User
from voice.users import authenticate


def run(tmp_path, monkeypatch, *args, input=None):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'voice.db'}")
    return CliRunner().invoke(main, ["users", *args], input=input, catch_exceptions=False)


def stored(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'voice.db'}")
    try:
        with database.session() as s:
            return {u.login: (u.name, u.role) for u in s.scalars(sa.select(User))}
    finally:
        database.dispose()


def can_log_in(tmp_path, login, password):
    database = Database(f"sqlite:///{tmp_path / 'voice.db'}")
    try:
        with database.session() as s:
            return authenticate(s, login, password) is not None
    finally:
        database.dispose()


def add(tmp_path, monkeypatch, login, role="agent", password="long enough to pass", name="Bo"):
    args = ["add", "--login", login, "--name", name, "--role", role]
    return run(tmp_path, monkeypatch, *args, *(["--password", password] if password else []))


def test_users_add_creates_the_first_admin_with_a_hashed_password(tmp_path, monkeypatch):
    result = add(
        tmp_path,
        monkeypatch,
        "ana",
        role="admin",
        name="Ana Ruiz",
        password="long enough pw to pass",
    )
    assert result.exit_code == 0, result.output
    assert "added admin ana" in result.output
    assert stored(tmp_path) == {"ana": ("Ana Ruiz", "admin")}
    assert can_log_in(tmp_path, "ana", "long enough pw to pass")


def test_users_add_prompts_twice_for_the_password_without_echoing_it(tmp_path, monkeypatch):
    prompted = ("add", "--login", "bo", "--name", "Bo", "--role", "agent")
    result = run(tmp_path, monkeypatch, *prompted, input="secret words of bo\nsecret words of bo\n")
    assert result.exit_code == 0, result.output
    assert "secret words" not in result.output
    assert "agent profile" in result.output  # tells how to make them take calls
    assert can_log_in(tmp_path, "bo", "secret words of bo")


def test_users_add_explains_a_bad_role_login_or_password(tmp_path, monkeypatch):
    short = add(tmp_path, monkeypatch, "bo", password="short")
    assert short.exit_code == 1
    assert "at least 15 characters" in short.output
    assert add(tmp_path, monkeypatch, "bo", role="boss").exit_code == 2
    assert add(tmp_path, monkeypatch, "b", password="long enough to pass").exit_code == 1
    add(tmp_path, monkeypatch, "bo")
    again = add(tmp_path, monkeypatch, "bo")
    assert again.exit_code == 1 and "already exists" in again.output


def test_users_list_shows_logins_roles_and_last_login(tmp_path, monkeypatch):
    assert "no users yet" in run(tmp_path, monkeypatch, "list").output
    add(tmp_path, monkeypatch, "ana", role="admin", name="Ana Ruiz")
    listed = run(tmp_path, monkeypatch, "list").output
    assert "ana" in listed and "admin" in listed and "never" in listed and "Ana Ruiz" in listed


def test_users_passwd_replaces_the_password(tmp_path, monkeypatch):
    add(tmp_path, monkeypatch, "ana", role="admin", password="first password of ana")
    again = "second password of ana\nsecond password of ana\n"
    result = run(tmp_path, monkeypatch, "passwd", "ana", input=again)
    assert result.exit_code == 0, result.output
    assert not can_log_in(tmp_path, "ana", "first password of ana")
    assert can_log_in(tmp_path, "ana", "second password of ana")
    missing = run(tmp_path, monkeypatch, "passwd", "nobody", "--password", "whatever long it is")
    assert missing.exit_code == 1 and "no user 'nobody'" in missing.output


def test_users_add_and_passwd_refuse_common_or_overlong_passwords_with_the_rule(
    tmp_path, monkeypatch
):
    common = add(tmp_path, monkeypatch, "bo", password="password12345678")
    assert common.exit_code == 1
    assert "too easy to guess" in common.output and len(common.output.strip().splitlines()) == 1
    long = add(tmp_path, monkeypatch, "bo", password="plum lantern orbit cedar " * 9)
    assert long.exit_code == 1 and "at most 200 characters" in long.output
    assert stored(tmp_path) == {}
    add(tmp_path, monkeypatch, "ana", role="admin", password="first password of ana")
    weak = run(tmp_path, monkeypatch, "passwd", "ana", "--password", "qwertyuiop123456")
    assert weak.exit_code == 1 and "too easy to guess" in weak.output
    assert can_log_in(tmp_path, "ana", "first password of ana")


def test_users_disable_stops_logins_and_enable_allows_them_again(tmp_path, monkeypatch):
    add(tmp_path, monkeypatch, "ana", role="admin", password="first password of ana")
    disabled = run(tmp_path, monkeypatch, "disable", "ana")
    assert disabled.exit_code == 0 and "disabled ana" in disabled.output
    assert not can_log_in(tmp_path, "ana", "first password of ana")
    assert "disabled" in run(tmp_path, monkeypatch, "list").output
    assert run(tmp_path, monkeypatch, "enable", "ana").exit_code == 0
    assert can_log_in(tmp_path, "ana", "first password of ana")
    assert run(tmp_path, monkeypatch, "disable", "nobody").exit_code == 1

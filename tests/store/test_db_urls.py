"""DATABASE_URL: the common forms work, a wrong one is one line with the fix, no stray folders."""

import socket

import pytest

from voice.errors import DatabaseError
from voice.store.db import Database, normalise_url

from conftest import PG_URL


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db:5432/voice", "postgresql+psycopg://u:p@db:5432/voice"),
        ("postgresql://u@db/voice", "postgresql+psycopg://u@db/voice"),
        ("postgresql+psycopg://u@db/voice", "postgresql+psycopg://u@db/voice"),
        ("sqlite:////srv/voice.db", "sqlite:////srv/voice.db"),
    ],
)
def test_postgres_urls_in_every_common_form_use_psycopg(given, used):
    assert normalise_url(given) == used


def test_a_postgres_scheme_url_reaches_the_database(database_url):
    if not PG_URL:
        pytest.skip("needs VOICE_TEST_DATABASE_URL")
    plain = "postgres://" + database_url.partition("://")[2]
    database = Database(plain)
    assert database.ping()
    database.dispose()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("voice.db", "DATABASE_URL is not a database URL"),
        ("mysql://u@db/voice", "names a database this service does not use (mysql)"),
        ("postgresql+psycopg2://u@db/voice", "the driver psycopg2, which is not installed"),
    ],
)
def test_a_wrong_database_url_says_what_is_wrong_and_gives_an_example(url, says):
    with pytest.raises(DatabaseError, match=r"\(") as raised:
        Database(url)
    assert says in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_sqlite_folder_is_made_inside_var_dir(tmp_path):
    url = f"sqlite:///{tmp_path / 'var' / 'deep' / 'voice.db'}"
    Database(url, var_dir=tmp_path / "var").upgrade()
    assert (tmp_path / "var" / "deep" / "voice.db").is_file()


def test_a_sqlite_file_in_a_missing_folder_outside_var_dir_is_refused_and_nothing_made(tmp_path):
    url = f"sqlite:///{tmp_path / 'elsewhere' / 'voice.db'}"
    with pytest.raises(DatabaseError, match="does not exist; create it, or fix the path"):
        Database(url, var_dir=tmp_path / "var")
    assert not (tmp_path / "elsewhere").exists()


def test_an_unreachable_database_is_named_with_the_reason_and_no_password():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    database = Database(f"postgres://voice:s3cret@127.0.0.1:{port}/voice")
    with pytest.raises(DatabaseError) as raised:
        database.upgrade()
    message = str(raised.value)
    assert message.startswith(f"the database at postgresql+psycopg://voice:***@127.0.0.1:{port}")
    assert "Connection refused" in message and "Fix: start the database" in message
    assert "s3cret" not in message and "\n" not in message

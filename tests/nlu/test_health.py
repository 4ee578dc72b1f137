from __future__ import annotations

from conftest import READY
from nlu.fake_wheel import make_model

PROBLEM = "no understanding model for en-US: the assistant answers only close matches"


def ready(app) -> dict:
    """Return the readiness report (`/health/ready`), read with the monitoring token."""
    return app.test_client().get("/health/ready", headers=READY).get_json()


def test_health_says_a_line_without_an_understanding_model_runs_degraded_and_the_fix(app):
    body = ready(app)
    assert body["status"] == "degraded"
    assert "no understanding model for en-US" in body["understanding"]["en-US"]["missing"]
    problem = next(p for p in body["problems"] if p.startswith(PROBLEM))
    assert "run `voice models download nlu-en`" in problem


def test_health_names_the_understanding_model_each_language_uses(make_app, settings):
    model = make_model(settings.models_dir, "english", ["en"])
    body = ready(make_app())
    assert body["understanding"] == {"en-US": {"model": "english", "path": str(model.resolve())}}
    assert not any("understanding" in p for p in body["problems"])


def test_health_tells_a_corrupt_understanding_model_from_a_missing_one(make_app, settings):
    model = make_model(settings.models_dir, "english", ["en"])
    (model / "model.onnx").write_bytes(b"truncated")
    body = ready(make_app())
    assert "model.onnx: checksum mismatch" in body["understanding"]["en-US"]["corrupt"]
    problem = next(p for p in body["problems"] if "understanding" in p)
    assert problem.startswith("understanding model english for en-US is corrupt (model.onnx:")
    assert "run `voice models download nlu-en` to reinstall it" in problem


def test_a_missing_understanding_model_is_logged_at_start_up(make_app, caplog):
    make_app()
    assert any(r.getMessage().startswith(PROBLEM) for r in caplog.records)

"""The Flask application factory."""

from __future__ import annotations

import logging
import threading

from flask import Flask, jsonify

from voice.nlu.catalog import entry_for_language
from voice.nlu.models import nlu_model_status
from voice.runtime import Runtime
from voice.settings import Settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """Build the service app from typed settings (read from the environment by default)."""
    from voice.telephony.stream import sock
    from voice.telephony.webhooks import bp as twilio
    from voice.web import init_app as init_web

    settings = settings or Settings()
    rt = runtime or Runtime.build(settings)
    app = Flask(__name__)
    app.config["SECRET_KEY"] = rt.secret_key
    app.extensions["voice"] = rt
    app.register_blueprint(twilio)
    sock.init_app(app)
    init_web(app, rt.settings, exempt=[twilio])  # login, console, admin; Twilio signs instead
    app.add_url_rule("/health", "health", lambda: health(rt))
    _log_readiness(rt)
    # load models and greetings now, off the request path, so the first caller does not wait
    threading.Thread(target=_warm, args=(rt,), name="warm-up", daemon=True).start()
    return app


def readiness(rt: Runtime) -> dict:
    """Return what works and what is missing, in words an operator can act on."""
    speech = {lang: rt.speech.has_model(lang) for lang in rt.lines.languages}
    problems = list(rt.lines.problems)
    problems += [
        f"no speech model for {lang}: calls in {lang} go straight to a person "
        f"({rt.speech.status().get(lang, {}).get('missing', '')})"
        for lang, ok in speech.items()
        if not ok
    ]
    understanding = nlu_model_status(rt.lines.languages, rt.settings)
    problems += _understanding_problems(understanding)
    database = rt.db.ping()
    if not database:
        problems.append("database unreachable: calls still reach a person via the fallback")
    return {
        "status": "ok" if not problems else "degraded",
        "database": "ok" if database else "unreachable",
        "callflows": rt.lines.names,
        "speech": rt.speech.status(),
        "understanding": understanding,
        "fallback_number": bool(rt.settings.fallback_number)
        or all(rt.lines.by_name(n).fallback_number for n in rt.lines.names),
        "problems": problems,
    }


def _understanding_problems(status: dict[str, dict[str, str]]) -> list[str]:
    """Say, per language, what a missing or corrupt understanding model costs and the fix."""
    problems = []
    for lang, model in status.items():
        entry = entry_for_language(lang)
        command = f"`voice models download {entry.name}`" if entry else ""
        if "missing" in model:
            fix = f"run {command}" if entry else f"set NLU_MODEL_{lang.split('-')[0].upper()}"
            problems.append(
                f"no understanding model for {lang}: the assistant answers only close matches "
                f"of its own examples ({fix})"
            )
        elif "corrupt" in model:
            fix = f"run {command} to reinstall it" if entry else "replace its files"
            problems.append(
                f"understanding model {model['model']} for {lang} is corrupt "
                f"({model['corrupt']}): it may fail to load or misjudge callers ({fix})"
            )
    return problems


def health(rt: Runtime):  # noqa: ANN201 - a Flask response
    """Report readiness as JSON."""
    return jsonify(readiness(rt))


def _log_readiness(rt: Runtime) -> None:
    for problem in readiness(rt)["problems"]:
        log.warning("%s", problem)


def _warm(rt: Runtime) -> None:
    rt.speech.warm(rt.lines.languages)
    for name in rt.lines.names:
        rt.prompts.greeting(rt.lines.by_name(name))

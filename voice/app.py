"""The Flask application factory."""

from __future__ import annotations

import hmac
import logging
import threading

import sqlalchemy as sa
from flask import Flask, Response, jsonify, request

from voice.housekeeping import Housekeeping, jobs_for
from voice.nlu.catalog import entry_for_language
from voice.nlu.models import nlu_model_status
from voice.runtime import Runtime
from voice.settings import Settings
from voice.speech.models import language_keys

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """Build the service app from typed settings (read from the environment by default)."""
    from voice.telephony.stream import server_options, sock
    from voice.telephony.webhooks import bp as twilio
    from voice.web import init_app as init_web

    settings = settings or Settings()
    rt = runtime or Runtime.build(settings)
    app = Flask(__name__)
    app.config["SECRET_KEY"] = rt.secret_key
    app.extensions["voice"] = rt
    app.register_blueprint(twilio)
    app.config["SOCK_SERVER_OPTIONS"] = server_options(rt.settings)
    sock.init_app(app)
    init_web(app, rt.settings, exempt=[twilio])  # login, console, admin; Twilio signs instead
    app.add_url_rule("/health", "health", health)
    app.add_url_rule("/health/ready", "ready", lambda: ready(rt))
    _log_readiness(rt)
    # load models and greetings now, off the request path, so the first caller does not wait
    threading.Thread(target=_warm, args=(rt,), name="warm-up", daemon=True).start()
    if rt.settings.housekeeping:  # heal stale floor state, replay the journal, purge old calls
        app.extensions["housekeeping"] = Housekeeping(jobs_for(rt))
        app.extensions["housekeeping"].start()
    return app


def readiness(rt: Runtime) -> dict:
    """Return what works and what is missing, in words an operator can act on.

    For admins and monitoring only (`/health/ready`, the System health page): it names files,
    models and callflows. It never loads a model; the database check is bounded by the
    database's own connect and statement timeouts.
    """
    languages = rt.lines.languages
    for language in languages:
        rt.speech.has_model(language)  # looks each language's model up, once
    speech = {lang: state for lang, state in rt.speech.status().items() if lang in languages}
    problems = list(rt.lines.problems)
    problems += _speech_problems(speech, simulated=rt.settings.simulated_speech)
    understanding = nlu_model_status(languages, rt.settings)
    problems += _understanding_problems(understanding)
    database = rt.db.ping()
    if not database:
        problems.append("database unreachable: calls still reach a person via the fallback")
    redis = _redis_state(rt)
    if redis.startswith("unreachable"):
        problems.append(
            f"Redis {redis}: consoles and the floor page miss live updates from other workers "
            "(calls still route). Fix: start Redis or correct REDIS_URL"
        )
    return {
        "status": "ok" if not problems else "degraded",
        "database": "ok" if database else "unreachable",
        "redis": redis,
        "callflows": rt.lines.names,
        "speech": speech,
        "understanding": understanding,
        "fallback_number": bool(rt.settings.fallback_number)
        or all(rt.lines.by_name(n).fallback_number for n in rt.lines.names),
        "problems": problems,
    }


def _redis_state(rt: Runtime) -> str:
    """Return "ok", "not used" (one process, no REDIS_URL) or "unreachable (why)"."""
    if not rt.settings.redis_url:
        return "not used"
    problem = rt.bus.problem()
    return f"unreachable ({problem})" if problem else "ok"


def _speech_problems(status: dict[str, dict[str, str]], simulated: bool = False) -> list[str]:
    """Say, per language, what a missing or broken speech model costs and the fix."""
    problems = []
    # SIMULATED_SPEECH (development): `voice call --text` stands in for the recognizer
    still = "; simulated calls (`voice call --text`) are still answered" if simulated else ""
    calls = "real calls" if simulated else "calls"
    for lang, model in status.items():
        if "missing" in model:
            problems.append(
                f"no speech model for {lang}: {calls} in {lang} go straight to a person{still} "
                f"({model['missing']})"
            )
        elif "failed" in model:
            variable = "VOSK_MODEL_" + language_keys(lang)[-1].upper()
            problems.append(
                f"speech model for {lang} failed to load: calls in {lang} go straight to a "
                f"person ({model['failed']}). Fix: remove {model['model']} and run "
                f"`voice models download {lang.lower()}` to reinstall it, or point {variable} "
                "at a good model; the next call loads it, no restart needed"
            )
    return problems


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


def health() -> Response:
    """Public liveness for load balancers: `{"status": "ok"}` while this process serves requests.

    No details, and no database or model check: a service whose database is down still
    connects callers to a person, so it must stay in the balancer.
    """
    response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response


def ready(rt: Runtime) -> Response:
    """Readiness with details for admins and monitoring: 200 when ok, 503 when degraded.

    Allowed with `Authorization: Bearer <READINESS_TOKEN>` (when that is set) or an admin's
    login session; anyone else gets 401 (403 for a logged-in non-admin) and no details.
    """
    if refused := _refusal(rt):
        response = jsonify(error=refused[1])
        response.status_code = refused[0]
        if refused[0] == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="voice readiness"'
    else:
        body = readiness(rt)
        response = jsonify(body)
        response.status_code = 200 if body["status"] == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def readiness_token(rt: Runtime) -> str:
    """Return the monitoring token for `/health/ready` (READINESS_TOKEN), or "" when unset."""
    return rt.settings.readiness_token


def _refusal(rt: Runtime) -> tuple[int, str] | None:
    """Return None for the monitoring token or an admin session, else (status, why not)."""
    from flask_login import current_user

    token = readiness_token(rt)
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode()):
        return None
    try:
        user = current_user._get_current_object()  # noqa: SLF001 - werkzeug's documented way; loads the session's user
    except sa.exc.SQLAlchemyError:
        return 503, "the login could not be checked; use the readiness token"
    if not user.is_authenticated:
        return 401, "an admin login or the readiness token is required"
    return None if user.is_admin else (403, "readiness is for admins")


def _log_readiness(rt: Runtime) -> None:
    for problem in readiness(rt)["problems"]:
        log.warning("%s", problem)


def _warm(rt: Runtime) -> None:
    rt.speech.warm(rt.lines.languages)
    for name in rt.lines.names:
        rt.prompts.greeting(rt.lines.by_name(name))

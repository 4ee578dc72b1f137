"""The health banner on every admin page: the readiness report in short, each with its fix."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

from flask import current_app
from flask_login import current_user
from markupsafe import Markup, escape

CACHE_S = 5.0  # a page view reuses the last report this young: no ping per page


@dataclass(frozen=True)
class Alert:
    """One thing that costs callers or admins something now, and the command that fixes it."""

    what: str
    fix: str  # words, with `commands` in backticks

    @property
    def fix_html(self) -> Markup:
        """Return the fix with each `command` shown as code."""
        parts = re.split(r"`([^`]+)`", self.fix)
        return Markup("").join(
            Markup("<code>%s</code>") % part if i % 2 else escape(part)
            for i, part in enumerate(parts)
        )


class HealthCache:
    """The readiness report of one runtime, computed at most once per CACHE_S."""

    def __init__(self, compute: object, ttl_s: float = CACHE_S):
        self.compute, self.ttl_s = compute, ttl_s
        self._lock = threading.Lock()
        self._report: dict | None = None
        self._at = 0.0

    def report(self) -> dict:
        """Return the cached report, computing it again when it is older than the limit.

        While one request checks again (a hanging database takes its timeout), the others
        show the last report rather than wait for it.
        """
        stale = self._report
        if stale is not None and time.monotonic() - self._at <= self.ttl_s:
            return stale
        if not self._lock.acquire(blocking=stale is None):
            return stale
        try:
            if self._report is stale:  # nobody refreshed it while we waited
                self._report, self._at = self.compute(), time.monotonic()
            return self._report
        finally:
            self._lock.release()

    def fresh(self) -> dict:
        """Compute the report now (the System health page) and keep it for the banner."""
        with self._lock:
            self._report, self._at = self.compute(), time.monotonic()
            return self._report


def _speech(lang: str, model: dict) -> Alert | None:
    command = f"voice models download {lang.lower()}"
    if "missing" in model:
        return Alert(
            f"No speech model for {lang}: the assistant hears nothing, so every call in {lang} "
            "goes straight to a person.",
            f"run `{command}` (or set VOSK_MODEL_PATH); the next call picks it up",
        )
    if "failed" in model:
        return Alert(
            f"The speech model for {lang} failed to load: every call in {lang} goes straight "
            "to a person.",
            f"remove {model.get('model', 'the model')} and run `{command}`",
        )
    return None


def _understanding(lang: str, model: dict) -> Alert | None:
    from voice.nlu.catalog import entry_for_language

    entry = entry_for_language(lang)
    command = f"run `voice models download {entry.name}`" if entry else "set NLU_MODEL_<LANG>"
    if "missing" in model:
        return Alert(
            f"No understanding model for {lang}: the assistant answers only close matches of "
            "its own examples; other callers go to a person.",
            command,
        )
    if "corrupt" in model:
        return Alert(
            f"The understanding model for {lang} is corrupt ({model['corrupt']}).",
            f"{command} to reinstall it" if entry else "replace its files",
        )
    return None


def warnings(report: dict, problems: list[str]) -> list[Alert]:
    """Return the banner's lines for a readiness report and the callflows' load problems."""
    out = [w for lang, m in report["speech"].items() if (w := _speech(lang, m))]
    out += [w for lang, m in report["understanding"].items() if (w := _understanding(lang, m))]
    fix = "correct the file, check it with `voice callflows check FILE`, then reload callflows"
    out += [Alert(f"A callflow failed its check: {problem}", fix) for problem in problems]
    if report["database"] != "ok":
        out.append(
            Alert(
                "The database is unreachable: callers still reach a person through the "
                "fallback number, but nothing is recorded.",
                'start PostgreSQL or correct DATABASE_URL (`pg_isready -d "$DATABASE_URL"`)',
            )
        )
    if str(report.get("redis", "")).startswith("unreachable"):
        out.append(
            Alert(
                f"Redis is {report['redis']}: consoles and the floor page miss live updates "
                "from other workers (calls still route).",
                'start Redis or correct REDIS_URL (`redis-cli -u "$REDIS_URL" ping`)',
            )
        )
    if not report.get("fallback_number", True):
        out.append(
            Alert(
                "Some line has no fallback number: when something fails, its callers cannot "
                "be put through to a person.",
                "set FALLBACK_NUMBER, or `fallback_number` in each callflow",
            )
        )
    return out


def cache() -> HealthCache:
    """Return this app's health cache, made on first use."""
    found = current_app.extensions.get("voice_health")
    if found is None:
        from voice.app import readiness

        rt = current_app.extensions["voice"]
        found = current_app.extensions["voice_health"] = HealthCache(lambda: readiness(rt))
    return found


def speech_lost_on(name: str | None) -> str:
    """Return why a loaded line's calls all go to a person (its speech model), or ""."""
    lines = current_app.extensions["voice"].lines
    if not name or name not in lines.names:
        return ""
    model = cache().report()["speech"].get(lines.by_name(name).language, {})
    if "missing" in model:
        return "no speech model"
    return "the speech model failed to load" if "failed" in model else ""


def banner() -> dict:
    """Add `health_warnings` to admin pages' templates (an empty list elsewhere)."""
    if not (current_user and current_user.is_authenticated and current_user.is_admin):
        return {"health_warnings": [], "speech_lost_on": lambda name: ""}
    rt = current_app.extensions["voice"]
    alerts = warnings(cache().report(), list(rt.lines.problems))
    return {"health_warnings": alerts, "speech_lost_on": speech_lost_on}

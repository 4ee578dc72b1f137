"""Admin callflow pages: the loaded lines, each file's YAML and check, and reload in place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, url_for

from voice.errors import CallflowError, CallflowInvalid
from voice.flow import titles
from voice.flow.loader import callflow_files, check_callflow
from voice.flow.model import Callflow
from voice.web.admin import bp
from voice.web.forms import ActionForm


@dataclass(frozen=True)
class FileCheck:
    """One callflow file, what the validator found in it, and whether the service runs it."""

    path: Path
    name: str | None
    loaded: bool
    errors: list[CallflowInvalid]
    warnings: list[CallflowInvalid]
    summary: str
    understanding: str = ""  # how the line reads callers: by meaning (model id), or words only
    degraded: bool = False
    titles: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # kind: (key, title)


def _lines():  # noqa: ANN202 - the runtime's Lines
    return current_app.extensions["voice"].lines


def check_file(path: Path) -> FileCheck:
    """Run the callflow validator (as `voice callflows check` does) on one file."""
    callflow, report = check_callflow(path)
    name = callflow.name if callflow else None
    loaded = False
    if name in _lines().names:
        loaded = Path(_lines().by_name(name).path).resolve() == path.resolve()
    summary = ""
    if callflow is not None:
        summary = (
            f"{callflow.language}: {len(callflow.intents)} intents, "
            f"{len(callflow.escalations)} escalations, {len(callflow.teams)} teams"
        )
    understanding, degraded = "", False
    if callflow is not None:
        index = callflow.understanding
        if index is None:
            understanding, degraded = (
                f"words only: no understanding model for {callflow.language}, so the assistant "
                "answers only close matches of its examples (run `voice models download nlu-en`)",
                True,
            )
        elif callflow.calibration is None:
            understanding = f"{index.embedder.id}: routes by meaning, answers by words"
        else:
            understanding = f"by meaning ({index.embedder.id})"
    return FileCheck(
        path, name, loaded, report.errors, report.warnings, summary, understanding, degraded,
        shown_names(callflow),
    )  # fmt: skip


def shown_names(callflow: Callflow | None) -> dict[str, list[tuple[str, str]]]:
    """Return each intent's, escalation's and team's key with the title the pages show."""
    if callflow is None:
        return {}
    kinds = {"Intents": callflow.intents, "Escalations": callflow.escalations,
             "Teams": callflow.teams}  # fmt: skip
    return {
        kind: [(k, titles.title_of(v)) for k, v in found.items()] for kind, found in kinds.items()
    }


def _files() -> list[Path]:
    try:
        return callflow_files(_lines().directory)
    except CallflowError as exc:
        abort(404, str(exc))


@bp.get("/callflows")
def callflows() -> str:
    """List the callflow files, each checked, and which of them the service has loaded."""
    checks = [check_file(path) for path in _files()]
    return render_template(
        "admin/callflows.html",
        checks=checks,
        directory=_lines().directory,
        problems=_lines().problems,
        form=ActionForm(formdata=None),
    )


@bp.get("/callflows/<filename>")
def callflow_file(filename: str) -> str:
    """Show one callflow file's YAML and every problem the validator finds in it."""
    path = next((p for p in _files() if p.name == filename), None)
    if path is None:
        abort(404, f"No callflow file {filename!r} in {_lines().directory}.")
    return render_template(
        "admin/callflow.html",
        check=check_file(path),
        text=path.read_text(encoding="utf-8", errors="replace"),
        form=ActionForm(formdata=None),
    )


@bp.post("/callflows/reload")
def reload_callflows() -> Response:
    """Load every callflow file again, without a restart; a broken file keeps nothing of it."""
    if ActionForm().validate_on_submit():
        reload_lines()
    return redirect(url_for(".callflows"))


def reload_lines() -> list[str]:
    """Reload the runtime's callflows, flash what is loaded now, and return the problems."""
    lines = _lines()
    problems = lines.reload()
    names = ", ".join(lines.names) or "none"
    flash(f"Reloaded the callflows. Loaded now: {names}.", "info")
    for problem in problems or []:
        flash(f"Not loaded: {problem}", "error")
    return problems or []

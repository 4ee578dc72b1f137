"""`voice callflows check` and `voice decide`: how operators test a callflow before going live."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from voice.errors import CallflowError, LookupFailed, VoiceError
from voice.flow import Callflow, check_callflow, decide, load_callflow, render_answer
from voice.flow.loader import SUFFIXES, callflow_files
from voice.flow.types import CallerContext, Decision, Utterance


def fail(error: VoiceError | str) -> None:
    """Exit through the CLI's one error path (imported late: voice.cli imports this module)."""
    from voice.cli import fail as cli_fail

    cli_fail(error)


@click.group("callflows")
def callflows() -> None:
    """Check callflow files."""


@callflows.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def check(path: Path | None) -> None:
    """Check every callflow in PATH (a file or folder; default CALLFLOWS_DIR) and list problems."""
    if path is None:
        from voice.settings import Settings

        path = Settings().callflows_dir
    try:
        files = [path] if path.is_file() or path.suffix in SUFFIXES else callflow_files(path)
    except CallflowError as exc:
        fail(exc)
    if not files:
        fail(f"{path}: no callflow files (*.yaml) here")
    failed = sum(_check_one(file) for file in files)
    if failed:
        fail(f"{failed} of {len(files)} callflow file(s) have errors")


def _check_one(file: Path) -> bool:
    """Print one file's summary or problems; return True when it has errors."""
    if not file.exists():
        click.secho(f"error: {file}: no such file", fg="red", err=True)
        return True
    callflow, report = check_callflow(file)
    for problem in report.errors:
        click.secho(f"error: {problem}", fg="red", err=True)
    for problem in report.warnings:
        click.secho(f"warning: {problem}", fg="yellow", err=True)
    if callflow is None:
        return True
    click.echo(
        f"ok {file}: {callflow.name} ({callflow.language}): {len(callflow.intents)} intents, "
        f"{len(callflow.escalations)} escalations, {len(callflow.teams)} teams"
    )
    return _replay_cases(file, callflow)


def _replay_cases(file: Path, callflow: Callflow) -> bool:
    """Replay NAME.cases.tsv beside the file; return True when a case is answered wrongly."""
    from voice.flow.cases import cases_path, read_cases, replay, unknown_labels

    path = cases_path(file)
    if not path.exists():
        return False
    try:
        cases = read_cases(path)
    except CallflowError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        return True
    unknown = unknown_labels(callflow, cases)
    for problem in unknown:
        click.secho(f"error: {path}: {problem} (fix: rename the label or remove the line)",
                    fg="red", err=True)  # fmt: skip
    result = replay(callflow, cases)
    for outcome in result.outcomes:
        if outcome.wrong:
            case = outcome.case
            click.secho(
                f"error: {path}: line {case.line}: {case.text!r} expected {case.expect}, "
                f"got {outcome.got} (fix: `voice callflows teach {file} {path}`, or edit examples)",
                fg="red",
                err=True,
            )
    misses = sum(o.verdict == "miss" for o in result.outcomes)
    click.echo(f"   cases {path.name}: {result.figures.summary()}; {misses} to a person (safe)")
    return bool(unknown) or result.figures.wrong > 0


@callflows.command("teach")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("labelled", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def teach_command(path: Path, labelled: Path) -> None:
    """Teach the callflow at PATH from LABELLED past calls (TSV: expect<TAB>utterance).

    Adds the callers' words as examples (or as out_of_scope) wherever that helps and no
    labelled case turns wrong, keeps every labelled case in NAME.cases.tsv beside the file, and
    prints figures before and after. Running it again changes nothing.
    """
    from voice.flow.cases import cases_path, read_cases, unknown_labels
    from voice.flow.edit import add_examples
    from voice.flow.teach import teach

    try:
        callflow = load_callflow(path)
        given = read_cases(labelled)
        stored = cases_path(path)
        cases = _merged(read_cases(stored) if stored.exists() else [], given)
    except CallflowError as exc:
        fail(exc)
    if problems := unknown_labels(callflow, given):
        fail(
            f"{labelled}: {problems[0]}"
            + (f" (and {len(problems) - 1} more)" if problems[1:] else "")
        )
    _, lesson = teach(callflow, cases)
    click.echo(f"before: {lesson.before.summary()}")
    click.echo(f"after:  {lesson.after.summary()}")
    for add, why in lesson.refused:
        click.echo(f"  not added: {add.describe()}: {why}")
    try:
        diff = add_examples(path, lesson.kept)
    except CallflowError as exc:
        fail(exc)
    _write_cases(stored, cases)
    if diff:
        click.echo(f"added {len(lesson.kept)} to {path}; a running service reloads it by itself")
    else:
        click.echo(f"{path}: nothing to add; it already knows what these cases teach")


def _merged(stored: list, given: list) -> list:
    """Return the stored cases, then each given case not among them (same label and words)."""
    seen = {(c.expect, c.text) for c in stored}
    out = list(stored)
    for case in given:
        if (case.expect, case.text) not in seen:
            seen.add((case.expect, case.text))
            out.append(case)
    return out


def _write_cases(path: Path, cases: list) -> None:
    """Write the cases file when it changes (atomically)."""
    import os

    from voice.flow.cases import format_cases

    text = format_cases(cases)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


@callflows.command("to-people")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("intent")
@click.option("--team", default=None, help="The team that takes it (default: the default team).")
@click.option("--undo", is_flag=True, help="Let the assistant answer it again.")
@click.option("--dry-run", is_flag=True, help="Print the diff only; leave the file as it is.")
def to_people(path: Path, intent: str, team: str | None, undo: bool, dry_run: bool) -> None:
    """Send INTENT's callers to people (or back to the assistant); write it, print the diff."""
    from voice.flow.edit import set_to_people

    try:
        diff = set_to_people(path, intent, on=not undo, team=team, dry_run=dry_run)
    except CallflowError as exc:
        fail(exc)
    click.echo(diff or f"{path}: already so; nothing changed")
    if diff and dry_run:
        click.echo(f"{path}: not written (--dry-run); run again without --dry-run to apply it")
    elif diff:
        click.echo(f"{path}: written; a running service reloads it within a few seconds")


@click.command("decide")
@click.option(
    "--callflow",
    "callflow_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Callflow YAML file.",
)
@click.option("--caller", default="", help="Caller's number (E.164), for lookups.")
@click.option("--jsonl", is_flag=True, help="Read one utterance per line from stdin.")
@click.option(
    "--confidence",
    default=1.0,
    type=click.FloatRange(0, 1),
    show_default=True,
    help="Recognition confidence to pretend.",
)
@click.option("--now", "now_text", default="", help="ISO time for hours (default: now, local).")
@click.option(
    "--turn",
    type=click.Choice(["first", "followup"]),
    default="first",
    show_default=True,
    help="Which turn of the call this is.",
)
@click.option(
    "--calls-today",
    default=0,
    type=click.IntRange(0),
    show_default=True,
    help="Earlier calls from this caller today.",
)
@click.argument("text", nargs=-1)
def decide_command(
    callflow_path: Path,
    caller: str,
    jsonl: bool,
    confidence: float,
    now_text: str,
    turn: str,
    calls_today: int,
    text: tuple[str, ...],
) -> None:
    """Print what the line would do with TEXT (or each stdin line): one JSON object each."""
    if not jsonl and not text:
        fail("give TEXT to decide on, or --jsonl to read utterances from stdin")
    try:
        callflow = load_callflow(callflow_path)
    except CallflowError as exc:
        fail(exc)
    context = CallerContext(
        number=caller, now=_now(callflow, now_text), calls_today=calls_today, turn=turn
    )
    lines = sys.stdin if jsonl else [" ".join(text)]
    for line in lines:
        if jsonl and not line.strip():
            continue
        said = _utterance_text(line.strip()) if jsonl else line
        decision = decide(callflow, Utterance(said, confidence=confidence), context)
        decision = _with_lookup(callflow, decision, caller, context)
        click.echo(json.dumps({"text": said, **decision.as_json()}, ensure_ascii=False))


def _utterance_text(line: str) -> str:
    """Return a JSONL line's text: a JSON string, {"text": …}, or the raw line."""
    if line[:1] in '{"':
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            return line
        if isinstance(value, str):
            return value
        if isinstance(value, dict) and isinstance(value.get("text"), str):
            return value["text"]
    return line


def _now(callflow: Callflow, text: str) -> dt.datetime:
    """Return --now in the business's timezone (naive means local), or the current time."""
    if not text:
        return dt.datetime.now(callflow.business.tz)
    try:
        return callflow.business.local(dt.datetime.fromisoformat(text))
    except ValueError:
        fail(f"--now: {text!r} is not an ISO time (fix: use e.g. 2025-03-01T10:30)")
        raise  # unreachable: fail() exits


def _with_lookup(
    callflow: Callflow, decision: Decision, caller: str, context: CallerContext
) -> Decision:
    """Run the decision's lookup when the lookups module and a caller are there."""
    if not decision.lookup or not caller:
        return decision
    try:
        from voice.calls.lookups import run_lookup
    except ImportError:
        return decision
    from sqlalchemy.exc import SQLAlchemyError

    try:
        data = run_lookup(decision.lookup, caller)
    except (LookupFailed, SQLAlchemyError) as exc:  # rule 4: a failed lookup goes to a person
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        click.secho(
            f"warning: lookup {decision.lookup} failed: {first_line}", fg="yellow", err=True
        )
        data = None
    return render_answer(callflow, decision, data, context)


def register(group: click.Group) -> None:
    """Add `callflows check` and `decide` to the `voice` command."""
    group.add_command(callflows)
    group.add_command(decide_command)

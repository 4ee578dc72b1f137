"""The validator names the file, the key, what is wrong and the fix, for every problem at once."""

import copy

import pytest
import yaml

from voice.errors import CallflowInvalid
from voice.flow import check_callflow, load_callflow

from .conftest import DATA, DEMO

BASE = {
    "version": 1,
    "name": "test-line",
    "business": {
        "name": "Test Shop",
        "timezone": "America/Chicago",
        "hours": {"mon-fri": "09:00-17:00", "sat-sun": "closed"},
    },
    "language": "en-US",
    "greeting": "Hi, I'm an automated assistant. Say 'agent' for a person.",
    "intents": {
        "store_hours": {
            "examples": ["what are your hours", "when do you close"],
            "answer": "We're open {business.hours_today} today.",
        },
        "order_status": {
            "examples": ["where is my order"],
            "lookup": "orders.latest_for_caller",
            "answer": "Your order {lookup.number} {lookup.status_phrase}.",
        },
    },
    "escalations": {
        "bereavement": {"examples": ["my husband passed away"], "team": "care", "priority": "high"}
    },
    "teams": {
        "general": {"default": True, "target": "+15005550101"},
        "care": {"target": "sip:care@pbx.example.com", "name": "customer care"},
    },
}


def write(tmp_path, data=None, text=None):
    path = tmp_path / "line.yaml"
    path.write_text(text if text is not None else yaml.safe_dump(data, sort_keys=False))
    return path


def changed(path: str, value):
    """Return BASE with the value at a dotted key path replaced (or removed when value is ...)."""
    data = copy.deepcopy(BASE)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return data


def problems(tmp_path, data=None, text=None):
    path = write(tmp_path, data, text)
    callflow, report = check_callflow(path)
    return callflow, report


def test_the_base_callflow_is_valid(tmp_path):
    callflow, report = problems(tmp_path, BASE)
    assert report.errors == []
    assert callflow is not None and callflow.name == "test-line"


@pytest.mark.parametrize(
    "path", sorted((DATA / "callflows").glob("*.yaml")) + [DEMO], ids=lambda p: p.name
)
def test_shipped_and_test_callflows_are_valid(path):
    callflow, report = check_callflow(path)
    assert [str(e) for e in report.errors] == []
    assert callflow is not None


def test_shipped_demo_has_no_warnings_either():
    _, report = check_callflow(DEMO)
    assert [str(w) for w in report.warnings] == []


CASES = [
    (changed("version", 2), "version", "unsupported version 2", "version: 1"),
    (changed("version", ...), "version", "is missing", "version: 1"),
    (changed("name", ...), "name", "is missing", "add `name:`"),
    (changed("name", "Test Line"), "name", "not a usable name", "lowercase"),
    (changed("greeting", ...), "greeting", "is missing", "add `greeting:`"),
    (changed("intents", ...), "intents", "is missing", "add `intents:`"),
    (changed("business", ...), "business", "is missing", "add `business:`"),
    (
        changed("business.timezone", "America/Chicgo"),
        "business.timezone",
        "unknown timezone",
        'did you mean "America/Chicago"',
    ),
    (
        changed("business.hours", {"mon-fri": "9-5"}),
        "business.hours.mon-fri",
        "cannot read the hours",
        "HH:MM-HH:MM",
    ),
    (
        changed("business.hours", {"mnday": "09:00-17:00"}),
        "business.hours.mnday",
        "unknown day",
        'did you mean "mon"',
    ),
    (changed("greting", "hello"), "greting", "unknown key", 'did you mean "greeting"'),
    (
        changed("intents.store_hours.exampels", ["x"]),
        "intents.store_hours.exampels",
        "unknown key",
        'did you mean "examples"',
    ),
    (
        changed("intents.store_hours.examples", "what are your hours"),
        "intents.store_hours.examples",
        "got one text",
        "list",
    ),
    (
        changed("intents.store_hours.examples", []),
        "intents.store_hours.examples",
        "non-empty list",
        "at least one",
    ),
    (
        changed("intents.store_hours.examples", ["ok", 42]),
        "intents.store_hours.examples[1]",
        "expected text, got a number",
        "quotes",
    ),
    (
        changed("intents.store_hours.answer", ...),
        "intents.store_hours.answer",
        "is missing",
        "add `answer:`",
    ),
    (
        changed("intents.store_hours.answer", "Open {business.hours_tody}."),
        "intents.store_hours.answer",
        "unknown placeholder {business.hours_tody}",
        "did you mean {business.hours_today}",
    ),
    (
        changed("intents.store_hours.answer", "Open {lookup.number}."),
        "intents.store_hours.answer",
        "has no lookup",
        "add `lookup:`",
    ),
    (
        changed("intents.order_status.answer", "Order {lookup.tracking}."),
        "intents.order_status.answer",
        "not a field of orders.latest_for_caller",
        "{lookup.number}",
    ),
    (
        changed("intents.store_hours.answer", "Open {business.name"),
        "intents.store_hours.answer",
        "unmatched",
        "{name}",
    ),
    (
        changed("intents.order_status.lookup", "orders.latest"),
        "intents.order_status.lookup",
        "unknown lookup 'orders.latest'",
        'did you mean "orders.latest_for_caller"',
    ),
    (changed("intents.order_status", None), "intents.order_status", "is missing", "add"),
    (
        changed("escalations.bereavement.team", "carre"),
        "escalations.bereavement.team",
        "team 'carre' is not in teams",
        'did you mean "care"',
    ),
    (
        changed("escalations.bereavement.priority", "asap"),
        "escalations.bereavement.priority",
        "unknown priority 'asap'",
        "urgent, high or normal",
    ),
    (
        changed("escalations.bereavement.topics", ["grief"]),
        "escalations.bereavement.topics[0]",
        "unknown topic",
        "bereavement",
    ),
    (changed("teams.general.default", False), "teams", "no default team", "default: true"),
    (changed("teams.care.default", True), "teams", "more than one default team", "one team only"),
    (
        changed("teams.care.target", "555-1234"),
        "teams.care.target",
        "not a phone number, SIP address or client",
        "E.164",
    ),
    (changed("teams.care.colour", "red"), "teams.care.colour", "unknown key", "allowed keys"),
    (changed("recording", True), "greeting", "does not mention it", "recorded"),
    (
        changed("greeting", "Welcome to Test Shop. How can I help?"),
        "greeting",
        "automated assistant",
        "automated",
    ),
    (
        changed("greeting", "Hi, I'm an automated assistant. How can I help?"),
        "greeting",
        "how to reach a person",
        "agent",
    ),
    (changed("confidence_threshold", 1.5), "confidence_threshold", "from 0 to 1", "between"),
    (changed("silence_timeout", "six"), "silence_timeout", "expected a number", "between"),
    (changed("numbers", ["5551234"]), "numbers[0]", "not a phone number", "E.164"),
    (changed("fallback_number", "call bob"), "fallback_number", "not a phone number", "E.164"),
    (
        changed("handoff", "Connecting you to {agent}."),
        "handoff",
        "unknown placeholder {agent}",
        "{team}",
    ),
    (
        changed("greeting_audio", "missing.wav"),
        "greeting_audio",
        "does not exist",
        "relative to the callflow",
    ),
    (
        changed("frustration", {"enabled": "yes"}),
        "frustration.enabled",
        "true or false",
        "true or false",
    ),
    (changed("repeat_caller", {"team": "nobody"}), "repeat_caller.team", "not in teams", "teams"),
    (changed("language", "english"), "language", "not a language tag", "en-US"),
]


@pytest.mark.parametrize(("data", "key", "problem", "fix"), CASES, ids=[c[1] for c in CASES])
def test_broken_callflow_names_file_key_and_fix(tmp_path, data, key, problem, fix):
    callflow, report = problems(tmp_path, data)
    assert callflow is None
    matching = [e for e in report.errors if e.key == key]
    assert matching, [str(e) for e in report.errors]
    error = matching[0]
    assert error.file == str(tmp_path / "line.yaml")
    assert problem in error.problem
    assert fix in error.fix


def test_every_problem_in_a_file_is_reported_not_just_the_first(tmp_path):
    data = changed("version", 3)
    data["intents"]["store_hours"]["answer"] = "Open {bogus}."
    data["escalations"]["bereavement"]["team"] = "nobody"
    data["business"]["timezone"] = "Mars/Base"
    _, report = problems(tmp_path, data)
    keys = {e.key for e in report.errors}
    assert {
        "version",
        "intents.store_hours.answer",
        "escalations.bereavement.team",
        "business.timezone",
    } <= keys


def test_load_callflow_raises_the_first_problem_and_counts_the_rest(tmp_path):
    data = changed("version", 3)
    data["business"]["timezone"] = "Mars/Base"
    with pytest.raises(CallflowInvalid) as caught:
        load_callflow(write(tmp_path, data))
    assert caught.value.key == "version"
    assert "and 1 more" in caught.value.problem
    assert "voice callflows check" in caught.value.problem


def test_yaml_syntax_error_names_the_line(tmp_path):
    text = "version: 1\nname: x\ngreeting: 'unclosed\nintents: {}\n"
    _, report = problems(tmp_path, text=text)
    assert len(report.errors) == 1
    assert "YAML syntax error at line" in report.errors[0].problem
    assert report.errors[0].fix


def test_yaml_tab_indentation_gets_a_specific_fix(tmp_path):
    _, report = problems(tmp_path, text="version: 1\nbusiness:\n\tname: x\n")
    assert "tabs" in report.errors[0].fix


@pytest.mark.parametrize(
    ("text", "problem"),
    [("", "the file is empty"), ("- a\n- b\n", "a list, not a mapping"), ("hello", "text")],
)
def test_a_file_that_is_not_a_mapping_gets_a_clear_message(tmp_path, text, problem):
    _, report = problems(tmp_path, text=text)
    assert report.errors[0].key == "(file)"
    assert problem in report.errors[0].problem
    assert "version, name, business" in report.errors[0].fix


def test_problems_carry_the_line_number(tmp_path):
    data = changed("escalations.bereavement.priority", "asap")
    _, report = problems(tmp_path, data)
    error = next(e for e in report.errors if e.key == "escalations.bereavement.priority")
    assert "(line " in error.problem


def test_duplicate_keys_are_an_error_not_silently_replaced(tmp_path):
    text = yaml.safe_dump(BASE, sort_keys=False) + "name: other-line\n"
    _, report = problems(tmp_path, text=text)
    assert any(e.key == "name" and "given twice" in e.problem for e in report.errors)


def test_unquoted_plus_number_explains_yaml_drops_the_plus(tmp_path):
    text = yaml.safe_dump(BASE, sort_keys=False) + "fallback_number: +15005550100\n"
    _, report = problems(tmp_path, text=text)
    error = next(e for e in report.errors if e.key == "fallback_number")
    assert "drops a leading +" in error.problem
    assert '"+15005550100"' in error.fix


def test_same_example_under_two_intents_is_an_error(tmp_path):
    data = copy.deepcopy(BASE)
    data["intents"]["order_status"]["examples"].append("What are your hours?")
    _, report = problems(tmp_path, data)
    error = next(e for e in report.errors if "also an example of" in e.problem)
    assert error.key == "intents.order_status.examples[1]"
    assert "intents.store_hours" in error.problem


def test_example_shared_by_intent_and_escalation_is_an_error(tmp_path):
    data = copy.deepcopy(BASE)
    data["escalations"]["bereavement"]["examples"].append("where is my order")
    _, report = problems(tmp_path, data)
    assert any("also an example of intents.order_status" in e.problem for e in report.errors)


def test_hours_placeholder_without_hours_is_an_error(tmp_path):
    data = changed("business.hours", ...)
    _, report = problems(tmp_path, data)
    error = next(e for e in report.errors if e.key == "intents.store_hours.answer")
    assert "business.hours" in error.problem


def test_zero_teams_implies_a_general_default(tmp_path):
    data = changed("teams", ...)
    data["escalations"]["bereavement"].pop("team")
    callflow, report = problems(tmp_path, data)
    assert report.errors == []
    assert callflow.default_team == "general"
    assert callflow.escalations["bereavement"].team == "general"


def test_a_single_team_is_the_default(tmp_path):
    data = changed("teams", {"front_desk": {"target": "+15005550101"}})
    data["escalations"]["bereavement"]["team"] = "front_desk"
    callflow, report = problems(tmp_path, data)
    assert report.errors == []
    assert callflow.default_team == "front_desk"


def test_missing_team_target_is_a_warning_not_an_error(tmp_path):
    data = changed("teams.care.target", ...)
    callflow, report = problems(tmp_path, data)
    assert callflow is not None
    warning = next(w for w in report.warnings if w.key == "teams.care.target")
    assert "FALLBACK_NUMBER" in warning.problem
    assert callflow.target_for("care") == ""


def test_team_target_falls_back_to_the_line_fallback_number(tmp_path):
    data = changed("teams.care.target", ...)
    data["fallback_number"] = "+15005550109"
    callflow, _ = problems(tmp_path, data)
    assert callflow.target_for("care") == "+15005550109"
    assert callflow.target_for("general") == "+15005550101"


@pytest.mark.parametrize(
    "target", ["+15551230001", "sip:care@pbx.example.com", "sips:a@b.example", "client:alice"]
)
def test_valid_targets_are_accepted(tmp_path, target):
    callflow, report = problems(tmp_path, changed("teams.care.target", target))
    assert report.errors == []
    assert callflow.teams["care"].target == target


def test_an_example_that_would_go_to_a_person_warns(tmp_path):
    data = copy.deepcopy(BASE)
    data["intents"]["order_status"]["examples"].append("i want to cancel my order")
    callflow, report = problems(tmp_path, data)
    assert callflow is not None
    warning = next(w for w in report.warnings if "cancel" in w.problem)
    assert warning.key == "intents.order_status.examples[1]"
    assert "escalation:cancellation" in warning.problem


def test_non_english_greeting_honesty_is_only_a_warning(tmp_path):
    data = changed("language", "fr-FR")
    data["greeting"] = "Bonjour, comment puis-je vous aider ?"
    callflow, report = problems(tmp_path, data)
    assert callflow is not None
    assert any(w.key == "greeting" for w in report.warnings)


def test_optional_keys_load_with_their_values(tmp_path):
    audio = tmp_path / "hello.wav"
    audio.write_bytes(b"RIFF")
    data = copy.deepcopy(BASE)
    data.update(
        voice="Polly.Joanna",
        greeting_audio="hello.wav",
        numbers=["+15005550100"],
        fallback_number="sip:desk@pbx.example.com",
        silence_timeout=4,
        confidence_threshold=0.7,
        followup="Anything else?",
        goodbye="Bye from {business.name}!",
        handoff="Putting you through to {team}.",
        recording=True,
        greeting="This automated assistant records calls. Say 'agent' for a person.",
        frustration={"enabled": True, "team": "care"},
        repeat_caller=False,
        human_words=["front desk"],
    )
    callflow, report = problems(tmp_path, data)
    assert report.errors == []
    assert callflow.voice == "Polly.Joanna"
    assert callflow.greeting_audio == audio.resolve()
    assert callflow.numbers == ("+15005550100",)
    assert callflow.fallback_number == "sip:desk@pbx.example.com"
    assert (callflow.silence_timeout, callflow.confidence_threshold) == (4.0, 0.7)
    assert callflow.goodbye == "Bye from Test Shop!"
    assert callflow.handoff_line("care") == "Putting you through to customer care."
    assert callflow.recording is True
    assert (callflow.frustration.team, callflow.repeat_caller.enabled) == ("care", False)
    assert callflow.human_words == ("front desk",)


def test_defaults_for_optional_keys(tmp_path):
    callflow, _ = problems(tmp_path, BASE)
    assert callflow.voice == ""
    assert callflow.greeting_audio is None
    assert callflow.numbers == ()
    assert callflow.silence_timeout == 6.0
    assert callflow.confidence_threshold == 0.5
    assert callflow.followup == "Is there anything else I can help with?"
    assert (
        callflow.handoff_line("general") == "Connecting you with someone on our general team now."
    )
    assert callflow.frustration.enabled and callflow.repeat_caller.enabled


def test_broken_files_in_test_data_fail_to_load():
    for path in sorted((DATA / "callflows" / "broken").glob("*.yaml")):
        with pytest.raises(CallflowInvalid):
            load_callflow(path)


@pytest.mark.parametrize(
    ("value", "got"),
    [(0, "got 0"), (-7, "got -7"), (30.5, "got 30.5"), ("90", "got text '90'"), (True, "got True")],
)
def test_retention_days_must_be_a_whole_number_of_days(tmp_path, value, got):
    callflow, report = problems(tmp_path, changed("retention_days", value))
    assert callflow is None
    (error,) = [e for e in report.errors if e.key == "retention_days"]
    assert error.file == str(tmp_path / "line.yaml")
    assert error.problem.startswith(f"expected a whole number, 1 or more, {got} (line ")
    assert "retention_days: 90" in error.fix and "RETENTION_DAYS" in error.fix


def test_retention_days_is_per_line_and_defaults_to_the_setting(tmp_path):
    callflow, report = problems(tmp_path, changed("retention_days", 30))
    assert report.errors == [] and callflow.retention_days == 30
    assert problems(tmp_path, BASE)[0].retention_days is None  # purge uses RETENTION_DAYS


def test_recording_needs_a_greeting_that_says_calls_are_recorded(tmp_path):
    data = changed("recording", True)
    callflow, report = problems(tmp_path, data)
    assert callflow is None
    (error,) = [e for e in report.errors if e.key == "greeting"]
    assert "`recording: true` but the greeting does not mention it" in error.problem
    data["greeting"] = (
        "Hi, I'm an automated assistant; calls are recorded. Say 'agent' for a person."
    )
    assert problems(tmp_path, data)[1].errors == []


def test_listening_rules_load_and_default_to_the_measured_values(tmp_path):
    callflow, report = problems(
        tmp_path, changed("listening", {"end_silence_ms": 700, "phrase_silence_ms": 400})
    )
    assert report.errors == []
    assert (callflow.listening.end_silence_ms, callflow.listening.phrase_silence_ms) == (700, 400)
    default, _ = problems(tmp_path, BASE)
    assert (default.listening.end_silence_ms, default.listening.phrase_silence_ms) == (500, 300)


@pytest.mark.parametrize(
    ("listening", "key", "problem", "fix"),
    [
        ({"end_silence_ms": 50}, "listening.end_silence_ms", "from 200 to 3000, got 50",
         "listening: {end_silence_ms: 500"),
        ({"end_silence_ms": "0.5s"}, "listening.end_silence_ms", "got text '0.5s'",
         "milliseconds"),
        ({"phrase_silence_ms": True}, "listening.phrase_silence_ms", "whole milliseconds",
         "milliseconds"),
        ({"end_silence_ms": 400, "phrase_silence_ms": 600}, "listening.phrase_silence_ms",
         "longer than end_silence_ms", "no longer than end_silence_ms"),
        ({"end_silence": 500}, "listening.end_silence", "unknown key", "end_silence_ms"),
        ("fast", "listening", "expected a mapping", "indent the keys"),
    ],
)  # fmt: skip
def test_bad_listening_rules_name_the_file_key_and_fix(tmp_path, listening, key, problem, fix):
    callflow, report = problems(tmp_path, changed("listening", listening))
    assert callflow is None
    error = next((e for e in report.errors if e.key == key), None)
    assert error is not None, [str(e) for e in report.errors]
    assert problem in error.problem and fix in error.fix
    assert "line.yaml" in str(error)

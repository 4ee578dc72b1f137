"""Loading a folder of callflows, and finding the one that answers a number."""

import shutil

import pytest

from voice.errors import CallflowInvalid, CallflowNotFound
from voice.flow import callflow_for_number, load_callflows

from .conftest import DEMO, KOREAN


@pytest.fixture
def folder(tmp_path):
    shutil.copy(DEMO, tmp_path / DEMO.name)
    shutil.copy(KOREAN, tmp_path / KOREAN.name)
    (tmp_path / "notes.txt").write_text("not a callflow")
    return tmp_path


def test_load_callflows_returns_every_callflow_by_name(folder):
    callflows = load_callflows(folder)
    assert sorted(callflows) == ["acme-outfitters", "ko-store"]
    assert callflows["ko-store"].language == "ko-KR"


def test_the_callflow_listing_a_number_answers_it(folder):
    callflows = load_callflows(folder)
    assert callflow_for_number(callflows, "+15005550100").name == "acme-outfitters"


def test_unlisted_numbers_go_to_the_default_callflow(folder):
    callflows = load_callflows(folder)
    assert callflow_for_number(callflows, "+19999999999", default="ko-store").name == "ko-store"
    assert callflow_for_number(callflows, "+19999999999").name == "acme-outfitters"
    with pytest.raises(CallflowNotFound):
        callflow_for_number(callflows, "+19999999999", default="missing")


def test_two_callflows_with_one_name_are_rejected(folder):
    shutil.copy(DEMO, folder / "copy.yml")
    with pytest.raises(CallflowInvalid) as caught:
        load_callflows(folder)
    assert caught.value.key in {"name", "numbers"}


def test_a_number_claimed_twice_is_rejected(folder):
    text = DEMO.read_text().replace("name: acme-outfitters", "name: acme-two")
    (folder / "two.yaml").write_text(text)
    with pytest.raises(CallflowInvalid) as caught:
        load_callflows(folder)
    assert (caught.value.key, "+15005550100" in caught.value.problem) == ("numbers", True)


def test_an_invalid_file_stops_the_folder_loading(folder):
    (folder / "bad.yaml").write_text("version: 2\n")
    with pytest.raises(CallflowInvalid) as caught:
        load_callflows(folder)
    assert caught.value.file.endswith("bad.yaml")


@pytest.mark.parametrize("make", [lambda p: p / "missing", lambda p: p])
def test_a_missing_or_empty_folder_is_reported(tmp_path, make):
    with pytest.raises(CallflowNotFound):
        load_callflows(make(tmp_path))


def test_callflow_accessors_for_telephony(folder):
    demo = load_callflows(folder)["acme-outfitters"]
    assert demo.default_team == "general"
    assert demo.team(None).key == "general"
    assert demo.team("nonexistent").key == "general"
    assert demo.teams["care"].display_name == "customer care"
    assert demo.target_for("care") == "sip:care@pbx.example.com"
    assert demo.target_for("orders") == "client:orders-desk"
    assert demo.handoff_line("security") == (
        "Connecting you with someone on our account security team now."
    )
    assert (demo.voice, demo.fallback_number, demo.business.timezone) == (
        "Polly.Joanna",
        "+15005550109",
        "America/Chicago",
    )

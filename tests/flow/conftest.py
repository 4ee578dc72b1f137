import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from voice.flow import CallerContext, Callflow, load_callflow

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
DEMO = ROOT / "callflows" / "acme-outfitters.yaml"
DESIGN_EXAMPLE = DATA / "callflows" / "design-example.yaml"
KOREAN = DATA / "callflows" / "ko-store.yaml"
DENTAL = DATA / "callflows" / "dental-clinic.yaml"
CHICAGO_WEDNESDAY_NOON = dt.datetime(2025, 3, 5, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=-6)))


@pytest.fixture(scope="session")
def demo() -> Callflow:
    return load_callflow(DEMO)


@pytest.fixture(scope="session")
def example() -> Callflow:
    return load_callflow(DESIGN_EXAMPLE)


@pytest.fixture(scope="session")
def korean() -> Callflow:
    return load_callflow(KOREAN)


@pytest.fixture(scope="session")
def dental() -> Callflow:
    return load_callflow(DENTAL)


@pytest.fixture
def open_now() -> CallerContext:
    """A Wednesday at noon in Chicago: the demo store is open."""
    return CallerContext(number="+15551234567", now=CHICAGO_WEDNESDAY_NOON)


def words_only(callflow: Callflow) -> Callflow:
    """Return a copy of the line as it decides with no understanding model installed."""
    copy = replace(callflow)
    copy.__dict__["understanding"] = None  # a cached property: this copy never loads one
    return copy


@pytest.fixture(scope="session")
def demo_words(demo) -> Callflow:
    return words_only(demo)

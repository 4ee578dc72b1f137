"""Check that a line's shipped confidence reads only features its understanding computes."""

from __future__ import annotations

from voice.flow.model import Callflow
from voice.flow.text import normalise


def missing_features(callflow: Callflow, probe: str = "where are you located") -> list[str]:
    """Return the confidence's features that a reading of `probe` lacks (none is right)."""
    index, calibration = callflow.understanding, callflow.calibration
    if index is None or calibration is None:
        return []
    text = normalise(probe, callflow.lexicon)
    reading = index.read(text, callflow.matcher.rank(text))
    return [name for name in calibration.features if name not in reading.features]

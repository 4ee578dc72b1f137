"""The learned confidence: how likely the closest intent is the one the caller wants.

A logistic model over the features that understand.py reads off an utterance. Its few numbers
were fitted offline on the project's labelled benchmark lines, never on the line being scored
(bench/understanding/train_confidence.py reproduces them), and ship in confidence.json, one
entry per embedding model: the features only mean the same thing for the model they came from.
The operating point was chosen for at most 0.5% wrong answers on the lines it was fitted on,
because a point picked at exactly 1% landed above 1% on unseen lines.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CALIBRATIONS = Path(__file__).with_name("confidence.json")


@dataclass(frozen=True)
class Calibration:
    """One embedding model's confidence: standardised features, weights and the answer bar."""

    model_id: str
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float  # answer when the probability is at least this

    def probability(self, values: dict[str, float]) -> float:
        """Return the probability that the closest intent is right."""
        z = self.bias
        for name, mean, scale, weight in zip(
            self.features, self.mean, self.scale, self.weights, strict=True
        ):
            z += weight * (values.get(name, 0.0) - mean) / scale
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def as_json(self) -> dict:
        """Return the shape stored in confidence.json."""
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, model_id: str, data: dict) -> Calibration:
        """Build a calibration from its stored shape."""
        return cls(
            model_id,
            tuple(data["features"]),
            tuple(float(x) for x in data["mean"]),
            tuple(float(x) for x in data["scale"]),
            tuple(float(x) for x in data["weights"]),
            float(data["bias"]),
            float(data["threshold"]),
        )


@cache
def calibration_for(model_id: str) -> Calibration | None:
    """Return the shipped calibration for an embedding model; None when it has none."""
    try:
        stored = json.loads(CALIBRATIONS.read_text())
    except (OSError, ValueError):
        return None
    entry = stored.get("models", {}).get(model_id)
    return Calibration.from_json(model_id, entry) if entry else None

"""Fit the learned confidence on the project's labelled lines and write voice/flow/confidence.json.

Run: python bench/understanding/train_confidence.py [--dry-run]

It needs the understanding model (`voice models download nlu-en`). The fit uses the eleven
benchmark lines (bench/understanding, heldout, heldout2); heldout3 and heldout4 are never used,
so they stay blind. It prints leave-one-line-out figures: each line scored by a fit that never
saw it, at the same 0.5% target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from calibrate import TARGET, fit, line_rows, rows_for  # noqa: E402
from lines import TRAINING_SETS, load_lines  # noqa: E402

from voice.flow.confidence import CALIBRATIONS  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dry-run", action="store_true", help="print, do not write the file")
    args = parser.parse_args()
    lines = load_lines(TRAINING_SETS)
    model_id = lines[0].callflow.understanding.embedder.id
    rows = {line.callflow.name: line_rows(line) for line in lines}
    cold = {line.callflow.name: rows_for(line.callflow, line.as_cases()) for line in lines}
    # every case is scored twice: as the line is, and as if taught the other half
    sizes = {line.callflow.name: 2 * len(line.cases) for line in lines}
    every = [r for rs in rows.values() for r in rs]
    shipped = fit(every, sum(sizes.values()), model_id)
    weight = shipped.weights[shipped.features.index("weak_part")]
    assert weight <= 0, (
        f"weak_part must lower the confidence (weight {weight}); decide relies on it"
    )
    print(f"fitted on {len(lines)} lines, {len(every)} rows; answer bar {shipped.threshold:.3f}")
    right = wrong = taught_right = taught_wrong = 0
    for name in rows:
        others = [r for n, rs in rows.items() if n != name for r in rs]
        held = fit(others, sum(s for n, s in sizes.items() if n != name), model_id)
        answered = [r for r in cold[name] if _p(held, r) >= held.threshold]
        r, w = sum(x.right for x in answered), sum(not x.right for x in answered)
        right, wrong = right + r, wrong + w
        taught = [x for x in rows[name][len(cold[name]) :] if _p(held, x) >= held.threshold]
        taught_right += sum(x.right for x in taught)
        taught_wrong += sum(not x.right for x in taught)
        print(f"  {name:28} bar {held.threshold:.3f}  answered right {r:3}  wrong {w}")
    answerable = sum(c.expect.startswith("answer:") for line in lines for c in line.as_cases())
    print(
        f"leave one line out, untaught: {right}/{answerable} answered right, {wrong} wrong of "
        f"{sum(sizes.values()) // 2} utterances"
    )
    print(
        f"leave one line out, taught from the other half: {taught_right}/{answerable} right, "
        f"{taught_wrong} wrong"
    )
    if args.dry_run:
        return 0
    stored = json.loads(CALIBRATIONS.read_text()) if CALIBRATIONS.exists() else {"models": {}}
    entry = shipped.as_json()
    entry["fitted"] = {
        "on": sorted(rows),
        "rows": len(every),
        "utterances": sum(sizes.values()) // 2,
        "target_wrong": TARGET,
        "date": dt.date.today().isoformat(),
        "by": "bench/understanding/train_confidence.py",
    }
    stored["models"][model_id] = entry
    CALIBRATIONS.write_text(json.dumps(stored, indent=1) + "\n")
    print(f"wrote {CALIBRATIONS.relative_to(ROOT)}")
    return 0


def _p(calibration, row) -> float:
    return calibration.probability(dict(zip(calibration.features, row.features, strict=True)))


if __name__ == "__main__":
    sys.exit(main())

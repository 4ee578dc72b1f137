"""The loaded lines follow their files: a taught or edited callflow is used without a restart."""

import os
import shutil
import time
from pathlib import Path

from voice.calls import lines as lines_module
from voice.calls.lines import Lines

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "callflows" / "acme-outfitters.yaml"


def wait_for(check, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def touch_later(path: Path, text: str) -> None:
    path.write_text(text)
    later = time.time() + 5
    os.utime(path, (later, later))


def test_a_changed_callflow_file_is_picked_up_by_the_running_service(tmp_path, monkeypatch):
    monkeypatch.setattr(lines_module, "WATCH_S", 0.0)
    shutil.copy(DEMO, tmp_path / DEMO.name)
    lines = Lines(tmp_path)
    lines.load()
    text = (tmp_path / DEMO.name).read_text().replace("name: Acme Outfitters", "name: Acme Outdoor")
    touch_later(tmp_path / DEMO.name, text)
    assert wait_for(lambda: lines.for_number("+1").business.name == "Acme Outdoor")


def test_a_file_broken_by_an_edit_keeps_the_last_good_version_running(tmp_path, monkeypatch):
    monkeypatch.setattr(lines_module, "WATCH_S", 0.0)
    shutil.copy(DEMO, tmp_path / DEMO.name)
    lines = Lines(tmp_path)
    lines.load()
    touch_later(tmp_path / DEMO.name, "version: 1\nname: [broken\n")
    assert wait_for(lambda: lines.for_number("+1") and "last good version" in str(lines.problems))
    assert lines.names == ["acme-outfitters"]
    assert lines.for_number("+1").business.name == "Acme Outfitters"

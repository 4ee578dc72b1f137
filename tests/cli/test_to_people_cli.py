"""`voice callflows to-people`: writes the file and prints the diff; --dry-run only prints it."""

import shutil

from click.testing import CliRunner

from voice.cli import main
from voice.flow import load_callflow

from conftest import ROOT


def test_to_people_writes_the_file_and_dry_run_only_prints_the_diff(tmp_path):
    acme = tmp_path / "acme-outfitters.yaml"
    shutil.copy(ROOT / "callflows" / "acme-outfitters.yaml", acme)
    before = acme.read_bytes()
    args = ["callflows", "to-people", str(acme), "price_match", "--team", "orders"]

    dry = CliRunner().invoke(main, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "+    to_people: true" in dry.output and "not written (--dry-run)" in dry.output
    assert acme.read_bytes() == before
    assert not list(tmp_path.glob(".*edit"))  # the checked copy is gone too

    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0, done.output
    assert "+    to_people: true" in done.output and "written" in done.output
    assert load_callflow(acme).intents["price_match"].to_people

    back = CliRunner().invoke(main, ["callflows", "to-people", str(acme), "price_match", "--undo"])
    assert back.exit_code == 0, back.output
    assert not load_callflow(acme).intents["price_match"].to_people

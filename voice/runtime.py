"""Everything one service process shares: settings, store, lines, speech, call service."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from voice.calls.journal import Journal
from voice.calls.lines import Lines
from voice.calls.live import TurnDeps
from voice.calls.service import CallService
from voice.calls.slots import StreamSlots
from voice.calls.speech import Prompts, SpeechProvider
from voice.routing.events import Bus, make_bus
from voice.routing.floor import Floor
from voice.routing.ports import CallControl, SurveySender
from voice.settings import Settings
from voice.store.db import Database
from voice.telephony.rest import PublicBase, make_call_control
from voice.telephony.survey import make_survey_sender
from voice.telephony.tokens import StreamTokens

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Process-wide services, built once by create_app()."""

    settings: Settings
    db: Database
    lines: Lines
    speech: SpeechProvider
    prompts: Prompts
    service: CallService
    tokens: StreamTokens
    auth_token: str
    secret_key: str
    bus: Bus
    floor: Floor
    control: CallControl  # Twilio's REST API, or the recording fake (TWILIO_REST=fake)
    public_base: PublicBase
    surveys: SurveySender | None = None  # SMS and voice surveys after a call with a person
    streams: StreamSlots = field(default_factory=lambda: StreamSlots(24))  # live streams, capped

    @property
    def turn(self) -> TurnDeps:
        """Return what a live turn needs from this process (calls/ never sees the runtime)."""
        return TurnDeps(
            self.service,
            self.prompts,
            self.speech,
            idle_timeout_s=self.settings.stream_idle_timeout_s,
            max_s=self.settings.stream_max_s,
            gate_speech=self.settings.vad_gating,
        )

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        """Wire the services for `settings`."""
        secrets = settings.dev_secrets()
        db = Database.from_settings(settings)  # every wait bounded by DB_*_TIMEOUT_S
        lines = Lines(settings.callflows_dir, settings.default_callflow, settings.open_hours)
        lines.load()
        speech, prompts = SpeechProvider(settings), Prompts(settings)
        bus = make_bus(settings.redis_url, settings.redis_timeout_s, settings.outbox_max)
        base = PublicBase(settings.public_base_url)
        control = make_call_control(
            settings.twilio_rest,
            settings.twilio_account_sid,
            secrets["twilio_auth_token"],
            base,
            timeout_s=settings.rest_timeout_s,
        )
        if settings.twilio_rest not in ("", "twilio", "fake"):
            log.warning("TWILIO_REST=%s: use twilio or fake; using %s", settings.twilio_rest,
                        type(control).__name__)  # fmt: skip
        surveys = make_survey_sender(
            settings.twilio_rest,
            settings.twilio_account_sid,
            secrets["twilio_auth_token"],
            base,
            timeout_s=settings.rest_timeout_s,
        )
        floor = Floor(db, lines, bus, control, surveys=surveys)
        streams = StreamSlots(settings.max_streams)
        service = CallService(
            db,
            lines,
            settings.fallback_number,
            has_model=speech.has_model,
            streams_greeting=lambda callflow: prompts.greeting(callflow) is not None,
            floor=floor,
            journal=Journal(settings.var_dir / "journal"),
            streams_full=streams.full,
            count_simulated_calls=not settings.demo_mode,
        )
        return cls(
            settings,
            db,
            lines,
            speech,
            prompts,
            service,
            StreamTokens(secrets["secret_key"]),
            secrets["twilio_auth_token"],
            secrets["secret_key"],
            bus,
            floor,
            control,
            base,
            surveys,
            streams,
        )

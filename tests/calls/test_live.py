"""How a live turn is configured from the service's settings."""

import pytest

from tests_support import incoming_params


@pytest.mark.parametrize("gating", [False, True])
def test_voice_gating_follows_the_vad_gating_setting(make_app, monkeypatch, gating):
    import voice.calls.live as live

    app = make_app(vad_gating=gating)
    rt = app.extensions["voice"]
    params = incoming_params(simulated=True)
    rt.service.start(params["CallSid"], params["From"], params["To"], "text")
    seen = {}

    class Captured(Exception):
        pass

    def runner(*_args, **kwargs):
        seen.update(kwargs)
        raise Captured

    monkeypatch.setattr(live, "StreamRunner", runner)

    class Quiet:
        def play(self, ulaw, mark):
            pass

    live.run_turn(Quiet(), rt.turn, params["CallSid"], "greeting", "text")
    assert seen["gate_speech"] is gating
    assert seen["idle_timeout_s"] == rt.settings.stream_idle_timeout_s

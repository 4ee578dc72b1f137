"""CSAT surveys: the end-of-call rating, and SMS or voice surveys an agent asks for at wrap-up."""

import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa
from floor_support import add_agents, ask, set_open

from voice.calls.phrases import ENGLISH
from voice.calls.surveys import parse_score
from voice.routing.agents import FloorError
from voice.store.models import SurveyResponse, WrapUp

CALLER = "+15555550177"


@pytest.fixture
def rt(app, monkeypatch):
    set_open(monkeypatch)
    return app.extensions["voice"]


def wrapped_up(rt, survey):
    """Have a caller reach an agent and the agent wrap up asking for a survey."""
    (agent_id,) = add_agents(rt.floor, 1)
    sid, _plan = ask(rt, "agent please", caller=CALLER)
    call_id = rt.floor.agent(agent_id)["call_id"]
    return sid, call_id, rt.floor.wrap_up(agent_id, call_id, "resolved", True, survey=survey)


def responses(db):
    with db.session() as s:
        return [(r.channel, r.path, r.score, r.raw) for r in s.scalars(sa.select(SurveyResponse))]


@pytest.mark.parametrize(
    ("text", "score"),
    [("4", 4), ("four", 4), ("I'd say 5 stars", 5), ("one", 1), ("9", None), ("great", None)],
)
def test_a_rating_is_read_from_digits_or_words(text, score):
    assert parse_score(text) == score


def test_an_sms_survey_is_sent_from_the_line_and_the_reply_is_stored(rt, twilio_post, db):
    _sid, call_id, out = wrapped_up(rt, "sms")
    assert out["survey_sent"]
    (sent,) = rt.surveys.sent
    assert (sent.channel, sent.to, sent.from_) == ("sms", CALLER, "+15005550100")
    assert "1 (poor) to 5 (great)" in sent.body
    reply = twilio_post("/twilio/survey/sms", {"From": CALLER, "Body": "5 thanks!"})
    assert "Thank you for rating us." in reply.text
    assert responses(db) == [("sms", "human", 5, "5 thanks!")]
    with db.session() as s:
        assert s.scalars(sa.select(WrapUp.survey)).one() == "sms"


def test_an_sms_without_a_number_is_asked_once_more_and_strangers_are_ignored(rt, twilio_post, db):
    wrapped_up(rt, "sms")
    assert (
        ENGLISH.rate_again
        in twilio_post("/twilio/survey/sms", {"From": CALLER, "Body": "great"}).text
    )
    stranger = twilio_post("/twilio/survey/sms", {"From": "+15125550000", "Body": "1"})
    assert "<Message>" not in stranger.text
    assert responses(db) == []


def test_a_voice_survey_call_asks_the_question_and_stores_the_spoken_rating(rt, twilio_post, db):
    _sid, call_id, _out = wrapped_up(rt, "voice")
    (sent,) = rt.surveys.sent
    assert sent.channel == "voice" and sent.url.endswith(f"/twilio/survey/voice?call={call_id}")
    form = {"CallSid": "CA" + "1" * 32, "From": "+15005550100", "To": CALLER}
    path = f"/twilio/survey/voice?call={call_id}"
    gather = ET.fromstring(twilio_post(path, form).text).find("Gather")
    assert gather.get("input") == "dtmf speech" and gather.get("numDigits") == "1"
    assert gather.get("action").endswith(path)
    done = twilio_post(path, {**form, "SpeechResult": "four"}).text
    assert "Thank you for rating us." in done and "<Hangup" in done
    assert responses(db) == [("voice", "human", 4, "four")]


def test_a_wrap_up_refuses_an_unknown_survey_channel(rt):
    (agent_id,) = add_agents(rt.floor, 1)
    ask(rt, "agent please", caller=CALLER)
    call_id = rt.floor.agent(agent_id)["call_id"]
    with pytest.raises(FloorError, match="survey 'email'"):
        rt.floor.wrap_up(agent_id, call_id, "resolved", True, survey="email")


def test_a_wrap_up_without_a_survey_sends_nothing(rt):
    _sid, _call_id, out = wrapped_up(rt, None)
    assert "survey_sent" not in out and rt.surveys.sent == []


def test_an_unclear_spoken_rating_ends_politely_without_a_reprompt(rt, twilio_post, db):
    sid, _plan = ask(rt, "what time do you close today")
    form = {"CallSid": sid, "From": CALLER, "To": "+15555550000", "SpeechResult": "hmm maybe"}
    root = ET.fromstring(twilio_post("/twilio/survey/voice", form).text)
    assert root.find("Gather") is None and root.find("Hangup") is not None
    assert responses(db) == []


def test_survey_webhooks_need_twilios_signature(client):
    assert client.post("/twilio/survey/sms", data={"From": CALLER, "Body": "5"}).status_code == 403
    assert client.post("/twilio/survey/voice", data={"CallSid": "CA1"}).status_code == 403

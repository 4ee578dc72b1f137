"""The caller's rights (DESIGN.md) as decide() outcomes: who goes to a person, and why."""

import pytest

from voice.flow import CallerContext, Utterance, decide

STRONG = [
    "agent",
    "Agent!",
    "agents",
    "a gent",
    "person",
    "i need a person",
    "can i talk to a real person",
    "live person please",
    "representative",
    "represent a tive",
    "human",
    "let me talk to a human being",
    "operator",
    "opera tor",
    "customer service",
    "customer support please",
    "can i speak to someone",
    "i want to talk to somebody",
    "transfer me please",
    "can i get a person on the phone",
    "i need a person who can help me with my bill",
    "um, could you put me through to an agent?",
]
# 8 kHz mishearings of "agent" and bare words that only mean "a person" when said alone.
SHORT_ONLY = ["asian", "uh asian please", "age and", "someone", "zero", "0", "somebody please"]
HUMAN_PHRASES = STRONG + SHORT_ONLY


@pytest.mark.parametrize("said", HUMAN_PHRASES)
def test_saying_agent_transfers_at_once(demo, open_now, said):
    decision = decide(demo, Utterance(said), open_now)
    assert decision.action == "transfer"
    assert decision.reason == "asked_for_human"
    assert decision.team == "general"
    assert decision.say == "Connecting you with someone on our customer service team now."


@pytest.mark.parametrize("said", STRONG)
def test_asking_for_a_person_beats_a_confident_intent(demo, open_now, said):
    decision = decide(demo, Utterance(f"{said} what are your hours"), open_now)
    assert (decision.action, decision.reason) == ("transfer", "asked_for_human")


@pytest.mark.parametrize(
    "said",
    [
        "my order number is zero four five one two",
        "do you sell asian style cooking pots for camping",
        "someone told me you rent kayaks on weekends",
    ],
)
def test_mishearings_and_bare_words_in_long_sentences_do_not_ask_for_a_person(demo, open_now, said):
    assert decide(demo, Utterance(said), open_now).reason != "asked_for_human"


@pytest.mark.parametrize("said", HUMAN_PHRASES)
def test_asking_for_a_person_works_on_the_followup_turn_too(demo, said):
    decision = decide(demo, Utterance(said), CallerContext(turn="followup"))
    assert (decision.action, decision.reason) == ("transfer", "asked_for_human")


@pytest.mark.parametrize("keys", ["0", "1", "9", "*", "#", "12"])
def test_pressing_any_key_reaches_a_person(demo, open_now, keys):
    decision = decide(demo, Utterance("what are your hours", dtmf=keys), open_now)
    assert (decision.action, decision.reason, decision.team) == (
        "transfer",
        "asked_for_human",
        "general",
    )
    assert decision.detail["dtmf"] == keys


@pytest.mark.parametrize(
    "said",
    [
        "is my personal information safe",
        "can i return it in person",
        "what's on the agenda",
        "do you price per person",
        "i want to buy a zero degree sleeping bag for my trip",
    ],
)
def test_words_that_merely_contain_human_words_do_not_ask_for_one(demo, open_now, said):
    assert decide(demo, Utterance(said), open_now).reason != "asked_for_human"


ESCALATIONS = [
    ("my husband passed away", "bereavement", "care", "high"),
    ("we lost my grandmother yesterday", "bereavement", "care", "high"),
    ("my dad died last week and i need to sort out his account", "bereavement", "care", "high"),
    ("i'm calling about my late wife's order", "bereavement", "care", "high"),
    ("there's a charge i never made", "fraud", "security", "urgent"),
    ("there is a charge on my card i don't recognize", "fraud", "security", "urgent"),
    ("someone used my card", "fraud", "security", "urgent"),
    ("my account was hacked", "fraud", "security", "urgent"),
    ("i think this is a scam", "fraud", "security", "urgent"),
    ("my wallet was stolen and they bought stuff", "fraud", "security", "urgent"),
    ("my son got hurt on your bike rack", "product_injury", "care", "urgent"),
    ("the stove burned my hand", "product_injury", "care", "urgent"),
    ("my kid had an allergic reaction to the gloves", "product_injury", "care", "urgent"),
    ("i want to file a complaint", "complaint", "care", "high"),
    ("please cancel my order", "complaint", "care", "high"),
    ("i want to speak to your manager", "complaint", "care", "high"),
    ("your cashier was rude", "complaint", "care", "high"),
    ("i'd like to buy in bulk for my company", "wholesale", "orders", "normal"),
]


@pytest.mark.parametrize(("said", "name", "team", "priority"), ESCALATIONS)
def test_sensitive_topics_skip_the_bot_with_team_and_priority(
    demo, open_now, said, name, team, priority
):
    decision = decide(demo, Utterance(said), open_now)
    assert decision.action == "transfer"
    assert decision.reason == f"escalation:{name}"
    assert (decision.team, decision.priority) == (team, priority)
    assert decision.say == demo.handoff_line(team)


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("my husband passed away, where is his order", "escalation:bereavement"),
        ("where is my order, there's a charge i never made", "escalation:fraud"),
        ("what are your hours, i want to cancel my order", "escalation:complaint"),
        ("i got hurt on a kayak i rented", "escalation:product_injury"),
    ],
)
def test_escalation_beats_intent_in_same_utterance(demo, open_now, said, reason):
    decision = decide(demo, Utterance(said), open_now)
    assert (decision.action, decision.reason) == ("transfer", reason)


def test_a_sensitive_topic_without_an_escalation_still_goes_to_a_person(example, open_now):
    decision = decide(example, Utterance("someone hacked my account"), open_now)
    assert (decision.action, decision.reason) == ("transfer", "escalation:fraud")
    assert (decision.team, decision.priority) == ("general", "high")


def test_asking_for_a_person_about_a_sensitive_topic_reaches_that_team(demo, open_now):
    decision = decide(demo, Utterance("i need a person, there's a charge i never made"), open_now)
    assert (decision.reason, decision.team, decision.priority) == (
        "asked_for_human",
        "security",
        "urgent",
    )


def test_naming_a_team_reaches_that_team(demo, open_now):
    decision = decide(demo, Utterance("account security please"), open_now)
    assert (decision.reason, decision.team) == ("asked_for_human", "security")


@pytest.mark.parametrize(
    "said",
    [
        "this is ridiculous",
        "this is the third time i'm calling",
        "you are useless",
        "i'm so frustrated with you",
        "i'm sick and tired of waiting",
        "are you kidding me",
        "what a waste of time",
    ],
)
def test_frustration_goes_to_a_person_with_priority(demo, open_now, said):
    decision = decide(demo, Utterance(said), open_now)
    assert (decision.action, decision.reason, decision.priority) == (
        "transfer",
        "frustration",
        "high",
    )


def test_frustration_can_be_turned_off_per_callflow(demo, open_now):
    from dataclasses import replace

    from voice.flow import Switch

    calm = replace(demo, frustration=Switch(enabled=False)).compile()
    assert decide(calm, Utterance("this is ridiculous"), open_now).reason != "frustration"


def test_frustration_goes_to_its_configured_team(demo, open_now):
    from dataclasses import replace

    from voice.flow import Switch

    routed = replace(demo, frustration=Switch(team="care")).compile()
    assert decide(routed, Utterance("this is useless"), open_now).team == "care"


def test_a_caller_who_rang_earlier_today_goes_to_a_person(demo, open_now):
    from dataclasses import replace

    again = replace(open_now, calls_today=1)
    decision = decide(demo, Utterance("what are your hours"), again)
    assert (decision.action, decision.reason, decision.priority) == (
        "transfer",
        "repeat_caller",
        "high",
    )


def test_repeat_caller_rule_can_be_turned_off(demo, open_now):
    from dataclasses import replace

    from voice.flow import Switch

    relaxed = replace(demo, repeat_caller=Switch(enabled=False)).compile()
    decision = decide(relaxed, Utterance("what are your hours"), replace(open_now, calls_today=2))
    assert (decision.action, decision.intent) == ("answer", "store_hours")


@pytest.mark.parametrize("said", ["", "   ", "um", "uh uh", "[unk]", "..."])
def test_silence_or_noise_goes_to_a_person(demo, open_now, said):
    decision = decide(demo, Utterance(said, confidence=0.0 if not said.strip() else 1.0), open_now)
    assert (decision.action, decision.reason, decision.team) == ("transfer", "silence", "general")


@pytest.mark.parametrize("confidence", [0.0, 0.2, 0.49])
def test_low_recognition_confidence_goes_to_a_person(demo, open_now, confidence):
    decision = decide(demo, Utterance("what are your hours", confidence=confidence), open_now)
    assert (decision.action, decision.reason) == ("transfer", "low_confidence")


def test_confidence_at_the_threshold_is_answered(demo, open_now):
    decision = decide(demo, Utterance("what are your hours", confidence=0.5), open_now)
    assert decision.action == "answer"


@pytest.mark.parametrize(
    "said",
    [
        "do you sell cars",
        "what's the weather",
        "what's the weather like tomorrow",
        "can you book me a flight",
        "i need a plumber",
        "is this the pizza place",
        "tell me a joke",
        "are you hiring",
        "what's the meaning of life",
        "hello",
        "yes",
        "can i pay my electric bill",
    ],
)
def test_out_of_scope_questions_go_to_a_person(demo, open_now, said):
    decision = decide(demo, Utterance(said), open_now)
    assert decision.action == "transfer"
    assert decision.reason == "no_match" or decision.reason.startswith("escalation:")
    assert decision.priority != "urgent"


@pytest.mark.parametrize(
    "said", ["do you sell cars", "tell me a joke", "can i pay my electric bill"]
)
def test_without_understanding_out_of_scope_questions_reach_the_default_team(
    demo_words, open_now, said
):
    decision = decide(demo_words, Utterance(said), open_now)
    assert (decision.action, decision.reason, decision.team) == ("transfer", "no_match", "general")


def test_every_transfer_says_the_handoff_line_for_its_team(demo, open_now):
    for said in ["agent", "", "do you sell cars", "this is ridiculous", "my husband died"]:
        decision = decide(demo, Utterance(said), open_now)
        assert decision.say == demo.handoff_line(decision.team)
        assert decision.team in demo.teams

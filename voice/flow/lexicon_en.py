"""English words for asking for a person, frustration, closing a call and sensitive topics."""

from __future__ import annotations

from voice.flow.lexicon import Lexicon, TopicWords, phrases, words

_KEEP_DOUBLE = frozenset("lsz")
_VOWELS = frozenset("aeiouy")


def stem_en(word: str) -> str:
    """Fold common English endings so "ships", "shipped" and "shipping" meet."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ings", "ing", "ions", "ion", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and _VOWELS.intersection(base):
            word = base
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in _KEEP_DOUBLE | _VOWELS:
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


# fmt: off
_KIN = phrases("""
    husband, wife, mother, mom, mum, mommy, father, dad, daddy, son, daughter, brother, sister,
    grandmother, grandma, granny, grandfather, grandpa, grandson, granddaughter, grandparent*,
    parent*, aunt, uncle, cousin, niece, nephew, partner, spouse, fiance*, boyfriend, girlfriend,
    child, children, kid, baby, friend, he, she, holder, dog, cat, pet""")

ENGLISH = Lexicon(
    language="en",
    stem=stem_en,
    fillers=words("um umm uh uhh uhm erm er ah ahh hmm mm mhm like"),
    stopwords=words("""
        a an the is are am was were be been being do does did i me my mine you your yours we
        us our it its this that these those to of for on in at and or but so can could would
        will shall should may might must please just hi hello hey yes yeah yep ok okay oh well
        there here have has had get got im id ill ive with about from by any some know want
        wanted need needed tell let what whats when where how who which why guys guy yall"""),
    joiners=words("and also plus then"),
    vague_frames=phrases("""its about, it is about, calling about, call about, question about,
                         questions about, something about, this is about, regarding, concerning,
                         calling regarding, about my, about an, about a, about the"""),
    vague_words=words("something thing things stuff question questions issue calling call"),
    question_words=words("where when what whats how why which can could does will would"),
    contractions=(
        ("can't", "can not"), ("won't", "will not"), ("cannot", "can not"), ("n't", " not"),
        ("'re", " are"), ("'m", " am"), ("'ll", " will"), ("'ve", " have"), ("'d", " would"),
        ("'s", ""),
    ),
    concepts={
        # Words callers use for the same few things any phone line is asked about.
        "hours": phrases("""hours, hour, time, open, opening, opens, close, closing, closes,
                         closed, late, early, tonight, weekend, weekends"""),
        "place": phrases("""address, located, location, directions, direction, find, street, map,
                         park, parking"""),
        "price": phrases("""price, prices, cost, costs, fee, fees, pricing, cheaper, cheap,
                         expensive, dollars, rate, rates, much, pay"""),
        "delivery": phrases("""ship, shipping, shipped, deliver, delivery, delivered, arrive,
                            arrived, arrival, package, parcel, track, tracking, mail, mailed,
                            overnight, express"""),
        "return": phrases("return, returns, refund, refunds, exchange, money back"),
        "booking": phrases("""appointment, appointments, book, booking, schedule, reschedule,
                           reservation, reserve"""),
        "billing": phrases("bill, billing, billed, invoice, statement, payment"),
        "job": phrases("""job, jobs, hiring, hire, career, careers, employment, position, apply,
                       application"""),
        "child": phrases("kid, kids, child, children, son, daughter, baby, toddler"),
        "day": phrases("""monday, tuesday, wednesday, thursday, friday, saturday, sunday, today,
                       tomorrow, weekday, weekdays, holiday, holidays, morning, afternoon,
                       evening, night, noon, midnight"""),
    },
    human=phrases("""
        agent, agents, a gent, live agent, person, a person, real person, live person,
        representative, representatives, represent a tive, rep, human, humans, human being,
        operator, opera tor, customer service, customer services, customer support, customer care,
        real someone, talk to someone, speak to someone, speak with someone, talk with someone,
        talk to somebody, speak to somebody, speak with somebody, talk to anybody,
        speak to anybody, talk to anyone, speak to anyone, someone real, actual person,
        transfer me, put me through, connect me to someone, press zero, press 0, dial zero"""),
    # 8 kHz mishearings of "agent" and bare words: a person only when said (nearly) alone.
    human_short=phrases("""
        zero, 0, someone, somebody, asian, age and, agent please, a gent, aged, agency,
        eight gent, operate her, represent, representing, rep resent, help me someone,
        person please"""),
    not_human=phrases("in person, per person, personal, each person, one person"),
    frustration=phrases("""
        ridiculous, useless, unbelievable, pathetic, absurd, incompetent, stupid, idiot*,
        frustrat*, angry, furious, annoyed, annoying, fed up, sick of, sick and tired,
        waste of time, wasting my time, second time, third time, fourth time, fifth time,
        so many times, how many times, again and again, already told you, are you kidding,
        kidding me, is this a joke, this is a joke, what a joke, what the hell, damn, pissed,
        not happy, nobody ever, no one ever, this is crazy, for god sake, for gods sake,
        sick of this, hate this"""),
    closing=phrases("""
        no, nope, nah, no thanks, no thank you, that is all, that all, that it, that is it, bye,
        goodbye, good bye, bye bye, thank you, thanks, i am good, i am all set, all set,
        nothing else, that is everything, i am done, done, have a good day, have a nice day,
        see you, cheers"""),
    courtesy=words("""
        no nope thanks thank you so much very that was it is all great good ok okay perfect fine
        alright right cool awesome wonderful helpful have a nice day bye goodbye really
        appreciate i am set done nothing else everything cheers sir maam for your help"""),
    topics={
        "bereavement": TopicWords(
            phrases=phrases("""
                passed away, pass away, passing away, passed on, death, deceased, funeral,
                bereave*, widow*, condolenc*, obituar*, estate of, executor, late husband,
                late wife, late mother, late father, killed, memorial service"""),
            near=phrases("died, dies, dead, lost, losing, lose, passed, passing"),
            with_=_KIN,
        ),
        "fraud": TopicWords(
            phrases=phrases("""
                fraud*, scam*, stolen, stole, steal*, theft, thief, thieves, hack*, phish*,
                unauthori*, identity theft, compromised, breach, suspicious, not authorize*,
                never authorize*, was not me, someone used my, somebody used my,
                someone else used"""),
            near=phrases("""charge, charged, charges, transaction*, purchase*, payment*,
                         withdrawal*, debit*, bill"""),
            with_=phrases("""never, recogni*, not mine, not make, not made, unknown, someone,
                          somebody, strange, weird"""),
        ),
        "medical": TopicWords(
            phrases=phrases("""
                ambulance, emergency, 911, nine one one, injur*, hurt, hurting, bleed*, burned,
                burns, allergic, hospital*, poison*, unconscious, not breathe, not breathing,
                chest pain, heart attack, choking, electrocut*, concussion, stitches,
                emergency room"""),
            near=phrases("broke, broken, cut, sprained, fractured"),
            with_=phrases("""arm, leg, wrist, ankle, bone*, nose, finger*, toe*, hip, myself,
                          himself, herself, hand, foot, head"""),
        ),
        "complaint": TopicWords(phrases=phrases("""
            complain*, manager, supervisor, unacceptable, terrible service, poor service,
            bad service, awful service, worst, rude, disgust*, unhappy, disappointed, lawyer,
            attorney, sue you, suing, legal action, better business bureau, report you""")),
        "cancellation": TopicWords(phrases=phrases("""
            cancel*, close my account, close the account, closing my account, terminat*,
            unsubscrib*, end my membership, end my subscription, stop my subscription,
            delete my account""")),
    },
    automation_words=phrases("""automated, automatic, assistant, virtual, bot, robot, ai,
                             computer, digital"""),
    person_words=phrases("""agent, person, representative, human, operator, someone, somebody,
                         team member, staff, people"""),
    recording_words=("record*",),
    followup="Is there anything else I can help with?",
    goodbye="Thanks for calling. Goodbye!",
    handoff="Connecting you with someone on our {team} team now.",
)
# fmt: on

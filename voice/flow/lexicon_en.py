"""English words for asking for a person, frustration, closing a call and sensitive topics."""

from __future__ import annotations

from voice.flow.lexicon import Lexicon, TopicWords, phrases, sayings, words

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
    child, children, kid, baby, friend, he, she, holder, dog, cat, pet, person, customer""")
# "my late brother's account": family words only, so "a late fee" stays a bill question.
_LATE_KIN = tuple(f"late {k.rstrip('*')}*" for k in _KIN[: _KIN.index("friend")])

ENGLISH = Lexicon(
    language="en",
    stem=stem_en,
    semantic=True,
    out_of_scope=sayings("out_of_scope_en.txt"),
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
        # Words callers use for the same few things any phone line is asked about. A group
        # only lends a label its meaning: the label still needs examples on that topic.
        # Single words only: the matcher looks them up word by word.
        "hours": phrases("""hours, hour, time, open, opening, opens, close, closing, closes,
                         closed, late, early, tonight, weekend, weekends, unlocked, lock, doors,
                         until, till, til"""),
        "place": phrases("""address, located, location, locations, directions, direction, find,
                         street, map, park, parking, gps, nearest, closest, branch, branches,
                         office, downtown, drive, driving, where"""),
        "price": phrases("""price, prices, cost, costs, fee, fees, pricing, cheaper, cheap,
                         expensive, dollars, bucks, rate, rates, much, pay, charge, discount,
                         deal, afford, quote, estimate"""),
        "delivery": phrases("""ship, shipping, shipped, deliver, delivery, delivered, arrive,
                            arrived, arrival, package, parcel, track, tracking, mail, mailed,
                            overnight, express, postage, send, sent, overseas, international,
                            quicker, faster, box, courier"""),
        "return": phrases("return, returns, refund, refunds, exchange, receipt, slip"),
        "booking": phrases("""appointment, appointments, book, booking, schedule, reschedule,
                           reservation, reserve, slot"""),
        "billing": phrases("""bill, billing, billed, invoice, statement, payment, payments, pay,
                           paying, due, balance, owe, autopay"""),
        "job": phrases("""job, jobs, hiring, hire, career, careers, employment, position, apply,
                       application, resume, opening, openings"""),
        "child": phrases("kid, kids, child, children, son, daughter, baby, toddler, nephew, niece"),
        "day": phrases("""monday, tuesday, wednesday, thursday, friday, saturday, sunday, today,
                       tomorrow, weekday, weekdays, holiday, holidays, morning, afternoon,
                       evening, night, noon, midnight"""),
        "gift": phrases("gift, gifts, present, presents, gif, voucher, vouchers, certificate"),
        "rent": phrases("rent, rental, rentals, renting, borrow, lend, lease"),
        "insurance": phrases("""insurance, insured, insurer, coverage, covered, cover, plan,
                             plans, policy, copay, deductible, medicaid, medicare, network"""),
        "records": phrases("""records, record, file, files, chart, copy, copies, paperwork,
                           documents, forms, form, history"""),
        "account": phrases("""account, accounts, login, password, username,
                           online, website, app, portal, profile"""),
        "activate": phrases("activate, activation, activating, setup, start"),
        "transfer": phrases("transfer, transfers, wire, wires, zelle, routing"),
        "cash": phrases("""cash, atm, atms, withdraw, withdrawal, machine, deposit, deposits,
                        check, checks, cheque"""),
        "shot": phrases("""shot, shots, vaccine, vaccines, vaccination, vaccinations, booster,
                        boosters, flu, jab"""),
        "new": phrases("new, register, join, enroll"),
        "size": phrases("size, sizes, fit, fits, small, large, bigger, smaller"),
        "wait": phrases("soon, take, takes, days, weeks, wait, quickly, fast"),
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
    not_human=phrases("""in person, per person, personal, each person, one person,
                         person on the account, person on my account, person whose,
                         the person who, person who passed, person who died"""),
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
                bereave*, widow*, condolenc*, obituar*, estate of, executor,
                killed, memorial service, no longer with us,
                not with us anymore, next of kin, death certificate, burial, buried,
                put to sleep, euthan*, end of life, say goodbye to our, say goodbye to my,
                put him down, put her down, hospice""")
            + _LATE_KIN,
            pairs=((phrases("died, dies, dead, dying, lost, losing, lose, passed, passing, gone"),
                    _KIN),),
        ),
        "medical": TopicWords(phrases=phrases("""
            ambulance, emergency, 911, nine one one, bleeding, bleed heavily, not breathe,
            not breathing, trouble breathing, hard to breathe, catch my breath, catch his breath,
            catch her breath, short of breath, turning blue, chest pain, chest pains,
            chest is tight, chest hurts, heart attack, stroke, choking, unconscious,
            unresponsive, not responding, collapsed, passed out, fainted, not wake up,
            not waking up, seizure*, convuls*, having a fit, shaking all over, slurring,
            slurred, droop*, overdos*, took too much, took too many, swallowed, poison*,
            suicid*, kill myself, end my life, anaphyla*, throat is closing, emergency room,
            hit by a car, got hit, run over, ran over, blood everywhere, not stop bleeding,
            not stand up, can barely stand, not breathing right, panting, bloated, retching,
            straining, twitching, not peed, not pee"""),
            pairs=((
                phrases("ate, eaten, eat, swallowed, got into, chewed, licked"),
                phrases("""chocolate, grapes, raisins, xylitol, antifreeze, poison*, rat bait,
                        ibuprofen, tylenol, advil, pills, medication, medicine, bleach, onion*,
                        gum, battery, batteries"""),
            ),),
        ),
        "danger": TopicWords(phrases=phrases("""
            smell gas, gas smell, smells like gas, gas leak, leaking gas, rotten egg, hissing,
            sparks, sparking, on fire, caught fire, smoke, smoking outlet, carbon monoxide,
            co detector, co alarm, line down, lines down, wire down, wires down, downed,
            live wire, throwing sparks, power line, explosion, exploded, flooding,
            flooded, electrical fire, wire laying, wires all over, lines all over""")),
        "medication": TopicWords(
            phrases=phrases("""side effect*, wrong medication, wrong medicine, wrong pills,
                             wrong prescription, wrong dose, double dose, taking the wrong,
                             someone elses pills, someone elses medication"""),
            pairs=((
                phrases("""pill*, medicine*, medication*, prescription*, tablet*, dose*, dosage,
                        meds, antibiotic*, inhaler, insulin, capsule*, drug*"""),
                phrases("""wrong, different, twice, double, too much, too many, extra, reaction,
                        rash, dizzy, dizziness, nause*, vomit*, throwing up, swelling, itch*,
                        hives, someone else, mixed up, mix up, by accident, accidentally,
                        not working, sick from, made me sick, makes me sick"""),
            ),),
        ),
        "injury": TopicWords(
            phrases=phrases("""
                injur*, hurt, hurts, hurting, got hurt, burned, burnt, burns, cut my, cut his,
                cut her, cut open, bruise*, bleeding, stitches, concussion, sprain*, fractur*,
                caught fire, catch fire, exploded, blew up, melted, electrocut*, shocked me,
                safety hazard, dangerous, choking hazard, allergic, a reaction, recall*"""),
            pairs=((
                phrases("broke, broken, cut, snapped, hit, fell, fall"),
                phrases("""arm, leg, wrist, ankle, bone*, nose, finger*, toe*, hip, face, head,
                        hand, foot, eye, myself, himself, herself"""),
            ),),
        ),
        "results": TopicWords(pairs=((
            phrases("""result*, bloodwork, blood work, labs, lab work, biopsy, mammogram, scan,
                    x ray, xray, mri, ct, ultrasound, pap, smear, test, tests, screening"""),
            phrases("""abnormal, flagged, flag*, lump, positive, worried, worry, scared, afraid,
                    freaking, concern*, not understand, what it means, what they mean, bad news,
                    came back with, something wrong, high, off, red, cancer, tumor, mass"""),
        ),)),
        "stranded": TopicWords(phrases=phrases("""
            stranded, stuck at the airport, stuck at the gate, stuck in, missed my connection,
            missed my connecting, not make my connecting, not make my connection,
            missed the connection, left without me, overbooked, bumped, sitting at the airport,
            flight got canceled, flight got cancelled, flight was canceled, flight was cancelled,
            flight got scrubbed, flight was scrubbed, got scrubbed, pushed to tomorrow,
            no more seats, sleeping at the airport, hotel voucher*""")),
        "lost_item": TopicWords(
            phrases=phrases("""lost my card, lost my wallet, lost my purse, lost my phone,
                             lost my checkbook, stolen card, card was stolen, card stolen,
                             wallet was stolen, wallet stolen, purse was stolen, phone was stolen,
                             freeze my card, block my card, lock my card, shut off my card,
                             turn off my card, report a lost, report my card"""),
            pairs=((
                phrases("""lost, lose, misplaced, cant find, can not find, not find, dropped,
                        left my, missing, stolen, stole, snatched, took my, swiped,
                        pickpocket*, broke into, block*, freeze, frozen, shut it off,
                        shut off, turn it off"""),
                phrases("""card, cards, debit, visa, mastercard, amex, wallet, purse, phone,
                        checkbook, checks, license, passport, id, bag, bags, baggage, luggage,
                        suitcase, ipad, laptop, stroller, car seat, keys, belongings"""),
            ), (
                phrases("""bag, bags, baggage, luggage, suitcase, stroller, car seat"""),
                phrases("""not come, never came, never showed, nowhere, wrong city,
                        went to the wrong, damaged, broken, busted, ripped, torn, smashed,
                        delayed, missing, never arrived, not arrive"""),
            ),),
        ),
        "fraud": TopicWords(
            phrases=phrases("""
                fraud*, scam*, stolen, stole, steal*, theft, thief, thieves, hack*, phish*,
                unauthori*, identity theft, compromised, breach, suspicious, not authorize*,
                never authorize*, was not me, wasnt me, not me, someone used my,
                somebody used my, someone else used, my information,
                my identity, got into my, broke into my account, pretending to be,
                claiming to be, saying he was from, saying she was from, said they were from,
                said he was from, said she was from, says its from, said it was from,
                is that really you, is this really you, was that really you, is this legit,
                is that real, is this real, is that legit, click a link, clicked a link,
                did not do that, never did that, from another state, sim swap,
                money is gone, money gone, money missing, missing money, did not move it,
                did not take it out, never withdrew, drained, emptied my"""),
            pairs=(
                (
                    phrases("""charge, charged, charges, transaction*, withdrawal*, debit*,
                            statement"""),
                    phrases("""never, recogni*, not mine, not make, not made, unknown,
                            someone, somebody, strange, weird, not me, never been, not know,
                            never ordered, not order"""),
                ),
                (
                    phrases("purchase*, payment*, bill, loan, order*, card"),
                    phrases("""recogni*, not mine, not make, not made, never made, unknown,
                            strange, weird, not me, never been, never opened, not open,
                            not authorize, someone else, somebody else"""),
                ),
                (
                    phrases("account, login, password, email, order, loan, card, pin"),
                    phrases("""someone placed, somebody placed, someone opened, somebody opened,
                            someone changed, somebody changed, someone took, somebody took,
                            got changed, was changed, were changed, someone got, somebody got,
                            someone is using, somebody is using"""),
                ),
                (
                    phrases("code, pin, password, verification, passcode"),
                    phrases("""gave him, gave her, gave them, read him, read her, told him,
                            told her, shared, someone called, guy called, lady called"""),
                ),
            ),
        ),
        "hardship": TopicWords(phrases=phrases("""
            laid off, lost my job, lost our job, out of work, unemploy*, hours got cut,
            hours were cut, cut my hours, money is tight, money is really tight, tight on money,
            struggling, hard time paying, hardship, defer*, forbearance, skip a payment,
            skip my payment, push my payment, push the payment, push back my payment,
            push my loan payment, behind on, fall behind, falling behind, fell behind, past due,
            late on my, late on the, not pay my, not pay the, not afford, unable to pay,
            not keep up, not cover, no way my, bankrupt*, cannot pay, can not pay, a little short,
            short on money, short this month, pink paper, disconnect notice, shut off notice,
            cut me off, cut off my, months behind, weeks behind, help paying, help with my bill,
            help with the bill, assistance program, energy assistance, payment extension,
            get an extension"""),
            pairs=((
                phrases("turned off, shut off, cut off, disconnected"),
                phrases("gas, power, electric, electricity, water, heat, lights"),
            ),),
        ),
        "complaint": TopicWords(phrases=phrases("""
            complain*, manager, supervisor, unacceptable, terrible service, poor service,
            bad service, awful service, worst, rude, disgust*, unhappy, disappointed, lawyer,
            attorney, sue you, suing, legal action, better business bureau, report you,
            nasty, yelled, yelling, screamed, grievance, on record, want someone to know,
            in charge, the owner, nobody even, no one even, never apologized, not even sorry,
            billed me twice, billed me two times, charged me twice, charged me two times,
            double charged, double billed, overcharg*, just wrong, not fair, unfair,
            gave me the wrong, sent me the wrong, got the wrong, treated badly, treated me,
            report it, report him, report her, report them, waited two hours, waited an hour,
            waited hours, waited forever, disrespect*, hung up on me, treated, never came,
            never showed up, took off work, was promised, were promised, tore up, left a hole,
            left a big hole, ruined, damaged my, broke my, compensat*, deserve something,
            bill is wrong, bill was wrong, nobody fixed, nobody did, nobody told me,
            nobody called, kicked my, kicked me, for no reason""")),
        "cancellation": TopicWords(phrases=phrases("""
            cancel*, close my account, close the account, closing my account, terminat*,
            unsubscrib*, end my membership, end my subscription, stop my subscription,
            delete my account, shut down my, shut my account, close out my, close my,
            get rid of my, take me off, remove me from, do not want it anymore,
            not want it anymore, switch to another, moving my money, another bank,
            another clinic, another provider, different clinic, different bank,
            different provider, have everything moved, done with you, done shopping,
            for good, never coming back, leaving this, stop my service, stop service,
            stop my order, stop an order, stop the order, opt out, end service, end my service,
            stop my account, not want your service, going with, switching to, switch to,
            i want out, done with, disconnect my, get rid of the, shut off my internet,
            shut off my cable, shut off his, shut off her""")),
        "bulk": TopicWords(
            phrases=phrases("""bulk, wholesale, business account, corporate account,
                             company account, by the case, large order, big order, group order,
                             group discount, volume discount, for my company, for our company,
                             for my business, for our business, for our team, whole team,
                             resell*"""),
            pairs=((
                phrases("""dozen, dozens, twenty, thirty, forty, fifty, hundred, hundreds,
                        fifteen, twenty five"""),
                phrases("""kids, people, employees, students, members, scouts, players, units,
                        pieces, of them, staff, guests, campers"""),
            ),),
        ),
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

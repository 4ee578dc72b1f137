"""'Teach the assistant': calls to learn from, grouped by meaning; preview, accept and undo."""

import html
import re

import pytest
from analytics_rows import add_call, add_wrap_up

from voice.flow.cases import Case
from voice.flow.teach import Addition
from voice.store.models import TaughtExample
from voice.web.teaching import expect_for

RANGE = "start=2026-03-01&end=2026-03-14&demo=0"
PAGE = f"/admin/teach?callflow=acme-outfitters&{RANGE}"
PREVIEW, ACCEPT = "/admin/teach/preview", "/admin/teach/accept"
DEMO = "acme-outfitters.yaml"
CASES = "acme-outfitters.cases.tsv"
NO_MATCH = (("transfer", "no_match", None),)
LOCK_UP = "when do you lock up tonight"  # the demo line misses it: no confident match


def person_took(s, said, *, target=None, right=None, reason="no_match", number="+15125550001"):
    """Add a call a person took for `reason`, and the agent's wrap-up if `right` is given."""
    call = add_call(s, decisions=(("transfer", reason, None),), outcome="transferred",
                    said=said, number=number)  # fmt: skip
    if right is not None:
        add_wrap_up(s, call, routing_right=right, right_target=target)
    return call.id


@pytest.fixture
def calls(db):
    """Return the ids of calls a person took: two labelled by agents, some not."""
    with db.session() as s:
        ids = {
            "lock_up": person_took(s, LOCK_UP, target="intent:store_hours", right=False),
            "memorial": person_took(s, "are you guys around on memorial day"),
            "canoe": person_took(s, "can i borrow a canoe for the weekend"),
            "licence": person_took(
                s, "do you sell fishing licenses", target="team:general", right=False
            ),  # fmt: skip
            "vague": person_took(s, "it's about an order", reason="vague"),
        }
        add_call(s, said="are you open on sunday mornings")  # answered: nothing to learn from
    return ids


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def fields_of(page: str, action: str) -> dict:
    form = re.search(rf'<form method="post" action="{action}".*?</form>', page, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def teach_call(client, post_form, call_id, label):
    data = {"callflow": "acme-outfitters", "label": label, "source": f"call:{call_id}",
            "demo": "0", "start": "2026-03-01", "end": "2026-03-14"}  # fmt: skip
    return post_form(client, PAGE, PREVIEW, data)


def test_calls_that_went_to_a_person_without_a_match_are_grouped_by_meaning(admin_client, calls):
    page = text_of(admin_client.get(PAGE).text)
    assert "5 calls in this range went to a person" in page
    titles = re.findall(r"closest to: ([^(]+?) \((\d+) calls?\)", page)
    counts = [int(n) for _, n in titles]
    assert counts == sorted(counts, reverse=True) and sum(counts) == 5
    assert ("Store hours", "2") in titles  # lock up tonight, memorial day
    assert "sunday mornings" not in page  # answered: not listed
    assert "no confident match" in page and "too vague to tell what they needed" in page
    assert "should have been: Store hours" in page
    assert "should have gone to the Customer service team" in page


def test_agents_labels_become_labelled_cases_with_figures(admin_client, calls, app):
    page = text_of(admin_client.get(PAGE).text)
    assert "2 labelled cases: 0 from acme-outfitters.cases.tsv and 2 from calls" in page
    assert "Now: 0/1 answerable answered, 0 answered wrongly" in page


def test_a_team_label_names_the_one_escalation_of_that_team_else_any_person(app):
    line = app.extensions["voice"].lines.by_name("acme-outfitters")
    assert expect_for(line, "intent:store_hours") == "answer:store_hours"
    assert expect_for(line, "team:security") == "transfer:escalation:fraud"
    assert expect_for(line, "team:care") == "transfer:any"  # bereavement, injury, complaint
    assert expect_for(line, "intent:teleport") == ""


def test_the_preview_shows_each_case_that_changes_and_writes_nothing(
    admin_client, calls, post_form, open_callflows
):
    before = (open_callflows / DEMO).read_text()
    page = teach_call(admin_client, post_form, calls["lock_up"], "intent:store_hours")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Now 0/1 answerable answered, 0 answered wrongly" in shown
    assert "With this example 1/1 answerable answered, 0 answered wrongly" in shown
    row = re.search(r'<table id="changed">.*?</table>', page.text, re.S).group(0)
    assert LOCK_UP in row and "answer: Store hours" in row
    assert "to a person (safe): a person (no confident match), Customer service team" in row
    assert "right</span>: answered Store hours" in row
    assert "+      - when do you lock up tonight" in html.unescape(page.text)
    assert "Accept: add this example" in page.text
    assert (open_callflows / DEMO).read_text() == before
    assert not (open_callflows / CASES).exists()


def test_a_suggestion_that_would_answer_a_case_wrongly_cannot_be_accepted(
    admin_client, calls, post_form, csrf_of, open_callflows
):
    (open_callflows / CASES).write_text(f"expect\tutterance\nanswer:store_hours\t{LOCK_UP}\n")
    before = (open_callflows / DEMO).read_text()
    page = teach_call(admin_client, post_form, calls["lock_up"], "intent:return_policy")
    shown = text_of(page.text)
    assert "This example cannot be accepted" in shown
    assert f"“{LOCK_UP}” would be answered Return policy; it should be answer: Store hours" in shown
    assert 'class="hurts"' in page.text and "Accept: add this example" not in page.text
    data = {"callflow": "acme-outfitters", "label": "intent:return_policy", "demo": "0",
            "source": f"call:{calls['lock_up']}", "csrf_token": csrf_of(page.text)}  # fmt: skip
    refused = admin_client.post(ACCEPT, data=data)
    assert refused.status_code == 400 and "Nothing was changed: not added" in refused.text
    assert (open_callflows / DEMO).read_text() == before


def test_accepting_writes_the_example_keeps_the_case_journals_it_and_reloads(
    admin_client, calls, post_form, csrf_of, open_callflows, app, db
):
    page = teach_call(admin_client, post_form, calls["lock_up"], "intent:store_hours")
    data = fields_of(page.text, ACCEPT) | {"csrf_token": csrf_of(page.text)}
    done = admin_client.post(ACCEPT, data=data, follow_redirects=True)
    assert done.status_code == 200
    said = text_of(done.text)
    assert f'Taught acme-outfitters: "{LOCK_UP}" → example of intent store_hours.' in said
    assert "acme-outfitters.yaml: 1 line(s) added, 0 removed; checked and reloaded." in said
    assert f"      - {LOCK_UP}\n" in (open_callflows / DEMO).read_text()
    line = app.extensions["voice"].lines.by_name("acme-outfitters")
    assert LOCK_UP in line.intents["store_hours"].examples
    assert (open_callflows / CASES).read_text() == (
        f"expect\tutterance\nanswer:store_hours\t{LOCK_UP}\n"
    )
    with db.session() as s:
        row = s.query(TaughtExample).one()
        assert (row.kind, row.name, row.text) == ("intent", "store_hours", LOCK_UP)
        assert row.source == f"call:{calls['lock_up']}" and row.undone_at is None
    assert "Recently taught" in said and "Ada Admin" in said
    assert "Already an example of Store hours" in said  # the call is now known to the line
    again = admin_client.post(ACCEPT, data=data, follow_redirects=True)
    assert "already has" in text_of(again.text)
    assert (open_callflows / DEMO).read_text().count(LOCK_UP) == 1
    assert (open_callflows / CASES).read_text().count(LOCK_UP) == 1


def accept_lock_up(client, post_form, csrf_of, calls):
    page = teach_call(client, post_form, calls["lock_up"], "intent:store_hours")
    data = fields_of(page.text, ACCEPT) | {"csrf_token": csrf_of(page.text)}
    return client.post(ACCEPT, data=data, follow_redirects=True)


def test_undo_takes_the_example_out_again(
    admin_client, calls, post_form, csrf_of, open_callflows, app, db
):
    before = (open_callflows / DEMO).read_text()
    accept_lock_up(admin_client, post_form, csrf_of, calls)
    with db.session() as s:
        row_id = s.query(TaughtExample).one().id
    undo = f"/admin/teach/undo/{row_id}"
    done = post_form(admin_client, PAGE, undo, {"callflow": "acme-outfitters", "demo": "0"})
    page = text_of(admin_client.get(done.headers["Location"]).text)
    assert f'Undone: "{LOCK_UP}" → example of intent store_hours.' in page
    assert (open_callflows / DEMO).read_text() == before
    line = app.extensions["voice"].lines.by_name("acme-outfitters")
    assert LOCK_UP not in line.intents["store_hours"].examples
    assert "undone" in page
    with db.session() as s:
        assert s.get(TaughtExample, row_id).undone_at is not None


def test_undo_of_an_example_already_removed_by_hand_says_so(
    admin_client, calls, post_form, csrf_of, open_callflows, db
):
    accept_lock_up(admin_client, post_form, csrf_of, calls)
    path = open_callflows / DEMO
    path.write_text(path.read_text().replace(f"      - {LOCK_UP}\n", ""))
    edited = path.read_text()
    with db.session() as s:
        row_id = s.query(TaughtExample).one().id
    done = post_form(admin_client, PAGE, f"/admin/teach/undo/{row_id}", {"callflow": "x"})
    assert done.status_code == 302
    page = text_of(admin_client.get(PAGE).text)
    assert f"was no longer in {DEMO}: the file was edited by hand since" in page
    assert path.read_text() == edited


def test_an_unlabelled_call_is_taught_as_the_label_the_admin_picks(
    admin_client, calls, post_form, csrf_of, open_callflows
):
    page = admin_client.get(PAGE).text
    assert f'<select id="label-{calls["canoe"]}" name="label" required>' in page
    preview = teach_call(admin_client, post_form, calls["canoe"], "intent:rentals")
    assert "Add “can i borrow a canoe for the weekend” as an example of Rentals" in text_of(
        preview.text
    )
    data = fields_of(preview.text, ACCEPT) | {"csrf_token": csrf_of(preview.text)}
    admin_client.post(ACCEPT, data=data)
    assert "      - can i borrow a canoe for the weekend\n" in (open_callflows / DEMO).read_text()
    assert "answer:rentals\tcan i borrow a canoe" in (open_callflows / CASES).read_text()


def test_a_call_can_be_taught_as_something_not_to_answer(
    admin_client, calls, post_form, csrf_of, open_callflows
):
    preview = teach_call(admin_client, post_form, calls["licence"], "out_of_scope")
    assert "as something the assistant should not answer" in text_of(preview.text)
    data = fields_of(preview.text, ACCEPT) | {"csrf_token": csrf_of(preview.text)}
    admin_client.post(ACCEPT, data=data)
    text = (open_callflows / DEMO).read_text()
    assert "out_of_scope:" in text and "- do you sell fishing licenses" in text


def test_bank_suggestions_are_offered_for_intents_and_previewed_like_any_other(
    admin_client, calls, post_form, app
):
    page = admin_client.get(PAGE).text
    bank = re.search(r'id="bank-title".*?</section>', page, re.S).group(0)
    assert "<summary>Store hours (8)</summary>" in bank and "gift cards" not in bank
    offered = re.findall(r'name="text" value="([^"]+)"', bank)
    line = app.extensions["voice"].lines.by_name("acme-outfitters")
    assert offered and not set(offered) & set(line.intents["store_hours"].examples)
    data = {"callflow": "acme-outfitters", "label": "intent:store_hours", "source": "bank",
            "text": html.unescape(offered[0]), "demo": "0"}  # fmt: skip
    preview = post_form(admin_client, PAGE, PREVIEW, data)
    assert preview.status_code == 200 and "from the bank of common requests" in preview.text
    made_up = post_form(admin_client, PAGE, PREVIEW, data | {"text": "open sesame"})
    assert made_up.status_code == 400 and "is not in the bank" in made_up.text


def test_without_an_understanding_model_the_page_works_and_says_it_is_degraded(
    monkeypatch, make_app, open_callflows, client_for, calls
):
    import voice.nlu.encoder

    monkeypatch.setattr(voice.nlu.encoder, "encoder_for", lambda language: None)
    client = client_for(make_app(callflows_dir=open_callflows, twilio_rest="fake"))
    page = text_of(client.get(PAGE).text)
    assert "Understanding is degraded:" in page
    assert "closest to: Store hours" in page and "2 labelled cases" in page
    assert "Suggested ways callers ask" in page and "Store hours" in page


@pytest.fixture
def client_for(make_user, log_in):
    def client_for(app):
        client = app.test_client()
        make_user("ada", "admin", "Ada Admin")
        assert log_in(client, "ada").status_code == 302
        return client

    return client_for


def test_demo_calls_are_left_out_unless_asked_for(admin_client, db):
    with db.session() as s:
        person_took(s, "do you have a kayak repair kit")
        call = add_call(s, decisions=NO_MATCH, outcome="transferred", said="demo words", demo=True)
        add_wrap_up(s, call, routing_right=False, right_target="intent:rentals")
    real = text_of(admin_client.get(PAGE).text)
    assert "kayak repair kit" in real and "demo words" not in real
    both = text_of(admin_client.get(PAGE.replace("demo=0", "demo=1")).text)
    assert "demo words" in both and "1 from calls agents labelled" in both


def test_agents_may_not_teach(agent_client, calls, open_callflows, post_form):
    before = (open_callflows / DEMO).read_text()
    assert agent_client.get(PAGE).status_code == 403
    data = {"callflow": "acme-outfitters", "label": "intent:store_hours",
            "source": f"call:{calls['lock_up']}", "demo": "0"}  # fmt: skip
    for url in (PREVIEW, ACCEPT, "/admin/teach/undo/1"):  # with the agent's own CSRF token
        assert post_form(agent_client, "/console/", url, data).status_code == 403
    assert (open_callflows / DEMO).read_text() == before


def test_teaching_needs_the_csrf_token(admin_client, calls, open_callflows, db):
    before = (open_callflows / DEMO).read_text()
    data = {"callflow": "acme-outfitters", "label": "intent:store_hours",
            "source": f"call:{calls['lock_up']}", "demo": "0"}  # fmt: skip
    assert admin_client.post(PREVIEW, data=data).status_code == 400
    assert admin_client.post(ACCEPT, data=data).status_code == 400
    with db.session() as s:
        s.add(TaughtExample(callflow="acme-outfitters", kind="intent", name="store_hours",
                            text="what are your hours", source="bank"))  # fmt: skip
        s.flush()
        row_id = s.query(TaughtExample).one().id
    assert admin_client.post(f"/admin/teach/undo/{row_id}", data={}).status_code == 400
    assert (open_callflows / DEMO).read_text() == before


def test_a_label_the_line_does_not_have_is_refused(admin_client, calls, post_form):
    refused = teach_call(admin_client, post_form, calls["lock_up"], "intent:teleport")
    assert refused.status_code == 400
    assert "acme-outfitters has no intent or escalation named 'teleport'" in html.unescape(
        refused.text
    )


def test_a_labelled_case_and_an_addition_read_the_same_in_words():
    from voice.web.taught import expect_of, expect_words, teaches

    add = Addition("escalation", "product_injury", "my tent pole snapped and cut me")
    assert expect_of(add) == "transfer:escalation:product_injury"
    assert expect_words(expect_of(add)) == "a person, for Product injury"
    assert teaches(add) == "an example of Product injury (goes to a person at once)"
    assert Case(expect_of(add), add.text).expect.startswith("transfer:")

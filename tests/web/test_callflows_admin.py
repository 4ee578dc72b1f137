"""Admin callflow pages: each file checked by the validator, its YAML escaped, reload in place."""

import re

from conftest import DATA, needs_nlu

DEMO = "acme-outfitters.yaml"


def add_second_line(folder) -> None:
    """Write a second, valid line into the callflows folder (another name and number)."""
    text = (folder / DEMO).read_text()
    text = re.sub(r"(?m)^name: .*$", "name: acme-east", text)
    text = re.sub(r"\+1500555\d{4}", "+15005550177", text)
    (folder / "acme-east.yaml").write_text(text)


def test_the_list_checks_every_file_and_says_which_are_running(admin_client, open_callflows):
    broken = (DATA / "callflows" / "broken" / "many-problems.yaml").read_text()
    (open_callflows / "broken.yaml").write_text(broken)
    page = admin_client.get("/admin/callflows").text
    row = re.search(rf"{DEMO}.*?</tr>", page, re.S).group(0)
    assert "acme-outfitters" in row and "ok" in row
    assert "yes, but every call goes to a person: no speech model" in row  # no model here
    broken = re.search(r"broken\.yaml.*?</tr>", page, re.S).group(0)
    assert "error(s)" in broken and "<td>no</td>" in broken


def test_a_file_page_shows_the_yaml_escaped_and_every_problem_with_its_fix(
    admin_client, open_callflows
):
    demo = admin_client.get(f"/admin/callflows/{DEMO}").text
    assert "No problems found." in demo and "I&#39;m an automated assistant" in demo
    (open_callflows / "bad.yaml").write_text("version: 1\nname: <script>x</script>\n")
    page = admin_client.get("/admin/callflows/bad.yaml").text
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "cannot be loaded until these are fixed" in page
    assert "<code>greeting</code>" in page or "<code>intents</code>" in page


def test_an_unknown_or_outside_file_is_a_404(admin_client):
    assert admin_client.get("/admin/callflows/nope.yaml").status_code == 404
    assert admin_client.get("/admin/callflows/..%2Fconftest.py").status_code == 404


def test_reload_picks_up_a_new_file_without_a_restart(admin_client, app, open_callflows, post_form):
    add_second_line(open_callflows)
    assert "acme-east" not in app.extensions["voice"].lines.names
    response = post_form(admin_client, "/admin/callflows", "/admin/callflows/reload", {})
    assert response.status_code == 302
    assert app.extensions["voice"].lines.names == ["acme-east", "acme-outfitters"]
    assert "Loaded now: acme-east, acme-outfitters." in admin_client.get("/admin/callflows").text


def test_reload_without_the_csrf_token_is_refused(admin_client, app, open_callflows):
    add_second_line(open_callflows)
    assert admin_client.post("/admin/callflows/reload").status_code == 400
    assert "acme-east" not in app.extensions["voice"].lines.names


@needs_nlu
def test_the_list_says_how_each_line_understands_callers(admin_client, open_callflows):
    page = admin_client.get("/admin/callflows").text
    row = re.search(rf"{DEMO}.*?</tr>", page, re.S).group(0)
    assert "by meaning (bge-small-en-v1.5-int8)" in row


def test_a_line_without_an_understanding_model_is_shown_degraded(
    admin_client, open_callflows, monkeypatch
):
    from voice.nlu import encoder

    monkeypatch.setattr(encoder, "encoder_for", lambda language: None)
    page = admin_client.get("/admin/callflows").text
    row = re.search(rf"{DEMO}.*?</tr>", page, re.S).group(0)
    assert "Degraded: words only" in row and "voice models download nlu-en" in row


def test_a_file_page_lists_the_names_the_pages_show_for_each_key(admin_client, open_callflows):
    page = admin_client.get("/admin/callflows/acme-outfitters.yaml").text
    names = page[page.index('id="names-title"') : page.index('id="yaml-title"')]
    rows = re.findall(r"<tr><td>(\w+)</td><td><code>(\w+)</code></td><td>([^<]+)</td></tr>", names)
    assert ("Intents", "order_status", "Order status") in rows
    assert ("Escalations", "wholesale", "Wholesale and bulk orders") in rows
    assert ("Teams", "security", "Account security") in rows

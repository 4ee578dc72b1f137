"""Web hardening (issue 11): sessions end on the server, failed logins are limited per account
and per address across instances, passwords follow a policy, HSTS over https, and junk in a
page's query (a NUL byte above all) never gives a 500, on SQLite as on PostgreSQL."""

import datetime as dt
import hashlib
import re

import pytest
import sqlalchemy as sa

from voice.store.models import LoginFailure, User, WebSession, utcnow
from voice.users import MAX_PASSWORD, deactivate, set_password


def page_urls(app, prefix: str):
    """Return one concrete URL for every GET page whose endpoint starts with `prefix`."""
    urls = [
        re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint.startswith(prefix)
    ]
    assert urls, f"no pages found for {prefix!r}"
    return urls


STRONG_200 = ("plum lantern orbit cedar " * 9)[:MAX_PASSWORD]
NEW_AGENT = {"name": "Maria Ortiz", "login": "maria", "address": "+15125550100",
             "teams": ["care"], "languages": "en", "wrap_up_s": "30"}  # fmt: skip


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None, "no session cookie"
    return cookie.value


def replay(app, cookie: str):
    """Return a fresh client that carries only a copied session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def stored_user_id(app, cookie: str) -> str:
    """Return what the signed session cookie names: "<user id>.<session token>"."""
    return app.session_interface.get_signing_serializer(app).loads(cookie)["_user_id"]


# 1. Sessions end on the server


def test_a_copied_session_cookie_stops_working_after_logout(app, agent_client, post_form):
    cookie = session_cookie(agent_client)
    assert replay(app, cookie).get("/console/").status_code == 200  # the copy works while open
    post_form(agent_client, "/console/", "/logout", {})
    copied = replay(app, cookie)
    page = copied.get("/console/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert copied.get("/console/state").status_code == 401


@pytest.mark.parametrize("end", ["new password", "disabled"])
def test_a_copied_session_cookie_stops_working_after_a_new_password_or_disabling(
    app, agent_client, db, end
):
    cookie = session_cookie(agent_client)
    with db.session() as s:
        ali = s.scalars(sa.select(User).where(User.login == "ali")).one()
        if end == "new password":
            set_password(ali, "violet harbor tractor meadow")
        else:
            deactivate(ali)
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(WebSession)) == 0
    assert replay(app, cookie).get("/console/").status_code == 302


def test_logging_out_ends_only_that_browsers_session(app, make_agent, log_in, post_form):
    make_agent("ali")
    desk, phone = app.test_client(), app.test_client()
    assert log_in(desk, "ali").status_code == 302
    assert log_in(phone, "ali").status_code == 302
    post_form(desk, "/console/", "/logout", {})
    assert desk.get("/console/").status_code == 302
    assert phone.get("/console/").status_code == 200


def test_the_database_keeps_only_a_hash_of_each_session_token(app, agent_client, db):
    user_id, _, token = stored_user_id(app, session_cookie(agent_client)).partition(".")
    with db.session() as s:
        row = s.scalars(sa.select(WebSession)).one()
        assert str(row.user_id) == user_id
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
        assert row.expires_at - row.created_at == dt.timedelta(hours=12)


def test_an_expired_session_opens_nothing(app, agent_client, db):
    with db.session() as s:
        s.execute(sa.update(WebSession).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    assert agent_client.get("/console/").status_code == 302


def test_a_forged_session_id_opens_nothing(app, agent_client):
    cookie = session_cookie(agent_client)
    user_id = stored_user_id(app, cookie).partition(".")[0]
    forged = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": f"{user_id}.not-the-token", "_fresh": True}
    )
    assert replay(app, forged).get("/console/").status_code == 302


# 2. Failed logins: per account, per address, across instances


def from_address(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_one_account_attacked_from_many_addresses_is_limited(
    make_app, open_callflows, make_user, log_in
):
    app = make_app(callflows_dir=open_callflows, login_failures_per_account=3)
    make_user("ali")
    for n in range(3):
        attacker = from_address(app.test_client(), f"203.0.113.{n}")
        assert log_in(attacker, "ali", "guess number one").status_code == 401
    late = log_in(from_address(app.test_client(), "198.51.100.7"), "ali")  # the right password
    assert late.status_code == 429
    assert "Too many failed logins" in late.text
    assert 0 < int(late.headers["Retry-After"]) <= 900


def test_password_spraying_from_one_address_is_limited(make_app, open_callflows, make_user, log_in):
    app = make_app(callflows_dir=open_callflows, login_failures_per_address=4)
    make_user("zed")
    sprayer = from_address(app.test_client(), "203.0.113.9")
    for n in range(4):
        assert log_in(sprayer, f"user{n}", "Summer2024!").status_code == 401
    assert log_in(sprayer, "zed").status_code == 429  # even a right password from there
    assert log_in(from_address(app.test_client(), "198.51.100.7"), "zed").status_code == 302


def test_a_limited_login_reads_the_same_whether_or_not_the_account_exists(
    make_app, open_callflows, make_user, log_in
):
    app = make_app(callflows_dir=open_callflows, login_failures_per_account=2)
    make_user("ali")
    answers = {}
    for login in ("ali", "ghost"):
        client = app.test_client()
        statuses = [log_in(client, login, "wrong wrong wrong").status_code for _ in range(3)]
        last = log_in(client, login, "wrong wrong wrong")
        flashes = re.findall(r'class="flash[^"]*"[^>]*>([^<]+)<', last.text) or [last.text[-400:]]
        answers[login] = (statuses, last.status_code, last.headers.get("Retry-After"), flashes)
    assert answers["ali"][:2] == ([401, 401, 429], 429)
    assert answers["ali"] == answers["ghost"]


def test_a_right_password_clears_the_accounts_failures(make_app, open_callflows, make_user, log_in):
    app = make_app(callflows_dir=open_callflows, login_failures_per_account=3)
    make_user("ali")
    for _ in range(2):  # 2 + 2 failures would reach 3 without the reset in between
        for _ in range(2):
            assert log_in(app.test_client(), "ali", "wrong wrong wrong").status_code == 401
        assert log_in(app.test_client(), "ali").status_code == 302


def test_the_limit_holds_across_instances_sharing_the_database(
    make_app, open_callflows, make_user, log_in
):
    first = make_app(callflows_dir=open_callflows, login_failures_per_account=2)
    second = make_app(callflows_dir=open_callflows, login_failures_per_account=2)
    make_user("ali")
    assert log_in(first.test_client(), "ali", "wrong wrong wrong").status_code == 401
    assert log_in(second.test_client(), "ali", "wrong wrong wrong").status_code == 401
    assert log_in(first.test_client(), "ali").status_code == 429
    assert log_in(second.test_client(), "ali").status_code == 429


def test_failures_older_than_the_window_no_longer_count(
    make_app, open_callflows, make_user, log_in, db
):
    app = make_app(callflows_dir=open_callflows, login_failures_per_account=2, login_window_s=60)
    make_user("ali")
    for _ in range(2):
        log_in(app.test_client(), "ali", "wrong wrong wrong")
    assert log_in(app.test_client(), "ali").status_code == 429
    with db.session() as s:
        s.execute(sa.update(LoginFailure).values(at=utcnow() - dt.timedelta(seconds=61)))
    assert log_in(app.test_client(), "ali").status_code == 302


# 3. Password policy, where a web form sets one


def test_the_longest_password_allowed_at_creation_can_log_in(app, db, log_in):
    from voice.users import create_user

    with db.session() as s:
        create_user(s, "long", "Long", "agent", STRONG_200)
    assert log_in(app.test_client(), "long", STRONG_200).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password123", "between 15 and 200 characters"),
        ("passwordpassword", "too easy to guess"),
        ("qwertyuiop123456789", "too easy to guess"),
        ("maria-maria-maria", "too easy to guess"),  # the login, repeated
        (STRONG_200 + "x", "between 15 and 200 characters"),
    ],
)
def test_an_admin_cannot_give_an_agent_a_weak_or_untypeable_password(
    admin_client, post_form, db, password, message
):
    agent = {**NEW_AGENT, "password": password}
    response = post_form(admin_client, "/admin/agents", "/admin/agents", agent)
    assert response.status_code == 400
    assert message in response.text
    with db.session() as s:
        assert s.scalars(sa.select(User).where(User.login == "maria")).first() is None


# 4. HSTS


def test_hsts_is_sent_on_every_response_when_the_public_url_is_https(make_app, twilio_post):
    client = make_app(public_base_url="https://voice.example.com").test_client()
    for response in (client.get("/login"), client.get("/console/state"), client.get("/health")):
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.get("/login").headers["X-Content-Type-Options"] == "nosniff"


def test_no_hsts_over_plain_http_for_local_development(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


# 5. Junk in a page's query or form


JUNK = [
    "%00",
    "\x01\x1f\x7f",
    "\ufffd\u202e\U0001f600",
    "9" * 5000,
    "²",
    "-1",
    "0001-01-01",
    "9999-12-31",
    "' OR 1=1 --",
    "x" * 10_000,
]
FILTERS = ["start", "end", "callflow", "demo", "outcome", "reason", "intent", "number", "q"]
FILTERS += ["page", "format", "table", "next"]


@pytest.fixture
def seeded(db, app):
    """Store one finished call, so pages have rows to filter and count."""
    from voice.store.models import Call

    with db.session() as s:
        s.add(Call(sid="CA" + "0" * 32, from_number="+15125550111", to_number="+15125550100",
                   callflow="acme-outfitters"))  # fmt: skip


def every_page(app) -> list[str]:
    return page_urls(app, "admin.") + ["/console/", "/login"]


@pytest.mark.parametrize("name", FILTERS)
def test_a_nul_in_any_filter_of_any_page_is_refused_with_a_clear_400(app, admin_client, name):
    for url in every_page(app):
        for nul in ("\x00", "a\x00b"):
            response = admin_client.get(url, query_string={"format": "csv", name: nul})
            assert response.status_code == 400, (url, name)
            assert "NUL character" in response.text
    # and in a parameter's name
    assert admin_client.get("/admin/calls", query_string={"q\x00": "1"}).status_code == 400


@pytest.mark.parametrize("junk", JUNK, ids=lambda junk: repr(junk[:12]))
def test_junk_in_every_filter_of_every_page_never_gives_a_server_error(
    app, admin_client, seeded, junk
):
    for url in every_page(app):
        for extra in ({}, {"format": "csv"}):
            query = {name: junk for name in FILTERS} | extra
            response = admin_client.get(url, query_string=query)
            assert response.status_code < 500, (url, junk[:20], extra)
            assert response.status_code in (200, 302, 404), (url, junk[:20], extra)


def test_a_nul_in_the_login_form_is_refused_not_a_server_error(client, make_user, csrf_of):
    make_user("ali")
    token = csrf_of(client.get("/login").text)
    data = {"login": "ali\x00", "password": "whatever whatever", "csrf_token": token}
    response = client.post("/login", data=data)
    assert response.status_code == 400 and "NUL character" in response.text


def test_a_nul_in_an_admin_form_is_refused_not_a_server_error(admin_client, post_form, db):
    agent = {**NEW_AGENT, "name": "Ma\x00ria", "password": "violet harbor tractor meadow"}
    response = post_form(admin_client, "/admin/agents", "/admin/agents", agent)
    assert response.status_code == 400 and "NUL character" in response.text

"""Web auth: every page needs a login, roles gate admin pages, forms carry CSRF, failed logins
are limited, sessions are cookies a script cannot read (see test_auth_hardening.py for more)."""

import re

import pytest
import sqlalchemy as sa

from voice.store.models import User
from voice.users import set_password

from conftest import sign
from tests_support import incoming_params

PUBLIC = {"auth.login", "static", "web.static", "health", "favicon"}


def page_urls(app, prefix: str = ""):
    """Return one concrete URL for every GET page of the web blueprints (`prefix`: endpoint)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in PUBLIC:
            continue
        if rule.endpoint.startswith("twilio.") or not rule.endpoint.startswith(prefix):
            continue
        urls.append(re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule))
    assert urls, f"no pages found for {prefix!r}"
    return urls


def test_every_page_sends_anonymous_visitors_to_the_login_form(app, client):
    for url in page_urls(app):
        response = client.get(url)
        if "/events" in url or "/state" in url or url.startswith("/health/"):
            assert response.status_code == 401, url  # data endpoints: see the next test
            continue
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url


@pytest.mark.parametrize("url", ["/console/events", "/console/state"])
def test_data_endpoints_answer_anonymous_requests_with_401_not_a_redirect(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json["error"] == "login required"


def test_an_agent_gets_403_on_every_admin_page(app, agent_client):
    for url in page_urls(app, "admin."):
        assert agent_client.get(url).status_code == 403, url


def test_admins_land_on_the_admin_home_and_agents_on_the_console(
    client, make_user, log_in, admin_client
):
    assert admin_client.get("/").headers["Location"] == "/admin/"
    client = admin_client.application.test_client()
    make_user("ali", "agent")
    log_in(client, "ali")
    assert client.get("/").headers["Location"] == "/console/"


def test_a_wrong_password_starts_no_session(client, make_user, log_in):
    make_user("ali")
    response = log_in(client, "ali", "not the password")
    assert response.status_code == 401
    assert "Wrong login or password" in response.text
    assert client.get("/console/").status_code == 302


def test_logging_in_returns_to_the_page_asked_for_but_never_off_site(client, make_user, log_in):
    make_user("ali")
    assert log_in(client, "ali", next_url="/console/").headers["Location"] == "/console/"
    client.delete_cookie("session")
    response = log_in(client, "ali", next_url="https://evil.example/phish")
    assert response.headers["Location"] == "/"
    client.delete_cookie("session")
    assert log_in(client, "ali", next_url="//evil.example").headers["Location"] == "/"


def test_a_form_posted_without_its_csrf_token_is_refused_with_400(client, make_user):
    make_user("ali")
    response = client.post("/login", data={"login": "ali", "password": "correct horse battery"})
    assert response.status_code == 400
    assert "not sent from a page of this site" in response.text


def test_logging_out_needs_the_csrf_token_and_ends_the_session(agent_client, post_form):
    assert agent_client.post("/logout").status_code == 400
    assert agent_client.get("/console/").status_code == 200
    post_form(agent_client, "/console/", "/logout", {})
    assert agent_client.get("/console/").status_code == 302


def test_changing_a_password_ends_the_sessions_opened_with_the_old_one(agent_client, db):
    with db.session() as s:
        ali = s.scalars(sa.select(User).where(User.login == "ali")).one()
        set_password(ali, "violet harbor tractor meadow")
    assert agent_client.get("/console/").status_code == 302


def test_a_disabled_user_is_logged_out_at_the_next_request(agent_client, db):
    with db.session() as s:
        s.scalars(sa.select(User).where(User.login == "ali")).one().active = False
    assert agent_client.get("/console/").status_code == 302


def test_five_failed_logins_make_that_login_wait_even_with_the_right_password(
    client, make_user, log_in
):
    make_user("ali")
    make_user("bea")
    for _ in range(5):  # LOGIN_FAILURES_PER_ACCOUNT
        assert log_in(client, "ali", "guess guess guess").status_code == 401
    blocked = log_in(client, "ali")  # even the right password waits now
    assert blocked.status_code == 429
    assert "Too many failed logins" in blocked.text and "Wait 15 minutes" in blocked.text
    assert log_in(client, "bea").status_code == 302  # another login is not locked out


def test_twilio_webhooks_are_not_asked_for_a_csrf_token(client):
    params = incoming_params()
    url = "http://localhost/twilio/voice"
    response = client.post(
        "/twilio/voice", data=params, headers={"X-Twilio-Signature": sign(url, params)}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/xml"


def test_the_session_cookie_is_httponly_and_samesite_lax(client, make_user, log_in):
    make_user("ali")
    cookie = log_in(client, "ali").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in development: a Secure cookie would be dropped


def test_the_session_cookie_is_secure_when_the_public_url_is_https(make_app, make_user, log_in):
    client = make_app(public_base_url="https://voice.example.com").test_client()
    make_user("ali")
    cookie = log_in(client, "ali").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_pages_cannot_be_framed_or_load_scripts_from_elsewhere(client):
    headers = client.get("/login").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"

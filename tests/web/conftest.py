"""Web fixtures: users to log in as, and helpers that act through the real forms."""

import re

import pytest

from voice.users import create_user

from tests_support import CHROMIUM, write_open_callflows

PASSWORD = "correct horse battery"

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


@pytest.fixture
def open_callflows(tmp_path):
    """Return a callflows folder with the demo line open around the clock, so people answer."""
    return write_open_callflows(tmp_path / "callflows")


@pytest.fixture
def app(make_app, open_callflows):
    """Return the service app on the always-open demo line, recording Twilio REST requests."""
    return make_app(callflows_dir=open_callflows, twilio_rest="fake")


@pytest.fixture
def password() -> str:
    """Return the password every test user has."""
    return PASSWORD


@pytest.fixture
def csrf_of():
    """Return a function that finds the CSRF token in a page's form."""
    return _csrf_token


@pytest.fixture
def log_in():
    """Return a function that logs a client in through the form, as a browser would."""

    def log_in(client, login: str, password: str = PASSWORD, next_url: str = ""):
        token = _csrf_token(client.get("/login").text)
        data = {"login": login, "password": password, "next": next_url, "csrf_token": token}
        return client.post("/login", data=data)

    return log_in


@pytest.fixture
def post_form():
    """Return a function that POSTs a form with the CSRF token of the page it is on."""

    def post(client, page_url: str, url: str, data: dict):
        token = _csrf_token(client.get(page_url).text)
        return client.post(url, data={**data, "csrf_token": token})

    return post


@pytest.fixture
def make_user(db):
    """Return a function that stores a user with the test password; it returns the user id."""

    def make(login: str, role: str = "agent", name: str = "") -> int:
        with db.session() as s:
            return create_user(s, login, name or login.title(), role, PASSWORD).id

    return make


@pytest.fixture
def make_agent(app):
    """Return a function that adds an agent (and their login) through the floor API."""

    def make(login: str, name: str = "", teams=("general", "care", "security", "orders")) -> dict:
        floor = app.extensions["voice"].floor
        return floor.add_agent(
            login,
            name or login.title(),
            f"client:{login}",
            list(teams),
            ["en"],
            password=PASSWORD,
            wrap_up_s=30,
        )

    return make


@pytest.fixture
def admin_client(client, make_user, log_in):
    """Return a test client logged in as an admin."""
    make_user("ada", "admin", "Ada Admin")
    assert log_in(client, "ada").status_code == 302
    return client


@pytest.fixture
def agent_client(client, make_agent, log_in):
    """Return a test client logged in as Ali, an agent on every team of the demo line."""
    make_agent("ali", "Ali Agent")
    assert log_in(client, "ali").status_code == 302
    return client


@pytest.fixture
def browser_page():
    """Return a page in headless Chromium that accepts downloads; never downloads a browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        page = browser.new_context(accept_downloads=True).new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


@pytest.fixture
def browser_log_in(password):
    """Return a function that logs a user in through the real login form in the browser."""

    def log_in(page, base: str, login: str) -> None:
        page.goto(f"{base}/")
        page.get_by_label("Login").fill(login)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()

    return log_in

"""Every admin page is for admins: anonymous visitors log in first, agents get 403."""

import pytest

PAGES = [
    "/admin/",
    "/admin/?format=csv&table=daily",
    "/admin/intents",
    "/admin/intents?format=csv",
    "/admin/calls",
    "/admin/calls?format=csv",
    "/admin/calls/1",
    "/admin/callflows",
    "/admin/callflows/acme-outfitters.yaml",
    "/admin/customers",
    "/admin/customers?format=csv",
]
ACTIONS = [
    "/admin/intents/send-to-people",
    "/admin/intents/send-to-people/apply",
    "/admin/intents/give-back",
    "/admin/intents/give-back/apply",
    "/admin/callflows/reload",
    "/admin/customers/import",
]


@pytest.mark.parametrize("url", PAGES)
def test_an_anonymous_visitor_is_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("url", ACTIONS)
def test_an_anonymous_post_changes_nothing_and_asks_to_log_in(client, url):
    response = client.post(url, data={"callflow": "acme-outfitters", "intent": "store_hours"})
    assert response.status_code in (302, 400)  # the login redirect, or CSRF refused first
    assert response.status_code == 400 or "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_an_agent_gets_403_on_admin_pages(agent_client, url):
    response = agent_client.get(url)
    assert response.status_code == 403
    assert "for admin users" in response.text


@pytest.mark.parametrize("url", ACTIONS)
def test_an_agent_cannot_post_admin_actions(agent_client, csrf_of, url):
    token = csrf_of(agent_client.get("/console/").text)
    data = {"callflow": "acme-outfitters", "intent": "store_hours", "csrf_token": token}
    assert agent_client.post(url, data=data).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_an_admin_opens_every_admin_page(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == (404 if url == "/admin/calls/1" else 200)

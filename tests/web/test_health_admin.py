"""The System health page and readiness JSON for admins; agents and strangers get no details."""

from __future__ import annotations

from voice.app import readiness


def test_an_admin_sees_what_works_and_what_is_missing_with_the_fix(admin_client, app):
    page = admin_client.get("/admin/health")
    assert page.status_code == 200
    html = page.text
    assert "<h1>System health</h1>" in html
    assert "Degraded:" in html
    # the same problems as the readiness report, each with its fix
    for problem in readiness(app.extensions["voice"])["problems"]:
        assert problem.split(" (")[0] in html
    assert "no speech model for en-US" in html
    assert "voice models download en-us" in html
    assert "Speech recognition, en-US" in html


def test_the_admin_navigation_links_to_system_health(admin_client):
    assert 'href="/admin/health">System health</a>' in admin_client.get("/admin/agents").text


def test_an_admin_session_reads_the_readiness_json(admin_client):
    ready = admin_client.get("/health/ready")
    assert ready.status_code == 503
    body = ready.get_json()
    assert body["database"] == "ok"
    assert body["callflows"] == ["acme-outfitters"]


def test_an_agent_gets_neither_the_page_nor_the_json(agent_client):
    assert agent_client.get("/admin/health").status_code == 403
    refused = agent_client.get("/health/ready")
    assert refused.status_code == 403
    assert set(refused.get_json()) == {"error"}


def test_a_stranger_is_sent_to_log_in(client):
    page = client.get("/admin/health")
    assert page.status_code == 302
    assert "/login" in page.headers["Location"]
    assert client.get("/health/ready").status_code == 401

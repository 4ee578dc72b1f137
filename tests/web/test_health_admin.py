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


ADMIN_PAGES = [
    *("/admin/", "/admin/floor", "/admin/intents", "/admin/teach", "/admin/calls"),
    *("/admin/callflows", "/admin/customers", "/admin/agents", "/admin/health"),
]


def banner_of(html):
    assert 'class="health-banner"' in html, "no health banner"
    return html.split('class="health-banner"')[1].split("</section>")[0]


def test_every_admin_page_warns_that_without_a_speech_model_every_call_goes_to_a_person(
    admin_client,
):
    for url in ADMIN_PAGES:
        page = admin_client.get(url)
        assert page.status_code == 200, url
        banner = banner_of(page.text)
        assert "No speech model for en-US" in banner, url
        assert "every call in en-US goes straight to a person" in banner, url
        assert "<code>voice models download en-us</code>" in banner, url


def test_the_callflows_page_no_longer_says_all_is_well_while_calls_skip_the_assistant(
    admin_client,
):
    page = admin_client.get("/admin/callflows").text
    assert "goes straight to a person" in banner_of(page)
    running = page.split('href="/admin/callflows/acme-outfitters.yaml"')[1].split("</tr>")[0]
    assert "yes, but every call goes to a person: no speech model" in running


def test_agents_see_no_health_banner(agent_client):
    assert 'class="health-banner"' not in agent_client.get("/console/").text


def test_a_healthy_service_shows_no_banner(admin_client, app):
    from voice.web.health import HealthCache

    healthy = {"speech": {"en-US": {"model": "m", "state": "loaded"}}, "understanding": {},
               "database": "ok", "redis": "ok", "fallback_number": True}  # fmt: skip
    app.extensions["voice_health"] = HealthCache(lambda: healthy)
    assert 'class="health-banner"' not in admin_client.get("/admin/agents").text


def test_a_missing_understanding_model_is_named_with_its_download(
    make_app, make_user, log_in, monkeypatch, open_callflows
):
    monkeypatch.delenv("NLU_MODEL_EN", raising=False)
    app = make_app(callflows_dir=open_callflows)
    client = app.test_client()
    make_user("ada", "admin", "Ada Admin")
    log_in(client, "ada")
    banner = banner_of(client.get("/admin/").text)
    assert "No understanding model for en-US" in banner
    assert "<code>voice models download nlu-en</code>" in banner


def test_an_unreachable_redis_is_named_with_the_fix(make_app, make_user, log_in, open_callflows):
    app = make_app(callflows_dir=open_callflows, redis_url="redis://127.0.0.1:9/0")
    client = app.test_client()
    make_user("ada", "admin", "Ada Admin")
    log_in(client, "ada")
    banner = banner_of(client.get("/admin/floor").text)
    assert "Redis is unreachable" in banner and "REDIS_URL" in banner
    assert readiness(app.extensions["voice"])["redis"].startswith("unreachable")


def test_a_callflow_that_fails_its_check_is_named_with_the_fix(
    make_app, make_user, log_in, open_callflows
):
    (open_callflows / "broken.yaml").write_text("version: 1\nname: broken\nintents: 7\n")
    app = make_app(callflows_dir=open_callflows)
    client = app.test_client()
    make_user("ada", "admin", "Ada Admin")
    log_in(client, "ada")
    banner = banner_of(client.get("/admin/calls").text)
    assert "A callflow failed its check" in banner and "broken.yaml" in banner
    assert "<code>voice callflows check FILE</code>" in banner


def test_an_unreachable_database_is_named_with_the_fix():
    from voice.web.health import warnings

    report = {"speech": {}, "understanding": {}, "database": "unreachable", "redis": "not used"}
    [alert] = warnings(report, [])
    assert "database is unreachable" in alert.what and "DATABASE_URL" in alert.fix


def test_the_banner_reuses_a_recent_report_rather_than_checking_on_every_page():
    from voice.web.health import HealthCache

    computed = []
    cache = HealthCache(lambda: computed.append(1) or {"n": len(computed)}, ttl_s=3600)
    assert cache.report() == cache.report() == {"n": 1}
    assert cache.fresh() == {"n": 2} and cache.report() == {"n": 2}
    stale = HealthCache(lambda: computed.append(1) or {"n": len(computed)}, ttl_s=-1)
    assert stale.report() != stale.report()


def test_while_one_page_checks_again_the_others_show_the_last_report():
    import threading

    from voice.web.health import HealthCache

    go_on, started, reports = threading.Event(), threading.Event(), iter([{"n": 1}, {"n": 2}])

    def compute():
        report = next(reports)
        if report["n"] == 2:  # the second check hangs, as on a blackholed database
            started.set()
            go_on.wait()
        return report

    cache = HealthCache(compute, ttl_s=-1)  # always due again
    assert cache.report() == {"n": 1}
    checking = threading.Thread(target=cache.report)
    checking.start()
    assert started.wait(30)
    assert cache.report() == {"n": 1}  # at once, not after the hanging check
    go_on.set()
    checking.join(30)
    assert cache._report == {"n": 2}

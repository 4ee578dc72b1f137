"""A demo service (`voice serve --demo`) keeps showing the demo month after the first calls."""

import pytest
from analytics_rows import add_call

WEEK = "start=2026-03-01&end=2026-03-07"


@pytest.fixture
def app(make_app):
    return make_app(demo_mode=True)


def test_a_demo_service_shows_the_demo_month_after_its_first_call_by_default(admin_client, db):
    with db.session() as s:
        add_call(s, demo=True)
        add_call(s)  # the first call placed on the demo service
    page = admin_client.get(f"/admin/?{WEEK}").text
    assert "2 calls from" in page and "Demo data." in page
    assert "1 call from" in admin_client.get(f"/admin/?{WEEK}&demo=0").text

"""The floor page (admins): callers in line per team, agents by state, today's service level.

It stays live on the floor's event channel, as the console does on an agent's.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Response, current_app, jsonify, render_template

from voice.routing.events import FLOOR
from voice.routing.wallboard import wallboard
from voice.web import sse
from voice.web.admin import bp
from voice.web.auth import data_endpoint
from voice.web.opening import lines_for

PARTS = ("summary", "teams", "agents")


def _rt():  # noqa: ANN202 - the runtime
    return current_app.extensions["voice"]


def floor_zone() -> str:
    """Return the timezone "today" is counted in: the lines' own, else the default line's."""
    lines = _rt().lines
    zones = [lines.by_name(n).business.timezone for n in lines.names]
    if len(set(zones)) == 1:
        return zones[0]
    default = lines.default_name if lines.default_name in lines.names else None
    return lines.by_name(default).business.timezone if default else "UTC"


def _state() -> dict:
    """Return what the floor page shows now."""
    floor = _rt().floor  # a read: the housekeeping timer ends wrap-ups that ran out
    now, zone = floor.clock(), floor_zone()
    local = now.astimezone(ZoneInfo(zone))
    since = local.replace(hour=0, minute=0, second=0, microsecond=0)
    with floor.db.session() as s:
        board = wallboard(s, floor.known_teams(), now, since.astimezone(dt.UTC))
    return {
        **board,
        "zone": zone,
        "day": local.date(),
        "lines": lines_for(now=now),
    }


@bp.get("/floor")
def floor() -> str:
    """Show the floor now; the page's script keeps it live."""
    return render_template("admin/floor.html", **_state())


@bp.get("/floor/state")
@data_endpoint
def floor_state() -> Response:
    """Return the floor's parts as HTML fragments, for the script to swap in."""
    context = _state()
    return jsonify({name: render_template(f"admin/floor_{name}.html", **context) for name in PARTS})


@bp.get("/floor/events")
@data_endpoint
def floor_events() -> Response:
    """Stream the floor's events (queue, presence, callbacks) as Server-Sent Events."""
    keepalive = current_app.config.get("SSE_KEEPALIVE_S", sse.KEEPALIVE_S)
    return sse.stream(sse.relay(_rt().bus, [FLOOR], keepalive_s=keepalive))

"""The absolute URLs Twilio calls back, built from the webhooks' own routes, never hand-written.

TwiML is rendered inside a request, but REST requests (a waiting caller redirected to a freed
agent, a callback's agent leg, a survey call) also start on the housekeeping thread and in
`voice agents`, with no request or app context: so the routes are read from the signed
`/twilio` blueprint itself, registered once on an app of its own, exactly as `create_app`
registers it.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit, urlunsplit

from flask import Flask
from werkzeug.routing import MapAdapter


@cache
def _routes() -> MapAdapter:
    """Return the `/twilio` blueprint's routes, ready to build paths from."""
    from voice.telephony import stream  # noqa: F401 - puts the media stream on the blueprint
    from voice.telephony.webhooks import bp

    app = Flask(__name__)
    app.register_blueprint(bp)
    return app.url_map.bind("localhost")


def twilio_url(base: str, endpoint: str, **query: object) -> str:
    """Return `base` + the path of the webhook `endpoint` (a view's name), `query` appended.

    `base` is our public https (or wss) base with no trailing slash; '' gives the path alone.
    """
    built = urlsplit(_routes().build(f"twilio.{endpoint}", query))
    # werkzeug builds a WebSocket route as a whole ws:// URL; only its path and query count
    return base + urlunsplit(("", "", built.path, built.query, ""))

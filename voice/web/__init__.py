"""The web pages: login, the agent console and admin tools, behind one set of protections."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable

from flask import Blueprint, Flask, Response
from flask_wtf.csrf import CSRFProtect

from voice.settings import Settings

csrf = CSRFProtect()
# templates and static files for every page; the app itself has no static folder
assets = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets"
)
# modules that add their views to the admin blueprint
ADMIN_PAGES = ("analytics", "calls", "intents", "callflows", "customers", "teach")
# what a page may load: only this app's own scripts, styles and forms
CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"


def init_app(app: Flask, settings: Settings, exempt: Iterable[Blueprint] = ()) -> None:
    """Add sessions, CSRF, the login rate limit and the web blueprints to `app`."""
    from voice.web import admin, auth, console, filters

    for page in ADMIN_PAGES:
        importlib.import_module(f"voice.web.{page}")

    secure = settings.public_base_url.startswith("https://")
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=12),
        # an agent keeps the console open all shift: the token lives as long as the session
        WTF_CSRF_TIME_LIMIT=None,
        RATELIMIT_STORAGE_URI=settings.redis_url or "memory://",
        # a Redis outage must not lock everyone out: fall back to per-process counting
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
    )
    csrf.init_app(app)
    for blueprint in exempt:  # Twilio's webhooks are signed instead
        csrf.exempt(blueprint)
    auth.login_manager.init_app(app)
    auth.limiter.init_app(app)
    for blueprint in (assets, auth.bp, console.bp, admin.bp):
        app.register_blueprint(blueprint)
    app.register_error_handler(429, auth.too_many_attempts)
    filters.register(app)
    app.after_request(_page_headers)


def _page_headers(response: Response) -> Response:
    """Keep HTML pages out of frames and other sites' scripts."""
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response

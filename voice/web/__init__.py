"""The web pages: login, the agent console and admin tools, behind one set of protections."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable

from flask import Blueprint, Flask, Response, render_template, request
from flask_wtf.csrf import CSRFProtect

from voice.settings import Settings

csrf = CSRFProtect()
# templates and static files for every page; the app itself has no static folder
assets = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets"
)
# modules that add their views to the admin blueprint
ADMIN_PAGES = ("analytics", "calls", "intents", "callflows", "customers", "teach", "floor")
# what a page may load: only this app's own scripts, styles and forms
CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
# browsers that saw the site over https refuse plain http to it for a year
HSTS = "max-age=31536000; includeSubDomains"
NUL_REFUSED = (
    "The address or form holds a NUL character (%00), which no page accepts. "
    "Remove it and try again."
)


def init_app(app: Flask, settings: Settings, exempt: Iterable[Blueprint] = ()) -> None:
    """Add sessions, CSRF, security headers and the web blueprints to `app`."""
    from voice.web import admin, auth, console, filters, health

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
    )
    csrf.init_app(app)
    for blueprint in exempt:  # Twilio's webhooks are signed instead
        csrf.exempt(blueprint)
    auth.login_manager.init_app(app)
    for blueprint in (assets, auth.bp, console.bp, admin.bp):
        app.register_blueprint(blueprint)
    filters.register(app)
    app.context_processor(health.banner)  # admins see what is broken on every page
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
    signed = {blueprint.name for blueprint in exempt}

    @app.before_request
    def refuse_nul() -> tuple[str, int] | None:
        """Refuse a NUL in a page's query or form: PostgreSQL cannot store or compare one."""
        if request.blueprint in signed:
            return None  # Twilio's webhooks validate their own input
        if _has_nul(request.args) or (request.method != "GET" and _has_nul(request.form)):
            return render_template("error.html", code=400, message=NUL_REFUSED), 400
        return None

    app.after_request(_page_headers_for(secure))


def _favicon() -> Response:
    """Serve the icon browsers ask for at /favicon.ico (the pages also link it)."""
    from flask import send_from_directory

    response = send_from_directory(assets.static_folder, "favicon.svg", mimetype="image/svg+xml")
    response.cache_control.max_age = 86400
    return response


def _has_nul(fields: object) -> bool:
    return any("\x00" in k or "\x00" in v for k, v in fields.items(multi=True))


def _page_headers_for(secure: bool):  # noqa: ANN202 - an after_request function
    """Return the function that adds the security headers (HSTS only when served over https)."""

    def headers(response: Response) -> Response:
        if secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return _page_headers(response)

    return headers


def _page_headers(response: Response) -> Response:
    """Keep HTML pages out of frames and other sites' scripts."""
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response

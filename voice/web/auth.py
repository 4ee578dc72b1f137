"""Logging in and out, who is logged in, and which role may open which page."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from voice.store.models import User
from voice.users import authenticate
from voice.web.errors import attach

bp = attach(Blueprint("auth", __name__))
login_manager = LoginManager()
# No default limits: only the login form is limited, never Twilio's webhooks.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
LOGIN_LIMIT = "10/minute"
TOO_MANY = "Too many login attempts for this login from your address. Wait a minute and try again."


@dataclass(frozen=True, eq=False)
class WebUser(UserMixin):
    """The logged-in person, detached from the database session that loaded them."""

    id: int
    login: str
    name: str
    role: str
    stamp: str  # changes with the password, so changing it ends every other session

    @classmethod
    def of(cls, user: User) -> WebUser:
        """Return the web identity of a stored user."""
        stamp = hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]
        return cls(user.id, user.login, user.name, user.role, stamp)

    def get_id(self) -> str:
        """Return what the session cookie remembers: the user id and the password stamp."""
        return f"{self.id}.{self.stamp}"

    @property
    def is_admin(self) -> bool:
        """Return True for an admin."""
        return self.role == "admin"


class LoginForm(FlaskForm):
    """The login form."""

    login = StringField("Login", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


def _db():  # noqa: ANN202 - the runtime's Database
    return current_app.extensions["voice"].db


@login_manager.user_loader
def load_user(user_id: str) -> WebUser | None:
    """Return the active user a session cookie names, if the password has not changed since."""
    uid, _, stamp = user_id.partition(".")
    if not uid.isdigit():
        return None
    with _db().session() as s:
        user = s.get(User, int(uid))
        if user is None or not user.active:
            return None
        web = WebUser.of(user)
    return web if web.stamp == stamp else None


def wants_data() -> bool:
    """Return True when the request is for data (JSON or an event stream), not a page."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "data_endpoint", False):
        return True
    return request.accept_mimetypes.best in ("text/event-stream", "application/json")


def data_endpoint(view: Callable) -> Callable:
    """Mark a view as JSON or SSE, so an anonymous request gets 401 rather than a redirect."""
    view.data_endpoint = True
    return view


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    """Send anonymous page requests to the login form; refuse data requests with 401."""
    if wants_data():
        response = jsonify(error="login required", login=url_for("auth.login"))
        response.status_code = 401
        return response
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def guard(blueprint: Blueprint, *roles: str) -> None:
    """Require a logged-in user, with one of `roles` if given, for every view of `blueprint`."""

    @blueprint.before_request
    def require_role() -> Response | None:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if roles and current_user.role not in roles:
            abort(403, f"This page is for {' or '.join(roles)} users.")
        return None


def _safe_next(target: str | None) -> str | None:
    """Return `target` only if it is a path on this site (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_key() -> str:
    login = (request.form.get("login") or "").strip().lower()
    return f"{get_remote_address()}|{login}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, key_func=_login_key, methods=["POST"])
def login() -> Response | str:
    """Show the login form, or log the user in."""
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        with _db().session() as s:
            user = authenticate(s, form.login.data, form.password.data)
            web = WebUser.of(user) if user else None
        if web is not None:
            session.clear()  # a fresh session on login: no fixation
            login_user(web)
            return redirect(_safe_next(form.next.data) or url_for("auth.home"))
        flash("Wrong login or password.", "error")
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """End the session."""
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
def home() -> Response:
    """Send admins to the admin home and agents to their console."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return redirect(url_for("admin.home" if current_user.is_admin else "console.page"))


def too_many_attempts(error: Exception) -> tuple[Response | str, int]:
    """Explain a rate-limited login instead of a bare 429."""
    if request.endpoint == "auth.login":
        flash(TOO_MANY, "error")
        return render_template("login.html", form=LoginForm()), 429
    return render_template("error.html", code=429, message=TOO_MANY), 429

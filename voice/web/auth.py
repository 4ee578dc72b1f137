"""Logging in and out, who is logged in, and which role may open which page."""

from __future__ import annotations

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
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from voice.store.models import User
from voice.users import (
    MAX_PASSWORD,
    LoginLimits,
    authenticate,
    clear_failures,
    end_session,
    login_wait,
    open_session,
    record_failure,
    session_user,
)
from voice.web.errors import attach

bp = attach(Blueprint("auth", __name__))
login_manager = LoginManager()
# the same words whether the login exists or not, and whichever limit was reached
TOO_MANY = "Too many failed logins for this login or from your address. Wait {wait} and try again."


@dataclass(frozen=True, eq=False)
class WebUser(UserMixin):
    """The logged-in person, detached from the database session that loaded them."""

    id: int
    login: str
    name: str
    role: str
    token: str  # names this session in the database; logging out deletes it there

    @classmethod
    def of(cls, user: User, token: str) -> WebUser:
        """Return the web identity of a stored user in the session with this token."""
        return cls(user.id, user.login, user.name, user.role, token)

    def get_id(self) -> str:
        """Return what the session cookie remembers: the user id and the session's token."""
        return f"{self.id}.{self.token}"

    @property
    def is_admin(self) -> bool:
        """Return True for an admin."""
        return self.role == "admin"


class LoginForm(FlaskForm):
    """The login form."""

    login = StringField("Login", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD)])
    next = HiddenField()


def _db():  # noqa: ANN202 - the runtime's Database
    return current_app.extensions["voice"].db


def _limits() -> LoginLimits:
    settings = current_app.extensions["voice"].settings
    return LoginLimits(
        settings.login_failures_per_account,
        settings.login_failures_per_address,
        settings.login_window_s,
    )


def _address() -> str:
    return request.remote_addr or "unknown"


@login_manager.user_loader
def load_user(user_id: str) -> WebUser | None:
    """Return the active user whose session the cookie names, while that session is open.

    The session lives in the database: logging out, a new password or a disabled account
    ends it, and a copy of the cookie then opens nothing.
    """
    uid, _, token = user_id.partition(".")
    if not (uid.isascii() and uid.isdigit() and len(uid) < 12 and token):
        return None
    with _db().session() as s:
        user = session_user(s, int(uid), token)
        return WebUser.of(user, token) if user else None


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


def _wait_words(seconds: int) -> str:
    minutes = -(-seconds // 60)
    return f"{seconds} seconds" if seconds < 60 else f"{minutes} minute{'s' * (minutes > 1)}"


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int, dict[str, str]]:
    """Show the login form, or log the user in.

    Failed logins are counted per account and per address in the database, so the limit holds
    across processes and instances; past it, even the right password waits.
    """
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        limits, address, typed = _limits(), _address(), form.login.data
        with _db().session() as s:
            wait = login_wait(s, typed, address, limits)
            user = None if wait else authenticate(s, typed, form.password.data)
            if user is not None:
                clear_failures(s, typed)
                web = WebUser.of(
                    user, open_session(s, user, current_app.permanent_session_lifetime)
                )
            elif not wait:
                record_failure(s, typed, address, limits)
        if wait:
            flash(TOO_MANY.format(wait=_wait_words(wait)), "error")
            return render_template("login.html", form=form), 429, {"Retry-After": str(wait)}
        if user is not None:
            session.clear()  # a fresh session on login: no fixation
            login_user(web)
            return redirect(_safe_next(form.next.data) or url_for("auth.home"))
        flash("Wrong login or password.", "error")
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """End the session, here and in the database: a copy of the cookie stops working."""
    if current_user.is_authenticated:
        with _db().session() as s:
            end_session(s, current_user.token)
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

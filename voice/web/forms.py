"""Forms of the console and the admin pages; each carries its CSRF token."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import (
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from voice.flow import titles
from voice.flow.model import Callflow
from voice.users import MAX_PASSWORD, MIN_PASSWORD

DISPOSITIONS = [SelectChoice("resolved", "Resolved"), SelectChoice("follow_up", "Needs follow-up")]
PRESENCES = [SelectChoice("available", "Available"), SelectChoice("offline", "Offline")]
WRAP_UP_TOKEN_AGE_S = 24 * 3600  # a wrap-up can be saved for a day after the call


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class PresenceForm(FlaskForm):
    """Go available or offline."""

    presence = SelectField("Presence", choices=PRESENCES)


class WrapUpForm(FlaskForm):
    """What the agent records after a call."""

    ticket = HiddenField(validators=[DataRequired()])  # signed agent and call: see ticket_for
    disposition = RadioField("Outcome", choices=DISPOSITIONS, validators=[InputRequired()])
    routing_right = RadioField(
        "Was the assistant's routing right?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[InputRequired()],
    )
    right_target = SelectField("What would have been right?", choices=[], validate_choice=True)
    notes = TextAreaField("Notes", validators=[Length(max=4000)])
    survey = RadioField(
        "Ask the caller to rate the call?",
        choices=[
            SelectChoice("", "Don't ask"),
            SelectChoice("sms", "By text message"),
            SelectChoice("voice", "By a short call"),
        ],
        default="",
        validate_choice=True,
    )

    def offer_targets(self, callflow: object | None, teams: list[str]) -> None:
        """Offer the callflow's intents and teams as what the routing should have been."""
        line = callflow if isinstance(callflow, Callflow) else None
        intents = sorted(getattr(callflow, "intents", {}) or {})
        named = getattr(callflow, "teams", {}) or {}
        team_keys = sorted(named) or sorted(teams)
        group = "Intents the assistant answers"
        self.right_target.choices = [
            SelectChoice("", "Not sure / not applicable"),
            *(SelectChoice(f"intent:{i}", titles.intent(line, i), optgroup=group) for i in intents),
            *(SelectChoice(f"team:{t}", titles.team(line, t), optgroup="Teams") for t in team_keys),
        ]


def _tickets() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="voice-wrap-up")


def ticket_for(agent_id: int, call_id: int) -> str:
    """Return a signed note that this agent may wrap up this call."""
    return _tickets().dumps([agent_id, call_id])


def call_of_ticket(ticket: str, agent_id: int) -> int | None:
    """Return the call a wrap-up ticket names, if it is genuine, recent and this agent's."""
    try:
        owner, call_id = _tickets().loads(ticket, max_age=WRAP_UP_TOKEN_AGE_S)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(call_id) if owner == agent_id else None


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class AgentEditForm(FlaskForm):
    """An agent's address, teams, languages and wrap-up time."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    address = StringField(
        "Reach them at",
        validators=[DataRequired(), Length(max=200)],
        description="+15125550100, sip:maria@pbx.example.com or client:maria",
    )
    # no `required`: on checkboxes it would demand every one; the floor asks for at least one
    teams = MultiCheckboxField("Teams", choices=[])
    languages = StringField(
        "Languages",
        validators=[DataRequired(), Length(max=200)],
        description="comma-separated tags, e.g. en, es or en-US",
    )
    wrap_up_s = IntegerField(
        "Wrap-up time (seconds)", default=30, validators=[InputRequired(), NumberRange(0, 3600)]
    )

    def language_list(self) -> list[str]:
        """Return the languages typed, split on commas and spaces."""
        return [t for t in self.languages.data.replace(",", " ").split() if t]


class AgentAddForm(AgentEditForm):
    """A new agent and the login they use."""

    login = StringField("Login", validators=[DataRequired(), Length(max=80)])
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD)],
        description=f"at least {MIN_PASSWORD} characters; `voice users passwd` changes it",
    )


class SendToPeopleForm(FlaskForm):
    """Send one intent of one line to people (its team optional), as reviewed."""

    callflow = HiddenField(validators=[DataRequired(), Length(max=80)])
    intent = HiddenField(validators=[DataRequired(), Length(max=80)])
    team = SelectField("Team that takes these calls", choices=[], validate_choice=False)
    fingerprint = HiddenField(validators=[Length(max=40)])

    def errors_text(self) -> str:
        """Return every error of the form in one sentence."""
        found = [f"{name}: {'; '.join(errors)}" for name, errors in self.errors.items()]
        return ". ".join(found) or "the form was incomplete"


class CustomerImportForm(FlaskForm):
    """A CSV file of customers to import."""

    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file to import.")],
        description="a header line phone,name,email, then one customer a line",
    )

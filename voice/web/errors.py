"""Errors on web pages, shown as pages in one shape (Twilio's blueprint keeps its own)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_wtf.csrf import CSRFError

CSRF_MESSAGE = "This form was not sent from a page of this site, or it expired. Reload and retry."


def attach(blueprint: Blueprint) -> Blueprint:
    """Render 400, 403, 404 and CSRF failures on `blueprint` as error pages."""
    blueprint.register_error_handler(CSRFError, csrf_failed)
    for code in (400, 403, 404):
        blueprint.register_error_handler(code, error_page)
    return blueprint


def csrf_failed(error: CSRFError) -> tuple[str, int]:
    """Explain a missing or stale CSRF token."""
    return render_template("error.html", code=400, message=CSRF_MESSAGE), 400


def error_page(error: Exception) -> tuple[str, int]:
    """Render an HTTP error with its description."""
    code = getattr(error, "code", 500)
    return render_template("error.html", code=code, message=getattr(error, "description", "")), code

"""X-Twilio-Signature checks with the twilio library's RequestValidator, on the public URL."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Request
from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)


def public_url(request: Request, base: str) -> str:
    """Return the URL Twilio called: PUBLIC_BASE_URL (proxies, tunnels) + path and query."""
    root = (base or request.host_url).rstrip("/")
    if request.environ.get("HTTP_UPGRADE", "").lower() == "websocket":
        root = root.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    query = request.query_string.decode("latin-1")
    return f"{root}{request.path}" + (f"?{query}" if query else "")


def signature_for(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Return the X-Twilio-Signature Twilio sends with `params` to `url` (the simulator signs)."""
    return RequestValidator(auth_token).compute_signature(url, dict(params))


def is_signed(request: Request, auth_token: str, base: str) -> bool:
    """Return True when the request carries a valid signature for its public URL and form."""
    signature = request.headers.get("X-Twilio-Signature", "")
    url = public_url(request, base)
    params = request.form.to_dict(flat=True) if request.method == "POST" else {}
    if signature and RequestValidator(auth_token).validate(url, params, signature):
        return True
    log.warning(
        "rejected unsigned or mis-signed Twilio request: %s %s (from %s, signature %s)",
        request.method,
        url,
        request.remote_addr,
        "present" if signature else "missing",
    )
    return False

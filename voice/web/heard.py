"""What a caller heard and what the line did, read back from the TwiML the service answered with.

The timeline takes this from the TwiML actually sent, not from the decision: after hours a
transfer decision's handoff ("Connecting you…") is never played; the closed prompt is.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # only the service's own stored TwiML is read
from dataclasses import dataclass, field


@dataclass
class Heard:
    """The words played to the caller, and what the line did then, in order."""

    said: list[str] = field(default_factory=list)
    did: list[str] = field(default_factory=list)
    listened: bool = False  # the caller's words went to the assistant (a media stream)


def _target(dial: ET.Element) -> str:
    for child in dial:
        text = (child.text or "").strip()
        if child.tag == "Client":
            return f"client:{text}"
        if text:
            return text
    return (dial.text or "").strip() or "a person"


def _offer(gather: ET.Element) -> str:
    action = gather.get("action", "")
    if "/survey/" in action:
        return "waited for the caller's rating"
    if "/closed/" in action:
        return "waited for the caller to choose a callback or a message"
    if "/queue/" in action:
        return "waited in case the caller asked to be called back"
    return "waited for the caller's answer"


DONE = {  # verbs that tell what the line did in a fixed phrase
    "Connect": "listened to the caller",
    "Enqueue": "put the caller in line",
    "Record": "recorded the caller's message after a beep",
    "Leave": "took the caller out of the line",
    "Hangup": "ended the call",
    "Play": "played a recording",
}


def _verb(verb: ET.Element, heard: Heard) -> None:
    if verb.tag == "Say":
        heard.said.append(" ".join((verb.text or "").split()))
    elif verb.tag == "Gather":
        for inner in verb:
            _verb(inner, heard)
        heard.did.append(_offer(verb))
    elif verb.tag == "Dial":
        heard.did.append(f"rang {_target(verb)}")
    elif verb.tag == "Pause":
        heard.did.append(f"kept the caller on hold for {verb.get('length', '1')} s")
    elif verb.tag != "Redirect":  # a redirect is the line's own next step, unnoticed by callers
        heard.did.append(DONE.get(verb.tag, f"used {verb.tag}"))
    heard.listened = heard.listened or verb.tag == "Connect"


def read_twiml(xml: str) -> Heard | None:
    """Return what a TwiML document plays and does; None when it cannot be read."""
    try:
        root = ET.fromstring(xml)  # the service's own output, stored by it
    except ET.ParseError:
        return None
    heard = Heard()
    for verb in root:
        _verb(verb, heard)
    heard.said = [s for s in heard.said if s]
    return heard

"""Per-call signed tokens that bind a media stream to the call and turn that opened it."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer


@dataclass(frozen=True, slots=True)
class StreamClaims:
    """What a stream token vouches for."""

    call_sid: str
    stage: str
    speech: str


class StreamTokens:
    """Issue and check the <Parameter name="token"> sent with each <Stream>."""

    def __init__(self, secret: str, max_age_s: int = 600):
        self._signer = URLSafeTimedSerializer(secret, salt="voice.stream")
        self.max_age_s = max_age_s

    def issue(self, call_sid: str, stage: str, speech: str) -> str:
        """Return a token for one listening turn of one call."""
        return self._signer.dumps({"sid": call_sid, "stage": stage, "speech": speech})

    def check(self, token: str, call_sid: str) -> StreamClaims:
        """Return the claims, or raise PermissionError for a bad, stale or foreign token."""
        try:
            data = self._signer.loads(token or "", max_age=self.max_age_s)
        except BadSignature as exc:
            raise PermissionError(f"bad stream token: {exc}") from exc
        if data.get("sid") != call_sid:
            raise PermissionError("stream token belongs to another call")
        return StreamClaims(data["sid"], data["stage"], data["speech"])

"""Call-flow analytics for the admin pages: where automation helps callers and where it hurts.

Every function takes `(session, period, callflow, include_demo)` and returns plain,
JSON-able dicts and lists. `include_demo=False` counts real calls only; `include_demo=True`
counts real and demo calls together (on a fresh install that is the demo month alone). The
pages pass True only while `data_status()` says there are demo rows, and show a banner.
"""

from voice.analytics.calls import call_detail, calls
from voice.analytics.intents import per_intent, repeat_rate_by_intent
from voice.analytics.metrics import by_reason, daily, funnel, outcomes, summary
from voice.analytics.scope import Period, data_status

__all__ = [
    "Period",
    "by_reason",
    "call_detail",
    "calls",
    "daily",
    "data_status",
    "funnel",
    "outcomes",
    "per_intent",
    "repeat_rate_by_intent",
    "summary",
]

"""What the service itself says to a caller (queue, wait, faults, hours), in the line's language.

A callflow writes its own greeting, answers, handoff, follow-up and goodbye; these are the
sentences no callflow writes. Each language has one table; a line in any other language hears
English, the default. Agents' whispers stay English (the console's language).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only
    from voice.flow.model import Callflow


@dataclass(frozen=True)
class Phrases:
    """One language's sentences; `{name}` marks what is filled in."""

    language: str
    sorry_connecting: str  # a fault before any line is known
    still_connecting: str  # the next agent, or the fallback number, after a dial failed
    nobody: str  # no one at all to dial
    queued: str  # {team}
    connecting: str  # a waiting caller's agent just became free
    callback_offer: str
    next_in_line: str
    place_in_line: str  # {place}
    wait_unknown: str
    wait_under_a_minute: str
    wait_minute: str  # {minutes} == 1
    wait_minutes: str  # {minutes}
    callback_confirmed: str  # {digits}: the caller's number's last four
    closed: str  # {hours}: the week's opening hours in words
    voicemail: str
    voicemail_thanks: str
    rate_again: str  # an SMS rating we could not read
    offer_hints: str  # what the provider's recognizer should expect after an offer, besides keys
    callback_words: re.Pattern[str]  # "call me back", said to the offer
    message_words: re.Pattern[str]  # "leave a message"

    def wait(self, seconds: int | None) -> str:
        """Return the honest wait in words: "a few minutes" when we do not know."""
        if seconds is None:
            return self.wait_unknown
        if seconds < 60:
            return self.wait_under_a_minute
        minutes = round(seconds / 60)
        return (self.wait_minute if minutes == 1 else self.wait_minutes).format(minutes=minutes)

    def place(self, place: int) -> str:
        """Return the caller's place in line in words."""
        return self.next_in_line if place == 1 else self.place_in_line.format(place=place)


ENGLISH = Phrases(
    language="en",
    sorry_connecting="Sorry, something went wrong on our side. Let me connect you with a person.",
    still_connecting="One moment, I'm still connecting you.",
    nobody="Sorry, we can't connect you to a person right now. Please call back in a few minutes.",
    queued="Everyone on our {team} team is helping another caller. I'll keep your place in line.",
    connecting="Thanks for waiting. Connecting you now.",
    callback_offer="To have us call you back instead, say 'call me back' or press 1.",
    next_in_line="You're next in line.",
    place_in_line="You're number {place} in line.",
    wait_unknown="It should be a few minutes.",
    wait_under_a_minute="Recently, callers have waited less than a minute.",
    wait_minute="Recently, callers have waited about {minutes} minute.",
    wait_minutes="Recently, callers have waited about {minutes} minutes.",
    callback_confirmed=(
        "Thanks. We'll call you back at the number ending in {digits} as soon as someone "
        "is free. You don't need to stay on the line. Goodbye."
    ),
    closed=(
        "Our team isn't available right now. We're open {hours}. "
        "To have someone call you back when we open, say 'call me back' or press 1. "
        "To leave a message, say 'message' or press 2, or just stay on the line."
    ),
    voicemail=(
        "Please leave your name and message after the tone, then hang up or press the pound key."
    ),
    voicemail_thanks="Thanks, we have your message and will call you back. Goodbye.",
    rate_again="Please reply with one number, from 1 (poor) to 5 (great).",
    offer_hints="call me back, callback, call back, message, voicemail, leave a message",
    callback_words=re.compile(r"\b(call(ing)? ?me ?back|callback|call back|ring me back)\b", re.I),
    message_words=re.compile(r"\b(message|voice ?mail|record)\b", re.I),
)

KOREAN = Phrases(
    language="ko",
    sorry_connecting="죄송합니다. 시스템에 문제가 생겼습니다. 상담원에게 연결해 드리겠습니다.",
    still_connecting="잠시만 기다려 주세요. 계속 연결하고 있습니다.",
    nobody="죄송합니다. 지금은 상담원에게 연결해 드릴 수 없습니다. 몇 분 뒤에 다시 전화해 주세요.",
    queued="지금 {team} 상담원이 모두 다른 고객님과 통화 중입니다. 순서대로 연결해 드리겠습니다.",
    connecting="기다려 주셔서 감사합니다. 지금 연결해 드리겠습니다.",
    callback_offer=(
        "기다리지 않고 나중에 전화를 받으시려면 '다시 전화해 주세요'라고 말씀하시거나 "
        "1번을 눌러 주세요."
    ),
    next_in_line="고객님은 다음 순서입니다.",
    place_in_line="고객님의 대기 순서는 {place}번째입니다.",
    wait_unknown="몇 분 정도 걸릴 것 같습니다.",
    wait_under_a_minute="최근 대기 시간은 1분이 채 되지 않았습니다.",
    wait_minute="최근 대기 시간은 약 {minutes}분이었습니다.",
    wait_minutes="최근 대기 시간은 약 {minutes}분이었습니다.",
    callback_confirmed=(
        "감사합니다. 상담원이 연결되는 대로 끝자리 {digits} 번호로 다시 전화드리겠습니다. "
        "전화를 끊으셔도 됩니다. 안녕히 계세요."
    ),
    closed=(
        "지금은 상담 시간이 아닙니다. 상담 시간은 {hours}입니다. "
        "상담 시간에 전화를 받으시려면 '다시 전화해 주세요'라고 말씀하시거나 1번을 눌러 주세요. "
        "메시지를 남기시려면 '메시지'라고 말씀하시거나 2번을 누르시고, 그대로 기다리셔도 됩니다."
    ),
    voicemail="삐 소리가 나면 성함과 용건을 남겨 주시고, 전화를 끊거나 우물 정자를 눌러 주세요.",
    voicemail_thanks="감사합니다. 메시지를 잘 받았습니다. 다시 연락드리겠습니다. 안녕히 계세요.",
    rate_again="1(매우 불만족)부터 5(매우 만족)까지 숫자 하나로 답장해 주세요.",
    offer_hints="다시 전화해 주세요, 다시 전화, 콜백, 연락 주세요, 메시지, 음성 사서함",
    # no word boundaries: particles and endings join Korean words ("전화해주세요", "콜백이요")
    callback_words=re.compile(r"다시\s*전화|전화\s*(해|주|줘|부탁)|콜백|연락\s*(해|주|줘)"),
    message_words=re.compile(r"메시지|메세지|음성\s*사서함|녹음|남길"),
)

_BY_LANGUAGE = {p.language: p for p in (ENGLISH, KOREAN)}


def phrases_for(callflow: Callflow | None) -> Phrases:
    """Return the sentences in the line's language (its primary subtag); English by default."""
    language = callflow.language if callflow else ""
    return _BY_LANGUAGE.get(language.split("-")[0].lower(), ENGLISH)

"""Korean words; matched inside the text with spaces removed, since particles join words."""

from __future__ import annotations

from voice.flow.lexicon import Lexicon, TopicWords, phrases, words

# Endings and particles glued to a word's stem, longest first; stripping them lets
# "영업시간이" meet "영업 시간" and "닫아요" meet "닫나요".
_ENDINGS = tuple(
    sorted(
        words("""
    습니까 습니다 입니다 인가요 이에요 예요 에요 어요 아요 해요 세요 나요 까요 는데요 는데 은데요
    거든요 던데 네요 죠 요 고요 에서 으로 까지 부터 이랑 한테 에게 께서 은 는 이 가 을 를 에 로 도
    의 와 과 랑 만 했어요 했는데 하는 한 할 하"""),
        key=lambda e: (-len(e), e),
    )
)


def stem_ko(word: str) -> str:
    """Strip up to two endings or particles from a Korean word, keeping at least one syllable."""
    for _ in range(2):
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= max(1, 3 - len(ending)):
                word = word[: -len(ending)]
                break
        else:
            break
    return word


# fmt: off
KOREAN = Lexicon(
    language="ko",
    unspaced=True,
    stem=stem_ko,
    concepts={
        "hours": phrases("영업, 시간, 열, 닫, 문, 오픈, 마감, 몇시"),
        "place": phrases("위치, 주소, 매장, 가게, 찾아가, 주차, 오시는 길"),
        "delivery": phrases("배송, 택배, 주문, 도착, 발송, 배달"),
        "price": phrases("가격, 얼마, 비용, 요금"),
        "return": phrases("환불, 반품, 교환"),
        "booking": phrases("예약, 일정"),
        "day": phrases("""월요일, 화요일, 수요일, 목요일, 금요일, 토요일, 일요일, 주말, 오늘, 내일,
                       평일, 공휴일"""),
    },
    fillers=words("음 어 으음 저기 저기요 그 저 아"),
    stopwords=words("""
        좀 제 저 그 이 거 것 요 네 예 혹시 그냥 지금 어떻게 돼요 되나요 되요 돼 하고 싶어요 싶은데요
        싶은데 주세요 해주세요 해 알려 알려주세요 있어요 있나요 있을까요 수 뭐예요 무엇 언제 어디
        어디예요 몇 뭐 무슨 어느 왜 하나요 해요 할래요 말씀 부탁 부탁드려요 드려요"""),
    human=phrases("상담원, 상담사, 상담 직원, 사람, 직원, 담당자, 교환원, 상담받, 상담 받"),
    human_short=phrases("연결, 상담, 0번, 영번, 공번"),
    frustration=phrases("""
        짜증, 화가 나, 화나, 답답, 어이없, 어이가 없, 몇 번째, 장난하, 황당, 미치겠, 열받, 열 받,
        너무하, 두 번째 전화, 세 번째 전화"""),
    closing=phrases("""
        아니요, 아니오, 아뇨, 아니, 없어요, 없습니다, 됐어요, 됐습니다, 괜찮아요, 괜찮습니다,
        감사합니다, 고맙습니다, 고마워요, 감사해요, 수고하세요, 끊을게요, 끊겠습니다, 안녕히 계세요,
        그게 다예요, 그게 다입니다, 다 됐어요"""),
    courtesy=words("네 예 그럼 정말 많이 너무 수고 이제 괜찮 요"),
    topics={
        "bereavement": TopicWords(phrases=phrases(
            "돌아가셨, 돌아가시, 사망, 별세, 장례, 부고, 상을 당, 고인")),
        "fraud": TopicWords(phrases=phrases("""
            사기, 도용, 해킹, 도난, 훔쳐, 보이스피싱, 피싱, 결제한 적 없, 결제한 적이 없,
            모르는 결제, 승인한 적 없, 주문한 적 없""")),
        "medical": TopicWords(phrases=phrases(
            "응급, 다쳤, 다치, 부상, 구급차, 119, 피가 나, 화상, 알레르기, 숨을 못")),
        "complaint": TopicWords(phrases=phrases(
            "불만, 항의, 민원, 불친절, 책임자, 고소, 소비자원")),
        "cancellation": TopicWords(phrases=phrases("취소, 해지, 탈퇴")),
    },
    automation_words=phrases("자동, 인공지능, AI, 음성 안내, 가상, 챗봇, 로봇"),
    person_words=phrases("상담원, 상담사, 직원, 사람, 담당자"),
    recording_words=phrases("녹음, 녹취"),
    followup="더 도와드릴 일이 있을까요?",
    goodbye="전화해 주셔서 감사합니다. 좋은 하루 보내세요.",
    handoff="{team} 담당 직원에게 연결해 드리겠습니다.",
)
# fmt: on

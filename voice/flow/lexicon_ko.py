"""Korean words; matched inside the text with spaces removed, since particles join words."""

from __future__ import annotations

from voice.flow.lexicon import Lexicon, TopicWords

KOREAN = Lexicon(
    language="ko",
    unspaced=True,
    fillers=frozenset("음 어 으음 저기 저기요 그 저 아".split()),
    stopwords=frozenset("좀 제 저 그 이 거 것 요 네 예 혹시 그냥 지금".split()),
    human=("상담원", "상담사", "상담 직원", "사람", "직원", "담당자", "교환원", "상담받", "상담 받"),
    human_short=("연결", "상담", "0번", "영번", "공번"),
    frustration=(
        "짜증", "화가 나", "화나", "답답", "어이없", "어이가 없", "몇 번째", "장난하", "황당",
        "미치겠", "열받", "열 받", "너무하", "두 번째 전화", "세 번째 전화",
    ),  # fmt: skip
    closing=(
        "아니요", "아니오", "아뇨", "아니", "없어요", "없습니다", "됐어요", "됐습니다", "괜찮아요",
        "괜찮습니다", "감사합니다", "고맙습니다", "고마워요", "감사해요", "수고하세요",
        "끊을게요", "끊겠습니다", "안녕히 계세요", "그게 다예요", "그게 다입니다", "다 됐어요",
    ),  # fmt: skip
    courtesy=frozenset("네 예 그럼 정말 많이 너무 수고 이제 괜찮 요".split()),
    topics={
        "bereavement": TopicWords(
            phrases=("돌아가셨", "돌아가시", "사망", "별세", "장례", "부고", "상을 당", "고인"),
        ),
        "fraud": TopicWords(
            phrases=(
                "사기", "도용", "해킹", "도난", "훔쳐", "보이스피싱", "피싱", "결제한 적 없",
                "결제한 적이 없", "모르는 결제", "승인한 적 없", "주문한 적 없",
            ),  # fmt: skip
        ),
        "medical": TopicWords(
            phrases=("응급", "다쳤", "다치", "부상", "구급차", "119", "피가 나", "화상",
                     "알레르기", "숨을 못"),  # fmt: skip
        ),
        "complaint": TopicWords(
            phrases=("불만", "항의", "민원", "불친절", "책임자", "고소", "소비자원"),
        ),
        "cancellation": TopicWords(phrases=("취소", "해지", "탈퇴")),
    },
    automation_words=("자동", "인공지능", "AI", "음성 안내", "가상", "챗봇", "로봇"),
    person_words=("상담원", "상담사", "직원", "사람", "담당자"),
    recording_words=("녹음", "녹취"),
    followup="더 도와드릴 일이 있을까요?",
    goodbye="전화해 주셔서 감사합니다. 좋은 하루 보내세요.",
    handoff="{team} 담당 직원에게 연결해 드리겠습니다.",
)

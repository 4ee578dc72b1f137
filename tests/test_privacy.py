"""Stored transcripts never keep card numbers, SSNs or other long digit strings (right 8)."""

import pytest

from voice.privacy import redact


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        ("my card is 4111 1111 1111 1111 thanks", "my card is [redacted] thanks"),
        ("ssn 123-45-6789", "ssn [redacted]"),
        ("account 12345678", "account [redacted]"),
        ("it is four one one one one one one one ok", "it is [redacted] ok"),
        ("i called 2 times at 10", "i called 2 times at 10"),
        ("open until 8 pm on the 21st", "open until 8 pm on the 21st"),
    ],
)
def test_long_digit_strings_are_redacted_short_numbers_kept(said, stored):
    assert redact(said) == stored


def test_values_a_callflow_declares_such_as_order_numbers_are_kept():
    keep = (r"\d{8}",)  # this line's order numbers have eight digits
    assert redact("order 12345678 please", keep=keep) == "order 12345678 please"
    assert redact("order one two three four five six seven eight", keep=keep).endswith("eight")
    assert redact("card 4111 1111 1111 1111", keep=keep) == "card [redacted]"


def test_a_callflow_declares_kept_patterns_under_privacy(tmp_path):
    import shutil

    import pytest

    from voice.errors import CallflowInvalid
    from voice.flow import load_callflow

    from conftest import ROOT

    path = tmp_path / "line.yaml"
    shutil.copy(ROOT / "callflows" / "acme-outfitters.yaml", path)
    with path.open("a") as f:
        f.write('privacy: {keep: ["\\\\d{8}"]}\n')
    assert load_callflow(path).privacy_keep == (r"\d{8}",)
    path.write_text(path.read_text().replace("\\\\d{8}", "[0-9"))
    with pytest.raises(CallflowInvalid, match=r"privacy.keep\[0\]: '\[0-9' is not a valid pattern"):
        load_callflow(path)

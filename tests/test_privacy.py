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


def test_declared_values_such_as_order_numbers_are_kept():
    assert redact("order 123456 please", keep=("123456",)) == "order 123456 please"

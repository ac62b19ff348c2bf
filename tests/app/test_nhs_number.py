"""NHS number validation: modulus 11, the mistakes people make typing it, the test range."""

from __future__ import annotations

import random

import nhs_number as nhs_lib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import InvalidInputError
from app.values.nhs_number import NhsNumber, check_digit, format_nhs_number, synthetic


@pytest.mark.parametrize("typed", ["9990000018", "999 000 0018", "999-000-0018", " 999 000 0018 "])
def test_accepts_the_ways_it_is_written(typed: str) -> None:
    assert NhsNumber.parse(typed).digits == "9990000018"
    assert NhsNumber.parse(typed).formatted == "999 000 0018"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("9990000019", "check digit is wrong"),
        ("999000001", "10 digits; that one has 9"),
        ("99900000181", "10 digits; that one has 11"),
        ("999O000018", "only digits"),
        ("1111111111", "placeholder"),
        ("0000000000", "placeholder"),
        ("", "Enter an NHS number"),
        ("9990000000", "no number can have those first nine digits"),
    ],
)
def test_refuses_with_a_plain_reason(typed: str, reason: str) -> None:
    with pytest.raises(InvalidInputError, match=reason):
        NhsNumber.parse(typed)


def test_check_digit_ten_example_really_is_ten() -> None:
    assert check_digit("999000000") == 10


# Outside the Scottish CHI range, whose extra date rule the library also applies.
@given(st.integers(min_value=320_000_000, max_value=999_999_999).map(str))
def test_agrees_with_the_maintained_library(first_nine: str) -> None:
    check = check_digit(first_nine)
    if check == 10 or len(set(first_nine)) == 1:
        return
    digits = first_nine + str(check)
    assert nhs_lib.is_valid(digits)
    assert NhsNumber.parse(digits).digits == digits
    wrong = first_nine + str((check + 1) % 10)
    with pytest.raises(InvalidInputError):
        NhsNumber.parse(wrong)


@given(st.integers(min_value=0, max_value=2**32))
def test_synthetic_numbers_are_valid_and_in_the_test_range(seed: int) -> None:
    number = synthetic(random.Random(seed))
    assert number.is_test_number
    assert NhsNumber.parse(number.digits) == number


def test_formatting_odd_values_is_safe() -> None:
    assert format_nhs_number(None) == ""
    assert format_nhs_number("123") == "123"

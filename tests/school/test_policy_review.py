"""The policy's review date, read from the words of the shipped profiles, and when it is past."""

from __future__ import annotations

from datetime import date

import pytest

from toolkit.school.policy_review import review_by, review_overdue


@pytest.mark.parametrize(
    ("words", "due"),
    [
        ("Spring Term 2026", date(2026, 4, 30)),
        ("April 2019", date(2019, 4, 30)),
        ("September 2025", date(2025, 9, 30)),
        ("3rd March 2026", date(2026, 3, 3)),
        ("2027", date(2027, 12, 31)),
        ("not stated", None),
    ],
)
def test_the_review_date_is_read_as_the_policy_writes_it(words, due):
    """Is each way the shipped policies write their review date read as the day it is due by?"""
    assert review_by(words) == due


def test_a_review_date_is_past_only_after_its_last_day():
    """Is a policy due for review in April 2019 flagged from 1 May 2019, and 'not stated' never?"""
    assert not review_overdue("April 2019", date(2019, 4, 30))
    assert review_overdue("April 2019", date(2019, 5, 1))
    assert not review_overdue("not stated", date(2099, 1, 1))

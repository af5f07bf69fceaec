"""When a school's policy is due for review, read from the profile's words, and whether it is past."""

from __future__ import annotations

import calendar
import re
from datetime import date

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
# The last month of each school term (England): a review due in a term is due by its end.
TERMS = {"autumn": 12, "spring": 4, "summer": 7}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def review_by(review: str) -> date | None:
    """The last day of the review's due date as the policy gives it: '3 March 2026', 'April
    2019', 'Spring Term 2026' or '2026'; None when it gives none (e.g. 'not stated')."""
    words = review.lower().replace(",", " ").split()
    years = [int(w) for w in words if re.fullmatch(r"(19|20)\d\d", w)]
    if len(years) != 1:
        return None
    year = years[0]
    months = [MONTHS[w] for w in words if w in MONTHS]
    terms = [TERMS[w] for w in words if w in TERMS]
    days = [int(w) for w in (re.sub(r"(st|nd|rd|th)$", "", w) for w in words) if w.isdigit()]
    days = [d for d in days if 1 <= d <= 31]
    if months:
        month = months[0]
        if days and days[0] <= calendar.monthrange(year, month)[1]:
            return date(year, month, days[0])
        return _month_end(year, month)
    if terms:
        return _month_end(year, terms[0])
    return date(year, 12, 31)


def review_overdue(review: str, today: date) -> bool:
    """Whether the policy's own review date has passed (never, when it gives none)."""
    due = review_by(review)
    return due is not None and today > due

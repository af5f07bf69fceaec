"""What a policy document says about itself: the school's name, the policy's title, and the
dates it was approved and is due for review, each as the document writes it or None."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

TOP_LINES = 25  # the title page: where a policy names its school and itself
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
DATE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}\s+\d{{4}}|{MONTH}\s+\d{{4}}"
    r"|(?:Spring|Summer|Autumn|Winter)(?:\s+Term)?\s+\d{4}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})"
)
# A label, a few words at most ("by the Trustees", "and ratified by Governing Body"), the date.
APPROVED = re.compile(
    rf"\b(?:approved|agreed|adopted|ratified)\b[^.:\d\n]{{0,60}}?:?\s*({DATE})", re.I
)
REVIEW = re.compile(
    rf"\b(?:date (?:of|for) (?:next )?review|next review(?: date)?|review date|review due|"
    rf"due for review|to be reviewed)\b[^.:\d\n]{{0,30}}?:?\s*({DATE})",
    re.I,
)
LONE_DATE = re.compile(rf"^\s*({DATE})\s*$", re.I)
ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b", re.I)
# A school's name: capitalised words ending in School, Academy, College or Trust, as
# "St Benedict's Catholic Primary School", "Bury C of E Primary School", "The Learning Trust".
NAME = re.compile(
    r"\b((?:(?:[A-Z][\w'’.&-]*|of|and)[ \t]+)*?[A-Z][\w'’.&-]*[ \t]+"
    r"(?:School|Academy|College|Trust))\b"
)
GENERIC = {
    "the", "of", "and", "a", "primary", "secondary", "junior", "infant", "infants", "school",
    "academy", "college", "trust", "catholic", "ce", "c", "e", "church", "england", "multi",
    "high", "community", "social", "media", "policy", "this", "our", "your",
}  # fmt: skip
TITLE = re.compile(r"\b[\w ,&'’-]*\bPolicy\b(?:\s+(?:and|&)\s+[A-Z]\w+)?", re.I)


@dataclass(frozen=True)
class DocumentFacts:
    school: str | None
    title: str | None  # "Social Media Policy"
    approved: str | None  # as written, "March 2025"
    review: str | None  # as written, "Spring Term 2026"


def _plain(line: str) -> str:
    line = re.sub(r"^#+\s*", "", line.strip())
    return " ".join(line.replace("**", "").replace("__", "").split())


def _readable(text: str) -> str:
    """A line in capitals written as a title ("SOCIAL MEDIA POLICY" -> "Social Media Policy")."""
    return text.title() if text.isupper() else text


def school_name(document: str) -> str | None:
    """The name the document uses most for its school, preferring one on its title page."""
    top = " ".join(_plain(line) for line in document.splitlines()[:TOP_LINES]).lower()
    lower = document.lower()
    # Names as the text writes them, then those only found in a line of capitals.
    found = {m.strip().lower(): m.strip() for m in NAME.findall(document)}
    for line in document.splitlines()[:TOP_LINES]:
        if _plain(line).isupper():
            for m in NAME.findall(_readable(_plain(line))):
                found.setdefault(m.strip().lower(), m.strip())
    named = [
        n for n in found.values() if any(w.lower().strip("'’.") not in GENERIC for w in n.split())
    ]
    named = [re.sub(r"^(?:The\s+)(?=\S+\s+(?:School|Academy|College)\b)", "", n) for n in named]
    if not named:
        return None
    uses = Counter({n: lower.count(n.lower()) for n in named})
    return max(named, key=lambda n: (n.lower() in top, uses[n], len(n)))


def policy_title(document: str, school: str | None) -> str | None:
    """The first short line of the title page naming a policy, without the school's name."""
    for line in document.splitlines()[:TOP_LINES]:
        text = _plain(line)
        if school:
            text = re.sub(re.escape(school), "", text, flags=re.I).strip(" -–:")
        if not text or len(text.split()) > 12 or text.endswith("."):
            continue
        match = TITLE.search(text)
        if match:
            return _readable(match.group(0).strip())
    return None


def _date(found: re.Match[str] | None) -> str | None:
    return ORDINAL.sub(r"\1", found.group(1)).strip() if found else None


def document_facts(document: str) -> DocumentFacts:
    """The school, the policy's title and its approval and review dates, from the lines that
    state them ("Approved by governors: March 2025", "Date of next review: March 2026"); a
    date standing alone under the title is taken as the date the policy was approved."""
    text = "\n".join(_plain(line) for line in document.splitlines())
    school = school_name(text)
    approved = _date(APPROVED.search(text))
    if approved is None:
        top = text.splitlines()[:TOP_LINES]
        approved = next((_date(m) for m in map(LONE_DATE.match, top) if m), None)
    return DocumentFacts(school, policy_title(text, school), approved, _date(REVIEW.search(text)))

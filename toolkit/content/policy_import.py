"""A policy document read into draft clauses: split at headings, numbered paragraphs, bullets
and sentences, each quoted word for word with its section, its strength and its audience."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that make a sentence a rule of its own; a paragraph with two or more such sentences is
# split, while a sentence that only explains the rule before it stays with it.
RULE = re.compile(
    r"\b(must|should|shall|will|never|do not|are not|is not|expected|required|advised|"
    r"encouraged|permitted|responsible)\b",
    re.I,
)
MUST = re.compile(
    r"\b(must|shall|never|are not permitted|is not permitted|required to|"
    r"under no circumstances|not allowed|will not be tolerated)\b",
    re.I,
)
WILL = re.compile(r"\b(will|won't|may result)\b", re.I)
SHOULD = re.compile(r"\b(should|ought|expected to|advised|recommended|encouraged)\b", re.I)
AUDIENCES = {
    # A rule for the DSL or the headteacher is one for staff, though it names children.
    "staff": re.compile(
        r"\b(staff|adults?|employees?|teachers?|members of staff|colleagues|volunteers|you|"
        r"dsl|designated safeguarding leads?|deputy|head ?teachers?|leadership team|"
        r"line managers?)\b",
        re.I,
    ),
    "governors": re.compile(r"\bgovernors?\b", re.I),
    "pupils": re.compile(r"\b(pupils?|children|child|students?|learners?)\b(?!'s)", re.I),
    "parents": re.compile(r"\b(parents?|carers?|families)\b", re.I),
}
LEAD_IN_LENGTH = 40  # as a profile's clause allows; a longer one still tells the strength
MARKER = re.compile(r"^\s*(?:[-*•●▪◦]\s+|\(?[a-z0-9]{1,3}\)\s+|\d+(?:\.\d+)*\.?\s+)", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'(])|(?<=;)\s+")


@dataclass(frozen=True)
class DraftClause:
    section: str
    text: str  # the document's own words
    lead_in: str | None
    strength: str  # must, should or advice
    audience: tuple[str, ...]


def _plain(line: str) -> str:
    """A line without markdown emphasis or heading marks, spaces squeezed."""
    line = re.sub(r"^#+\s*", "", line.strip())
    return " ".join(line.replace("**", "").replace("__", "").split())


def _unmarked(line: str) -> str:
    """The line without its list marks: a bullet, then a paragraph number, as "- 6.16 "."""
    line = line.strip()
    while MARKER.match(line):
        line = MARKER.sub("", line, count=1)
    return line


def _is_heading(raw: str, text: str) -> bool:
    stripped = raw.strip()
    if stripped.startswith("#"):
        return True
    bold = stripped.startswith("**") and stripped.endswith("**") and stripped.count("**") == 2
    short = len(text.split()) <= 10 and not text.endswith((".", ";", ":", ","))
    return bool(text) and (bold or (short and not MARKER.match(stripped) and text[:1].isupper()))


def units(document: str) -> list[tuple[str, str, str | None]]:
    """The document's paragraphs and list items, each with its section and any lead-in of the
    list it belongs to ("Staff must not:" before a list of things not to do)."""
    found: list[tuple[str, str, str | None]] = []
    section, lead_in = "", None  # lead_in: the words before a list, while its items last
    for raw in document.splitlines():
        text = _plain(raw)
        if not text:
            continue
        item = bool(MARKER.match(raw.strip())) and not raw.strip().startswith("#")
        if raw.strip().startswith("#") or (_is_heading(raw, text) and not item):
            section, lead_in = text, None
            continue
        text = _plain(_unmarked(raw))
        if text.endswith((":", ":-")):
            lead_in = text.rstrip(":-").strip()
            continue
        if not item:
            lead_in = None
        found.append((section, text, lead_in if item else None))
    return found


def sentences(text: str) -> list[str]:
    """A paragraph split where each of its sentences states a rule of its own."""
    parts = [p.strip() for p in SENTENCE_END.split(text) if p.strip()]
    if len(parts) > 1 and sum(bool(RULE.search(p)) for p in parts) >= 2:
        return parts
    return [text]


def strength(text: str, context: str | None) -> str:
    """must, should or advice, from the words of the clause and of any list it is an item of:
    "must" and its kin first, then "should" and its kin, then a bare "will"."""
    words = f"{context or ''} {text}"
    if MUST.search(words):
        return "must"
    if SHOULD.search(words):
        return "should"
    return "must" if WILL.search(words) else "advice"


def audience(text: str, section: str) -> tuple[str, ...]:
    found = tuple(name for name, pattern in AUDIENCES.items() if pattern.search(text))
    if not found:
        found = tuple(name for name, pattern in AUDIENCES.items() if pattern.search(section))
    return found or ("staff",)


def draft_clauses(document: str) -> list[DraftClause]:
    """Every rule-like part of the document, in order, quoted word for word."""
    clauses = []
    for section, text, lead_in in units(document):
        for part in sentences(text):
            if len(part.split()) < (2 if lead_in else 4):
                continue
            shown = lead_in if lead_in and len(lead_in) <= LEAD_IN_LENGTH else None
            clauses.append(
                DraftClause(section, part, shown, strength(part, lead_in), audience(part, section))
            )
    return clauses

"""A policy document read into draft clauses: split at headings, numbered paragraphs, bullets
and sentences, each quoted word for word with its section, its strength and its audience."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Words that make a sentence a rule of its own (with those of MUST, SHOULD and WILL): such a
# sentence starts a clause, while one without them only explains the rule before it.
RULE = re.compile(
    r"\b(must|should|shall|will|never|do not|(?:are|is) not(?! limited)|expected|required|advised|"
    r"encourag\w*|permitted|responsible|may wish)\b",
    re.I,
)
MUST = re.compile(
    r"\b(must|shall|never|are not permitted|is not permitted|required to|requires?|"
    r"no circumstances|not allowed|does not allow|may not|will not be tolerated|"
    r"responsible|(?:has|have|overall|one's|everyone's) responsibility|duty|only permitted)\b",
    re.I,
)
WILL = re.compile(r"\b(will|won't|may result|may (?:also )?(?:be taken|lead))\b", re.I)
SHOULD = re.compile(
    r"\b(should|ought|expects?|expected to|advised(?! that)|advise|advisable|recommended|"
    r"best practice)\b",
    re.I,
)
IMPERATIVE = re.compile(r"^(?:\w+ [–-] )?(?:do not|don't)\b", re.I)  # "Do not ...", "Safe – Do not"
# "Should be aware that ..." tells staff a fact rather than asking them to do something.
AWARE = re.compile(r"\bshould (also )?be aware\b", re.I)
# A sentence that points back at the one before ("They will also ...", "Any such incidents
# ...", "in these situations") continues it, unless it asks for something of its own.
BACK = re.compile(
    r"^(they|it|this|these|those|such|as such|any such)\b|^if\b[^,]*, they\b"
    r"|\bin (these|such) (circumstances|situations|cases)\b",
    re.I,
)
OWN_DUTY = re.compile(r"\b(must|should|shall|never)\b", re.I)
MODAL = re.compile(r"\b(must|should|shall|will|may not|never|do not)\b", re.I)
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
FRAGMENT = re.compile(r"(\w+ing|to)\b", re.I)  # an item that completes its lead-in's sentence
NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'(])|(?<=;)\s+")
# A contents page: its heading, and its entries' page numbers after dot leaders or a tab
# ("Scope and definitions.....	4", "Key Principles . . . 5"). What it lists comes again in
# its own section.
CONTENTS = re.compile(r"^(?:table of )?contents$", re.I)
CONTENTS_ENTRY = re.compile(r"(?:(?:\. ?){3,}|\u2026+|\t)\s*\d{1,3}\s*$")
WRAPPED_WORDS = 10  # a line this long that stops mid-sentence was wrapped, not ended
ID_WORDS = 4  # words of the section kept in a clause's id
ID_LENGTH = 80


@dataclass(frozen=True)
class DraftClause:
    id: str  # the section's words as a slug and the clause's number in it: "personal-accounts-2"
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
    """A markdown heading, a line in bold, or a short title-like line: no closing punctuation,
    no modal verb, perhaps numbered ("1. Key roles and responsibilities") but not bulleted."""
    stripped = raw.strip()
    if stripped.startswith("#"):
        return True
    bold = stripped.startswith("**") and stripped.endswith("**") and stripped.count("**") == 2
    if bold:
        return bool(text)
    words = _plain(NUMBER.sub("", stripped, count=1))
    bulleted = bool(MARKER.match(stripped)) and not NUMBER.match(stripped)
    return bool(
        words
        and not bulleted
        and len(words.split()) <= 10
        and not words.endswith((".", ";", ":", ",", "-"))
        and words[:1].isupper()
        and not MODAL.search(words)
    )


def _marked_heading(raw: str, text: str) -> bool:
    """A heading said to be one by its marks (#, bold, capitals), not only by being short."""
    stripped = raw.strip()
    return stripped.startswith(("#", "**")) or (text.isupper() and len(text) > 3)


def _lines(document: str) -> list[str]:
    """The document's non-blank lines, a line broken off mid-sentence (as a PDF or a page break
    leaves it: a long line without closing punctuation, the next going on in lower case)
    joined again. A short line is left alone: it may be an item of a list without stops."""
    lines: list[str] = []
    for raw in document.splitlines():
        if not raw.strip():
            continue
        going_on = raw.strip()[:1].islower() and not MARKER.match(raw)
        broken = lines and len(lines[-1].split()) >= WRAPPED_WORDS
        if broken and going_on and not lines[-1].rstrip().endswith((".", "!", "?", ":", ";")):
            lines[-1] = f"{lines[-1].rstrip()} {raw.strip()}"
        else:
            lines.append(raw)
    return lines


def units(document: str) -> list[tuple[str, str, str | None]]:
    """The document's paragraphs and list items, each with its section and any lead-in of the
    list it belongs to ("Staff must not:" before a list of things not to do). A list is either
    marked (bullets, numbers) or a run of plain paragraphs; it ends at a heading, at a line of
    the other kind, or, when its items sit deeper than the lead-in, at one that does not; a
    lead-in that is a list item itself lasts while the items beside it are not rules of their
    own ("- Staff are advised to: / - Using strong passwords. / - Staff must ...")."""
    found: list[tuple[str, str, str | None]] = []
    section, lead_in, items = "", None, 0
    # Where the lead-in sits and whether it is an item itself; its list's kind of items.
    lead_depth, lead_item, marked, deeper, numbered_list = 0, False, False, False, False

    def end_list() -> None:
        # A lead-in with no list after it is a sentence of its own.
        if lead_in is not None and not items:
            found.append((section, lead_in, None))

    for raw in _lines(document):
        if CONTENTS_ENTRY.search(raw):
            continue
        text = _plain(raw)
        item = bool(MARKER.match(raw.strip())) and not raw.strip().startswith("#")
        depth = len(raw) - len(raw.lstrip())
        # The line after a lead-in, and a short line inside a list of plain paragraphs or of
        # numbered items, is one more item unless marked as a heading.
        numbered = bool(NUMBER.match(raw))
        in_list = (
            lead_in is not None
            and not _marked_heading(raw, text)
            and (not items or (not marked and not item) or (numbered and numbered_list))
        )
        if _is_heading(raw, text) and not in_list:
            end_list()
            section, lead_in = text, None
            continue
        if CONTENTS.match(section) and not _states_rule(text):
            continue  # an entry's words; a rule is kept, though no heading came after them
        text = _plain(_unmarked(raw))
        if lead_in is not None:
            if not items:
                marked, deeper, numbered_list = item, depth > lead_depth, numbered
            # An item beside a lead-in that is an item too ends its list if it is a rule itself.
            beside = lead_item and not deeper and _states_rule(text) and not FRAGMENT.match(text)
            if item != marked or (deeper and depth <= lead_depth) or beside:
                end_list()
                lead_in = None
        if text.endswith((":", ":-")):
            end_list()
            lead_in, items, lead_depth, lead_item = text.rstrip(":-").strip(), 0, depth, item
            found.extend((section, part, None) for part in _sentence_parts(lead_in)[:-1])
            continue
        items += 1
        found.append((section, text, lead_in))
    end_list()
    return found


def _states_rule(sentence: str) -> bool:
    return any(p.search(sentence) for p in (RULE, MUST, SHOULD, WILL)) or bool(
        IMPERATIVE.match(sentence)
    )


def _refers_back(sentence: str) -> bool:
    """Does the sentence only go on from the one before: points back at it and asks nothing
    of its own (what will follow, or why)?"""
    return bool(BACK.search(sentence)) and not OWN_DUTY.search(sentence)


def _sentence_parts(text: str) -> list[str]:
    """The text's sentences (and parts after a semicolon); a lone word ("However;") goes on."""
    parts: list[str] = []
    for part in (p.strip() for p in SENTENCE_END.split(text) if p.strip()):
        if parts and len(parts[-1].split()) == 1:
            parts[-1] = f"{parts[-1]} {part}"
        else:
            parts.append(part)
    return parts


def sentences(text: str) -> list[str]:
    """A paragraph split so that each sentence stating a rule starts a clause; a sentence with no
    rule in it, or one that refers back without a duty of its own, goes on from the one before."""
    grouped: list[str] = []
    for part in _sentence_parts(text):
        if grouped and (not _states_rule(part) or _refers_back(part)):
            grouped[-1] = f"{grouped[-1]} {part}"
        else:
            grouped.append(part)
    return grouped or [text]


def strength(text: str, context: str | None) -> str:
    """must, should or advice, from the words of the clause and of any list it is an item of:
    "must" and its kin first, then "should" and its kin, then a bare "will"."""
    words = f"{context or ''} {text}"
    if MUST.search(words):
        return "must"
    if AWARE.search(text):
        return "advice"  # "should be aware that ..." tells a fact, whatever it says follows
    if SHOULD.search(words) or IMPERATIVE.match(text):
        return "should"
    return "must" if WILL.search(words) else "advice"


def audience(text: str, section: str, lead_in: str | None = None) -> tuple[str, ...]:
    """Who the clause asks to act: those named before its verb ("Staff must not: share photos
    of pupils" is for staff), else those it names anywhere, else its section's, else staff."""
    subject = lead_in or re.split(r"\b(?:must|should|shall|will|may|can|are|is)\b", text)[0]
    for words in (subject, text, section):
        found = tuple(name for name, pattern in AUDIENCES.items() if pattern.search(words))
        if found:
            return found
    return ("staff",)


def slug(words: str) -> str:
    """The first few words of a heading as an id: numbers and punctuation dropped, lower case,
    joined by hyphens ("2. Personal accounts" -> "personal-accounts")."""
    ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    kept = re.findall(r"[a-z]+", ascii_words.lower().replace("'", ""))
    return "-".join(kept[:ID_WORDS])[: ID_LENGTH - 10].rstrip("-") or "policy"


def is_about_the_document(text: str) -> bool:
    """A line that says when the policy was approved or is due for review, and asks nothing of
    anyone, is about the document, not a rule ("Approved by governors: March 2026.")."""
    from toolkit.content.policy_facts import APPROVED, REVIEW

    return bool(APPROVED.search(text) or REVIEW.search(text)) and not MODAL.search(text)


def draft_clauses(document: str) -> list[DraftClause]:
    """Every rule-like part of the document, in order, quoted word for word, each with an id
    made of its section and its number within that section: unique in the document, since a
    slug holds no digits and two sections of the same slug share one count."""
    clauses: list[DraftClause] = []
    counts: dict[str, int] = {}  # clauses so far under each section's slug
    for section, text, lead_in in units(document):
        if is_about_the_document(text):
            continue
        for part in sentences(text):
            if len(part.split()) < (2 if lead_in else 4):
                continue
            key = slug(section)
            counts[key] = counts.get(key, 0) + 1
            shown = _sentence_parts(lead_in)[-1] if lead_in else None
            shown = shown if shown and len(shown) <= LEAD_IN_LENGTH else None
            clauses.append(
                DraftClause(
                    f"{key}-{counts[key]}",
                    section,
                    part,
                    shown,
                    strength(part, lead_in),
                    audience(part, section, lead_in),
                )
            )
    return clauses

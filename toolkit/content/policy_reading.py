"""A policy's clauses read for what the policy calls its roles and where it sends a report, in the
policy's own titles, so that proposed settings are worded as the school words them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any, Protocol


class ClauseLike(Protocol):
    """A profile's Clause, or a draft clause with an id: what the proposals read and cite."""

    id: str
    section: str
    text: str
    lead_in: str | None
    strength: str
    audience: Any


def any_of(*words: str) -> re.Pattern:
    """A pattern for any of the words (regular expressions), each from the start of a word."""
    return re.compile(r"\b(?:" + "|".join(words) + r")", re.I)


STRENGTH_RANK = {"must": 3, "should": 2, "advice": 1}
PUPILS = any_of(r"pupils?\b", r"children\b", r"child\b", r"students?\b", r"learners?\b")
PARENTS = any_of(r"parents?\b", r"carers?\b", r"famil(?:y|ies) members?\b", r"families\b")
SCHOOL = r"(?:school|academy|trust|college|setting)"
STAFF = any_of(r"staff", r"adults?\b", r"employees?", r"teachers?", r"colleagues")
HEAD_WORDS = re.compile(
    r"\b(head ?teacher|head of school|executive head(?:teacher)?|principal)\b(?![s'])", re.I
)
DSL_WORDS = re.compile(
    r"\b(designated safeguarding (?:lead|officer)|designated senior (?:person|lead)|"
    r"safeguarding lead|child protection (?:lead|officer|co-?ordinator))\b(?!s)",
    re.I,
)
# Short names every school uses the same way, for a policy that never writes them out.
KNOWN_SHORT = {"DSL": "Designated Safeguarding Lead"}
DEPUTY = r"(?:\s*\(or (?:a )?deputy\))?"
ABBREVIATION = re.compile(r"\b((?:[A-Z][a-z]+ ){1,5}[A-Z][a-z]+)\s*\(([A-Z]{2,6})\)")
DETERMINER = r"(?:the|a|an|their|your|our|his|her)\b"
WHO = rf"(?P<who>{DETERMINER}[^.;:]*)"
# Where a clause sends a report, and where it sends a person for support.
REPORT_ROUTES = (
    re.compile(
        rf"\b(?:report(?:ed)?|raised?|refer(?:red)?)\b[^.;]{{0,70}}?\b(?:to|with)\s+{WHO}", re.I
    ),
    re.compile(rf"\b(?:inform|notify|tell|contact)\s+{WHO}", re.I),
    re.compile(rf"\bpassed on(?: to)?\s+{WHO}", re.I),
    re.compile(r"(?P<who>\bthe\s+[A-Z][\w ]*?)\s+(?:must|should|will)\s+be\s+(?:informed|told)"),
)
SUPPORT_ROUTES = (
    re.compile(rf"\b(?:support|advice|help)\b[^.;]{{0,20}}?\b(?:from|of)\s+{WHO}", re.I),
)
# Where a route's words end: what follows is when, how or about what, not who.
ROUTE_END = re.compile(
    r"\s+(?:immediately|at once|of any|about|so that|so\b|in line|in accordance|using|who|which|"
    rf"when|if|through|as soon|and follow|for|on|by|that|before|within)\b|[,;]\s*(?=such|who)|,$|"
    rf",\s*and\s+(?!{DETERMINER})|"
    # "… from their line manager and report it to …": a second verb starts another route
    r"\s+and\s+(?=(?:report|tell|inform|notify|contact|raise|seek|ask|record|keep)\b)",
    re.I,
)
# Telling any teacher is a pupil's route, never a member of staff's.
EVERYONE = re.compile(
    r"^(?:a|an|the|any)\s+(?:teacher|member of (?:school )?staff|adult|parent|carer)$", re.I
)
# A report form the route names is part of it: "..., using the ... report form".
FORM = re.compile(r"\b(?:an?|the)\s+((?:[\w-]+\s+){0,4}report form)\b", re.I)


def words_of(clause: ClauseLike) -> str:
    """The clause as it reads, with the words its list puts before it."""
    return f"{clause.lead_in or ''} {clause.text}".strip()


def _for_pupils_only(clause: ClauseLike) -> bool:
    """A rule for children: addressed to pupils alone, or an item of a list led by "Children
    will be advised:"."""
    lead_in = clause.lead_in or ""
    return set(clause.audience) == {"pupils"} or bool(
        PUPILS.match(lead_in) and not STAFF.search(lead_in)
    )


def _most_written(pattern: re.Pattern, clauses: list[ClauseLike]) -> tuple[str, list[str]] | None:
    """The form of a title the policy writes most often, and the clauses that write it."""
    forms = Counter(m for c in clauses for m in pattern.findall(c.text))
    if not forms:
        return None
    form = forms.most_common(1)[0][0]
    return form, [c.id for c in clauses if re.search(rf"\b{re.escape(form)}\b", c.text)]


class Reading:
    """The clauses with what the policy calls its roles, so that routes are written its way."""

    def __init__(self, clauses: Iterable[ClauseLike]):
        self.clauses = list(clauses)
        head = _most_written(HEAD_WORDS, self.clauses)
        dsl = _most_written(DSL_WORDS, self.clauses)
        self.head = (f"the {head[0]}", head[1]) if head else None
        self.dsl = (f"the {dsl[0]}", dsl[1]) if dsl else None
        # "Designated Safeguarding Lead (DSL)": the policy's short names, written out in full.
        self.short = dict(KNOWN_SHORT)
        for clause in self.clauses:
            for words, short in ABBREVIATION.findall(clause.text):
                full = " ".join(words.split()[-len(short) :])
                if "".join(w[0] for w in full.split()).upper() == short:
                    self.short[short] = full

    def full(self, text: str) -> str:
        for short, full in self.short.items():
            text = re.sub(rf"\b{short}\b", full, text)
        return text

    def matching(self, *patterns: re.Pattern) -> list[ClauseLike]:
        """Clauses for staff whose words match every pattern (a rule for pupils only, such as
        theirs on social media in school hours, says nothing of staff's)."""
        return [
            c
            for c in self.clauses
            if not _for_pupils_only(c) and all(p.search(words_of(c)) for p in patterns)
        ]

    def routes(self, clause: ClauseLike, kinds: Iterable[re.Pattern]) -> list[str]:
        """Whoever the clause sends a report (REPORT_ROUTES) or a person for support
        (SUPPORT_ROUTES) to."""
        words = words_of(clause)
        found = []
        for pattern in kinds:
            for match in pattern.finditer(words):
                who = _tidy_route(self.full(match.group("who")), words)
                if who:
                    found.append(who)
        return found

    def roles(self, clause: ClauseLike) -> list[str]:
        """The head and the safeguarding lead as the clause names them, in its order, each once
        and in full: "the DSL (or a deputy)" is "the Designated Safeguarding Lead (or deputy)"."""
        short = "|".join(self.short) or "^$"
        roles = re.compile(
            rf"(?:{HEAD_WORDS.pattern}|{DSL_WORDS.pattern}|\b(?:{short})\b){DEPUTY}", re.I
        )
        named: list[str] = []
        for match in roles.finditer(words_of(clause)):
            name = "the " + self.full(match.group(0).replace("(or a deputy)", "(or deputy)"))
            if name.lower() not in (n.lower() for n in named):
                named.append(name)
        return named


def _tidy_route(who: str, clause_words: str) -> str | None:
    """A route as the policy words it, addressed to the reader: "their line manager or senior
    staff member" becomes "your line manager or a senior staff member"."""
    who = ROUTE_END.split(who, maxsplit=1)[0].strip().rstrip(".,;")
    who = re.sub(rf"^(?:the )?{SCHOOL}'?s\s+", "the ", who, flags=re.I)
    who = re.sub(r"\b(?:their|his|her|his/her)\b", "your", who, flags=re.I)
    who = re.sub(r"\b(?:relevant|named)\s+", "", who)
    # "the Director of IT/Headteacher": two titles, either of which
    who = re.sub(r"(?<=[A-Za-z])/(?=[A-Z])", " or ", who)
    # each further role gets its article; words in brackets, "(or deputy)", are left alone
    parts = re.split(r"(\([^)]*\)|\s*(?:,|\band/or\b|\bor\b|\band\b)\s*)", who)
    for i in range(2, len(parts), 2):
        part, joint = parts[i], parts[i - 1]
        if part and not joint.startswith("(") and not re.match(DETERMINER, part, re.I):
            parts[i] = ("the " if part[:1].isupper() else "a ") + part
    who = "".join(parts)
    if not who or EVERYONE.match(who) or len(who.split()) > 14:
        return None
    form = FORM.search(clause_words)
    return f"{who}, using the {form.group(1)}" if form else who

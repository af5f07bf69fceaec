"""A school's settings proposed from its policy's clauses, each with the clauses that support it,
so that a DSL checks a short list of answers instead of writing the profile by hand."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from toolkit.content.policy_questions import CHOSEN_BY_SCHOOL, HEAD, QUESTIONS, Question
from toolkit.content.policy_reading import (
    HEAD_WORDS,
    PARENTS,
    PUPILS,
    REPORT_ROUTES,
    SCHOOL,
    STRENGTH_RANK,
    SUPPORT_ROUTES,
    ClauseLike,
    Reading,
    words_of,
)
from toolkit.content.policy_reading import any_of as _rx

__all__ = ["CHOSEN_BY_SCHOOL", "QUESTIONS", "Proposal", "Question", "propose_settings"]


@dataclass(frozen=True)
class Proposal:
    value: str | int
    evidence: tuple[str, ...]  # ids of the clauses that support it, best first, at most 3
    silent: bool  # nothing in the policy supports it: the value is the question's silent_value


@dataclass(frozen=True)
class Found:
    value: str | int
    clauses: tuple[ClauseLike, ...]

    def rank(self) -> tuple[int, int]:
        return max(STRENGTH_RANK.get(c.strength, 0) for c in self.clauses), len(self.clauses)


def _strongest_first(clauses: Iterable[ClauseLike]) -> tuple[ClauseLike, ...]:
    return tuple(sorted(clauses, key=lambda c: -STRENGTH_RANK.get(c.strength, 0)))


def _best(found: list[Found]) -> Found | None:
    """The value with the strongest evidence: its strongest clause, then how many clauses; on a
    tie, the first found (rules are listed most specific first)."""
    found = [f for f in found if f.clauses]
    return max(found, key=Found.rank) if found else None


FRIEND = _rx(r"[\"'“‘]?friends?\b", r"friend requests?\b")
NOT_ALLOWED = _rx(r"must not\b", r"must never\b", r"never\b", r"not permitted\b", r"not allowed\b")


def _route_rule(
    *topics: re.Pattern, kinds: tuple[re.Pattern, ...] = REPORT_ROUTES
) -> Callable[[Reading], list[Found]]:
    """Who the policy sends a kind of report (or a person for support) to: the route named in
    the clauses on the topic, the clause with most of the topic's words first."""

    def rule(reading: Reading) -> list[Found]:
        scored = []
        for order, clause in enumerate(reading.clauses):
            # the section and the clause before count for the topic: "Incidents should be
            # reported ..." follows the sentence, or the heading, that says which incidents
            words = words_of(clause)
            before = reading.clauses[order - 1].text if order else ""
            hits = sum(bool(t.search(words)) for t in topics)
            if not topics[0].search(f"{clause.section} {before} {words}"):
                continue
            in_staff_section = "staff" in clause.section.lower()
            for who in reading.routes(clause, kinds):
                rank = (hits, in_staff_section, STRENGTH_RANK.get(clause.strength, 0), -order)
                scored.append((rank, who, clause))
        scored.sort(key=lambda s: s[0], reverse=True)
        if not scored:
            return []
        best = scored[0][1]
        same = tuple(c for _, who, c in scored if who.lower() == best.lower())
        return [Found(best, same)]

    return rule


def _value_rule(*rules: tuple[str, tuple[re.Pattern, ...]]) -> Callable[[Reading], list[Found]]:
    """Each value with the clauses whose words match all of its patterns."""

    def rule(reading: Reading) -> list[Found]:
        return [Found(value, _strongest_first(reading.matching(*p))) for value, p in rules]

    return rule


def _title(reading: Reading, which: str) -> list[Found]:
    title = getattr(reading, which)
    if not title:
        return []
    ids = set(title[1])
    return [Found(title[0], tuple(c for c in reading.clauses if c.id in ids))]


def _parents_as_friends(reading: Reading) -> list[Found]:
    """Advice against friending parents becomes "discuss_existing" where the policy also has a
    friendship that came first discussed and recorded."""
    friends = (FRIEND, PARENTS)
    found = _value_rule(
        ("must_not", (*friends, NOT_ALLOWED)),
        ("not_advisable", (*friends, _rx(r"not advisable", r"advised not", r"inadvisable"))),
        ("be_cautious", (*friends, _rx(r"cautio", r"care\b"))),
    )(reading)
    existing = reading.matching(EXISTING, _rx(r"discuss"))
    advised = next(f for f in found if f.value == "not_advisable")
    if existing and advised.clauses:
        found.insert(1, Found("discuss_existing", advised.clauses + tuple(existing)))
    return found


def _safeguarding(reading: Reading) -> list[Found]:
    """The roles a safeguarding clause names, in its order, as the policy titles them."""
    topic = _rx(
        r"safeguarding\b",
        r"child protection",
        r"radicali[sz]",
        r"groom",
        r"disclos",
        r"indecent images",
        r"extremis",
    )
    concern = _rx(r"concerns?\b", r"risks?\b", r"report")
    scored = []
    for order, clause in enumerate(reading.clauses):
        words = words_of(clause)
        named = reading.roles(clause)
        if topic.search(words) and named:
            hits = len({m.lower() for m in topic.findall(words)}) + bool(concern.search(words))
            scored.append(((hits, -order), " and ".join(named), clause))
    if not scored:
        return []
    scored.sort(key=lambda s: s[0], reverse=True)
    return [Found(scored[0][1], (scored[0][2],))]


def _bullying_report(reading: Reading) -> list[Found]:
    """Where the policy only says whose support to seek, incidents go to the same people."""
    return _route_rule(BULLYING, _rx(r"report"))(reading) or RULES["bullying_support_from"](reading)


def _channels(reading: Reading) -> list[Found]:
    """The school's own ways of getting in touch, named where staff contact pupils or families."""
    channel = re.compile(
        rf"\b(?:the|their|your|our)\s+(?:{SCHOOL}(?:'s)?|official)\b[^.;,]*?"
        r"(?:e-?mail(?: address(?:es)?| system)?|tele?phone|communication tools)"
        rf"(?:\s+(?:and/or|and|or)\s+(?:the\s+)?(?:{SCHOOL}(?:'s)?\s+)?"
        r"(?:e-?mail(?: address)?|tele?phone|phone))?",
        re.I,
    )
    topic = _rx(r"contact", r"communicat", r"correspondence", r"school business")
    found: dict[str, list[ClauseLike]] = {}
    for clause in reading.matching(topic, channel):
        name = channel.search(words_of(clause)).group(0)
        name = re.sub(r"^(?:their|our)\b", "your", name, flags=re.I)
        found.setdefault(name, []).append(clause)
    return [Found(name, tuple(cs)) for name, cs in found.items()]


def _age(reading: Reading) -> list[Found]:
    """The lowest age the policy gives for social media sites: the minimum age."""
    age = re.compile(
        r"\bage(?:d| limit| restriction| rating)?(?: of)?\s+(\d{1,2})\b|\b(\d{1,2})\s*(?:\+|years? old)",
        re.I,
    )
    found: dict[int, list[ClauseLike]] = {}
    topic = _rx(r"social", r"sites?\b", r"accounts?\b")
    for clause in (c for c in reading.clauses if topic.search(c.text) and age.search(c.text)):
        for match in age.finditer(clause.text):
            found.setdefault(int(match.group(1) or match.group(2)), []).append(clause)
    return [Found(min(found), tuple(found[min(found)]))] if found else []


BULLYING = _rx(r"cyber-?bull", r"bull(?:y|ied|ying)\b", r"troll", r"harass")
EXISTING = _rx(r"pre-existing", r"existing relationships?", r"already established", r"already know")
# A relationship with a parent, and no pupil named, is not one with a pupil who is family.
NOT_PARENTS_ONLY = re.compile(rf"^(?!.*{PARENTS.pattern})|{PUPILS.pattern}", re.I | re.S)
OFFICIAL = re.compile(
    rf"\b(?:official|{SCHOOL}(?:'s)?)\b[^.;]{{0,40}}?\b(?:social media|accounts?|websites?|channels?|"
    r"weblogs?|blogs?|pages?)\b",
    re.I,
)

RULES: dict[str, Callable[[Reading], list[Found]]] = {
    "headteacher": lambda reading: _title(reading, "head"),
    "dsl": lambda reading: _title(reading, "dsl"),
    "contact_report_to": _route_rule(
        _rx(r"[\"'“‘]?friend\b", r"friend requests?", r"contact", r"communications?\b"),
        PUPILS,
        PARENTS,
    ),
    "inappropriate_content_report_to": _route_rule(
        _rx(
            r"(?:inappropriate|unsuitable|offensive)\s+(?:website\s+)?(?:content|material|websites?)"
        ),
        _rx(r"school (?:computers?|devices?|equipment|premises)", r"accessed"),
    ),
    "bullying_support_from": _route_rule(BULLYING, _rx(r"support"), kinds=SUPPORT_ROUTES),
    "bullying_report_to": _bullying_report,
    "safeguarding_report_to": _safeguarding,
    "personal_use_at_work": _value_rule(
        (
            "break_or_lunch_no_children",
            (
                _rx(r"break", r"lunch"),
                _rx(r"no (?:children|pupils)", r"not present", r"away from (?:children|pupils)"),
            ),
        ),
        (
            "break_times_personal_device",
            (_rx(r"break"), _rx(r"(?:personal|own) (?:mobile )?(?:devices?|phones?)")),
        ),
        (
            "break_times",
            (_rx(r"break times?", r"breaks\b", r"lunch"), _rx(r"social media", r"personal use")),
        ),
        ("own_time_only", (_rx(r"own time"), _rx(r"social media", r"internet", r"personal use"))),
        (
            "never_in_working_hours",
            (
                _rx(r"working (?:hours|time)", r"school hours", r"session times", r"work time"),
                _rx(r"not permitted", r"not allowed", r"does not allow", r"must not", r"never"),
                _rx(r"personal use", r"social media"),
            ),
        ),
    ),
    "parents_as_friends": _parents_as_friends,
    "pupil_relatives": _value_rule(
        (
            "allowed_if_acknowledged",
            (
                _rx(r"family (?:member|relationship)", r"relatives?\b", r"related\b"),
                _rx(r"acknowledg", r"exception"),
            ),
        ),
        ("discuss_existing", (EXISTING, _rx(r"discuss"), NOT_PARENTS_ONLY)),
    ),
    "personal_views": _value_rule(
        (
            "avoid_politics_religion",
            (
                _rx(r"politic", r"religio"),
                _rx(r"topics?", r"objectionable", r"inflammatory", r"controversial"),
            ),
        ),
        (
            "not_as_school",
            (
                _rx(r"(?:personal )?views", r"opinions?\b"),
                _rx(
                    rf"(?:that|those|views|opinions?) of the {SCHOOL}",
                    rf"linked to the {SCHOOL}",
                    rf"on behalf of the {SCHOOL}",
                ),
            ),
        ),
        ("mark_as_personal", (_rx(r"personal capacity", r"views are (?:personal|their own)"),)),
    ),
    "comments_on_school_posts": _value_rule(
        (
            "should_not",
            (_rx(r"comment(?:s|ing)? on\b[^.;]*\bposts?\b"), _rx(r"not\b", r"never\b", r"avoid")),
        ),
    ),
    "raise_concerns": _value_rule(
        (
            "all_to_headteacher",
            (
                _rx(r"(?:all|any) concerns"),
                _rx(r"raised?\b[^.;]{0,60}\bwith", r"reported to"),
                HEAD_WORDS,
            ),
        ),
        ("report_breaches", (_rx(r"report[a-z]*\b[^.;]{0,30}\bbreach"),)),
    ),
    "official_accounts": _value_rule(
        ("risk_assessed", (OFFICIAL, _rx(r"risk[- ]assess"))),
        (
            "head_agrees_in_advance",
            (
                OFFICIAL,
                _rx(r"agreed", r"discussed", r"authori[sz]ed"),
                _rx(r"in advance", r"before", r"prior to"),
            ),
        ),
        ("head_authorises", (OFFICIAL, _rx(r"authoris", r"authoriz"), HEAD_WORDS)),
        ("special_rules", (OFFICIAL, _rx(r"special rules", r"told in detail", r"how to operate"))),
    ),
    "official_channels": _channels,
    "min_social_media_age": _age,
}


def propose_settings(clauses: Iterable[ClauseLike]) -> dict[str, Proposal]:
    """Every setting proposed from the clauses: a value with its evidence, or, where the policy
    says nothing, the question's silent value. A silent route to the head names the head as
    this policy titles them."""
    reading = Reading(clauses)
    proposals: dict[str, Proposal] = {}
    for question in QUESTIONS:
        rule = RULES.get(question.name)
        best = _best(rule(reading)) if rule else None
        if best:
            ids = tuple(dict.fromkeys(c.id for c in best.clauses))[:3]
            proposals[question.name] = Proposal(best.value, ids, silent=False)
        elif question.silent_value == HEAD and reading.head:
            proposals[question.name] = Proposal(reading.head[0], (), silent=True)
        else:
            proposals[question.name] = Proposal(question.silent_value, (), silent=True)
    return proposals

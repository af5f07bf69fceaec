"""A new school's clauses proposed for every teaching point, ranked by BM25 against what the
catalogue already knows of the point: its words, the clauses other schools cite there and why,
and the national guidance it cites; and by the settings it names, whose evidence clauses the
import has found. A reviewer then picks from a short list, not the whole policy.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25Okapi

from toolkit.content.citation_learning import learned
from toolkit.content.citation_meaning import nearness
from toolkit.content.citation_settings import evidence, other_schools_settings
from toolkit.content.points import Point, points
from toolkit.content.policy_reading import ClauseLike, words_of
from toolkit.content.policy_settings import Proposal, propose_settings
from toolkit.content.scenario import OutcomeBySetting

STOP_WORDS = frozenset(
    """a about after all also an and any are as at be been before being but by can could did
    do does for from had has have he her him his how i if in into is it its itself may me might
    more most my no nor not of on once one only or other our out over own same she so some such
    than that the their them then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your""".split()
)
WORD = re.compile(r"[a-z0-9]+")
# Jinja2 in content text: "{{ contact_report_to }}" and "{% if parents_as_friends == ... %}".
TEMPLATE = re.compile(r"{[{%](.*?)[%}]}", re.S)
STAFF_AUDIENCES = frozenset({"staff", "governors"})
# Staff content may cite a rule for pupils too (how pupils' messages reach staff), though less
# often than one for staff; a rule for parents alone it does not cite.
OFFERED_AUDIENCES = STAFF_AUDIENCES | {"pupils"}

# The share of a query each part carries: a point that twenty clauses are cited for does not
# drown its own words. Guidance paragraphs are long and general, so they count for less.
WEIGHTS = {"point": 1.0, "cited": 1.0, "why": 1.0, "guidance": 0.25}
# BM25 with full length normalisation (b=1): a long clause gains nothing for being long.
K1, B = 1.2, 1.0
# A clause's score for a point, less this share of its mean over all points, so that a long
# general clause (a policy's purpose, its definitions) that shares words with every point does
# not come first everywhere.
GENERALITY = 0.5
# A point is proposed nothing when its best clause's BM25 score is under this share of the
# median best over all the points: no clause of the policy speaks to it. On the five shipped
# schools this gives nothing for 10% of the points their policy is silent on and for 0.4% of
# those it cites, none of which had a cited clause among the first three; at 0.6 it would be
# 26% and 2.1%, and 19 of those 43 points had one.
NOTHING_BELOW = 0.5
# How much nearness in meaning (citation_meaning) adds to the BM25 scores, both in standard
# scores, each less GENERALITY of its mean over the points; compared with the point's words,
# the clauses other schools cite there and their reasons (the mean over those texts). On the
# shipped schools: 76.5% -> 78.3% of their citations among the first three at import (at 0.5
# and 2: 77.9 and 77.1%; the point's words alone 75.6%, the texts joined into one 78.1%, the
# nearest of the texts rather than the mean 77.1%), and 55.5% -> 58.4% first.
MEANING = 1.0
MEANING_PARTS = ("point", "cited", "why")
# How much the agreement across points that cite the same clauses adds to a point's own scores.
AGREEMENT = 1.0
# How much being evidence for a setting the point names adds (in standard scores).
EVIDENCE = 1.0
# How much being evidence for a setting that other schools cite their own evidence for at the
# point adds (in standard scores), where the point's words do not name it: on the shipped
# schools, 75.3% -> 76.5% of their citations among the first three at import, no school lower
# (at 1 and 2: 76.1 and 76.6%, one school 0.7 lower at 2); added also where the words name it,
# a friend request's rule is no longer first at the choice that says to report it.
CITED_SETTINGS = 1.5
# Settings that name a role rather than a rule: their evidence says who holds the role.
ROLES = frozenset({"headteacher", "dsl"})
# What a clause loses (in standard scores) for not being addressed to staff or governors, and
# for being advice: the shipped schools cite each of their rules 2 to 6 times as often as each
# piece of advice. With pupils' rules offered, these find 74.4% -> 75.3% of the shipped
# schools' citations among the first three proposals.
NOT_FOR_STAFF = 1.0
ADVICE = 1.0
# How many of the first places go by score alone before one is kept for evidence.
BY_SCORE = 2


def stem(word: str) -> str:
    """A light stem, so that "requests", "requested" and "requesting" meet "request"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    for ending, shortest in (("ing", 4), ("ed", 3), ("es", 4), ("s", 3)):
        if word.endswith(ending) and len(word) - len(ending) >= shortest:
            if ending == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: -len(ending)]
    return word


def tokens(text: str) -> list[str]:
    """Lower-case words without the commonest ones, lightly stemmed."""
    words = WORD.findall(text.lower().replace("'", "").replace("\u2019", ""))
    return [stem(w) for w in words if w not in STOP_WORDS]


def query_texts(catalogue, point: Point, leave_out: str | None = None) -> dict[str, list[str]]:
    """The point's words, the clauses other schools cite for it and their reasons, and its
    guidance, each a list of texts; `leave_out` names a school whose citations are not used."""
    cited, why = [], []
    for cite in point.item.cites:
        profile = catalogue.profiles.get(cite.source)
        if cite.source == leave_out or profile is None:
            continue
        cited += [words_of(c) for c in profile.clauses if c.id == cite.item]
        why.append(cite.why)
    guidance = []
    for cite in point.item.guidance:
        document = catalogue.guidance.get(cite.source)
        guidance += [
            f"{p.section} {p.text}"
            for p in (document.paragraphs if document else ())
            if p.id == cite.item
        ]
    return {"point": [point.text], "cited": cited, "why": why, "guidance": guidance}


def joined(texts: dict[str, list[str]]) -> dict[str, str]:
    """Each part's texts as one, for the words' query."""
    return {name: " ".join(part) for name, part in texts.items()}


def query_parts(catalogue, point: Point, leave_out: str | None = None) -> dict[str, str]:
    """query_texts, each part's texts joined."""
    return joined(query_texts(catalogue, point, leave_out))


def meaning_query(texts: dict[str, list[str]]) -> list[str]:
    """The texts whose meaning a clause is compared with: the point's words (placeholders
    left out), the clauses other schools cite there and their reasons."""
    return [TEMPLATE.sub(" ", text) for name in MEANING_PARTS for text in texts[name]]


def query(parts: dict[str, str]) -> dict[str, float]:
    """Word weights for a query: each part's words share out that part's weight, and a word's
    weight grows with the square root of how often it comes, so no one word carries the query."""
    weighted: Counter = Counter()
    for name, text in parts.items():
        words = tokens(text)
        for word in words:
            weighted[word] += WEIGHTS.get(name, 0.0) / len(words)
    return {word: math.sqrt(weight) for word, weight in weighted.items() if weight > 0}


def offered(clauses: Sequence[ClauseLike]) -> list[ClauseLike]:
    """The clauses staff content may cite: those for staff, governors or pupils, if the policy
    has any (a draft's audience is read from its words, and a rule on pupils' messages often
    says what staff do with them)."""
    kept = [c for c in clauses if OFFERED_AUDIENCES & set(c.audience)]
    return kept or list(clauses)


def prior(clauses: Sequence[ClauseLike]) -> np.ndarray:
    """What each clause loses whatever the point: some for not being addressed to staff, some
    for being advice rather than a rule."""
    return np.array(
        [
            NOT_FOR_STAFF * (not STAFF_AUDIENCES & set(c.audience))
            + ADVICE * (c.strength == "advice")
            for c in clauses
        ]
    )


class ClauseIndex:
    """BM25 over a policy's clauses, each word's scores worked out once for all the queries."""

    def __init__(self, clauses: Sequence[ClauseLike]):
        self.ids = [c.id for c in clauses]
        # A clause is found by its own words and any lead-in, not its section's title, which
        # every clause of the section shares (with it: 78.5% found among five, against 80%).
        bm25 = BM25Okapi([tokens(words_of(c)) or ["-"] for c in clauses], k1=K1, b=B)
        self.word_scores = {word: bm25.get_scores([word]) for word in bm25.idf}

    def scores(self, weighted: dict[str, float]) -> np.ndarray:
        """Each clause's score for a query of weighted words."""
        total = np.zeros(len(self.ids))
        for word, weight in weighted.items():
            if word in self.word_scores:
                total += weight * self.word_scores[word]
        return total


def standard(scores: np.ndarray) -> np.ndarray:
    """Each row's scores as standard scores, so that rows from different queries add up fairly."""
    spread = scores.std(axis=1, keepdims=True)
    return (scores - scores.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, 1.0)


def agreement(keyed: Sequence[Point], scores: np.ndarray, leave_out: str | None) -> np.ndarray:
    """For each point, how the new clauses scored at all the points that cite the same clauses
    of other schools: a rule cited at many points has a counterpart in the new policy that
    scores well at most of them, though the words of any one point may miss it."""
    cited = [[str(c) for c in p.item.cites if c.source != leave_out] for p in keyed]
    columns = {cite: j for j, cite in enumerate(sorted({c for cs in cited for c in cs}))}
    at = np.zeros((len(keyed), len(columns)))  # at[point, cited clause]: 1 where it is cited
    for row, cites in enumerate(cited):
        at[row, [columns[c] for c in cites]] = 1
    counterparts = (at.T @ scores) / np.maximum(at.sum(axis=0), 1)[:, None]
    shared = (at @ counterparts) / np.maximum(at.sum(axis=1), 1)[:, None]
    return standard(shared - shared.mean(axis=0))


def settings_used(point: Point) -> set[str]:
    """The names a point's words use in a placeholder or a condition, and the setting its
    outcome follows; not the roles."""
    used = {word for block in TEMPLATE.findall(point.text) for word in re.findall(r"\w+", block)}
    outcome = getattr(point.item, "outcome", None)
    if isinstance(outcome, OutcomeBySetting):
        used.add(outcome.setting)
    return used - ROLES


def order(row: np.ndarray, backed: np.ndarray) -> list[int]:
    """Clauses best first: the first places by score, then the best backed clause not among
    them, then the rest by score; a point is found if any of its clauses is near the top."""
    by_score = np.argsort(-row, kind="stable")
    rest = by_score[BY_SCORE:]
    kept = rest[backed[rest] > 0][:1]
    return [*by_score[:BY_SCORE].tolist(), *kept.tolist(), *rest[~np.isin(rest, kept)].tolist()]


@dataclass(frozen=True)
class Scored:
    """What the ranking knows before anything is confirmed: each point's scores for each
    clause, the settings evidence that backs them, and whether any clause speaks to the point."""

    keyed: list[Point]
    ids: list[str]
    scores: np.ndarray  # scores[point, clause], in standard scores
    backed: np.ndarray  # backed[point, clause]: 1 where the clause is evidence it names
    spoken_to: np.ndarray  # spoken_to[point]: whether some clause speaks to it
    cites: list[list[str]]  # each point's citations of other schools, "school#clause"


def score_points(
    catalogue,
    clauses: Sequence[ClauseLike],
    *,
    leave_out: str | None = None,
    proposals: Mapping[str, Proposal] | None = None,
) -> Scored:
    """The scores of every clause at every point, worked out once however often the DSL's
    confirmations re-rank them."""
    keyed = list(points(catalogue))
    candidates = offered(clauses)
    cites = [[str(c) for c in p.item.cites if c.source != leave_out] for p in keyed]
    if not candidates:
        empty = np.zeros((len(keyed), 0))
        return Scored(keyed, [], empty, empty, np.zeros(len(keyed), bool), cites)
    index = ClauseIndex(candidates)
    texts = [query_texts(catalogue, p, leave_out) for p in keyed]
    scores = np.array([index.scores(query(joined(t))) for t in texts])
    scores -= GENERALITY * scores.mean(axis=0)
    best = scores.max(axis=1)
    spoken_to = best > NOTHING_BELOW * max(float(np.median(best)), 0.0)
    near = nearness([meaning_query(t) for t in texts], [words_of(c) for c in candidates])
    scores = standard(scores) + MEANING * standard(near - GENERALITY * near.mean(axis=0))
    scores += AGREEMENT * agreement(keyed, scores, leave_out)
    scores -= prior(candidates)
    if proposals is None:
        proposals = propose_settings(clauses)
    backed = evidence([settings_used(p) for p in keyed], index.ids, proposals)
    scores += EVIDENCE * backed
    cited = evidence(other_schools_settings(catalogue, cites, ROLES), index.ids, proposals)
    scores += CITED_SETTINGS * cited * (1 - backed)
    return Scored(keyed, index.ids, scores, backed, spoken_to, cites)


def ranked_points(
    scored: Scored, *, top: int = 5, confirmed: Mapping[str, Sequence[str]] | None = None
) -> dict[str, list[tuple[str, float]]]:
    """Up to `top` clauses for every point, best first, with what the DSL has `confirmed` at
    the points reviewed so far (key -> clause ids, [] where none applies) learned from."""
    if not scored.ids:
        return {p.key: [] for p in scored.keyed}
    scores = scored.scores + learned(scored, confirmed) if confirmed else scored.scores
    ranked = {}
    for point, row, support, any_clause in zip(
        scored.keyed, scores, scored.backed, scored.spoken_to, strict=True
    ):
        best = order(row, support)[:top] if any_clause else []
        ranked[point.key] = [(scored.ids[i], round(float(row[i]), 3)) for i in best]
    return ranked


def rank_citations(
    catalogue,
    clauses: Sequence[ClauseLike],
    *,
    leave_out: str | None = None,
    top: int = 5,
    proposals: Mapping[str, Proposal] | None = None,
    confirmed: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, list[tuple[str, float]]]:
    """For every teaching point (by key), up to `top` of these clauses that may support it, best
    first, with their scores, or none where no clause speaks to it; `leave_out` is a school whose
    citations the queries ignore, to measure how well its own would be found. `proposals` are
    the settings proposed from these clauses (worked out here if not given): where a point names
    a setting, the clauses that are its evidence support the point. `confirmed` is what the DSL
    has confirmed so far (key -> clause ids; [] where none applies), which the other points'
    proposals learn from."""
    scored = score_points(catalogue, clauses, leave_out=leave_out, proposals=proposals)
    return ranked_points(scored, top=top, confirmed=confirmed)

"""Where every piece of feedback comes from: no school is told another school's rule, national
guidance is cited wherever it is named, and no clause is cited as a catch-all."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import pytest

from toolkit.content import load_catalogue
from toolkit.content.base import Sourced
from toolkit.settings import PROJECT_ROOT

CATALOGUE = load_catalogue(PROJECT_ROOT)
SCHOOLS = sorted(CATALOGUE.profiles)
# Words that name national guidance in feedback: where they appear, the paragraph is cited.
# The most scenario choices and quiz questions one clause may be cited by within a school,
# unless its profile says why it is cited widely (the school's route for a kind of concern, or
# the rule a whole module teaches): a general clause cited everywhere is a catch-all.
MOST_CITATIONS = 40
NAMES_GUIDANCE = re.compile(
    r"national guidance|keeping children safe|kcsie|ukcis|prevent duty|teachers' standards", re.I
)


def sourced(catalogue=CATALOGUE) -> Iterator[tuple[str, Sourced, str]]:
    """Every scenario choice and quiz question: where it is, the item, and its feedback's text."""
    for scenario in catalogue.scenarios.values():
        for step_id, step in scenario.steps.items():
            for i, choice in enumerate(step.choices):
                yield f"{scenario.id}/{step_id}/{i}", choice, choice.feedback
    for bank in catalogue.quizzes.values():
        for question in bank.questions:
            feedback = " ".join(o.feedback for o in question.options)
            yield f"quiz {bank.id}/{question.id}", question, feedback


def rendered_text(school_id: str) -> str:
    """Everything the school's staff can read in the scenarios and quizzes, settings filled in."""
    profile = CATALOGUE.profile(school_id)
    parts = []
    for scenario_id in CATALOGUE.scenarios:
        s = CATALOGUE.scenario_for(scenario_id, school_id)
        parts += [s.title, s.summary]
        for step in s.steps.values():
            parts.append(step.text)
            parts += [f"{c.label}\n{c.feedback}" for c in step.choices]
    for bank in CATALOGUE.quizzes.values():
        for q in bank.for_school(profile).questions:
            parts.append(q.text)
            parts += [f"{o.text}\n{o.feedback}" for o in q.options]
    return " ".join(" ".join(parts).split()).lower()


TEXTS = {school_id: rendered_text(school_id) for school_id in SCHOOLS}


@pytest.mark.parametrize("school_id", SCHOOLS)
def test_no_school_reads_a_phrase_marked_as_another_schools_rule(school_id):
    """Does no phrase that a profile marks as its school's own rule reach another school?"""
    for other in SCHOOLS:
        if other == school_id:
            continue
        for phrase in CATALOGUE.profile(other).own_phrases:
            assert phrase.lower() not in TEXTS[school_id], f"{other}'s rule shown to {school_id}"


@pytest.mark.parametrize("school_id", SCHOOLS)
def test_each_marked_phrase_is_taught_to_its_own_school(school_id):
    """Is every marked phrase found in its own school's text, so the list cannot go stale, and
    does every school mark some, so the check above is never empty?"""
    phrases = CATALOGUE.profile(school_id).own_phrases
    assert phrases
    for phrase in phrases:
        assert phrase.lower() in TEXTS[school_id], f"{phrase!r} is not in {school_id}'s content"


def test_feedback_that_names_national_guidance_cites_its_paragraph():
    """Wherever feedback names national guidance, is the paragraph it rests on cited (so the
    page quotes it, labelled with its document and paragraph)?"""
    uncited = [
        w for w, item, text in sourced() if NAMES_GUIDANCE.search(text) and not item.guidance
    ]
    assert not uncited, f"name national guidance but cite none: {uncited}"


def test_a_school_declared_silent_is_given_national_guidance():
    """Does every choice or question on which a school's policy is silent cite guidance?"""
    for where, item, _ in sourced():
        assert not item.silent or item.guidance, where


def test_no_clause_is_cited_as_a_catch_all():
    """Is every clause cited by at most MOST_CITATIONS choices and questions of its school,
    unless its profile says why it is cited widely (and is such a clause really cited widely)?"""
    counts = Counter(str(c) for _, item, _ in sourced() for c in dict.fromkeys(item.cites))
    for school_id in SCHOOLS:
        for clause in CATALOGUE.profile(school_id).clauses:
            n = counts[f"{school_id}#{clause.id}"]
            if clause.cited_widely:
                assert n > MOST_CITATIONS / 2, f"{school_id}#{clause.id} is marked but cited {n}"
            else:
                assert n <= MOST_CITATIONS, f"{school_id}#{clause.id} is cited {n} times"


def test_every_citation_says_why_it_applies():
    """Does every citation of a clause or of national guidance carry its one-line reason?"""
    missing = [
        f"{where}: {c}"
        for where, item, _ in sourced()
        for c in [*item.cites, *item.guidance]
        if not c.why
    ]
    assert not missing, f"{len(missing)} citations without a reason, e.g. {missing[:5]}"


def test_national_guidance_reasons_name_no_school():
    """Is no reason under national guidance, which every school's staff read, about one school
    (its name, or a word of its name that only it has)?"""
    generic = {"St", "The", "Primary", "School", "CE", "Catholic", "Lane", "Trust"}
    names = {
        next(w for w in profile.name.split() if w not in generic): profile.id
        for profile in CATALOGUE.profiles.values()
    }
    for where, item, _ in sourced():
        for cite in item.guidance:
            named = [school for word, school in names.items() if word in cite.why]
            assert not named, f"{where} {cite}: its reason names {named}"


def words(text: str) -> set[str]:
    return {w.strip('.,;:"“”()‘’').lower() for w in text.split()} - {""}


def test_a_reason_says_why_the_clause_applies_here_not_what_it_says():
    """Is every reason more than the clause said again (it sits right under the quote): under
    60% of its words from the clause, so it has room to name what happens in the choice?"""
    repeating = []
    for where, item, _ in sourced():
        for cite in item.cites:
            clause = CATALOGUE.profile(cite.source).clause(cite.item)
            reason = words(cite.why)
            if len(reason & words(clause.text)) >= 0.6 * len(reason):
                repeating.append(f"{where} {cite}: {cite.why}")
    assert not repeating, f"{len(repeating)} reasons repeat their clause, e.g. {repeating[:3]}"

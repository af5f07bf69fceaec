"""The staff curriculum as a whole: modules, scenario shape, citations, readability, coverage."""

from __future__ import annotations

import pytest
import textstat

from toolkit.content import OutcomeBySetting, Scenario, load_catalogue
from toolkit.content.coverage import coverage, staff_percent
from toolkit.settings import PROJECT_ROOT

CATALOGUE = load_catalogue(PROJECT_ROOT)
SCHOOLS = sorted(CATALOGUE.profiles)
SCENARIOS = sorted(CATALOGUE.scenarios)


def decision_steps_on_safe_path(scenario: Scenario) -> list[str]:
    """The decision steps met by always taking the first safe choice."""
    seen, step_id = [], scenario.start
    while step_id and step_id not in seen:
        step = scenario.steps[step_id]
        if not step.choices:
            break
        seen.append(step_id)
        safe = [c for c in step.choices if c.outcome == "safe"]
        step_id = safe[0].next if safe else None
    return seen


def test_five_schools_six_modules_and_at_least_18_scenarios():
    """Are there five school profiles, six modules in order, and three or more scenarios in each?"""
    assert len(SCHOOLS) == 5
    modules = sorted(CATALOGUE.modules.values(), key=lambda m: m.order)
    assert [m.order for m in modules] == [1, 2, 3, 4, 5, 6]
    assert len(SCENARIOS) >= 18
    for module in modules:
        assert len(CATALOGUE.scenarios_in(module.id)) >= 3, module.id


@pytest.mark.parametrize("scenario_id", SCENARIOS)
@pytest.mark.parametrize("school", SCHOOLS)
def test_scenario_shape_for_each_school(scenario_id, school):
    """Two or more decisions of three or four choices, and a poor choice that leads to a way back?"""
    scenario = CATALOGUE.scenarios[scenario_id].for_school(CATALOGUE.profiles[school])
    main = decision_steps_on_safe_path(scenario)
    assert len(main) >= 2, f"{scenario_id}: fewer than two decision points on the safe path"
    for step_id in main:
        assert 3 <= len(scenario.steps[step_id].choices) <= 4, f"{scenario_id}/{step_id}"
    consequences = [
        scenario.steps[c.next]
        for step in scenario.steps.values()
        for c in step.choices
        if c.outcome != "safe" and c.next and c.next not in main
    ]
    assert any(any(c.outcome == "safe" for c in step.choices) for step in consequences), (
        f"{scenario_id}: no consequence step with a way to put things right"
    )


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_every_choice_cites_a_clause_of_every_school(scenario_id):
    """Does each school see its own policy's words under every piece of feedback, except where
    its policy is declared silent on that choice (and then cites nothing of it)?"""
    scenario = CATALOGUE.scenarios[scenario_id]
    for step_id, step in scenario.steps.items():
        for i, choice in enumerate(step.choices):
            cited = {c.split("#")[0] for c in choice.cites}
            silent = set(choice.silent)
            where = f"{scenario_id}/{step_id}/{i}"
            assert cited | silent >= set(SCHOOLS), f"{where} lacks {set(SCHOOLS) - cited - silent}"
            assert not cited & silent, f"{where} is declared silent for {cited & silent}"


@pytest.mark.parametrize("scenario_id", SCENARIOS)
@pytest.mark.parametrize("school", SCHOOLS)
def test_staff_text_is_plain_english(scenario_id, school):
    """Does every scenario, as each school reads it, reach a Flesch reading ease of 50 or more?"""
    s = CATALOGUE.scenarios[scenario_id].for_school(CATALOGUE.profiles[school])
    parts = [s.title, s.summary]
    for step in s.steps.values():
        parts.append(step.text)
        parts.extend(f"{c.label} {c.feedback}" for c in step.choices)
    score = textstat.flesch_reading_ease(" ".join(parts))
    assert score >= 50, f"{scenario_id} for {school}: Flesch reading ease {score:.1f}"


@pytest.mark.parametrize("school", SCHOOLS)
def test_every_staff_clause_is_taught(school):
    """Is every clause for staff in the school's catalogue taught by some scenario choice?"""
    rows = coverage(CATALOGUE, school)
    missing = [r.clause.id for r in rows if r.for_staff and not r.covered]
    assert staff_percent(rows) == 100.0, f"{school}: not taught: {', '.join(missing)}"


# One scenario, each school's answer: (scenario, step, choice), school, expected outcome or label text.
EACH_SCHOOLS_ANSWER = [
    # Checking Instagram in the staff room at lunch with no pupils about.
    (("phone-lunch-and-lessons", "duty", 2), "barley-lane-primary", "safe"),
    (("phone-lunch-and-lessons", "duty", 2), "lunsford-primary", "safe"),
    (("phone-lunch-and-lessons", "duty", 2), "st-benedicts-catholic-primary", "unsafe"),
    # Accepting a follow request from a parent who was a friend before her child joined.
    (("parent-friend-request", "request", 0), "barley-lane-primary", "unsafe"),
    (("parent-friend-request", "request", 0), "bury-ce-primary", "risky"),
    # Keeping in touch with your niece, a pupil, once the head knows and it is recorded.
    (("relative-pupil-niece", "first-day", 1), "st-benedicts-catholic-primary", "safe"),
    (("relative-pupil-niece", "first-day", 1), "the-learning-trust", "risky"),
    # Who a contact attempt is reported to.
    (("friend-request-from-pupil", "monday", 0), "barley-lane-primary", "Find the headteacher"),
    (
        ("friend-request-from-pupil", "monday", 0),
        "lunsford-primary",
        "Find the Designated Safeguarding Lead (or deputy) and/or the headteacher",
    ),
    # How inappropriate content seen on a school device is reported.
    (("filtering-blocked-video", "tablets", 0), "barley-lane-primary", "the ICT team"),
    (("filtering-blocked-video", "tablets", 0), "the-learning-trust", "report form"),
]


@pytest.mark.parametrize("where,school,expected", EACH_SCHOOLS_ANSWER)
def test_one_scenario_gives_each_school_its_own_answer(where, school, expected):
    """Does the same choice give the right answer for each school's own policy?"""
    scenario_id, step_id, index = where
    choice = (
        CATALOGUE.scenarios[scenario_id]
        .for_school(CATALOGUE.profiles[school])
        .steps[step_id]
        .choices[index]
    )
    if expected in ("safe", "risky", "unsafe"):
        assert choice.outcome == expected
    else:
        assert choice.outcome == "safe" and expected in choice.label


def test_at_least_five_differences_between_schools():
    """Do at least five different topics give different correct answers for different schools?"""
    topics = {}
    for where, _school, expected in EACH_SCHOOLS_ANSWER:
        topics.setdefault(where, set()).add(expected)
    assert sum(len(answers) > 1 for answers in topics.values()) >= 5
    by_setting = {
        c.outcome.setting
        for s in CATALOGUE.scenarios.values()
        for step in s.steps.values()
        for c in step.choices
        if isinstance(c.outcome, OutcomeBySetting)
    }
    assert {"personal_use_at_work", "parents_as_friends", "pupil_relatives"} <= by_setting

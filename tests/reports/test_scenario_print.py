"""Scenarios on paper: all of a scenario as one school's staff see it, and none of another's."""

from __future__ import annotations

import dataclasses

import pytest
from markupsafe import escape

from toolkit.html import split_paragraphs
from toolkit.reports import scenario_print
from toolkit.school.school import School

SCHOOL = "lunsford-primary"
SCENARIO = "friend-request-from-pupil"
HOSTILE = '<script>alert(1)</script>"onmouseover="x'


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces, as wrapping leaves it."""
    return " ".join(text.split())


def another_schools_clause(catalogue, scenario_id: str, school_id: str):
    """A clause the scenario cites only for another school, whose words this school's clauses
    do not share: it must not appear in this school's printout."""
    own = {c.text for c in catalogue.profiles[school_id].clauses}
    for step in catalogue.scenarios[scenario_id].steps.values():
        for choice in step.choices:
            for citation in choice.cites:
                other, clause_id = citation.split("#")
                clause = catalogue.profiles[other].clause(clause_id)
                if other != school_id and clause.text not in own:
                    return clause
    raise AssertionError("the scenario cites no clause of another school")


@pytest.fixture(scope="module")
def lunsford(catalogue) -> School:
    return School.resolve(catalogue, SCHOOL)


@pytest.mark.parametrize("render", [scenario_print.as_text, scenario_print.as_html])
def test_one_scenario_prints_all_of_it_and_only_this_schools_clauses(catalogue, lunsford, render):
    """Does the printout hold every step, choice label, outcome, feedback and cited clause as
    this school's staff see them, and nothing of a clause cited only for another school?"""
    printed = render(scenario_print.gather(lunsford, [SCENARIO]))
    seen = flat(printed)

    as_shown = str if render is scenario_print.as_text else lambda x: str(escape(x))

    def shown(text: str) -> bool:
        """Whether each paragraph of the text is in the printout (escaped, in the page)."""
        return all(flat(as_shown(part)) in seen for part in split_paragraphs(text))

    scenario = lunsford.scenario(SCENARIO)
    assert shown(scenario.title)
    for step in scenario.steps.values():
        assert shown(step.text)
        for choice in step.choices:
            assert shown(choice.label) and shown(choice.feedback)
            assert scenario_print.WORDS[choice.outcome] in seen
            clauses = lunsford.clauses(choice.cites)
            assert clauses
            for clause in clauses:
                assert shown(clause.text) and f"(clause {clause.id})" in seen
    assert "{{" not in printed and "Your policy:" in printed
    assert "silent" not in printed  # every choice cites a clause of this school
    other = another_schools_clause(catalogue, SCENARIO, SCHOOL)
    assert not any(flat(as_shown(p)) in seen for p in split_paragraphs(other.text))


def test_the_school_settings_are_filled_in(catalogue):
    """Do two schools' printouts differ where their settings do (who a contact is reported to)?"""
    texts = {}
    for school_id in ("barley-lane-primary", "the-learning-trust"):
        school = School.resolve(catalogue, school_id)
        texts[school_id] = flat(scenario_print.as_text(scenario_print.gather(school, [SCENARIO])))
        assert flat(f"Tell {school.settings.contact_report_to}") in texts[school_id]
    assert texts["barley-lane-primary"] != texts["the-learning-trust"]


def test_all_scenarios_in_module_order_with_contents(lunsford):
    """Does --all's list hold every scenario, module by module, each in the contents?"""
    ordered = lunsford.scenarios_in_order()
    assert sorted(s.id for s in ordered) == sorted(lunsford.catalogue.scenarios)
    orders = [lunsford.catalogue.modules[s.module].order for s in ordered]
    assert orders == sorted(orders)
    printout = scenario_print.gather(lunsford, [s.id for s in ordered])
    text = scenario_print.as_text(printout)
    html = scenario_print.as_html(printout)
    assert "Contents" in text and ">Contents</h2>" in html
    for scenario in ordered:
        assert flat(scenario.title) in flat(text)
        assert f'href="#scenario-{scenario.id}"' in html
    assert max(len(line) for line in text.splitlines()) <= scenario_print.WIDTH
    assert html.count('<section class="scenario"') == len(ordered)


def test_steps_are_numbered_from_the_start(lunsford):
    """Is every step printed once, the first being the start, with each choice's next step?"""
    scenario = lunsford.scenario(SCENARIO)
    printed = scenario_print.printed_scenario(lunsford, SCENARIO)
    assert [s.step_id for s in printed.steps][0] == scenario.start
    assert sorted(s.step_id for s in printed.steps) == sorted(scenario.steps)
    number = {s.step_id: s.number for s in printed.steps}
    for step in printed.steps:
        for original, choice in zip(
            scenario.steps[step.step_id].choices, step.choices, strict=True
        ):
            assert choice.next_step == (original.next and number[original.next])


def test_a_choice_without_a_clause_of_this_school_says_so(catalogue):
    """Where a choice cites no clause of this school, does the printout say its policy is
    silent, rather than quote another school's?"""
    scenario = catalogue.scenarios[SCENARIO]
    step = scenario.steps[scenario.start]
    first = step.choices[0]
    others = [c for c in first.cites if not c.startswith(f"{SCHOOL}#")]
    choices = [first.model_copy(update={"cites": others}), *step.choices[1:]]
    steps = {**scenario.steps, scenario.start: step.model_copy(update={"choices": choices})}
    changed = dataclasses.replace(
        catalogue,
        scenarios={**catalogue.scenarios, SCENARIO: scenario.model_copy(update={"steps": steps})},
        rendered={},
    )
    school = School.resolve(changed, SCHOOL)
    printout = scenario_print.gather(school, [SCENARIO])
    assert printout.scenarios[0].steps[0].choices[0].sources.policy == []
    assert scenario_print.WORDS["silent"] in scenario_print.as_text(printout)
    assert scenario_print.WORDS["silent"].replace("'", "&#39;") in scenario_print.as_html(printout)


def test_html_escapes_a_hostile_school_and_clause(catalogue):
    """Is a school name and a clause's words shown as text in the page, never run as HTML?"""
    profile = catalogue.profiles[SCHOOL]
    clauses = [c.model_copy(update={"text": HOSTILE}) for c in profile.clauses]
    hostile = profile.model_copy(update={"name": HOSTILE, "clauses": clauses})
    school = School(catalogue, hostile)
    html = scenario_print.as_html(scenario_print.gather(school, [SCENARIO]))
    assert "<script>" not in html and '"onmouseover="' not in html
    assert str(escape(HOSTILE)) in html
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert "@media print" in html and "break-before:page" in html


def test_an_item_of_a_do_not_list_is_printed_with_its_negation(catalogue):
    """Is a quoted item of a list of things not to do printed with the list's "Do not"?"""
    school = School.resolve(catalogue, "bury-ce-primary")
    quoted = [
        quote.text
        for scenario in school.scenarios_in_order()
        for step in scenario_print.printed_scenario(school, scenario.id).steps
        for choice in step.choices
        for quote in choice.sources.policy
        if quote.where.endswith("(clause social-networking-7)")
    ]
    assert quoted and all(q.startswith("[Do not] Include material") for q in quoted)

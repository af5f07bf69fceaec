"""One learner, more clicks than intended: a double-click and two tabs, driven in Chromium.

Each click is a message to the page's kernel; the kernel handles them in order, so a later
action that waits for its own result has also waited for every click sent before it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.keys import button
from tests.browser.test_staff_app import (
    SCENARIO,
    SCHOOL,
    open_sign_in,
    sign_in_with_mouse,
    start_button,
)
from toolkit.apps.staff import OUTCOME_TEXT
from toolkit.store import Store

pytestmark = pytest.mark.browser

MOVED_ON = "another tab or window"


def saved(server, learner_id: int) -> list[tuple[str, int]]:
    """(step, choice index) of each choice in the learner's one attempt, in order."""
    store = Store(server.db_url)
    try:
        (attempt,) = store.attempts_for(learner_id)
        return [(c.step_id, c.choice_index) for c in store.choices_for(attempt["id"])]
    finally:
        store.close()


def open_scenario(page: Page, server, email: str, code: str, first_label: str) -> None:
    open_sign_in(page, server)
    sign_in_with_mouse(page, email, code)
    start_button(page).click()
    expect(button(page, first_label)).to_be_visible()


def shows_feedback_for(page: Page, outcome: str, label: str) -> None:
    expect(page.locator(f".esafety-outcome-{outcome}")).to_contain_text(OUTCOME_TEXT[outcome])
    expect(page.locator("p", has_text="You chose:")).to_contain_text(label)


def test_a_double_click_on_a_choice_saves_one_choice(page, server, catalogue):
    """Does a real double-click on a choice save one choice and show no failure?"""
    learner_id, email, code = server.learner("double.click")
    scenario = catalogue.scenarios[SCENARIO].for_school(catalogue.profile(SCHOOL))
    first = scenario.steps[scenario.start].choices[0]
    assert first.next, "the first choice should lead on to another step"
    following = scenario.steps[first.next].choices[0]
    open_scenario(page, server, email, code, first.label)

    button(page, first.label).dblclick()
    shows_feedback_for(page, first.outcome, first.label)
    button(page, "Continue").dblclick()
    expect(button(page, following.label)).to_be_visible()  # both clicks of each pair handled

    expect(page.get_by_role("alert")).to_have_count(0)
    assert saved(server, learner_id) == [(scenario.start, 0)]


def test_two_tabs_choosing_in_turn_save_one_choice_per_step(page, server, catalogue):
    """Two tabs of one learner choosing in turn: one choice per step in the store, and the
    tab that was behind shows where the learner now is, with a polite message?"""
    learner_id, email, code = server.learner("two.tabs")
    scenario = catalogue.scenarios[SCENARIO].for_school(catalogue.profile(SCHOOL))
    start = scenario.steps[scenario.start]
    first, other_first = start.choices[0], start.choices[-1]
    assert first.next and len(scenario.steps[first.next].choices) > 1
    second, other_second = scenario.steps[first.next].choices[:2]
    tab = page.context.new_page()
    try:
        open_scenario(page, server, email, code, first.label)
        open_scenario(tab, server, email, code, first.label)

        button(page, first.label).click()
        shows_feedback_for(page, first.outcome, first.label)
        button(tab, other_first.label).click()  # a step already answered in the other tab
        expect(tab.locator(".esafety-notice")).to_contain_text(MOVED_ON)
        shows_feedback_for(tab, first.outcome, first.label)  # where the learner now is
        expect(tab.get_by_role("alert")).to_have_count(0)

        for each in (page, tab):
            button(each, "Continue").click()
            expect(button(each, second.label)).to_be_visible()
        button(tab, second.label).click()
        shows_feedback_for(tab, second.outcome, second.label)
        button(page, other_second.label).click()
        expect(page.locator(".esafety-notice")).to_contain_text(MOVED_ON)
        shows_feedback_for(page, second.outcome, second.label)
        expect(page.get_by_role("alert")).to_have_count(0)
    finally:
        tab.goto("about:blank")  # its unload beacon shuts its kernel down

    assert saved(server, learner_id) == [(scenario.start, 0), (first.next, 0)]

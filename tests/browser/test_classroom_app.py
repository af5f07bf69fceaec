"""The classroom app on the whiteboard, driven by keyboard alone in Chromium."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.keys import axe_findings, squash, tab_until
from toolkit.content import CardSort, RealOrFake, Vote
from toolkit.store import NewLearner, Store

pytestmark = pytest.mark.browser

RENDER_TIMEOUT_MS = 60_000
LESSON = "intro-5-7"


@pytest.fixture(scope="module")
def school(server):
    store = Store(server.db_url)
    oak = store.add_class("Year 1 Oak", "5-7")
    ((teacher, _),) = store.add_learners(
        [NewLearner("Ms <b>Ada</b> Park", "ada.park@school.example", "teacher", date.today())]
    )
    return store, oak, teacher


def open_classroom(page: Page, server) -> None:
    page.goto(server.url + "voila/render/classroom.ipynb", timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_role("button", name="Start the lesson")).to_be_enabled(
        timeout=RENDER_TIMEOUT_MS
    )


def press_on(page: Page, target, what: str, key: str = "Enter") -> None:
    tab_until(page, target, what)
    page.keyboard.press(key)


def next_page(page: Page) -> None:
    press_on(page, page.get_by_role("button", name="Next", exact=True), "Next")


def test_a_lesson_runs_by_keyboard_and_its_delivery_is_recorded(page, server, school, catalogue):
    """Keyboard only: choose class, lesson and teacher, run every page, save; is it recorded?"""
    store, oak, teacher = school
    lesson = catalogue.lessons[LESSON]
    open_classroom(page, server)
    tab_until(page, page.get_by_label("Class"), "the class picker")  # Year 1 Oak is first
    tab_until(page, page.get_by_label("Lesson"), "the lesson picker")  # the introduction is first
    chosen = page.get_by_label("Lesson").evaluate("el => el.options[el.selectedIndex].text")
    assert squash(chosen) == squash(lesson.title)
    tab_until(page, page.get_by_label("Teacher"), "the teacher picker")
    page.keyboard.type("Ms")  # a list box selects the option whose text is typed
    # The confirmation comes from the kernel: once shown, the choice has arrived there.
    expect(page.get_by_text(f"Taught by: {teacher.name}")).to_be_visible()
    press_on(page, page.get_by_role("button", name="Start the lesson"), "Start")
    expect(page.get_by_role("heading", name=lesson.story.title)).to_be_visible()
    next_page(page)
    for activity in lesson.activities:
        expect(page.locator("h1")).to_have_text(lesson.title)
        if isinstance(activity, CardSort):
            rows = page.locator(".widget-toggle-buttons")
            labels = {b.id: b.label for b in activity.bins}
            for n, card in enumerate(activity.cards):
                press_on(
                    page,
                    rows.nth(n).get_by_role("button", name=labels[card.bin], exact=True),
                    card.id,
                    "Space",
                )
            expect(page.get_by_text("Yes, that's right!")).to_have_count(len(activity.cards))
        elif isinstance(activity, RealOrFake):
            rows = page.locator(".widget-toggle-buttons")
            for n, item in enumerate(activity.items):
                label = "Real" if item.real else "Fake"
                press_on(
                    page,
                    rows.nth(n).get_by_role("button", name=label, exact=True),
                    item.id,
                    "Space",
                )
        elif isinstance(activity, Vote):
            for n, option in enumerate(activity.options):
                box = page.get_by_label(squash(option.text), exact=True)
                tab_until(page, box, option.id)
                page.keyboard.press("Control+A")
                page.keyboard.type(str(7 + n))
                page.keyboard.press("Tab")  # the count reaches the kernel when the field is left
            # The running total comes from the kernel: once it is right, every count has arrived.
            votes = sum(7 + n for n in range(len(activity.options)))
            expect(page.get_by_text(f"Votes entered: {votes}")).to_be_visible()
            press_on(page, page.get_by_role("button", name="Show the answer"), "Show the answer")
            expect(page.get_by_text("This is the best answer.")).to_be_visible()
        else:
            safe = next(o for o in activity.options if o.safe)
            press_on(page, page.get_by_role("button", name=squash(safe.text), exact=True), safe.id)
            expect(page.get_by_text("Yes, that's right!")).to_be_visible()
        next_page(page)
    expect(page.get_by_role("heading", name="Let's talk")).to_be_visible()
    next_page(page)
    save = page.get_by_role("button", name="Save this lesson")
    expect(save).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved:")).to_be_visible()
    (delivery,) = store.deliveries(oak.id)
    assert (delivery.lesson_id, delivery.teacher_id) == (LESSON, teacher.id)
    recorded = {a for a, _, _ in delivery.tallies}
    assert recorded == {a.id for a in lesson.activities}
    vote = next(a for a in lesson.activities if isinstance(a, Vote))
    assert sorted(n for a, _, n in delivery.tallies if a == vote.id) == [
        7 + n for n in range(len(vote.options))
    ]


def test_axe_finds_nothing_serious_on_the_classroom_pages(page, server, school, catalogue):
    """Are the setup, story, activity and end pages free of serious or critical axe findings?"""
    open_classroom(page, server)
    serious = axe_findings(page, "setup")
    page.get_by_label("Teacher").select_option(index=1)
    expect(page.get_by_text("Taught by:")).to_be_visible()
    page.get_by_role("button", name="Start the lesson").click()
    serious += axe_findings(page, "story")
    lesson = catalogue.lessons[LESSON]
    for n in range(len(lesson.activities)):
        page.get_by_role("button", name="Next", exact=True).click()
        expect(page.get_by_text(f"Page {n + 2} of")).to_be_visible()
        serious += axe_findings(page, f"activity {n + 1}")
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("button", name="Save this lesson")).to_be_visible()
    serious += axe_findings(page, "end")
    assert serious == [], "\n".join(serious)


def begin(page: Page, server, school) -> None:
    """Open the page and start the lesson for the first class, with the mouse."""
    open_classroom(page, server)
    page.get_by_label("Teacher").select_option(index=1)
    expect(page.get_by_text("Taught by:")).to_be_visible()
    page.get_by_role("button", name="Start the lesson").click()


def click_next_to(page: Page, heading: str) -> None:
    """Click Next until the page with this heading shows."""
    for _ in range(10):
        if page.get_by_role("heading", name=heading).count():
            return
        shown = page.locator("h1 + p").text_content()
        page.get_by_role("button", name="Next", exact=True).click()
        expect(page.locator("h1 + p")).not_to_have_text(shown)
    pytest.fail(f"Next never reached {heading!r}")


def new_deliveries(store: Store, before: set[int]):
    return [d for d in store.deliveries() if d.id not in before]


def test_vote_counts_typed_then_next_are_saved(page, server, school, catalogue):
    """Counts typed in each box, then Next with the mouse, no "Show the answer": are they on the
    end page and in the delivery saved?"""
    store, _, _ = school
    vote = next(a for a in catalogue.lessons[LESSON].activities if isinstance(a, Vote))
    before = {d.id for d in store.deliveries()}
    begin(page, server, school)
    click_next_to(page, vote.question)
    typed = {option.id: 11 + n for n, option in enumerate(vote.options)}
    for option in vote.options:
        page.get_by_label(squash(option.text), exact=True).fill(str(typed[option.id]))
    page.get_by_role("button", name="Next", exact=True).click()
    click_next_to(page, f"Well done, {school[1].name}!")
    for option in vote.options:
        expect(page.get_by_text(f"{squash(option.text)} {typed[option.id]}")).to_be_visible()
    page.get_by_role("button", name="Save this lesson").click()
    expect(page.get_by_text("Saved:")).to_be_visible()
    (delivery,) = new_deliveries(store, before)
    assert {(o, n) for a, o, n in delivery.tallies if a == vote.id} == set(typed.items())


def test_saving_again_after_back_updates_the_one_delivery(page, server, school):
    """Save, Back, Next: does the button offer to save the changes, and saving again (twice,
    by a double-click) leave one delivery of the lesson?"""
    store, oak, _ = school
    before = {d.id for d in store.deliveries()}
    begin(page, server, school)
    click_next_to(page, f"Well done, {oak.name}!")
    page.get_by_role("button", name="Save this lesson").click()
    expect(page.get_by_text("Saved:")).to_be_visible()
    page.get_by_role("button", name="Back", exact=True).click()
    page.get_by_role("button", name="Next", exact=True).click()
    again = page.get_by_role("button", name="Save the changes")
    expect(again).to_be_enabled()
    again.dblclick()
    expect(page.get_by_text("Saved:")).to_be_visible()
    expect(again).to_be_disabled()
    assert len(new_deliveries(store, before)) == 1

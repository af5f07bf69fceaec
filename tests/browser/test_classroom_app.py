"""The classroom app on the whiteboard, driven in Chromium (by keyboard alone where it says so)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.keys import axe_findings, button, squash, tab_until
from tests.browser.test_sign_out import holding, kernel_socket, read_widget_states
from tests.browser.test_staff_app import sign_in_with_mouse
from toolkit.content import CardSort, RealOrFake, Vote
from toolkit.store import NewLearner, Store

pytestmark = pytest.mark.browser

RENDER_TIMEOUT_MS = 60_000
LESSON = "intro-5-7"


@pytest.fixture(scope="module")
def school(server):
    store = Store(server.db_url)
    oak = store.add_class("Year 1 Oak", "5-7")
    ((teacher, code),) = store.add_learners(
        [NewLearner("Ms <b>Ada</b> Park", "ada.park@school.example", "teacher", date.today())]
    )
    return store, oak, teacher, code


def open_classroom(page: Page, server) -> None:
    page.goto(server.url + "voila/render/classroom.ipynb", timeout=RENDER_TIMEOUT_MS)
    expect(button(page, "Sign in")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)


def signed_in_with_mouse(page: Page, email: str, code: str) -> None:
    """Sign in on the classroom page; wait for the class to choose."""
    sign_in_with_mouse(page, email, code)
    expect(button(page, "Start the lesson")).to_be_enabled()


def press_on(page: Page, target, what: str, key: str = "Enter") -> None:
    tab_until(page, target, what)
    page.keyboard.press(key)


def next_page(page: Page, keyboard: bool = True) -> None:
    """Press Next (by keyboard, or with the mouse) and wait until the next page shows and has
    moved the focus to its main button, so no later key or click lands on the page before."""
    shown = page.locator("h1 + p").text_content()
    next_button = page.get_by_role("button", name="Next", exact=True)
    if keyboard:
        press_on(page, next_button, "Next")
    else:
        next_button.click()
    expect(page.locator("h1 + p")).not_to_have_text(shown)
    expect(page.locator(":focus")).to_have_class(re.compile(r"\besafety-primary\b"))


def begin(page: Page, server, school) -> None:
    """Open the page, sign in and start the lesson for the first class, with the mouse."""
    _, _, teacher, code = school
    open_classroom(page, server)
    signed_in_with_mouse(page, teacher.email, code)
    page.get_by_role("button", name="Start the lesson").click()
    # The lesson's first page, before anything else is pressed: a Next pressed while the
    # setup page still shows would be taken by the page after, and the lesson run on ahead.
    expect(page.get_by_text("Page 1 of", exact=False)).to_be_visible()


def click_next_to(page: Page, heading: str) -> None:
    """Click Next until the page with this heading shows."""
    for _ in range(10):
        if page.get_by_role("heading", name=heading).count():
            return
        next_page(page, keyboard=False)
    pytest.fail(f"Next never reached {heading!r}")


def new_deliveries(store: Store, before: set[int]):
    return [d for d in store.deliveries() if d.id not in before]


def test_a_lesson_runs_by_keyboard_and_its_delivery_is_recorded(page, server, school, catalogue):
    """Keyboard only: sign in, choose class and lesson, run every page, save; is it recorded
    as the teacher's?"""
    store, oak, teacher, code = school
    before = {d.id for d in store.deliveries()}
    lesson = catalogue.lessons[LESSON]
    open_classroom(page, server)
    tab_until(page, page.get_by_label("Email", exact=True), "the email field")
    page.keyboard.type(teacher.email)
    tab_until(page, page.get_by_label("Access code", exact=True), "the access code field")
    page.keyboard.type(code)
    press_on(page, button(page, "Sign in"), "Sign in")
    # The name comes from the kernel, as text: the markup in it is not run.
    expect(page.get_by_text(f"Signed in as {teacher.name}")).to_be_visible()
    tab_until(page, page.get_by_label("Class"), "the class picker")  # Year 1 Oak is first
    tab_until(page, page.get_by_label("Lesson"), "the lesson picker")  # the introduction is first
    chosen = page.get_by_label("Lesson").evaluate("el => el.options[el.selectedIndex].text")
    assert squash(chosen) == squash(lesson.title)
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
                # Each verdict comes from the kernel: one round trip at a time.
                expect(page.get_by_text("Yes, that's right!")).to_have_count(n + 1)
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
    (delivery,) = new_deliveries(store, before)
    assert (delivery.lesson_id, delivery.teacher_id) == (LESSON, teacher.id)
    recorded = {a for a, _, _ in delivery.tallies}
    assert recorded == {a.id for a in lesson.activities}
    vote = next(a for a in lesson.activities if isinstance(a, Vote))
    assert sorted(n for a, _, n in delivery.tallies if a == vote.id) == [
        7 + n for n in range(len(vote.options))
    ]


def test_axe_finds_nothing_serious_on_the_classroom_pages(page, server, school, catalogue):
    """Are the sign-in, setup, story, activity and end pages free of serious or critical axe
    findings?"""
    _, oak, teacher, code = school
    open_classroom(page, server)
    serious = axe_findings(page, "sign-in")
    signed_in_with_mouse(page, teacher.email, code)
    serious += axe_findings(page, "setup")
    page.get_by_role("button", name="Start the lesson").click()
    lesson = catalogue.lessons[LESSON]
    expect(page.get_by_role("heading", name=lesson.story.title)).to_be_visible()
    serious += axe_findings(page, "story")
    for n in range(len(lesson.activities)):
        page.get_by_role("button", name="Next", exact=True).click()
        expect(page.get_by_text(f"Page {n + 2} of")).to_be_visible()
        serious += axe_findings(page, f"activity {n + 1}")
    click_next_to(page, f"Well done, {oak.name}!")
    serious += axe_findings(page, "end")
    page.get_by_role("button", name="Save this lesson").click()
    expect(button(page, "Sign out")).to_be_visible()
    serious += axe_findings(page, "saved")
    assert serious == [], "\n".join(serious)


def test_vote_counts_typed_then_next_are_saved(page, server, school, catalogue):
    """Counts typed in each box, then Next with the mouse, no "Show the answer": are they on the
    end page and in the delivery saved?"""
    store = school[0]
    vote = next(a for a in catalogue.lessons[LESSON].activities if isinstance(a, Vote))
    before = {d.id for d in store.deliveries()}
    begin(page, server, school)
    click_next_to(page, vote.question)
    typed = {option.id: 11 + n for n, option in enumerate(vote.options)}
    for option in vote.options:
        page.get_by_label(squash(option.text), exact=True).fill(str(typed[option.id]))
    page.keyboard.press("Tab")  # the last count is sent as its box is left
    # The running total comes from the kernel: once it is right, every count has arrived.
    expect(page.get_by_text(f"Votes entered: {sum(typed.values())}")).to_be_visible()
    next_page(page, keyboard=False)
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
    store, oak = school[:2]
    before = {d.id for d in store.deliveries()}
    begin(page, server, school)
    click_next_to(page, f"Well done, {oak.name}!")
    page.get_by_role("button", name="Save this lesson").click()
    expect(page.get_by_text("Saved:")).to_be_visible()
    page.get_by_role("button", name="Back", exact=True).click()
    expect(page.get_by_role("heading", name=f"Well done, {oak.name}!")).to_have_count(0)
    next_page(page, keyboard=False)
    again = page.get_by_role("button", name="Save the changes")
    expect(again).to_be_enabled()
    again.dblclick()
    expect(page.get_by_text("Saved:")).to_be_visible()
    expect(again).to_be_disabled()
    assert len(new_deliveries(store, before)) == 1


def test_the_page_names_no_staff_and_signing_out_leaves_nothing(page, server, school):
    """Before sign-in, does the page show no staff name; does a wrong code say what to do; is
    the lesson saved as the teacher who signed in; and after sign-out, does the kernel hold
    nothing of them?"""
    store = school[0]
    teacher_id, email, code = server.learner("pat.quill", "Pat Quill")
    secrets = ["Pat Quill", email, code]
    before = {d.id for d in store.deliveries()}
    page.goto(server.url + "voila/render/classroom.ipynb", timeout=RENDER_TIMEOUT_MS)
    expect(page.locator("h1", has_text="e-safety lessons")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    text = page.locator("body").inner_text()
    assert "Pat Quill" not in text and "Ada" not in text, "staff names are on the page"

    sign_in_with_mouse(page, email, "WRNG-CODE-0000")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("do not match")
    expect(alert).to_contain_text("to issue you a new one")
    page.get_by_label("Access code", exact=True).fill(code)
    button(page, "Sign in").click()
    expect(page.get_by_text("Signed in as Pat Quill")).to_be_visible()
    page.get_by_role("button", name="Start the lesson").click()
    expect(page.get_by_text("Page 1 of", exact=False)).to_be_visible()  # as in begin()
    click_next_to(page, f"Well done, {school[1].name}!")
    page.get_by_role("button", name="Save this lesson").click()
    expect(page.get_by_text("Saved:")).to_be_visible()
    (delivery,) = new_deliveries(store, before)
    assert delivery.teacher_id == teacher_id
    url = kernel_socket(page)

    button(page, "Sign out").click()
    expect(button(page, "Sign in")).to_be_enabled()
    expect(page.get_by_label("Email", exact=True)).to_have_value("")
    assert page.get_by_role("alert").count() == 0
    leaks = holding(read_widget_states(url), secrets)
    assert not leaks, "after sign-out the kernel still holds:\n" + "\n".join(leaks)
    for secret in secrets:
        assert secret not in page.content()

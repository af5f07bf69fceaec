"""A module quiz as a person meets it in Chromium: the result and its review, where the focus
goes, a reflection too short to send, a double press of Submit, and what marking writes to the
server's log."""

from __future__ import annotations

import random

import pytest
from playwright.sync_api import Page, expect

from tests.browser.keys import axe_findings, button, squash
from tests.browser.test_staff_app import open_sign_in, sign_in_with_mouse
from toolkit.engine import QuizRun
from toolkit.store import Store

pytestmark = pytest.mark.browser

SCHOOL = "barley-lane-primary"
MODULE = "contact"
MARKING_TIMEOUT_MS = 60_000  # nbgrader starts a kernel to mark the quiz
ALARMS = ("CRITICAL", "not trusted")
REFLECTION = "I would not reply. I would keep a screenshot and tell the DSL the same day."


def bank_of(catalogue):
    return catalogue.quizzes[MODULE].for_school(catalogue.profile(SCHOOL))


def saved_draw(server, catalogue, learner_id: int) -> QuizRun:
    """A draw with a multiple-answer question of two or more right options, saved as the
    learner's open attempt, so the page shows it (a page resumes an open attempt)."""
    bank = bank_of(catalogue)
    for seed in range(100):
        run = QuizRun.draw(bank, random.Random(seed))
        if any(len(d.question.correct_ids()) >= 2 for d in run.drawn):
            break
    store = Store(server.db_url)
    try:
        store.start_quiz(learner_id, MODULE, catalogue.quiz_version(MODULE, SCHOOL), run.spec())
    finally:
        store.close()
    return run


def open_quiz(page: Page, server, catalogue, key: str) -> tuple[int, QuizRun]:
    learner_id, email, code = server.learner(key)
    run = saved_draw(server, catalogue, learner_id)
    open_sign_in(page, server)
    sign_in_with_mouse(page, email, code)
    title = catalogue.modules[MODULE].title
    page.get_by_role("button", name=f"Take the quiz: {title}", exact=True).click()
    expect(button(page, "Submit my answers")).to_be_visible()
    return learner_id, run


def answer_on_screen(
    page: Page, run: QuizRun, partly: int | None = None, reflection: str = REFLECTION
) -> None:
    """Every question by the key, but slot `partly`: only its first right option; then the
    reflection."""
    for slot, drawn in enumerate(run.drawn, 1):
        wanted = drawn.question.correct_ids()
        if slot == partly:
            wanted = wanted[:1]
        box = page.locator(f".esafety-question-{slot}")
        role = "checkbox" if drawn.question.kind == "multiple" else "radio"
        for option_id in wanted:
            name = squash(drawn.question.option(option_id).text)
            box.get_by_role(role, name=name, exact=True).check()
    page.get_by_label("Reflection", exact=True).fill(reflection)


def log_since(server, mark: int) -> list[str]:
    return server.log_text()[mark:].splitlines()


def test_the_result_is_read_from_its_heading_and_says_what_was_partly_right(
    page, server, catalogue
):
    """After marking, is the focus on the result's heading, in view with the score; is a
    multiple-answer question with one of two right options "Partly right", saying how many
    were found and missed; does each chosen option stand apart from its feedback; and does
    marking leave no CRITICAL or "not trusted" line in the server's log?"""
    _, run = open_quiz(page, server, catalogue, "quiz.result")
    slot = next(i for i, d in enumerate(run.drawn, 1) if len(d.question.correct_ids()) >= 2)
    wanted = len(run.drawn[slot - 1].question.correct_ids())
    serious = axe_findings(page, "quiz questions")
    answer_on_screen(page, run, partly=slot)
    logged = len(server.log_text())
    button(page, "Submit my answers").click()

    title = f"{bank_of(catalogue).title}: your result"
    heading = page.locator(".esafety-title", has_text=title)
    expect(heading).to_be_visible(timeout=MARKING_TIMEOUT_MS)
    expect(heading).to_be_focused()
    expect(heading).to_be_in_viewport()
    expect(page.get_by_text("Your score is 80%.")).to_be_in_viewport()

    item = page.locator("ol.esafety-quiz-answers > li").nth(slot - 1)
    verdict = squash(item.locator(".esafety-quiz-verdict").inner_text())
    assert (
        verdict
        == f"Partly right. You found 1 of the {wanted} right answers and missed {wanted - 1}."
    )
    assert "(a right answer)" in squash(item.inner_text())
    for drawn_item in page.locator("ul.esafety-quiz-chosen > li").all():
        option = drawn_item.locator(".esafety-quiz-option").bounding_box()
        feedback = drawn_item.locator(".esafety-quiz-feedback").bounding_box()
        assert feedback["y"] >= option["y"] + option["height"], "feedback runs on from the option"
    serious += axe_findings(page, "quiz result")
    assert not serious, "serious or critical accessibility findings:\n" + "\n".join(serious)
    alarms = [line for line in log_since(server, logged) if any(a in line for a in ALARMS)]
    assert not alarms, "marking a quiz logged:\n" + "\n".join(alarms)


def test_a_double_press_of_submit_marks_once_and_shows_no_alert(page, server, catalogue):
    """Does a double click of Submit record the quiz once, with no error on the page?"""
    learner_id, run = open_quiz(page, server, catalogue, "quiz.double")
    answer_on_screen(page, run)
    button(page, "Submit my answers").dblclick()
    expect(page.get_by_text("Your score is 100%. You passed.")).to_be_visible(
        timeout=MARKING_TIMEOUT_MS
    )
    # A second marking, had the second press started one, ends in about two seconds: give it
    # time to show its failure before looking for one.
    page.wait_for_timeout(6_000)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert page.dialogs == []
    store = Store(server.db_url)
    try:
        attempts = store.quiz_attempts_for(learner_id)
        progress = store.quiz_progress(learner_id, [MODULE])[MODULE]
        answers = store.quiz_answers_for(attempts[0]["id"])
    finally:
        store.close()
    assert len(attempts) == 1 and attempts[0]["submitted_at"] is not None
    assert progress.attempts == 1 and len(answers) == len(run.drawn)


def test_a_one_word_reflection_is_refused_then_the_review_teaches(page, server, catalogue):
    """Is a one-word reflection refused with a prompt, the focus in the reflection and every
    answer still ticked; once written, is the review read from its heading, a section per
    question with the right answers and the school's own clauses, the reflection shown as the
    words typed, and no serious accessibility finding?"""
    _, run = open_quiz(page, server, catalogue, "quiz.review")
    answer_on_screen(page, run, reflection="Fine.")
    button(page, "Submit my answers").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Please write a little more in your reflection")
    expect(alert).to_contain_text("two or three sentences in your own words")
    reflection = page.get_by_label("Reflection", exact=True)
    expect(reflection).to_be_focused()
    expect(reflection).to_have_value("Fine.")
    expect(page.get_by_text("Marking your answers")).to_have_count(0)
    for slot, drawn in enumerate(run.drawn, 1):
        role = "checkbox" if drawn.question.kind == "multiple" else "radio"
        box = page.locator(f".esafety-question-{slot}")
        for option_id in drawn.question.correct_ids():
            name = squash(drawn.question.option(option_id).text)
            expect(box.get_by_role(role, name=name, exact=True)).to_be_checked()

    hostile = '<img src=x onerror="document.title=1"> I would tell the DSL.'
    reflection.fill(hostile)
    button(page, "Submit my answers").click()
    heading = page.locator(".esafety-title", has_text=f"{bank_of(catalogue).title}: your result")
    expect(heading).to_be_focused(timeout=MARKING_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Review your answers", level=2)).to_be_visible()
    items = page.locator("ol.esafety-quiz-answers > li")
    expect(items).to_have_count(len(run.drawn))
    profile = catalogue.profile(SCHOOL)
    for slot, drawn in enumerate(run.drawn, 1):
        item = items.nth(slot - 1)
        expect(item.get_by_role("heading", name=f"Question {slot}", level=3)).to_be_visible()
        expect(item.locator(".esafety-quiz-verdict")).to_have_text("Right.")
        key = item.locator("ul.esafety-quiz-key > li")
        expect(key).to_have_count(len(drawn.question.correct_ids()))
        expect(
            item.get_by_role("heading", name="What your school's policy says", level=4)
        ).to_be_visible()
        own = [c.split("#", 1)[1] for c in drawn.question.cites]  # the school's, as drawn
        quoted = [squash(q) for q in item.locator("blockquote.esafety-clause").all_inner_texts()]
        assert quoted == [squash(profile.clause(c).quoted) for c in own]
        guidance = item.locator("blockquote.esafety-guidance").all_inner_texts()
        assert len(guidance) == len(drawn.question.guidance)
        assert quoted or (SCHOOL in drawn.question.silent and guidance)  # never nothing
    expect(page.get_by_text(hostile, exact=True)).to_be_visible()
    expect(page.locator("img[src=x]")).to_have_count(0)
    assert page.title() != "1"
    serious = axe_findings(page, "quiz review")
    assert not serious, "serious or critical accessibility findings:\n" + "\n".join(serious)

"""The quiz page in the staff app, driven in plain Python against a real nbgrader course."""

from __future__ import annotations

import functools
import random
import threading
from datetime import date

import ipywidgets as w
import pytest
from bs4 import BeautifulSoup

from tests.apps.test_staff import click
from tests.conftest import SCHOOL
from toolkit import grading
from toolkit.apps.staff import StaffApp
from toolkit.store import NewLearner

MODULE = "contact"


@pytest.fixture
def app(store, catalogue, course, learner_and_code, school):
    grader = functools.partial(grading.grade, course)
    app = StaffApp(
        store,
        school,
        grader=grader,
        today=lambda: date(2026, 9, 5),
        rng=random.Random(4),
    )
    learner, code = learner_and_code
    app.email.value, app.code.value = learner.email, code
    app.sign_in_button.click()
    return app


def answer(page, right: bool) -> None:
    """Fill in every question, by the key or against it."""
    for slot, (drawn, widget) in enumerate(zip(page.run.drawn, page.inputs, strict=True), 1):
        key = set(drawn.question.correct_ids())
        wanted = key if right else {next(o.id for o in drawn.question.options if o.id not in key)}
        if isinstance(widget, w.VBox):
            for option, box in zip(drawn.options, widget.children, strict=True):
                box.value = option.id in wanted
        else:
            widget.value = next(iter(wanted))
        assert sorted(page.chosen(slot)) == sorted(wanted)


def submit_and_wait(page) -> None:
    page.submit_button.click()
    assert page.worker is not None
    page.worker.join(120)


def next_person_signs_in(app, store) -> None:
    """The first person signs out and someone else sits down at the same PC and signs in."""
    click(app, "Back to my modules")
    click(app, "Sign out")
    ((_, code),) = store.add_learners(
        [NewLearner("Ali Next", "ali.next@school.example", "teacher", date(2026, 9, 1))]
    )
    app.email.value, app.code.value = "ali.next@school.example", code
    app.sign_in_button.click()
    assert "Your training, Ali Next" in app.body.children[0].value


def module_heading(app, catalogue) -> str:
    title = catalogue.modules[MODULE].title
    return next(
        c.value for c in app.body.children if f"<h2>{title}</h2>" in getattr(c, "value", "")
    )


def test_failing_retrying_and_passing_completes_the_module(app, store, catalogue, learner_and_code):
    """Fail, retry with a fresh draw, pass: is the module then complete in the store and the page?"""
    learner, _ = learner_and_code
    for scenario in catalogue.scenarios_in(MODULE):
        attempt = store.start_attempt(
            learner.id, scenario.id, catalogue.version(scenario.id, SCHOOL)
        )
        store.complete_attempt(attempt, 100)
    app.show_modules()
    assert "Quiz: not taken yet" in module_heading(app, catalogue)
    app.quiz_buttons[MODULE].click()
    first = app.quiz
    answer(first, right=False)
    submit_and_wait(first)
    assert "Your score is 0%" in first.result.value and "not passed yet" in first.result.value
    assert "Not right" in first.result.value
    first.retry_button.click()
    second = app.quiz
    assert second is not first and second.attempt_id != first.attempt_id
    assert second.run.spec() != first.run.spec()
    answer(second, right=True)
    submit_and_wait(second)
    assert "Your score is 100%. You passed." in second.result.value
    app.back_button().click()
    heading = module_heading(app, catalogue)
    assert "Status: Complete" in heading and "Quiz: passed (100%)" in heading
    progress = store.quiz_progress(learner.id, [MODULE])[MODULE]
    assert (progress.status, progress.best_score, progress.attempts) == ("passed", 100, 2)


def test_feedback_never_shows_the_right_options(app, store):
    """Does a failed result show the chosen options' feedback but not which options were right?"""
    app.quiz_buttons[MODULE].click()
    page = app.quiz
    answer(page, right=False)
    submit_and_wait(page)
    for drawn in page.run.drawn:
        for option in drawn.question.options:
            if option.correct:
                assert option.feedback not in page.result.value


def test_every_question_needs_an_answer(app):
    """Does submitting with a gap ask for the missing answers instead of marking?"""
    app.quiz_buttons[MODULE].click()
    page = app.quiz
    page.submit_button.click()
    assert "Please answer every question first" in app.alert.value and page.worker is None


def test_a_reload_keeps_the_same_questions(app, store, catalogue, course, learner_and_code, school):
    """Does opening the quiz again before submitting show the same draw, not a fresh one?"""
    app.quiz_buttons[MODULE].click()
    spec = app.quiz.run.spec()
    again = StaffApp(store, school, grader=functools.partial(grading.grade, course))
    again.email.value, again.code.value = learner_and_code[0].email, learner_and_code[1]
    again.sign_in_button.click()
    again.quiz_buttons[MODULE].click()
    assert again.quiz.run.spec() == spec


def hold_marking(app) -> threading.Event:
    """Make the app's marking wait until the returned event is set."""
    release, real = threading.Event(), app.grader

    def slow(*args, **kwargs):
        release.wait(30)
        return real(*args, **kwargs)

    app.grader = slow
    return release


def test_the_learner_sees_progress_while_marking(app):
    """While nbgrader marks, is there a progress message and a disabled button, not a frozen page?"""
    release = hold_marking(app)
    app.quiz_buttons[MODULE].click()
    page = app.quiz
    answer(page, right=True)
    page.submit_button.click()
    assert "Marking your answers" in page.progress.value and page.submit_button.disabled
    release.set()
    page.worker.join(120)
    assert "You passed" in page.result.value


def test_a_grading_failure_is_shown_and_the_answers_kept(app, caplog):
    """If marking fails, does the page say so and let the learner submit again?"""

    def broken(*args, **kwargs):
        raise grading.GradingError("nbgrader is unwell")

    real, app.grader = app.grader, broken
    app.quiz_buttons[MODULE].click()
    page = app.quiz
    answer(page, right=True)
    submit_and_wait(page)
    assert "Sorry, something went wrong" in app.alert.value
    assert not page.submit_button.disabled and page.progress.value == ""
    page.ctx.grader = real
    submit_and_wait(page)
    assert "You passed" in page.result.value


def test_the_last_persons_quiz_cannot_be_submitted_after_sign_out(app, store, learner_and_code):
    """On a shared PC, does a quiz page kept from before sign-out do nothing when submitted?"""
    app.quiz_buttons[MODULE].click()
    page = app.quiz
    answer(page, right=True)
    next_person_signs_in(app, store)
    shown = app.body.children
    page.submit_button.click()
    assert page.worker is None and app.alert.value == "" and app.body.children == shown
    progress = store.quiz_progress(learner_and_code[0].id, [MODULE])[MODULE]
    assert progress.status == "not taken"


def test_a_quiz_marked_after_sign_out_is_saved_but_not_shown(app, store, learner_and_code):
    """If the learner signs out while their quiz is marked, is the result saved for them and
    kept from the next person's page?"""
    release = hold_marking(app)
    app.quiz_buttons[MODULE].click()
    page = app.quiz
    answer(page, right=True)
    page.submit_button.click()
    next_person_signs_in(app, store)
    shown = app.body.children
    release.set()
    page.worker.join(120)
    assert app.body.children == shown and app.alert.value == ""
    result = getattr(page, "result", None)
    assert result is None or result.comm is None  # if made at all, closed at once
    progress = store.quiz_progress(learner_and_code[0].id, [MODULE])[MODULE]
    assert (progress.status, progress.attempts) == ("passed", 1)


def test_a_learner_erased_while_the_quiz_is_open_cannot_submit_it(
    app, store, course, learner_and_code
):
    """If someone is erased while their quiz page is open and then submits, does the page say
    so plainly, with no notebook written and no gradebook student made again?"""
    from nbgrader.api import Gradebook, MissingEntry

    learner, _ = learner_and_code
    app.quiz_buttons[MODULE].click()
    page = app.quiz
    answer(page, right=True)
    page.reflection.value = "Words that must not be kept."
    store.erase_learner(learner.email)  # as `esafety learner erase` does
    grading.erase_student(course, learner.id)
    submit_and_wait(page)
    shown = " ".join(getattr(c, "value", "") for c in app.body.children)
    assert "Your answers were not sent" in shown and "were not kept" in shown
    assert "Sorry, something went wrong" not in app.alert.value
    student = grading.student_id(learner.id)
    assert not any((course / stage / student).exists() for stage in ("submitted", "autograded"))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=grading.COURSE_ID) as book:
        with pytest.raises(MissingEntry):
            book.find_student(student)


def test_a_second_press_of_submit_does_nothing(app, store, learner_and_code):
    """Does a second press of Submit while the first is marked start no second marking and
    show no alert, with the quiz recorded once?"""
    release = hold_marking(app)
    app.quiz_buttons[MODULE].click()
    page = app.quiz
    answer(page, right=True)
    page.submit_button.click()
    first = page.worker
    page.submit_button.click()  # reached the kernel before the button was disabled on screen
    assert page.worker is first and app.alert.value == ""
    release.set()
    first.join(120)
    assert "You passed" in page.result.value and app.alert.value == ""
    progress = store.quiz_progress(learner_and_code[0].id, [MODULE])[MODULE]
    assert progress.attempts == 1


def test_a_multiple_answer_question_half_right_says_which_parts(app, catalogue):
    """With one of the right options of a multiple-answer question chosen, is it "Partly
    right", saying how many right answers were found and missed, and is each chosen option
    marked right, without naming the missed ones?"""
    app.quiz_buttons[MODULE].click()
    page = app.quiz
    answer(page, right=True)
    slot, drawn = next(
        (s, d) for s, d in enumerate(page.run.drawn, 1) if len(d.question.correct_ids()) >= 2
    )
    key = drawn.question.correct_ids()
    for option, box in zip(drawn.options, page.inputs[slot - 1].children, strict=True):
        box.value = option.id == key[0]
    submit_and_wait(page)
    items = BeautifulSoup(page.result.value, "html.parser").select("ol > li")
    item = " ".join(items[slot - 1].get_text(" ").split())
    assert item.startswith("Partly right.")
    assert f"You found 1 of the {len(key)} right answers and missed {len(key) - 1}." in item
    assert "(a right answer)" in item
    for missed in key[1:]:
        assert " ".join(drawn.question.option(missed).text.split()) not in item

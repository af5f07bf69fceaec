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
from toolkit.content import load_catalogue
from toolkit.school.school import School
from toolkit.settings import PROJECT_ROOT
from toolkit.store import NewLearner

MODULE = "contact"
REFLECTION = "I would not reply. I would keep a screenshot and tell the DSL the same day."


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
    """Fill in every question, by the key or against it, and write a reflection."""
    for slot, (drawn, widget) in enumerate(zip(page.run.drawn, page.inputs, strict=True), 1):
        key = set(drawn.question.correct_ids())
        wanted = key if right else {next(o.id for o in drawn.question.options if o.id not in key)}
        if isinstance(widget, w.VBox):
            for option, box in zip(drawn.options, widget.children, strict=True):
                box.value = option.id in wanted
        else:
            widget.value = next(iter(wanted))
        assert sorted(page.chosen(slot)) == sorted(wanted)
    page.reflection.value = REFLECTION


def squash(text: str) -> str:
    return " ".join(text.split())


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


def items_of(page) -> list[BeautifulSoup]:
    """The review's questions, in the order they were shown."""
    return BeautifulSoup(page.result.value, "html.parser").select("ol.esafety-quiz-answers > li")


def test_the_review_names_the_right_answers_and_quotes_the_schools_policy(app, school):
    """After a failed attempt, does every question's review say "Not right.", give the choice
    with its feedback, name each right answer with why, and quote the school's own clauses?"""
    app.quiz_buttons[MODULE].click()
    page = app.quiz
    answer(page, right=False)
    submit_and_wait(page)
    items = items_of(page)
    assert len(items) == len(page.run.drawn)
    for item, drawn in zip(items, page.run.drawn, strict=True):
        text = squash(item.get_text(" "))
        assert squash(item.select_one(".esafety-quiz-verdict").get_text()).startswith("Not right.")
        assert squash(drawn.question.text) in text
        for option in drawn.question.options:
            if option.correct:
                assert squash(f"{option.text} (you missed this) {option.feedback}") in text
        quoted = [squash(b.get_text()) for b in item.select("blockquote.esafety-clause")]
        assert quoted == [squash(c.quoted) for c in school.clauses(drawn.question.cites)]
        guidance = [squash(b.get_text()) for b in item.select("blockquote.esafety-guidance")]
        assert len(guidance) == len(drawn.question.guidance)
        assert quoted or (school.id in drawn.question.silent and guidance)  # never nothing
    heading = page.title
    assert app.body.children[0] is heading and heading.value.endswith(": your result")


def test_a_hostile_reflection_is_reviewed_as_text(app):
    """Is a reflection full of markup sent, and shown back in the review, as the words typed?"""
    app.quiz_buttons[MODULE].click()
    page = app.quiz
    answer(page, right=True)
    page.reflection.value = (
        '<script>alert("x")</script> <img src=x onerror=alert(1)> I tell the DSL.'
    )
    submit_and_wait(page)
    html = page.result.value
    assert "<script>" not in html and "<img" not in html
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;" in html
    )


def test_a_school_with_no_clause_for_the_quiz_says_its_policy_is_silent(
    store, course, learner_and_code, tmp_path
):
    """For a school added with its own profile, whose policy no question cites yet, does each
    question's review say the policy is silent, quote no clause, and name no other school's?"""
    shipped = (PROJECT_ROOT / "policies" / f"{SCHOOL}.yaml").read_text(encoding="utf-8")
    added = tmp_path / "hill-top-primary.yaml"
    added.write_text(shipped.replace(f'id: "{SCHOOL}"', 'id: "hill-top-primary"'), "utf-8")
    school = School.resolve(load_catalogue(PROJECT_ROOT, [added]), "hill-top-primary")
    app = StaffApp(
        store, school, grader=functools.partial(grading.grade, course), rng=random.Random(4)
    )
    learner, code = learner_and_code
    app.email.value, app.code.value = learner.email, code
    app.sign_in_button.click()
    app.quiz_buttons[MODULE].click()
    page = app.quiz
    answer(page, right=True)
    submit_and_wait(page)
    assert "You passed" in page.result.value
    for item in items_of(page):
        assert item.select("blockquote.esafety-clause") == [] and "(clause " not in item.get_text()
        (silent,) = item.select(".esafety-policy-silent")
        assert "says nothing about this" in silent.get_text()


@pytest.mark.parametrize("written", ["", "   \n\t  ", "Fine.", "  ok  "])
def test_a_blank_or_one_word_reflection_is_refused_and_nothing_is_lost(app, store, written):
    """Is a blank, white-space or one-word reflection refused before marking with a prompt that
    says what a useful one holds, every answer and the words typed kept, and then accepted once
    a real reflection is written?"""
    learner = app.learner
    app.quiz_buttons[MODULE].click()
    page = app.quiz
    answer(page, right=True)
    chosen = [page.chosen(slot) for slot in range(1, len(page.run.drawn) + 1)]
    page.reflection.value = written
    shown = app.body.children
    page.submit_button.click()
    assert "Please write a little more in your reflection" in app.alert.value
    assert "two or three sentences in your own words" in app.alert.value
    assert "Please answer every question" not in app.alert.value
    assert page.worker is None and not page.sent and not page.submit_button.disabled
    assert app.body.children == shown and page.reflection.value == written
    assert [page.chosen(slot) for slot in range(1, len(page.run.drawn) + 1)] == chosen
    assert store.quiz_progress(learner.id, [MODULE])[MODULE].status == "not taken"
    page.reflection.value = REFLECTION
    submit_and_wait(page)
    assert "You passed" in page.result.value and REFLECTION in page.result.value


def test_gaps_and_a_short_reflection_are_asked_for_at_once(app):
    """With a question unanswered and no reflection, does one message ask for both?"""
    app.quiz_buttons[MODULE].click()
    page = app.quiz
    page.submit_button.click()
    assert "Please answer every question first" in app.alert.value
    assert "Please write a little more in your reflection" in app.alert.value
    assert page.worker is None


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
    right", saying how many right answers were found and missed, the chosen option marked
    right and each missed one named as missed?"""
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
    item = items_of(page)[slot - 1]
    verdict = squash(item.select_one(".esafety-quiz-verdict").get_text())
    assert verdict == (
        f"Partly right. You found 1 of the {len(key)} right answers and missed {len(key) - 1}."
    )
    first = drawn.question.option(key[0])
    chosen = [squash(li.get_text(" ")) for li in item.select("ul.esafety-quiz-chosen > li")]
    assert chosen == [squash(f"{first.text} (a right answer) {first.feedback}")]
    text = squash(item.get_text(" "))
    for missed in key[1:]:
        assert squash(f"{drawn.question.option(missed).text} (you missed this)") in text

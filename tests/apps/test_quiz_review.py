"""The review after marking, built from a drawn question and rendered as the page shows it."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.conftest import SCHOOLS
from toolkit.apps.quiz_review import review
from toolkit.content import QuizQuestion
from toolkit.engine import DrawnQuestion, QuizRun
from toolkit.html import render
from toolkit.school.school import School

MODULE = "contact"
OTHER = "bury-ce-primary"
REFLECTION = "I would not reply. I would take a screenshot and tell the DSL the same day."


def squash(text: str) -> str:
    return " ".join(text.split())


def reviewed(school: School, question: QuizQuestion, chosen: list[str], right: bool):
    """The review of a one-question attempt, the options in the bank's order, and its page."""
    run = QuizRun(
        school.quiz(MODULE), [DrawnQuestion(question, tuple(o.id for o in question.options))]
    )
    run.answer(1, chosen)
    (item,) = review(run, [right], school)
    return item, page(school, [item])


def result_html(school: School, items: list, reflection: str = REFLECTION) -> str:
    return render(
        "apps/quiz_result.html.j2",
        score=0,
        verdict="",
        items=items,
        policy=school.profile.policy.title,
        dsl=school.dsl,
        reflection=reflection,
    )


def page(school: School, items: list, reflection: str = REFLECTION) -> BeautifulSoup:
    return BeautifulSoup(result_html(school, items, reflection), "html.parser")


def question_of(school: School, kind: str) -> QuizQuestion:
    """The first question of this kind in the bank as the school reads it."""
    return next(q for q in school.quiz(MODULE).questions if q.kind == kind)


def lines(soup: BeautifulSoup, selector: str) -> list[str]:
    return [squash(li.get_text(" ")) for li in soup.select(selector)]


def test_a_right_answer_is_reviewed_with_its_feedback_and_the_schools_clauses(school):
    """A right single answer: is it "Right.", the choice marked right with its feedback, the
    right answer named, and each of the school's own clauses quoted with its reference?"""
    question = question_of(school, "single")
    (key,) = question.correct_ids()
    item, soup = reviewed(school, question, [key], right=True)
    option = question.option(key)
    assert item.verdict == "Right." and soup.select_one("li h3").get_text() == "Question 1"
    assert squash(soup.select_one(".esafety-quiz-verdict").get_text()) == "Right."
    assert squash(question.text) in squash(soup.get_text(" "))
    (chosen,) = lines(soup, "ul.esafety-quiz-chosen > li")
    assert chosen == squash(f"{option.text} (a right answer) {option.feedback}")
    assert lines(soup, "ul.esafety-quiz-key > li") == [squash(f"{option.text} (you chose this)")]
    clauses = school.clauses(question.cites)
    assert clauses and [q.text for q in item.sources.policy] == [c.quoted for c in clauses]
    quoted = [squash(b.get_text()) for b in soup.select("blockquote.esafety-clause")]
    assert quoted == [squash(c.text) for c in clauses]
    text = squash(soup.get_text(" "))
    for clause in clauses:
        assert (
            f"{school.profile.policy.title}, section “{clause.section}” (clause {clause.id})"
            in text
        )


def test_a_wrong_answer_names_the_right_one_and_why(school):
    """A wrong single answer: is it "Not right.", with the choice marked not right beside its
    feedback, and the right answer named as missed, with its own feedback?"""
    question = question_of(school, "single")
    (key,) = question.correct_ids()
    wrong = next(o for o in question.options if not o.correct)
    item, soup = reviewed(school, question, [wrong.id], right=False)
    assert (
        item.verdict == "Not right." and "esafety-quiz-not-right" in soup.select_one("li")["class"]
    )
    (chosen,) = lines(soup, "ul.esafety-quiz-chosen > li")
    assert chosen == squash(f"{wrong.text} (not a right answer) {wrong.feedback}")
    right = question.option(key)
    assert lines(soup, "ul.esafety-quiz-key > li") == [
        squash(f"{right.text} (you missed this) {right.feedback}")
    ]
    assert (
        soup.select_one("ul.esafety-quiz-key").find_previous("h4").get_text() == "The right answer"
    )


def test_a_partly_right_multiple_answer_says_which_parts(school):
    """One right option and one wrong one chosen of a multiple-answer question: is it "Partly
    right.", with the right choice and the wrong one each marked, and every missed right option
    named as missed?"""
    question = question_of(school, "multiple")
    key = question.correct_ids()
    assert len(key) >= 2
    wrong = next(o for o in question.options if not o.correct)
    item, soup = reviewed(school, question, [key[0], wrong.id], right=False)
    assert (item.verdict, item.found, item.wrong, item.missed) == (
        "Partly right.",
        1,
        1,
        len(key) - 1,
    )
    assert "esafety-quiz-partly" in soup.select_one("li")["class"]
    verdict = squash(soup.select_one(".esafety-quiz-verdict").get_text())
    assert verdict == (
        f"Partly right. You found 1 of the {len(key)} right answers and missed {len(key) - 1}; "
        "1 of your choices was not right."
    )
    chosen = lines(soup, "ul.esafety-quiz-chosen > li")
    first = question.option(key[0])
    assert chosen == [
        squash(f"{first.text} (a right answer) {first.feedback}"),
        squash(f"{wrong.text} (not a right answer) {wrong.feedback}"),
    ]
    answers = lines(soup, "ul.esafety-quiz-key > li")
    assert answers[0] == squash(f"{first.text} (you chose this)")
    for option_id, line in zip(key[1:], answers[1:], strict=True):
        missed = question.option(option_id)
        assert line == squash(f"{missed.text} (you missed this) {missed.feedback}")
    assert (
        soup.select_one("ul.esafety-quiz-key").find_previous("h4").get_text() == "The right answers"
    )


def test_a_multiple_answer_with_no_right_choice_is_not_right(school):
    """Only wrong options chosen: is it "Not right.", not "Partly right."?"""
    question = question_of(school, "multiple")
    wrong = next(o for o in question.options if not o.correct)
    item, _ = reviewed(school, question, [wrong.id], right=False)
    assert (item.verdict, item.found, item.missed) == ("Not right.", 0, len(question.correct_ids()))


def test_a_school_whose_policy_is_silent_says_so_and_invents_nothing(catalogue, school):
    """For a question that cites no clause of the school's own policy (only another school's),
    does the review say the policy is silent, quote nothing, and put no guidance in its place?"""
    question, other = next(
        (q, [c for c in catalogue.quizzes[MODULE].question(q.id).cites if c.source == OTHER])
        for q in school.quiz(MODULE).questions
        if q.kind == "single" and OTHER not in catalogue.quizzes[MODULE].question(q.id).silent
    )
    assert other
    silent = question.model_copy(update={"cites": other, "guidance": []})
    item, soup = reviewed(school, silent, question.correct_ids(), right=True)
    assert item.sources.policy == [] and soup.select("blockquote") == []
    (line,) = [squash(p.get_text()) for p in soup.select(".esafety-policy-silent")]
    assert line == (
        f"Your school's {school.profile.policy.title} says nothing about this, so there "
        f"is no clause of it to quote here. If you are unsure what to do, ask {school.dsl}."
    )
    text = squash(soup.get_text(" "))
    assert "guidance" not in text.lower()
    for citation in other:
        clause = catalogue.profile(OTHER).clause(citation.split("#", 1)[1])
        assert squash(clause.text) not in text and f"(clause {clause.id})" not in text


@pytest.mark.parametrize("school_id", SCHOOLS)
def test_another_schools_clause_is_never_shown(catalogue, school_id):
    """Given a question citing all five schools' clauses (as the content file does), is only the
    learner's own school quoted: each quote one of its own clauses that the question cites?"""
    school = School.resolve(catalogue, school_id)
    prefix = f"{school_id}#"
    for question in catalogue.quizzes[MODULE].questions:  # not yet read for the school
        run = QuizRun(
            school.quiz(MODULE), [DrawnQuestion(question, tuple(o.id for o in question.options))]
        )
        run.answer(1, question.correct_ids())
        soup = page(school, review(run, [True], school))
        own = [c.removeprefix(prefix) for c in question.cites if c.startswith(prefix)]
        quoted = [squash(b.get_text()) for b in soup.select("blockquote.esafety-clause")]
        assert quoted == [squash(school.profile.clause(c).text) for c in own]
        for citation in question.cites:
            owner, clause_id = citation.split("#", 1)
            text = squash(catalogue.profile(owner).clause(clause_id).text)
            shared = any(text in own_text for own_text in quoted)  # policies share sentences
            if owner != school_id and not shared:
                assert text not in squash(soup.get_text(" ")), (school_id, citation)


def test_clauses_are_only_the_schools_own(catalogue):
    """For every school and every quiz question, are the clauses found only its own, in order?"""
    assert sorted(catalogue.profiles) == SCHOOLS
    for school_id, profile in catalogue.profiles.items():
        school = School.resolve(catalogue, school_id)
        for bank in catalogue.quizzes.values():
            for question in bank.questions:
                clauses = school.clauses(question.cites)
                own = [c.split("#", 1)[1] for c in question.cites if c.startswith(f"{school_id}#")]
                assert [c.id for c in clauses] == own
                assert all(c in profile.clauses for c in clauses)


def test_a_hostile_reflection_is_shown_as_text(school):
    """Is a reflection full of markup shown as the words typed, in paragraphs, never as HTML?"""
    hostile = '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)"> I would tell {{ dsl }}.'
    question = question_of(school, "single")
    item, _ = reviewed(school, question, question.correct_ids(), right=True)
    html = result_html(school, [item], reflection=hostile)
    assert "<script>" not in html and "<img" not in html and 'onerror="' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    soup = BeautifulSoup(html, "html.parser")
    heading = soup.find("h2", string="Your reflection")
    written = [p.get_text() for p in heading.find_next_siblings("p")][:2]
    assert written == [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(2)"> I would tell {{ dsl }}.',
    ]

"""`esafety grades sync`: the DSL's marks for written reflections, from nbgrader into the store."""

from __future__ import annotations

import random

from tests.cli import esafety
from toolkit.settings import PROJECT_ROOT
from toolkit.store import Store


def test_grades_sync_brings_reflection_marks_into_the_store(home, demo_output):
    """After the DSL marks a reflection in nbgrader, does `esafety grades sync` store the mark?"""
    from nbgrader.api import Gradebook

    from toolkit import grading
    from toolkit.content import load_catalogue
    from toolkit.engine import QuizRun

    course = home / "grading"
    store = Store(f"sqlite:///{home / 'esafety.db'}")
    catalogue = load_catalogue(PROJECT_ROOT)
    bank = catalogue.quizzes["contact"].for_school(catalogue.profiles["barley-lane-primary"])
    run = QuizRun.draw(bank, random.Random(0))
    for slot, drawn in enumerate(run.drawn, 1):
        run.answer(slot, drawn.question.correct_ids())
    attempt = store.start_quiz(1, "contact", "v1", run.spec())
    graded = grading.grade(course, 1, bank, run.submission(), "I will tell the headteacher.")
    store.record_quiz_result(attempt, graded.answers(run.submission()), graded.score, True)
    with Gradebook(
        f"sqlite:///{course / 'gradebook.db'}", course_id=grading.COURSE_ID
    ) as gradebook:
        gradebook.find_grade("reflection", "contact", "contact", "learner-1").manual_score = 1.5
        gradebook.db.commit()
    result = esafety(home, "grades", "sync")
    assert result.returncode == 0, result.stderr
    assert "Synced 1 reflection grade" in result.stdout
    (saved,) = store.quiz_attempts_for(1)
    assert (saved["reflection_score"], saved["reflection_max"]) == (1.5, bank.reflection.points)

"""`esafety quizzes` and `esafety grades`: the nbgrader course of the module quizzes, and its marks."""

from __future__ import annotations

import argparse

from toolkit import settings
from toolkit.cli.school import build_quizzes, current_school, open_store, resolve
from toolkit.content import load_catalogue


def build(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(settings.content_root(), schools=settings.schools_root())
    school = resolve(catalogue, args.school or current_school())
    built = build_quizzes(school)
    print(
        f"Built {len(built)} quizzes for {school.name} in {settings.grading_root()}: {', '.join(built)}"
    )
    return 0


def sync_grades(args: argparse.Namespace) -> int:
    from toolkit import grading

    catalogue = load_catalogue(settings.content_root(), schools=settings.schools_root())
    store = open_store()
    synced = 0
    for mark in grading.manual_grades(settings.grading_root(), sorted(catalogue.quizzes)):
        attempt = store.latest_submitted_quiz(mark.learner_id, mark.quiz_id)
        if attempt is not None:
            store.set_reflection_grade(attempt, mark.score, mark.max_score)
            synced += 1
    print(
        f"Synced {synced} reflection grade{'s' * (synced != 1)} from the formgrader into the store."
    )
    return 0


def add_quizzes(sub: argparse._SubParsersAction) -> None:
    quizzes = sub.add_parser("quizzes", help="The module quizzes.")
    quizzes_sub = quizzes.add_subparsers(dest="quizzes_command", required=True)
    p = quizzes_sub.add_parser("build", help="Generate the nbgrader course of the module quizzes.")
    p.add_argument("--school", help="School profile id (default: the school set up here).")
    p.set_defaults(func=build)


def add_grades(sub: argparse._SubParsersAction) -> None:
    grades = sub.add_parser("grades", help="Grades given in nbgrader's formgrader.")
    grades_sub = grades.add_subparsers(dest="grades_command", required=True)
    p = grades_sub.add_parser(
        "sync", help="Bring the DSL's marks for written reflections into the store."
    )
    p.set_defaults(func=sync_grades)

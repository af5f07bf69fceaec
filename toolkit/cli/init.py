"""`esafety init`: set up a school in the data folder, with a demo roster if asked."""

from __future__ import annotations

import argparse
from datetime import date

from toolkit import settings
from toolkit.cli.errors import CommandError
from toolkit.cli.school import DEFAULT_SCHOOL, build_quizzes, open_store, resolve
from toolkit.cli.terminal import print_codes
from toolkit.content import load_catalogue

DEMO_ROSTER = [
    ("Priya Shah", "priya.shah", "teacher"),
    ("Tom Reed", "tom.reed", "support"),
    ("Ana Costa", "ana.costa", "volunteer"),
    ("Sam Okafor", "sam.okafor", "governor"),
]

DEMO_CLASSES = [("Year 1 Oak", "5-7"), ("Year 5 Ash", "7-11")]


def init(args: argparse.Namespace) -> int:
    from toolkit.store import SCHOOL_KEY, NewLearner

    catalogue = load_catalogue(settings.content_root(), schools=settings.schools_root())
    store = open_store()
    current = store.get_meta(SCHOOL_KEY)
    school = resolve(catalogue, args.school or current or DEFAULT_SCHOOL)
    _check_confirmed(school.id)
    if current and current == school.id and not (args.demo and store.learner_count() == 0):
        print(
            f"Already set up for {school.name} ({store.learner_count()} people on the roster); nothing changed."
        )
        return 0
    store.set_meta(SCHOOL_KEY, school.id)
    print(f"Set up for {school.name}. Data folder: {settings.home()}")
    built = build_quizzes(school)
    print(f"Built {len(built)} module quizzes in {settings.grading_root()}")
    if args.demo:
        domain = f"{school.id}.example"
        people = [
            NewLearner(name=name, email=f"{user}@{domain}", role=role, start_date=date.today())
            for name, user, role in DEMO_ROSTER
        ]
        print("Demo roster added. Each access code is shown only this once:")
        print_codes(store.add_learners(people))
        for name, band in DEMO_CLASSES:
            store.add_class(name, band)
        print(f"Demo classes added: {', '.join(name for name, _ in DEMO_CLASSES)}")
    return 0


def _check_confirmed(school_id: str) -> None:
    """An imported school goes live only once its DSL has confirmed every setting, since the
    settings decide what its staff are told."""
    folder = settings.schools_root() / school_id
    if not folder.is_dir():
        return
    from toolkit.content.imported import read_review

    left = read_review(folder).unconfirmed_settings
    if left:
        raise CommandError(
            f"{school_id} has {len(left)} settings not yet confirmed ({', '.join(left)}); answer "
            f"them with 'esafety policy settings {school_id}' or on the setup page, then run this "
            "again"
        )


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="Set up the school in the data folder.")
    p.add_argument(
        "--school", help=f"School profile id (default: {DEFAULT_SCHOOL}, or the current one)."
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="Also add a small demo roster and print its access codes.",
    )
    p.set_defaults(func=init)

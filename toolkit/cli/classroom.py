"""`esafety classes` and `esafety lessons`: the classes taught the pupil lessons, and the plans."""

from __future__ import annotations

import argparse

from toolkit import settings
from toolkit.cli.errors import CommandError
from toolkit.cli.output import output_path, write_output
from toolkit.cli.school import DEFAULT_SCHOOL, open_store, resolve
from toolkit.content import BANDS, load_catalogue


def add_class(args: argparse.Namespace) -> int:
    name = " ".join(args.name.split())
    if not name or len(name) > 80 or any(not ch.isprintable() for ch in name):
        raise CommandError("a class name is 1 to 80 printable characters, e.g. 'Year 2 Oak'")
    added = open_store().add_class(name, args.band)
    print(f"Added class {added.name} (ages {added.band}).")
    return 0


def list_classes(args: argparse.Namespace) -> int:
    for school_class in open_store().classes():
        print(f"{school_class.name}  (ages {school_class.band})")
    return 0


def list_lessons(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(settings.content_root(), schools=settings.schools_root())
    for band in BANDS:
        for lesson in catalogue.lessons_for(band):
            print(f"{lesson.id:<22} ages {band:<5} {lesson.title}")
    return 0


def print_lesson(args: argparse.Namespace) -> int:
    from toolkit.reports.lesson_plans import lesson_plan_html
    from toolkit.store import SCHOOL_KEY

    out = output_path(args.out, example=f"{args.lesson}.html")
    if out.suffix.lower() not in (".html", ".htm"):
        raise CommandError(
            "write the lesson plan to an .html file; print it from a browser (it has print styles)"
        )
    catalogue = load_catalogue(settings.content_root(), schools=settings.schools_root())
    if args.lesson not in catalogue.lessons:
        raise CommandError(f"no lesson {args.lesson!r}; see 'esafety lessons list'")
    school = resolve(catalogue, open_store().get_meta(SCHOOL_KEY) or DEFAULT_SCHOOL)
    lesson = school.lesson(args.lesson)
    write_output(out, lesson_plan_html(lesson, school.name))
    print(f"Wrote the lesson plan of {lesson.title!r} to {out}")
    return 0


def add_classes(sub: argparse._SubParsersAction) -> None:
    classes = sub.add_parser("classes", help="The classes that are taught the pupil lessons.")
    classes_sub = classes.add_subparsers(dest="classes_command", required=True)
    p = classes_sub.add_parser("add", help="Add a class (no pupil names are ever stored).")
    p.add_argument("name", help="The class's name, e.g. 'Year 2 Oak'.")
    p.add_argument("--band", required=True, choices=BANDS, help="The pupils' age band.")
    p.set_defaults(func=add_class)
    p = classes_sub.add_parser("list", help="List the classes.")
    p.set_defaults(func=list_classes)


def add_lessons(sub: argparse._SubParsersAction) -> None:
    lessons = sub.add_parser("lessons", help="The pupil lessons.")
    lessons_sub = lessons.add_subparsers(dest="lessons_command", required=True)
    p = lessons_sub.add_parser("list", help="List the lessons by age band.")
    p.set_defaults(func=list_lessons)
    p = lessons_sub.add_parser("print", help="Write a lesson plan as a printable HTML page.")
    p.add_argument("lesson", help="The lesson id, e.g. safe-7-11 (see 'esafety lessons list').")
    p.add_argument("--out", required=True, help="The .html file to write.")
    p.set_defaults(func=print_lesson)

"""`esafety roster`: import or update the staff roster, new access codes, leavers and duties."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.cli.errors import CommandError
from toolkit.cli.school import open_store
from toolkit.cli.terminal import print_codes, terminal_progress

if TYPE_CHECKING:
    from toolkit.store import Learner, RosterUpdate

DUTY_NAMES = {"dsl": "the designated safeguarding lead", "deputy": "a deputy DSL"}


def import_file(args: argparse.Namespace) -> int:
    from toolkit.store.roster import import_roster, update_roster

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise CommandError(f"cannot read {path}: {err.strerror}") from None
    progress = terminal_progress("Making access codes")
    school = getattr(args, "trust_school", None)  # a school of a trust: its groups, if listed
    groups = tuple(school.groups) if school else ()
    if args.update:
        print_update(update_roster(open_store(), data, str(path), progress, groups), path)
        return 0
    created = import_roster(open_store(), data, str(path), progress, groups)
    print(
        f"Imported {len(created)} people. Each access code is shown only this once: hand them out now."
    )
    print_codes(created)
    return 0


def print_update(update: RosterUpdate, path: Path) -> None:
    """What an update did, and what is left for the DSL to decide: who is back, who has left."""
    print(
        f"Updated the roster from {path}: {len(update.added)} added, {len(update.updated)} "
        f"changed, {update.unchanged} unchanged, {len(update.missing)} not in the file."
    )
    if update.added:
        people = "person" if len(update.added) == 1 else "people"
        print(
            f"\nAdded {len(update.added)} {people}. Each access code is shown only this once: "
            "hand them out now."
        )
        print_codes(update.added)
    if update.updated:
        print(f"\nChanged {len(update.updated)}:")
        for before, after in update.updated:
            print(f"  {after.email}: {'; '.join(_differences(before, after))}")
    if update.left:
        print(
            f"\nIn the file but marked as having left ({len(update.left)}); they still cannot "
            "sign in. For anyone who is back, run: esafety roster rejoin EMAIL"
        )
        _print_people(update.left)
    if update.missing:
        print(
            f"\nOn the roster but not in the file ({len(update.missing)}); nothing was changed for "
            "them. For each who has left, run: esafety roster leave EMAIL"
        )
        _print_people(update.missing)


def _differences(before: Learner, after: Learner) -> list[str]:
    return [
        f"{what} {getattr(before, field) or '(none)'} -> {getattr(after, field) or '(none)'}"
        for what, field in (("name", "name"), ("role", "role"), ("group", "group"))
        if getattr(before, field) != getattr(after, field)
    ]


def _print_people(people: list[Learner]) -> None:
    width = max(len(person.email) for person in people)
    for person in people:
        left = f", left {person.left_on:%d/%m/%Y}" if person.left_on else ""
        print(f"  {person.email:<{width}}  {person.name} ({person.role}{left})")


def reset_code(args: argparse.Namespace) -> int:
    learner, code = open_store(create=False).reset_code(args.email)
    print(
        f"New access code for {learner.email} (shown only this once; the old code no longer works):"
    )
    print_codes([(learner, code)])
    return 0


def leave(args: argparse.Namespace) -> int:
    on = _day(args.on) if args.on else None
    store = open_store(create=False)
    already = store.person(args.email).left_on
    learner = store.leave(args.email, on)
    if already is not None:
        print(f"{learner.email} already left on {already:%d/%m/%Y}; that date is kept.")
        return 0
    print(
        f"{learner.email} left on {learner.left_on:%d/%m/%Y}: they can no longer sign in and are "
        "no longer listed as behind. Their records are kept. "
        f"To undo this, run: esafety roster rejoin {learner.email}"
    )
    return 0


def _day(text: str) -> date:
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(
            f"--on {text!r} is not a date: write the day they left as YYYY-MM-DD, e.g. 2026-07-22"
        ) from None
    if day > date.today():
        raise CommandError(
            f"--on {text} is in the future: run the command on or after the day they leave"
        )
    return day


def rejoin(args: argparse.Namespace) -> int:
    learner = open_store(create=False).rejoin(args.email)
    print(
        f"{learner.email} is on the current roster again: they can sign in with their access code "
        f"(if it is lost, run: esafety roster reset-code {learner.email})."
    )
    return 0


def grant(args: argparse.Namespace) -> int:
    duty = None if args.duty == "none" else args.duty
    learner = open_store(create=False).grant(args.email, duty)
    if learner.duty is None:
        print(f"{learner.email} no longer holds a safeguarding duty.")
    else:
        print(f"{learner.email} is now {DUTY_NAMES[learner.duty]}.")
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    roster = sub.add_parser("roster", help="Manage the staff roster.")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    p = roster_sub.add_parser(
        "import", help="Import a CSV of name,email,role,start_date; all rows or none."
    )
    p.add_argument("file", help="The roster CSV file.")
    p.add_argument(
        "--update",
        action="store_true",
        help="The file is the whole staff list: add the new people, change names, roles and "
        "groups, and list who is missing from it (no one is removed).",
    )
    p.set_defaults(func=import_file)
    p = roster_sub.add_parser(
        "reset-code", help="Issue someone a new access code; their old one stops working."
    )
    p.add_argument("email", help="Their email on the roster.")
    p.set_defaults(func=reset_code)
    p = roster_sub.add_parser(
        "leave", help="Record that someone left: they stop signing in; their records stay."
    )
    p.add_argument("email", help="Their email on the roster.")
    p.add_argument("--on", help="The day they left, as YYYY-MM-DD (default: today).")
    p.set_defaults(func=leave)
    p = roster_sub.add_parser("rejoin", help="Undo a leaving: someone is back on the roster.")
    p.add_argument("email", help="Their email on the roster.")
    p.set_defaults(func=rejoin)
    p = roster_sub.add_parser("grant", help="Give someone a safeguarding duty, or take it away.")
    p.add_argument("email", help="Their email on the roster.")
    duty = p.add_mutually_exclusive_group(required=True)
    duty.add_argument(
        "--dsl", dest="duty", action="store_const", const="dsl", help="The designated lead."
    )
    duty.add_argument(
        "--deputy", dest="duty", action="store_const", const="deputy", help="A deputy DSL."
    )
    duty.add_argument(
        "--none", dest="duty", action="store_const", const="none", help="No duty (take it away)."
    )
    p.set_defaults(func=grant)

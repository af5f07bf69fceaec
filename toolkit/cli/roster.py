"""`esafety roster`: import the staff roster, and issue someone a new access code."""

from __future__ import annotations

import argparse
from pathlib import Path

from toolkit.cli.errors import CommandError
from toolkit.cli.school import open_store
from toolkit.cli.terminal import print_codes, terminal_progress


def import_file(args: argparse.Namespace) -> int:
    from toolkit.store.roster import import_roster

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise CommandError(f"cannot read {path}: {err.strerror}") from None
    created = import_roster(open_store(), data, str(path), terminal_progress("Making access codes"))
    print(
        f"Imported {len(created)} people. Each access code is shown only this once: hand them out now."
    )
    print_codes(created)
    return 0


def reset_code(args: argparse.Namespace) -> int:
    learner, code = open_store(create=False).reset_code(args.email)
    print(
        f"New access code for {learner.email} (shown only this once; the old code no longer works):"
    )
    print_codes([(learner, code)])
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    roster = sub.add_parser("roster", help="Manage the staff roster.")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    p = roster_sub.add_parser(
        "import", help="Import a CSV of name,email,role,start_date; all rows or none."
    )
    p.add_argument("file", help="The roster CSV file.")
    p.set_defaults(func=import_file)
    p = roster_sub.add_parser(
        "reset-code", help="Issue someone a new access code; their old one stops working."
    )
    p.add_argument("email", help="Their email on the roster.")
    p.set_defaults(func=reset_code)

"""`esafety learner`: one person's records, exported or erased (UK GDPR requests)."""

from __future__ import annotations

import argparse
import json

from toolkit import settings
from toolkit.cli.errors import CommandError
from toolkit.cli.output import output_path, write_output
from toolkit.cli.school import open_store


def export(args: argparse.Namespace) -> int:
    out = output_path(args.out, example="records.json") if args.out else None
    records = open_store().export_learner(args.email)
    text = json.dumps(records, indent=2, default=str)
    if out:
        write_output(out, text + "\n")
        print(f"Wrote every record of {args.email} to {args.out}")
    else:
        print(text)
    return 0


def erase(args: argparse.Namespace) -> int:
    from toolkit import grading

    if not args.yes:
        raise CommandError(
            f"this removes {args.email} and every record of them for good; add --yes to confirm"
        )
    learner_id = open_store().erase_learner(args.email)
    removed = grading.erase_student(settings.grading_root(), learner_id)
    print(
        f"Erased {args.email}: their roster entry, attempts, choices and quiz results ({removed} grading files)."
    )
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    learner = sub.add_parser("learner", help="One person's records (UK GDPR requests).")
    learner_sub = learner.add_subparsers(dest="learner_command", required=True)
    p = learner_sub.add_parser("export", help="Every record of one person, as JSON.")
    p.add_argument("email", help="The person's email on the roster.")
    p.add_argument("--out", help="A file to write instead of printing.")
    p.set_defaults(func=export)
    p = learner_sub.add_parser("erase", help="Remove one person and every record of them.")
    p.add_argument("email", help="The person's email on the roster.")
    p.add_argument("--yes", action="store_true", help="Confirm: this cannot be undone.")
    p.set_defaults(func=erase)

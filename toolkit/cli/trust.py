"""`esafety trust check`: read a trust file and show its schools, or every problem in it."""

from __future__ import annotations

import argparse
from pathlib import Path

from toolkit import settings


def check(args: argparse.Namespace) -> int:
    from toolkit.content import load_catalogue
    from toolkit.trust import load_trust

    catalogue = load_catalogue(settings.content_root(), schools=settings.schools_root())
    trust = load_trust(Path(args.file), catalogue)
    count = len(trust.schools)
    print(f"{trust.name}: {count} school{'s' * (count != 1)}")
    if trust.leads:
        print(f"  leads (the trust's view): {', '.join(trust.leads)}")
    for school in trust.schools:
        print(f"  {school.id}: {school.name}")
        print(f"    profile:  {school.profile}")
        print(f"    database: {settings.shown_url(school.database_url)}")
        if school.groups:
            print(f"    groups:   {', '.join(school.groups)}")
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("trust", help="Work with a trust file: the schools served as one trust.")
    trust_sub = p.add_subparsers(dest="trust_command", required=True)
    c = trust_sub.add_parser(
        "check",
        help="Check a trust file and list its schools, profiles and databases (passwords hidden).",
    )
    c.add_argument("file", help="The trust file, e.g. trust.yaml.")
    c.set_defaults(func=check)

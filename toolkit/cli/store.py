"""`esafety store copy`: move a school's progress store into another database, every record kept."""

from __future__ import annotations

import argparse

from toolkit.settings import shown_url


def copy(args: argparse.Namespace) -> int:
    from toolkit.store.copy import copy_store

    report = copy_store(args.from_url, args.to_url)
    for table in report.tables:
        print(f"  {table.name}: {table.rows} rows, checksum {table.checksum[:16]} equal")
    print(
        f"Copied {report.rows} rows in {len(report.tables)} tables from {shown_url(args.from_url)} to "
        f"{shown_url(args.to_url)} in {report.seconds:.1f} s, every count and checksum equal. The "
        "source is unchanged: set ESAFETY_DATABASE_URL to the target to use it."
    )
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    store = sub.add_parser("store", help="The progress store as a whole.")
    store_sub = store.add_subparsers(dest="store_command", required=True)
    p = store_sub.add_parser(
        "copy",
        help="Copy a whole store into an empty database (e.g. a school's SQLite file into the "
        "trust's PostgreSQL), checked row by row; the source is only read.",
    )
    p.add_argument(
        "from_url", metavar="FROM_URL", help="The store to copy, e.g. sqlite:////path/esafety.db."
    )
    p.add_argument(
        "to_url",
        metavar="TO_URL",
        help="An empty database, e.g. postgresql+psycopg://user:password@host/esafety_school.",
    )
    p.set_defaults(func=copy)

"""Commands on the content alone: `validate`, `schema` and `coverage`; no data folder needed."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from toolkit import resources, settings
from toolkit.content import coverage, json_schemas, load_catalogue


def validate(args: argparse.Namespace) -> int:
    root = settings.content_root()
    catalogue = load_catalogue(
        root, extra=[Path(p) for p in args.paths], schools=settings.schools_root()
    )
    checked = [*args.paths] or [
        f"{len(catalogue.profiles)} school profiles",
        f"{len(catalogue.guidance)} national guidance documents",
        f"{len(catalogue.scenarios)} scenarios",
        f"{len(catalogue.quizzes)} quiz banks",
        f"{len(catalogue.lessons)} lessons",
    ]
    print(f"OK: {', '.join(map(str, checked))} valid.")
    return 0


def schema(args: argparse.Namespace) -> int:
    from toolkit.trust import trust_schema

    # An installed package is no place to write to: there they go into the current folder.
    out = Path(args.out or ("schemas" if resources.installed() else resources.CHECKOUT / "schemas"))
    out.mkdir(parents=True, exist_ok=True)
    for kind, document in {**json_schemas(), "trust": trust_schema()}.items():
        path = out / f"{kind}.schema.json"
        path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


def show_coverage(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(settings.content_root(), schools=settings.schools_root())
    schools = [args.school] if args.school else sorted(catalogue.profiles)
    reports = {school: coverage.coverage(catalogue, school) for school in schools}
    if args.format == "csv":
        header, *rows = "".join(coverage.as_csv(r) for r in reports.values()).splitlines()
        print("\n".join([header, *(r for r in rows if r != header)]))
    else:
        print("\n\n".join(coverage.as_table(r) for r in reports.values()))
        for school in schools:
            _show_review(school)
            bare = coverage.citing_nothing(catalogue, school)
            if bare:
                print(
                    f"{school}: {len(bare)} scenarios and quizzes cite nothing of its policy "
                    f"(national guidance only): {', '.join(bare)}"
                )
    below = [
        s
        for s, r in reports.items()
        if args.min is not None and coverage.staff_percent(r) < args.min
    ]
    if below:
        print(
            f"esafety: staff clause coverage is below {args.min}% for {', '.join(below)}",
            file=sys.stderr,
        )
        return 2
    return 0


def _show_review(school_id: str) -> None:
    """For a school whose policy was imported: how much of the review its DSL has done."""
    from toolkit.content.imported import read_review

    folder = settings.schools_root() / school_id
    if not folder.is_dir():
        return
    review = read_review(folder)
    total, left = len(review.citations), len(review.unreviewed_points)
    confirmed = sum(bool(c.confirmed) for c in review.citations.values())
    print(
        f"{school_id}: {total - left} of {total} teaching points reviewed ({confirmed} cite its "
        f"policy); {len(review.unconfirmed_settings)} settings to confirm"
    )
    if left:
        print(f"  to review: esafety policy citations {school_id}, or the setup page")


def add_validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate", help="Check the shipped content, or the files given, and report every problem."
    )
    p.add_argument("paths", nargs="*", help="Content files to check beside the shipped ones.")
    p.set_defaults(func=validate)


def add_schema(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="Write JSON Schemas of the content files, for editors.")
    p.add_argument(
        "--out", help="Folder to write them to (default: schemas/ in the checkout, or ./schemas)."
    )
    p.set_defaults(func=schema)


def add_coverage(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("coverage", help="List every policy clause with what teaches it.")
    p.add_argument("--school", help="One school profile id (default: all schools).")
    p.add_argument("--format", choices=["table", "csv"], default="table", help="Output format.")
    p.add_argument(
        "--min", type=float, help="Exit non-zero if staff clause coverage is below this percent."
    )
    p.set_defaults(func=show_coverage)

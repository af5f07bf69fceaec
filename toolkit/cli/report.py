"""`esafety report`: the evidence for governors and inspectors, as CSV, HTML or PDF; with
--trust, every school of a trust side by side (figures only, no one named)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from toolkit import settings
from toolkit.cli.errors import CommandError
from toolkit.cli.output import output_path, write_output
from toolkit.cli.school import current_school, open_store, resolve
from toolkit.content import ROLES, ContentError, load_catalogue


def write_report(args: argparse.Namespace) -> int:
    if args.trust:
        return write_trust_report(args)
    from toolkit.reports import html as report_render
    from toolkit.school import policy_changes

    out = output_path(args.out, example=f"report.{args.format}")
    catalogue = load_catalogue(settings.content_root(), schools=settings.schools_root())
    store = open_store()
    school = resolve(catalogue, current_school())
    policy_changes.record(store, school)
    evidence = report_render.gather(store, school, date.today(), args.role, args.group)
    render = {"csv": report_render.as_csv, "html": report_render.as_html}
    write_output(out, render.get(args.format, report_render.as_pdf)(evidence))
    print(f"Wrote the {args.format.upper()} report for {len(evidence.matrix)} people to {out}")
    return 0


def write_trust_report(args: argparse.Namespace) -> int:
    """The trust's report: each school's figures read from its own store, or why not."""
    from toolkit.reports import trust_render
    from toolkit.reports.trust import gather_trust
    from toolkit.trust import load_trust

    if args.role or args.group:
        raise CommandError(
            "--role and --group filter one school's report: leave them out with --trust"
        )
    out = output_path(args.out, example=f"trust-report.{args.format}")
    catalogue = load_catalogue(settings.content_root(), schools=settings.schools_root())
    try:
        trust = load_trust(Path(args.trust), catalogue)
    except ContentError as err:
        first, more = err.problems[0], len(err.problems) - 1
        raise CommandError(
            f"the trust file cannot be used: {first.file}: {first.path or '/'}: {first.message}"
            + (f" (and {more} more problem{'s' * (more != 1)})" if more else "")
            + f"; see each with its hint: esafety trust check {args.trust}"
        ) from None
    evidence = gather_trust(trust, catalogue, date.today())
    render = {"csv": trust_render.as_csv, "html": trust_render.as_html}
    write_output(out, render.get(args.format, trust_render.as_pdf)(evidence))
    unread = [s for s in evidence.schools if s.figures is None]
    print(
        f"Wrote the {args.format.upper()} report for {len(evidence.schools)} schools of "
        f"{trust.name} to {out}"
    )
    for school in unread:
        print(f"  {school.name}: not read: {school.problem}")
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="Write evidence for governors and inspectors.")
    p.add_argument(
        "--format", choices=["csv", "html", "pdf"], required=True, help="The file format."
    )
    p.add_argument("--out", required=True, help="The file to write.")
    p.add_argument("--role", choices=ROLES, help="Only learners with this role.")
    p.add_argument(
        "--group", help="Only learners in this group (the roster's optional group column)."
    )
    p.add_argument(
        "--trust",
        metavar="FILE",
        help="Report on every school of this trust file instead: each school's figures from "
        "its own store, and the misconceptions its schools share (no one named).",
    )
    p.set_defaults(func=write_report)

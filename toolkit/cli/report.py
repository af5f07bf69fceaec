"""`esafety report`: the evidence for governors and inspectors, as CSV, HTML or PDF."""

from __future__ import annotations

import argparse
from datetime import date

from toolkit import settings
from toolkit.cli.output import output_path, write_output
from toolkit.cli.school import current_school, open_store, resolve
from toolkit.content import ROLES, load_catalogue


def write_report(args: argparse.Namespace) -> int:
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
    p.set_defaults(func=write_report)

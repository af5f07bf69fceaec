"""`esafety scenarios`: the staff scenarios listed, or printed on paper as a school's staff see them."""

from __future__ import annotations

import argparse

from toolkit import settings
from toolkit.cli.errors import CommandError
from toolkit.cli.output import output_path, write_output
from toolkit.cli.school import current_school, resolve
from toolkit.content import load_catalogue

FORMATS = ("html", "txt")


def school_set_up() -> str:
    """The school set up in the data folder, or a message that names --school as the way out."""
    from toolkit.store import StoreError

    try:
        return current_school()
    except (CommandError, StoreError) as err:
        raise CommandError(f"{err}; or name the school with --school ID") from None


def list_scenarios(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(settings.content_root(), schools=settings.schools_root())
    modules = sorted(catalogue.modules.values(), key=lambda m: (m.order, m.id))
    for module in modules:
        for scenario in catalogue.scenarios_in(module.id):
            print(f"{scenario.id:<32} {module.id:<20} {scenario.title}")
    return 0


def print_scenarios(args: argparse.Namespace) -> int:
    from toolkit.reports import scenario_print

    if args.scenario and args.all:
        raise CommandError("name one scenario or give --all, not both")
    if not args.scenario and not args.all:
        raise CommandError(
            "name the scenario to print (see 'esafety scenarios list'), or give --all for every one"
        )
    example = f"{args.scenario or 'scenarios'}.{args.format}"
    out = output_path(args.out, example=example)
    catalogue = load_catalogue(settings.content_root(), schools=settings.schools_root())
    if args.scenario and args.scenario not in catalogue.scenarios:
        raise CommandError(f"no scenario {args.scenario!r}; see 'esafety scenarios list'")
    school_id = args.school or school_set_up()
    if school_id not in catalogue.profiles:
        schools = ", ".join(sorted(catalogue.profiles))
        raise CommandError(f"no school {school_id!r}; the schools are: {schools}")
    school = resolve(catalogue, school_id)
    ids = [args.scenario] if args.scenario else [s.id for s in school.scenarios_in_order()]
    printout = scenario_print.gather(school, ids)
    render = scenario_print.as_html if args.format == "html" else scenario_print.as_text
    write_output(out, render(printout))
    what = f"{len(ids)} scenarios" if args.all else repr(printout.scenarios[0].title)
    print(f"Wrote {what} as {school.name}'s staff see them to {out}")
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    scenarios = sub.add_parser("scenarios", help="The staff scenarios, listed or printed.")
    scenarios_sub = scenarios.add_subparsers(dest="scenarios_command", required=True)
    p = scenarios_sub.add_parser("list", help="List the scenarios, module by module.")
    p.set_defaults(func=list_scenarios)
    p = scenarios_sub.add_parser(
        "print",
        help="Write scenarios as a school's staff see them, for INSET or a governor's review.",
    )
    p.add_argument("scenario", nargs="?", help="The scenario id (see 'esafety scenarios list').")
    p.add_argument(
        "--all", action="store_true", help="Every scenario, in module order, with a contents list."
    )
    p.add_argument(
        "--school",
        help="The school whose settings and policy clauses to show (default: the one set up here).",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        required=True,
        help="html: a printable page (print it from a browser); txt: plain text.",
    )
    p.add_argument("--out", required=True, help="The file to write.")
    p.set_defaults(func=print_scenarios)

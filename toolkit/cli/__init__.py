"""The `esafety` command: parse, call the library, and turn its errors into messages and exit codes.

One module per command group. It may import any stage but the apps (pages run in kernels);
each command imports the heavy libraries it needs inside itself, so `esafety --help` is quick.
"""

from __future__ import annotations

import argparse
import sys

from toolkit import settings
from toolkit.cli import (
    classroom,
    content,
    deployment,
    hub,
    init,
    learner,
    policy,
    quizzes,
    report,
    roster,
    scenarios,
    serve,
    store,
    trust,
)
from toolkit.cli.errors import is_expected
from toolkit.cli.scope import add_school_option, enter

# Each adds its command's parser, in the order `esafety --help` lists them. The modules import
# the heavier libraries inside their commands, so that a command loads only what it uses.
COMMANDS = [
    content.add_validate,
    content.add_schema,
    policy.add,
    init.add,
    roster.add,
    content.add_coverage,
    classroom.add_classes,
    classroom.add_lessons,
    scenarios.add,
    report.add,
    learner.add,
    store.add,
    quizzes.add_quizzes,
    quizzes.add_grades,
    serve.add,
    hub.add,
    trust.add,
    deployment.add,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="esafety", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    add_school_option(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings.keep_private()  # the server and its kernels inherit it
    try:
        settings.make_home_private()
        enter(args)
        return args.func(args)
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except Exception as err:
        if not is_expected(err):
            raise
        print(f"esafety: {err}", file=sys.stderr)
        return 1

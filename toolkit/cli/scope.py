"""Which school a command works on: the one set up in the data folder, or, where a trust file is
set (ESAFETY_TRUST), the school of the trust that `--school` names.

Entering a school of the trust changes the command's settings, and so those of every process
it starts (the server, its pages' kernels): that school's database and data folder, and no
trust file. A school's server therefore knows no other school's database: its separation is
made here, once, rather than checked on each query.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from toolkit import settings
from toolkit.cli.errors import CommandError

# Commands about the trust as a whole, or about no school's records: they take no --school.
TRUST_WIDE = {"validate", "schema", "policy", "hub", "trust", "settings", "store"}
SCHOOL_HELP = "The school of the trust to work on (with a trust file set in ESAFETY_TRUST)."


def add_school_option(parser: argparse.ArgumentParser) -> None:
    """Give every command that works on one school's records a --school option."""
    for name, command in _subcommands(parser):
        if name not in TRUST_WIDE:
            for leaf in _leaves(command):
                # A command whose --school names a school profile keeps it: with a trust, it
                # names the trust's school, and the command is given that school's profile.
                if "--school" not in leaf._option_string_actions:
                    leaf.add_argument("--school", metavar="ID", help=SCHOOL_HELP)
                    leaf.set_defaults(names_profile=False)


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


def _leaves(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    nested = list(_subcommands(parser))
    if not nested:
        yield parser
    for _, command in nested:
        yield from _leaves(command)


def trust_wide(args: argparse.Namespace) -> bool:
    """Whether the command works on the whole trust (or on no school's records)."""
    return (
        args.command in TRUST_WIDE
        or bool(getattr(args, "trust", None))
        or bool(getattr(args, "trust_lead", False))
    )


def enter(args: argparse.Namespace) -> None:
    """Set the command up for its school: with a trust file, the school --school (or
    ESAFETY_SCHOOL) names; without one, the data folder's, and --school keeps its old sense."""
    chosen = getattr(args, "school", None)
    names_profile = getattr(args, "names_profile", True)
    trust_file = settings.value("trust")
    if trust_wide(args):
        return
    if not trust_file:
        if chosen and not names_profile:
            raise CommandError(
                "--school picks a school of a trust: set ESAFETY_TRUST to the trust file (see "
                "docs/deploy.md), or leave --school out to work on this data folder's school"
            )
        return
    trust = served_trust()
    chosen = chosen or settings.value("school")
    if not chosen:
        raise CommandError(
            f"{trust_file} lists {len(trust.schools)} schools: say which with --school ID "
            f"({', '.join(s.id for s in trust.schools)})"
        )
    _apply(_environment(trust, chosen))
    args.trust_school = trust.school(chosen)
    if names_profile:
        args.school = trust.school(chosen).profile


def served_trust():
    """The trust in ESAFETY_TRUST, checked against the content; CommandError if it is unusable."""
    from toolkit.trust import configured_trust

    try:
        return configured_trust()
    except OSError as err:
        raise CommandError(
            f"ESAFETY_TRUST names {settings.value('trust')}, which cannot be read "
            f"({err.strerror}): set it to the trust file"
        ) from None


@contextmanager
def in_school(trust, school_id: str) -> Iterator[None]:
    """For a while, the settings of one school of the trust (e.g. to prepare each in turn)."""
    saved = dict(os.environ)
    try:
        _apply(_environment(trust, school_id))
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _environment(trust, school_id: str) -> dict[str, str]:
    from toolkit.trust import UnknownSchool, school_environment

    try:
        return school_environment(trust, school_id, settings.home())
    except UnknownSchool as err:
        raise CommandError(str(err)) from None


def _apply(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.pop(settings.SETTINGS["trust"].env, None)
    Path(env[settings.SETTINGS["home"].env]).mkdir(parents=True, exist_ok=True, mode=0o700)

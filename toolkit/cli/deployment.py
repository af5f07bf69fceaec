"""`esafety settings`: every deployment setting, its value, where it came from, and its help."""

from __future__ import annotations

import argparse
import textwrap

from toolkit import settings


def shown(name: str) -> str:
    """The setting's value as it may be shown on a screen others can see."""
    value = settings.value(name)
    if settings.SETTINGS[name].secret:
        return "set (hidden)" if value else "not set"
    return settings.shown_url(value) if value else "(empty)"


def list_settings(args: argparse.Namespace) -> int:
    for name, setting in settings.SETTINGS.items():
        env = settings.source(name)
        origin = f"from {env}" if env else f"default; set {setting.env} to change it"
        print(f"{name}: {shown(name)}  ({origin})")
        print(
            textwrap.fill(setting.help, width=88, initial_indent="    ", subsequent_indent="    ")
        )
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "settings",
        help="List every setting with its value and where it came from (secrets hidden).",
    )
    p.set_defaults(func=list_settings)

"""The errors that reach the terminal as one line: the library's own, and the commands'."""

from __future__ import annotations

import sys


class CommandError(Exception):
    """A message for the person at the terminal, without a traceback."""


# By module and name, so that no library is imported only to be caught: a command that never
# loaded a module cannot have raised its errors. Each message says what is wrong and what to do.
EXPECTED = (
    ("toolkit.cli.errors", "CommandError"),
    ("toolkit.cli.output", "OutputError"),
    ("toolkit.settings", "SettingError"),
    ("toolkit.content", "ContentError"),
    ("toolkit.content.policy_document", "PolicyDocumentError"),
    ("toolkit.content.school_setup", "SetupError"),
    ("toolkit.content.citation_meaning", "NoModel"),
    ("toolkit.store", "StoreError"),
    ("toolkit.store.roster", "RosterError"),
    ("toolkit.grading", "GradingError"),
)


def is_expected(err: BaseException) -> bool:
    """Whether `err` is one whose message is enough, so that its traceback would only distract."""
    loaded = (getattr(sys.modules.get(module), name, None) for module, name in EXPECTED)
    return isinstance(err, tuple(kind for kind in loaded if isinstance(kind, type)))

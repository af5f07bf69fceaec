"""What the commands show at the terminal besides their results: access codes and progress."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.store import Learner


def terminal_progress(what: str) -> Callable[[int, int], None] | None:
    """A progress line on the terminal, redrawn in place; None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        line = f"\r{what}: {done:,} of {total:,} ({done * 100 // max(total, 1)}%)"
        print(line, end=end, file=sys.stderr, flush=True)

    return show


def print_codes(created: list[tuple[Learner, str]]) -> None:
    """Each person's email, new access code and role, in columns."""
    width = max(len(learner.email) for learner, _ in created)
    for learner, code in created:
        print(f"  {learner.email:<{width}}  {code}  ({learner.role})")

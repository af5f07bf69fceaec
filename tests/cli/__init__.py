"""The esafety command end to end: one run per command, errors as messages with no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from toolkit.settings import PROJECT_ROOT


def environment(home: Path, **settings: str) -> dict[str, str]:
    """This environment with the data folder at `home`, a SQLite store in it, and `settings`."""
    env = {**os.environ, "ESAFETY_HOME": str(home), "ESAFETY_GRADING": str(home / "grading")}
    env.pop("ESAFETY_DATABASE_URL", None)
    return {**env, **settings}


def esafety(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run `esafety ARGS...` in a new process, as a person would at a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "toolkit.cli", *args],
        env=env or environment(home),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

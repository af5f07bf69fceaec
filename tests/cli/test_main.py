"""The command itself: light to start, and the library's errors as one line in one place."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.cli import environment
from toolkit.settings import PROJECT_ROOT

HEAVY = ("ipywidgets", "matplotlib", "nbgrader", "nbformat", "voila", "reportlab", "sqlalchemy")

# Runs the command in this process, then writes the names of the modules it loaded.
PROBE = """
import json, sys
from toolkit.cli import main
out, args = sys.argv[1], sys.argv[2:]
try:
    main(args)
except SystemExit:
    pass
with open(out, "w") as file:
    json.dump(sorted(sys.modules), file)
"""


@pytest.mark.parametrize("args", [["--help"], ["validate"]], ids=["help", "validate"])
def test_light_commands_load_no_widgets_charts_grading_or_store(tmp_path, args):
    """Do `esafety --help` and `esafety validate`, in a fresh interpreter, leave the widgets,
    charts, nbgrader, the store's database library and every toolkit.apps module unloaded?"""
    out = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        env=environment(tmp_path / "data"),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(out.read_text())
    assert "toolkit.cli" in loaded and "toolkit.content" in loaded  # the probe saw the command
    heavy = [m for m in loaded if m.split(".")[0] in HEAVY or m.startswith("toolkit.apps")]
    assert heavy == []

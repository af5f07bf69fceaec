"""Every benchmark still runs: each script once in its --smoke mode, its result lines printed.

Timings are not checked here (they belong to the scripts and docs/performance.md); only that
a benchmark has not silently stopped working.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from toolkit.settings import PROJECT_ROOT

BENCHMARKS = PROJECT_ROOT / "benchmarks"
NUMBER = r"\d+\.\d+"

# Each script (and a mode of it after its name), the arguments beside --smoke, and the lines
# its result must hold.
SMOKE = {
    "policy_import": (
        [],
        # boundaries, strength, then any further columns (settings)
        [
            r"^barley-lane-primary\s+\d+\s+\d+\s+\d+%\s+\d+%(?:\s+\d+%)*$",
            r"^all\s+\d+\s+\d+\s+\d+%\s+\d+%(?:\s+\d+%)*$",
            r"^school\s+cited at\s+citations top 1\s+citations top 3\s+citations top 5",
            rf"^all\s+\d+\s+\d+%\s+\d+%\s+\d+%\s+{NUMBER}$",
            # as the DSL meets them, re-ranked after each scenario confirmed
            r"^school\s+cited at\s+reviewed top 1\s+reviewed top 3\s+reviewed top 5",
        ],
    ),
    "roster_import": (
        [],
        [
            rf"^\s+20 rows: now\s+{NUMBER} s .*, baseline\s+{NUMBER} s .*x faster$",
            rf"^\s+250 rows: now\s+{NUMBER} s",
        ],
    ),
    "trust_reports": (
        ["--keep", "{tmp}/trust"],
        [
            rf"^baseline: count every choice\s+median\s+{NUMBER} s",
            rf"^completion matrix\s+median\s+{NUMBER} s",
            rf"^PDF report .*median\s+{NUMBER} s",
            rf"^DSL app: change the role filter\s+median\s+{NUMBER} s",
            r"^matrix cells: [1-9]\d*",
        ],
    ),
    "quiz_grading": (
        [],
        [
            rf"^staff app: submit to score shown\s+median\s+{NUMBER} s",
            rf"^plain `nbgrader autograde` process\s+median\s+{NUMBER} s",
            rf"^ratio of medians .*: {NUMBER}$",
        ],
    ),
    "page_load": (
        [],
        [
            rf"^time to interactive: staff app\s+{NUMBER}",
            rf"^time to interactive: baseline \(bare Voila\)\s+{NUMBER}",
            rf"^ratio staff / baseline \(medians\)\s+{NUMBER}x",
            rf"^launch to first 200: esafety serve\s+{NUMBER}",
            rf"^launch to whole page: baseline voila\s+{NUMBER}",
        ],
    ),
    "hub_sign_in": (
        [],
        [
            rf"^through the Hub: sign-in page to interactive\s+{NUMBER}",
            rf"^baseline, standalone: form to interactive\s+{NUMBER}",
            rf"^ratio Hub / standalone \(medians\)\s+{NUMBER}x",
        ],
    ),
    "sessions": (
        [],
        [
            r"^staff app\n  interactive\s+1 of 1\n",
            r"^  sign in to 1st choice  1 of 1: median",
            r"^baseline\n  interactive\s+1 of 1\n",
            r"^  errors\s+0$",
        ],
    ),
    "sessions --hub": (
        [],
        [
            r"^through the Hub\n  interactive\s+1 of 1\n",
            r"^  Hub memory \(peak\)\s+\d+ MB",
            r"^standalone esafety serve\n  interactive\s+1 of 1\n",
            r"^  errors\s+0$",
        ],
    ),
}
NEEDS_BROWSER = {"page_load", "sessions", "hub_sign_in", "sessions --hub"}


def test_every_benchmark_has_a_smoke_run():
    """Is each script in benchmarks/ run below, so none can stop working unnoticed?"""
    assert {p.stem for p in BENCHMARKS.glob("*.py")} == {name.split()[0] for name in SMOKE}


@pytest.fixture
def short_tmp():
    folder = Path(tempfile.mkdtemp(prefix="esafety-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.browser) if name in NEEDS_BROWSER else name
        for name in SMOKE
    ],
)
def test_benchmark_runs_and_prints_its_results(name, tmp_path, short_tmp):
    """Does the benchmark run to the end in --smoke mode and print each of its result lines?"""
    extra, expected = SMOKE[name]
    bin_dir = os.path.dirname(sys.executable)
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        # What a script leaves behind is removed with this folder. It is short because
        # Chromium puts a socket in it, and a socket's path may not pass 107 bytes.
        "TMPDIR": str(short_tmp),
    }
    env.pop("ESAFETY_DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / f"{name.split()[0]}.py"),
            *name.split()[1:],
            "--smoke",
            *(a.format(tmp=tmp_path) for a in extra),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    for pattern in expected:
        assert re.search(pattern, result.stdout, re.M), f"{pattern!r} not in:\n{result.stdout}"

"""`esafety roster`: importing the staff roster whole or not at all, and new access codes."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest

from tests.cli import environment, esafety
from toolkit.settings import PROJECT_ROOT
from toolkit.store import SignInFailed, Store


def test_roster_import_end_to_end(initialised, tmp_path):
    """Does `esafety roster import` add people and print codes, and refuse a broken file whole?"""
    home = initialised
    good = tmp_path / "staff.csv"
    good.write_text("name,email,role,start_date\nAmy Lee,amy@school.example,teacher,2026-09-01\n")
    result = esafety(home, "roster", "import", str(good))
    assert result.returncode == 0, result.stderr
    assert re.search(r"amy@school.example\s+[A-Z0-9]{4}-", result.stdout)
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "name,email,role,start_date\nBo,bo@school.example,teacher,2026-09-01\nCy,cy,chef,soon\n"
    )
    result = esafety(home, "roster", "import", str(broken))
    assert result.returncode == 1 and "line 3" in result.stderr and "Traceback" not in result.stderr
    assert Store(f"sqlite:///{home / 'esafety.db'}").learner_count() == 1
    missing = esafety(home, "roster", "import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr


def test_roster_import_shows_its_progress_on_a_terminal(initialised, tmp_path):
    """Does a roster import draw a progress line when run at a terminal, and keep it off pipes?"""
    home = initialised
    rows = "".join(f"P{i},p{i}@school.example,teacher,2026-09-01\n" for i in range(3))
    staff = tmp_path / "staff.csv"
    staff.write_text("name,email,role,start_date\n" + rows)
    terminal, other_end = pty.openpty()
    result = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "roster", "import", str(staff)],
        env=environment(home),
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=other_end,
        text=True,
        timeout=120,
    )
    os.close(other_end)
    try:
        shown = os.read(terminal, 4096).decode()
    except OSError:  # nothing was written to the terminal
        shown = ""
    os.close(terminal)
    assert result.returncode == 0
    assert "Making access codes: 3 of 3 (100%)" in shown
    piped = esafety(home, "roster", "import", str(staff))  # already there: refused, no progress
    assert "Making access codes" not in piped.stderr


@pytest.mark.parametrize(
    "rows,expected",
    [
        ("A" * 140_000 + ",a@school.example,teacher,2026-09-01\n", "line 2: the line is over"),
        (
            '"' + "A\n" * 70_000 + '",a@school.example,teacher,2026-09-01\n',
            "line 2: a cell is over",
        ),
    ],
    ids=["long-line", "long-cell"],
)
def test_roster_import_refuses_an_oversized_cell_in_one_line(initialised, tmp_path, rows, expected):
    """Does a cell past csv's 131,072-character limit give the line and what to do, importing nobody?"""
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "name,email,role,start_date\n" + rows + "Bo,bo@school.example,teacher,2026-09-01\n"
    )
    result = esafety(initialised, "roster", "import", str(staff))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert expected in result.stderr and "Export the staff list again as CSV" in result.stderr
    assert Store(f"sqlite:///{initialised / 'esafety.db'}").learner_count() == 0


def test_roster_import_refuses_a_50_mb_one_line_file(initialised, tmp_path):
    """Does a 50 MB file with no line breaks get a one-line message, not a traceback?"""
    huge = tmp_path / "huge.csv"
    huge.write_text("name,email,role,start_date," + "x" * 50_000_000)
    result = esafety(initialised, "roster", "import", str(huge))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{huge}: line 1: the line is over 65,536 characters long" in result.stderr
    assert Store(f"sqlite:///{initialised / 'esafety.db'}").learner_count() == 0


def test_roster_reset_code_issues_a_new_code_once(home, demo_output):
    """Does `esafety roster reset-code` print a new code that works, and stop the old one?"""
    email, old = re.search(r"^\s+(\S+@\S+)\s+(\S{4}-\S{4}-\S{4})\s", demo_output, re.M).groups()
    result = esafety(home, "roster", "reset-code", email.upper())
    assert result.returncode == 0, result.stderr
    (new,) = re.findall(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", result.stdout)
    store = Store(f"sqlite:///{home / 'esafety.db'}")
    assert store.sign_in(email, new).email == email
    with pytest.raises(SignInFailed):
        store.sign_in(email, old)
    assert [s["outcome"] for s in store.sign_ins_for(email)] == ["reset", "ok", "wrong"]
    unknown = esafety(home, "roster", "reset-code", "nobody@school.example")
    assert unknown.returncode == 1 and "no one with the email" in unknown.stderr
    assert "Traceback" not in unknown.stderr

"""`esafety roster`: importing the staff roster whole or not at all, and new access codes."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from datetime import date

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


STAFF = (
    "name,email,role,start_date,group\n"
    "Amy Lee,amy@school.example,teacher,2026-09-01,KS1\n"
    "Bo Diaz,bo@school.example,support,2026-09-01,\n"
    "Cy Ng,cy@school.example,volunteer,2026-09-01,Office\n"
)


def staff_store(home, tmp_path) -> Store:
    """The three people of STAFF imported into this data folder, and its store."""
    first = tmp_path / "staff.csv"
    first.write_text(STAFF)
    assert esafety(home, "roster", "import", str(first)).returncode == 0
    return Store(f"sqlite:///{home / 'esafety.db'}")


def test_roster_import_update_adds_changes_and_lists_who_is_missing(initialised, tmp_path):
    """Does `esafety roster import --update` print the new codes, each change, and who is not
    in the file with the command for leavers, and change nothing for a file with a bad row?"""
    store = staff_store(initialised, tmp_path)
    store.leave("cy@school.example", date(2026, 12, 19))
    newer = tmp_path / "staff-2027.csv"
    newer.write_text(
        "name,email,role,start_date,group\n"
        "Amy Lee-Hart,amy@school.example,teacher,2026-09-01,KS2\n"
        "Cy Ng,cy@school.example,volunteer,2026-09-01,Office\n"
        "Dee Roy,dee@school.example,governor,2027-01-04,\n"
    )
    result = esafety(initialised, "roster", "import", "--update", str(newer))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1 added, 1 changed, 1 unchanged, 1 not in the file" in out
    (code,) = re.findall(r"dee@school\.example\s+(\S{4}-\S{4}-\S{4})\s+\(governor\)", out)
    assert store.sign_in("dee@school.example", code).name == "Dee Roy"
    assert "amy@school.example: name Amy Lee -> Amy Lee-Hart; group KS1 -> KS2" in out
    assert re.search(r"marked as having left.*esafety roster rejoin EMAIL\n\s+cy@", out)
    assert re.search(r"not in the file \(1\).*esafety roster leave EMAIL\n\s+bo@school", out)
    assert (
        store.person("bo@school.example").current and not store.person("cy@school.example").current
    )
    broken = tmp_path / "broken.csv"
    broken.write_text(STAFF.replace("Amy Lee,", "Amy Renamed,") + "Eve,eve,teacher,soon,\n")
    result = esafety(initialised, "roster", "import", "--update", str(broken))
    assert result.returncode == 1 and "line 5" in result.stderr and "Nothing was" in result.stderr
    assert "Traceback" not in result.stderr
    assert store.person("amy@school.example").name == "Amy Lee-Hart" and store.learner_count() == 4


def test_roster_leave_and_rejoin(initialised, tmp_path):
    """Do `leave` (with or without --on, twice) and `rejoin` say what they did and what to do?"""
    store = staff_store(initialised, tmp_path)
    result = esafety(initialised, "roster", "leave", "BO@school.example", "--on", "2026-10-31")
    assert result.returncode == 0, result.stderr
    assert "bo@school.example left on 31/10/2026" in result.stdout
    assert "esafety roster rejoin bo@school.example" in result.stdout
    again = esafety(initialised, "roster", "leave", "bo@school.example")
    assert "already left on 31/10/2026; that date is kept" in again.stdout
    assert store.person("bo@school.example").left_on == date(2026, 10, 31)
    assert esafety(initialised, "roster", "leave", "cy@school.example").returncode == 0
    assert store.person("cy@school.example").left_on == date.today()
    for bad in ("31/10/2026", "2026-02-30", "9999-01-01"):
        wrong = esafety(initialised, "roster", "leave", "amy@school.example", "--on", bad)
        assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
        assert "YYYY-MM-DD" in wrong.stderr or "in the future" in wrong.stderr
    assert store.person("amy@school.example").current
    unknown = esafety(initialised, "roster", "leave", "nobody@school.example")
    assert unknown.returncode == 1 and "no one with the email" in unknown.stderr
    back = esafety(initialised, "roster", "rejoin", "bo@school.example")
    assert back.returncode == 0 and "on the current roster again" in back.stdout
    assert [p.email for p in store.current_learners()] == [
        "amy@school.example",
        "bo@school.example",
    ]


def test_roster_grant_gives_and_takes_a_duty(initialised, tmp_path):
    """Does `grant` take exactly one of --dsl, --deputy or --none, and say what it did?"""
    store = staff_store(initialised, tmp_path)
    for flag, said, duty in [
        ("--dsl", "is now the designated safeguarding lead", "dsl"),
        ("--deputy", "is now a deputy DSL", "deputy"),
        ("--none", "no longer holds a safeguarding duty", None),
    ]:
        result = esafety(initialised, "roster", "grant", "amy@school.example", flag)
        assert result.returncode == 0 and said in result.stdout, result.stderr
        assert store.person("amy@school.example").duty == duty
    for flags in ([], ["--dsl", "--none"]):
        refused = esafety(initialised, "roster", "grant", "amy@school.example", *flags)
        assert refused.returncode == 2 and "--dsl" in refused.stderr
    unknown = esafety(initialised, "roster", "grant", "nobody@school.example", "--dsl")
    assert unknown.returncode == 1 and "no one with the email" in unknown.stderr

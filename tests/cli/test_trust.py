"""`esafety trust check`: the schools of a trust file, or every problem in it, passwords hidden."""

from __future__ import annotations

from tests.cli import esafety
from tests.test_trust import EVERY_FIELD, HOSTILE, SMALLEST, with_school


def test_check_lists_the_schools_their_profiles_and_databases(home, tmp_path):
    """Does `esafety trust check FILE` show each school with its profile, its database with the
    password hidden, and its groups?"""
    path = tmp_path / "trust.yaml"
    path.write_text(EVERY_FIELD, encoding="utf-8")
    result = esafety(home, "trust", "check", str(path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Example Learning Trust: 4 schools"
    assert "  barley-lane: Barley Lane" in lines
    assert "    groups:   English, Science, Support staff" in lines
    assert "    profile:  bury-ce-primary" in lines
    assert (
        "    database: postgresql+psycopg://trust:***@db.example/esafety"
        "?options=-csearch_path%3Dbury" in lines
    )
    assert "hunter2" not in result.stdout + result.stderr


def test_check_shows_a_hostile_name_as_written(home, tmp_path):
    """Is a school's name printed as typed, nothing in it filled in or run?"""
    path = tmp_path / "trust.yaml"
    path.write_text(
        with_school(
            f'id: odd\nname: "{HOSTILE}"\nprofile: barley-lane-primary\n'
            "database_url: sqlite:////srv/esafety/odd.db\n"
        ),
        encoding="utf-8",
    )
    result = esafety(home, "trust", "check", str(path))
    assert result.returncode == 0, result.stderr
    assert f"  odd: {HOSTILE}" in result.stdout.splitlines()


def test_check_reports_every_problem_as_one_message(home, tmp_path):
    """Does a faulty file end in one message listing each problem with its path and hint, with
    no traceback and no password?"""
    path = tmp_path / "trust.yaml"
    path.write_text(
        with_school(
            "id: Oak\nprofile: nowhere\n"
            "database_url: postgresql+psycopg://u:hunter2@db.example/esafety\n",
            SMALLEST.replace("schools:", "colour: red\nschools:"),
        ),
        encoding="utf-8",
    )
    result = esafety(home, "trust", "check", str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("esafety: 3 problems")
    for where in ("/colour", "/schools/1/id", "/schools/1/profile"):
        assert f"{path}: {where}: " in result.stderr
    assert result.stderr.count("Hint: ") == 3
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr


def test_check_of_a_missing_file_says_so(home, tmp_path):
    """Does a file that is not there end in one line naming it?"""
    result = esafety(home, "trust", "check", str(tmp_path / "nowhere.yaml"))
    assert result.returncode == 1
    assert "nowhere.yaml: /: cannot read: No such file or directory" in result.stderr


def test_check_lists_the_trust_leads(home, tmp_path):
    """Does `esafety trust check` show who opens the trust's view, emails as lower case?"""
    path = tmp_path / "trust.yaml"
    path.write_text(SMALLEST + "leads: [Lead@Trust.example, dsl@trust.example]\n", encoding="utf-8")
    result = esafety(home, "trust", "check", str(path))
    assert result.returncode == 0, result.stderr
    assert "  leads (the trust's view): lead@trust.example, dsl@trust.example" in result.stdout

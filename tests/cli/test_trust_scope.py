"""Every command works on one school of a trust, the one --school names: its database, its
data folder and its profile, and no other school's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import environment, esafety
from toolkit.store import Store

TRUST = """\
schema_version: 1
name: Example Learning Trust
schools:
  - id: oak
    profile: barley-lane-primary
    database_url: sqlite:///{folder}/oak.db
  - id: ash
    profile: bury-ce-primary
    database_url: sqlite:///{folder}/ash.db
"""
STAFF = "name,email,role,start_date\nAsh Teacher,teacher@ash.example,teacher,2026-09-01\n"


@pytest.fixture
def trust(home: Path, tmp_path: Path) -> dict[str, str]:
    """The environment of a trust of two schools, none set up yet."""
    path = tmp_path / "trust.yaml"
    path.write_text(TRUST.format(folder=tmp_path), encoding="utf-8")
    (tmp_path / "staff.csv").write_text(STAFF, encoding="utf-8")
    env = environment(home, ESAFETY_TRUST=str(path))
    env.pop("ESAFETY_GRADING")  # each school's course is in its own data folder
    return env


def test_a_command_changes_only_the_school_it_names(home, tmp_path, trust):
    """Does `roster import --school ash` add to ash's database, leaving oak's unmade?"""
    result = esafety(
        home, "roster", "import", str(tmp_path / "staff.csv"), "--school", "ash", env=trust
    )
    assert result.returncode == 0, result.stderr
    ash = Store(f"sqlite:///{tmp_path}/ash.db", create=False)
    assert [p.email for p in ash.learners()] == ["teacher@ash.example"]
    assert not (tmp_path / "oak.db").exists()
    assert (home / "trust" / "ash").is_dir()


def test_init_sets_a_school_up_with_its_profile_from_the_trust(home, tmp_path, trust):
    """Does `init --school oak` set oak's database up for oak's profile, with the quizzes in
    oak's own data folder, and ESAFETY_SCHOOL stand for --school?"""
    result = esafety(home, "init", "--school", "oak", env=trust)
    assert result.returncode == 0, result.stderr
    assert "Set up for Barley Lane Primary School" in result.stdout
    assert Store(f"sqlite:///{tmp_path}/oak.db", create=False).get_meta("school") == (
        "barley-lane-primary"
    )
    assert any((home / "trust" / "oak" / "grading" / "source").iterdir())
    again = esafety(home, "init", env={**trust, "ESAFETY_SCHOOL": "oak"})
    assert "nothing changed" in again.stdout, again.stderr


@pytest.mark.parametrize(
    "args, says",
    [
        ((), "lists 2 schools: say which with --school ID (oak, ash)"),
        (("--school", "elm"), "the trust has no school 'elm': its schools are oak, ash"),
    ],
)
def test_a_missing_or_unknown_school_is_named(home, tmp_path, trust, args, says):
    result = esafety(home, "roster", "import", str(tmp_path / "staff.csv"), *args, env=trust)
    assert result.returncode == 1
    assert says in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.db"))


def test_school_without_a_trust_says_what_to_set(home, tmp_path):
    result = esafety(home, "roster", "import", str(tmp_path / "staff.csv"), "--school", "ash")
    assert result.returncode == 1
    assert "--school picks a school of a trust: set ESAFETY_TRUST" in result.stderr


def test_a_trust_file_with_a_problem_stops_every_command(home, tmp_path, trust):
    (tmp_path / "trust.yaml").write_text(TRUST.format(folder="relative"), encoding="utf-8")
    result = esafety(
        home, "roster", "import", str(tmp_path / "staff.csv"), "--school", "ash", env=trust
    )
    assert result.returncode == 1
    assert "/schools/0/database_url" in result.stderr and "Traceback" not in result.stderr


def test_a_school_with_groups_takes_only_those_groups(home, tmp_path, trust):
    """Where the trust file lists a school's groups, is a roster row with another group
    refused, naming the line and the groups, and no one added?"""
    path = tmp_path / "trust.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "    groups: [English, Science]\n", encoding="utf-8"
    )
    staff = tmp_path / "grouped.csv"
    staff.write_text(
        "name,email,role,start_date,group\n"
        "Ash Teacher,teacher@ash.example,teacher,2026-09-01,Science\n"
        "Ash Coach,coach@ash.example,support,2026-09-01,PE\n",
        encoding="utf-8",
    )
    result = esafety(home, "roster", "import", str(staff), "--school", "ash", env=trust)
    assert result.returncode == 1
    assert "line 3" in result.stderr
    assert "group 'PE' is not one of the school's groups in the trust file: English, Science" in (
        result.stderr
    )
    assert (
        not (tmp_path / "ash.db").exists()
        or not Store(f"sqlite:///{tmp_path}/ash.db", create=False).learners()
    )


def test_the_trust_view_needs_a_trust_file(home):
    result = esafety(home, "serve", "--trust-lead")
    assert result.returncode == 1
    assert "--trust-lead serves a trust's view: set ESAFETY_TRUST to the trust file" in (
        result.stderr
    )

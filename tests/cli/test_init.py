"""`esafety init`: a school set up in the data folder, its codes, its privacy and its quiz course."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.cli import environment, esafety
from toolkit.settings import PROJECT_ROOT
from toolkit.store import Store


def test_init_demo_sets_up_a_school_with_working_codes(home):
    """Does `esafety init --demo` set up the school and print codes that sign people in, once?"""
    result = esafety(home, "init", "--demo")
    assert result.returncode == 0, result.stderr
    pairs = re.findall(
        r"^\s+(\S+@\S+)\s+([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})\s", result.stdout, flags=re.M
    )
    assert len(pairs) == 4
    store = Store(f"sqlite:///{home / 'esafety.db'}")
    assert store.get_meta("school") == "barley-lane-primary"
    for email, code in pairs:
        assert store.sign_in(email, code).email == email
    again = esafety(home, "init", "--demo")
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert store.learner_count() == 4


def test_init_refuses_an_unknown_school(home):
    """Does an unknown school id get a message listing the known ones?"""
    result = esafety(home, "init", "--school", "hogwarts")
    assert result.returncode == 1
    assert (
        "no school profile 'hogwarts'" in result.stderr and "barley-lane-primary" in result.stderr
    )


@pytest.mark.parametrize(
    "school",
    ["bury-ce-primary", "lunsford-primary", "st-benedicts-catholic-primary", "the-learning-trust"],
)
def test_init_sets_up_any_of_the_five_schools(initialised, school):
    """Does `esafety init --school ID` set up each shipped school (here in place of the first)?"""
    result = esafety(initialised, "init", "--school", school)
    assert result.returncode == 0, result.stderr
    assert Store(f"sqlite:///{initialised / 'esafety.db'}").get_meta("school") == school


def test_the_data_folder_is_private_to_its_owner(home):
    """Are the data folder and everything made in it closed to other users (0700 and 0600)?"""
    home.mkdir(mode=0o755)
    home.chmod(0o755)  # as an older release left it
    assert esafety(home, "init", "--demo").returncode == 0
    assert (
        esafety(home, "roster", "reset-code", "tom.reed@barley-lane-primary.example").returncode
        == 0
    )
    found = [home, *home.rglob("*")]
    assert len(found) > 5
    open_to_others = [str(p.relative_to(home)) for p in found if p.stat().st_mode & 0o077]
    assert open_to_others == []


def released(home: Path) -> dict[str, int]:
    """When each quiz's released notebook was last written, by quiz id."""
    return {p.parent.name: p.stat().st_mtime_ns for p in (home / "grading").glob("release/*/*")}


def test_init_leaves_a_course_that_is_up_to_date_as_it_is(initialised):
    """Does `esafety init --demo` on a set-up school keep the quiz course, already built from
    this content, rather than have nbgrader generate every quiz again?"""
    before = released(initialised)
    result = esafety(initialised, "init", "--demo")
    assert result.returncode == 0, result.stderr
    assert f"Built {len(before)} module quizzes" in result.stdout
    assert len(before) == 6 and released(initialised) == before


def test_init_builds_again_only_the_quizzes_whose_content_changed(initialised, tmp_path):
    """When a quiz bank changes, does the next `esafety init` generate that quiz again, and only it?"""
    content = tmp_path / "content"
    for folder in ("policies", "scenarios"):
        shutil.copytree(PROJECT_ROOT / folder, content / folder)
    (bank,) = content.glob("scenarios/quizzes/contact.yaml")
    bank.write_text(bank.read_text().replace('title: "', 'title: "Revised: ', 1))
    before = released(initialised)
    env = environment(initialised, ESAFETY_CONTENT=str(content))
    assert esafety(initialised, "init", "--school", "lunsford-primary", env=env).returncode == 0
    after = released(initialised)
    assert [quiz for quiz in before if after[quiz] != before[quiz]] == ["at-work", "contact"]
    source = initialised / "grading" / "source" / "contact" / "contact.ipynb"
    assert "Revised: " in source.read_text()

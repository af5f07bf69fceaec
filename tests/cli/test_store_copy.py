"""`esafety store copy` end to end: a demo school's SQLite store into PostgreSQL, and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import esafety
from toolkit.store import Store, metadata


def test_a_school_store_is_copied_into_postgresql(home: Path, demo_output: str, postgres):
    """Does the command copy the demo school's store, print a line per table and the total,
    and never print the database's password?"""
    from tests.postgres import new_database

    target = new_database(postgres).replace("postgres@", "postgres:hunter2-secret@")
    result = esafety(home, "store", "copy", f"sqlite:///{home / 'esafety.db'}", target)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(metadata.sorted_tables) + 1
    assert "  learners: 4 rows, checksum " in result.stdout
    assert all(line.endswith(" equal") for line in lines[:-1])
    assert lines[-1].startswith("Copied ") and "every count and checksum equal" in lines[-1]
    assert "hunter2-secret" not in result.stdout + result.stderr
    assert "postgres:***@" in lines[-1]
    copied = Store(target)
    assert copied.learner_count() == Store(f"sqlite:///{home / 'esafety.db'}").learner_count() > 0
    copied.close()


@pytest.mark.parametrize(
    "target, message",
    [
        ("{home}/esafety.db", "the source and the target are the same database"),
        ("{home}/./esafety.db", "the source and the target are the same database"),
        ("{home}/esafety.db", "already holds records (classes: 2, learners: 4, meta: 2)"),
    ],
    ids=["same", "same-spelled-otherwise", "not-empty"],
)
def test_a_copy_that_cannot_be_done_is_refused_in_one_line(
    home: Path, demo_output: str, tmp_path: Path, target: str, message: str
):
    """Are the same database and a target that holds a store refused in one line, no traceback?"""
    source = f"sqlite:///{home / 'esafety.db'}"
    if message.startswith("already"):
        source = f"sqlite:///{tmp_path / 'other.db'}"
        Store(source).close()
    result = esafety(home, "store", "copy", source, "sqlite:///" + target.format(home=home))
    assert result.returncode == 1
    assert result.stderr.startswith("esafety: ") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_missing_source_is_refused_and_not_made(home: Path, tmp_path: Path):
    """Is a mistyped source file refused in one line, and no empty store made for it?"""
    result = esafety(
        home,
        "store",
        "copy",
        f"sqlite:///{tmp_path / 'typo.db'}",
        f"sqlite:///{tmp_path / 'to.db'}",
    )
    assert result.returncode == 1 and "there is no progress store at" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "typo.db").exists() and not (tmp_path / "to.db").exists()

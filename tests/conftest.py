"""Shared fixtures: the shipped content, a store on a real SQLite file, a signed-up learner."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pytest

from toolkit.content import load_catalogue
from toolkit.school.school import School
from toolkit.settings import PROJECT_ROOT
from toolkit.store import NewLearner, Store

# nbgrader and Voila start helper commands from the environment's bin folder.
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")

SCHOOL = "barley-lane-primary"
SCHOOLS = sorted(p.stem for p in (PROJECT_ROOT / "policies").glob("*.yaml"))  # every shipped one
SCENARIO = "friend-request-from-pupil"


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue(PROJECT_ROOT)


@pytest.fixture(scope="session")
def school(catalogue):
    """The shipped demo school, resolved once."""
    return School.resolve(catalogue, SCHOOL)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'esafety.db'}"


def school_store(url: str):
    store = Store(url)
    store.set_meta("school", SCHOOL)
    yield store
    store.close()


@pytest.fixture
def store(db_url: str):
    yield from school_store(db_url)


@pytest.fixture
def learner_and_code(store: Store):
    person = NewLearner("Jo Bloggs", "jo.bloggs@school.example", "teacher", date(2026, 9, 1))
    ((learner, code),) = store.add_learners([person])
    return learner, code


@pytest.fixture(scope="session")
def course(tmp_path_factory, catalogue):
    """The nbgrader course of every shipped quiz, built once for the session."""
    from toolkit import grading

    root = tmp_path_factory.mktemp("grading")
    profile = catalogue.profiles[SCHOOL]
    grading.build_course(root, [bank.for_school(profile) for bank in catalogue.quizzes.values()])
    return root


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server for the session (a URL template with a {database} slot)."""
    from tests.postgres import postgres_server

    with postgres_server() as template:
        yield template


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request) -> str:
    """A new, empty database: a SQLite file, or a PostgreSQL database as a trust would use."""
    if request.param == "sqlite":
        return request.getfixturevalue("db_url")
    from tests.postgres import new_database

    return new_database(request.getfixturevalue("postgres"))


@pytest.fixture
def any_store(any_db_url: str):
    yield from school_store(any_db_url)


def pytest_collection_modifyitems(items):
    """Browser tests share one worker and run one after another: each drives a server."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))

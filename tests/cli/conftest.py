"""Data folders for the command's tests: `esafety init` runs once a session, each test gets a copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli import esafety


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(scope="session")
def school_template(tmp_path_factory) -> Path:
    """A data folder where `esafety init` set up the default school, with its quiz course."""
    folder = tmp_path_factory.mktemp("school") / "data"
    result = esafety(folder, "init")
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, school_template: Path) -> tuple[Path, str]:
    """A copy of that folder after `esafety init --demo`, and what the command printed."""
    folder = tmp_path_factory.mktemp("demo") / "data"
    shutil.copytree(school_template, folder)
    result = esafety(folder, "init", "--demo")
    assert result.returncode == 0, result.stderr
    return folder, result.stdout


@pytest.fixture
def initialised(home: Path, school_template: Path) -> Path:
    """This test's data folder, set up by `esafety init` (a copy: the course takes long to build)."""
    shutil.copytree(school_template, home)
    return home


@pytest.fixture
def demo_output(home: Path, demo_template: tuple[Path, str]) -> str:
    """This test's data folder, set up by `esafety init --demo`; the codes it printed."""
    folder, printed = demo_template
    shutil.copytree(folder, home)
    return printed

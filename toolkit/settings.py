"""Deployment settings, declared once with a default and a help string, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    env: str
    help: str
    default: str


SETTINGS = {
    "home": Setting(
        "ESAFETY_HOME",
        "Folder holding the school's data (the progress database and logs).",
        "var",
    ),
    "database_url": Setting(
        "ESAFETY_DATABASE_URL",
        "SQLAlchemy URL of the progress store; empty means a SQLite file in the data folder.",
        "",
    ),
    "grading": Setting(
        "ESAFETY_GRADING",
        "The nbgrader course folder of the module quizzes; empty means grading/ beside the toolkit.",
        "",
    ),
    "content": Setting(
        "ESAFETY_CONTENT",
        "Folder holding policies/ and scenarios/; empty means the folder the toolkit ships in.",
        "",
    ),
}


def _read(name: str) -> str:
    setting = SETTINGS[name]
    return os.environ.get(setting.env, "") or setting.default


def home() -> Path:
    """The data folder, made absolute so that Voila kernels started elsewhere agree."""
    return Path(_read("home")).expanduser().resolve()


def database_url() -> str:
    return _read("database_url") or f"sqlite:///{home() / 'esafety.db'}"


def content_root() -> Path:
    configured = _read("content")
    return Path(configured).expanduser().resolve() if configured else PROJECT_ROOT


def grading_root() -> Path:
    configured = _read("grading")
    return Path(configured).expanduser().resolve() if configured else PROJECT_ROOT / "grading"

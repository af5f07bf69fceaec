"""The school set up in the data folder, as the commands find it, and its quiz course."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit import settings
from toolkit.cli.errors import CommandError

if TYPE_CHECKING:
    from toolkit.content import Catalogue
    from toolkit.school.school import School
    from toolkit.store import Store

DEFAULT_SCHOOL = "barley-lane-primary"


def open_store(create: bool = True) -> Store:
    """The progress store the settings name; with create=False a missing one is an error."""
    from toolkit.store import Store

    return Store(settings.database_url(), create=create)


def current_school() -> str:
    """The school set up here; a missing store is an error, never made empty (so serve refuses)."""
    from toolkit.store import SCHOOL_KEY

    school_id = open_store(create=False).get_meta(SCHOOL_KEY)
    if school_id is None:
        raise CommandError(
            "no school is set up here yet: run 'esafety init --demo' or 'esafety init --school ID'"
        )
    return school_id


def resolve(catalogue: Catalogue, school_id: str) -> School:
    """The school, resolved once for the command."""
    from toolkit.school.school import School

    return School.resolve(catalogue, school_id)


def build_quizzes(school: School) -> list[str]:
    """Generate the nbgrader course of the school's module quizzes, as it reads them."""
    from toolkit import grading

    return grading.build_course(settings.grading_root(), school.quizzes())

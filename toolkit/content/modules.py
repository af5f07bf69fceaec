"""The module list: the staff training modules, who takes each and when it is due."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal, get_args

from pydantic import Field

from toolkit.content.base import Kind, Model, Problem, Slug, Text, check_unique
from toolkit.content.text import TextFields

if TYPE_CHECKING:
    from toolkit.content.catalogue import Catalogue

Role = Literal["teacher", "support", "volunteer", "governor"]
ROLES: tuple[str, ...] = get_args(Role)


class Module(Model):
    id: Slug
    title: Text
    summary: Text
    order: int = Field(ge=1)
    minutes: int = Field(ge=1, le=240, description="Estimated minutes to complete.")
    roles: list[Role] = Field(min_length=1)
    due_days: int = Field(ge=1, le=730, description="Days after the learner's start date.")


class ModuleList(Model):
    schema_version: int
    modules: list[Module] = Field(min_length=1)


# Module titles and summaries are the same for every school.
TEXT = TextFields()


def check_modules(data: dict, file: str) -> Iterator[Problem]:
    yield from check_unique(data.get("modules"), "/modules", "module", file)


def add_modules(
    catalogue: Catalogue, model: ModuleList, name: str, blob: bytes
) -> Iterator[Problem]:
    """Each module joins the catalogue on its own; a list file has no id of its own."""
    for i, module in enumerate(model.modules):
        if module.id in catalogue.modules:
            yield Problem(name, f"/modules/{i}/id", f"module {module.id!r} is defined twice")
        catalogue.modules[module.id] = module


KIND = Kind(
    name="modules",
    what="a module list",
    marker="modules",
    model=ModuleList,
    check=check_modules,
    text=TEXT,
    folder="scenarios/staff",
    table="modules",
    add=add_modules,
)

"""What every kind of content shares: the strict model, the problems reported, the kind declaration."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

if TYPE_CHECKING:
    from toolkit.content.text import TextFields

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1)]
Citation = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*#[a-z0-9][a-z0-9-]*$")]


class Model(BaseModel):
    """Strict: unknown keys are refused and YAML booleans or numbers are not text."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.file}: {self.path or '/'}: {self.message}"
        return f"{text}\n    Hint: {self.hint}" if self.hint else text


class ContentError(Exception):
    """One or more problems in content files, all reported together."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' * (count != 1)} in content:\n"
            + "\n".join(str(p) for p in self.problems)
        )


@dataclass(frozen=True)
class Kind:
    """One kind of content file, as the registry in toolkit.content.registry lists it."""

    name: str  # in messages, content versions and schema file names
    what: str  # how a hint names it, e.g. "a scenario"
    marker: str  # a top-level key that only files of this kind have
    model: type[Model]
    check: Callable[[dict, str], Iterator[Problem]]  # checks between keys, on raw data
    text: TextFields  # the prose that is filled in for each school and checked
    folder: str  # where the shipped files are, below the content root
    table: str  # the Catalogue attribute that holds the loaded items
    cites: bool = False  # whether its files name a module and cite policy clauses
    # How a loaded model joins the catalogue when it is not one item under its id.
    add: Callable[[Any, Any, str, bytes], Iterator[Problem]] | None = None


# Helpers for checks on raw data, which may have any shape when the schema fails.


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list:
    return value if isinstance(value, list) else []


def known(what: str, names: Iterable[str]) -> str:
    return f"known {what}: {', '.join(sorted(names))}"


def check_unique(entries: Any, path: str, what: str, file: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, item in enumerate(items(entries)):
        item_id = mapping(item).get("id")
        if not isinstance(item_id, str):
            continue
        if item_id in seen:
            yield Problem(
                file, f"{path}/{i}/id", f"{what} id {item_id!r} is used twice", "ids must be unique"
            )
        seen.add(item_id)

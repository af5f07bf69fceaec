"""What every kind of content shares: the strict model, the problems reported, the kind declaration."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from toolkit.content.text import TextFields

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1)]
REFERENCE = r"^[a-z0-9][a-z0-9-]*#[a-z0-9][a-z0-9-]*$"
WHY_LENGTH = 200  # a reason is one line, read under the quote


class Cite(str):
    """A reference "source#item" (a school's clause, or a paragraph of national guidance) that
    compares and prints as that text, with the one-line reason it applies ("" if none given)."""

    why: str

    def __new__(cls, reference: str, why: str = "") -> Cite:
        cite = super().__new__(cls, reference)
        cite.why = why
        return cite

    @property
    def source(self) -> str:
        return self.split("#")[0]

    @property
    def item(self) -> str:
        return self.split("#")[1]


def _cite(value: Any, handler: Any) -> Cite:
    """A citation is written "source#item", or as "source#item": "why it applies"."""
    why = ""
    if isinstance(value, dict):
        if len(value) != 1:
            raise PydanticCustomError(
                "cite_form", 'write one citation per entry: "school-id#clause-id": "why"'
            )
        ((value, why),) = value.items()
        if not isinstance(why, str) or not why.strip() or "\n" in why.strip():
            raise PydanticCustomError(
                "cite_why", "the reason a citation applies is one line of text"
            )
        if len(why) > WHY_LENGTH:
            raise PydanticCustomError(
                "cite_why", f"the reason is {len(why)} characters: keep it to {WHY_LENGTH}"
            )
    return Cite(handler(value), why.strip())


Citation = Annotated[
    str,
    StringConstraints(pattern=REFERENCE),
    WrapValidator(_cite),
    PlainSerializer(lambda c: {str(c): c.why} if getattr(c, "why", "") else str(c)),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": REFERENCE},
                {
                    "type": "object",
                    "patternProperties": {REFERENCE: {"type": "string", "minLength": 1}},
                    "additionalProperties": False,
                    "minProperties": 1,
                    "maxProperties": 1,
                },
            ]
        }
    ),
]


class Model(BaseModel):
    """Strict: unknown keys are refused and YAML booleans or numbers are not text."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Sourced(Model):
    """Feedback with where it comes from: clauses of the schools' own policies (each school sees
    only its own), paragraphs of national guidance (every school sees them), and the schools
    whose policy is silent on it, which cite nothing of theirs and are given the guidance."""

    cites: list[Citation] = Field(min_length=1)
    guidance: list[Citation] = Field(
        default_factory=list,
        description="Paragraphs of national guidance: 'document-id#paragraph-id'.",
    )
    silent: list[Slug] = Field(
        default_factory=list,
        description="Schools whose policy says nothing on this: they are given the guidance.",
    )

    def sources_for(self, school_id: str) -> dict[str, Any]:
        """The fields as one school reads them: only its own clauses, and whether it is silent."""
        return {
            "cites": [c for c in self.cites if c.source == school_id],
            "silent": [school_id] if school_id in self.silent else [],
        }


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
    # National content, the same for every school: a content folder without this kind's
    # folder uses the toolkit's own.
    national: bool = False
    # How a loaded model joins the catalogue when it is not one item under its id.
    add: Callable[[Any, Any, str, bytes], Iterator[Problem]] | None = None


# Helpers for checks on raw data, which may have any shape when the schema fails.


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list:
    return value if isinstance(value, list) else []


def known(what: str, names: Iterable[str]) -> str:
    return f"known {what}: {', '.join(sorted(names))}"


def check_file_name(data: dict, file: str) -> Iterator[Problem]:
    """A file whose id names it (a school profile, a guidance document) is named after it."""
    item_id, path = data.get("id"), Path(file)
    if isinstance(item_id, str) and path.suffix in (".yaml", ".yml") and path.stem != item_id:
        yield Problem(
            file,
            "/id",
            f"id {item_id!r} differs from the file name",
            f"name the file {item_id}.yaml",
        )


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

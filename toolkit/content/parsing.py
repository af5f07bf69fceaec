"""Parsing: one file's data into its typed model, touching no files, with every problem at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from toolkit.content.base import ContentError, Model, Problem
from toolkit.content.profile import TEMPLATE_NAMES
from toolkit.content.registry import KINDS

SCHEMA_VERSION = 1

# Upgrade functions from format N to N + 1; empty while only format 1 exists.
UPGRADES: dict[int, Callable[[dict], dict]] = {}


def kind_of(data: Any) -> str | None:
    """The kind of content the data is, told by a key only that kind has."""
    if not isinstance(data, dict):
        return None
    return next((kind.name for kind in KINDS.values() if kind.marker in data), None)


def parse(data: Any, file: str = "<data>", kind: str | None = None) -> Model:
    """Build the typed model for one file's data; raise ContentError with every problem."""
    model, problems = inspect(data, file, kind)
    if problems:
        raise ContentError(problems)
    return model


def inspect(data: Any, file: str, kind: str | None = None) -> tuple[Model | None, list[Problem]]:
    """The typed model (None if it cannot be built) and every problem found in the file."""
    kind = kind or kind_of(data)
    if kind is None:
        hint = _KIND_HINT
        return None, [Problem(file, "", "cannot tell what this file is", hint)]
    try:
        data = upgrade(data, file)
    except ContentError as err:
        return None, err.problems
    model_class = KINDS[kind].model
    try:
        model, problems = model_class.model_validate(data), []
    except ValidationError as err:
        model, problems = None, problems_from(err, model_class, file)
    # Checks between keys run on the raw data, so they are reported even beside type errors.
    problems.extend(KINDS[kind].check(data, file))
    problems.extend(KINDS[kind].text.check(data, file, TEMPLATE_NAMES))
    return model, problems


_KIND_HINT = ", ".join(
    f"{kind.what} {'has ' * (i == 0)}'{kind.marker}'" for i, kind in enumerate(KINDS.values())
)


def upgrade(
    data: dict,
    file: str,
    latest: int = SCHEMA_VERSION,
    upgrades: dict[int, Callable[[dict], dict]] = UPGRADES,
    what: str = "content format",
) -> dict:
    """The data brought up to format `latest` by the upgrade functions; ContentError for a
    version below 1 or newer than this toolkit reads."""
    version = data.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool):
        if version < 1:
            raise ContentError([Problem(file, "/schema_version", "schema_version starts at 1")])
        if version > latest:
            raise ContentError(
                [
                    Problem(
                        file,
                        "/schema_version",
                        f"written for {what} {version}; this toolkit reads up to {latest}",
                        "upgrade the toolkit",
                    )
                ]
            )
        for old in range(version, latest):
            data = upgrades[old](data)
    return data


def problems_from(err: ValidationError, model: type[BaseModel], file: str) -> list[Problem]:
    """Each of pydantic's errors as a Problem at its key path, in words an author follows."""
    problems = []
    for e in err.errors():
        loc = tuple(part for part in e["loc"] if part not in ("fixed", "by-setting"))  # union tags
        path = "/" + "/".join(str(part) for part in loc)
        value = e.get("input")
        kind = e["type"]
        message, hint = e["msg"], ""
        if kind == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
            allowed = _allowed_keys(model, loc[:-1])
            hint = f"allowed keys here: {', '.join(allowed)}" if allowed else "remove it"
        elif kind == "missing":
            message = "required key is missing"
            hint = f"add '{loc[-1]}:'"
        elif isinstance(value, bool):
            message = f"YAML read this as {str(value).lower()}, not text: {e['msg']}"
            hint = 'put the value in quotes, e.g. "No" or "off"'
        elif isinstance(value, int | float) and kind in ("string_type", "literal_error"):
            message = f"YAML read this as a number, not text: {e['msg']}"
            hint = "put the value in quotes"
        elif kind == "string_pattern_mismatch" and "cites" in loc:
            message = f"citation {value!r} is not of the form school-id#clause-id"
            hint = 'e.g. "barley-lane-primary#staff-use-4"'
        elif kind == "string_pattern_mismatch" and "guidance" in loc:
            message = f"citation {value!r} is not of the form document-id#paragraph-id"
            hint = 'e.g. "kcsie-2025#103"'
        elif kind == "string_pattern_mismatch":
            message = f"{value!r} is not an id: use lower-case letters, digits and hyphens"
        elif kind == "int_type" and isinstance(value, str):
            message = f"expected a whole number, got text {value!r}"
            hint = "remove the quotes"
        problems.append(Problem(file, path, message, hint))
    return problems


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names of the model found at loc, for an 'unknown key' hint."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            current = info.annotation if info else None
        elif get_origin(current) in (list, dict):
            current = get_args(current)[-1]
        else:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def json_schemas() -> dict[str, dict]:
    """JSON Schemas for editors, one per kind of content file."""
    return {name: kind.model.model_json_schema() for name, kind in KINDS.items()}

"""The trust file: the schools of a multi-academy trust served as one, each with its profile and
a database of its own, validated like content (every problem at once, with its key path and a hint).

It is deployment configuration, not teaching content: it names no clause and is filled into no
text, so it lives beside the settings and reads the content only to know the school profiles.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StringConstraints, ValidationError
from sqlalchemy.engine.url import URL, make_url
from sqlalchemy.exc import ArgumentError

from toolkit import settings
from toolkit.content import (
    Catalogue,
    ContentError,
    Model,
    Problem,
    Slug,
    Text,
    problems_from,
    read_file,
    upgrade,
)
from toolkit.content.base import check_unique, items, known, mapping

TRUST_SCHEMA_VERSION = 1
# Upgrade functions from format N to N + 1; empty while only format 1 exists.
TRUST_UPGRADES: dict = {}

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
GroupName = Annotated[str, StringConstraints(min_length=1, max_length=80)]
Email = Annotated[
    str, StringConstraints(to_lower=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
]
# Each school's own data folder (its quiz course, the logs of its pages), inside the trust's.
SCHOOL_FOLDERS = "trust"

FORMS = (
    "write sqlite:////srv/esafety/SCHOOL.db (an absolute path) or "
    "postgresql+psycopg://USER:PASSWORD@HOST/DATABASE, with ?options=-csearch_path%3DSCHEMA "
    "for a schema of the school's own"
)


class TrustSchool(Model):
    """One school of the trust: what it is called, what it teaches, where its records are kept."""

    id: Slug = Field(description="The school's id in the trust: lower-case letters, digits, '-'.")
    profile: Slug = Field(
        description="Its school profile: one shipped in policies/, or one imported with "
        "`esafety policy import`."
    )
    database_url: Text = Field(
        description="SQLAlchemy URL of its progress store, shared with no other school: "
        "sqlite:////absolute/path.db, or postgresql+psycopg://… with a database or a "
        "search_path schema of its own."
    )
    name: Name | None = Field(
        None, description="Its name as people read it; default: its profile's."
    )
    groups: list[GroupName] = Field(
        default_factory=list,
        description="Names of its staff groups, e.g. departments; when listed, a roster's "
        "group column must use them.",
    )


class Trust(Model):
    """The trust's schools, in the order the file lists them."""

    schema_version: int
    name: Name
    schools: list[TrustSchool] = Field(min_length=1)
    leads: list[Email] = Field(
        default_factory=list,
        description="Emails of the trust's safeguarding leads: they open the trust's view of "
        "every school (the Hub's trust-lead service, and `esafety report --trust`).",
    )

    def school(self, school_id: str) -> TrustSchool:
        """The school with this id; UnknownSchool, listing the ids, if the trust has none."""
        for school in self.schools:
            if school.id == school_id:
                return school
        raise UnknownSchool(
            f"the trust has no school {school_id!r}: its schools are "
            f"{', '.join(s.id for s in self.schools)}"
        )

    def is_lead(self, email: str) -> bool:
        return email.strip().lower() in self.leads


class UnknownSchool(ValueError):
    """A school id the trust file does not list."""


def school_environment(trust: Trust, school_id: str, home: Path) -> dict[str, str]:
    """The settings a process working for one school of the trust runs with: that school's
    database and data folder, and the trust's imported policies. The trust file itself is left
    out, so the process and every page it starts know no other school's database."""
    school = trust.school(school_id)
    values = {
        "home": str(home / SCHOOL_FOLDERS / school.id),
        "database_url": school.database_url,
        "schools": str(home / "schools"),
        "school": school.id,
        "grading": "",  # the default: grading/ in the school's own data folder
    }
    return {settings.SETTINGS[name].env: value for name, value in values.items()}


def trust_schema() -> dict:
    """The JSON Schema of the trust file, for editors."""
    return Trust.model_json_schema()


def load_trust(path: Path, catalogue: Catalogue) -> Trust:
    """The trust file at `path`, checked against the catalogue's school profiles."""
    data, _ = read_file(path, str(path))
    return parse_trust(data, str(path), catalogue)


def configured_trust() -> Trust | None:
    """The trust the ESAFETY_TRUST setting names, read again only when the file changes; None
    where none is set. ContentError (every problem) or OSError if it cannot be used."""
    configured = settings.value("trust")
    if not configured:
        return None
    path = Path(configured).expanduser().resolve()
    return _trust_at(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _trust_at(path: Path, _version: int) -> Trust:
    from toolkit.content import load_catalogue

    catalogue = load_catalogue(settings.content_root(), schools=settings.schools_root())
    return load_trust(path, catalogue)


def parse_trust(data: Any, file: str, catalogue: Catalogue) -> Trust:
    """The trust from a trust file's data, each school named; ContentError with every problem."""
    if not isinstance(data, dict):
        hint = "start from the example in docs/deploy.md"
        raise ContentError(
            [Problem(file, "", "a trust file holds schema_version, name and schools", hint)]
        )
    try:
        data = upgrade(data, file, TRUST_SCHEMA_VERSION, TRUST_UPGRADES, "trust file format")
    except ContentError as err:
        raise ContentError(_hinted(err.problems)) from None
    try:
        trust, problems = Trust.model_validate(data), []
    except ValidationError as err:
        trust, problems = None, problems_from(err, Trust, file)
    # Checks between keys run on the raw data, so they are reported even beside type errors.
    problems.extend(check_trust(data, file, catalogue))
    if problems or trust is None:
        raise ContentError(_hinted(problems))
    named = [
        s if s.name else s.model_copy(update={"name": catalogue.profiles[s.profile].name})
        for s in trust.schools
    ]
    return trust.model_copy(update={"schools": named})


def check_trust(data: dict, file: str, catalogue: Catalogue) -> Iterator[Problem]:
    """What the schema cannot see: unique ids, known profiles, a database of each school's own,
    names that print on one line."""
    schools = items(data.get("schools"))
    yield from check_unique(schools, "/schools", "school", file)
    yield from _check_text(data.get("name"), "/name", file)
    owners: dict[tuple, str] = {}
    for i, school in enumerate(map(mapping, schools)):
        where = f"/schools/{i}"
        profile = school.get("profile")
        if isinstance(profile, str) and profile not in catalogue.profiles:
            hint = known("profiles", catalogue.profiles)
            hint += "; or import the school's own policy with `esafety policy import`"
            yield Problem(file, f"{where}/profile", f"no school profile {profile!r}", hint)
        yield from _check_text(school.get("name"), f"{where}/name", file)
        groups = items(school.get("groups"))
        for j, group in enumerate(groups):
            yield from _check_text(group, f"{where}/groups/{j}", file)
            if isinstance(group, str) and group in groups[:j]:
                hint = "list each group once"
                yield Problem(file, f"{where}/groups/{j}", f"group {group!r} is listed twice", hint)
        url = school.get("database_url")
        if isinstance(url, str):
            yield from _check_database(url, school.get("id"), f"{where}/database_url", file, owners)


def _check_text(value: Any, path: str, file: str) -> Iterator[Problem]:
    """A name is shown as written, so it must print on one line without control characters."""
    if isinstance(value, str) and re.search(r"[\x00-\x1f\x7f]", value):
        hint = "write it on one line, without tabs or control characters"
        yield Problem(file, path, "a name holds a line break or a control character", hint)


def _check_database(
    url: str, school_id: Any, path: str, file: str, owners: dict[tuple, str]
) -> Iterator[Problem]:
    """A URL the store can open, naming a database no school before it uses."""
    try:
        store, what = _store_of(url)
    except _Refused as err:
        yield Problem(file, path, str(err), err.hint)
        return
    if store in owners:
        message = f"school {school_id!r} uses {what}, as school {owners[store]!r} does"
        hint = "give each school a database of its own, or a PostgreSQL schema of its own"
        yield Problem(file, path, message, hint)
    else:
        owners[store] = str(school_id)


def _store_of(url: str) -> tuple[tuple, str]:
    """What makes a school's records its own (the SQLite file, or the PostgreSQL server,
    database and schema), and how a message names it."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise _Refused("not a database URL") from None  # never echoed: it may hold a password
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_file(parsed)
    if backend == "postgresql":
        return _postgresql_schema(parsed)
    raise _Refused(f"{backend!r} is not a database the progress store is kept in")


def _sqlite_file(parsed: URL) -> tuple[tuple, str]:
    database = parsed.database or ""
    if parsed.query or parsed.host:
        raise _Refused("a SQLite URL here names a file and nothing else")
    if not database or database == ":memory:":
        raise _Refused("the SQLite URL names no file: the records would be lost at each start")
    if not os.path.isabs(database):
        hint = f"write the path from the root, with four slashes: sqlite:////srv/esafety/{database}"
        raise _Refused(f"the SQLite path {database!r} is relative", hint)
    path = os.path.normpath(database)
    return ("sqlite", path), f"the SQLite file {path}"


def _postgresql_schema(parsed: URL) -> tuple[tuple, str]:
    if parsed.drivername != "postgresql+psycopg":
        hint = "write postgresql+psycopg:// (the driver the toolkit installs)"
        raise _Refused(f"the driver {parsed.drivername!r} is not the toolkit's", hint)
    if "@" in (parsed.host or ""):
        hint = "write an '@' in a password as %40 (a ':' as %3A, a '/' as %2F)"
        raise _Refused("the PostgreSQL URL's password holds an '@'", hint)
    if not parsed.database:
        hint = "add the database's name after the host: postgresql+psycopg://USER@HOST/DATABASE"
        raise _Refused("the PostgreSQL URL names no database", hint)
    host = parsed.host or parsed.query.get("host") or ""
    found = re.search(r"-c\s*search_path\s*=\s*([^\s,]+)", str(parsed.query.get("options", "")))
    schema = found.group(1) if found else ""
    # PostgreSQL folds a name out of quotes to lower case: "Barley" and barley differ, BARLEY not.
    schema = schema.strip('"') if schema.startswith('"') else schema.lower()
    what = f"the PostgreSQL database {parsed.database!r} on {host or 'the local server'!r}"
    what += f" with the schema {schema!r}" if schema else " with no schema of its own"
    return ("postgresql", str(host), parsed.port or 5432, parsed.database, schema), what


_HINTS = {
    "schema_version": f"write schema_version: {TRUST_SCHEMA_VERSION}",
    "name": "write the name as people read it, in quotes if it holds ': '",
    "schools": "list each school with its id, profile and database_url",
    "id": "a school's id is lower-case letters, digits and hyphens, e.g. barley-lane",
    "profile": "the id of a school profile, e.g. barley-lane-primary",
    "database_url": FORMS,
    "groups": "list the names of the school's staff groups, e.g. [English, Science]",
    "leads": "list the emails of the trust's safeguarding leads, e.g. [dsl@trust.example]",
}


def _hinted(problems: list[Problem]) -> list[Problem]:
    """The problems, each found without a hint given one by the key it is under."""
    return [p if p.hint else replace(p, hint=_hint(p.path)) for p in problems]


def _hint(path: str) -> str:
    keys = [part for part in path.split("/") if part and not part.isdigit()]
    return _HINTS.get(keys[-1], "") if keys else "start from the example in docs/deploy.md"


class _Refused(ValueError):
    """A database URL no school may have, with what to write instead."""

    def __init__(self, message: str, hint: str = FORMS):
        super().__init__(message)
        self.hint = hint

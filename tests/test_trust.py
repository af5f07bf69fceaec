"""The trust file: its schools, their profiles and databases, and every refusal with its path."""

from __future__ import annotations

import json
import textwrap

import pytest

from tests.apps import imported_school
from toolkit.content import ContentError, load_catalogue, read_yaml
from toolkit.settings import PROJECT_ROOT, shown_url
from toolkit.trust import Trust, load_trust, parse_trust, trust_schema

SMALLEST = """\
schema_version: 1
name: Example Learning Trust
schools:
  - id: barley-lane
    profile: barley-lane-primary
    database_url: sqlite:////srv/esafety/barley-lane.db
"""

EVERY_FIELD = """\
schema_version: 1
name: Example Learning Trust
schools:
  - id: barley-lane
    name: Barley Lane
    profile: barley-lane-primary
    database_url: sqlite:////srv/esafety/barley-lane.db
    groups: [English, Science, Support staff]
  - id: bury
    profile: bury-ce-primary
    database_url: postgresql+psycopg://trust:hunter2@db.example/esafety?options=-csearch_path%3Dbury
  - id: lunsford
    profile: lunsford-primary
    database_url: postgresql+psycopg://trust:hunter2@db.example/esafety?options=-csearch_path%3Dlunsford
  - id: st-benedicts
    profile: st-benedicts-catholic-primary
    database_url: postgresql+psycopg://trust:hunter2@db.example:5433/st_benedicts
"""


def trust_from(text: str, catalogue) -> Trust:
    return parse_trust(read_yaml(text, "trust.yaml"), "trust.yaml", catalogue)


def problems(text: str, catalogue) -> list:
    with pytest.raises(ContentError) as caught:
        trust_from(text, catalogue)
    return caught.value.problems


def with_school(fields: str, before: str = SMALLEST) -> str:
    """The file with one more school, written as its YAML fields."""
    return before + textwrap.indent(fields, "    ").replace("    ", "  - ", 1)


def test_the_smallest_file(catalogue):
    """Is a trust of one school, with its profile and database, enough, its name the profile's?"""
    trust = trust_from(SMALLEST, catalogue)
    assert trust.name == "Example Learning Trust"
    (school,) = trust.schools
    assert (school.id, school.profile) == ("barley-lane", "barley-lane-primary")
    assert school.database_url == "sqlite:////srv/esafety/barley-lane.db"
    assert school.name == catalogue.profiles["barley-lane-primary"].name
    assert school.groups == []


def test_a_file_with_every_field(catalogue, tmp_path):
    """Are names, groups and PostgreSQL databases or schemas of each school's own read as written?"""
    path = tmp_path / "trust.yaml"
    path.write_text(EVERY_FIELD, encoding="utf-8")
    trust = load_trust(path, catalogue)
    assert [s.id for s in trust.schools] == ["barley-lane", "bury", "lunsford", "st-benedicts"]
    assert trust.school("barley-lane").name == "Barley Lane"
    assert trust.school("barley-lane").groups == ["English", "Science", "Support staff"]
    assert trust.school("bury").name == catalogue.profiles["bury-ce-primary"].name


def test_two_schools_may_share_a_profile(catalogue):
    """May two schools of a trust teach from one trust-wide policy, each with its own records?"""
    text = with_school(
        "id: oak-lane\nprofile: barley-lane-primary\ndatabase_url: sqlite:////srv/esafety/oak.db\n"
    )
    assert [s.profile for s in trust_from(text, catalogue).schools] == ["barley-lane-primary"] * 2


def test_a_school_imported_with_its_own_policy_is_known(tmp_path):
    """Is a profile imported with `esafety policy import` one a school of the trust may have?"""
    shipped = load_catalogue(PROJECT_ROOT)
    imported_school.write(tmp_path / "schools", shipped)
    catalogue = load_catalogue(PROJECT_ROOT, schools=tmp_path / "schools")
    text = with_school(
        f"id: oakfield\nprofile: {imported_school.SCHOOL_ID}\n"
        "database_url: sqlite:////srv/esafety/oakfield.db\n"
    )
    assert trust_from(text, catalogue).school("oakfield").name == "Oakfield Primary School"
    with pytest.raises(ContentError, match="no school profile 'oakfield-primary'"):
        trust_from(text, shipped)


HOSTILE = "<script>alert('x')</script> {{ school }} ' OR 1=1 --"


def test_a_hostile_school_name_is_kept_as_text(catalogue):
    """Is a name with markup, template braces and SQL kept exactly as typed, never filled in?"""
    text = with_school(
        f'id: odd\nname: "{HOSTILE}"\nprofile: barley-lane-primary\n'
        "database_url: sqlite:////srv/esafety/odd.db\n"
    )
    assert trust_from(text, catalogue).school("odd").name == HOSTILE


# Each refusal: the file, the key path of the problem, words of its message and of its hint.
REFUSALS = {
    "unknown-key": (
        SMALLEST + "colour: red\n",
        "/colour",
        "unknown key 'colour'",
        "allowed keys here: schema_version, name, schools",
    ),
    "unknown-school-key": (
        with_school(
            "id: oak\nprofile: barley-lane-primary\ndatabase_url: sqlite:////o.db\ndatabase: o\n"
        ),
        "/schools/1/database",
        "unknown key 'database'",
        "id, profile, database_url, name, groups",
    ),
    "missing-database": (
        with_school("id: oak\nprofile: barley-lane-primary\n"),
        "/schools/1/database_url",
        "required key is missing",
        "add 'database_url:'",
    ),
    "no-schools": (
        "schema_version: 1\nname: A Trust\nschools: []\n",
        "/schools",
        "at least 1 item",
        "list each school with its id, profile and database_url",
    ),
    "duplicate-id": (
        with_school(
            "id: barley-lane\nprofile: barley-lane-primary\ndatabase_url: sqlite:////b.db\n"
        ),
        "/schools/1/id",
        "school id 'barley-lane' is used twice",
        "ids must be unique",
    ),
    "id-not-a-slug": (
        with_school("id: Oak Lane\nprofile: barley-lane-primary\ndatabase_url: sqlite:////o.db\n"),
        "/schools/1/id",
        "'Oak Lane' is not an id",
        "lower-case letters, digits and hyphens, e.g. barley-lane",
    ),
    "unknown-profile": (
        with_school("id: oak\nprofile: oak-lane-primary\ndatabase_url: sqlite:////o.db\n"),
        "/schools/1/profile",
        "no school profile 'oak-lane-primary'",
        "known profiles: barley-lane-primary, bury-ce-primary",
    ),
    "relative-sqlite-path": (
        with_school("id: oak\nprofile: barley-lane-primary\ndatabase_url: sqlite:///oak.db\n"),
        "/schools/1/database_url",
        "the SQLite path 'oak.db' is relative",
        "sqlite:////srv/esafety/oak.db",
    ),
    "sqlite-in-memory": (
        with_school("id: oak\nprofile: barley-lane-primary\ndatabase_url: 'sqlite://'\n"),
        "/schools/1/database_url",
        "the SQLite URL names no file",
        "an absolute path",
    ),
    "not-a-url": (
        with_school("id: oak\nprofile: barley-lane-primary\ndatabase_url: /srv/oak.db\n"),
        "/schools/1/database_url",
        "not a database URL",
        "sqlite:////srv/esafety/SCHOOL.db",
    ),
    "another-database": (
        with_school("id: oak\nprofile: barley-lane-primary\ndatabase_url: mysql://h/oak\n"),
        "/schools/1/database_url",
        "'mysql' is not a database the progress store is kept in",
        "postgresql+psycopg://",
    ),
    "another-driver": (
        with_school("id: oak\nprofile: barley-lane-primary\ndatabase_url: postgresql://h/oak\n"),
        "/schools/1/database_url",
        "the driver 'postgresql' is not the toolkit's",
        "write postgresql+psycopg://",
    ),
    "no-postgresql-database": (
        with_school(
            "id: oak\nprofile: barley-lane-primary\ndatabase_url: postgresql+psycopg://h\n"
        ),
        "/schools/1/database_url",
        "names no database",
        "postgresql+psycopg://USER@HOST/DATABASE",
    ),
    "shared-sqlite-file": (
        with_school(
            "id: oak\nprofile: barley-lane-primary\n"
            "database_url: sqlite:////srv/esafety/../esafety//barley-lane.db\n"
        ),
        "/schools/1/database_url",
        "school 'oak' uses the SQLite file /srv/esafety/barley-lane.db, as school 'barley-lane'",
        "a database of its own",
    ),
    "shared-postgresql-database": (
        with_school(
            "id: oak\nprofile: bury-ce-primary\ndatabase_url: postgresql+psycopg://u@h:5432/t\n",
            with_school(
                "id: ash\nprofile: bury-ce-primary\ndatabase_url: postgresql+psycopg://h/t\n"
            ),
        ),
        "/schools/2/database_url",
        "school 'oak' uses the PostgreSQL database 't' on 'h' with no schema of its own, "
        "as school 'ash' does",
        "or a PostgreSQL schema of its own",
    ),
    "shared-postgresql-schema": (
        with_school(
            "id: oak\nprofile: bury-ce-primary\n"
            "database_url: postgresql+psycopg://h/t?options=-c%20search_path%3DASH\n",
            with_school(
                "id: ash\nprofile: bury-ce-primary\n"
                "database_url: postgresql+psycopg://h/t?options=-csearch_path%3Dash\n"
            ),
        ),
        "/schools/2/database_url",
        "with the schema 'ash', as school 'ash' does",
        "a database of its own",
    ),
    "name-on-two-lines": (
        with_school(
            'id: oak\nname: "Oak\\nLane"\nprofile: barley-lane-primary\n'
            "database_url: sqlite:////o.db\n"
        ),
        "/schools/1/name",
        "a line break or a control character",
        "on one line",
    ),
    "group-twice": (
        with_school(
            "id: oak\nprofile: barley-lane-primary\ndatabase_url: sqlite:////o.db\n"
            "groups: [Maths, Maths]\n"
        ),
        "/schools/1/groups/1",
        "group 'Maths' is listed twice",
        "list each group once",
    ),
    "group-a-number": (
        with_school(
            "id: oak\nprofile: barley-lane-primary\ndatabase_url: sqlite:////o.db\ngroups: [6]\n"
        ),
        "/schools/1/groups/0",
        "YAML read this as a number",
        "put the value in quotes",
    ),
    "newer-format": (
        SMALLEST.replace("schema_version: 1", "schema_version: 2"),
        "/schema_version",
        "written for trust file format 2; this toolkit reads up to 1",
        "upgrade the toolkit",
    ),
    "format-zero": (
        SMALLEST.replace("schema_version: 1", "schema_version: 0"),
        "/schema_version",
        "schema_version starts at 1",
        "write schema_version: 1",
    ),
    "not-a-mapping": (
        "- barley-lane\n",
        "",
        "a trust file holds schema_version, name and schools",
        "docs/deploy.md",
    ),
}


@pytest.mark.parametrize("defect", REFUSALS)
def test_each_refusal_names_its_key_path_and_gives_a_hint(catalogue, defect):
    """Is each defect refused alone, at its key path, with a message and a hint?"""
    text, path, message, hint = REFUSALS[defect]
    (problem,) = problems(text, catalogue)
    assert (problem.file, problem.path) == ("trust.yaml", path)
    assert message in problem.message
    assert hint in problem.hint


def test_every_problem_is_reported_at_once(catalogue):
    """Does one check report every defect of a file, not only the first?"""
    text = with_school(
        "id: Oak\nprofile: nowhere\ndatabase_url: sqlite:///oak.db\ncolour: red\n",
        with_school(
            "id: barley-lane\nprofile: barley-lane-primary\n"
            "database_url: sqlite:////srv/esafety/barley-lane.db\n"
        ),
    )
    found = {(p.path, p.message.split(":")[0]) for p in problems(text, catalogue)}
    assert {path for path, _ in found} == {
        "/schools/1/id",
        "/schools/1/database_url",
        "/schools/2/id",
        "/schools/2/colour",
        "/schools/2/profile",
        "/schools/2/database_url",
    }
    assert all(p.hint for p in problems(text, catalogue))


def test_no_message_shows_a_password(catalogue):
    """Does no problem repeat a URL's password, even of a URL that cannot be read?"""
    text = with_school(
        "id: oak\nprofile: barley-lane-primary\ndatabase_url: postgresql+psycopg//u:hunter2@h/oak\n",
        with_school(
            "id: ash\nprofile: barley-lane-primary\n"
            "database_url: postgresql+psycopg://u:hunt@er2@h/oak\n"
        ),
    )
    found = problems(text, catalogue)
    assert len(found) == 2
    assert not any("hunt" in str(p) for p in found)


def test_the_exported_json_schema_is_current():
    """Does schemas/trust.schema.json match the trust file's model (`esafety schema` writes it)?"""
    shipped = json.loads((PROJECT_ROOT / "schemas" / "trust.schema.json").read_text())
    assert shipped == trust_schema()


@pytest.mark.parametrize(
    "url, shown",
    [
        ("postgresql+psycopg://u:hunter2@h/db", "postgresql+psycopg://u:***@h/db"),
        ("postgresql+psycopg://u:hunt@er2@h/db", "postgresql+psycopg://u:***@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////srv/esafety/a@b.db", "sqlite:////srv/esafety/a@b.db"),
    ],
)
def test_a_shown_url_hides_its_password(url, shown):
    """Is a URL's password hidden when it is shown, even one holding an unencoded '@'?"""
    assert shown_url(url) == shown

"""Read a staff roster CSV into new learners, reporting every bad row by its line number."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from toolkit.content import ROLES
from toolkit.store import DuplicateLearner, Learner, NewLearner, RosterUpdate, Store

COLUMNS = ("name", "email", "role", "start_date")  # and an optional "group" column
EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
# A person's line is a few hundred characters, even from a spreadsheet with many columns.
MAX_LINE = 65_536
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # as a spreadsheet ends lines


@dataclass(frozen=True)
class RosterProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class RosterError(Exception):
    """The roster cannot be imported; nothing was added."""

    def __init__(self, source: str, problems: list[RosterProblem]):
        self.source, self.problems = source, problems
        lines = "\n".join(f"{source}: {p}" for p in problems)
        super().__init__(
            f"{lines}\nNothing was imported. Fix the rows above and import the file again."
        )


def parse_roster(
    data: bytes, source: str = "roster.csv", groups: tuple[str, ...] = ()
) -> list[tuple[int, NewLearner]]:
    """Each person in the file with the line they are on; RosterError lists every bad row.
    With `groups` (a trust school's, from the trust file), a person's group must be one."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(
            source,
            [RosterProblem(0, "the file is not UTF-8 text: save it as 'CSV UTF-8' and try again")],
        ) from None
    reader = csv.reader(_lines(text, source))
    header = next(_rows(reader, source), None)
    if header is None:
        raise RosterError(
            source,
            [RosterProblem(0, f"the file is empty: the first line must be {','.join(COLUMNS)}")],
        )
    columns = [h.strip().lower().replace(" ", "_") for h in header]
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise RosterError(
            source,
            [
                RosterProblem(
                    1,
                    f"missing column(s) {', '.join(missing)}: the first line must name {','.join(COLUMNS)}",
                )
            ],
        )
    where = {c: columns.index(c) for c in COLUMNS}
    people, problems, seen = [], [], {}
    for row in _rows(reader, source):
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(columns):
            problems.append(RosterProblem(line, f"expected {len(columns)} cells, found {len(row)}"))
            continue
        values = {c: row[i].strip() for c, i in where.items()}
        values["group"] = row[columns.index("group")].strip() if "group" in columns else ""
        person, errors = _person(values, groups)
        if person and person.email in seen:
            errors.append(f"{person.email} is already on line {seen[person.email]}")
        problems.extend(RosterProblem(line, e) for e in errors)
        if person and not errors:
            seen[person.email] = line
            people.append((line, person))
    if problems:
        raise RosterError(source, problems)
    if not people:
        raise RosterError(source, [RosterProblem(0, "the file has a header but no people")])
    return people


def _lines(text: str, source: str) -> Iterator[str]:
    """The file's lines; one too long for a roster stops the import before it fills the memory."""
    for number, match in enumerate(LINE.finditer(text), start=1):
        if match.end() - match.start() > MAX_LINE:
            message = (
                f"the line is over {MAX_LINE:,} characters long: is this the roster? "
                "Export the staff list again as CSV (one person a line)"
            )
            raise RosterError(source, [RosterProblem(number, message)])
        yield match.group()


def _rows(reader, source: str) -> Iterator[list[str]]:
    """The reader's rows; a line csv cannot read (a cell over its size limit) is a RosterError."""
    while True:
        line = reader.line_num + 1  # where the row starts: a quoted cell may span lines
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            if "field larger than field limit" in str(err):
                limit = csv.field_size_limit()
                message = (
                    f"a cell is over {limit:,} characters long: is this the roster? "
                    "Export the staff list again as CSV (one person a line)"
                )
            else:
                message = f"cannot read this line as CSV ({err}): export the file again as CSV"
            raise RosterError(source, [RosterProblem(line, message)]) from None


def _person(values: dict[str, str], groups: tuple[str, ...]) -> tuple[NewLearner | None, list[str]]:
    errors = []
    name = unicodedata.normalize("NFC", values["name"])
    if not name:
        errors.append("name is empty")
    elif len(name) > 200 or any(unicodedata.category(ch).startswith("C") for ch in name):
        errors.append("name has control characters or is over 200 characters long")
    email = values["email"].lower()
    if not EMAIL.match(email) or len(email) > 254:
        errors.append(f"{values['email']!r} is not an email address")
    role = values["role"].lower()
    if role not in ROLES:
        errors.append(f"role {values['role']!r} is not one of {', '.join(ROLES)}")
    start = _date(values["start_date"])
    if start is None:
        errors.append(
            f"start date {values['start_date']!r} is not a date: write 2026-09-01 or 01/09/2026"
        )
    group = " ".join(values["group"].split()) or None
    if group and (len(group) > 80 or not group.isprintable()):
        errors.append("group is over 80 characters or has control characters")
    elif group and groups and group not in groups:
        errors.append(
            f"group {group!r} is not one of the school's groups in the trust file: "
            f"{', '.join(groups)}"
        )
    if errors:
        return None, errors
    return NewLearner(name=name, email=email, role=role, start_date=start, group=group), []


def _date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def import_roster(
    store: Store,
    data: bytes,
    source: str = "roster.csv",
    progress: Callable[[int, int], None] | None = None,
    groups: tuple[str, ...] = (),
) -> list[tuple[Learner, str]]:
    """Add everyone in the file, or no one; returns each learner with their new access code.

    progress(done, total) follows the making of the access codes, the long part of a big file.
    """
    rows = parse_roster(data, source, groups)
    try:
        return store.add_learners((person for _, person in rows), progress)
    except DuplicateLearner as err:
        taken = set(err.emails)
        raise RosterError(
            source,
            [
                RosterProblem(line, f"{p.email} is already on the roster")
                for line, p in rows
                if p.email in taken
            ],
        ) from None


def update_roster(
    store: Store,
    data: bytes,
    source: str = "roster.csv",
    progress: Callable[[int, int], None] | None = None,
    groups: tuple[str, ...] = (),
) -> RosterUpdate:
    """Bring the roster up to date with the whole staff list in the file, all or nothing: new
    people added with access codes, changes made, and who the file leaves out listed."""
    people = [person for _, person in parse_roster(data, source, groups)]
    return store.update_roster(people, progress)

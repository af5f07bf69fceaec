"""Policy coverage: for each clause of a school's catalogue, what in the content teaches it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from toolkit.content import Catalogue, Clause
from toolkit.content.points import points


@dataclass(frozen=True)
class ClauseCoverage:
    school_id: str
    clause: Clause
    taught_by: tuple[str, ...]

    @property
    def for_staff(self) -> bool:
        return "staff" in self.clause.audience

    @property
    def covered(self) -> bool:
        return bool(self.taught_by)


def teaching_points(catalogue: Catalogue) -> Iterator[tuple[str, str]]:
    """Every (citation, where) pair: each scenario choice and quiz question that cites a clause."""
    for point in points(catalogue):
        for citation in point.item.cites:
            yield citation, point.where


def citing_nothing(catalogue: Catalogue, school_id: str) -> list[str]:
    """The scenarios and quizzes in which no choice or question cites this school's policy:
    its staff are given national guidance there, and no clause of their own."""
    cited: dict[str, bool] = {}
    for point in points(catalogue):
        cited[point.unit] = cited.get(point.unit, False) or any(
            c.source == school_id for c in point.item.cites
        )
    return [where for where, any_cited in cited.items() if not any_cited]


def coverage(catalogue: Catalogue, school_id: str) -> list[ClauseCoverage]:
    profile = catalogue.profile(school_id)
    taught: dict[str, list[str]] = {}
    for citation, where in teaching_points(catalogue):
        taught.setdefault(citation, []).append(where)
    return [
        ClauseCoverage(school_id, clause, tuple(taught.get(f"{school_id}#{clause.id}", ())))
        for clause in profile.clauses
    ]


def staff_percent(rows: list[ClauseCoverage]) -> float:
    staff = [r for r in rows if r.for_staff]
    return 100.0 * sum(r.covered for r in staff) / len(staff) if staff else 100.0


def as_csv(rows: list[ClauseCoverage]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["school", "clause_id", "strength", "covered_by"])
    for row in rows:
        writer.writerow(
            [row.school_id, row.clause.id, row.clause.strength, "; ".join(row.taught_by)]
        )
    return out.getvalue()


def as_table(rows: list[ClauseCoverage]) -> str:
    width = max(len(r.clause.id) for r in rows)
    lines = []
    for row in rows:
        audience = ",".join(row.clause.audience)
        where = (
            row.taught_by[0]
            + (f" (+{len(row.taught_by) - 1} more)" if len(row.taught_by) > 1 else "")
            if row.taught_by
            else "NOT TAUGHT"
        )
        lines.append(f"{row.clause.id:<{width}}  {row.clause.strength:<6}  {audience:<22}  {where}")
    staff = [r for r in rows if r.for_staff]
    lines.append(
        f"{rows[0].school_id}: staff clauses taught {sum(r.covered for r in staff)}/{len(staff)} "
        f"({staff_percent(rows):.1f}%); all clauses {sum(r.covered for r in rows)}/{len(rows)}"
    )
    return "\n".join(lines)

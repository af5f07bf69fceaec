"""The trust's figures: per school, counts and shares only (never a name), and the
misconceptions its schools share, read from each school's own progress store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from toolkit.content import Catalogue, ContentError
from toolkit.reports import tables
from toolkit.school.school import School
from toolkit.store import SCHOOL_KEY, Store, StoreError, StoreMissing
from toolkit.trust import Trust, TrustSchool

# A new starter joined within the last term (13 weeks), by the roster's start date.
NEW_STARTER_DAYS = 91
# Misconceptions read from each school: enough that one shared by schools is not cut off
# by a school's own more frequent ones.
READ_PER_SCHOOL = 50
RECURS_IN = 2  # a misconception found in this many schools recurs across the trust


class SchoolUnavailable(Exception):
    """A school's records cannot be read: what is wrong, and what to do, on one line."""


@dataclass(frozen=True)
class Figures:
    """One school's figures: counts of current staff, and lessons delivered by class band."""

    staff: int  # on the roster, not marked as having left
    trained: int  # every module for their role complete (none expired)
    in_progress: int  # not fully trained, but started a scenario or a quiz
    not_started: int  # started nothing yet
    overdue: int  # a module past its due date and not complete
    expired: int  # a module whose refresher is due (completed too long ago)
    new_starters: int  # started in the last NEW_STARTER_DAYS days
    new_untrained: int  # of those, not yet fully trained
    lessons: dict[str, int] = field(default_factory=dict)  # class band -> lessons delivered

    def percent(self, count: int) -> int:
        """`count` as a whole percentage of the staff (0 when there are none)."""
        return round(100 * count / self.staff) if self.staff else 0


@dataclass(frozen=True)
class SchoolResult:
    """A school of the trust with its figures, or why they could not be read."""

    id: str
    name: str
    figures: Figures | None
    problem: str = ""  # set when figures is None


@dataclass(frozen=True)
class Found:
    """A misconception as one school's staff met it (its words are that school's)."""

    key: tuple
    where: str
    what: str
    learners: int  # current staff of the school who made it at least once


@dataclass(frozen=True)
class Recurring:
    """A misconception found in several schools: the same scenario choice or quiz question."""

    kind: str  # "choice" or "question"
    where: str  # the scenario's or the module's title
    what: str  # the choice or the question, as the first school listing it reads it
    schools: tuple[str, ...]  # names of the schools where staff made it
    learners: int  # current staff in those schools who made it at least once
    staff: int  # current staff on the rosters of those schools

    @property
    def share(self) -> int:
        """Whole percentage of those schools' staff who made it."""
        return round(100 * self.learners / self.staff) if self.staff else 0


@dataclass
class TrustEvidence:
    """Everything the trust's report and page show, gathered once."""

    trust: str  # the trust's name
    today: date
    schools: list[SchoolResult]
    recurring: list[Recurring]

    @property
    def bands(self) -> list[str]:
        """The class bands any school delivered lessons to, in order."""
        found = {band for s in self.schools if s.figures for band in s.figures.lessons}
        return sorted(found, key=_band_order)

    @property
    def read(self) -> list[SchoolResult]:
        """The schools whose records were read."""
        return [s for s in self.schools if s.figures is not None]


def _band_order(band: str) -> tuple:
    """Age bands such as '5-7' and '7-11' in order of age, not of spelling."""
    first = band.split("-")[0]
    return (0, int(first), band) if first.isdigit() else (1, 0, band)


@contextmanager
def opened(school: TrustSchool, catalogue: Catalogue) -> Iterator[tuple[Store, School]]:
    """The school's store and resolved school, closed after; SchoolUnavailable if they cannot
    be had (never an empty store made in place of a missing one)."""
    store = open_school(school)
    try:
        yield store, resolve_school(store, school, catalogue)
    finally:
        store.close()


def open_school(school: TrustSchool) -> Store:
    """The school's progress store, opened as the pages open it; SchoolUnavailable if not."""
    try:
        return Store(school.database_url, create=False)
    except StoreMissing:
        raise SchoolUnavailable(
            f"no progress store at its database_url: set it up with `esafety init --school "
            f"{school.id}` (the trust file in ESAFETY_TRUST), or restore its file from backup"
        ) from None
    except StoreError as err:
        raise SchoolUnavailable(
            f"its progress store cannot be read ({err}): check its database_url in the trust "
            "file and that its database is running"
        ) from None


def resolve_school(store: Store, school: TrustSchool, catalogue: Catalogue) -> School:
    """The school as its store is set up; SchoolUnavailable if it is not, or for another profile."""
    try:
        set_up = store.get_meta(SCHOOL_KEY)
    except StoreError as err:
        raise SchoolUnavailable(f"its progress store cannot be read ({err})") from None
    if set_up is None:
        raise SchoolUnavailable(
            f"its progress store is not set up: run `esafety init --school {school.id}` "
            "(the trust file in ESAFETY_TRUST)"
        )
    if set_up != school.profile:
        raise SchoolUnavailable(
            f"its progress store is set up for {set_up!r}, the trust file says "
            f"{school.profile!r}: correct its profile in the trust file"
        )
    try:
        return School.resolve(catalogue, school.profile)
    except ContentError as err:
        raise SchoolUnavailable(f"its profile cannot be read: {err.problems[0]}") from None


def school_figures(store: Store, school: School, today: date) -> Figures:
    """One school's counts, from its completion matrix and its classroom records."""
    matrix = tables.completion_matrix(store, school, today)
    started = set(store.scenario_standings()) | set(store.quiz_standings())
    since = today - timedelta(days=NEW_STARTER_DAYS)
    new = [row for row in matrix if row.learner.start_date > since]
    bands = {c.id: c.band for c in store.classes()}

    def having(status: str) -> int:
        return sum(
            any(c is not None and c.status == status for c in r.cells.values()) for r in matrix
        )

    trained = sum(row.complete for row in matrix)
    begun = sum(not row.complete and row.learner.id in started for row in matrix)
    return Figures(
        staff=len(matrix),
        trained=trained,
        in_progress=begun,
        not_started=len(matrix) - trained - begun,
        overdue=having("overdue"),
        expired=having("expired"),
        new_starters=len(new),
        new_untrained=sum(not row.complete for row in new),
        lessons=dict(Counter(bands.get(d.class_id, "?") for d in store.deliveries())),
    )


def misconceptions(store: Store, school: School) -> list[Found]:
    """The school's unsafe choices and missed questions, keyed to be matched across schools,
    with how many of its current staff made each."""
    by_choice = store.unsafe_choice_learners()
    by_question = store.missed_question_learners()
    found = []
    for m in tables.unsafe_choices(store, school, READ_PER_SCHOOL):
        found.append(Found(m.key, m.where, m.what, by_choice.get(m.key[1:], 0)))
    for m in tables.missed_questions(store, school, READ_PER_SCHOOL):
        found.append(Found(m.key, m.where, m.what, by_question.get(m.key[1:], 0)))
    return found


def recurring(found: list[tuple[SchoolResult, list[Found]]]) -> list[Recurring]:
    """The misconceptions found in at least RECURS_IN schools, those in most schools first,
    then those made by the largest share of those schools' staff."""
    seen: dict[tuple, list[tuple[SchoolResult, Found]]] = {}
    for result, misconceptions_found in found:
        for item in misconceptions_found:
            seen.setdefault(item.key, []).append((result, item))
    shared = []
    for key, places in seen.items():
        if len(places) < RECURS_IN:
            continue
        _, first = places[0]
        shared.append(
            Recurring(
                kind=key[0],
                where=first.where,
                what=first.what,
                schools=tuple(result.name for result, _ in places),
                learners=sum(item.learners for _, item in places),
                staff=sum(result.figures.staff for result, _ in places if result.figures),
            )
        )
    return sorted(shared, key=lambda r: (-len(r.schools), -r.share, r.where, r.what))


def gather_trust(trust: Trust, catalogue: Catalogue, today: date) -> TrustEvidence:
    """Each school's figures (or why they could not be read) and the misconceptions shared."""
    results, found = [], []
    for school in trust.schools:
        name = school.name or school.id
        try:
            with opened(school, catalogue) as (store, resolved):
                result = SchoolResult(school.id, name, school_figures(store, resolved, today))
                found.append((result, misconceptions(store, resolved)))
        except SchoolUnavailable as err:
            result = SchoolResult(school.id, name, None, str(err))
        except StoreError as err:  # lost while being read
            result = SchoolResult(school.id, name, None, f"its records could not be read ({err})")
        results.append(result)
    return TrustEvidence(trust.name, today, results, recurring(found))

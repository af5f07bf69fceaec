"""The trust's report: each school's figures from its own store, the misconceptions its schools
share, schools whose records cannot be read, and the CSV, HTML and PDF, naming no one."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from pypdf import PdfReader

from tests.reports.trust_schools import (
    NORTH_PEOPLE,
    SOUTH_PEOPLE,
    TODAY,
    make_trust,
    miss_question,
    trust_file,
)
from tests.test_trust import HOSTILE
from toolkit.reports import trust as trust_reports
from toolkit.reports import trust_render
from toolkit.reports.trust import Figures, Found, SchoolResult, gather_trust
from toolkit.store import NewLearner, Store
from toolkit.trust import load_trust


@pytest.fixture
def folder(tmp_path, catalogue, monkeypatch):
    return make_trust(tmp_path, catalogue, monkeypatch)


@pytest.fixture
def evidence(folder, catalogue):
    return gather_trust(load_trust(folder.path, catalogue), catalogue, TODAY)


def every_name_and_email() -> list[str]:
    people = [name.split()[0] for name in NORTH_PEOPLE + SOUTH_PEOPLE]
    return people + [f"{first.lower()}@school.example" for first in people]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_each_schools_figures(evidence):
    """Are each school's staff counted exactly: trained, in progress, not started, overdue,
    expired, new starters not trained, lessons by class band; leavers left out?"""
    north, south, west = evidence.schools
    assert north.figures == Figures(
        staff=3,  # Dee has left
        trained=1,
        in_progress=1,
        not_started=1,
        overdue=2,  # Bob, and Cat, whose first modules were due 7 days after she started
        expired=0,
        new_starters=1,
        new_untrained=1,
        lessons={"5-7": 2, "7-11": 1},
    )
    assert south.figures == Figures(
        staff=3,
        trained=0,
        in_progress=3,  # Gus trained, but long ago: started, not fully trained
        not_started=0,
        overdue=1,
        expired=1,
        new_starters=2,
        new_untrained=2,
        lessons={},
    )
    assert (north.name, south.name, west.name) == ("North Academy", "South Primary", "West School")
    assert west.figures is None
    assert evidence.bands == ["5-7", "7-11"]
    assert north.figures.percent(north.figures.overdue) == 67


def test_a_misconception_recurs_only_when_two_schools_share_it(evidence, catalogue):
    """Is the unsafe choice made in North and South (each in its own words) found as one
    misconception of both, counted by people, while a choice or question met in one school is
    not?"""
    (shared,) = evidence.recurring
    assert shared.kind == "choice" and shared.where == "A friend request from a pupil"
    assert shared.schools == ("North Academy", "South Primary")
    assert (shared.learners, shared.staff, shared.share) == (2, 6, 33)  # Bob chose it twice


def test_a_question_missed_in_two_schools_recurs(folder, catalogue):
    """Does the same quiz question, missed in two schools with different profiles, recur?"""
    store = Store(folder.north)
    ((learner, _),) = store.add_learners(
        [NewLearner("Hal Hunt", "hal@school.example", "teacher", date(2026, 10, 1))]
    )
    miss_question(store, catalogue, learner)
    store.close()
    evidence = gather_trust(load_trust(folder.path, catalogue), catalogue, TODAY)
    kinds = [(r.kind, len(r.schools)) for r in evidence.recurring]
    assert sorted(kinds) == [("choice", 2), ("question", 2)]
    question = next(r for r in evidence.recurring if r.kind == "question")
    assert question.where == catalogue.modules["contact"].title
    assert (question.learners, question.staff) == (2, 7)


def test_recurring_misconceptions_rank_by_schools_then_share():
    """Does one found in three schools come before one in two, and among those in two, the
    one made by the larger share of those schools' staff?"""

    def school(name: str, staff: int) -> SchoolResult:
        return SchoolResult(name, name, Figures(staff, 0, 0, staff, 0, 0, 0, 0))

    a, b, c = school("A", 10), school("B", 10), school("C", 10)
    wide, rare, common = ("choice", "s", "x", 0), ("choice", "s", "y", 1), ("question", "m", "q")
    found = [
        (
            a,
            [
                Found(rare, "S", "rare", 1),
                Found(common, "M", "common", 8),
                Found(wide, "S", "w", 1),
            ],
        ),
        (
            b,
            [
                Found(rare, "S", "rare", 1),
                Found(common, "M", "common", 6),
                Found(wide, "S", "w", 1),
            ],
        ),
        (c, [Found(wide, "S", "w", 1), Found(("choice", "only", "c", 0), "S", "alone", 9)]),
    ]
    ranked = trust_reports.recurring(found)
    assert [(r.what, len(r.schools), r.share) for r in ranked] == [
        ("w", 3, 10),
        ("common", 2, 70),
        ("rare", 2, 10),
    ]


def test_a_school_whose_records_cannot_be_read_is_reported_alone(tmp_path, catalogue, folder):
    """Is a missing, unreadable, not set up or mis-profiled store each reported on its row,
    with what to do, while the other schools are read?"""
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database at all " * 20)
    Store(f"sqlite:///{tmp_path / 'empty.db'}").close()  # made, never set up
    (tmp_path / "again").mkdir()
    path = trust_file(
        tmp_path / "again",
        [
            ("north", "North Academy", "barley-lane-primary", folder.north),
            ("gone", "Gone School", "lunsford-primary", f"sqlite:///{tmp_path / 'none.db'}"),
            ("broken", "Broken School", "lunsford-primary", f"sqlite:///{garbage}"),
            ("empty", "Empty School", "lunsford-primary", f"sqlite:///{tmp_path / 'empty.db'}"),
            ("other", "Other School", "lunsford-primary", folder.south),
        ],
    )
    evidence = gather_trust(load_trust(path, catalogue), catalogue, TODAY)
    north, gone, broken, empty, other = evidence.schools
    assert north.figures is not None and north.problem == ""
    assert gone.problem.startswith("no progress store")
    assert "esafety init --school gone" in gone.problem
    assert "esafety init --school empty" in empty.problem
    assert broken.problem.startswith("its progress store cannot be read")
    assert "check its database_url" in broken.problem
    assert empty.problem.startswith("its progress store is not set up")
    assert "set up for 'bury-ce-primary'" in other.problem
    assert all("\n" not in s.problem for s in evidence.schools)
    assert not (tmp_path / "none.db").exists()  # never made empty in place of a lost one
    assert evidence.recurring == []  # only North was read


def test_the_csv_has_a_row_per_school_and_the_shared_misconceptions(evidence):
    """Does the CSV hold the schools' table and the misconceptions' table, each headed, with
    the figures, and no one's name?"""
    text = trust_render.as_csv(evidence)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Schools"]
    header = rows[1]
    assert header[:6] == ["trust", "report_date", "school_id", "school", "records", "staff"]
    assert header[-2:] == ["lessons_5-7", "lessons_7-11"]
    north = dict(zip(header, rows[2], strict=True))
    assert north["school"] == "North Academy" and north["report_date"] == "2026-11-20"
    assert (north["staff"], north["fully_trained"], north["overdue"]) == ("3", "1", "2")
    assert (north["lessons_5-7"], north["new_starters_not_trained"]) == ("2", "1")
    assert rows[4][:4] == ["Riverside Learning Trust", "2026-11-20", "west", "West School"]
    assert rows[4][4].startswith("no progress store")
    blank = rows.index([])
    assert rows[blank + 1][0].startswith("Misconceptions recurring across schools")
    assert rows[blank + 2][0] == "kind"
    assert rows[blank + 3][0] == "choice" and rows[blank + 3][-1] == "2 of 6"
    assert len(rows) == blank + 4
    for name in every_name_and_email():
        assert name not in text


def test_the_html_report_shows_the_chart_its_figures_and_no_one(evidence):
    """Does the HTML report hold the chart with its text alternative, the table of schools and
    the meaning of each column, escape the trust's words, and name no one?"""
    evidence.trust = HOSTILE
    html = trust_render.as_html(evidence)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'alt="Training completion by school' in html
    assert "data:image/png;base64," in html
    assert '<th scope="col">New starters not yet trained</th>' in html
    assert "<td>North Academy</td><td>3</td><td>1 (33%)</td>" in html
    assert "staff with a module past its due date and not complete" in html
    assert "2 of 6 (33%)" in html
    for name in every_name_and_email():
        assert name not in html


def test_the_pdf_reads_as_an_inspector_needs(evidence):
    """Does the PDF give its title, the trust, the date, each school with its figures, what
    each column means and the shared misconception, and name no one?"""
    text = " ".join(pdf_text(trust_render.as_pdf(evidence)).split())
    for words in (
        "Social media training across the trust",
        "Riverside Learning Trust · report date 20 November 2026",
        "1 of 6 staff in 2 of 3 schools are fully trained. The records of 1 school could not",
        "North Academy 3 1 (33%) 1 (33%) 1 (33%) 2 (67%) 0 (0%) 1 of 1 2 1 read",
        "South Primary 3 0 (0%)",
        "West School not read",
        "What each column means",
        "staff with a module past its due date and not complete",
        "Lessons, ages 5-7 pupil lessons delivered to classes of the 5-7 age band",
        "2: North Academy, South Primary 2 of 6 (33%)",
        "page 1 of",
    ):
        assert words in text, words
    for name in every_name_and_email():
        assert name not in text


def test_the_chart_counts_staff_in_whole_numbers(evidence):
    """Does the chart step in whole staff, one bar per school read, each as long as its staff?"""
    figure = trust_render.completion_chart(evidence)
    figure.canvas.draw()
    (axes,) = figure.axes
    assert all(t == int(t) for t in axes.get_xticks())
    assert [t.get_text() for t in axes.get_yticklabels()] == ["North Academy", "South Primary"]
    ends = {}
    for bar in axes.patches:
        ends[bar.get_y()] = max(ends.get(bar.get_y(), 0), bar.get_x() + bar.get_width())
    assert sorted(ends.values()) == [3, 3]


def test_a_trust_of_unread_schools_still_has_a_chart(tmp_path, catalogue):
    """With no school read, does the chart say so, with no fractional ticks?"""
    path = trust_file(
        tmp_path, [("gone", "Gone", "lunsford-primary", f"sqlite:///{tmp_path / 'x.db'}")]
    )
    evidence = gather_trust(load_trust(path, catalogue), catalogue, TODAY)
    figure = trust_render.completion_chart(evidence)
    figure.canvas.draw()
    (axes,) = figure.axes
    assert "No school's records could be read" in [t.get_text() for t in axes.texts]
    assert trust_render.summary(evidence).startswith("0 of 0 staff in 0 of 1 schools")
    assert "West" not in trust_render.as_html(evidence)


def test_a_trust_of_fifty_schools_fits_its_chart_on_a_page(tmp_path, catalogue, folder):
    """With fifty schools, does the PDF still build, every school in its table, and the chart
    stay one page high with its labels in type no larger than each bar's room?"""
    import shutil

    north = folder.north.removeprefix("sqlite:///")
    many = tmp_path / "many"
    many.mkdir()
    schools = []
    for number in range(1, 51):
        copy = many / f"school-{number}.db"
        shutil.copyfile(north, copy)
        schools.append(
            (f"s{number}", f"School {number}", "barley-lane-primary", f"sqlite:///{copy}")
        )
    evidence = gather_trust(load_trust(trust_file(many, schools), catalogue), catalogue, TODAY)
    assert len(evidence.read) == 50
    (axes,) = trust_render.completion_chart(evidence).axes
    assert axes.figure.get_size_inches()[1] == trust_render.TALLEST
    text = " ".join(pdf_text(trust_render.as_pdf(evidence)).split())
    assert all(f"School {number} 3 1 (33%)" in text for number in range(1, 51))

"""The DSL's reports on a real store: statuses, misconceptions, lessons, exports, data rights."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from markupsafe import escape
from pypdf import PdfReader

from tests.conftest import SCHOOL
from toolkit.apps.dsl import DslApp
from toolkit.dates import add_months
from toolkit.reports import html as report_render
from toolkit.reports import tables as reports
from toolkit.school.school import School
from toolkit.store import NewLearner, UnknownLearner

TODAY = date(2026, 11, 20)


def add(store, name, role="teacher", start=date(2026, 11, 1)):
    ((learner, _),) = store.add_learners(
        [NewLearner(name, f"{name.lower()}@school.example", role, start)]
    )
    return learner


def complete_module(store, catalogue, learner, module_id, version=None, quiz=True, passed=True):
    for scenario in catalogue.scenarios_in(module_id):
        attempt = store.start_attempt(
            learner.id, scenario.id, version or catalogue.version(scenario.id, SCHOOL)
        )
        store.record_choice(attempt, scenario.start, 0, "safe", after=0)
        store.complete_attempt(attempt, 100)
    if quiz:
        quiz_attempt = store.start_quiz(
            learner.id, module_id, catalogue.quiz_version(module_id, SCHOOL), []
        )
        store.record_quiz_result(quiz_attempt, [], 100 if passed else 20, passed)


def cell(store, catalogue, learner, module_id, today=TODAY):
    matrix = reports.completion_matrix(store, School.resolve(catalogue, SCHOOL), today)
    return next(r for r in matrix if r.learner.id == learner.id).cells[module_id]


def test_each_status_of_the_matrix(any_store, catalogue):
    """Not started, in progress, failed, due soon, overdue, complete, expired, policy changed?"""
    store = any_store
    fresh = add(store, "Fresh", start=date(2026, 11, 19))
    assert (
        cell(store, catalogue, fresh, "photos-reputation").status == "not started"
    )  # due in 21 days
    assert cell(store, catalogue, fresh, "online-presence").status == "due soon"  # due in 7 days
    started = add(store, "Started", start=date(2026, 11, 19))
    scenario = catalogue.scenarios_in("photos-reputation")[0]
    store.start_attempt(started.id, scenario.id, "v")
    assert cell(store, catalogue, started, "photos-reputation").status == "in progress"
    failing = add(store, "Failing", start=date(2026, 11, 19))
    complete_module(store, catalogue, failing, "photos-reputation", passed=False)
    assert cell(store, catalogue, failing, "photos-reputation").status == "failed"
    late = add(store, "Late", start=date(2026, 9, 1))
    assert cell(store, catalogue, late, "contact").status == "overdue"
    done = add(store, "Done")
    complete_module(store, catalogue, done, "contact")
    finished = cell(store, catalogue, done, "contact")
    assert finished.status == "complete" and not finished.policy_changed
    assert finished.completed_on is not None
    refresher = catalogue.profile(SCHOOL).settings.refresher_months
    later = add_months(finished.completed_on, refresher) + timedelta(days=1)
    assert cell(store, catalogue, done, "contact", today=later).status == "expired"
    old = add(store, "Old")
    complete_module(store, catalogue, old, "contact", version="an-older-version")
    assert cell(store, catalogue, old, "contact").policy_changed
    assert "policy changed since" in cell(store, catalogue, old, "contact").text


def test_modules_outside_a_role_are_left_out_and_role_filters(store, catalogue, school):
    """Governors skip modules not for governors; a role filter keeps only that role."""
    governor = add(store, "Gov", role="governor")
    add(store, "Teach")
    matrix = reports.completion_matrix(store, school, TODAY, role="governor")
    assert [r.learner.id for r in matrix] == [governor.id]
    assert matrix[0].cells["at-work"] is None


def test_misconceptions_name_the_unsafe_choices_and_missed_questions(store, catalogue, school):
    learner = add(store, "Mis")
    scenario = catalogue.scenarios["friend-request-from-pupil"]
    unsafe = next(
        i for i, c in enumerate(scenario.steps["request"].choices) if c.outcome == "unsafe"
    )
    for _ in range(3):
        attempt = store.start_attempt(learner.id, scenario.id, "v")
        store.record_choice(attempt, "request", unsafe, "unsafe", after=0)
    quiz = store.start_quiz(learner.id, "contact", "v", [])
    from toolkit.store import QuizAnswer

    question = catalogue.quizzes["contact"].questions[0]
    store.record_quiz_result(quiz, [QuizAnswer(1, question.id, ["a"], False)], 0, False)
    (top, *_) = reports.unsafe_choices(store, school)
    assert (
        top.times == 3
        and top.what
        == scenario.for_school(catalogue.profile(SCHOOL)).steps["request"].choices[unsafe].label
    )
    (missed,) = reports.missed_questions(store, school)
    assert (missed.times, missed.out_of) == (1, 1)


def test_lesson_coverage_by_class_term_and_letter(store, catalogue):
    oak = store.add_class("Year 1 Oak", "5-7")
    store.record_delivery(oak.id, "safe-5-7", "v", None, date(2026, 10, 1), [])
    store.record_delivery(oak.id, "safe-5-7", "v", None, date(2026, 10, 8), [])
    store.record_delivery(oak.id, "tell-5-7", "v", None, date(2027, 2, 1), [])
    assert reports.lesson_coverage(store, catalogue) == [
        ("Year 1 Oak", "Autumn 2026", "Safe", 2),
        ("Year 1 Oak", "Spring 2027", "Tell", 1),
    ]


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx"])
def test_csv_cells_that_look_like_formulas_are_neutralised(store, catalogue, value, school):
    add(store, value if value[0] != "\t" else "Tab" + value)
    learner_name = value
    store.add_learners([NewLearner(learner_name, "f@school.example", "teacher", date(2026, 11, 1))])
    evidence = report_render.gather(store, school, TODAY)
    rows = list(csv.reader(io.StringIO(report_render.as_csv(evidence))))
    assert rows[0] == report_render.CSV_COLUMNS
    for row in rows[1:]:
        for cell_text in row:
            assert not cell_text.startswith(("=", "+", "-", "@", "\t"))
    assert any(r[3] == "'" + learner_name for r in rows[1:])


MARKUP_NAME = "Zoë <b>O'Neil</b> & Co <font size=40>"


def pdf_pages(evidence) -> list[str]:
    """The text of each page of the PDF report, its white space made single spaces."""
    reader = PdfReader(io.BytesIO(report_render.as_pdf(evidence)))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_the_pdf_report_opens_and_holds_the_figures(store, catalogue, school):
    """Does the PDF open, with the school, the date, the policy and the overdue list?"""
    late = add(store, "Late", start=date(2026, 9, 1))
    pages = pdf_pages(report_render.gather(store, school, TODAY))
    assert "Barley Lane Primary School" in pages[0] and "20 November 2026" in pages[0]
    assert "Social Media Policy" in pages[0]
    assert any(late.name in page and "Overdue or expired training" in page for page in pages)


def test_the_pdf_report_holds_all_the_html_report_holds(store, catalogue, school):
    """Does the PDF carry each person's row of the matrix, the lessons taught and the
    misconceptions, with a name full of markup characters shown as typed?"""
    people = [add(store, f"Person {n:02d}", start=TODAY) for n in range(3)]
    ((beyond_latin_1, _),) = store.add_learners(
        [NewLearner("Łukasz Wróbel-Ştefănescu", "lukasz@school.example", "teacher", TODAY)]
    )
    people.append(beyond_latin_1)
    odd = add(store, MARKUP_NAME, start=TODAY)
    oak = store.add_class("Year 1 <Oak> & Ash", "5-7")
    store.record_delivery(oak.id, "safe-5-7", "v", None, date(2026, 10, 1), [])
    scenario = catalogue.scenarios["friend-request-from-pupil"]
    unsafe = next(
        i for i, c in enumerate(scenario.steps["request"].choices) if c.outcome == "unsafe"
    )
    attempt = store.start_attempt(odd.id, scenario.id, "v")
    store.record_choice(attempt, "request", unsafe, "unsafe", after=0)
    from toolkit.store import QuizAnswer

    question = catalogue.quizzes["contact"].questions[0]
    quiz = store.start_quiz(odd.id, "contact", "v", [])
    store.record_quiz_result(quiz, [QuizAnswer(1, question.id, ["a"], False)], 0, False)
    evidence = report_render.gather(store, school, TODAY)
    text = " ".join(pdf_pages(evidence))
    for person in [*people, odd]:
        assert f"{person.name} {person.role}" in text  # the row's heading: name, then role
    assert MARKUP_NAME in text
    assert "Completion by learner and module" in text
    for title, rows in (
        ("Pupil lessons taught", report_render.lessons_listing(evidence).rows),
        ("Unsafe choices made most often", report_render.unsafe_listing(evidence).rows),
        ("Quiz questions missed most often", report_render.missed_listing(evidence).rows),
    ):
        assert title in text and rows
        for row in rows:
            assert " ".join(" ".join(row).split()) in text, (title, row)
    assert "Year 1 <Oak> & Ash Autumn 2026 Safe 1" in text


def test_the_reports_of_a_school_with_no_one_yet(store, catalogue, school):
    """With no one on the roster, do the PDF and HTML reports still come out, saying so?"""
    evidence = report_render.gather(store, school, TODAY)
    text = " ".join(pdf_pages(evidence))
    assert "No one on the roster." in text and "No one with these filters." in text
    assert "No one with these filters." in report_render.as_html(evidence)


def test_a_long_pdf_matrix_runs_on_under_its_header(store, catalogue, school):
    """Does a matrix longer than a page run on over pages, each starting with its header row?"""
    store.add_learners(
        [NewLearner(f"Member {n:03d}", f"m{n}@school.example", "teacher", TODAY) for n in range(60)]
    )
    evidence = report_render.gather(store, school, TODAY)
    header = " ".join(["Learner", *(m.title for m in reports.modules_in_order(catalogue))])
    pages = [page for page in pdf_pages(evidence) if "Member " in page]
    assert len(pages) >= 2
    for page in pages:
        assert header in page
        # the header comes before the first row of the page
        assert page.index(header) < page.index("Member ")
    assert all(f"Member {n:03d} teacher" in " ".join(pages) for n in range(60))


def test_the_html_report_escapes_names_and_describes_charts(store, catalogue, school):
    add(store, "<script>alert(1)</script>")
    page = report_render.as_html(report_render.gather(store, school, TODAY))
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert page.count("<img alt=") == 3 and 'lang="en-GB"' in page
    # each chart's figures in words too, as the PDF has them
    assert "Learners in each status, by module" in page and "Modules completed each month" in page


def test_the_dsl_app_filters_and_shows_a_learners_history(store, catalogue, school):
    teacher = add(store, "Teach")
    add(store, "Gov", role="governor")
    complete_module(store, catalogue, teacher, "contact")
    app = DslApp(store, school, today=lambda: TODAY)
    assert "Completion by learner and module" in app.matrix.value and "Gov" in app.matrix.value
    app.role.value = "teacher"
    assert "Gov" not in app.matrix.value and "Teach" in app.matrix.value
    app.learner_picker.value = teacher.id
    assert app.history.value.count("<tr>") == 1 + len(catalogue.scenarios_in("contact"))
    app.download_button.click()
    assert (
        "data:text/csv;base64," in app.downloads.value
        and "data:application/pdf;base64," in app.downloads.value
    )
    assert app.alert.value == ""


def test_export_and_erase_a_learner(store, catalogue):
    """Does export hold every record (but no code hash), and erase remove them all?"""
    learner = add(store, "Gone")
    complete_module(store, catalogue, learner, "contact")
    records = store.export_learner(learner.email)
    assert records["learner"]["email"] == learner.email and "code_hash" not in str(records)
    assert len(records["scenario_attempts"]) == len(catalogue.scenarios_in("contact"))
    assert all(a["choices"] for a in records["scenario_attempts"]) and records["quiz_attempts"]
    store.erase_learner(learner.email)
    assert store.attempts_for(learner.id) == [] and store.quiz_attempts_for(learner.id) == []
    with pytest.raises(UnknownLearner):
        store.export_learner(learner.email)


def test_the_matrix_filters_by_group(store, catalogue, school):
    """Does a group filter keep only that group's learners, in the matrix and the DSL app?"""
    store.add_learners(
        [
            NewLearner("Ks One", "k1@school.example", "teacher", date(2026, 11, 1), group="KS1"),
            NewLearner("Ks Two", "k2@school.example", "teacher", date(2026, 11, 1), group="KS2"),
        ]
    )
    matrix = reports.completion_matrix(store, school, TODAY, group="KS2")
    assert [row.learner.name for row in matrix] == ["Ks Two"]
    app = DslApp(store, school, today=lambda: TODAY)
    assert [label for label, _ in app.group.options] == ["Everyone", "KS1", "KS2"]
    app.group.value = "KS1"
    assert "Ks One" in app.matrix.value and "Ks Two" not in app.matrix.value


def test_the_dsl_app_filters_the_figures_it_read_until_reloaded(store, catalogue, school):
    """Do filter changes reuse the figures read (no trust-sized re-read), and Reload read anew?"""
    add(store, "Early", role="support")
    app = DslApp(store, school, today=lambda: TODAY)
    add(store, "Later", role="support")
    app.role.value = "support"
    assert "Early" in app.matrix.value and "Later" not in app.matrix.value
    app.reload_button.click()
    assert "Early" in app.matrix.value and "Later" in app.matrix.value
    app.role.value = "governor"
    assert "Early" not in app.matrix.value and "Later" not in app.matrix.value
    assert "figures read at" in app.summary.value


def test_the_dsl_app_shows_the_matrix_a_page_at_a_time(store, catalogue, monkeypatch, school):
    """Does the matrix page through people, and can the DSL show only those behind?"""
    from toolkit.apps import dsl as dsl_widgets

    monkeypatch.setattr(dsl_widgets, "PAGE", 2)
    for name in ("Ann", "Bob", "Cat", "Dan"):
        add(store, name, start=date(2026, 11, 19))  # nothing overdue yet
    add(store, "Eve", start=date(2026, 9, 1))  # overdue
    app = DslApp(store, school, today=lambda: TODAY)
    assert "People 1 to 2 of 5" in app.page_status.value and app.earlier.disabled
    assert "Ann" in app.matrix.value and "Cat" not in app.matrix.value
    app.later.click()
    app.later.click()
    assert "People 5 to 5 of 5" in app.page_status.value and app.later.disabled
    assert "Eve" in app.matrix.value and "Ann" not in app.matrix.value
    app.earlier.click()
    assert "People 3 to 4 of 5" in app.page_status.value
    app.behind_only.value = True
    assert "People 1 to 1 of 1" in app.page_status.value and "Eve" in app.matrix.value
    app.role.value = "governor"
    assert "No one matches these filters" in app.page_status.value


def test_choices_on_content_since_removed_are_kept_without_its_words(store, catalogue, school):
    """A choice whose scenario or option is gone: left out of misconceptions, kept in history?"""
    learner = add(store, "Kept")
    scenario = catalogue.scenarios_in("contact")[0]
    gone = store.start_attempt(learner.id, "a-scenario-since-removed", "v")
    store.record_choice(gone, "start", 0, "unsafe", after=0)
    beyond = store.start_attempt(learner.id, scenario.id, "v")
    store.record_choice(beyond, scenario.start, 99, "unsafe", after=0)  # an option since removed
    assert reports.unsafe_choices(store, school) == []
    history = reports.learner_history(store, school, learner.id)
    assert [(h["scenario"], h["choice"]) for h in history] == [
        ("a-scenario-since-removed", "start"),
        (scenario.for_school(catalogue.profile(SCHOOL)).title, scenario.start),
    ]
    store.record_choice(beyond, scenario.start, 0, "unsafe", after=1)
    (found,) = reports.unsafe_choices(store, school)
    rendered = scenario.for_school(catalogue.profile(SCHOOL))
    assert found.what == rendered.steps[scenario.start].choices[0].label
    assert found.times == 1


def test_the_dsl_filters_name_their_first_choice(store, catalogue, school):
    """Do the Role, Group and Learner dropdowns show "Everyone" / "Choose a learner", not a blank,
    at first, after the options change and after going back to them?"""
    add(store, "Teach")
    app = DslApp(store, school, today=lambda: TODAY)
    assert (app.role.label, app.group.label) == ("Everyone", "Everyone")
    assert app.learner_picker.label == "Choose a learner"
    app.role.value = "teacher"  # the learner list is made anew
    assert app.learner_picker.label == "Choose a learner"
    app.role.value = app.role.options[0][1]
    assert app.role.label == "Everyone" and app.role.index == 0
    assert "Teach" in app.matrix.value


def test_charts_count_in_whole_numbers(store, catalogue, school):
    """With one learner, do the charts' count axes step in whole learners, not 0.2 of one?"""
    learner = add(store, "Solo", start=date(2026, 9, 1))
    complete_module(store, catalogue, learner, "contact")
    attempt = store.start_attempt(learner.id, "friend-request-from-pupil", "v")
    store.record_choice(attempt, "request", 1, "unsafe", after=0)
    evidence = report_render.gather(store, school, TODAY)
    for chart, axis in (
        (report_render.completion_chart, "x"),
        (report_render.over_time_chart, "y"),
        (report_render.misconceptions_chart, "x"),
    ):
        figure = chart(evidence)
        figure.canvas.draw()
        (axes,) = figure.axes
        ticks = axes.get_xticks() if axis == "x" else axes.get_yticks()
        assert len(ticks) and all(t == int(t) for t in ticks), (chart.__name__, ticks)


def test_empty_charts_show_no_fractional_ticks(store, catalogue, school):
    """With no one and nothing recorded, do the charts say so without axes of 0.02s?"""
    evidence = report_render.gather(store, school, TODAY)
    for chart in (
        report_render.completion_chart,
        report_render.over_time_chart,
        report_render.misconceptions_chart,
    ):
        figure = chart(evidence)
        figure.canvas.draw()
        (axes,) = figure.axes
        for ticks in (axes.get_xticks(), axes.get_yticks()):
            assert all(t == int(t) for t in ticks), (chart.__name__, ticks)


def test_one_month_of_completions_reads_as_a_bar(store, catalogue, school):
    """With completions in one month only, does the over-time chart draw a bar of that month's
    count (not a lone dot)?"""
    for name in ("Ann", "Bob"):
        complete_module(store, catalogue, add(store, name), "contact")
    evidence = report_render.gather(store, school, TODAY)
    (month, count), *_ = reports.completions_by_month(evidence.matrix)
    (axes,) = report_render.over_time_chart(evidence).axes
    assert [bar.get_height() for bar in axes.patches] == [count] == [2]
    labels = [t.get_text() for t in axes.get_xticklabels()]
    assert labels == [f"{date.fromisoformat(month + '-01'):%b %Y}"]


def test_questions_never_missed_are_not_misconceptions(store, catalogue, school):
    """Is a question always answered rightly ("missed 0 of 1") left out of "missed most often"?"""
    from toolkit.store import QuizAnswer

    learner = add(store, "Right")
    first, second = catalogue.quizzes["contact"].questions[:2]
    quiz = store.start_quiz(learner.id, "contact", "v", [])
    store.record_quiz_result(
        quiz,
        [QuizAnswer(1, first.id, ["a"], True), QuizAnswer(2, second.id, ["a"], False)],
        50,
        False,
    )
    (missed,) = reports.missed_questions(store, school)
    assert (missed.times, missed.out_of) == (1, 1)
    app = DslApp(store, school, today=lambda: TODAY)
    assert "0 of 1" not in app.misconceptions.value and "1 of 1" in app.misconceptions.value


def test_a_pdf_matrix_wider_than_a_page_comes_in_parts(store, catalogue, monkeypatch, school):
    """With more modules than a page holds across (a trust has 25), does the PDF give the matrix
    in parts, each with the learners' names and its modules' titles?"""
    from toolkit.reports import pdf as report_pdf

    monkeypatch.setattr(report_pdf, "MODULES_ACROSS", 4)
    person = add(store, "Wide", start=TODAY)
    modules = reports.modules_in_order(catalogue)
    assert len(modules) > 4
    pages = pdf_pages(report_render.gather(store, school, TODAY))
    parts = [page for page in pages if "Completion by learner and module, part" in page]
    assert len(parts) == 2 and "part 1 of 2" in parts[0] and "part 2 of 2" in parts[1]
    for part, group in zip(parts, (modules[:4], modules[4:]), strict=True):
        assert " ".join(["Learner", *(m.title for m in group)]) in part
        assert f"{person.name} {person.role}" in part


def test_the_dsl_app_shows_a_hostile_name_as_text(store, school):
    """Is a learner's name full of markup shown as text in the DSL page's matrix and history?"""
    name = '<script>alert(1)</script>"onmouseover="x'
    ((learner, _),) = store.add_learners(
        [NewLearner(name, "mal@school.example", "teacher", date(2026, 11, 1))]
    )
    app = DslApp(store, school, today=lambda: TODAY)
    app.learner_picker.value = learner.id
    shown = app.matrix.value + app.history.value + app.summary.value
    assert "<script>" not in shown and '"onmouseover="' not in shown
    assert escape(name) in app.matrix.value

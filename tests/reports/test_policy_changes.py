"""The DSL page and the reports: staff to replay after a policy change, and a policy past review."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from pypdf import PdfReader

from tests.conftest import SCENARIO
from tests.school.test_policy_changes import changed_school
from toolkit.apps.dsl import DslApp
from toolkit.reports import html as report_render
from toolkit.school import policy_changes
from toolkit.store import NewLearner, clock

TODAY = date(2026, 9, 5)


def trained_then_changed(store, school, monkeypatch):
    """Two people: one trained before a clause changed, one after; the school as it is now."""
    moments = iter(datetime(2026, 9, 2, 9, minute, tzinfo=UTC) for minute in range(60))
    monkeypatch.setattr(clock, "now", lambda: next(moments))
    ((early, _), (late, _)) = store.add_learners(
        [
            NewLearner("Early Bird", "early@school.example", "teacher", date(2026, 9, 1)),
            NewLearner("Late Comer", "late@school.example", "teacher", date(2026, 9, 1)),
        ]
    )
    policy_changes.record(store, school)
    store.complete_attempt(store.start_attempt(early.id, SCENARIO, "v1"), 100)
    changed = changed_school(school, "staff-use-4", "Staff may friend parents.")
    policy_changes.record(store, changed)
    store.complete_attempt(store.start_attempt(late.id, SCENARIO, "v2"), 100)
    return changed


def test_the_dsl_page_counts_and_names_staff_to_replay(store, school, monkeypatch):
    """Does the DSL page count the people with training to replay and name them, only them?"""
    changed = trained_then_changed(store, school, monkeypatch)
    app = DslApp(store, changed, today=lambda: TODAY)
    assert "<strong>1</strong> person has scenarios or quizzes to replay" in app.summary.value
    assert "Early Bird" in app.replays.value and "Late Comer" not in app.replays.value
    assert "staff-use-4 (reworded)" in app.replays.value
    assert changed.scenario(SCENARIO).title in app.replays.value


def test_the_reports_count_staff_to_replay(store, school, monkeypatch):
    """Do the HTML and PDF reports list the people with training to replay?"""
    changed = trained_then_changed(store, school, monkeypatch)
    evidence = report_render.gather(store, changed, TODAY)
    assert [r.learner.name for r in evidence.replays] == ["Early Bird"]
    page = report_render.as_html(evidence)
    assert "1 person has scenarios or quizzes to replay" in page
    assert "Staff to replay training after a policy change" in page
    pdf = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(report_render.as_pdf(evidence))).pages
    )
    assert "Staff to replay training after a policy change" in pdf and "Early Bird" in pdf
    rows = list(csv.DictReader(io.StringIO(report_render.as_csv(evidence))))
    title = changed.scenario(SCENARIO).title
    module = changed.catalogue.modules[changed.scenario(SCENARIO).module].title
    assert {(r["name"], r["module"]) for r in rows if r["to_replay"]} == {("Early Bird", module)}
    assert next(r["to_replay"] for r in rows if r["to_replay"]) == title


def test_a_policy_past_its_review_date_is_flagged(store, school):
    """Is a policy whose review date has passed flagged on the DSL page and in the reports, and
    one still in date not?"""
    policy = school.profile.policy.model_copy(update={"review": "April 2019"})
    old = type(school)(school.catalogue, school.profile.model_copy(update={"policy": policy}))
    flag = "review date (April 2019) has passed"
    assert flag in DslApp(store, old, today=lambda: TODAY).summary.value
    evidence = report_render.gather(store, old, TODAY)
    assert evidence.policy_review_overdue and flag in report_render.as_html(evidence)
    pdf = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(report_render.as_pdf(evidence))).pages
    )
    assert "has passed" in pdf
    in_date = DslApp(store, school, today=lambda: date(2026, 1, 5)).summary.value
    assert "has passed" not in in_date

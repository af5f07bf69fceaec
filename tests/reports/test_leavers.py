"""People who left: out of every list of who is behind, their records still in the store."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from tests.reports.test_report import TODAY, complete_module
from toolkit.apps.dsl import DslApp
from toolkit.reports import html as report_render
from toolkit.reports import tables as reports
from toolkit.store import NewLearner


def test_a_leaver_with_overdue_training_is_not_chased(store, catalogue, school):
    """Is someone who left, with training overdue, out of the matrix, the overdue list, the
    exports and the DSL page, while their attempts stay in the store?"""
    (eve, _), (lee, _) = store.add_learners(
        [
            NewLearner("Eve Stays", "eve@school.example", "teacher", date(2026, 9, 1), "KS1"),
            NewLearner("Lee Leaves", "lee@school.example", "teacher", date(2026, 9, 1), "Year 6"),
        ]
    )
    complete_module(store, catalogue, lee, "contact")
    everyone = reports.completion_matrix(store, school, TODAY)
    late = {learner.email for learner, _, _ in reports.overdue(everyone, catalogue)}
    assert late == {eve.email, lee.email}  # both behind while both work here
    store.leave(lee.email, on=date(2026, 10, 31))

    matrix = reports.completion_matrix(store, school, TODAY)
    assert [row.learner.email for row in matrix] == [eve.email]
    assert {learner.email for learner, _, _ in reports.overdue(matrix, catalogue)} == {eve.email}
    counts = reports.status_counts(matrix, catalogue)
    assert sum(counts["contact"].values()) == 1 and counts["contact"]["complete"] == 0
    evidence = report_render.gather(store, school, TODAY)
    assert lee.email not in report_render.as_csv(evidence)
    assert "Lee Leaves" not in report_render.as_html(evidence)
    pdf = PdfReader(io.BytesIO(report_render.as_pdf(evidence)))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Eve Stays" in text and "Lee Leaves" not in text

    app = DslApp(store, school, today=lambda: TODAY)
    assert "Eve Stays" in app.matrix.value and "Lee Leaves" not in app.matrix.value
    assert [label for label, _ in app.group.options] == ["Everyone", "KS1"]
    assert lee.id not in [value for _, value in app.learner_picker.options]
    app.behind_only.value = True
    assert "Lee Leaves" not in app.matrix.value

    # Their records stay: the evidence of the training they had, and theirs to ask for.
    assert len(store.attempts_for(lee.id)) == len(catalogue.scenarios_in("contact"))
    assert store.learner(lee.id).left_on == date(2026, 10, 31)
    assert [p.email for p in store.learners()] == [eve.email, lee.email]
    records = store.export_learner(lee.email)
    assert records["learner"]["left_on"] == date(2026, 10, 31) and records["quiz_attempts"]


def test_a_leaver_who_rejoins_is_chased_again(store, catalogue, school):
    """Does rejoining bring someone back into the matrix with the progress they had?"""
    ((lee, _),) = store.add_learners(
        [NewLearner("Lee Returns", "lee@school.example", "teacher", date(2026, 9, 1))]
    )
    complete_module(store, catalogue, lee, "contact")
    store.leave(lee.email)
    assert reports.completion_matrix(store, school, TODAY) == []
    store.rejoin(lee.email)
    (row,) = reports.completion_matrix(store, school, TODAY)
    assert row.learner.email == lee.email and row.cells["contact"].status == "complete"

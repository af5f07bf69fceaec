"""The nbgrader bridge, on a real course: build, mark, hostile input, plain CLI, concurrency."""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import nbformat
import pytest

from tests.conftest import SCHOOL
from toolkit import grading, settings
from toolkit.content import load_catalogue
from toolkit.engine import QuizRun
from toolkit.settings import PROJECT_ROOT
from toolkit.store import NewLearner, Store


def answered(bank, seed: int, right: int) -> QuizRun:
    """A run whose first `right` slots are answered by the key and the rest wrongly."""
    run = QuizRun.draw(bank, random.Random(seed))
    for slot, drawn in enumerate(run.drawn, 1):
        wrong = [o.id for o in drawn.question.options if not o.correct][:1]
        run.answer(slot, drawn.question.correct_ids() if slot <= right else wrong)
    return run


@pytest.fixture(scope="module")
def bank(catalogue):
    return catalogue.quizzes["contact"].for_school(catalogue.profiles[SCHOOL])


def test_the_course_has_a_config_source_and_release_per_quiz(course, catalogue):
    """Does the build write nbgrader_config.py and a source and released notebook per quiz?"""
    assert (course / "nbgrader_config.py").exists()
    for quiz_id in catalogue.quizzes:
        assert (course / "source" / quiz_id / f"{quiz_id}.ipynb").exists()
        assert grading.is_built(course, quiz_id)


def test_source_notebooks_carry_nbgrader_metadata(course, bank):
    """Are answer, hidden test and manually graded reflection cells marked for nbgrader?"""
    notebook = nbformat.read(course / "source" / "contact" / "contact.ipynb", as_version=4)
    meta = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"] for c in notebook.cells}
    assert meta["answer_1"]["solution"] and not meta["answer_1"]["grade"]
    assert meta["check_1"]["grade"] and meta["check_1"]["locked"] and meta["check_1"]["points"] == 1
    assert meta["reflection"]["grade"] and meta["reflection"]["solution"]
    assert meta["reflection"]["points"] == bank.reflection.points
    assert sum(k.startswith("check_") for k in meta) == bank.draw


def test_released_notebooks_hold_no_correct_answer(course, catalogue):
    """Does no released notebook contain the key or any hidden test?"""
    for quiz_id, bank in catalogue.quizzes.items():
        text = (course / "release" / quiz_id / f"{quiz_id}.ipynb").read_text()
        assert "_key" not in text and "HIDDEN" not in text and "assert" not in text
        for question in bank.questions:
            assert repr(question.correct_ids()) not in text


def test_marking_agrees_with_the_key(course, bank):
    """Does nbgrader's mark match the bank's key, slot by slot?"""
    run = answered(bank, seed=11, right=3)
    graded = grading.grade(course, 101, bank, run.submission(), "I will check my settings.")
    assert graded.correct == [True, True, True, False, False]
    assert graded.score == 60 == run.expected_score()


def test_hostile_input_never_runs_in_the_grading_kernel(course, bank, tmp_path):
    """Are code-like answers refused, and is a code-like reflection kept as inert text?"""
    marker = tmp_path / "pwned"
    run = answered(bank, seed=12, right=5)
    hostile = [(qid, chosen) for qid, chosen in run.submission()]
    hostile[0] = (hostile[0][0], [f"a'];open({str(marker)!r},'w');x=['"])
    with pytest.raises(grading.GradingError):
        grading.grade(course, 102, bank, hostile, "")
    hostile[0] = (f"x'; open({str(marker)!r}, 'w'); y='", run.submission()[0][1])
    with pytest.raises(grading.GradingError):
        grading.grade(course, 102, bank, hostile, "")
    reflection = f"```python\nopen({str(marker)!r}, 'w')\n```\n<script>alert(1)</script> \"\"\" '''"
    graded = grading.grade(course, 102, bank, run.submission(), reflection)
    assert graded.score == 100
    assert not marker.exists()
    submitted = nbformat.read(
        course / "submitted" / "learner-102" / "contact" / "contact.ipynb", as_version=4
    )
    cell = next(c for c in submitted.cells if c.metadata["nbgrader"]["grade_id"] == "reflection")
    assert (
        cell.cell_type == "markdown"
        and "<script>" not in cell.source
        and "&lt;script&gt;" in cell.source
    )


@pytest.mark.parametrize("learner_id", [0, -1, "../../etc", "1/../../x", True, 1.5])
def test_a_learner_id_cannot_leave_submitted(course, bank, learner_id):
    """Is any learner id but a positive whole number refused before a file is written?"""
    run = answered(bank, seed=13, right=5)
    with pytest.raises(grading.GradingError):
        grading.grade(course, learner_id, bank, run.submission(), "")


def test_the_plain_nbgrader_command_line_works_on_the_course(tmp_path, catalogue):
    """Do `nbgrader generate_assignment` and `nbgrader autograde` work in the built course?"""
    bank = catalogue.quizzes["safeguarding"].for_school(catalogue.profiles[SCHOOL])
    root = tmp_path / "grading"
    grading.build_course(root, [bank])
    run = answered(bank, seed=14, right=4)
    grading.write_submission(root, 7, bank, run.submission(), "Listen, and tell the DSL today.")
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    nbgrader = [sys.executable, "-m", "nbgrader"]
    for command in (
        ["generate_assignment", "safeguarding", "--force"],
        ["autograde", "safeguarding", "--force"],
    ):
        result = subprocess.run(
            [*nbgrader, *command], cwd=root, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
    export = subprocess.run(
        [*nbgrader, "export", "--to", str(tmp_path / "grades.csv")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert export.returncode == 0, export.stderr
    lines = (tmp_path / "grades.csv").read_text().splitlines()
    row = next(line for line in lines if line.startswith("safeguarding,") and ",learner-7," in line)
    assert ",4.0," in row  # four of five auto-graded points; the reflection awaits the DSL


def _submit(root: str, db_url: str, learner_id: int, seed: int, results) -> None:
    catalogue = load_catalogue(PROJECT_ROOT)
    bank = catalogue.quizzes["cyberbullying"].for_school(catalogue.profiles[SCHOOL])
    store = Store(db_url)
    run = answered(bank, seed=seed, right=seed % 6)
    attempt = store.start_quiz(learner_id, "cyberbullying", "v1", run.spec())
    graded = grading.grade(
        Path(root), learner_id, bank, run.submission(), f"reflection {learner_id}"
    )
    store.record_quiz_result(
        attempt, graded.answers(run.submission()), graded.score, graded.score >= 80
    )
    results.put((learner_id, graded.score, run.expected_score()))


def test_twenty_submissions_at_once_are_all_marked(course, store, db_url):
    """Do 20 processes submitting together all get the right score, saved, with nothing locked?"""
    people = [
        NewLearner(f"P{i}", f"p{i}@school.example", "teacher", date(2026, 9, 1)) for i in range(20)
    ]
    ids = [learner.id for learner, _ in store.add_learners(people)]
    # Separate processes, as the pages' kernels are; forked from a server that has already
    # imported the toolkit and nbgrader, so the test times the marking, not 20 imports.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["toolkit.grading", "toolkit.store", "tests.test_grading"])
    results = context.Queue()
    workers = [
        context.Process(target=_submit, args=(str(course), db_url, learner_id, i, results))
        for i, learner_id in enumerate(ids)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(600)
    assert [w.exitcode for w in workers] == [0] * 20
    scores = [results.get(timeout=5) for _ in workers]
    assert all(score == expected for _, score, expected in scores)
    assert sorted(learner for learner, _, _ in scores) == sorted(ids)
    graded = {p.name for p in (course / "autograded").iterdir()}
    assert {f"learner-{i}" for i in ids} <= graded
    for learner_id, score, _ in scores:
        (saved,) = store.quiz_attempts_for(learner_id)
        assert saved["score"] == score and saved["submitted_at"] is not None
        assert len(store.quiz_answers_for(saved["id"])) == 5


def test_reflection_marks_from_the_formgrader_are_read_back(course, bank):
    """After the DSL marks a reflection in the gradebook, does manual_grades report it?"""
    from nbgrader.api import Gradebook

    def reported() -> list[tuple[str, float, float]]:
        marks = grading.manual_grades(course, ["contact"])
        return [(m.quiz_id, m.score, m.max_score) for m in marks if m.learner_id == 103]

    run = answered(bank, seed=15, right=5)
    grading.grade(course, 103, bank, run.submission(), "A thoughtful answer.")
    assert reported() == []  # not marked yet: there is no mark to report
    with Gradebook(
        f"sqlite:///{course / 'gradebook.db'}", course_id=grading.COURSE_ID
    ) as gradebook:
        grade_row = gradebook.find_grade("reflection", "contact", "contact", "learner-103")
        grade_row.manual_score = 1.5  # below the most it can get, so the two cannot be mixed up
        gradebook.db.commit()
    assert bank.reflection.points != 1.5
    assert reported() == [("contact", 1.5, bank.reflection.points)]


def test_quiz_submissions_and_the_gradebook_live_in_the_data_folder(monkeypatch, tmp_path):
    """With only ESAFETY_HOME set, are submissions and the gradebook kept in the data folder,
    so that a backup of it holds them, and not in the checkout?"""
    monkeypatch.setenv("ESAFETY_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("ESAFETY_GRADING", raising=False)
    root = settings.grading_root()
    assert root == (tmp_path / "data" / "grading").resolve()
    assert PROJECT_ROOT not in root.parents
    monkeypatch.setenv("ESAFETY_GRADING", str(tmp_path / "elsewhere"))
    assert settings.grading_root() == (tmp_path / "elsewhere").resolve()


def test_a_submission_for_an_erased_learner_writes_nothing(course, bank):
    """Is a quiz submitted by someone no longer on the roster refused, with no notebook
    written and no gradebook student made?"""
    from nbgrader.api import Gradebook, MissingEntry

    run = answered(bank, seed=16, right=5)
    with pytest.raises(grading.LearnerErased):
        grading.grade(course, 104, bank, run.submission(), "My words.", on_roster=lambda: False)
    for stage in ("submitted", "autograded", "feedback"):
        assert not (course / stage / "learner-104").exists()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=grading.COURSE_ID) as book:
        with pytest.raises(MissingEntry):
            book.find_student("learner-104")


MATHS = r"It costs $5, or $6 with \(x\) off; $$y$$ \[z\] \begin{align}a\end{align} \$7"


def formgrader_page(notebook: Path) -> str:
    """The page nbgrader's formgrader shows the DSL for a submission (its own exporter set-up)."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    resources = {"assignment_id": "contact", "notebook_id": "contact", "submission_id": "1"}
    resources |= {"index": 0, "total": 1, "base_url": "", "student": "learner-105"}
    resources |= {"last_name": "", "first_name": "", "notebook_path": "contact.ipynb"}
    html_page, _ = HTMLExporter(config=config).from_filename(str(notebook), resources=resources)
    return html_page


def test_maths_in_a_reflection_reaches_the_formgrader_as_the_words_typed(course, bank):
    """Are $...$, \\(...\\), $$...$$ and the like in a reflection shown to the DSL as typed, kept
    from MathJax (the formgrader's MathJax 2 skips class tex2jax_ignore, script, code...)?"""
    from bs4 import BeautifulSoup

    typed = f"{MATHS}\n\nA second paragraph, with <b>tags</b> & a line\nbreak."
    run = answered(bank, seed=17, right=5)
    grading.grade(course, 105, bank, run.submission(), typed)
    page = BeautifulSoup(
        formgrader_page(course / "autograded" / "learner-105" / "contact" / "contact.ipynb"),
        "html.parser",
    )
    (shown,) = page.select(".tex2jax_ignore")
    assert " ".join(shown.get_text(" ").split()) == " ".join(typed.split())
    assert shown.find("b") is None  # the tags typed are text
    for skipped in page.select(".tex2jax_ignore, script, noscript, style, textarea, pre, code"):
        skipped.decompose()
    seen = page.get_text()
    assert not [d for d in ("$", "\\(", "\\[", "\\begin") if d in seen], "MathJax would typeset"
    source = nbformat.read(
        course / "submitted" / "learner-105" / "contact" / "contact.ipynb", as_version=4
    )
    cell = next(c for c in source.cells if c.metadata["nbgrader"]["grade_id"] == "reflection")
    assert "$" not in cell.source and "\\" not in cell.source  # nor in the cell (JupyterLab)


def test_marking_logs_no_critical_or_untrusted_lines(course, bank, caplog):
    """Does marking a quiz (and starting nbgrader for it) log nothing CRITICAL and no
    "not trusted" line, so that a real CRITICAL stands out?"""
    run = answered(bank, seed=18, right=4)
    with caplog.at_level(logging.INFO):
        grading.grade(course, 106, bank, run.submission(), "Fine words.")
        list(grading.manual_grades(course, ["contact"]))
    alarms = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.CRITICAL or "not trusted" in r.getMessage()
    ]
    assert not alarms
    assert any("Autograding" in r.getMessage() for r in caplog.records)  # nbgrader's log is seen

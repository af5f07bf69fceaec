"""The bridge to nbgrader: build the quiz course, write a learner's answers as literals, autograde."""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from toolkit.content import QuizBank
from toolkit.html import render
from toolkit.store import QuizAnswer

log = logging.getLogger(__name__)

COURSE_ID = "esafety"
STUDENT = re.compile(r"^learner-[1-9][0-9]*$")
OPTION = re.compile(r"^[a-z]$")
QUESTION = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REFLECTION_LIMIT = 4000
MATHS_IGNORED = "tex2jax_ignore mathjax_ignore"  # MathJax 2 and 3 leave these alone

CONFIG = """\
# The nbgrader course of the module quizzes, written by `esafety quizzes build`.
# Plain nbgrader commands work here too, e.g. `nbgrader generate_assignment contact --force`
# or `nbgrader formgrader` to mark the written reflections.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "esafety"
c.Execute.timeout = 60
c.ClearSolutions.code_stub = {"python": "# The staff app writes the learner's answer here."}
c.ClearSolutions.text_stub = "The staff app writes the learner's reflection here."
c.BaseConverter.permissions = 600  # the course holds answers and what people wrote: owner only
# nbgrader's exchange hands notebooks to students; here the staff app writes submissions
# itself. An empty exchange in this folder stops nbgrader warning, at every start, that its
# default exchange folder (outside the data folder) cannot be written.
import os  # noqa: E402
c.Exchange.root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exchange")
"""
EXCHANGE = "exchange"
BUILT = "built.json"  # each quiz's source digest when its release was last generated


class GradingError(Exception):
    """The quiz could not be built or marked."""


class LearnerErased(GradingError):
    """A submission for someone no longer on the roster: refused, and nothing written."""


@dataclass(frozen=True)
class GradedQuiz:
    """nbgrader's verdict: for each slot, was the answer right; and the percent score."""

    correct: list[bool]

    @property
    def score(self) -> int:
        return round(100 * sum(self.correct) / len(self.correct)) if self.correct else 0

    def answers(self, submission: list[tuple[str, list[str]]]) -> list[QuizAnswer]:
        """Each slot's question, chosen options and verdict, as the store keeps them."""
        return [
            QuizAnswer(slot, question_id, chosen, right)
            for slot, ((question_id, chosen), right) in enumerate(
                zip(submission, self.correct, strict=True), 1
            )
        ]


def student_id(learner_id: int) -> str:
    if isinstance(learner_id, bool) or not isinstance(learner_id, int) or learner_id < 1:
        raise GradingError(f"not a learner id: {learner_id!r}")
    return f"learner-{learner_id}"


# --- the course -----------------------------------------------------------------------


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: int = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3}
    meta.update(solution=solution, task=False)
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook(bank: QuizBank):
    """One quiz: a slot per drawn question (answer cell + hidden test) and a reflection cell.

    The questions differ per attempt, so each hidden test holds the key to the whole bank and
    checks the slot's answer against its question's key. Released copies lose the hidden tests.
    """
    import nbformat  # here, not at the top: it costs a staff page's kernel about 1 s to import

    key = {q.id: q.correct_ids() for q in bank.questions}
    cells = [
        nbformat.v4.new_markdown_cell(
            f"# {bank.title}\n\nEach slot below holds one question drawn for this attempt "
            "(`question_N`, its id in the quiz bank) and the options the learner chose "
            "(`answer_N`). Hidden tests mark them; the reflection at the end is marked by hand.",
            metadata=_meta("about", grade=False, solution=False, locked=True),
        )
    ]
    for slot in range(1, bank.draw + 1):
        cells.append(
            nbformat.v4.new_code_cell(
                f"### BEGIN SOLUTION\nquestion_{slot} = None\nanswer_{slot} = []\n### END SOLUTION",
                metadata=_meta(f"answer_{slot}", grade=False, solution=True, locked=False),
            )
        )
        cells.append(
            nbformat.v4.new_code_cell(
                f'"""Checks the answer in slot {slot}."""\n'
                "### BEGIN HIDDEN TESTS\n"
                f"_key = {key!r}\n"
                f"assert sorted(answer_{slot}) == _key[question_{slot}]\n"
                "### END HIDDEN TESTS",
                metadata=_meta(f"check_{slot}", grade=True, solution=False, locked=True, points=1),
            )
        )
    cells.append(
        nbformat.v4.new_markdown_cell(
            f"## Reflection\n\n{bank.reflection.prompt}",
            metadata=_meta("reflection_prompt", grade=False, solution=False, locked=True),
        )
    )
    cells.append(
        nbformat.v4.new_markdown_cell(
            "YOUR ANSWER HERE",
            metadata=_meta(
                "reflection", grade=True, solution=True, locked=False, points=bank.reflection.points
            ),
        )
    )
    for cell in cells:  # the same source for the same quiz, not new random ids each time
        cell.id = cell.metadata["nbgrader"]["grade_id"]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    return notebook


def build_course(root: Path, banks: list[QuizBank]) -> list[str]:
    """Write nbgrader_config.py and a source notebook per quiz, then generate the released copies.

    A quiz whose release was generated from the very source it would get now is left as it is:
    nbgrader takes seconds a quiz, and `esafety init` and `serve` build the course each time.
    """
    import nbformat

    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    _exchange(root)
    built = []
    with _locked(root):
        api = None
        recorded = _built_digests(root)
        for bank in banks:
            folder = root / "source" / bank.id
            source = folder / f"{bank.id}.ipynb"
            text = nbformat.writes(source_notebook(bank)) + "\n"
            digest = _source_digest(text)
            if recorded.get(bank.id) != digest or not _is_current(root, bank.id, source, text):
                recorded.pop(bank.id, None)
                _write_built_digests(root, recorded)  # a build cut short is never taken as done
                folder.mkdir(parents=True, exist_ok=True)
                source.write_text(text, encoding="utf-8")
                api = api or _api(root)
                result = api.generate_assignment(bank.id, force=True, create=True)
                if not result["success"]:
                    raise GradingError(
                        f"nbgrader could not generate {bank.id}: {result.get('error') or result.get('log')}"
                    )
                recorded[bank.id] = digest
                _write_built_digests(root, recorded)
            built.append(bank.id)
    return built


def _source_digest(text: str) -> str:
    """Names a release: the source notebook, the course's config and the nbgrader that made it."""
    parts = (importlib.metadata.version("nbgrader"), CONFIG, text)
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _is_current(root: Path, quiz_id: str, source: Path, text: str) -> bool:
    """Whether the source on disk is `text` and its release and gradebook entry are there."""
    try:
        on_disk = source.read_text(encoding="utf-8")
    except OSError:
        return False
    return on_disk == text and is_built(root, quiz_id) and (root / "gradebook.db").exists()


def _built_digests(root: Path) -> dict[str, str]:
    try:
        recorded = json.loads((root / BUILT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) else {}


def _write_built_digests(root: Path, recorded: dict[str, str]) -> None:
    partial = root / f"{BUILT}.part"
    partial.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    partial.replace(root / BUILT)


def is_built(root: Path, quiz_id: str) -> bool:
    return (root / "release" / quiz_id / f"{quiz_id}.ipynb").exists()


# --- marking a submission -------------------------------------------------------------


def answer_source(slot: int, question_id: str, chosen: list[str]) -> str:
    """The answer cell as literals only: ids are checked, so nothing typed can run as code."""
    if not QUESTION.match(question_id) or not all(
        isinstance(c, str) and OPTION.match(c) for c in chosen
    ):
        raise GradingError(
            f"refusing an answer that is not a question id and option letters: slot {slot}"
        )
    return f"question_{slot} = {question_id!r}\nanswer_{slot} = {sorted(chosen)!r}\n"


def reflection_source(text: str) -> str:
    """The learner's reflection as the words typed, for the DSL to read in the formgrader.

    One line of HTML (Markdown passes an HTML block through untouched up to a blank line) with
    every character escaped, so nothing typed becomes markup or Markdown. The formgrader runs
    MathJax on the page, which skips an element of class tex2jax_ignore (MathJax 2) or
    mathjax_ignore (MathJax 3); `$` and backslashes are character references as well, so that
    no maths is found in the cell's source either (JupyterLab looks there).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()[:REFLECTION_LIMIT]
    parts = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text or "(no reflection written)")]
    return render(
        "grading/reflection.html.j2",
        maths_ignored=MATHS_IGNORED,
        parts=[part.split("\n") for part in parts if part.strip()],
    )


def write_submission(
    root: Path,
    learner_id: int,
    bank: QuizBank,
    answers: list[tuple[str, list[str]]],
    reflection: str,
) -> Path:
    import nbformat

    student = student_id(learner_id)
    released = root / "release" / bank.id / f"{bank.id}.ipynb"
    if not released.exists():
        raise GradingError(f"quiz {bank.id!r} is not built: run 'esafety quizzes build'")
    if len(answers) != bank.draw:
        raise GradingError(f"expected {bank.draw} answers, got {len(answers)}")
    sources = {
        f"answer_{slot}": answer_source(slot, qid, chosen)
        for slot, (qid, chosen) in enumerate(answers, 1)
    }
    sources["reflection"] = reflection_source(reflection)
    notebook = nbformat.read(released, as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in sources:
            cell.source = sources[grade_id]
    submitted = (root / "submitted").resolve()
    target = (submitted / student / bank.id / f"{bank.id}.ipynb").resolve()
    if submitted not in target.parents:
        raise GradingError("a submission must stay inside grading/submitted/")
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target


def grade(
    root: Path,
    learner_id: int,
    bank: QuizBank,
    answers: list[tuple[str, list[str]]],
    reflection: str,
    on_roster: Callable[[], bool] | None = None,
) -> GradedQuiz:
    """Write the submission and autograde it; one grading at a time across processes.

    `on_roster` says whether the learner is still on the roster. It is asked while this course
    is locked, as `erase_student` locks it too: a person erased before their quiz is marked is
    refused, and one erased while it is marked has the files removed by `erase_student`.
    """
    student = student_id(learner_id)
    with _locked(root):
        if on_roster is not None and not on_roster():
            raise LearnerErased(f"{student} is no longer on the roster: their quiz was not kept")
        write_submission(root, learner_id, bank, answers, reflection)
        api = _api(root)
        result = api.autograde(bank.id, student, force=True, create=True)
        if not result["success"]:
            raise GradingError(
                f"nbgrader could not mark {bank.id}: {result.get('error') or result.get('log')}"
            )
        with api.gradebook as gradebook:
            notebook = gradebook.find_submission_notebook(bank.id, bank.id, student)
            scores = {g.name: g.score for g in notebook.grades}
    return GradedQuiz([scores.get(f"check_{slot}", 0) >= 1 for slot in range(1, bank.draw + 1)])


@dataclass(frozen=True)
class ManualGrade:
    learner_id: int
    quiz_id: str
    score: float
    max_score: float


def manual_grades(root: Path, quiz_ids: list[str]) -> Iterator[ManualGrade]:
    """Reflection marks the DSL has given in the formgrader."""
    if not (root / "gradebook.db").exists():
        return
    with _locked(root), _api(root).gradebook as gradebook:
        for quiz_id in quiz_ids:
            try:
                submissions = gradebook.assignment_submissions(quiz_id)
            except Exception:  # nbgrader's MissingEntry: the quiz was never built here
                continue
            for submission in submissions:
                if not STUDENT.match(submission.student_id):
                    continue
                for notebook in submission.notebooks:
                    for grade_row in notebook.grades:
                        if grade_row.name == "reflection" and grade_row.manual_score is not None:
                            yield ManualGrade(
                                int(submission.student_id.split("-")[1]),
                                quiz_id,
                                grade_row.manual_score,
                                grade_row.max_score,
                            )


def erase_student(root: Path, learner_id: int) -> int:
    """Remove a learner's notebooks and gradebook entry; returns the number of files removed."""
    student = student_id(learner_id)
    removed = 0
    with _locked(root):
        for stage in ("submitted", "autograded", "feedback"):
            folder = root / stage / student
            if folder.is_dir():
                removed += sum(1 for p in folder.rglob("*") if p.is_file())
                shutil.rmtree(folder)
        if (root / "gradebook.db").exists():
            with _api(root).gradebook as gradebook:
                try:
                    gradebook.remove_student(student)
                except Exception:  # nbgrader's MissingEntry: never graded here
                    pass
    return removed


# --- plumbing -------------------------------------------------------------------------


def _api(root: Path):
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    _tools_on_path()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    config.Exchange.root = str(_exchange(root))  # also for a course built before the setting
    return NbGraderAPI(config=config)


def _exchange(root: Path) -> Path:
    folder = root / EXCHANGE
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _tools_on_path() -> None:
    """nbgrader shells out to `alembic` when it first creates a gradebook."""
    tools = os.path.dirname(sys.executable)
    if tools not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = tools + os.pathsep + os.environ.get("PATH", "")


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """Serialise nbgrader's work on this course: its SQLite gradebook takes one writer."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".grading.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

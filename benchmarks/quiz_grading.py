"""Submit-to-score time of a module quiz, against plain `nbgrader autograde` of the same notebook.

Both are measured in the same run on the same freshly built course:

- staff app: a quiz page in plain Python (the widgets the staff app shows), answers set,
  "Submit" clicked, until the result is on the page (writing the submission notebook, the
  grading lock, nbgrader's autograde in-process, reading the gradebook, saving to the store);
- baseline: `nbgrader autograde QUIZ --force` run as its own process on the submission the
  staff app wrote, as a teacher would from the command line.

    python benchmarks/quiz_grading.py [--runs 10] [--quiz contact] [--smoke]

`--smoke` (one submission of each kind, no warm-up) only shows that it still runs.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import ipywidgets as w

from toolkit import grading
from toolkit.apps.staff import StaffApp
from toolkit.content import load_catalogue
from toolkit.school.school import School
from toolkit.settings import PROJECT_ROOT
from toolkit.store import NewLearner, Store

SCHOOL = "barley-lane-primary"


def answer_all(page) -> None:
    for drawn, widget in zip(page.run.drawn, page.inputs, strict=True):
        key = set(drawn.question.correct_ids())
        if isinstance(widget, w.VBox):
            for option, box in zip(drawn.options, widget.children, strict=True):
                box.value = option.id in key
        else:
            widget.value = next(iter(key))
    page.reflection.value = "I would not reply, and I would tell the DSL the same day."


def summary(name: str, values: list[float]) -> str:
    return (
        f"{name:<36} median {statistics.median(values):6.2f} s   "
        f"min {min(values):6.2f}   max {max(values):6.2f}   n={len(values)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="Measured submissions of each kind.")
    parser.add_argument("--quiz", default="contact", help="Module quiz to mark.")
    parser.add_argument(
        "--smoke", action="store_true", help="One submission of each kind: does it still run?"
    )
    args = parser.parse_args()
    args.runs = 1 if args.smoke else args.runs
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]

    catalogue = load_catalogue(PROJECT_ROOT)
    school = School.resolve(catalogue, SCHOOL)
    bank = school.quiz(args.quiz)
    work = Path(tempfile.mkdtemp(prefix="quiz-bench-"))
    course = work / "grading"
    grading.build_course(course, [bank])
    store = Store(f"sqlite:///{work / 'esafety.db'}")
    store.set_meta("school", SCHOOL)
    ((learner, code),) = store.add_learners(
        [NewLearner("Bench", "bench@school.example", "teacher", date.today())]
    )
    app = StaffApp(
        store,
        school,
        grader=functools.partial(grading.grade, course),
        rng=random.Random(1),
    )
    app.email.value, app.code.value = learner.email, code
    app.sign_in_button.click()

    def staff_app_submission() -> float:
        app.quiz_buttons[args.quiz].click()
        page = app.quiz
        answer_all(page)
        start = time.perf_counter()
        page.submit_button.click()
        page.worker.join()
        elapsed = time.perf_counter() - start
        assert "Your score is 100%" in page.result.value, page.result.value
        app.show_modules()
        return elapsed

    def plain_nbgrader() -> float:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "nbgrader", "autograde", args.quiz, "--force"],
            cwd=course,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start

    if not args.smoke:
        staff_app_submission()  # warm-up: first gradebook use, imports
        plain_nbgrader()
    ours, theirs = [], []
    for _ in range(args.runs):  # alternate, so drift in the machine's load hits both alike
        ours.append(staff_app_submission())
        theirs.append(plain_nbgrader())

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"load average before/after: {os.getloadavg()}")
    print(f"quiz: {args.quiz} ({bank.draw} questions drawn from {len(bank.questions)})")
    print(summary("staff app: submit to score shown", ours))
    print(summary("plain `nbgrader autograde` process", theirs))
    print(
        f"ratio of medians (staff app / plain nbgrader): {statistics.median(ours) / statistics.median(theirs):.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

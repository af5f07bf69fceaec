"""Reports at trust scale: the completion matrix, misconceptions and a PDF on a large SQLite store.

Generates (once, into a folder you can keep with --keep) a store the size of a school trust:
5,000 staff, 25 modules, three years of yearly refreshers: about 375,000 scenario attempts
with about 2 million choices, and 375,000 quiz attempts with 1.9 million answers. Then times,
over several runs, the reports the DSL app and `esafety report` compute, against a baseline
measured in the same run: a plain `SELECT count(*)` over the choices table (the cost of
touching every row once).

    python benchmarks/trust_reports.py [--staff 5000] [--runs 3] [--keep DIR] [--upgrade] [--smoke]

`--smoke` (20 staff, one run of each) only shows that it still runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from toolkit.apps.dsl import DslApp
from toolkit.content import Catalogue, ModuleList, load_catalogue, parse
from toolkit.reports import html as report_render
from toolkit.reports import tables as reports
from toolkit.school.school import School
from toolkit.settings import PROJECT_ROOT
from toolkit.store import (
    Store,
    attempts,
    choices,
    learners,
    quiz_answers,
    quiz_attempts,
    quiz_standings,
    scenario_standings,
)

SCHOOL = "barley-lane-primary"
MODULES = 25
YEARS = 3
TODAY = date(2026, 11, 20)
ROLES = ["teacher"] * 5 + ["support"] * 3 + ["volunteer", "governor"]


def trust_catalogue() -> Catalogue:
    """The shipped content, stretched to 25 modules: each shipped scenario and quiz reused."""
    shipped = load_catalogue(PROJECT_ROOT)
    catalogue = Catalogue(profiles=shipped.profiles, lessons=shipped.lessons)
    catalogue.blobs.update(
        {k: v for k, v in shipped.blobs.items() if k.startswith(("profile:", "lesson:"))}
    )
    base = sorted(shipped.modules.values(), key=lambda m: m.order)[0]
    scenarios = sorted(shipped.scenarios.values(), key=lambda s: s.id)
    banks = sorted(shipped.quizzes.values(), key=lambda q: q.id)
    modules = []
    for n in range(MODULES):
        module_id = f"module-{n + 1:02d}"
        modules.append(
            base.model_copy(update={"id": module_id, "order": n + 1, "title": f"Module {n + 1}"})
        )
        scenario = scenarios[n % len(scenarios)]
        copy = scenario.model_copy(update={"id": f"{module_id}-scenario", "module": module_id})
        catalogue.scenarios[copy.id] = copy
        catalogue.blobs[f"scenario:{copy.id}"] = copy.id.encode()
        bank = banks[n % len(banks)].model_copy(update={"module": module_id})
        catalogue.quizzes[module_id] = bank
        catalogue.blobs[f"quiz:{module_id}"] = module_id.encode()
    parse(
        ModuleList(schema_version=1, modules=modules).model_dump(), "trust-modules"
    )  # still valid content
    catalogue.modules = {m.id: m for m in modules}
    return catalogue


def generate(store: Store, catalogue: Catalogue, staff: int, rng: random.Random) -> dict[str, int]:
    """Fill the store as three years of a trust's training would."""
    start = datetime(2023, 11, 20, tzinfo=UTC)
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        conn.execute(
            insert(learners),
            [
                {
                    "email": f"staff{i}@trust.example",
                    "name": f"Staff Member {i}",
                    "role": ROLES[i % len(ROLES)],
                    "start_date": (start + timedelta(days=rng.randrange(0, 365 * YEARS))).date(),
                    "code_hash": "scrypt$1$1$1$00$00",
                    "created_at": now,
                }
                for i in range(staff)
            ],
        )
    ids = [row[0] for row in store.engine.connect().execute(select(learners.c.id)).all()]
    scenario_list = sorted(catalogue.scenarios.values(), key=lambda s: s.id)
    attempt_rows, choice_rows, quiz_rows, answer_rows = [], [], [], []
    batches = [
        (attempts, attempt_rows),
        (choices, choice_rows),
        (quiz_attempts, quiz_rows),
        (quiz_answers, answer_rows),
    ]
    attempt_id = quiz_id = 0
    # Each learner's latest standing, as the store keeps it with every write.
    scenario_standing: dict[tuple[int, str], dict] = {}
    quiz_standing: dict[tuple[int, str], dict] = {}
    for learner_id in ids:
        for year in range(YEARS):
            for scenario in scenario_list:
                attempt_id += 1
                when = start + timedelta(days=365 * year + rng.randrange(0, 360))
                version = (
                    catalogue.version(scenario.id, SCHOOL) if year == YEARS - 1 else f"old-{year}"
                )
                done = rng.random() < 0.93
                standing = scenario_standing.setdefault(
                    (learner_id, scenario.id),
                    {"learner_id": learner_id, "scenario_id": scenario.id, "completed_at": None},
                )
                if done:
                    standing |= {
                        "completed_at": when + timedelta(minutes=12),
                        "content_version": version,
                    }
                attempt_rows.append(
                    {
                        "id": attempt_id,
                        "learner_id": learner_id,
                        "scenario_id": scenario.id,
                        "content_version": version,
                        "started_at": when,
                        "completed_at": when + timedelta(minutes=12) if done else None,
                        "score": rng.choice([50, 75, 100]) if done else None,
                    }
                )
                step_ids = list(scenario.steps)
                for seq in range(1, rng.choice([4, 5, 5, 6, 7]) + 1):
                    choice_rows.append(
                        {
                            "attempt_id": attempt_id,
                            "seq": seq,
                            "scenario_id": scenario.id,
                            "step_id": step_ids[seq % len(step_ids)],
                            "choice_index": rng.randrange(0, 3),
                            "outcome": rng.choice(["safe", "safe", "risky", "unsafe"]),
                            "chosen_at": when + timedelta(minutes=seq),
                        }
                    )
                quiz_id += 1
                passed = rng.random() < 0.85
                standing = quiz_standing.setdefault(
                    (learner_id, scenario.module),
                    {"learner_id": learner_id, "module_id": scenario.module, "tries": 0},
                )
                standing["tries"] += 1
                if passed:
                    standing |= {
                        "passed_at": when + timedelta(minutes=20),
                        "content_version": catalogue.quiz_version(scenario.module, SCHOOL),
                    }
                quiz_rows.append(
                    {
                        "id": quiz_id,
                        "learner_id": learner_id,
                        "module_id": scenario.module,
                        "content_version": catalogue.quiz_version(scenario.module, SCHOOL),
                        "draw": "[]",
                        "started_at": when,
                        "submitted_at": when + timedelta(minutes=20),
                        "score": 100 if passed else 40,
                        "passed": passed,
                    }
                )
                bank = catalogue.quizzes[scenario.module]
                for slot, question in enumerate(rng.sample(bank.questions, 5), 1):
                    answer_rows.append(
                        {
                            "quiz_attempt_id": quiz_id,
                            "slot": slot,
                            "module_id": scenario.module,
                            "question_id": question.id,
                            "chosen": '["a"]',
                            "correct": rng.random() < 0.8,
                        }
                    )
            _flush(store, batches)
    _flush(store, batches, force=True)
    with store.engine.begin() as conn:
        for table, standings in (
            (scenario_standings, scenario_standing),
            (quiz_standings, quiz_standing),
        ):
            defaults = {c.name: None for c in table.columns}
            conn.execute(insert(table), [defaults | row for row in standings.values()])
    with store.engine.connect() as conn:
        return {
            t.name: conn.scalar(select(func.count()).select_from(t))
            for t in (
                learners,
                attempts,
                choices,
                quiz_attempts,
                quiz_answers,
                scenario_standings,
                quiz_standings,
            )
        }


def _flush(store: Store, batches, force: bool = False) -> None:
    if not force and len(batches[1][1]) < 200_000:
        return
    with store.engine.begin() as conn:
        for table, rows in batches:
            if rows:
                conn.execute(insert(table), rows)
                rows.clear()


def timed(fn, runs: int) -> tuple[float, list[float]]:
    """The first run (the database file's pages not yet in memory) and the runs after it."""
    seconds = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return seconds[0], seconds[1:]


def upgrade_from_release_0_1_0(folder: Path) -> float:
    """Seconds to open a copy of the store as release 0.1.0 left it (no standings, no revision)."""
    old = folder / "release-0.1.0.db"
    with sqlite3.connect(folder / "esafety.db") as source, sqlite3.connect(old) as copy:
        source.backup(copy)
        for table in ("scenario_standings", "quiz_standings", "alembic_version"):
            copy.execute(f"DROP TABLE {table}")
    try:
        start = time.perf_counter()
        Store(f"sqlite:///{old}").close()
        return time.perf_counter() - start
    finally:
        for path in folder.glob("release-0.1.0.db*"):
            path.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=5000, help="Staff on the roster.")
    parser.add_argument("--runs", type=int, default=3, help="Timed runs of each report.")
    parser.add_argument("--keep", help="Folder for the generated store (reused if it exists).")
    parser.add_argument(
        "--upgrade", action="store_true", help="Also time upgrading a release 0.1.0 store."
    )
    parser.add_argument(
        "--smoke", action="store_true", help="20 staff, one run each: does it still run?"
    )
    args = parser.parse_args()
    if args.smoke:
        args.staff, args.runs = 20, 1
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="trust-"))
    folder.mkdir(parents=True, exist_ok=True)
    catalogue = trust_catalogue()
    fresh = not (folder / "esafety.db").exists()
    store = Store(f"sqlite:///{folder / 'esafety.db'}")
    store.set_meta("school", SCHOOL)
    if fresh:
        started = time.perf_counter()
        sizes = generate(store, catalogue, args.staff, random.Random(7))
        print(f"generated in {time.perf_counter() - started:.0f} s: {sizes}")
    size_mb = os.path.getsize(folder / "esafety.db") / 1e6
    school = School.resolve(catalogue, SCHOOL)

    def baseline():
        with store.engine.connect() as conn:
            conn.scalar(select(func.count()).select_from(choices))

    def matrix():
        return reports.completion_matrix(store, school, TODAY)

    def misconceptions():
        return reports.unsafe_choices(store, school), reports.missed_questions(store, school)

    def dsl_app():
        return DslApp(store, school, today=lambda: TODAY)

    roles = iter(["teacher", "support", None] * (args.runs + 1))

    def dsl_filter():
        app.role.value = next(roles)

    def pdf():
        return report_render.as_pdf(report_render.gather(store, school, TODAY))

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"store: {size_mb:.0f} MB SQLite, {len(catalogue.modules)} modules")
    print(f"load average before: {os.getloadavg()}")
    results = {
        "baseline: count every choice": timed(baseline, args.runs),
        "completion matrix": timed(matrix, args.runs),
        "misconceptions (choices + quiz)": timed(misconceptions, args.runs),
        "PDF report (all of the above + charts)": timed(pdf, max(1, args.runs - 1)),
        "DSL app: open (all figures, 3 charts)": timed(dsl_app, max(1, args.runs - 1)),
    }
    app = dsl_app()  # built only now, so the reports above ran without its figures in memory
    results["DSL app: change the role filter"] = timed(dsl_filter, args.runs)
    cells = sum(1 for row in matrix() for c in row.cells.values() if c is not None)
    for name, (first, seconds) in results.items():
        print(
            f"{name:<40} median {statistics.median(seconds):6.2f} s  min {min(seconds):6.2f}"
            f"  max {max(seconds):6.2f}  (first run {first:.2f})"
        )
    print(f"matrix cells: {cells}; load average after: {os.getloadavg()}")
    if args.upgrade:
        print(
            f"upgrade a release 0.1.0 store of this size: {upgrade_from_release_0_1_0(folder):.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

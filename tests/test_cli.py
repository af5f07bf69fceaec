"""The esafety command end to end: one run per command, errors as messages with no traceback."""

from __future__ import annotations

import errno
import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markupsafe import escape

from toolkit.cli import CommandError, stage_apps, voila_command
from toolkit.cli.output import OutputError, write_output
from toolkit.settings import PROJECT_ROOT
from toolkit.store import SignInFailed, Store

BAD = Path(__file__).parent / "content" / "bad"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "data"


def esafety(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ESAFETY_HOME": str(home), "ESAFETY_GRADING": str(home / "grading")}
    env.pop("ESAFETY_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "toolkit.cli", *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_validate_passes_on_the_shipped_content(home):
    """Does `esafety validate` accept all shipped content?"""
    result = esafety(home, "validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK")


def test_validate_fails_on_bad_files_with_every_problem_and_no_traceback(home):
    """Does `esafety validate FILE...` exit non-zero listing each file's problems, without a traceback?"""
    files = [str(BAD / "yaml-boolean.yaml"), str(BAD / "next-missing.yaml")]
    result = esafety(home, "validate", *files)
    assert result.returncode == 1
    assert "yaml-boolean.yaml: /steps/ask/choices/2/label" in result.stderr
    assert "next-missing.yaml: /steps/ask/choices/1/next" in result.stderr
    assert "Traceback" not in result.stderr


HOSTILE = [
    "key-is-mapping",
    "key-is-list",
    "too-deep",
    "alias-bomb",
    "tab-indented",
    "binary",
    "control-character",
    "empty",
    "bad-date",
]


def test_validate_reports_hostile_yaml_with_file_and_line_and_no_traceback(home):
    """Does a malformed YAML file of any shape give its file and line, never a traceback?"""
    result = esafety(home, "validate", *(str(BAD / f"{name}.yaml") for name in HOSTILE))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for name in HOSTILE:
        assert re.search(rf"^\S*/{name}\.yaml: line \d+", result.stderr, re.M), name


def test_init_demo_sets_up_a_school_with_working_codes(home):
    """Does `esafety init --demo` set up the school and print codes that sign people in, once?"""
    result = esafety(home, "init", "--demo")
    assert result.returncode == 0, result.stderr
    pairs = re.findall(
        r"^\s+(\S+@\S+)\s+([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})\s", result.stdout, flags=re.M
    )
    assert len(pairs) == 4
    store = Store(f"sqlite:///{home / 'esafety.db'}")
    assert store.get_meta("school") == "barley-lane-primary"
    for email, code in pairs:
        assert store.sign_in(email, code).email == email
    again = esafety(home, "init", "--demo")
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert store.learner_count() == 4


def test_init_refuses_an_unknown_school(home):
    """Does an unknown school id get a message listing the known ones?"""
    result = esafety(home, "init", "--school", "hogwarts")
    assert result.returncode == 1
    assert (
        "no school profile 'hogwarts'" in result.stderr and "barley-lane-primary" in result.stderr
    )


def test_roster_import_end_to_end(home, tmp_path):
    """Does `esafety roster import` add people and print codes, and refuse a broken file whole?"""
    assert esafety(home, "init").returncode == 0
    good = tmp_path / "staff.csv"
    good.write_text("name,email,role,start_date\nAmy Lee,amy@school.example,teacher,2026-09-01\n")
    result = esafety(home, "roster", "import", str(good))
    assert result.returncode == 0, result.stderr
    assert re.search(r"amy@school.example\s+[A-Z0-9]{4}-", result.stdout)
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "name,email,role,start_date\nBo,bo@school.example,teacher,2026-09-01\nCy,cy,chef,soon\n"
    )
    result = esafety(home, "roster", "import", str(broken))
    assert result.returncode == 1 and "line 3" in result.stderr and "Traceback" not in result.stderr
    assert Store(f"sqlite:///{home / 'esafety.db'}").learner_count() == 1
    missing = esafety(home, "roster", "import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr


def test_roster_import_shows_its_progress_on_a_terminal(home, tmp_path):
    """Does a roster import draw a progress line when run at a terminal, and keep it off pipes?"""
    assert esafety(home, "init").returncode == 0
    rows = "".join(f"P{i},p{i}@school.example,teacher,2026-09-01\n" for i in range(3))
    staff = tmp_path / "staff.csv"
    staff.write_text("name,email,role,start_date\n" + rows)
    terminal, other_end = pty.openpty()
    env = {**os.environ, "ESAFETY_HOME": str(home), "ESAFETY_GRADING": str(home / "grading")}
    env.pop("ESAFETY_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "roster", "import", str(staff)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=other_end,
        text=True,
        timeout=120,
    )
    os.close(other_end)
    try:
        shown = os.read(terminal, 4096).decode()
    except OSError:  # nothing was written to the terminal
        shown = ""
    os.close(terminal)
    assert result.returncode == 0
    assert "Making access codes: 3 of 3 (100%)" in shown
    piped = esafety(home, "roster", "import", str(staff))  # already there: refused, no progress
    assert "Making access codes" not in piped.stderr


@pytest.mark.parametrize(
    "rows,expected",
    [
        ("A" * 140_000 + ",a@school.example,teacher,2026-09-01\n", "line 2: the line is over"),
        (
            '"' + "A\n" * 70_000 + '",a@school.example,teacher,2026-09-01\n',
            "line 2: a cell is over",
        ),
    ],
    ids=["long-line", "long-cell"],
)
def test_roster_import_refuses_an_oversized_cell_in_one_line(home, tmp_path, rows, expected):
    """Does a cell past csv's 131,072-character limit give the line and what to do, importing nobody?"""
    assert esafety(home, "init").returncode == 0
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "name,email,role,start_date\n" + rows + "Bo,bo@school.example,teacher,2026-09-01\n"
    )
    result = esafety(home, "roster", "import", str(staff))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert expected in result.stderr and "Export the staff list again as CSV" in result.stderr
    assert Store(f"sqlite:///{home / 'esafety.db'}").learner_count() == 0


def test_roster_import_refuses_a_50_mb_one_line_file(home, tmp_path):
    """Does a 50 MB file with no line breaks get a one-line message, not a traceback?"""
    assert esafety(home, "init").returncode == 0
    huge = tmp_path / "huge.csv"
    huge.write_text("name,email,role,start_date," + "x" * 50_000_000)
    result = esafety(home, "roster", "import", str(huge))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{huge}: line 1: the line is over 65,536 characters long" in result.stderr
    assert Store(f"sqlite:///{home / 'esafety.db'}").learner_count() == 0


OUT_COMMANDS = {
    "learner export": ["learner", "export", "priya.shah@barley-lane-primary.example"],
    "report": ["report", "--format", "csv"],
    "lessons print": ["lessons", "print", "safe-5-7"],
}


def test_out_into_a_missing_folder_or_at_a_folder_is_one_line_and_touches_nothing(home, tmp_path):
    """Does --out naming a missing folder, or a folder, give one line saying where and what to do?"""
    assert esafety(home, "init", "--demo").returncode == 0
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "kept.txt").write_text("kept")
    for command, args in OUT_COMMANDS.items():
        missing = tmp_path / "no-such-folder" / "out.html"
        result = esafety(home, *args, "--out", str(missing))
        assert result.returncode == 1, command
        assert "Traceback" not in result.stderr, command
        assert result.stderr.strip() == (
            f"esafety: --out {missing}: the folder {missing.parent} does not exist: "
            "create it first, or choose another"
        ), command
        assert not missing.parent.exists()
        result = esafety(home, *args, "--out", str(folder))
        assert result.returncode == 1 and "Traceback" not in result.stderr, command
        line = result.stderr.strip()
        assert line.startswith(
            f"esafety: --out {folder} is a folder: name a file in it, e.g. {folder}/"
        ), command
        assert "\n" not in line, command
        assert [p.name for p in folder.iterdir()] == ["kept.txt"], command


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    """If writing --out fails part way (a full disk), is the file that was there kept, with no debris?"""
    out = tmp_path / "report.csv"
    out.write_text("last term's report\n")

    def full_disk(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OutputError, match=f"cannot write {out}: No space left on device"):
        write_output(out, "this term's report\n")
    assert out.read_text() == "last term's report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


def test_serve_refuses_to_start_before_init(home):
    """Does `esafety serve` on an empty data folder say to run init first?"""
    result = esafety(home, "serve", "--port", "1")
    assert result.returncode == 1 and "esafety init" in result.stderr


@pytest.mark.parametrize("extra", [[], ["--dsl"]])
def test_serve_on_a_missing_store_makes_none(home, extra):
    """Does `esafety serve` without a store exit 1 saying how to make one, creating no file?"""
    result = esafety(home, "serve", "--port", "1", *extra)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "esafety init --demo" in result.stderr
    assert "esafety init --school ID" in result.stderr
    assert not (home / "esafety.db").exists()


def test_schema_writes_one_json_schema_per_kind(home, tmp_path):
    """Does `esafety schema --out DIR` write the editors' schemas?"""
    result = esafety(home, "schema", "--out", str(tmp_path / "schemas"))
    assert result.returncode == 0
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == [
        "lesson.schema.json",
        "modules.schema.json",
        "profile.schema.json",
        "quiz.schema.json",
        "scenario.schema.json",
    ]


def test_voila_serves_only_the_staged_apps_no_files_and_manages_kernels(tmp_path, monkeypatch):
    """Is Voila told to serve a folder of just the staff and classroom notebooks, no files,
    with the toolkit's kernel manager and the settings' pool, cap and timeouts?"""
    folder = stage_apps(tmp_path / "serve")
    assert sorted(p.name for p in folder.iterdir()) == ["classroom.ipynb", "staff.ipynb"]
    monkeypatch.setenv("ESAFETY_POOL_SIZE", "7")
    monkeypatch.setenv("ESAFETY_MAX_KERNELS", "40")
    monkeypatch.setenv("ESAFETY_IDLE_MINUTES", "1.5")
    command = voila_command(folder, "127.0.0.1", 8866, hosts=["training.school.example"])
    assert command[1:4] == ["-m", "toolkit.server.serve", str(folder)]
    assert "--VoilaConfiguration.preheat_kernel=True" in command
    assert "--SchoolVoila.pool_sizes=staff.ipynb=7" in command
    assert "--SchoolVoila.hosts=training.school.example" in command
    assert "--SchoolKernelManager.max_kernels=40" in command
    assert "--SchoolKernelManager.idle_timeout=90.0" in command
    assert "--KernelManager.autorestart=False" in command
    dsl = voila_command(folder, "127.0.0.1", 8867, pool=0)
    assert "--VoilaConfiguration.preheat_kernel=False" in dsl
    (folder / "dsl.ipynb").write_text("{}")
    with pytest.raises(CommandError):
        stage_apps(folder)


def test_staged_notebooks_have_cell_ids_and_the_command_no_deprecated_syntax(tmp_path):
    """Are the served notebooks given the cell ids nbformat 4.5 wants, and is Voila's command
    free of the container syntax traitlets warns about at every start?"""
    folder = stage_apps(tmp_path / "serve")
    for notebook in folder.iterdir():
        cells = json.loads(notebook.read_text("utf-8"))["cells"]
        assert all(cell.get("id") for cell in cells), notebook.name
    values = [arg.split("=", 1)[-1] for arg in voila_command(folder, "127.0.0.1", 8866)]
    assert not [v for v in values if v.startswith(("[", "{"))]


def test_serve_dsl_refuses_a_short_token_in_one_line(home):
    """Does `esafety serve --dsl` with ESAFETY_DSL_TOKEN=1 stop at once, saying what is wrong?"""
    env = {**os.environ, "ESAFETY_HOME": str(home), "ESAFETY_DSL_TOKEN": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "serve", "--dsl", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("esafety: ESAFETY_DSL_TOKEN must be at least 32")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [("ESAFETY_POOL_SIZE", "many"), ("ESAFETY_MAX_KERNELS", "0"), ("ESAFETY_IDLE_MINUTES", "-1")],
)
def test_serve_refuses_a_setting_it_cannot_use_and_names_it(tmp_path, monkeypatch, name, value):
    """Does a bad serving setting stop `esafety serve` with a message naming the setting?"""
    monkeypatch.setenv(name, value)
    with pytest.raises(CommandError, match=name):
        voila_command(tmp_path, "127.0.0.1", 8866)


@pytest.mark.parametrize(
    "school",
    ["bury-ce-primary", "lunsford-primary", "st-benedicts-catholic-primary", "the-learning-trust"],
)
def test_init_sets_up_any_of_the_five_schools(home, school):
    """Does `esafety init --school ID` set up each shipped school?"""
    result = esafety(home, "init", "--school", school)
    assert result.returncode == 0, result.stderr
    assert Store(f"sqlite:///{home / 'esafety.db'}").get_meta("school") == school


def test_coverage_csv_lists_every_clause_with_what_teaches_it(home):
    """Does `esafety coverage --format csv` give school,clause_id,strength,covered_by for each clause?"""
    result = esafety(home, "coverage", "--school", "barley-lane-primary", "--format", "csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "school,clause_id,strength,covered_by"
    row = next(line for line in lines if line.startswith("barley-lane-primary,staff-use-4,must,"))
    assert "friend-request-from-pupil/request/choice" in row


def test_coverage_min_fails_below_the_threshold(home, tmp_path):
    """Does --min exit non-zero when staff clause coverage is lower, and zero when it is met?"""
    assert esafety(home, "coverage", "--min", "100").returncode == 0
    content = tmp_path / "content"
    for folder in ("policies", "scenarios"):
        shutil.copytree(PROJECT_ROOT / folder, content / folder)
    for scenario in (content / "scenarios" / "staff").glob("*.yaml"):
        if scenario.name not in ("modules.yaml", "photos-school-trip.yaml"):
            scenario.unlink()
    env_result = subprocess.run(
        [
            sys.executable,
            "-m",
            "toolkit.cli",
            "coverage",
            "--min",
            "100",
            "--school",
            "barley-lane-primary",
        ],
        env={
            **os.environ,
            "ESAFETY_HOME": str(home),
            "ESAFETY_CONTENT": str(content),
            "ESAFETY_GRADING": str(home / "grading"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert env_result.returncode == 2
    assert "below 100.0% for barley-lane-primary" in env_result.stderr
    assert "NOT TAUGHT" in env_result.stdout


def test_grades_sync_brings_reflection_marks_into_the_store(home):
    """After the DSL marks a reflection in nbgrader, does `esafety grades sync` store the mark?"""
    import random

    from nbgrader.api import Gradebook

    from toolkit import grading
    from toolkit.content import load_catalogue
    from toolkit.engine import QuizRun

    assert esafety(home, "init", "--demo").returncode == 0
    course = home / "grading"
    store = Store(f"sqlite:///{home / 'esafety.db'}")
    catalogue = load_catalogue(PROJECT_ROOT)
    bank = catalogue.quizzes["contact"].for_school(catalogue.profiles["barley-lane-primary"])
    run = QuizRun.draw(bank, random.Random(0))
    for slot, drawn in enumerate(run.drawn, 1):
        run.answer(slot, drawn.question.correct_ids())
    attempt = store.start_quiz(1, "contact", "v1", run.spec())
    graded = grading.grade(course, 1, bank, run.submission(), "I will tell the headteacher.")
    store.record_quiz_result(attempt, graded.answers(run.submission()), graded.score, True)
    with Gradebook(
        f"sqlite:///{course / 'gradebook.db'}", course_id=grading.COURSE_ID
    ) as gradebook:
        gradebook.find_grade("reflection", "contact", "contact", "learner-1").manual_score = 1.5
        gradebook.db.commit()
    result = esafety(home, "grades", "sync")
    assert result.returncode == 0, result.stderr
    assert "Synced 1 reflection grade" in result.stdout
    (saved,) = store.quiz_attempts_for(1)
    assert (saved["reflection_score"], saved["reflection_max"]) == (1.5, bank.reflection.points)


def test_classes_add_and_list(home):
    """Does `esafety classes add NAME --band` add a class, refusing a duplicate or a bad band?"""
    assert esafety(home, "init").returncode == 0
    added = esafety(home, "classes", "add", "Year 2  Oak", "--band", "5-7")
    assert added.returncode == 0 and "Added class Year 2 Oak (ages 5-7)" in added.stdout
    again = esafety(home, "classes", "add", "year 2 oak", "--band", "5-7")
    assert again.returncode == 1 and "already a class" in again.stderr
    assert esafety(home, "classes", "add", "Y6", "--band", "11-14").returncode == 2
    listed = esafety(home, "classes", "list")
    assert "Year 2 Oak  (ages 5-7)" in listed.stdout


def test_lessons_print_writes_a_printable_plan(home, tmp_path):
    """Does `esafety lessons print LESSON --out FILE` write the plan with the school's DSL title?"""
    assert esafety(home, "init", "--school", "st-benedicts-catholic-primary").returncode == 0
    out = tmp_path / "plan.html"
    result = esafety(home, "lessons", "print", "safe-5-7", "--out", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    assert escape("St Benedict's Catholic Primary School") in page and "Teacher notes" in page
    assert "{{" not in page
    missing = esafety(home, "lessons", "print", "no-such-lesson", "--out", str(out))
    assert missing.returncode == 1 and "esafety lessons list" in missing.stderr


def test_roster_reset_code_issues_a_new_code_once(home):
    """Does `esafety roster reset-code` print a new code that works, and stop the old one?"""
    made = esafety(home, "init", "--demo")
    assert made.returncode == 0, made.stderr
    email, old = re.search(r"^\s+(\S+@\S+)\s+(\S{4}-\S{4}-\S{4})\s", made.stdout, re.M).groups()
    result = esafety(home, "roster", "reset-code", email.upper())
    assert result.returncode == 0, result.stderr
    (new,) = re.findall(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", result.stdout)
    store = Store(f"sqlite:///{home / 'esafety.db'}")
    assert store.sign_in(email, new).email == email
    with pytest.raises(SignInFailed):
        store.sign_in(email, old)
    assert [s["outcome"] for s in store.sign_ins_for(email)] == ["reset", "ok", "wrong"]
    unknown = esafety(home, "roster", "reset-code", "nobody@school.example")
    assert unknown.returncode == 1 and "no one with the email" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_the_data_folder_is_private_to_its_owner(home):
    """Are the data folder and everything made in it closed to other users (0700 and 0600)?"""
    home.mkdir(mode=0o755)
    home.chmod(0o755)  # as an older release left it
    assert esafety(home, "init", "--demo").returncode == 0
    assert (
        esafety(home, "roster", "reset-code", "tom.reed@barley-lane-primary.example").returncode
        == 0
    )
    found = [home, *home.rglob("*")]
    assert len(found) > 5
    open_to_others = [str(p.relative_to(home)) for p in found if p.stat().st_mode & 0o077]
    assert open_to_others == []

"""The `esafety` command: parse, call the library, and turn its errors into messages and exit codes."""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from toolkit import grading, settings
from toolkit.apps.classroom import lesson_plan_html
from toolkit.cli.output import OutputError, output_path, write_output
from toolkit.content import BANDS, ROLES, ContentError, coverage, json_schemas, load_catalogue
from toolkit.content.cache import cached_catalogue
from toolkit.reports import html as report_render
from toolkit.school.school import SCHOOL_KEY, School
from toolkit.store import Learner, NewLearner, Store, StoreError
from toolkit.store.roster import RosterError, import_roster

DEFAULT_SCHOOL = "barley-lane-primary"

DEMO_ROSTER = [
    ("Priya Shah", "priya.shah", "teacher"),
    ("Tom Reed", "tom.reed", "support"),
    ("Ana Costa", "ana.costa", "volunteer"),
    ("Sam Okafor", "sam.okafor", "governor"),
]


DEMO_CLASSES = [("Year 1 Oak", "5-7"), ("Year 5 Ash", "7-11")]


class CommandError(Exception):
    """A message for the person at the terminal, without a traceback."""


def cmd_validate(args: argparse.Namespace) -> int:
    root = settings.content_root()
    catalogue = load_catalogue(root, extra=[Path(p) for p in args.paths])
    checked = [*args.paths] or [
        f"{len(catalogue.profiles)} school profiles",
        f"{len(catalogue.scenarios)} scenarios",
        f"{len(catalogue.quizzes)} quiz banks",
        f"{len(catalogue.lessons)} lessons",
    ]
    print(f"OK: {', '.join(map(str, checked))} valid.")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for kind, schema in json_schemas().items():
        path = out / f"{kind}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(settings.content_root())
    store = Store(settings.database_url())
    current = store.get_meta(SCHOOL_KEY)
    school = School.resolve(catalogue, args.school or current or DEFAULT_SCHOOL)
    if current and current == school.id and not (args.demo and store.learner_count() == 0):
        print(
            f"Already set up for {school.name} ({store.learner_count()} people on the roster); nothing changed."
        )
        return 0
    store.set_meta(SCHOOL_KEY, school.id)
    print(f"Set up for {school.name}. Data folder: {settings.home()}")
    built = build_quizzes(school)
    print(f"Built {len(built)} module quizzes in {settings.grading_root()}")
    if args.demo:
        domain = f"{school.id}.example"
        people = [
            NewLearner(name=name, email=f"{user}@{domain}", role=role, start_date=date.today())
            for name, user, role in DEMO_ROSTER
        ]
        print("Demo roster added. Each access code is shown only this once:")
        print_codes(store.add_learners(people))
        for name, band in DEMO_CLASSES:
            store.add_class(name, band)
        print(f"Demo classes added: {', '.join(name for name, _ in DEMO_CLASSES)}")
    return 0


def cmd_roster_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise CommandError(f"cannot read {path}: {err.strerror}") from None
    store = Store(settings.database_url())
    created = import_roster(store, data, str(path), terminal_progress("Making access codes"))
    print(
        f"Imported {len(created)} people. Each access code is shown only this once: hand them out now."
    )
    print_codes(created)
    return 0


def cmd_roster_reset_code(args: argparse.Namespace) -> int:
    learner, code = Store(settings.database_url(), create=False).reset_code(args.email)
    print(
        f"New access code for {learner.email} (shown only this once; the old code no longer works):"
    )
    print_codes([(learner, code)])
    return 0


def terminal_progress(what: str) -> Callable[[int, int], None] | None:
    """A progress line on the terminal, redrawn in place; None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        line = f"\r{what}: {done:,} of {total:,} ({done * 100 // max(total, 1)}%)"
        print(line, end=end, file=sys.stderr, flush=True)

    return show


def print_codes(created: list[tuple[Learner, str]]) -> None:
    width = max(len(learner.email) for learner, _ in created)
    for learner, code in created:
        print(f"  {learner.email:<{width}}  {code}  ({learner.role})")


def cmd_classes_add(args: argparse.Namespace) -> int:
    name = " ".join(args.name.split())
    if not name or len(name) > 80 or any(not ch.isprintable() for ch in name):
        raise CommandError("a class name is 1 to 80 printable characters, e.g. 'Year 2 Oak'")
    added = Store(settings.database_url()).add_class(name, args.band)
    print(f"Added class {added.name} (ages {added.band}).")
    return 0


def cmd_classes_list(args: argparse.Namespace) -> int:
    for school_class in Store(settings.database_url()).classes():
        print(f"{school_class.name}  (ages {school_class.band})")
    return 0


def cmd_lessons_list(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(settings.content_root())
    for band in BANDS:
        for lesson in catalogue.lessons_for(band):
            print(f"{lesson.id:<22} ages {band:<5} {lesson.title}")
    return 0


def cmd_lessons_print(args: argparse.Namespace) -> int:
    out = output_path(args.out, example=f"{args.lesson}.html")
    if out.suffix.lower() not in (".html", ".htm"):
        raise CommandError(
            "write the lesson plan to an .html file; print it from a browser (it has print styles)"
        )
    catalogue = load_catalogue(settings.content_root())
    if args.lesson not in catalogue.lessons:
        raise CommandError(f"no lesson {args.lesson!r}; see 'esafety lessons list'")
    store = Store(settings.database_url())
    school = School.resolve(catalogue, store.get_meta(SCHOOL_KEY) or DEFAULT_SCHOOL)
    lesson = school.lesson(args.lesson)
    write_output(out, lesson_plan_html(lesson, school.name))
    print(f"Wrote the lesson plan of {lesson.title!r} to {out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    out = output_path(args.out, example=f"report.{args.format}")
    catalogue = load_catalogue(settings.content_root())
    store = Store(settings.database_url())
    school = School.resolve(catalogue, _current_school())
    evidence = report_render.gather(store, school, date.today(), args.role, args.group)
    render = {"csv": report_render.as_csv, "html": report_render.as_html}
    write_output(out, render.get(args.format, report_render.as_pdf)(evidence))
    print(f"Wrote the {args.format.upper()} report for {len(evidence.matrix)} people to {out}")
    return 0


def cmd_learner_export(args: argparse.Namespace) -> int:
    out = output_path(args.out, example="records.json") if args.out else None
    records = Store(settings.database_url()).export_learner(args.email)
    text = json.dumps(records, indent=2, default=str)
    if out:
        write_output(out, text + "\n")
        print(f"Wrote every record of {args.email} to {args.out}")
    else:
        print(text)
    return 0


def cmd_learner_erase(args: argparse.Namespace) -> int:
    if not args.yes:
        raise CommandError(
            f"this removes {args.email} and every record of them for good; add --yes to confirm"
        )
    learner_id = Store(settings.database_url()).erase_learner(args.email)
    removed = grading.erase_student(settings.grading_root(), learner_id)
    print(
        f"Erased {args.email}: their roster entry, attempts, choices and quiz results ({removed} grading files)."
    )
    return 0


def cmd_quizzes_build(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(settings.content_root())
    school = School.resolve(catalogue, args.school or _current_school())
    built = build_quizzes(school)
    print(
        f"Built {len(built)} quizzes for {school.name} in {settings.grading_root()}: {', '.join(built)}"
    )
    return 0


def build_quizzes(school: School) -> list[str]:
    """The school's module quizzes, as it reads them, built for marking."""
    return grading.build_course(settings.grading_root(), school.quizzes())


def cmd_grades_sync(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(settings.content_root())
    store = Store(settings.database_url())
    synced = 0
    for mark in grading.manual_grades(settings.grading_root(), sorted(catalogue.quizzes)):
        attempt = store.latest_submitted_quiz(mark.learner_id, mark.quiz_id)
        if attempt is not None:
            store.set_reflection_grade(attempt, mark.score, mark.max_score)
            synced += 1
    print(
        f"Synced {synced} reflection grade{'s' * (synced != 1)} from the formgrader into the store."
    )
    return 0


def _current_school() -> str:
    """The school set up here; a missing store is an error, never made empty (so serve refuses)."""
    school_id = Store(settings.database_url(), create=False).get_meta(SCHOOL_KEY)
    if school_id is None:
        raise CommandError(
            "no school is set up here yet: run 'esafety init --demo' or 'esafety init --school ID'"
        )
    return school_id


def cmd_serve(args: argparse.Namespace) -> int:
    args.port = args.port or (8867 if args.dsl else 8866)
    home = settings.home()
    try:
        token = settings.dsl_token() if args.dsl else None
        hosts = settings.hosts()
    except settings.SettingError as err:
        raise CommandError(str(err)) from None
    school_id = _current_school()
    # Validated once here and cached, so that each page's kernel loads it in milliseconds.
    catalogue = cached_catalogue(settings.content_root(), settings.cache_dir())
    school = School.resolve(catalogue, school_id)
    missing = [q for q in catalogue.quizzes if not grading.is_built(settings.grading_root(), q)]
    if missing:
        print(f"Building the module quizzes ({', '.join(missing)} not built yet)", flush=True)
        build_quizzes(school)
    if args.dsl:
        served = stage_apps(home / "dsl-serve", DSL_APP)
        # The DSL's page reads the figures when it opens: never pre-rendered, so never stale.
        command = voila_command(served, args.host, args.port, pool=0, hosts=hosts)
        command.append("--SchoolVoila.need_token=True")
    else:
        served = stage_apps(home / "serve", SERVED_APPS)
        command = voila_command(served, args.host, args.port, hosts=hosts)
    tools = os.path.dirname(sys.executable)  # nbgrader runs `alembic` from here
    env = {
        # The sign-in's code check takes 16 MB for a moment; with glibc's moving threshold a
        # page's kernel would keep it for its whole life (103 MB instead of 87 MB). A fixed
        # threshold hands large blocks back to the system when they are freed.
        "MALLOC_MMAP_THRESHOLD_": str(1024 * 1024),
        **os.environ,
        settings.SETTINGS["home"].env: str(home),
        settings.SETTINGS["grading"].env: str(settings.grading_root()),
        "PATH": tools + os.pathsep + os.environ.get("PATH", ""),
    }
    # By environment, which only its owner can read (anyone sees a command line); the server
    # takes it out of its own before any kernel starts.
    env.pop(settings.SETTINGS["dsl_token"].env, None)
    env.update({settings.SETTINGS["dsl_token"].env: token} if token else {})
    base = f"http://{args.host}:{args.port}/voila/render"
    if args.dsl:
        print(f"Serving the DSL app on {base}/dsl.ipynb?token={token}", flush=True)
        print("Only someone with this link can open it. Ctrl+C stops it.", flush=True)
    else:
        print(f"Serving the staff app on {base}/staff.ipynb", flush=True)
        print(f"and the classroom app on {base}/classroom.ipynb (Ctrl+C stops both)", flush=True)
    if args.host in ("0.0.0.0", "::") and not hosts:
        other = f"set {settings.SETTINGS['hosts'].env} to any other name or address they type"
        print(f"Other computers must use the name {socket.gethostname()}; {other}.", flush=True)
    os.execvpe(command[0], command, env)
    return 0  # not reached


SERVED_APPS = ("staff.ipynb", "classroom.ipynb")
DSL_APP = ("dsl.ipynb",)


def stage_apps(folder: Path, apps: tuple[str, ...] = SERVED_APPS) -> Path:
    """A folder holding only the given notebooks, for Voila to serve and nothing else."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.iterdir():
        if stale.name not in apps:
            raise CommandError(
                f"{folder} holds {stale.name}: it must hold only the served apps; remove it"
            )
    for name in apps:
        notebook = json.loads((settings.content_root() / "notebooks" / name).read_text("utf-8"))
        # nbformat 4.5 wants an id on every cell and warns at each page view without one.
        for index, cell in enumerate(notebook["cells"]):
            cell.setdefault("id", f"{Path(name).stem}-{index}")
        (folder / name).write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")
    return folder


def voila_command(
    folder: Path, host: str, port: int, pool: int | None = None, hosts: list[str] = ()
) -> list[str]:
    """Voila serving the staged notebooks and no other files, for many people at once.

    The staff page's sign-in form needs no identity, so `pool` of them are rendered ahead in
    preheated kernels; the classroom page reads the store's classes when it opens, so it is
    not. See toolkit.server.serve for the cap, the start slots and the ending of unused kernels.
    """
    try:
        pool = settings.whole_number("pool_size") if pool is None else pool
        limits = {
            "max_kernels": settings.whole_number("max_kernels", 1),
            "start_slots": settings.start_slots(),
            "gone_timeout": settings.whole_number("gone_seconds", 1),
            "idle_timeout": settings.minutes("idle_minutes"),
        }
    except settings.SettingError as err:
        raise CommandError(str(err)) from None
    manager = "SchoolKernelManager"
    return [
        sys.executable,
        "-m",
        "toolkit.server.serve",
        str(folder),
        "--no-browser",
        f"--Voila.ip={host}",
        f"--port={port}",
        "--VoilaConfiguration.show_tracebacks=False",
        # The address each page was opened from, which the server alone sets, for sign-in limits.
        f"--VoilaConfiguration.http_header_envs={settings.CLIENT_HEADER}",
        f"--VoilaConfiguration.preheat_kernel={pool > 0}",
        f"--VoilaConfiguration.multi_kernel_manager_class=toolkit.server.serve.{manager}",
        f"--SchoolVoila.pool_sizes=staff.ipynb={pool}",
        *(f"--SchoolVoila.hosts={name}" for name in hosts),
        *(f"--{manager}.{name}={value}" for name, value in limits.items()),
        # Ended by the manager's own rules; the culler only needs to run, and often.
        f"--{manager}.cull_idle_timeout={limits['gone_timeout']}",
        f"--{manager}.cull_interval=10",
        # A kernel that dies is not restarted: its page's widgets are gone, and the page says so.
        "--KernelManager.autorestart=False",
        # Kernels talk to the server over loopback TCP: encrypted (CurveZMQ) where the kernel
        # supports it, as the one for the pages does.
        "--KernelManager.transport_encryption=auto",
        # On a loaded machine a page's first output can take many seconds: wait, never blank.
        "--VoilaExecutor.iopub_timeout=120",
        "--VoilaExecutor.startup_timeout=120",
        "--VoilaConfiguration.http_keep_alive_timeout=5",
    ]


def cmd_coverage(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(settings.content_root())
    schools = [args.school] if args.school else sorted(catalogue.profiles)
    reports = {school: coverage.coverage(catalogue, school) for school in schools}
    if args.format == "csv":
        header, *rows = "".join(coverage.as_csv(r) for r in reports.values()).splitlines()
        print("\n".join([header, *(r for r in rows if r != header)]))
    else:
        print("\n\n".join(coverage.as_table(r) for r in reports.values()))
    below = [
        s
        for s, r in reports.items()
        if args.min is not None and coverage.staff_percent(r) < args.min
    ]
    if below:
        print(
            f"esafety: staff clause coverage is below {args.min}% for {', '.join(below)}",
            file=sys.stderr,
        )
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="esafety", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "validate", help="Check the shipped content, or the files given, and report every problem."
    )
    p.add_argument("paths", nargs="*", help="Content files to check beside the shipped ones.")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="Write JSON Schemas of the content files, for editors.")
    p.add_argument(
        "--out", default=str(settings.PROJECT_ROOT / "schemas"), help="Folder to write them to."
    )
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("init", help="Set up the school in the data folder.")
    p.add_argument(
        "--school", help=f"School profile id (default: {DEFAULT_SCHOOL}, or the current one)."
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="Also add a small demo roster and print its access codes.",
    )
    p.set_defaults(func=cmd_init)

    roster = sub.add_parser("roster", help="Manage the staff roster.")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    p = roster_sub.add_parser(
        "import", help="Import a CSV of name,email,role,start_date; all rows or none."
    )
    p.add_argument("file", help="The roster CSV file.")
    p.set_defaults(func=cmd_roster_import)
    p = roster_sub.add_parser(
        "reset-code", help="Issue someone a new access code; their old one stops working."
    )
    p.add_argument("email", help="Their email on the roster.")
    p.set_defaults(func=cmd_roster_reset_code)

    p = sub.add_parser("coverage", help="List every policy clause with what teaches it.")
    p.add_argument("--school", help="One school profile id (default: all schools).")
    p.add_argument("--format", choices=["table", "csv"], default="table", help="Output format.")
    p.add_argument(
        "--min", type=float, help="Exit non-zero if staff clause coverage is below this percent."
    )
    p.set_defaults(func=cmd_coverage)

    classes = sub.add_parser("classes", help="The classes that are taught the pupil lessons.")
    classes_sub = classes.add_subparsers(dest="classes_command", required=True)
    p = classes_sub.add_parser("add", help="Add a class (no pupil names are ever stored).")
    p.add_argument("name", help="The class's name, e.g. 'Year 2 Oak'.")
    p.add_argument("--band", required=True, choices=BANDS, help="The pupils' age band.")
    p.set_defaults(func=cmd_classes_add)
    p = classes_sub.add_parser("list", help="List the classes.")
    p.set_defaults(func=cmd_classes_list)

    lessons = sub.add_parser("lessons", help="The pupil lessons.")
    lessons_sub = lessons.add_subparsers(dest="lessons_command", required=True)
    p = lessons_sub.add_parser("list", help="List the lessons by age band.")
    p.set_defaults(func=cmd_lessons_list)
    p = lessons_sub.add_parser("print", help="Write a lesson plan as a printable HTML page.")
    p.add_argument("lesson", help="The lesson id, e.g. safe-7-11 (see 'esafety lessons list').")
    p.add_argument("--out", required=True, help="The .html file to write.")
    p.set_defaults(func=cmd_lessons_print)

    p = sub.add_parser("report", help="Write evidence for governors and inspectors.")
    p.add_argument(
        "--format", choices=["csv", "html", "pdf"], required=True, help="The file format."
    )
    p.add_argument("--out", required=True, help="The file to write.")
    p.add_argument("--role", choices=ROLES, help="Only learners with this role.")
    p.add_argument(
        "--group", help="Only learners in this group (the roster's optional group column)."
    )
    p.set_defaults(func=cmd_report)

    learner = sub.add_parser("learner", help="One person's records (UK GDPR requests).")
    learner_sub = learner.add_subparsers(dest="learner_command", required=True)
    p = learner_sub.add_parser("export", help="Every record of one person, as JSON.")
    p.add_argument("email", help="The person's email on the roster.")
    p.add_argument("--out", help="A file to write instead of printing.")
    p.set_defaults(func=cmd_learner_export)
    p = learner_sub.add_parser("erase", help="Remove one person and every record of them.")
    p.add_argument("email", help="The person's email on the roster.")
    p.add_argument("--yes", action="store_true", help="Confirm: this cannot be undone.")
    p.set_defaults(func=cmd_learner_erase)

    quizzes = sub.add_parser("quizzes", help="The module quizzes.")
    quizzes_sub = quizzes.add_subparsers(dest="quizzes_command", required=True)
    p = quizzes_sub.add_parser("build", help="Generate the nbgrader course of the module quizzes.")
    p.add_argument("--school", help="School profile id (default: the school set up here).")
    p.set_defaults(func=cmd_quizzes_build)

    grades = sub.add_parser("grades", help="Grades given in nbgrader's formgrader.")
    grades_sub = grades.add_subparsers(dest="grades_command", required=True)
    p = grades_sub.add_parser(
        "sync", help="Bring the DSL's marks for written reflections into the store."
    )
    p.set_defaults(func=cmd_grades_sync)

    p = sub.add_parser("serve", help="Serve the staff and classroom apps with Voila.")
    p.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
    p.add_argument("--port", type=int, help="Port to listen on (default 8866; 8867 with --dsl).")
    p.add_argument(
        "--dsl",
        action="store_true",
        help="Serve the DSL app instead, alone, behind a token (printed at start).",
    )
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings.keep_private()  # the server and its kernels inherit it
    try:
        settings.make_home_private()
        return args.func(args)
    except (
        ContentError,
        RosterError,
        StoreError,
        CommandError,
        OutputError,
        grading.GradingError,
    ) as err:
        print(f"esafety: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0

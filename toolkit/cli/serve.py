"""`esafety serve`: stage the apps' notebooks and hand over to Voila with the toolkit's server."""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

from toolkit import resources, settings
from toolkit.cli.errors import CommandError
from toolkit.cli.school import build_quizzes, current_school, resolve

SERVED_APPS = ("staff.ipynb", "classroom.ipynb")
# The DSL's pages: the reports, and the setup of an imported policy, behind the same token.
DSL_APP = ("dsl.ipynb", "setup.ipynb")
# The trust lead's view of every school of the trust, served by a server of its own.
TRUST_APP = ("trust.ipynb",)
# The JupyterLab extensions a page loads: ipywidgets' and Voila's manager of them.
PAGE_EXTENSIONS = ("@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8")


def serve(args: argparse.Namespace) -> int:
    if args.hub:
        host, args.port, prefix = hub_service_address()
        args.host = host
    guarded = args.dsl or args.trust_lead  # pages of records about people: behind a token
    args.port = args.port or settings.whole_number("dsl_port" if guarded else "port", 1)
    home = settings.home()
    token = settings.dsl_token() if guarded and not args.hub else None
    hosts = settings.hosts()
    settings.whole_number("db_pool_size")  # read by each page's kernel: a typo stops the server
    if args.trust_lead:
        prepare_trust()
        served = stage_apps(home / "trust-serve", TRUST_APP)
    else:
        prepare(dsl=args.dsl)
        served = stage_apps(
            home / ("dsl-serve" if args.dsl else "serve"), DSL_APP if args.dsl else SERVED_APPS
        )
    if guarded:
        # The DSL's page reads the figures when it opens: never pre-rendered, so never stale.
        command = voila_command(served, args.host, args.port, pool=0, hosts=hosts, hub=args.hub)
        if not args.hub:  # behind the Hub, the Hub's roles and the roster guard it instead
            command.append("--SchoolVoila.need_token=True")
    else:
        command = voila_command(served, args.host, args.port, hosts=hosts, hub=args.hub)
    if args.hub:
        command.append(f"--Voila.base_url={prefix}")
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
    what = "the DSL app" if args.dsl else "the staff and classroom apps"
    what = "the trust's view" if args.trust_lead else what
    school = settings.value("school")
    what += f" of {school}" if school and not args.trust_lead else ""
    if args.hub:
        print(f"Serving {what} as the Hub's service at {prefix}", flush=True)
    elif args.trust_lead:
        print(f"Serving the trust's view on {base}/trust.ipynb?token={token}", flush=True)
        print("Only someone with this link can open it. Ctrl+C stops it.", flush=True)
    elif args.dsl:
        print(f"Serving the DSL app on {base}/dsl.ipynb?token={token}", flush=True)
        print(f"and the policy setup page on {base}/setup.ipynb?token={token}", flush=True)
        print("Only someone with this link can open it. Ctrl+C stops it.", flush=True)
    else:
        print(f"Serving the staff app on {base}/staff.ipynb", flush=True)
        print(f"and the classroom app on {base}/classroom.ipynb (Ctrl+C stops both)", flush=True)
    if args.host in ("0.0.0.0", "::") and not hosts:
        other = f"set {settings.SETTINGS['hosts'].env} to any other name or address they type"
        print(f"Other computers must use the name {socket.gethostname()}; {other}.", flush=True)
    os.execvpe(command[0], command, env)
    return 0  # not reached


def prepare(dsl: bool = False) -> None:
    """Check the content (cached, so each page's kernel loads it in milliseconds) and build
    the module quizzes not built yet. The DSL's server also starts before any school is set
    up where a policy has been imported, so that its setup page can be used to go live."""
    from toolkit import grading
    from toolkit.content import imported
    from toolkit.content.cache import cached_catalogue
    from toolkit.store import StoreMissing

    try:
        school_id = current_school()
    except (CommandError, StoreMissing):
        if not (dsl and imported.folders(settings.schools_root())):
            raise
        school_id = None
    catalogue = cached_catalogue(
        settings.content_root(), settings.cache_dir(), settings.schools_root()
    )
    if school_id is None:
        return
    missing = [q for q in catalogue.quizzes if not grading.is_built(settings.grading_root(), q)]
    if missing:
        print(f"Building the module quizzes ({', '.join(missing)} not built yet)", flush=True)
        build_quizzes(resolve(catalogue, school_id))


def prepare_trust() -> None:
    """Check the trust file and the content before the trust's view is served."""
    from toolkit.cli.scope import served_trust
    from toolkit.content.cache import cached_catalogue

    if not settings.value("trust"):
        raise CommandError(
            "--trust-lead serves a trust's view: set ESAFETY_TRUST to the trust file"
        )
    served_trust()
    cached_catalogue(settings.content_root(), settings.cache_dir(), settings.schools_root())


def hub_service_address() -> tuple[str, int, str]:
    """Where the Hub asks this service to listen, and the prefix it is served under."""
    url = urlsplit(os.environ.get("JUPYTERHUB_SERVICE_URL", ""))
    prefix = os.environ.get(settings.HUB_PREFIX_ENV, "")
    if not url.hostname or not url.port or not prefix:
        raise CommandError(
            "`esafety serve --hub` is started by the Hub as its service: start the Hub with "
            "`esafety hub` (see docs/deploy.md)"
        )
    return url.hostname, url.port, prefix


def stage_apps(folder: Path, apps: tuple[str, ...] = SERVED_APPS) -> Path:
    """A folder holding only the given notebooks, for Voila to serve and nothing else."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.iterdir():
        if stale.name not in apps:
            raise CommandError(
                f"{folder} holds {stale.name}: it must hold only the served apps; remove it"
            )
    for name in apps:
        notebook = json.loads((resources.notebooks_dir() / name).read_text("utf-8"))
        # nbformat 4.5 wants an id on every cell and warns at each page view without one.
        for index, cell in enumerate(notebook["cells"]):
            cell.setdefault("id", f"{Path(name).stem}-{index}")
        (folder / name).write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")
    return folder


def voila_command(
    folder: Path,
    host: str,
    port: int,
    pool: int | None = None,
    hosts: list[str] = (),
    hub: bool = False,
) -> list[str]:
    """Voila serving the staged notebooks and no other files, for many people at once.

    The staff page's sign-in form needs no identity, so `pool` of them are rendered ahead in
    preheated kernels; the classroom page reads the store's classes when it opens, so it is
    not. With `hub`, the Hub signs people in and the server tells each page's kernel who they
    are (toolkit.server.hub_access). See toolkit.server.serve for the cap, the start slots and the ending of unused kernels.
    Raises settings.SettingError, naming the setting, for a value that cannot be used.
    """
    pool = settings.whole_number("pool_size") if pool is None else pool
    limits = {
        "max_kernels": settings.whole_number("max_kernels", 1),
        "start_slots": settings.start_slots(),
        "gone_timeout": settings.whole_number("gone_seconds", 1),
        "idle_timeout": settings.minutes("idle_minutes"),
    }
    page_timeout = settings.whole_number("page_timeout", 1)
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
        *([f"--VoilaConfiguration.http_header_envs={settings.PERSON_HEADER}"] if hub else []),
        *(["--SchoolVoila.hub=True"] if hub else []),
        # The pages use ipywidgets alone: the JupyterLab extensions of the environment
        # (nbgrader's, the notebook's, ...) would each be fetched and run by every page.
        *(f"--VoilaConfiguration.extension_allowlist={name}" for name in PAGE_EXTENSIONS),
        f"--VoilaConfiguration.preheat_kernel={pool > 0}",
        f"--VoilaConfiguration.multi_kernel_manager_class=toolkit.server.serve.{manager}",
        f"--SchoolVoila.pool_sizes=staff.ipynb={pool}",
        *(f"--SchoolVoila.hosts={name}" for name in hosts),
        *(f"--{manager}.{name}={value}" for name, value in limits.items()),
        # Ended by the manager's own rules; the culler only needs to run, and often.
        f"--{manager}.cull_idle_timeout={limits['gone_timeout']}",
        f"--{manager}.cull_interval={settings.whole_number('cull_seconds', 1)}",
        # A kernel that dies is not restarted: its page's widgets are gone, and the page says so.
        "--KernelManager.autorestart=False",
        # Kernels talk to the server over loopback TCP: encrypted (CurveZMQ) where the kernel
        # supports it, as the one for the pages does.
        "--KernelManager.transport_encryption=auto",
        # On a loaded machine a page's first output can take many seconds: wait, never blank.
        f"--VoilaExecutor.iopub_timeout={page_timeout}",
        f"--VoilaExecutor.startup_timeout={page_timeout}",
        "--VoilaConfiguration.http_keep_alive_timeout="
        f"{settings.whole_number('keep_alive_seconds', 1)}",
    ]


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="Serve the staff and classroom apps with Voila.")
    p.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
    p.add_argument(
        "--port",
        type=int,
        help="Port to listen on (default: ESAFETY_PORT, 8866; with --dsl ESAFETY_DSL_PORT, 8867).",
    )
    p.add_argument(
        "--dsl",
        action="store_true",
        help="Serve the DSL app instead, alone, behind a token (printed at start).",
    )
    p.add_argument(
        "--trust-lead",
        action="store_true",
        help="Serve the trust's view of every school instead (ESAFETY_TRUST), behind a token.",
    )
    p.add_argument(
        "--hub",
        action="store_true",
        help="Run as the Hub's service (started by `esafety hub`, not by hand).",
    )
    p.set_defaults(func=serve)

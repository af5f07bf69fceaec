"""Browser fixtures: a real `esafety serve` on a free port and Debian's Chromium driving it.

The server runs once per module with its own data folder; each test gets a fresh browser
context (no shared cookies or cache) and its own learner, so tests do not see each other's
attempts.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psutil
import pytest

from toolkit.store import NewLearner, Store

SCHOOL = "barley-lane-primary"
DOMAIN = f"{SCHOOL}.example"
HOSTILE_NAME = "Zoë <img src=x onerror=alert(1)> O'Neil"

START_TIMEOUT_S = 60  # server up and answering
RENDER_TIMEOUT_MS = 60_000  # first widget render: kernel start + notebook execution
STEP_TIMEOUT_MS = 20_000  # one round trip through the kernel after a click

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    """Status and body of a GET, following redirects; HTTP errors are answers, not exceptions."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@dataclass
class Server:
    url: str  # base URL, ending in "/"
    home: Path
    db_url: str
    log: Path
    pid: int  # the Voila process; its kernels are its children
    people: dict[str, tuple[int, str, str]] = field(
        default_factory=dict
    )  # key -> (id, email, code)

    def learner(self, key: str, name: str | None = None) -> tuple[int, str, str]:
        """A learner of this server's school, added on first use: (id, email, access code)."""
        if key not in self.people:
            email = f"{key}@{DOMAIN}"
            store = Store(self.db_url)
            try:
                ((learner, code),) = store.add_learners(
                    [NewLearner(name or key.title(), email, "teacher", date.today())]
                )
            finally:
                store.close()
            self.people[key] = (learner.id, email, code)
        return self.people[key]

    def get(self, path: str, timeout: float = 10) -> tuple[int, bytes]:
        return http_get(self.url + path.lstrip("/"), timeout)

    def kernels(self) -> list[psutil.Process]:
        """The server's kernel processes."""
        found = []
        for child in psutil.Process(self.pid).children():
            try:
                if child.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(
                    child.cmdline()
                ):
                    found.append(child)
            except psutil.Error:  # ended (or ending) as we looked: not a running kernel
                continue
        return found

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _actual_url(log: Path) -> str | None:
    """Voila moves to another port if ours was taken meanwhile: read where it really listens."""
    text = log.read_text(encoding="utf-8", errors="replace")
    match = re.search(r"running at:\s*(http://[^\s/]+/)", text)
    return match.group(1) if match else None


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM lets Voila shut its kernels down (they run in sessions of their own)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


def server_env(home: Path, settings: dict[str, str]) -> dict[str, str]:
    """The environment of a server of the data folder `home` (its SQLite store), with these
    settings, and the tools of this environment first on the PATH."""
    bin_dir = os.path.dirname(sys.executable)
    env = {
        **os.environ,
        "ESAFETY_HOME": str(home),
        "ESAFETY_GRADING": str(home / "grading"),
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "PYTHONUNBUFFERED": "1",
        **settings,
    }
    env.pop("ESAFETY_DATABASE_URL", None)
    return env


@contextmanager
def serving(
    home: Path, *extra: str, env_extra: dict | None = None, school: str = SCHOOL
) -> Iterator[Server]:
    """`esafety serve` (with any extra arguments) on a free port for a data folder set up for
    the school, stopped after."""
    db_url = f"sqlite:///{home / 'esafety.db'}"
    previous = os.umask(0o077)  # as `esafety init` makes a data folder: its owner's alone
    try:
        store = Store(db_url)
        store.set_meta("school", school)
        store.close()
    finally:
        os.umask(previous)

    # Two sign-in pages kept ready, not a staff meeting's worth: tests open a page at a time.
    env = server_env(home, {"ESAFETY_POOL_SIZE": "2", **(env_extra or {})})
    log = home / f"serve{'-'.join(extra)}.log"
    log.touch(mode=0o600)
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "toolkit.cli", "serve", "--port", str(port), *extra],
            env=env,
            cwd=home,  # as if the DSL ran it inside the data folder: nothing there may leak
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, killed as a whole at the end
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        url = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"esafety serve exited with {proc.returncode}:\n{log.read_text()}")
            url = url or _actual_url(log)
            if url:
                try:
                    # A static file of the page: answers once Voila serves, starts no kernel.
                    status, _ = http_get(url + "voila/static/voila.js", timeout=5)
                    if status == 200:
                        break
                except OSError:
                    pass
            time.sleep(0.25)
        else:
            pytest.fail(
                f"esafety serve did not answer within {START_TIMEOUT_S} s:\n{log.read_text()}"
            )
        yield Server(url=url, home=home, db_url=db_url, log=log, pid=proc.pid)
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with serving(tmp_path_factory.mktemp("esafety-home")) as running:
        yield running


@pytest.fixture
def hostile_learner(server: Server) -> tuple[int, str, str, str]:
    """A learner whose name is markup: (id, email, access code, name)."""
    return (*server.learner("zoe.oneil", HOSTILE_NAME), HOSTILE_NAME)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: run `make chromium`")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh context per test. Requests off this machine are refused at once: the pages
    make none (test_server.py checks), and offline one would only wait on DNS."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])"), lambda r: r.abort())
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs  # any alert() would mean script ran from the page's content
    yield page
    # Leaving the page sends Voila's unload beacon, which shuts its kernel down.
    try:
        page.goto("about:blank", timeout=5_000)
    except Exception:
        pass
    context.close()

"""A real JupyterHub in front of the toolkit's services, on loopback, for the browser tests:
`esafety hub config` writes its configuration and `esafety hub` starts it, as a school would;
a local OpenID Connect provider (oidc-provider-mock) stands in for the school's accounts."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psutil
import pytest

from tests.browser.conftest import SCHOOL, free_port, http_get, server_env
from toolkit.store import NewLearner, Store

START_TIMEOUT_S = 120  # the Hub, its proxy and both services answering (quizzes built first)
DOMAIN = f"{SCHOOL}.example"

# The people of the test school: key -> (role, duty). "outsider" is never on the roster.
PEOPLE = {
    "teacher": ("teacher", None),
    "dsl": ("teacher", "dsl"),
    "volunteer": ("volunteer", None),
    "leaver": ("support", None),
}


def email(key: str) -> str:
    return f"{key}@{DOMAIN}"


@dataclass
class Hub:
    url: str  # the Hub's public address, ending in "/"
    home: Path
    db_url: str
    log: Path
    pid: int
    codes: dict[str, str] = field(default_factory=dict)  # key -> access code

    def get(self, path: str, timeout: float = 10) -> tuple[int, bytes]:
        return http_get(self.url + path.lstrip("/"), timeout)

    def kernels(self, service: str = "serve") -> list[psutil.Process]:
        """The kernels of a service (its staged folder: "serve" or "dsl-serve")."""
        found = []
        for proc in psutil.Process(self.pid).children(recursive=True):
            try:
                if "ipykernel" not in " ".join(proc.cmdline()):
                    continue
                parent = " ".join(proc.parent().cmdline())
                if proc.status() != psutil.STATUS_ZOMBIE and f"/{service} " in parent:
                    found.append(proc)
            except psutil.Error:  # ended (or ending) as we looked
                continue
        return found

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def store(self) -> Store:
        return Store(self.db_url, create=False)


def make_school(home: Path) -> tuple[str, dict[str, str]]:
    """The test school's store: its roster (one person marked as having left)."""
    db_url = f"sqlite:///{home / 'esafety.db'}"
    previous = os.umask(0o077)
    try:
        store = Store(db_url)
        store.set_meta("school", SCHOOL)
        people = [
            NewLearner(key.title(), email(key), role, date.today())
            for key, (role, _) in PEOPLE.items()
        ]
        codes = {learner.email.split("@")[0]: code for learner, code in store.add_learners(people)}
        for key, (_, duty) in PEOPLE.items():
            if duty:
                store.grant(email(key), duty)
        store.leave(email("leaver"))
        store.close()
    finally:
        os.umask(previous)
    return db_url, codes


def fixed_port(count: int = 1) -> int:
    """A free port (the first of `count` in a row) below Linux's range for ports picked by the
    system (32768 and up), where the kernels of a pool being filled take theirs: a port picked
    there for a service not yet started may be a kernel's by the time the Hub starts it."""
    while True:
        first = random.randint(20000, 32000 - count)
        try:
            for port in range(first, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first


def _stop(proc: subprocess.Popen, home: Path) -> None:
    """SIGTERM: the Hub stops its services and proxy itself; the group is killed if it hangs.
    Then anything of this data folder left running is ended, even where the Hub exited first
    and its services and their kernels lost their parent."""
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    for left in psutil.process_iter():
        try:
            if left.environ().get("ESAFETY_HOME", "").startswith(str(home)):
                left.kill()
        except psutil.Error:
            continue


@contextmanager
def oidc_provider() -> Iterator[str]:
    """A local OpenID Connect provider: whoever types an email at its form is that email."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if http_get(url + "/.well-known/openid-configuration", 2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the OpenID Connect provider did not start")
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


@contextmanager
def running_hub(
    home: Path,
    sign_in: str,
    *config_args: str,
    env_extra: dict | None = None,
    extra_config: str = "",
) -> Iterator[Hub]:
    """`esafety hub config` then `esafety hub` for a new school in `home`, stopped after."""
    db_url, codes = make_school(home)
    ready = ("services/esafety/voila/static/voila.js", "services/esafety-dsl/voila/static/voila.js")
    with started_hub(home, sign_in, config_args, env_extra, extra_config, ready) as (url, log, pid):
        yield Hub(url=url, home=home, db_url=db_url, log=log, pid=pid, codes=codes)


@contextmanager
def started_hub(
    home: Path,
    sign_in: str,
    config_args: tuple[str, ...],
    env_extra: dict | None,
    extra_config: str,
    ready: tuple[str, ...],
) -> Iterator[tuple[str, Path, int]]:
    """The Hub as a school starts it, until every path in `ready` answers: its address, its
    log and its process id; stopped after."""
    settings = {
        "ESAFETY_POOL_SIZE": "0",  # no page made ahead: a kernel is someone's page
        "OAUTH_CLIENT_SECRET": "a-test-secret",
        **(env_extra or {}),
    }
    env = server_env(home, settings)
    port = fixed_port()
    ports = {
        "--hub-port": fixed_port(),
        "--proxy-api-port": fixed_port(),
        "--service-port": fixed_port(),
        "--dsl-service-port": fixed_port(),
    }
    config = home / "jupyterhub_config.py"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "toolkit.cli",
            "hub",
            "config",
            "--out",
            str(config),
            "--sign-in",
            sign_in,
            "--bind-url",
            f"http://127.0.0.1:{port}",
            *(part for pair in ports.items() for part in (pair[0], str(pair[1]))),
            *config_args,
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    if extra_config:
        with config.open("a", encoding="utf-8") as out:
            out.write(extra_config)
    log = home / "hub.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "toolkit.cli", "hub", "--config", str(config)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"esafety hub exited with {proc.returncode}:\n{log.read_text()}")
            try:
                if all(http_get(url + path, 5)[0] == 200 for path in ready):
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail(f"the Hub did not answer within {START_TIMEOUT_S} s:\n{log.read_text()}")
        yield url, log, proc.pid
    finally:
        _stop(proc, home)

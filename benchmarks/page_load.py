"""How long the staff app takes to become usable, against a bare Voila page, in one run.

Measures, with Debian's Chromium driven by Playwright:

* time to interactive: navigation start to the "Sign in" button being in the page, visible
  and enabled. Once for the staff app (`esafety serve`) and once for a baseline: a bare
  Voila notebook whose one cell shows a single ipywidgets Button (labelled "Sign in" too,
  so the same check applies). Each load uses a fresh browser context (cold HTTP cache).
  One warm-up load per server is reported on its own and left out of the statistics.
* server start: launching the server command to the first 200 of its page (response
  headers), and to the whole page (Voila sends the page as the kernel runs the notebook).

The staff page is `voila/render/staff.ipynb` of `esafety serve` (which serves the staff and
classroom apps side by side), rendered when asked (`--pool 0`, like the baseline) unless
`--pool N` keeps N pages rendered ahead as a school's server does.

Usage: python benchmarks/page_load.py [--runs 5] [--launches 3] [--pool 0] [--smoke]
(or: make bench). Prints a table. Nothing is asserted: timings belong here, not in tests;
`--smoke` (one server start and one load each, no warm-up) only shows that it still runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

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
LABEL = "Sign in"
START_TIMEOUT_S = 90
LOAD_TIMEOUT_MS = 90_000

# Runs in the page before its own scripts: note performance.now() (milliseconds since
# navigation start) in window[mark] the first time the button that `find` (a JavaScript
# expression giving a button or null) names is present, visible and enabled. Checked on every
# DOM change and every animation frame (or every few milliseconds), so CSS arriving late is
# seen too.
PROBE = """
(() => {
  const mark = __MARK__;
  const ready = () => {
    const b = __FIND__;
    if (!b || b.disabled) return false;
    const box = b.getBoundingClientRect();
    const style = getComputedStyle(b);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden"
      && style.display !== "none" && b.offsetParent !== null;
  };
  const check = () => {
    if (window[mark] === undefined && ready()) window[mark] = performance.now();
  };
  new MutationObserver(check).observe(document, {
    childList: true, subtree: true, attributes: true,
    attributeFilter: ["disabled", "style", "class", "hidden"],
  });
  const every = __EVERY__;
  const again = (f) => every ? setTimeout(f, every) : requestAnimationFrame(f);
  const frame = () => { check(); if (window[mark] === undefined) again(frame); };
  again(frame);
})();
"""


def ready_probe(find: str, mark: str, every_ms: int = 0) -> str:
    """The probe for the button `find` gives, noting its time in window[mark]; checked on
    every animation frame, or with `every_ms` that often, which costs a page under load far
    less (a loop of animation frames has it draw 60 frames a second)."""
    probe = PROBE.replace("__MARK__", json.dumps(mark)).replace("__FIND__", find)
    return probe.replace("const every = __EVERY__", f"const every = {every_ms}")


SIGN_IN_BUTTON = (
    "[...document.querySelectorAll('button')].find("
    f"(b) => b.textContent.trim() === {json.dumps(LABEL)} && !b.disabled) || null"
)
READY_PROBE = ready_probe(SIGN_IN_BUTTON, "__benchReadyAt")

BASELINE_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "baseline",
            "metadata": {},
            "outputs": [],
            "source": [f"import ipywidgets as widgets\n\nwidgets.Button(description={LABEL!r})"],
        }
    ],
    "metadata": {
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


# --- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Target:
    name: str
    command: Callable[[int], list[str]]
    env: dict[str, str]
    cwd: Path
    page: str = ""  # the page measured, under the server's address


@dataclass
class Running:
    proc: subprocess.Popen
    url: str  # the server's address, ending in "/"
    to_headers: float  # seconds from launch to the first 200's headers
    to_page: float  # seconds from launch to the end of that page


def start(target: Target, log: Path, page: bool = True) -> Running:
    """Launch the server and time it to the first 200 of its page (target.page), or of `/`."""
    port = free_port()
    wanted = f"http://127.0.0.1:{port}/"
    with open(log, "wb") as out:
        launched = time.perf_counter()
        proc = subprocess.Popen(
            target.command(port),
            env=target.env,
            cwd=target.cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = launched + START_TIMEOUT_S
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                f"{target.name}: server exited with {proc.returncode}:\n{log.read_text()}"
            )
        # Voila tries the next port if ours was taken meanwhile: ask where it really is.
        moved = re.search(r"running at:\s*(http://[^\s/]+/)", log.read_text(errors="replace"))
        url = moved.group(1) if moved else wanted
        try:
            with urllib.request.urlopen(
                url + (target.page if page else ""), timeout=START_TIMEOUT_S
            ) as response:
                to_headers = time.perf_counter() - launched
                response.read()
                to_page = time.perf_counter() - launched
                if response.status == 200:
                    return Running(proc, url, to_headers, to_page)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    stop(proc)
    raise SystemExit(f"{target.name}: no 200 within {START_TIMEOUT_S} s:\n{log.read_text()}")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the group: Voila shuts its kernels (own sessions) down on the way out."""
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


def make_targets(work: Path, pool: int | None = None) -> list[Target]:
    """`esafety serve`'s staff page, with `pool` pages rendered ahead (None: its default),
    and the baseline: a bare Voila notebook with one button."""
    from toolkit.store import NewLearner, Store

    bin_dir = os.path.dirname(sys.executable)
    base_env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    base_env.pop("ESAFETY_DATABASE_URL", None)

    home = work / "esafety-home"
    home.mkdir()
    staff_env = {**base_env, "ESAFETY_HOME": str(home), "ESAFETY_GRADING": str(home / "grading")}
    # Set up as a school is (its quizzes built), so that no launch pays for building them.
    subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "init", "--school", "barley-lane-primary"],
        env=staff_env,
        cwd=home,
        check=True,
        capture_output=True,
    )
    store = Store(f"sqlite:///{home / 'esafety.db'}")
    store.add_learners(
        [NewLearner("Bench Mark", "bench@barley-lane-primary.example", "teacher", date.today())]
    )
    store.close()
    if pool is not None:
        staff_env["ESAFETY_POOL_SIZE"] = str(pool)
    staff = Target(
        "staff app",
        lambda port: [sys.executable, "-m", "toolkit.cli", "serve", "--port", str(port)],
        staff_env,
        home,
        page="voila/render/staff.ipynb",  # `/` lists the served apps
    )

    bare = work / "baseline"
    bare.mkdir()
    notebook = bare / "baseline.ipynb"
    notebook.write_text(json.dumps(BASELINE_NOTEBOOK, indent=1), encoding="utf-8")
    baseline = Target(
        "baseline",
        lambda port: [
            sys.executable,
            "-m",
            "voila",
            str(notebook),
            "--no-browser",
            "--Voila.ip=127.0.0.1",
            f"--port={port}",
        ],
        base_env,
        bare,
    )
    return [staff, baseline]


# --- the browser side ---------------------------------------------------------------------


def time_to_interactive(browser, url: str) -> float:
    """Seconds from navigation start to the button being visible and enabled."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # The page asks a CDN for icon fonts; offline, a DNS wait there is not the app's cost.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])"), lambda r: r.abort())
    context.add_init_script(READY_PROBE)
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
        page.wait_for_function(
            "() => window.__benchReadyAt !== undefined", timeout=LOAD_TIMEOUT_MS, polling=100
        )
        ready_ms = page.evaluate("window.__benchReadyAt")
        button = page.get_by_role("button", name=LABEL, exact=True)
        if not (button.is_visible() and button.is_enabled()):
            raise SystemExit(f"{url}: the probe saw {LABEL!r} ready but Playwright does not")
        # Leaving the page sends Voila's unload beacon, which shuts the kernel down.
        page.goto("about:blank", timeout=10_000)
    finally:
        context.close()
    return ready_ms / 1000


# --- report -------------------------------------------------------------------------------


def row(label: str, values: list[float]) -> str:
    if len(values) == 1:
        return f"{label:<44} {values[0]:>8.2f} {'':>8} {'':>8} {1:>4}"
    return (
        f"{label:<44} {statistics.median(values):>8.2f} {min(values):>8.2f} "
        f"{max(values):>8.2f} {len(values):>4}"
    )


def versions() -> str:
    from importlib.metadata import version

    try:
        chromium = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except OSError:
        chromium = "chromium ?"
    return (
        f"Python {platform.python_version()}, voila {version('voila')}, "
        f"ipywidgets {version('ipywidgets')}, {chromium}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="Measured page loads per app.")
    parser.add_argument(
        "--launches", type=int, default=3, help="Server launches per app for the start time."
    )
    parser.add_argument(
        "--pool", type=int, default=0, help="Staff pages rendered ahead (esafety serve's pool)."
    )
    parser.add_argument(
        "--smoke", action="store_true", help="One start and one load per app: does it still run?"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.runs = args.launches = 1
    if args.runs < 1 or args.launches < 1 or args.pool < 0:
        parser.error("--runs and --launches must be at least 1, --pool at least 0")

    from playwright.sync_api import sync_playwright

    print(f"{date.today()}  {platform.node()}  {os.cpu_count()} cores  {versions()}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    with tempfile.TemporaryDirectory(prefix="esafety-bench-") as tmp:
        work = Path(tmp)
        targets = make_targets(work, args.pool)
        headers: dict[str, list[float]] = {t.name: [] for t in targets}
        pages: dict[str, list[float]] = {t.name: [] for t in targets}
        running: dict[str, Running] = {}
        try:
            for launch in range(args.launches):
                for target in targets:
                    server = start(target, work / f"{target.name.replace(' ', '-')}.log")
                    headers[target.name].append(server.to_headers)
                    pages[target.name].append(server.to_page)
                    if launch == args.launches - 1:
                        running[target.name] = server  # kept for the browser runs
                    else:
                        stop(server.proc)

            first: dict[str, float] = {}
            tti: dict[str, list[float]] = {t.name: [] for t in targets}
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
                try:
                    for target in targets:  # warm-up: the first load after a server start
                        if not args.smoke:
                            first[target.name] = time_to_interactive(
                                browser, running[target.name].url + target.page
                            )
                    for _ in range(args.runs):  # interleaved, so drift hits both alike
                        for target in targets:
                            tti[target.name].append(
                                time_to_interactive(browser, running[target.name].url + target.page)
                            )
                finally:
                    browser.close()
        finally:
            for server in running.values():
                stop(server.proc)

    staff, baseline = (t.name for t in targets)
    print()
    print(f"{'seconds':<44} {'median':>8} {'min':>8} {'max':>8} {'n':>4}")
    print(row("time to interactive: staff app", tti[staff]))
    print(row("time to interactive: baseline (bare Voila)", tti[baseline]))
    ratio = statistics.median(tti[staff]) / statistics.median(tti[baseline])
    print(f"{'ratio staff / baseline (medians)':<44} {ratio:>7.2f}x")
    for name, seconds in first.items():
        print(row(f"first load after start: {name}", [seconds]))
    print(row("launch to first 200: esafety serve", headers[staff]))
    print(row("launch to first 200: baseline voila", headers[baseline]))
    print(row("launch to whole page: esafety serve", pages[staff]))
    print(row("launch to whole page: baseline voila", pages[baseline]))
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

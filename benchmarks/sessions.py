"""A staff meeting signing in at once: N simultaneous staff sessions, against bare Voila.

Opens N pages (default 30) within a few seconds of each other, spread over several
headless Chromium processes as real staff would have, against one `esafety serve`, and
the same against a bare one-widget Voila notebook started in the same run. For each page:

* time to interactive: navigation start to the "Sign in" button visible and enabled;
* blank pages: pages that never showed the button nor a word of what was happening (the
  server's "many people are signing in" page or the loading text) within the timeout;
* errors: navigation failures, or an error where the page should be;
* staff app only: signed in, time from pressing "Sign in" to the first scenario's first
  choice on screen;
* the server's memory (Voila plus its kernels), sampled through the run, and each kernel's.

Usage: python benchmarks/sessions.py [--sessions 30] [--browsers 5] [--spread 3] [--smoke]
(`--smoke`: one session each, a pool of one page: only shows that it still runs.)
Prints a table; targets are compared against in docs/performance.md, not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psutil
from page_load import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LABEL,
    READY_PROBE,
    Target,
    make_targets,
    start,
    stop,
    versions,
)

DOMAIN = "barley-lane-primary.example"
TIMEOUT_S = 120  # a page not interactive by then counts as failed
SAYS_SOMETHING = """() => {
  const text = document.body ? document.body.innerText : "";
  return /many people are signing in|opening your page|running /i.test(text);
}"""


@dataclass
class Session:
    tti: float | None = None  # seconds to the Sign in button
    said_wait: bool = False  # was shown the "many people are signing in" page
    blank: bool = False
    error: str = ""
    to_choice: float | None = None  # seconds from Sign in to the first choice


@dataclass
class Memory:
    """The server process and its kernels, sampled until stopped: peak total and kernels."""

    pid: int
    peak_total: float = 0.0  # MB
    kernels: dict[int, float] = field(default_factory=dict)  # pid -> last RSS in MB
    cpu: dict[int, tuple[str, float]] = field(default_factory=dict)  # pid -> (role, CPU s)
    _stop: threading.Event = field(default_factory=threading.Event)
    _start_cpu: dict[str, float] = field(default_factory=dict)

    def sample(self) -> None:
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for proc in psutil.Process().children(recursive=True):  # Playwright's browsers
            try:
                if "chrom" in proc.name():
                    times = proc.cpu_times()
                    self.cpu[proc.pid] = ("browsers", times.user + times.system)
            except psutil.Error:
                continue
        total = 0.0
        for proc in procs:
            try:
                rss = proc.memory_info().rss / 2**20
                cmd = " ".join(proc.cmdline())
                times = proc.cpu_times()
            except psutil.Error:
                continue
            total += rss
            role = "kernels" if "ipykernel" in cmd else "server"
            self.cpu[proc.pid] = (role, times.user + times.system)
            if "ipykernel" in cmd:
                self.kernels[proc.pid] = rss
        self.peak_total = max(self.peak_total, total)

    def run(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def cpu_seconds(self, role: str) -> float:
        """CPU time of the server or its kernels since the first sample, ended ones included."""
        return sum(t for r, t in self.cpu.values() if r == role) - self._start_cpu.get(role, 0.0)

    def __enter__(self) -> Memory:
        self.sample()
        self._start_cpu = {r: self.cpu_seconds(r) for r in ("server", "kernels", "browsers")}
        self._thread = threading.Thread(target=self.run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sample()
        self._stop.set()
        self._thread.join()


def add_staff(home: Path, count: int) -> list[tuple[str, str]]:
    from toolkit.store import NewLearner, Store

    store = Store(f"sqlite:///{home / 'esafety.db'}")
    try:
        created = store.add_learners(
            NewLearner(f"Staff {i}", f"staff{i}@{DOMAIN}", "teacher", date.today())
            for i in range(count)
        )
    finally:
        store.close()
    return [(learner.email, code) for learner, code in created]


async def one_session(browser, url: str, delay: float, person, result: Session) -> None:
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.route(
        lambda u: not u.startswith(("http://127.0.0.1", "http://localhost")),
        lambda route: route.abort(),
    )
    await context.add_init_script(READY_PROBE)
    page = await context.new_page()
    started, started_at = time.perf_counter(), time.time()
    try:
        await page.goto(url, wait_until="commit", timeout=TIMEOUT_S * 1000)
        deadline = started + TIMEOUT_S
        while time.perf_counter() < deadline:
            try:
                if await page.evaluate("window.__benchReadyAt !== undefined"):
                    break
                result.said_wait |= await page.title() == "Please wait a moment"
            except Exception:  # the page navigated (the wait page reloads itself)
                pass
            await asyncio.sleep(0.1)
        else:
            result.blank = not await page.evaluate(SAYS_SOMETHING)
            result.error = result.error or "not interactive within the timeout"
            return
        # The probe counts from the latest navigation; a wait page may have come before it.
        ready_at = await page.evaluate("(performance.timeOrigin + window.__benchReadyAt) / 1000")
        result.tti = ready_at - started_at
        if person is None:
            return
        email, code = person
        await page.get_by_label("Email", exact=True).fill(email)
        await page.get_by_label("Access code", exact=True).fill(code)
        clicked = time.perf_counter()
        await page.get_by_role("button", name=LABEL, exact=True).click()
        start_button = page.get_by_role("button", name="Start:").first
        await start_button.click(timeout=TIMEOUT_S * 1000)
        await page.get_by_role("heading", name="What do you do?").wait_for(timeout=TIMEOUT_S * 1000)
        result.to_choice = time.perf_counter() - clicked
    except Exception as err:
        result.error = f"{type(err).__name__}: {str(err).splitlines()[0][:120]}"
    finally:
        await context.close()  # the page's unload beacon ends its kernel


def renice_browsers(niceness: int) -> None:
    """Lower the browsers' priority: staff's browsers run on their own devices, not the server."""
    for proc in psutil.process_iter(["name"]):
        try:
            if "chrom" in (proc.info["name"] or ""):
                proc.nice(niceness)
        except psutil.Error:
            continue


async def meeting(
    url: str, sessions: int, browsers: int, spread: float, people, niceness: int = 0
) -> list[Session]:
    from playwright.async_api import async_playwright

    results = [Session() for _ in range(sessions)]
    async with async_playwright() as pw:
        opened = await asyncio.gather(
            *(
                pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                for _ in range(browsers)
            )
        )
        if niceness:
            renice_browsers(niceness)
        try:
            await asyncio.gather(
                *(
                    one_session(
                        opened[i % browsers],
                        url,
                        random.uniform(0, spread),
                        people[i] if people else None,
                        results[i],
                    )
                    for i in range(sessions)
                )
            )
        finally:
            for browser in opened:
                await browser.close()
    return results


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def report(name: str, results: list[Session], memory: Memory) -> None:
    tti = [r.tti for r in results if r.tti is not None]
    print(f"\n{name}")
    print(f"  interactive            {len(tti)} of {len(results)}")
    if tti:
        print(
            f"  time to interactive    median {statistics.median(tti):.1f} s, "
            f"90th percentile {percentile(tti, 90):.1f} s, max {max(tti):.1f} s"
        )
    print(f"  shown the wait page    {sum(r.said_wait for r in results)}")
    print(f"  blank pages            {sum(r.blank for r in results)}")
    errors = [r.error for r in results if r.error]
    print(f"  errors                 {len(errors)}{': ' + errors[0] if errors else ''}")
    choice = [r.to_choice for r in results if r.to_choice is not None]
    if choice:
        print(
            f"  sign in to 1st choice  {len(choice)} of {len(results)}: median "
            f"{statistics.median(choice):.1f} s, 90th percentile {percentile(choice, 90):.1f} s, "
            f"max {max(choice):.1f} s"
        )
    print(f"  server memory (peak)   {memory.peak_total:.0f} MB, Voila and its kernels")
    print(
        f"  CPU used               Voila {memory.cpu_seconds('server'):.0f} s, kernels "
        f"{memory.cpu_seconds('kernels'):.0f} s, browsers {memory.cpu_seconds('browsers'):.0f} s"
    )
    if memory.kernels:
        sizes = list(memory.kernels.values())
        print(
            f"  kernel memory          median {statistics.median(sizes):.0f} MB, "
            f"max {max(sizes):.0f} MB ({len(sizes)} kernels seen)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="Pages opened at once.")
    parser.add_argument("--browsers", type=int, default=5, help="Chromium processes.")
    parser.add_argument(
        "--spread", type=float, default=3.0, help="Seconds over which the pages are opened."
    )
    parser.add_argument("--settle", type=float, default=40.0, help="Seconds for pools to fill.")
    parser.add_argument(
        "--browser-nice",
        type=int,
        default=0,
        help="Run the browsers at this lower priority (e.g. 10), as if on the staff's own devices.",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="One session against each: does it still run?"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.sessions, args.browsers, args.spread, args.settle = 1, 1, 0.0, 0.0
    if args.sessions < 1 or args.browsers < 1:
        parser.error("--sessions and --browsers must be at least 1")

    print(f"{date.today()}  {os.cpu_count()} cores  {versions()}")
    print(f"{args.sessions} sessions over {args.browsers} browsers, opened within {args.spread} s")
    with tempfile.TemporaryDirectory(prefix="esafety-sessions-") as tmp:
        work = Path(tmp)
        staff, baseline = make_targets(work, pool=1 if args.smoke else None)
        people = add_staff(staff.cwd, args.sessions)
        for target, who in ((staff, people), (baseline, None)):
            run(target, who, work, args)
    return 0


def run(target: Target, people, work: Path, args) -> None:
    # Up when it answers `/`: asking for the page would take a kernel before the meeting.
    server = start(target, work / f"{target.name.replace(' ', '-')}.log", page=False)
    try:
        time.sleep(args.settle)  # as in a staff meeting: the server was up before the link
        with Memory(server.proc.pid) as memory:
            results = asyncio.run(
                meeting(
                    server.url + target.page,
                    args.sessions,
                    args.browsers,
                    args.spread,
                    people,
                    args.browser_nice,
                )
            )
        report(target.name, results, memory)
    finally:
        stop(server.proc)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())

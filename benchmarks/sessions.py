"""A staff meeting signing in at once: N simultaneous staff sessions, by itself or through the Hub.

Opens N pages (default 30) within a few seconds of each other, spread over several headless
Chromium processes as real staff would have. Two modes, each measured in one run:

* default: against one `esafety serve`, and the same against a bare one-widget Voila
  notebook started in the same run;
* `--hub`: through the Hub (`esafety hub`, access codes), each page signing in at the Hub's
  form with its own email and code and handed to the staff page already signed in; then the
  same N against a standalone `esafety serve`, each page signing in on the page itself.

For each page:

* time to interactive: navigation start to the page's "Sign in" button visible and enabled
  (default mode), or to the first scenario's first choice visible and enabled (`--hub`, both
  sides: sign-in, the list of modules, "Start" pressed, the first choice shown);
* blank pages: pages that never showed what was awaited nor a word of what was happening (the
  server's "many people are signing in" page or the loading text) within the timeout;
* errors: navigation failures, or an error where the page should be;
* signed in, time from pressing "Sign in" to the first scenario's first choice on screen;
* memory (RSS), sampled through the run: the service with its kernels, and under the Hub the
  Hub and its proxy apart; each kernel's; and processor time by role.

Usage: python benchmarks/sessions.py [--hub] [--sessions 30] [--browsers 5] [--spread 3]
       [--pool N] [--smoke]
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
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psutil
from page_load import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LABEL,
    SIGN_IN_BUTTON,
    Target,
    make_targets,
    ready_probe,
    start,
    stop,
    versions,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DOMAIN = "barley-lane-primary.example"
STAFF_PAGE = "services/esafety/voila/render/staff.ipynb"  # under the Hub
TIMEOUT_S = 120  # a page not interactive by then counts as failed
SAYS_SOMETHING = """() => {
  const text = document.body ? document.body.innerText : "";
  return /many people are signing in|opening your page|running /i.test(text);
}"""
# Thirty pages in a few browsers on two cores: checked every 50 ms rather than every frame.
SIGN_IN_PROBE = ready_probe(SIGN_IN_BUTTON, "__benchReadyAt", every_ms=50)
# The first button after the step's question: the scenario's first choice.
CHOICE_PROBE = ready_probe(
    "(() => { const q = [...document.querySelectorAll('h2')].find("
    "(h) => h.textContent.trim() === 'What do you do?'); if (!q) return null;"
    " return [...document.querySelectorAll('button')].find("
    "(b) => q.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) || null; })()",
    "__benchChoiceAt",
    every_ms=50,
)
HUB_FORM = "document.querySelector('input[name=username]') !== null"
MODULES = (
    "[...document.querySelectorAll('button')].some("
    "(b) => b.textContent.trim().startsWith('Start:') && !b.disabled)"
)


@dataclass
class Session:
    tti: float | None = None  # seconds to the sign-in form (the page's, or the Hub's)
    said_wait: bool = False  # was shown the "many people are signing in" page
    blank: bool = False
    error: str = ""
    to_choice: float | None = None  # seconds from Sign in to the first choice
    to_first_choice: float | None = None  # seconds from navigation start to the first choice


def role_of(cmd: str, parent: str) -> str:
    """Whose a process is: the Hub, its proxy, the staff pages' service (Voila or `esafety
    serve`), that service's kernels, or the DSL's service and its kernels."""
    if "ipykernel" in cmd:
        return "dsl" if "dsl-serve" in parent else "kernels"
    if "dsl-serve" in cmd:
        return "dsl"
    if "jupyterhub" in cmd:
        return "hub"
    if "http-proxy" in cmd:
        return "proxy"
    return "service"


@dataclass
class Memory:
    """A server's processes (by role_of), sampled until stopped: peak totals and kernels."""

    pid: int
    peaks: dict[str, float] = field(default_factory=dict)  # roles joined by "+" -> peak MB
    kernels: dict[int, float] = field(default_factory=dict)  # pid -> last RSS in MB
    cpu: dict[int, tuple[str, float]] = field(default_factory=dict)  # pid -> (role, CPU s)
    _stop: threading.Event = field(default_factory=threading.Event)
    _start_cpu: dict[str, float] = field(default_factory=dict)

    GROUPS = ("service+kernels", "hub+proxy", "dsl")

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
        totals: dict[str, float] = {}
        for proc in procs:
            try:
                rss = proc.memory_info().rss / 2**20
                cmd = " ".join(proc.cmdline())
                parent = " ".join(proc.parent().cmdline()) if proc.pid != self.pid else ""
                times = proc.cpu_times()
            except psutil.Error:
                continue
            role = role_of(cmd, parent)
            totals[role] = totals.get(role, 0.0) + rss
            self.cpu[proc.pid] = (role, times.user + times.system)
            if role == "kernels":
                self.kernels[proc.pid] = rss
        for group in self.GROUPS:
            total = sum(totals.get(role, 0.0) for role in group.split("+"))
            self.peaks[group] = max(self.peaks.get(group, 0.0), total)

    def run(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def cpu_seconds(self, role: str) -> float:
        """CPU time of one role since the first sample, ended processes included."""
        return sum(t for r, t in self.cpu.values() if r == role) - self._start_cpu.get(role, 0.0)

    def __enter__(self) -> Memory:
        self.sample()
        roles = ("service", "kernels", "hub", "proxy", "dsl", "browsers")
        self._start_cpu = {r: self.cpu_seconds(r) for r in roles}
        self._thread = threading.Thread(target=self.run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sample()
        self._stop.set()
        self._thread.join()


def settle(pid: int, pool: int, longest: float) -> float:
    """Wait until the staff pages' service has `pool` kernels and has gone quiet (the pool's
    pages rendered), or `longest` seconds; as in a staff meeting, the server was up before the
    link was sent. Returns the seconds waited."""
    began, known = time.monotonic(), {}  # pid -> Process, so CPU is measured between calls
    quiet = 0  # seconds in a row with the pool full and the processor nearly idle
    while time.monotonic() - began < longest:
        busy, kernels = 0.0, 0
        try:
            procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
        except psutil.Error:
            procs = []
        for proc in procs:
            proc = known.setdefault(proc.pid, proc)
            try:
                busy += proc.cpu_percent(None)  # since the previous call (0 on the first)
                cmd, parent = " ".join(proc.cmdline()), " ".join(proc.parent().cmdline())
            except psutil.Error:
                continue
            kernels += role_of(cmd, parent) == "kernels"
        quiet = quiet + 1 if kernels >= pool and busy < 15 else 0
        if quiet >= 3:
            break
        time.sleep(1)
    return time.monotonic() - began


def add_staff(db_url: str, count: int) -> list[tuple[str, str]]:
    """`count` teachers on the school's roster: their emails and access codes."""
    from toolkit.store import NewLearner, Store

    store = Store(db_url)
    try:
        created = store.add_learners(
            NewLearner(f"Staff {i}", f"staff{i}@{DOMAIN}", "teacher", date.today())
            for i in range(count)
        )
    finally:
        store.close()
    return [(learner.email, code) for learner, code in created]


async def wait_until(page, condition: str, result: Session, deadline: float, awaited: str) -> bool:
    """Poll the page until `condition` (JavaScript) holds, noting a wait page on the way;
    past the deadline, the error names what was `awaited`."""
    check = f"() => [Boolean({condition}), document.title]"
    while time.perf_counter() < deadline:
        try:
            met, title = await page.evaluate(check)
            if met:
                return True
            result.said_wait |= title == "Please wait a moment"
        except Exception:  # the page navigated (a redirect, or the wait page reloading)
            pass
        await asyncio.sleep(0.25)  # the times come from the page's probes, not from here
    result.blank = not await page.evaluate(SAYS_SOMETHING)
    result.error = result.error or f"no {awaited} within the timeout ({page.url})"
    return False


async def one_session(
    browser, url: str, delay: float, person, result: Session, hub: bool = False
) -> None:
    """One person: the page, their sign-in (at the Hub's form with `hub`), and with a person
    the first scenario's first choice. Times are read from the page's own clock."""
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.route(
        lambda u: not u.startswith(("http://127.0.0.1", "http://localhost")),
        lambda route: route.abort(),
    )
    if not hub:  # the Hub's form is a plain page: no widget to wait for
        await context.add_init_script(SIGN_IN_PROBE)
    await context.add_init_script(CHOICE_PROBE)
    context.set_default_timeout(TIMEOUT_S * 1000)
    page = await context.new_page()
    started, started_at = time.perf_counter(), time.time()
    deadline = started + TIMEOUT_S
    try:
        await page.goto(url, wait_until="commit", timeout=TIMEOUT_S * 1000)
        form = HUB_FORM if hub else "window.__benchReadyAt !== undefined"
        if not await wait_until(page, form, result, deadline, "sign-in form"):
            return
        if hub:  # the form is usable once its document is parsed
            shown = "performance.timeOrigin + performance.getEntriesByType('navigation')[0]"
            result.tti = await page.evaluate(f"({shown}.domInteractive) / 1000") - started_at
        else:  # the probe counts from the latest navigation; a wait page may have come first
            ready = "(performance.timeOrigin + window.__benchReadyAt) / 1000"
            result.tti = await page.evaluate(ready) - started_at
        if person is None:
            return
        email, code = person
        if hub:
            await page.get_by_label("School email").fill(email)
        else:
            await page.get_by_label("Email", exact=True).fill(email)
        await page.get_by_label("Access code", exact=True).fill(code)
        clicked_at = time.time()
        await page.get_by_role("button", name=LABEL, exact=True).click()
        if not await wait_until(page, MODULES, result, deadline, "list of modules"):
            return
        await page.get_by_role("button", name="Start:").first.click()
        if not await wait_until(
            page, "window.__benchChoiceAt !== undefined", result, deadline, "first choice"
        ):
            return
        chosen_at = await page.evaluate("(performance.timeOrigin + window.__benchChoiceAt) / 1000")
        result.to_choice = chosen_at - clicked_at
        result.to_first_choice = chosen_at - started_at
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


async def meeting(url: str, people, args, hub: bool = False) -> list[Session]:
    """`args.sessions` pages opened within `args.spread` seconds over `args.browsers` Chromium
    processes; page i signs in as people[i] (no sign-in without people)."""
    from playwright.async_api import async_playwright

    results = [Session() for _ in range(args.sessions)]
    async with async_playwright() as pw:
        opened = await asyncio.gather(
            *(
                pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                for _ in range(args.browsers)
            )
        )
        if args.browser_nice:
            renice_browsers(args.browser_nice)
        try:
            await asyncio.gather(
                *(
                    one_session(
                        opened[i % args.browsers],
                        url,
                        random.uniform(0, args.spread),
                        people[i] if people else None,
                        results[i],
                        hub,
                    )
                    for i in range(args.sessions)
                )
            )
        finally:
            for browser in opened:
                await browser.close()
    return results


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def spread(label: str, values: list[float], of: int) -> str:
    return (
        f"  {label:<22} {len(values)} of {of}: median {statistics.median(values):.1f} s, "
        f"90th percentile {percentile(values, 90):.1f} s, max {max(values):.1f} s"
    )


def report(name: str, results: list[Session], memory: Memory, to_choice: bool = False) -> None:
    """The figures of one side; with `to_choice`, interactive means the first choice shown."""
    tti = [r.tti for r in results if r.tti is not None]
    choice = [r.to_choice for r in results if r.to_choice is not None]
    reached = [r.to_first_choice for r in results if r.to_first_choice is not None]
    interactive = reached if to_choice else tti
    print(f"\n{name}")
    print(f"  interactive            {len(interactive)} of {len(results)}")
    if interactive:
        print(
            f"  time to interactive    median {statistics.median(interactive):.1f} s, "
            f"90th percentile {percentile(interactive, 90):.1f} s, max {max(interactive):.1f} s"
        )
    if to_choice and tti:
        print(spread("sign-in form shown", tti, len(results)))
    print(f"  shown the wait page    {sum(r.said_wait for r in results)}")
    print(f"  blank pages            {sum(r.blank for r in results)}")
    errors = Counter(r.error for r in results if r.error)
    print(f"  errors                 {errors.total()}")
    for error, count in errors.most_common(3):
        print(f"    {count} x {error}")
    if choice:
        print(spread("sign in to 1st choice", choice, len(results)))
    if reached and not to_choice:
        print(spread("page to 1st choice", reached, len(results)))
    peaks = memory.peaks
    print(f"  server memory (peak)   {peaks['service+kernels']:.0f} MB, service and its kernels")
    if peaks.get("hub+proxy"):
        print(
            f"  Hub memory (peak)      {peaks['hub+proxy']:.0f} MB, Hub and proxy "
            f"(DSL service and its kernels: {peaks['dsl']:.0f} MB)"
        )
    roles = ("hub", "proxy", "service", "kernels", "browsers")
    used = ", ".join(
        f"{role} {memory.cpu_seconds(role):.0f} s"
        for role in roles
        if role not in ("hub", "proxy") or peaks.get("hub+proxy")
    )
    print(f"  CPU used               {used}")
    if memory.kernels:
        sizes = list(memory.kernels.values())
        print(
            f"  kernel memory          median {statistics.median(sizes):.0f} MB, "
            f"max {max(sizes):.0f} MB ({len(sizes)} kernels seen)"
        )


def measure(pid: int, url: str, people, args, pool: int, hub: bool = False):
    """Wait for the pool, then the meeting, with the server's processes sampled throughout."""
    waited = settle(pid, pool, args.settle)
    print(f"  (pool of {pool} ready after {waited:.0f} s)", flush=True)
    with Memory(pid) as memory:
        results = asyncio.run(meeting(url, people, args, hub))
    return results, memory


def standalone(
    target: Target, people, work: Path, args, pool: int, to_choice: bool, title: str = ""
) -> None:
    # Up when it answers `/`: asking for the page would take a kernel before the meeting.
    server = start(target, work / f"{target.name.replace(' ', '-')}.log", page=False)
    try:
        results, memory = measure(server.proc.pid, server.url + target.page, people, args, pool)
        report(title or target.name, results, memory, to_choice)
    finally:
        stop(server.proc)


def through_the_hub(work: Path, args) -> None:
    from tests.browser.hub_site import running_hub

    env = {"ESAFETY_POOL_SIZE": str(args.pool)}
    (work / "hub").mkdir()
    with running_hub(work / "hub", "access-code", env_extra=env) as hub:
        people = add_staff(hub.db_url, args.sessions)
        results, memory = measure(hub.pid, hub.url + STAFF_PAGE, people, args, args.pool, True)
    report("through the Hub", results, memory, to_choice=True)


def main(argv: list[str] | None = None) -> int:
    from toolkit.settings import SETTINGS

    deployed_pool = int(SETTINGS["pool_size"].default)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="Pages opened at once.")
    parser.add_argument("--browsers", type=int, default=5, help="Chromium processes.")
    parser.add_argument(
        "--spread", type=float, default=3.0, help="Seconds over which the pages are opened."
    )
    parser.add_argument(
        "--hub",
        action="store_true",
        help="Through the Hub (access codes) to the first choice, then the same standalone.",
    )
    parser.add_argument(
        "--pool",
        type=int,
        default=deployed_pool,
        help=f"Staff pages made ahead (ESAFETY_POOL_SIZE; {deployed_pool} as deployed).",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=120.0,
        help="Longest wait, in seconds, for the pool to fill before the pages are opened.",
    )
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
        args.sessions, args.browsers, args.spread, args.pool = 1, 1, 0.0, 1
    if args.sessions < 1 or args.browsers < 1 or args.pool < 0:
        parser.error("--sessions and --browsers must be at least 1, --pool at least 0")

    print(f"{date.today()}  {os.cpu_count()} cores  {versions()}")
    print(
        f"{args.sessions} sessions over {args.browsers} browsers, opened within {args.spread} s, "
        f"{args.pool} pages made ahead"
    )
    with tempfile.TemporaryDirectory(prefix="esafety-sessions-") as tmp:
        work = Path(tmp)
        if args.hub:
            through_the_hub(work, args)
        staff, baseline = make_targets(work, pool=args.pool)
        people = add_staff(f"sqlite:///{staff.cwd / 'esafety.db'}", args.sessions)
        title = "standalone esafety serve" if args.hub else ""
        standalone(staff, people, work, args, args.pool, to_choice=args.hub, title=title)
        if not args.hub:
            standalone(baseline, None, work, args, 0, to_choice=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

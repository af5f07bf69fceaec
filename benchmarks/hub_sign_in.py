"""Signing in through the Hub against signing in on the standalone page, in one run.

Measures, with Debian's Chromium driven by Playwright, for one teacher at a time:

* behind the Hub (`esafety hub`, access codes): from the Hub's sign-in page being shown to
  the staff page being interactive (its "Sign out" button visible and enabled): the form is
  sent, the Hub signs the person in, hands them to the service by its OAuth, and the page's
  kernel runs;
* the baseline, standalone (`esafety serve`): from the page's own sign-in form being shown to
  the same button, after the same email and access code are sent through the widgets.

Both serve with the same number of pages made ahead (`--pool`, 2 by default), so each
sign-in but the first few meets a page made ahead, as at a school.

Usage: python benchmarks/hub_sign_in.py [--runs 5] [--pool 2] [--smoke]
Prints a table; nothing is asserted. `--smoke` signs in once each: does it still run?
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from page_load import CHROMIUM, CHROMIUM_ARGS, make_targets, row, start, stop, versions

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.hub_site import email, running_hub  # noqa: E402

STAFF = "services/esafety/voila/render/staff.ipynb"
TIMEOUT_MS = 120_000


def through_the_hub(browser, hub, key: str) -> float:
    page = browser.new_context().new_page()
    page.goto(hub.url + STAFF, timeout=TIMEOUT_MS)
    page.get_by_label("School email").wait_for(timeout=TIMEOUT_MS)
    shown = time.perf_counter()
    page.get_by_label("School email").fill(email(key))
    page.get_by_label("Access code").fill(hub.codes[key])
    page.get_by_role("button", name="Sign in").click()
    _interactive(page)
    took = time.perf_counter() - shown
    page.context.close()
    return took


def standalone(browser, url: str, address: str, code: str) -> float:
    page = browser.new_context().new_page()
    page.goto(url, timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT_MS)
    shown = time.perf_counter()
    page.get_by_label("Email", exact=True).fill(address)
    page.get_by_label("Access code").fill(code)
    page.get_by_label("Access code").blur()  # the field sends its value when it loses focus
    page.get_by_role("button", name="Sign in").click()
    _interactive(page)
    took = time.perf_counter() - shown
    page.context.close()
    return took


def _interactive(page) -> None:
    done = page.get_by_role("button", name="Sign out")
    done.wait_for(timeout=TIMEOUT_MS)
    deadline = time.perf_counter() + TIMEOUT_MS / 1000
    while not done.is_enabled() and time.perf_counter() < deadline:
        time.sleep(0.02)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="Sign-ins measured on each.")
    parser.add_argument("--pool", type=int, default=2, help="Pages made ahead on each.")
    parser.add_argument("--smoke", action="store_true", help="One sign-in each.")
    args = parser.parse_args(argv)
    runs = 1 if args.smoke else args.runs

    from playwright.sync_api import sync_playwright

    from toolkit.store import NewLearner, Store

    with tempfile.TemporaryDirectory(prefix="esafety-bench-") as tmp, sync_playwright() as pw:
        work = Path(tmp)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        env = {"ESAFETY_POOL_SIZE": str(args.pool)}
        (work / "hub").mkdir()
        with running_hub(work / "hub", "access-code", env_extra=env) as hub:
            behind = [through_the_hub(browser, hub, "teacher") for _ in range(runs)]

        staff, _ = make_targets(work, pool=args.pool)
        store = Store(f"sqlite:///{staff.cwd / 'esafety.db'}")
        ((learner, code),) = store.add_learners(
            [NewLearner("Tea Cher", "teacher@barley-lane-primary.example", "teacher", date.today())]
        )
        store.close()
        running = start(staff, work / "serve.log")
        try:
            url = running.url + staff.page
            alone = [standalone(browser, url, learner.email, code) for _ in range(runs)]
        finally:
            stop(running.proc)
        browser.close()

    print(versions())
    print(f"sign-ins: {runs} each, pages made ahead: {args.pool}")
    print(f"{'':<44} {'median':>8} {'min':>8} {'max':>8} {'n':>4}")
    print(row("through the Hub: sign-in page to interactive", behind))
    print(row("baseline, standalone: form to interactive", alone))
    ratio = statistics.median(behind) / statistics.median(alone)
    print(f"ratio Hub / standalone (medians)  {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Many pages on one server: the kernel cap, the wait page, pages closed or gone, and a
page whose kernel or server has gone saying so. Each test runs its own small server."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serving
from tests.browser.keys import axe_findings, button
from tests.browser.test_server import every_axe_finding

pytestmark = pytest.mark.browser

STAFF = "voila/render/staff.ipynb"
RENDER_TIMEOUT_MS = 60_000
WAIT_TITLE = "Please wait a moment"


def wait_until(check, timeout: float, what: str, every: float = 0.5):
    """Poll `check` until it returns something true; fail saying what never happened."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    pytest.fail(f"within {timeout} s: {what}")


def kernel_id(page) -> str:
    return page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )


def page_state(server, kernel: str) -> dict:
    status, body = server.get(f"esafety/page/{kernel}")
    assert status == 200
    return json.loads(body)


def test_a_flood_of_plain_gets_is_capped_in_kernels_and_memory(tmp_path):
    """Do 100 GETs of the staff page, which never open a websocket, leave the kernel count
    and the memory bounded, each past the cap answered by the wait page, not a kernel?"""
    cap = 4
    env = {"ESAFETY_MAX_KERNELS": str(cap), "ESAFETY_POOL_SIZE": "0"}
    with serving(tmp_path, env_extra=env) as server:
        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(lambda _: server.get(STAFF, timeout=120), range(100)))
        statuses = [status for status, _ in answers]
        assert set(statuses) <= {200, 503}, statuses
        waits = [body for status, body in answers if status == 503]
        assert len(waits) >= 100 - 2 * cap  # the pooled page and a few started as room freed
        assert all(b"Many people are signing in" in body for body in waits)
        kernels = server.kernels()
        assert len(kernels) <= cap
        megabytes = sum(k.memory_info().rss for k in kernels) / 2**20
        assert megabytes <= cap * 150, f"{len(kernels)} kernels hold {megabytes:.0f} MB"


def test_kernels_of_pages_gone_without_a_word_are_ended(tmp_path):
    """Is the kernel of a page fetched but never connected (a closed laptop, a script)
    ended after the short idle time, and does its page state say why?"""
    env = {"ESAFETY_POOL_SIZE": "0", "ESAFETY_GONE_SECONDS": "2"}
    with serving(tmp_path, env_extra=env) as server:
        status, body = server.get(STAFF, timeout=120)
        assert status == 200
        kernel = re.search(rb'"kernelId": "([\w-]+)"', body).group(1).decode()
        assert page_state(server, kernel) == {"state": "running"}
        wait_until(lambda: not server.kernels(), 30, "the unconnected kernel ended")
        assert page_state(server, kernel) == {"state": "ended", "reason": "gone"}


def test_closing_pages_ends_their_kernels_within_ten_seconds(tmp_path, browser):
    """Does closing a tab end its kernel (the unload beacon is accepted, not refused 403)?"""
    with serving(tmp_path, env_extra={"ESAFETY_POOL_SIZE": "0"}) as server:
        context = browser.new_context()
        pages = []
        for _ in range(3):
            page = context.new_page()
            page.goto(server.url + STAFF, timeout=RENDER_TIMEOUT_MS)
            expect(button(page, "Sign in")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
            pages.append(page)
        assert len(server.kernels()) == 3
        for page in pages:
            page.close(run_before_unload=True)
        closed = time.monotonic()
        wait_until(lambda: not server.kernels(), 10, "the three kernels ended")
        assert time.monotonic() - closed <= 10
        assert "403 POST" not in server.log_text()
        context.close()


def test_past_the_cap_a_page_says_wait_and_then_opens_by_itself(tmp_path, page, browser):
    """With every kernel taken, does a new page say that many people are signing in (with
    no serious axe finding), and then become the sign-in page once a kernel is free?"""
    env = {"ESAFETY_MAX_KERNELS": "1", "ESAFETY_POOL_SIZE": "0"}
    with serving(tmp_path, env_extra=env) as server:
        first = browser.new_context().new_page()
        first.goto(server.url + STAFF, timeout=RENDER_TIMEOUT_MS)
        expect(button(first, "Sign in")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)

        page.goto(server.url + STAFF)
        expect(page).to_have_title(WAIT_TITLE)
        expect(page.get_by_role("heading", name="Many people are signing in")).to_be_visible()
        assert axe_findings(page, "wait page") == []

        first.close(run_before_unload=True)
        expect(button(page, "Sign in")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)


def test_a_page_whose_kernel_dies_says_the_connection_is_lost(tmp_path, page):
    """If the page's kernel dies, does the page say so within a few seconds, hide the
    last view, and offer a reload, instead of clicks doing nothing?"""
    with serving(tmp_path, env_extra={"ESAFETY_POOL_SIZE": "0"}) as server:
        page.goto(server.url + STAFF, timeout=RENDER_TIMEOUT_MS)
        expect(button(page, "Sign in")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
        (kernel,) = server.kernels()
        os.kill(kernel.pid, signal.SIGKILL)
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("connection to the training server was lost", timeout=10_000)
        expect(alert).to_contain_text("Your choices are saved")
        expect(button(page, "Sign in")).to_have_count(0)
        expect(page.get_by_role("button", name="Reload the page")).to_be_focused()


def test_a_page_whose_server_stops_says_the_connection_is_lost(tmp_path, page):
    with serving(tmp_path, env_extra={"ESAFETY_POOL_SIZE": "0"}) as server:
        page.goto(server.url + STAFF, timeout=RENDER_TIMEOUT_MS)
        expect(button(page, "Sign in")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
        os.killpg(server.pid, signal.SIGKILL)
        expect(page.get_by_role("alert")).to_contain_text(
            "connection to the training server was lost", timeout=15_000
        )


def test_an_open_page_left_unused_is_ended_with_a_message(tmp_path, page):
    """Is a page left open and unused ended (its kernel too), saying progress is saved, with
    no axe finding at all?"""
    env = {"ESAFETY_POOL_SIZE": "0", "ESAFETY_IDLE_MINUTES": "0.1"}
    with serving(tmp_path, env_extra=env) as server:
        page.goto(server.url + STAFF, timeout=RENDER_TIMEOUT_MS)
        expect(button(page, "Sign in")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
        kernel = kernel_id(page)
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("not used for a while", timeout=40_000)
        expect(alert).to_contain_text("Everything you did is saved")
        assert page_state(server, kernel) == {"state": "ended", "reason": "idle"}
        assert not server.kernels()
        assert axe_findings(page, "page ended") == []
        assert every_axe_finding(page) == []  # its notice is the page's one main landmark

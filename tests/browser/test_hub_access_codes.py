"""Behind the Hub, for a school without single sign-on: the access codes the toolkit issues,
checked by the Hub's authenticator against the store's hashes, with failed sign-ins limited;
and the kernel cap, the wait page and the ending of idle pages, through the Hub."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.hub_site import email, running_hub
from tests.browser.keys import axe_findings, button
from tests.browser.test_capacity import wait_until

pytestmark = pytest.mark.browser

STAFF = "services/esafety/voila/render/staff.ipynb"
CLASSROOM = "services/esafety/voila/render/classroom.ipynb"
DSL = "services/esafety-dsl/voila/render/dsl.ipynb"
RENDER_TIMEOUT_MS = 90_000
CAP = 2
# The DSL's page is ended after 6 s unused here, to see the message without waiting 30 minutes.
IDLE_DSL = """
c.JupyterHub.services[1]['environment'] = {**ESAFETY, 'ESAFETY_IDLE_MINUTES': '0.1'}
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    env = {"ESAFETY_MAX_KERNELS": str(CAP)}
    home = tmp_path_factory.mktemp("hub-codes")
    with running_hub(home, "access-code", env_extra=env, extra_config=IDLE_DSL) as running:
        yield running


def sign_in(page: Page, hub, key: str, code: str | None = None, path: str = STAFF) -> None:
    page.goto(hub.url + path)
    page.get_by_label("School email").fill(email(key))
    page.get_by_label("Access code").fill(hub.codes[key] if code is None else code)
    page.get_by_role("button", name="Sign in").click()


def test_staff_sign_in_with_their_access_code_and_get_their_page(page, hub):
    page.goto(hub.url + STAFF)
    assert axe_findings(page, "the Hub's sign-in form") == []
    sign_in(page, hub, "teacher")
    expect(button(page, "Sign out")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_text("Take the quiz").first).to_be_visible()
    recorded = hub.store().sign_ins_for(email("teacher"))
    assert [(r["page"], r["outcome"]) for r in recorded] == [("hub", "ok")]
    page.close(run_before_unload=True)  # closing the page ends its kernel
    wait_until(lambda: not hub.kernels(), 10, "the page's kernel ended after closing it")


def test_failed_sign_ins_are_limited_with_a_clear_message_and_never_log_the_code(page, hub):
    wrong = "WRNG-WRNG-WRNG"
    for _ in range(5):
        sign_in(page, hub, "volunteer", wrong)
        expect(page.get_by_text("do not match the school's records")).to_be_visible()
    sign_in(page, hub, "volunteer")  # the right code, but signing in is paused
    expect(page.get_by_text("signing in is paused for", exact=False)).to_be_visible()
    expect(button(page, "Sign out")).to_have_count(0)
    assert axe_findings(page, "sign-in paused") == []
    outcomes = [r["outcome"] for r in hub.store().sign_ins_for(email("volunteer"))]
    assert outcomes == ["wrong"] * 5 + ["limited"]
    log = hub.log_text()
    assert wrong not in log and hub.codes["volunteer"] not in log


def test_past_the_cap_a_page_says_wait_then_opens_by_itself(browser, hub):
    wait_until(lambda: not hub.kernels(), 30, "no page open")
    context = browser.new_context()
    first = context.new_page()
    sign_in(first, hub, "teacher")
    expect(button(first, "Sign out")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
    second = context.new_page()
    second.goto(hub.url + CLASSROOM)
    expect(button(second, "Sign out")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
    assert len(hub.kernels()) == CAP

    third = context.new_page()
    third.goto(hub.url + STAFF)
    expect(third.get_by_role("heading", name="Many people are signing in")).to_be_visible()
    assert axe_findings(third, "wait page behind the Hub") == []
    first.close(run_before_unload=True)
    expect(button(third, "Sign out")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
    context.close()


def test_a_page_left_unused_is_ended_saying_progress_is_saved(page, hub):
    sign_in(page, hub, "dsl", path=DSL)
    expect(page.get_by_role("heading", name="Completion matrix")).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )
    started = time.monotonic()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("not used for a while", timeout=40_000)
    expect(alert).to_contain_text("saved")
    assert time.monotonic() - started < 40
    wait_until(lambda: not hub.kernels("dsl-serve"), 10, "the DSL page's kernel ended")

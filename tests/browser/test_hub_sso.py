"""Behind the Hub, signed in with a school account (a local OpenID Connect provider): the
pages know who signed in, the roster decides who may open which page, nobody gets a server,
and no kernel starts for anyone who has not signed in."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.hub_site import email, oidc_provider, running_hub
from tests.browser.keys import axe_findings, button
from tests.browser.test_capacity import wait_until

pytestmark = pytest.mark.browser

STAFF = "services/esafety/voila/render/staff.ipynb"
CLASSROOM = "services/esafety/voila/render/classroom.ipynb"
DSL = "services/esafety-dsl/voila/render/dsl.ipynb"
RENDER_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    with oidc_provider() as provider:
        args = ("--oidc-url", provider, "--client-id", "esafety-test")
        with running_hub(tmp_path_factory.mktemp("hub-sso"), "oidc", *args) as running:
            yield running


def sign_in(page: Page, hub, key: str, path: str = STAFF) -> float:
    """Open a page, sign in at the provider as `key`; the seconds from the Hub's sign-in page."""
    page.goto(hub.url + path)
    started = time.monotonic()
    page.get_by_text("Sign in with your school account").click()
    page.locator("input[name=sub]").fill(email(key))
    page.get_by_role("button", name="Authorize").click()
    return started


def test_a_teacher_signs_in_with_the_school_account_and_gets_the_staff_page(page, hub):
    page.goto(hub.url + STAFF)
    expect(
        page.get_by_role("heading", name="safeguarding and social media training")
    ).to_be_visible()
    assert axe_findings(page, "the Hub's sign-in page") == []
    started = sign_in(page, hub, "teacher")
    expect(button(page, "Sign out")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
    print(f"sign-in page to interactive staff page: {time.monotonic() - started:.1f} s")
    expect(page.get_by_label("Email", exact=True)).to_have_count(0)  # no form of our own
    expect(page.get_by_text("Take the quiz").first).to_be_visible()
    assert axe_findings(page, "staff page behind the Hub") == []

    page.goto(hub.url + CLASSROOM)
    expect(page.get_by_text("Teacher").first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(button(page, "Sign out")).to_be_enabled()
    expect(page.get_by_label("Access code")).to_have_count(0)

    response = page.goto(hub.url + DSL)
    assert response.status == 403
    expect(
        page.get_by_text("opens only for the school's Designated Safeguarding Lead")
    ).to_be_visible()
    assert axe_findings(page, "DSL page refused") == []


def test_the_dsl_opens_the_dsl_page(page, hub):
    sign_in(page, hub, "dsl", DSL)
    expect(page.get_by_role("heading", name="Completion matrix")).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("outsider", "not on the school's staff list"),
        ("leaver", "marked this person as having left"),
    ],
)
def test_someone_not_on_the_roster_is_refused_saying_whom_to_ask(page, hub, key, says):
    before = len(hub.kernels())
    sign_in(page, hub, key)
    expect(page.get_by_text(says, exact=False)).to_be_visible()
    expect(page.get_by_text("Designated Safeguarding Lead", exact=False)).to_be_visible()
    # Nothing started for them (a kernel of an earlier test may end meanwhile).
    assert len(hub.kernels()) <= before
    page.screenshot(path=str(hub.home / f"refused-{key}.png"))


def test_the_classroom_page_is_for_teaching_roles(page, hub):
    sign_in(page, hub, "volunteer", CLASSROOM)
    expect(
        page.get_by_role("heading", name="The classroom page is for teaching staff")
    ).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    assert axe_findings(page, "classroom refused") == []


def test_nothing_starts_before_sign_in_and_no_server_or_files_api_is_reachable(page, hub):
    """No kernel for a page opened without signing in; no server of one's own, no contents,
    kernels or terminals API for a signed-in person either."""
    before = len(hub.kernels())
    for _ in range(5):
        status, body = hub.get(STAFF)
        assert status == 200 and b"Sign in with your school account" in body  # the Hub's page
    assert len(hub.kernels()) == before

    sign_in(page, hub, "teacher")
    expect(button(page, "Sign out")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
    name = email("teacher")
    for path in (
        f"user/{name}/",
        f"user/{name}/api/contents",
        f"hub/spawn/{name}",
        "services/esafety/api/contents",
        "services/esafety/api/kernels",
        "services/esafety/api/terminals",
        "services/esafety/voila/api/contents",
        "services/esafety/voila/files/esafety.db",
        "services/esafety/lab",
    ):
        response = page.request.get(hub.url + path, max_redirects=5)
        text = response.text()
        assert response.status in (403, 404, 405, 424, 503), (path, response.status, text[:300])
        try:
            listing = json.loads(text)
        except ValueError:
            listing = None
        assert not isinstance(listing, list), (path, text[:300])
        assert "staff.ipynb" not in text and "SQLite" not in text, path


def test_closing_or_leaving_the_page_ends_its_kernel_within_ten_seconds(browser, hub):
    context = browser.new_context()
    page = context.new_page()
    kernels_before = hub.kernels()
    before = len(kernels_before)
    sign_in(page, hub, "teacher")
    expect(button(page, "Sign out")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
    assert len(hub.kernels()) == before + 1
    page.close(run_before_unload=True)
    closed = time.monotonic()
    wait_until(lambda: len(hub.kernels()) == before, 10, "the page's kernel ended")
    assert time.monotonic() - closed <= 10

    page = context.new_page()  # leaving a page for another ends its kernel too
    page.goto(hub.url + STAFF)
    expect(button(page, "Sign out")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
    (staff,) = set(hub.kernels()) - set(kernels_before)
    page.goto(hub.url + CLASSROOM)
    left = time.monotonic()
    wait_until(lambda: staff not in hub.kernels(), 10, "the left page's kernel ended")
    assert time.monotonic() - left <= 10
    context.close()


def test_signing_out_leaves_the_page_and_can_end_the_hub_session(page, hub):
    sign_in(page, hub, "teacher")
    button(page, "Sign out").click(timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_text("nothing of yours is left", exact=False)).to_be_visible()
    assert axe_findings(page, "signed out behind the Hub") == []
    page.get_by_role("link", name="Sign out of your school account on this computer").click()
    page.goto(hub.url + STAFF)
    expect(page.get_by_text("Sign in with your school account")).to_be_visible()

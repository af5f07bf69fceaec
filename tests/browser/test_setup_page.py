"""The setup page in Chromium: served by the DSL's server behind its token, it confirms an
imported policy's settings and citations, saving each at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.apps import imported_school
from tests.apps.imported_school import SCENARIO, SCHOOL_ID
from tests.browser.conftest import serving
from tests.browser.keys import axe_findings
from toolkit.content import imported

pytestmark = pytest.mark.browser

TOKEN = "test-token-for-the-setup-page-0123456789"
RENDER_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def setup_server(tmp_path_factory, catalogue):
    home = tmp_path_factory.mktemp("setup-home")
    imported_school.write(home / "schools", catalogue)
    with serving(home, "--dsl", env_extra={"ESAFETY_DSL_TOKEN": TOKEN}) as running:
        yield running


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Each state of the page, kept with the test's files to look at when something fails."""
    return tmp_path_factory.mktemp("setup-shots")


def review(server) -> imported.PolicyReview:
    return imported.read_review(server.home / "schools" / SCHOOL_ID)


def test_the_setup_page_needs_the_token(setup_server):
    """Without the token, is the setup page refused, with nothing of the policy in it?"""
    for path in ("voila/render/setup.ipynb", "voila/render/setup.ipynb?token=wrong"):
        status, body = setup_server.get(path)
        assert status != 200 or b"Oakfield" not in body, path


def test_the_dsl_confirms_a_setting_and_a_point(page, setup_server, shots):
    """Does the DSL, with the token, confirm a setting and a teaching point, see each saved in
    the school's files and shown as confirmed, with no serious accessibility finding?"""
    page.goto(
        setup_server.url + f"voila/render/setup.ipynb?token={TOKEN}", timeout=RENDER_TIMEOUT_MS
    )
    expect(page.get_by_role("heading", name="Part 1: Your policy's answers")).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )
    expect(page.get_by_text("18 settings are left to confirm")).to_be_visible()
    assert page.locator("script", has_text='alert("x")').count() == 0
    assert page.dialogs == []
    page.screenshot(path=shots / "1-opened.png")
    page.locator(".esafety-setting-parents-as-friends").screenshot(path=shots / "1-choice.png")
    serious = axe_findings(page, "setup page")
    assert serious == [], "\n".join(serious)

    # Part 1: a bad value is refused beside it; then a good one is saved, confirmed.
    setting = page.locator(".esafety-setting-pass-mark")
    setting.get_by_label("Answer").fill("lots")
    setting.get_by_label("Answer").press("Tab")
    setting.get_by_role("button", name="Confirm this answer").click()
    expect(setting.get_by_role("alert")).to_contain_text("whole number")
    setting.screenshot(path=shots / "2-bad-value.png")
    assert not review(setup_server).settings["pass_mark"].confirmed
    setting.get_by_label("Answer").fill("70")
    setting.get_by_label("Answer").press("Tab")
    setting.get_by_role("button", name="Confirm this answer").click()
    expect(setting.get_by_text("Confirmed.")).to_be_visible()
    expect(page.get_by_text("17 settings are left to confirm")).to_be_visible()
    saved = review(setup_server).settings["pass_mark"]
    assert saved.confirmed and saved.value == 70
    setting.screenshot(path=shots / "3-setting-confirmed.png")

    # Part 2: a scenario's first point, the second proposal ticked and confirmed.
    picker = page.get_by_label("Scenario or quiz")
    picker.select_option(label="Scenario: A friend request from a pupil (18 of 18 left to review)")
    point = page.locator(".esafety-point").first
    expect(point.get_by_text("Not reviewed yet.")).to_be_visible()
    boxes = point.get_by_role("checkbox")
    expect(boxes).to_have_count(3)  # two proposals and "none applies", none ticked
    assert [boxes.nth(i).is_checked() for i in range(3)] == [False, False, False]
    point.get_by_role("checkbox", name="accounts-1", exact=False).check()
    point.get_by_role("button", name="Confirm this point").click()
    expect(point.get_by_text("Confirmed:")).to_be_visible()
    expect(page.get_by_text("1 of 464 points reviewed")).to_be_visible()
    assert review(setup_server).citations[f"{SCENARIO}/request/0"].confirmed == ["accounts-1"]
    point.screenshot(path=shots / "4-point-confirmed.png")
    picker.scroll_into_view_if_needed()
    page.screenshot(path=shots / "5-scenario-open.png")
    serious = axe_findings(page, "setup page, a scenario open")
    assert serious == [], "\n".join(serious)

    # Every other setting confirmed as shown: the page gives the next step.
    page.get_by_role("button", name="Confirm all as shown").click()
    expect(page.get_by_text(f"esafety init --school {SCHOOL_ID}")).to_be_visible()
    assert review(setup_server).unconfirmed_settings == []
    page.screenshot(path=shots / "6-all-confirmed.png")
    assert page.dialogs == []


def test_the_dsl_page_links_to_the_setup_page(page, setup_server, shots):
    """Does the DSL's page, opened with the token, link to the setup page, and does the link
    open it without the token being typed again?"""
    page.goto(setup_server.url + f"voila/render/dsl.ipynb?token={TOKEN}", timeout=RENDER_TIMEOUT_MS)
    link = page.get_by_role("link", name="set it up on the setup page")
    expect(link).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    page.screenshot(path=shots / "0-dsl-page-link.png")
    link.click()
    expect(
        page.get_by_role("heading", name="Oakfield Primary School: set up your policy")
    ).to_be_visible(timeout=RENDER_TIMEOUT_MS)

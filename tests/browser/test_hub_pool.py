"""Behind the Hub with pages made ahead (the preheated pool, as a school runs it): each page
made before anyone signed in opens for the person who then signs in, and for no one else."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.hub_site import email, running_hub
from tests.browser.keys import button

pytestmark = pytest.mark.browser

STAFF = "services/esafety/voila/render/staff.ipynb"
RENDER_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    env = {"ESAFETY_POOL_SIZE": "2"}
    with running_hub(tmp_path_factory.mktemp("hub-pool"), "access-code", env_extra=env) as running:
        yield running


def test_pages_made_ahead_open_for_whoever_signs_in(browser, hub):
    for key, name in (("teacher", "Teacher"), ("volunteer", "Volunteer")):
        context = browser.new_context()
        page = context.new_page()
        page.goto(hub.url + STAFF)
        page.get_by_label("School email").fill(email(key))
        page.get_by_label("Access code").fill(hub.codes[key])
        page.get_by_role("button", name="Sign in").click()
        expect(button(page, "Sign out")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
        # The page is theirs, though made before they signed in.
        expect(page.get_by_role("heading", name=f"Your training, {name}")).to_be_visible()
        context.close()

"""A trust of two schools on one Hub, on SQLite files and on schemas of one PostgreSQL
database: each school's pages open for its own people only, its DSL sees nothing of the other
school, and the trust's view opens for the trust's leads only. Tried both ways, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.hub_site import oidc_provider
from tests.browser.keys import axe_findings, button
from tests.browser.trust_site import (
    DSL_PAGE,
    LEAD,
    SCHOOLS,
    STAFF_PAGE,
    TRUST_PAGE,
    person,
    running_trust_hub,
    schema_urls,
)

pytestmark = pytest.mark.browser

RENDER_TIMEOUT_MS = 90_000
OTHER = {"oak": "ash", "ash": "oak"}
NAMES = {"oak": "Barley Lane Primary School", "ash": "Bury CE Primary School"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def hub(request, tmp_path_factory):
    home = tmp_path_factory.mktemp(f"trust-{request.param}")
    if request.param == "sqlite":
        urls = {school: f"sqlite:///{home / school}.db" for school in SCHOOLS}
    else:
        urls = schema_urls(request.getfixturevalue("postgres"))
    with oidc_provider() as provider, running_trust_hub(home, urls, provider) as running:
        yield running


def signed_in(browser: Browser, hub, email: str) -> Page:
    """A new browser (no one else's cookies) where `email` signed in and reached their page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(hub.url)
    page.get_by_text("Sign in with your school account").click()
    page.locator("input[name=sub]").fill(email)
    page.get_by_role("button", name="Authorize").click()
    return page


@pytest.mark.parametrize("school", list(SCHOOLS))
def test_a_person_of_one_school_gets_its_pages_and_403_from_the_other(browser, hub, school):
    page = signed_in(browser, hub, person("teacher", school))
    expect(page).to_have_url(hub.url + STAFF_PAGE.format(school=school))
    expect(button(page, "Sign out")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_text(NAMES[school]).first).to_be_visible()
    other = OTHER[school]
    for path in (STAFF_PAGE, DSL_PAGE, TRUST_PAGE):
        response = page.goto(hub.url + path.format(school=other))
        assert response.status == 403, path
    expect(
        page.get_by_role("heading", name="This page is for the trust's safeguarding leads")
    ).to_be_visible()
    page.goto(hub.url + STAFF_PAGE.format(school=other))
    expect(page.get_by_role("heading", name="This page belongs to another school")).to_be_visible()
    assert axe_findings(page, "another school's page refused") == []
    page.screenshot(path=str(hub.home / f"refused-{school}.png"))
    page.context.close()


@pytest.mark.parametrize("school", list(SCHOOLS))
def test_the_dsl_of_one_school_sees_nothing_of_the_other(browser, hub, school):
    page = signed_in(browser, hub, person("dsl", school))
    response = page.goto(hub.url + DSL_PAGE.format(school=school))
    assert response.status == 200
    learners = page.get_by_role("combobox", name="Learner")
    expect(learners).to_contain_text(person("teacher", school), timeout=RENDER_TIMEOUT_MS)
    text = page.content()
    other = OTHER[school]
    assert f"{other}.example" not in text and other.title() not in text
    assert page.goto(hub.url + DSL_PAGE.format(school=other)).status == 403
    expect(
        page.get_by_role("heading", name="This page is for the Designated Safeguarding Lead")
    ).to_be_visible()
    page.context.close()


def test_the_trust_lead_opens_the_trust_view(browser, hub):
    page = signed_in(browser, hub, LEAD)
    expect(page).to_have_url(hub.url + TRUST_PAGE)
    for name in NAMES.values():
        expect(page.get_by_text(name).first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    text = page.inner_text("body")
    assert not any(person(key, s) in text for key in ("teacher", "dsl") for s in SCHOOLS)
    assert axe_findings(page, "the trust's view through the Hub") == []
    page.screenshot(path=str(hub.home / "trust-view.png"), full_page=True)
    assert page.goto(hub.url + STAFF_PAGE.format(school="oak")).status == 403  # on no roster
    page.context.close()


def test_a_school_service_knows_only_its_own_database(hub):
    """Is each school's server, and every page kernel it started, given its own school's
    database and no trust file, so that it cannot open another school's records?"""
    environments = hub.service_environments()
    schools = {env.get("ESAFETY_SCHOOL") for env in environments.values()}
    assert set(SCHOOLS) <= schools
    for where, env in environments.items():
        school = env.get("ESAFETY_SCHOOL")
        if school is None:  # the trust lead's service: it reads every school's records
            assert env.get("ESAFETY_TRUST"), where
            continue
        assert env["ESAFETY_DATABASE_URL"] == hub.urls[school], where
        assert "ESAFETY_TRUST" not in env, where
        assert not any(
            hub.urls[other] in " ".join(env.values()) for other in SCHOOLS if other != school
        )

"""The DSL app: its own Voila server behind a token, serving nothing else."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serving
from tests.browser.keys import axe_findings
from toolkit.store import NewLearner, Store

pytestmark = pytest.mark.browser

TOKEN = "test-token-for-the-dsl-app-only-0123456789"
RENDER_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def dsl_server(tmp_path_factory):
    home = tmp_path_factory.mktemp("dsl-home")
    Store(f"sqlite:///{home / 'esafety.db'}").add_learners(
        [NewLearner("Lin <i>Late</i>", "lin@school.example", "teacher", date(2026, 1, 5))]
    )
    with serving(home, "--dsl", env_extra={"ESAFETY_DSL_TOKEN": TOKEN}) as running:
        yield running


def test_without_the_token_the_dsl_app_is_refused(dsl_server):
    """Does a request without the token get no page and no data, the setup page's too?"""
    for path in (
        "voila/render/dsl.ipynb",
        "voila/render/dsl.ipynb?token=wrong",
        "voila/render/setup.ipynb",
        "voila/render/setup.ipynb?token=wrong",
        "voila/tree",
        "api/contents",
    ):
        status, body = dsl_server.get(path)
        assert status != 200 or b"lin@school.example" not in body, path
        assert b"Lin" not in body
    status, _ = dsl_server.get(f"voila/render/dsl.ipynb?token={TOKEN}", timeout=60)
    assert status == 200


def test_the_dsl_server_serves_only_the_dsl_app(dsl_server):
    """With the token, are the staff and classroom apps and the database still out of reach?"""
    for path in (
        "voila/render/staff.ipynb",
        "voila/render/classroom.ipynb",
        "voila/files/esafety.db",
    ):
        status, _ = dsl_server.get(f"{path}?token={TOKEN}")
        assert status != 200, path


def test_with_the_token_the_dsl_sees_the_matrix_and_charts(page, dsl_server):
    """Does the page show the completion matrix in words, the charts with text alternatives, and pass axe?"""
    page.goto(dsl_server.url + f"voila/render/dsl.ipynb?token={TOKEN}", timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Completion matrix")).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )
    expect(page.get_by_role("row", name="Lin <i>Late</i> teacher", exact=False)).to_be_visible()
    expect(page.get_by_text("overdue, due").first).to_be_visible()
    expect(page.get_by_text("People 1 to 1 of 1")).to_be_visible()
    assert page.locator("img[alt]").count() == 3
    assert page.locator("i", has_text="Late").count() == 0
    serious = axe_findings(page, "DSL app")
    assert serious == [], "\n".join(serious)


SELECTED = r"""() => Object.fromEntries([...document.querySelectorAll('.widget-dropdown')].map(
  d => [d.querySelector('label').textContent.trim(), (d.querySelector('select').selectedOptions[0]?.text ?? '').replace(/\s+/g, ' ')]))"""
CUT_OFF = """() => [...document.querySelectorAll('button, .widget-checkbox label')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth)
  .map(e => `${e.textContent.trim()}: ${e.scrollWidth} px of words in ${e.clientWidth} px`)"""


def test_the_dsl_page_shows_its_filters_and_labels_whole(page, dsl_server):
    """Do the dropdowns show "Everyone" and "Choose a learner" (not a blank), and do the buttons
    and the checkbox show their whole labels?"""
    page.goto(dsl_server.url + f"voila/render/dsl.ipynb?token={TOKEN}", timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_text("People 1 to 1 of 1")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    assert page.evaluate(SELECTED) == {
        "Role": "Everyone",
        "Group": "Everyone",
        "Learner": "Choose a learner",
    }
    expect(page.get_by_role("button", name="Prepare CSV and PDF downloads")).to_be_visible()
    assert page.evaluate(CUT_OFF) == []
    page.get_by_label("Role").select_option("governor")
    expect(page.get_by_text("No one matches these filters")).to_be_visible()
    page.get_by_label("Role").select_option("Everyone")
    # The matrix shown again: the kernel has had the choice and sent its state back.
    expect(page.get_by_text("People 1 to 1 of 1")).to_be_visible()
    assert page.evaluate(SELECTED)["Role"] == "Everyone"
    assert page.evaluate(SELECTED)["Learner"] == "Choose a learner"


def test_the_staff_server_cannot_reach_the_dsl_app(server):
    """Are the DSL app and the setup page absent from the staff and classroom server, whatever
    the path?"""
    for path in (
        "voila/render/dsl.ipynb",
        f"voila/render/dsl.ipynb?token={TOKEN}",
        "voila/render/setup.ipynb",
        f"voila/render/setup.ipynb?token={TOKEN}",
        "voila/tree",
    ):
        status, body = server.get(path)
        assert status != 200 or path == "voila/tree", path
        assert b"Completion matrix" not in body and b"dsl.ipynb" not in body, path
        assert b"set up your policy" not in body and b"setup.ipynb" not in body, path

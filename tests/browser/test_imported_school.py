"""A school the toolkit did not ship, from its own policy to its staff's page: the policy is
imported, its settings confirmed and a citation confirmed at the terminal, the school set up,
and a scenario played in Chromium quotes that school's own clause, labelled as its policy."""

from __future__ import annotations

import re

import pytest
import yaml
from playwright.sync_api import expect

from tests.browser.conftest import serving
from tests.browser.keys import axe_findings, button, squash
from tests.cli import esafety
from toolkit.apps.staff import OUTCOME_TEXT
from toolkit.content import load_catalogue
from toolkit.school.school import School
from toolkit.settings import PROJECT_ROOT

pytestmark = pytest.mark.browser

# A made-up policy: numbered clauses, a "Staff must not:" list of bullets, and rules for most
# settings, worded as no shipped policy words them.
POLICY = PROJECT_ROOT / "tests" / "content" / "policies" / "riverside-primary.txt"
SCHOOL = "riverside-primary"
NAME = "Riverside Primary School"
SCENARIO = "friend-request-from-pupil"
RULE = "Staff must not accept or send friend requests to pupils on any social media site."
RENDER_TIMEOUT_MS = 60_000


def run(home, *args: str) -> str:
    result = esafety(home, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_an_imported_policy_is_confirmed_and_taught_from_its_own_clauses(page, tmp_path):
    home = tmp_path / "data"
    run(home, "policy", "import", str(POLICY), "--id", SCHOOL)
    # The DSL changes one answer, confirms the rest as proposed, and the school can go live.
    run(home, "policy", "settings", SCHOOL, "--set", "pupil_relatives=discuss_existing")
    assert "Every setting is confirmed" in run(home, "policy", "settings", SCHOOL, "--accept-all")

    # Among the first three clauses proposed for the scenario's first choice is the school's
    # rule on friend requests from pupils; the DSL confirms it.
    key = f"{SCENARIO}/request/0"
    review = yaml.safe_load((home / "schools" / SCHOOL / "review.yaml").read_text("utf-8"))
    clauses = yaml.safe_load((home / "schools" / SCHOOL / f"{SCHOOL}.yaml").read_text("utf-8"))
    text = {c["id"]: c["text"] for c in clauses["clauses"]}
    rule = next(c for c in review["citations"][key]["proposed"][:3] if text[c] == RULE)
    run(home, "policy", "citations", SCHOOL, "--confirm", f"{key}={rule}")
    assert f"Set up for {NAME}" in run(home, "init", "--school", SCHOOL)

    catalogue = load_catalogue(PROJECT_ROOT, schools=home / "schools")
    scenario = School.resolve(catalogue, SCHOOL).scenario(SCENARIO)
    first = scenario.steps[scenario.start].choices[0]
    others = {c.text for p in catalogue.profiles.values() if p.id != SCHOOL for c in p.clauses}

    with serving(home, school=SCHOOL) as server:
        _, email, code = server.learner("riverside")
        page.goto(server.url + "voila/render/staff.ipynb", timeout=RENDER_TIMEOUT_MS)
        expect(button(page, "Sign in")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
        page.get_by_label("Email", exact=True).fill(email)
        page.get_by_label("Access code", exact=True).fill(code)
        button(page, "Sign in").click()
        page.get_by_role(
            "button", name=re.compile(rf"^Start: {re.escape(scenario.title)} ")
        ).click()
        button(page, first.label).click()
        expect(page.get_by_role("status")).to_contain_text(OUTCOME_TEXT[first.outcome])
        shown = squash(page.locator("main").inner_text())
        page.screenshot(path=tmp_path / "imported-school-feedback.png", full_page=True)
        assert "Your policy: Social Media and Online Conduct Policy, section" in shown
        assert RULE in shown and shown.count("Your policy:") == 1
        assert not [t for t in others if squash(t) in shown]
        assert not axe_findings(page, "an imported school's feedback")

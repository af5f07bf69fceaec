"""The trust's page: every school's figures with no one named, one school's own page opened
from it and left again, its downloads, and its launch from ESAFETY_TRUST."""

from __future__ import annotations

import base64
import re

import pytest

from tests.reports.trust_schools import NORTH_PEOPLE, SOUTH_PEOPLE, TODAY, make_trust
from toolkit.apps import launch
from toolkit.apps.dsl import DslApp
from toolkit.apps.page import widget_tree
from toolkit.apps.trust import TrustApp
from toolkit.trust import load_trust

PEOPLE = [name.split()[0] for name in NORTH_PEOPLE + SOUTH_PEOPLE]


@pytest.fixture
def folder(tmp_path, catalogue, monkeypatch):
    return make_trust(tmp_path, catalogue, monkeypatch)


@pytest.fixture
def app(folder, catalogue):
    return TrustApp(load_trust(folder.path, catalogue), catalogue, today=lambda: TODAY)


def shown_text(app: TrustApp) -> str:
    """Everything the page's widgets hold, as the browser would be sent it."""
    return " ".join(str(widget.get_state()) for widget in widget_tree([app.root]).values())


def named(text: str) -> list[str]:
    return [p for p in PEOPLE if re.search(rf"\b{p}\b", text) or f"{p.lower()}@" in text]


def test_the_overview_shows_each_school_and_names_no_one(app):
    """Does the page open on the schools' figures, chart and shared misconceptions, with a
    labelled school picker, and not a name or an email of anyone?"""
    page = app.figures.value
    title = app.body.children[0].value
    assert title == "<h1>Riverside Learning Trust: social media training across the trust</h1>"
    assert "<td>North Academy</td><td>3</td><td>1 (33%)</td>" in page
    assert "West School" in page and "no progress store" in page
    assert 'alt="Training completion by school' in page
    assert "2: North Academy, South Primary" in page
    assert app.picker.description == "School"
    assert [label for label, _ in app.picker.options] == [
        "North Academy",
        "South Primary",
        "West School",
    ]
    assert named(shown_text(app)) == []


def test_opening_a_school_shows_its_own_page_and_back_leaves_no_one(app):
    """Does "Open this school" show that school's DSL page, its staff named, and "Back to all
    schools" return to the overview with nothing of theirs left in the page?"""
    app.picker.value = "north"
    app.open_button.click()
    assert app.alert.value == ""
    assert isinstance(app.school_app, DslApp)
    assert app.school_app.root in app.body.children
    text = shown_text(app)
    assert named(text) == ["Ann", "Bob", "Cat"]  # North's current staff, no one else
    assert "North Academy, opened from the trust" in text
    app.back_button.click()
    assert app.school_app is None and app.store is None
    assert "<td>North Academy</td><td>3</td>" in app.figures.value
    assert named(shown_text(app)) == []


def test_a_school_whose_records_cannot_be_read_is_not_opened(app):
    """Does opening West, whose store is missing, say why on the overview and open nothing?"""
    app.picker.value = "west"
    app.open_button.click()
    assert 'role="alert"' in app.alert.value
    assert "West School" in app.alert.value and "no progress store" in app.alert.value
    assert app.school_app is None and app.open_button in app.body.children


def test_the_trust_report_downloads(app):
    """Does the page offer the trust's CSV and PDF, the CSV holding each school and no one?"""
    app.download_button.click()
    csv_link = re.search(r'href="data:text/csv;base64,([^"]+)"', app.downloads.value)
    assert "data:application/pdf;base64," in app.downloads.value
    text = base64.b64decode(csv_link.group(1)).decode()
    assert "North Academy" in text and "South Primary" in text and "West School" in text
    assert named(text) == []
    assert 'download="trust-training-2026-11-20.csv"' in app.downloads.value


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("ESAFETY_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(launch, "configure_logging", lambda: None)
    return tmp_path


def test_the_page_without_a_trust_file_says_what_to_set(home, monkeypatch):
    """With no ESAFETY_TRUST, does the page open on a notice saying what to set?"""
    monkeypatch.delenv("ESAFETY_TRUST", raising=False)
    widget = launch.trust_app()
    assert 'role="alert"' in widget.value and "ESAFETY_TRUST" in widget.value


def test_the_page_with_a_faulty_trust_file_says_so(home, monkeypatch):
    """With a trust file that names an unknown profile, does the page say what is wrong?"""
    path = home / "trust.yaml"
    path.write_text(
        "schema_version: 1\nname: T\nschools:\n  - id: a\n    profile: nowhere\n"
        "    database_url: sqlite:////srv/a.db\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ESAFETY_TRUST", str(path))
    widget = launch.trust_app()
    assert 'role="alert"' in widget.value
    assert "no school profile &#39;nowhere&#39;" in widget.value
    assert "esafety trust check" in widget.value


def test_the_page_opens_from_the_trust_file(home, folder, monkeypatch):
    """With ESAFETY_TRUST naming a good trust file, does the trust's page open on it?"""
    monkeypatch.setenv("ESAFETY_TRUST", str(folder.path))
    root = launch.trust_app()
    assert "esafety-trust" in root._dom_classes
    assert any("North Academy" in str(w.get_state()) for w in widget_tree([root]).values())

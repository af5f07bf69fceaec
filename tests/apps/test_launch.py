"""Starting each Voila page from the settings: a missing store is a notice, never an empty school."""

from __future__ import annotations

import logging
from datetime import date

import ipywidgets as w
import pytest

from toolkit import settings
from toolkit.apps import launch as apps
from toolkit.apps.page import widget_tree
from toolkit.store import NewLearner, Store, StoreBusy


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A data folder with no store in it; the pages' log file is left out of the test."""
    monkeypatch.setenv("ESAFETY_HOME", str(tmp_path))
    monkeypatch.delenv("ESAFETY_DATABASE_URL", raising=False)
    monkeypatch.setattr(apps, "configure_logging", lambda: None)
    return tmp_path


@pytest.mark.parametrize("page", [apps.staff_app, apps.classroom_app, apps.dsl_app])
def test_a_page_on_a_missing_store_says_so_and_creates_none(home, page, caplog):
    """Does a page opened with no store show what happened and what the DSL should do, making no file?"""
    with caplog.at_level(logging.ERROR, logger="toolkit"):
        widget = page()
    assert 'role="alert"' in widget.value
    assert "cannot be found" in widget.value and "esafety init --demo" in widget.value
    assert str(home / "esafety.db") in caplog.text
    assert not (home / "esafety.db").exists()


def test_a_page_on_a_busy_database_says_so_and_does_not_wait(home, monkeypatch):
    """Does a page whose database is at its limit of connections open on a message saying
    so, rather than hang or stay blank?"""
    Store(settings.database_url()).close()

    def busy(*args, **kwargs):
        raise StoreBusy()

    monkeypatch.setattr(Store, "get_meta", busy)
    widget = apps.staff_app()
    assert 'role="alert"' in widget.value
    assert "It cannot start: the training records cannot be reached just now" in widget.value


def test_the_classroom_page_opens_on_a_sign_in_form_naming_no_staff(home):
    """Does the classroom page, as served, ask for an email and code and hold no staff name?"""
    store = Store(settings.database_url())
    store.set_meta(apps.SCHOOL_KEY, "barley-lane-primary")
    store.add_learners([NewLearner("Ms Ada Park", "ada@school.example", "teacher", date.today())])
    store.close()
    page = apps.classroom_app()
    shown = list(widget_tree([page]).values())
    assert any(isinstance(x, w.Password) and x.description == "Access code" for x in shown)
    assert not any(isinstance(x, w.Dropdown) for x in shown)
    text = " ".join(str(x.get_state()) for x in shown)
    assert "Ada Park" not in text and "ada@school.example" not in text

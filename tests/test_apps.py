"""Starting each Voila page from the settings: a missing store is a notice, never an empty school."""

from __future__ import annotations

import logging

import pytest

from toolkit import apps


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

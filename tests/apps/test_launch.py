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


@pytest.fixture
def voila_query(monkeypatch):
    """Stands in for Voila's server: it answers a page made ahead with its request's details
    on `voila/query/<kernel id>`, as Voila does once the page is handed out."""
    import json
    import threading

    from websockets.sync.server import serve

    asked = []

    def answer(socket):
        asked.append(socket.request.path)
        socket.send(json.dumps({"HTTP_X_ESAFETY_CLIENT": "10.1.2.3", "QUERY_STRING": ""}))

    with serve(answer, "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        monkeypatch.setenv("VOILA_PREHEAT", "True")
        monkeypatch.setenv("VOILA_APP_PORT", str(server.socket.getsockname()[1]))
        monkeypatch.setenv("VOILA_KERNEL_ID", "k-1")
        monkeypatch.setenv("VOILA_WS_BASE_URL", "/services/esafety/")
        monkeypatch.delenv("HTTP_X_ESAFETY_CLIENT", raising=False)
        yield asked
        server.shutdown()


def test_a_page_made_ahead_learns_its_request_from_the_server(voila_query):
    """Does a pooled page get the address it was opened from, asked of the server at Voila's
    address for its kernel, under the Hub's prefix?"""
    assert apps.client_address() == "10.1.2.3"
    assert voila_query == ["/services/esafety/voila/query/k-1"]


def test_a_page_whose_request_never_comes_says_so_in_the_log(monkeypatch, caplog):
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", "1")  # nothing listens there
    monkeypatch.delenv("HTTP_X_ESAFETY_CLIENT", raising=False)
    assert apps.client_address() == ""
    assert "The page's request did not arrive" in caplog.text

"""Behind the Hub, the roster says who may open which page, before any kernel starts."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from toolkit import settings
from toolkit.server import hub_access
from toolkit.store import NewLearner


class Handler:
    """What admit() asks of a request handler: the request's headers, and a reply."""

    def __init__(self):
        self.request = SimpleNamespace(headers={settings.PERSON_HEADER: "forged@elsewhere.example"})
        self.status, self.body = 200, ""

    def set_status(self, status):
        self.status = status

    def set_header(self, name, value):
        pass

    def finish(self, body):
        self.body = body


@pytest.fixture
def roster(store, db_url, monkeypatch):
    monkeypatch.setenv("ESAFETY_DATABASE_URL", db_url)
    monkeypatch.setattr(hub_access, "ROSTER", hub_access.Roster())
    store.add_learners(
        [
            NewLearner("Tea Cher", "teacher@school.example", "teacher", date(2026, 9, 1)),
            NewLearner("Vol Unteer", "vol@school.example", "volunteer", date(2026, 9, 1)),
            NewLearner("Dee Sel", "dsl@school.example", "governor", date(2026, 9, 1)),
        ]
    )
    store.grant("dsl@school.example", "dsl")
    return store


@pytest.mark.parametrize(
    ("email", "page", "allowed"),
    [
        ("teacher@school.example", "staff.ipynb", True),
        ("teacher@school.example", "classroom.ipynb", True),
        ("teacher@school.example", "dsl.ipynb", False),
        ("vol@school.example", "staff.ipynb", True),
        ("vol@school.example", "classroom.ipynb", False),
        ("dsl@school.example", "dsl.ipynb", True),
        ("teacher@school.example", "setup.ipynb", False),
        ("vol@school.example", "setup.ipynb", False),
        ("dsl@school.example", "setup.ipynb", True),
        ("dsl@school.example", "../esafety.db", False),
    ],
)
def test_each_page_opens_for_its_roles_only(roster, email, page, allowed):
    handler = Handler()
    assert hub_access.admit(handler, page, email) is allowed
    if allowed:  # the page's kernel is told who signed in, whatever the browser sent
        assert handler.request.headers[settings.PERSON_HEADER] == email
    else:
        assert handler.status == 403 and "Sign out" in handler.body


@pytest.mark.parametrize("left", [False, True])
def test_someone_not_on_the_roster_is_told_so_and_whom_to_ask(roster, left):
    email = "teacher@school.example" if left else "stranger@elsewhere.example"
    if left:
        roster.leave(email)
    handler = Handler()
    assert not hub_access.admit(handler, "staff.ipynb", email)
    assert handler.status == 403
    assert email in handler.body
    assert ("has been closed" in handler.body) is left
    assert "Designated Safeguarding Lead" in handler.body or left

"""The roster decides who signs in through the Hub, and their groups, at sign-in and refresh."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from types import SimpleNamespace

import pytest

from toolkit.hub import roster_gate
from toolkit.hub.roster_gate import (
    DSL_GROUP,
    STAFF_GROUP,
    TEACHING_GROUP,
    Refused,
    RosterGate,
    groups_for,
)
from toolkit.store import NewLearner


class Base:
    """Stands in for JupyterHub's Authenticator under the mixin: it refreshes everyone."""

    log = logging.getLogger("test")

    async def refresh_user(self, user, handler=None):
        return True


class Gate(RosterGate, Base):
    pass


@pytest.fixture
def people(store, db_url, monkeypatch):
    monkeypatch.setenv("ESAFETY_DATABASE_URL", db_url)
    roster_gate._store.cache_clear()
    store.add_learners(
        [
            NewLearner("Tea Cher", "teacher@school.example", "teacher", date(2026, 9, 1)),
            NewLearner("Vol Unteer", "volunteer@school.example", "volunteer", date(2026, 9, 1)),
            NewLearner("Dee Sel", "dsl@school.example", "support", date(2026, 9, 1)),
            NewLearner("Lee Ver", "leaver@school.example", "teacher", date(2026, 9, 1)),
        ]
    )
    store.grant("dsl@school.example", "deputy")
    store.leave("leaver@school.example")
    yield store
    roster_gate._store.cache_clear()


def test_groups_follow_the_roster(people):
    assert groups_for(people.person("teacher@school.example")) == [STAFF_GROUP, TEACHING_GROUP]
    assert groups_for(people.person("volunteer@school.example")) == [STAFF_GROUP]
    assert groups_for(people.person("dsl@school.example")) == [
        STAFF_GROUP,
        TEACHING_GROUP,
        DSL_GROUP,
    ]


def test_someone_on_the_roster_signs_in_with_their_groups(people):
    authentication = {"name": "teacher@school.example"}
    assert Gate().check_allowed("teacher@school.example", authentication)
    assert authentication["groups"] == [STAFF_GROUP, TEACHING_GROUP]


@pytest.mark.parametrize(
    ("email", "says"),
    [
        ("stranger@elsewhere.example", "not on the school's staff list"),
        ("leaver@school.example", "having left"),
    ],
)
def test_anyone_else_is_refused_saying_whom_to_ask(people, email, says):
    with pytest.raises(Refused) as refused:
        Gate().check_allowed(email, {"name": email})
    assert refused.value.status_code == 403
    assert says in refused.value.jupyterhub_message
    assert "Designated Safeguarding Lead" in refused.value.jupyterhub_message
    assert email in refused.value.jupyterhub_message


def test_a_refresh_follows_the_roster_within_a_minute(people):
    user = SimpleNamespace(name="teacher@school.example")
    refreshed = asyncio.run(Gate().refresh_user(user))
    assert refreshed == {"name": "teacher@school.example", "groups": [STAFF_GROUP, TEACHING_GROUP]}

    people.grant("teacher@school.example", "dsl")
    assert DSL_GROUP in asyncio.run(Gate().refresh_user(user))["groups"]

    people.leave("teacher@school.example")
    assert asyncio.run(Gate().refresh_user(user)) is False  # signed out of the Hub

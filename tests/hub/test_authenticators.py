"""Access codes through the Hub: the store's check, its limits and the words of a refusal."""

from __future__ import annotations

import asyncio
from datetime import date
from types import SimpleNamespace

import pytest

from toolkit.hub import roster_gate
from toolkit.hub.authenticators import (
    AccessCodeAuthenticator,
    SchoolEntraAuthenticator,
    SchoolGoogleAuthenticator,
    SchoolOIDCAuthenticator,
)
from toolkit.hub.roster_gate import Refused
from toolkit.hub.spawner import NoServers
from toolkit.store import FAILED_PER_EMAIL, NewLearner

EMAIL = "teacher@school.example"


@pytest.fixture
def code(store, db_url, monkeypatch):
    monkeypatch.setenv("ESAFETY_DATABASE_URL", db_url)
    roster_gate._store.cache_clear()
    ((_, code),) = store.add_learners([NewLearner("Tea Cher", EMAIL, "teacher", date(2026, 9, 1))])
    yield code
    roster_gate._store.cache_clear()


def handler(address: str = "192.0.2.7"):
    return SimpleNamespace(request=SimpleNamespace(remote_ip=address))


def authenticate(email: str, code: str, address: str = "192.0.2.7"):
    auth = AccessCodeAuthenticator()
    return asyncio.run(auth.authenticate(handler(address), {"username": email, "password": code}))


def test_the_right_code_signs_in_and_is_recorded_as_the_hubs(store, code):
    assert authenticate(" Teacher@School.example ", code) == {"name": EMAIL}
    (recorded,) = store.sign_ins_for(EMAIL)
    assert (recorded["page"], recorded["outcome"], recorded["client"]) == ("hub", "ok", "192.0.2.7")


def test_a_wrong_or_missing_code_is_refused(store, code):
    assert authenticate(EMAIL, "WRNG-WRNG-WRNG") is None
    assert authenticate(EMAIL, "") is None
    assert authenticate("", code) is None


def test_after_too_many_wrong_codes_signing_in_pauses_with_a_message(store, code):
    for _ in range(FAILED_PER_EMAIL):
        assert authenticate(EMAIL, "WRNG-WRNG-WRNG") is None
    with pytest.raises(Refused) as refused:
        authenticate(EMAIL, code)
    assert "paused" in refused.value.jupyterhub_message
    assert [r["outcome"] for r in store.sign_ins_for(EMAIL)][-1] == "limited"


def test_a_leaver_is_told_the_account_is_closed(store, code):
    store.leave(EMAIL)
    with pytest.raises(Refused) as refused:
        authenticate(EMAIL, code)
    assert "having left" in refused.value.jupyterhub_message


def test_school_accounts_are_named_by_their_email():
    assert SchoolOIDCAuthenticator().username_claim == "email"
    assert SchoolEntraAuthenticator().username_claim == "email"
    assert "email" in SchoolOIDCAuthenticator().scope
    assert SchoolGoogleAuthenticator().login_service == "your Google school account"


def test_no_one_gets_a_server():
    with pytest.raises(RuntimeError, match="no one a Jupyter server"):
        asyncio.run(NoServers().start())

"""A trust on one Hub: a service per school and the trust lead's, groups per school from each
school's roster, access codes checked by the person's own school, and where each person lands."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.hub.test_config import load
from tests.hub.test_roster_gate import Gate
from toolkit.hub import roster_gate
from toolkit.hub.authenticators import AccessCodeAuthenticator
from toolkit.hub.config import HubOptions, config_text
from toolkit.hub.roster_gate import Refused, standing
from toolkit.hub.trust_pages import destinations, landing
from toolkit.store import NewLearner, Store
from toolkit.trust import configured_trust

TRUST = """\
schema_version: 1
name: Example Learning Trust
leads: [Lead@Trust.example]
schools:
  - id: oak
    profile: barley-lane-primary
    database_url: sqlite:///{folder}/oak.db
  - id: ash
    name: Ash Primary
    profile: bury-ce-primary
    database_url: sqlite:///{folder}/ash.db
"""


def school(url: str, profile: str, people: list[tuple[str, str]]) -> dict[str, str]:
    """A school's store with these (email, role) people; their access codes by email."""
    store = Store(url)
    store.set_meta("school", profile)
    made = store.add_learners(
        [
            NewLearner(email.split("@")[0].title(), email, role, date(2026, 9, 1))
            for email, role in people
        ]
    )
    codes = {learner.email: code for learner, code in made}
    store.close()
    return codes


@pytest.fixture
def trust(tmp_path: Path, monkeypatch) -> dict[str, str]:
    """Two schools, a person on both rosters, the DSL of oak, and a lead on no roster."""
    codes = school(
        f"sqlite:///{tmp_path}/oak.db",
        "barley-lane-primary",
        [
            ("teacher@oak.example", "teacher"),
            ("dsl@oak.example", "teacher"),
            ("both@trust.example", "volunteer"),
        ],
    )
    codes |= {
        f"ash:{email}": code
        for email, code in school(
            f"sqlite:///{tmp_path}/ash.db",
            "bury-ce-primary",
            [("teacher@ash.example", "teacher"), ("both@trust.example", "support")],
        ).items()
    }
    oak = Store(f"sqlite:///{tmp_path}/oak.db")
    oak.grant("dsl@oak.example", "dsl")
    oak.close()
    path = tmp_path / "trust.yaml"
    path.write_text(TRUST.format(folder=tmp_path), encoding="utf-8")
    monkeypatch.setenv("ESAFETY_TRUST", str(path))
    roster_gate._store.cache_clear()
    yield codes
    roster_gate._store.cache_clear()


def test_each_school_has_its_services_and_roles_and_the_lead_one(trust, tmp_path):
    """Does the configuration give each school its staff and DSL services, each told its
    school, open to that school's groups only, and the trust lead a service of their own?"""
    options = HubOptions(
        home=tmp_path, school="Example Learning Trust", proxy="/usr/bin/chp", service_port=10200
    )
    options.trust, options.trust_file = configured_trust(), tmp_path / "trust.yaml"
    config = load(config_text(options), {})
    hub = config.JupyterHub
    services = {s["name"]: s for s in hub.services}
    assert list(services) == [
        "esafety-trust",
        "esafety-oak",
        "esafety-oak-dsl",
        "esafety-ash",
        "esafety-ash-dsl",
    ]
    assert [s["url"][-5:] for s in hub.services] == ["10200", "10201", "10202", "10203", "10204"]
    assert services["esafety-ash-dsl"]["command"][-4:] == ["--hub", "--dsl", "--school", "ash"]
    assert services["esafety-trust"]["command"][-2:] == ["--hub", "--trust-lead"]
    assert services["esafety-oak"]["environment"]["ESAFETY_TRUST"] == str(tmp_path / "trust.yaml")
    roles = {r["name"]: (r["groups"], r["scopes"]) for r in hub.load_roles if "groups" in r}
    assert roles["esafety-staff-ash"] == (
        ["esafety-staff-ash"],
        ["access:services!service=esafety-ash"],
    )
    assert roles["esafety-dsl-oak"] == (
        ["esafety-dsl-oak"],
        ["access:services!service=esafety-oak-dsl"],
    )
    assert roles["esafety-trust-lead"] == (
        ["esafety-trust-lead"],
        ["access:services!service=esafety-trust"],
    )
    assert "esafety-staff" not in roles  # no group opens every school
    assert callable(hub.default_url) and hub.default_url.__name__ == "landing"


def test_groups_come_from_each_school_roster(trust):
    """Is each person given the groups of the schools whose roster holds them, and only those?"""
    assert standing("teacher@oak.example")[0] == ["esafety-staff-oak", "esafety-teaching-oak"]
    assert standing("dsl@oak.example")[0] == [
        "esafety-staff-oak",
        "esafety-teaching-oak",
        "esafety-dsl-oak",
    ]
    assert standing("both@trust.example")[0] == [
        "esafety-staff-oak",
        "esafety-staff-ash",
        "esafety-teaching-ash",
    ]
    assert standing("lead@trust.example")[0] == ["esafety-trust-lead"]
    assert standing("nobody@trust.example") == ([], None)
    with pytest.raises(Refused):
        Gate().check_allowed("nobody@trust.example", {})


def test_a_leaver_of_one_school_keeps_the_other(trust, tmp_path):
    """Someone who left oak but still works at ash keeps ash's pages only, at the next refresh."""
    oak = Store(f"sqlite:///{tmp_path}/oak.db")
    oak.leave("both@trust.example")
    oak.close()
    refreshed = asyncio.run(Gate().refresh_user(SimpleNamespace(name="both@trust.example")))
    assert refreshed["groups"] == ["esafety-staff-ash", "esafety-teaching-ash"]


def test_a_school_whose_store_is_missing_does_not_stop_the_others(trust, tmp_path, caplog):
    (tmp_path / "ash.db").unlink()
    roster_gate._store.cache_clear()
    assert standing("teacher@oak.example")[0] == ["esafety-staff-oak", "esafety-teaching-oak"]
    assert "The roster of ash cannot be read" in caplog.text


def sign_in(email: str, code: str) -> dict | None:
    handler = SimpleNamespace(request=SimpleNamespace(remote_ip="10.0.0.9"))
    return asyncio.run(
        AccessCodeAuthenticator().authenticate(handler, {"username": email, "password": code})
    )


def test_an_access_code_is_checked_by_the_person_own_school(trust, tmp_path):
    """Does a code sign in at the school that issued it, and leave no trace of the attempt in
    a school whose roster does not hold the email?"""
    assert sign_in("teacher@ash.example", trust["ash:teacher@ash.example"]) == {
        "name": "teacher@ash.example"
    }
    assert sign_in("both@trust.example", trust["ash:both@trust.example"]) == {
        "name": "both@trust.example"
    }
    assert sign_in("teacher@oak.example", trust["ash:teacher@ash.example"]) is None
    assert sign_in("stranger@else.example", "ABCD-EFGH-JKLM") is None
    ash = Store(f"sqlite:///{tmp_path}/ash.db", create=False)
    with ash.engine.connect() as conn:
        text = " ".join(str(row) for row in conn.exec_driver_sql("SELECT * FROM sign_ins"))
    assert "oak.example" not in text and "stranger" not in text


def handler_of(groups: list[str]):
    user = SimpleNamespace(groups=[SimpleNamespace(name=g) for g in groups])
    return SimpleNamespace(current_user=user, base_url="/", hub=SimpleNamespace(base_url="/hub/"))


def test_each_person_lands_on_their_page_or_a_list_of_them(trust):
    """Is someone with one page sent to it, and someone with several shown the list?"""
    assert (
        landing(handler_of(["esafety-staff-ash"]))
        == "/services/esafety-ash/voila/render/staff.ipynb"
    )
    assert (
        landing(handler_of(["esafety-trust-lead"]))
        == "/services/esafety-trust/voila/render/trust.ipynb"
    )
    both = ["esafety-staff-oak", "esafety-dsl-oak", "esafety-trust-lead"]
    assert landing(handler_of(both)) == "/hub/schools"
    listed = [(d.title, d.school) for d in destinations(set(both))]
    assert listed == [
        ("The trust's view of every school", ""),
        ("Your training", "Barley Lane Primary School"),
        ("The DSL's page", "Barley Lane Primary School"),
    ]

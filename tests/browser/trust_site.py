"""A trust of two schools on one real Hub, for the browser tests: `esafety hub config --trust`
writes its configuration and `esafety hub` starts it, as a trust would; each school's records are
in a database of its own (SQLite files, or schemas of one PostgreSQL database)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psutil

from tests.browser.hub_site import fixed_port, started_hub
from tests.reports.trust_schools import trust_file
from toolkit.store import NewLearner, Store

# The trust's schools: id -> profile. Each has a teacher and a DSL; the lead is on no roster.
SCHOOLS = {"oak": "barley-lane-primary", "ash": "bury-ce-primary"}
LEAD = "lead@trust.example"
STAFF_PAGE = "services/esafety-{school}/voila/render/staff.ipynb"
DSL_PAGE = "services/esafety-{school}-dsl/voila/render/dsl.ipynb"
TRUST_PAGE = "services/esafety-trust/voila/render/trust.ipynb"


def person(key: str, school: str) -> str:
    return f"{key}@{school}.example"


@dataclass
class TrustHub:
    url: str
    home: Path
    urls: dict[str, str]  # school id -> database URL
    log: Path
    pid: int

    def service_environments(self) -> dict[str, dict[str, str]]:
        """Each running service's environment (and its kernels'), by the school it serves."""
        found = {}
        for proc in psutil.Process(self.pid).children(recursive=True):
            try:
                command = proc.cmdline()
                if "toolkit.server.serve" in command or "ipykernel_launcher" in " ".join(command):
                    found[f"{proc.pid}:{' '.join(command[-3:])}"] = proc.environ()
            except psutil.Error:
                continue
        return found


def schema_urls(template: str) -> dict[str, str]:
    """One new PostgreSQL database with a schema per school: each school's URL."""
    import psycopg

    from tests.postgres import new_database

    url = new_database(template)
    plain = url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain, autocommit=True) as conn:
        for school in SCHOOLS:
            conn.execute(f"CREATE SCHEMA {school}")
    return {school: f"{url}&options=-csearch_path%3D{school}" for school in SCHOOLS}


def make_trust(home: Path, urls: dict[str, str]) -> Path:
    """Each school's store with its roster, and the trust file naming them; the file's path."""
    home.mkdir(parents=True, exist_ok=True)
    previous = os.umask(0o077)
    try:
        for school, profile in SCHOOLS.items():
            store = Store(urls[school])
            store.set_meta("school", profile)
            people = [
                NewLearner(
                    f"{key.title()} {school.title()}", person(key, school), "teacher", date.today()
                )
                for key in ("teacher", "dsl")
            ]
            store.add_learners(people)
            store.grant(person("dsl", school), "dsl")
            store.close()
    finally:
        os.umask(previous)
    schools = [(school, None, profile, urls[school]) for school, profile in SCHOOLS.items()]
    return trust_file(home, schools, leads=(LEAD,), name="Example Learning Trust")


@contextmanager
def running_trust_hub(home: Path, urls: dict[str, str], provider: str) -> Iterator[TrustHub]:
    """The trust's Hub, signing in at the OpenID Connect provider, stopped after."""
    trust = make_trust(home, urls)
    args = (
        *("--oidc-url", provider, "--client-id", "esafety-test"),
        *("--trust", str(trust), "--service-port", str(fixed_port(1 + 2 * len(SCHOOLS)))),
    )
    ready = tuple(
        f"services/{name}/voila/static/voila.js"
        for name in [
            "esafety-trust",
            *(f"esafety-{s}{dsl}" for s in SCHOOLS for dsl in ("", "-dsl")),
        ]
    )
    with started_hub(home, "oidc", args, None, "", ready) as (url, log, pid):
        yield TrustHub(url=url, home=home, urls=urls, log=log, pid=pid)

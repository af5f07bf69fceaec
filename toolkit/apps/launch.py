"""Build each Voila app from the settings: open the store, load the content, return the page."""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

import ipywidgets as w

from toolkit import settings
from toolkit.apps.page import HubSignIn
from toolkit.apps.words import say
from toolkit.content import ContentError
from toolkit.content.cache import cached_catalogue
from toolkit.html import fragment
from toolkit.school.school import School
from toolkit.store import SCHOOL_KEY, Store, StoreError, StoreMissing


def configure_logging() -> None:
    settings.keep_private()  # also when a page runs in a plain Voila or JupyterLab
    logs = settings.home() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(logs / "apps.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("toolkit")
    if not any(isinstance(h, logging.FileHandler) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.INFO)


def client_address() -> str:
    """The address this page was opened from, as the server saw it; "" where it is not known."""
    return _from_request(settings.CLIENT_HEADER, timeout=5)[:64]


def hub_sign_in() -> HubSignIn | None:
    """Under the Hub: who signed in (the server's word, for this page's request) and where
    signing out ends; None when the page is served without the Hub."""
    prefix = os.environ.get(settings.HUB_PREFIX_ENV)
    if not prefix:
        return None
    return HubSignIn(
        email=lambda: _from_request(settings.PERSON_HEADER, timeout=None),
        logout_url=prefix.rstrip("/") + "/logout",
    )


def _from_request(header: str, timeout: float | None) -> str:
    """A header the server set on this page's request, passed to the kernel by Voila."""
    name = "HTTP_" + header.upper().replace("-", "_")
    if name not in os.environ:
        # A page made ahead in a preheated kernel learns of its request only now: wait for it
        # (for at most `timeout` seconds; None: until the page is asked for).
        waiter = threading.Thread(target=wait_for_request, daemon=True)
        waiter.start()
        waiter.join(timeout=timeout)
    return os.environ.get(name, "")


def wait_for_request() -> None:
    """What voila.utils.wait_for_request does, without importing Voila's server into the page's
    kernel (60 MB, for as long as the page is open): a page made ahead asks the server for the
    request it was handed out to, and puts the request's details into its environment."""
    env = os.environ
    if env.get("VOILA_PREHEAT", "False") == "False":
        return
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID')}"
    )
    try:
        with connect(url, open_timeout=5) as socket:
            info = json.loads(socket.recv())
    except (OSError, TimeoutError, WebSocketException, ValueError) as err:
        logging.getLogger(__name__).warning("The page's request did not arrive: %s", err)
        return
    env.update({key: str(value) for key, value in info.items()})


def staff_app() -> w.Widget:
    """The staff induction page."""
    # Each page imports only its own app: a kernel is lighter and starts sooner.
    from toolkit import grading  # light: nbgrader itself is imported when a quiz is marked
    from toolkit.apps.staff import StaffApp

    grader = functools.partial(grading.grade, settings.grading_root())
    return _start(
        say("launch.staff_title"),
        lambda store, school: (
            StaffApp(
                store, school, grader=grader, client_address=client_address, hub=hub_sign_in()
            ).root
        ),
    )


def classroom_app() -> w.Widget:
    """The classroom page for the whiteboard."""
    from toolkit.apps.classroom import ClassroomApp

    return _start(
        say("launch.classroom_title"),
        lambda store, school: (
            ClassroomApp(store, school, client_address=client_address, hub=hub_sign_in()).root
        ),
    )


def dsl_app() -> w.Widget:
    """The DSL's page: served only by `esafety serve --dsl`, behind a token."""
    from toolkit.apps.dsl import DslApp
    from toolkit.content import imported

    schools = [folder.name for folder in imported.folders(settings.schools_root())]
    return _start(
        say("launch.dsl_title"), lambda store, school: DslApp(store, school, imported=schools).root
    )


def setup_app() -> w.Widget:
    """The DSL's page for confirming an imported policy: served beside the DSL's page, behind
    the same token. It needs no set-up school, since it comes before `esafety init --school`."""
    from toolkit.apps.setup import SetupApp

    title = say("launch.setup_title")
    configure_logging()
    try:
        # The same content as every other page reads, so all share one cached catalogue (the
        # cache keeps only the newest: a second digest would make each page validate again).
        catalogue = cached_catalogue(
            settings.content_root(), settings.cache_dir(), settings.schools_root()
        )
        return SetupApp(settings.schools_root(), catalogue, _current_school()).root
    except (ContentError, StoreError) as err:
        logging.getLogger(__name__).exception("%s cannot start", title)
        return _notice(title, say("launch.cannot_start", error=err))


def trust_app() -> w.Widget:
    """The trust lead's page: every school's figures, each school's own page opened from it.
    The trust file is named by the ESAFETY_TRUST setting; a notice says what to do when it is not usable."""
    from toolkit.apps.trust import TrustApp
    from toolkit.trust import load_trust

    title = say("launch.trust_title")
    configure_logging()
    path = settings.value("trust").strip()
    if not path:
        return _notice(title, say("launch.no_trust"))
    try:
        catalogue = cached_catalogue(
            settings.content_root(), settings.cache_dir(), settings.schools_root()
        )
        trust = load_trust(Path(path), catalogue)
    except ContentError as err:
        logging.getLogger(__name__).error("%s cannot start: %s", title, err)
        return _notice(title, say("launch.bad_trust", error=err))
    return TrustApp(trust, catalogue).root


def _current_school() -> str | None:
    """The school the store is set up for; None before `esafety init`."""
    try:
        store = Store(settings.database_url(), create=False)
    except StoreMissing:
        return None
    try:
        return store.get_meta(SCHOOL_KEY)
    finally:
        store.close()


def _start(title: str, build: Callable[[Store, School], w.Widget]) -> w.Widget:
    """The app, or a plain message saying what to set up first. The school is resolved here,
    once for the page, and handed down."""
    configure_logging()
    try:
        store = Store(settings.database_url(), create=False)  # an empty new one would hide a loss
        school_id = store.get_meta(SCHOOL_KEY)
        if school_id is None:
            return _notice(title, say("launch.not_set_up"))
        catalogue = cached_catalogue(
            settings.content_root(), settings.cache_dir(), settings.schools_root()
        )
        return build(store, School.resolve(catalogue, school_id))
    except StoreMissing as err:  # the page says what to do; the log says where it looked
        logging.getLogger(__name__).error("%s cannot start: %s", title, err)
        return _notice(title, say("launch.no_records"))
    except (ContentError, StoreError) as err:
        logging.getLogger(__name__).exception("%s cannot start", title)
        return _notice(title, say("launch.cannot_start", error=err))


def _notice(title: str, message: str) -> w.Widget:
    return w.HTML(fragment("apps/page.html.j2", "cannot_start", title=title, message=message))

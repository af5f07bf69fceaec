"""Build each Voila app from the settings: open the store, load the content, return the page."""

from __future__ import annotations

import functools
import html
import logging

import ipywidgets as w

from toolkit import grading, settings
from toolkit.content import ContentError, load_catalogue
from toolkit.store import Store, StoreError
from toolkit.widgets import StaffApp

SCHOOL_KEY = "school"


def configure_logging() -> None:
    logs = settings.home() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(logs / "apps.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("toolkit")
    if not any(isinstance(h, logging.FileHandler) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.INFO)


def staff_app() -> w.Widget:
    """The staff induction page, or a plain message saying what to set up first."""
    configure_logging()
    try:
        store = Store(settings.database_url())
        school_id = store.get_meta(SCHOOL_KEY)
        if school_id is None:
            return _notice("This school is not set up yet. Ask the DSL to run: esafety init --demo")
        grader = functools.partial(grading.grade, settings.grading_root())
        return StaffApp(
            store, load_catalogue(settings.content_root()), school_id, grader=grader
        ).root
    except (ContentError, StoreError) as err:
        logging.getLogger(__name__).exception("staff app cannot start")
        return _notice(f"The training cannot start: {err}")


def _notice(message: str) -> w.Widget:
    return w.HTML(
        f'<div role="alert"><h1>Social media training</h1><p>{html.escape(message)}</p></div>'
    )

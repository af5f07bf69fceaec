"""The trust's page: every school's figures side by side, no one named, and a way into one
school's own DSL page (the only place its staff are named)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date, datetime

import ipywidgets as w

from toolkit.apps.dsl import DSL_CSS, FIT, DslApp
from toolkit.apps.page import Page
from toolkit.apps.words import say
from toolkit.content import Catalogue
from toolkit.html import fragment
from toolkit.reports import trust as trust_reports
from toolkit.reports import trust_render
from toolkit.store import Store
from toolkit.trust import Trust

TEMPLATE = "apps/trust.html.j2"
TRUST_CSS = """
<style>
.esafety.esafety-trust { max-width: none; }
.esafety-trust details { margin: 0.5rem 0 1rem; }
.esafety-trust summary { cursor: pointer; color: #0b4f8a; text-decoration: underline; }
</style>
"""


class TrustApp(Page):
    """The overview of the trust's schools, and one school's own page opened from it."""

    name = "trust app"
    kept = say("trust.kept")

    def __init__(self, trust: Trust, catalogue: Catalogue, today: Callable[[], date] = date.today):
        super().__init__(DSL_CSS + TRUST_CSS, "esafety-dsl", "esafety-trust")
        self.trust, self.catalogue, self.today = trust, catalogue, today
        self.store: Store | None = None  # the opened school's, while its page is shown
        self.school_app: DslApp | None = None
        self.show_overview()

    def show_overview(self) -> None:
        """Every school's figures; a school's people are not read, let alone shown."""
        self.close_school()
        self.figures = w.HTML()
        self.picker = w.Dropdown(
            description=say("trust.school"),
            options=[(s.name or s.id, s.id) for s in self.trust.schools],
            layout=w.Layout(width="100%"),
        )
        self.open_button = self.on_click(
            w.Button(description=say("trust.open"), layout=FIT), self.open_school
        )
        self.reload_button = self.on_click(
            w.Button(description=say("trust.reload"), layout=FIT), self.refresh
        )
        self.download_button = self.on_click(
            w.Button(description=say("trust.prepare_downloads"), layout=FIT),
            self.prepare_downloads,
        )
        self.downloads = w.HTML()
        self.show(
            [
                w.HTML(fragment(TEMPLATE, "title", trust=self.trust.name)),
                self.reload_button,
                self.figures,
                w.HTML(fragment(TEMPLATE, "drill_heading")),
                self.picker,
                self.open_button,
                w.HTML(fragment(TEMPLATE, "downloads_heading")),
                self.download_button,
                self.downloads,
            ],
            focus=self.picker,
        )
        self.refresh()

    def refresh(self) -> None:
        """Read every school's figures afresh."""
        self.evidence = trust_reports.gather_trust(self.trust, self.catalogue, self.today())
        self.figures.value = fragment(
            TEMPLATE,
            "overview",
            today=self.evidence.today,
            read_at=datetime.now(),
            summary=trust_render.summary(self.evidence),
            picture=trust_render.picture(self.evidence),
            schools=trust_render.schools_listing(self.evidence),
            meanings=trust_render.columns_listing(self.evidence),
            recurring=trust_render.recurring_listing(self.evidence),
        )
        self.downloads.value = ""

    def open_school(self) -> None:
        """The chosen school's own DSL page, on its own store; the overview is closed."""
        school = self.trust.school(self.picker.value)
        try:
            store = trust_reports.open_school(school)
        except trust_reports.SchoolUnavailable as err:
            self.show_alert(say("trust.not_read", school=school.name, problem=err))
            return
        try:
            resolved = trust_reports.resolve_school(store, school, self.catalogue)
            app = DslApp(store, resolved, today=self.today)
        except trust_reports.SchoolUnavailable as err:
            store.close()
            self.show_alert(say("trust.not_read", school=school.name, problem=err))
            return
        except BaseException:
            store.close()
            raise
        self.store, self.school_app = store, app
        self.back_button = self.on_click(
            w.Button(description=say("trust.back"), layout=FIT), self.show_overview
        )
        heading = fragment(TEMPLATE, "school_heading", trust=self.trust.name, school=school.name)
        self.show([self.back_button, w.HTML(heading), app.root], focus=self.back_button)

    def close_school(self) -> None:
        """Leave the opened school: its page is closed with the view, its store here."""
        if self.store is not None:
            self.store.close()
        self.store, self.school_app = None, None

    def prepare_downloads(self) -> None:
        csv_data = base64.b64encode(trust_render.as_csv(self.evidence).encode()).decode()
        pdf_data = base64.b64encode(trust_render.as_pdf(self.evidence)).decode()
        self.downloads.value = fragment(
            TEMPLATE,
            "downloads",
            stamp=f"{self.evidence.today:%Y-%m-%d}",
            csv=csv_data,
            pdf=pdf_data,
        )

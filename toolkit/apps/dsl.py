"""The DSL app: who has been trained on what, where staff go wrong, and each learner's choices."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Callable, Sequence
from datetime import date, datetime

import ipywidgets as w

from toolkit.apps.page import App
from toolkit.apps.words import say
from toolkit.content import ROLES
from toolkit.html import fragment
from toolkit.reports import html as report_render
from toolkit.reports import tables as reports
from toolkit.school import policy_changes
from toolkit.school.school import School
from toolkit.store import Store

DSL_CSS = """
<style>
.esafety.esafety-dsl { max-width: none; }
.esafety-dsl table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.95rem; }
.esafety-dsl td, .esafety-dsl th { border: 1px solid #888; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
.esafety-dsl img { max-width: 100%; }
</style>
"""
TEMPLATE = "apps/dsl.html.j2"


PAGE = 50  # people per page of the matrix
# A dropdown's "no filter" choice: ipywidgets takes a value of None for "nothing selected" and
# the page then shows a blank box, so the first option carries a value of its own.
ANY = ""
# Buttons and checkboxes size to their words (ipywidgets' fixed widths cut long labels off).
FIT = {"width": "max-content", "max_width": "100%"}


class DslApp(App):
    """Filters, the completion matrix, charts, misconceptions, lesson coverage, learner history."""

    name = "DSL app"
    kept = say("dsl.kept")

    def __init__(
        self,
        store: Store,
        school: School,
        today: Callable[[], date] = date.today,
        imported: Sequence[str] = (),
    ):
        """`imported`: the schools whose own policy was imported, to set up on the setup page."""
        super().__init__(store, school, today, DSL_CSS, "esafety-dsl")
        policy_changes.record(store, school)  # the clauses as they are now, to compare later
        self.role = w.Dropdown(
            description=say("dsl.role"),
            options=[(say("dsl.everyone"), ANY), *((r, r) for r in ROLES)],
        )
        self.role.observe(lambda _change: self.guarded(self.show_figures)(), names="value")
        groups = sorted({person.group for person in store.current_learners() if person.group})
        self.group = w.Dropdown(
            description=say("dsl.group"),
            options=[(say("dsl.everyone"), ANY), *((g, g) for g in groups)],
        )
        self.group.observe(lambda _change: self.guarded(self.show_figures)(), names="value")
        self.learner_picker = w.Dropdown(
            description=say("dsl.learner"),
            options=[(say("dsl.choose_learner"), ANY)],
            layout=w.Layout(width="100%"),
        )
        self.learner_picker.observe(
            lambda _change: self.guarded(self.show_history)(), names="value"
        )
        self.summary, self.matrix, self.charts = w.HTML(), w.HTML(), w.HTML()
        self.replays = w.HTML()  # who is to replay training after a policy change
        # A trust's matrix has thousands of rows: the page shows it a page of people at a time.
        self.first = 0
        self.behind_only = w.Checkbox(
            description=say("dsl.behind_only"),
            indent=False,
            layout=FIT,
        )
        self.behind_only.observe(lambda _change: self.guarded(self.show_figures)(), names="value")
        self.earlier = self.on_click(
            w.Button(description=say("dsl.earlier", count=PAGE), layout=FIT),
            lambda: self.show_matrix(-PAGE),
        )
        self.later = self.on_click(
            w.Button(description=say("dsl.later", count=PAGE), layout=FIT),
            lambda: self.show_matrix(PAGE),
        )
        self.page_status = w.HTML()
        self.misconceptions, self.lessons, self.history, self.downloads = (
            w.HTML(),
            w.HTML(),
            w.HTML(),
            w.HTML(),
        )
        self.reload_button = self.on_click(
            w.Button(description=say("dsl.reload"), layout=FIT), self.refresh
        )
        self.download_button = self.on_click(
            w.Button(description=say("dsl.prepare_downloads"), layout=FIT),
            self.prepare_downloads,
        )
        self.show(
            [
                w.HTML(fragment(TEMPLATE, "title", school=self.profile.name)),
                *([w.HTML(fragment(TEMPLATE, "setup_link", schools=imported))] if imported else []),
                self.role,
                self.group,
                self.reload_button,
                self.summary,
                self.replays,
                self.charts,
                w.HTML(fragment(TEMPLATE, "matrix_heading")),
                self.behind_only,
                self.page_status,
                self.matrix,
                w.HBox([self.earlier, self.later]),
                self.misconceptions,
                self.lessons,
                w.HTML(fragment(TEMPLATE, "history_heading")),
                self.learner_picker,
                self.history,
                w.HTML(fragment(TEMPLATE, "downloads_heading")),
                self.download_button,
                self.downloads,
            ]
        )
        self.refresh()

    def evidence(self) -> report_render.Evidence:
        """The figures as last read from the store, for the role and group chosen."""
        matrix = reports.filtered(
            self.everyone.matrix, self.role.value or None, self.group.value or None
        )
        shown = {row.learner.id for row in matrix}
        replays = [r for r in self.everyone.replays if r.learner.id in shown]
        return dataclasses.replace(self.everyone, matrix=matrix, replays=replays)

    def matrix_rows(self) -> list[reports.MatrixRow]:
        rows = self.evidence().matrix
        if self.behind_only.value:
            rows = [row for row in rows if row.behind]
        return rows

    def refresh(self) -> None:
        """Read the figures afresh; the filters then work on these without reading again."""
        self.everyone = report_render.gather(self.store, self.school, self.today())
        self.read_at = datetime.now()
        self.show_figures()
        self.show_school_wide()

    def show_figures(self) -> None:
        evidence = self.evidence()
        complete = sum(row.complete for row in evidence.matrix)
        late = reports.overdue(evidence.matrix, self.catalogue)
        self.summary.value = fragment(
            TEMPLATE,
            "summary",
            today=evidence.today,
            read_at=self.read_at,
            policy=self.profile.policy.title,
            approved=self.profile.policy.approved,
            complete=complete,
            people=len(evidence.matrix),
            late=len(late),
            replays=len(evidence.replays),
            review=self.profile.policy.review,
            review_overdue=evidence.policy_review_overdue,
        )
        self.replays.value = report_render.listing_html(
            report_render.replays_listing(evidence), "h2"
        )
        self.first = 0
        self.show_matrix()
        self.charts.value = fragment(
            TEMPLATE,
            "charts",
            pictures=[
                report_render.picture(chart, evidence)
                for chart in (report_render.COMPLETION, report_render.OVER_TIME)
            ],
        )
        self.learner_picker.options = [(say("dsl.choose_learner"), ANY)] + [
            (
                say("dsl.learner_option", name=row.learner.name, email=row.learner.email),
                row.learner.id,
            )
            for row in evidence.matrix
        ]

    def show_school_wide(self) -> None:
        """Where staff go wrong, and lessons taught: for the whole school, whatever the filters."""
        evidence = self.everyone
        self.misconceptions.value = fragment(
            TEMPLATE,
            "school_wide",
            picture=report_render.picture(report_render.MISCONCEPTIONS, evidence),
            unsafe=report_render.unsafe_listing(evidence),
            missed=report_render.missed_listing(evidence),
        )
        self.lessons.value = report_render.listing_html(
            report_render.lessons_listing(evidence), "h2"
        )

    def show_matrix(self, move: int = 0) -> None:
        """The page of the matrix `move` people on from the one shown."""
        rows = self.matrix_rows()
        self.first = max(0, min(self.first + move, (len(rows) - 1) // PAGE * PAGE))
        shown = rows[self.first : self.first + PAGE]
        self.matrix.value = report_render.matrix_table(
            dataclasses.replace(self.everyone, matrix=shown)
        )
        self.page_status.value = fragment(
            TEMPLATE,
            "page_status",
            first=self.first + 1,
            last=self.first + len(shown),
            total=len(rows),
        )
        self.earlier.disabled = self.first == 0
        self.later.disabled = self.first + PAGE >= len(rows)

    def show_history(self) -> None:
        learner_id = self.learner_picker.value
        if learner_id == ANY:
            self.history.value = ""
            return
        history = reports.learner_history(self.store, self.school, learner_id)
        self.history.value = report_render.listing_html(
            report_render.Listing(
                say("dsl.history_title"),
                (
                    say("dsl.history_when"),
                    say("dsl.history_scenario"),
                    say("dsl.history_choice"),
                    say("dsl.history_outcome"),
                ),
                [
                    (reports.as_of(h["when"]), h["scenario"], h["choice"], h["outcome"])
                    for h in history
                ],
                say("dsl.history_empty"),
            ),
            heading=None,
        )

    def prepare_downloads(self) -> None:
        evidence = self.evidence()
        csv_data = base64.b64encode(report_render.as_csv(evidence).encode()).decode()
        pdf_data = base64.b64encode(report_render.as_pdf(evidence)).decode()
        stamp = f"{evidence.today:%Y-%m-%d}"
        self.downloads.value = fragment(
            TEMPLATE, "downloads", stamp=stamp, csv=csv_data, pdf=pdf_data
        )

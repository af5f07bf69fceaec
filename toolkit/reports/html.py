"""Render the DSL's evidence: charts (matplotlib), CSV, HTML and PDF, from the reports' data."""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass, field
from datetime import date

from toolkit.content import Catalogue, SchoolProfile
from toolkit.html import ENV, render
from toolkit.reports.tables import (
    STATUSES,
    MatrixRow,
    Misconception,
    Replay,
    completions_by_month,
    modules_in_order,
    overdue,
    status_counts,
)
from toolkit.school.policy_review import review_overdue
from toolkit.school.school import School

STATUS_COLOURS = {
    "complete": "#1e6b30",
    "expired": "#7a4b00",
    "overdue": "#a11d21",
    "due soon": "#b35900",
    "failed": "#6b1e5a",
    "in progress": "#0b4f8a",
    "not started": "#6e6e6e",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = [
    *("school", "report_date", "policy", "name", "email", "role", "start_date"),
    *("module", "status", "due", "completed_on", "policy_changed", "to_replay"),
]


@dataclass
class Evidence:
    """Everything a report shows, gathered once."""

    profile: SchoolProfile
    catalogue: Catalogue
    today: date
    matrix: list[MatrixRow]
    unsafe: list[Misconception]
    missed: list[Misconception]
    lessons: list[tuple[str, str, str, int]]
    # Staff asked to replay scenarios or quizzes because the policy changed since they trained.
    replays: list[Replay] = field(default_factory=list)

    @property
    def policy_review_overdue(self) -> bool:
        """The policy's own review date (as its profile gives it) has passed."""
        return review_overdue(self.profile.policy.review, self.today)


def safe_cell(value: object) -> str:
    """Neutralise a CSV cell a spreadsheet would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# --- charts ---------------------------------------------------------------------------


def _figure(width: float = 8, height: float = 4):
    from matplotlib.figure import Figure  # imported only when a chart is drawn

    return Figure(figsize=(width, height), layout="constrained")


def whole_numbers(axis) -> None:
    """Ticks at whole numbers only: there is no half a learner."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def completion_chart(evidence: Evidence):
    """Stacked bars: learners in each status, per module."""
    figure = _figure()
    axes = figure.add_subplot()
    modules = modules_in_order(evidence.catalogue)
    counts = status_counts(evidence.matrix, evidence.catalogue)
    labels = [m.title for m in modules]
    left = [0] * len(modules)
    for status in STATUSES:
        values = [counts[m.id][status] for m in modules]
        if any(values):
            axes.barh(labels, values, left=left, label=status, color=STATUS_COLOURS[status])
            left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("learners")
    axes.set_title("Completion by module")
    whole_numbers(axes.xaxis)
    if any(left):  # below the bars, where it hides none of them
        figure.legend(loc="outside lower center", ncols=4, fontsize="small")
    else:
        axes.set_xticks([])
        axes.set_yticks([])
        axes.text(0.5, 0.5, "No one with these filters", ha="center", transform=axes.transAxes)
    return figure


def over_time_chart(evidence: Evidence):
    """Module completions in each month, as bars: one month of data still reads as a chart."""
    figure = _figure(8, 3)
    axes = figure.add_subplot()
    months = completions_by_month(evidence.matrix)
    labels = [f"{date.fromisoformat(month + '-01'):%b %Y}" for month, _ in months]
    axes.bar(labels, [n for _, n in months], color="#0b4f8a", width=0.6)
    if len(months) == 1:  # one bar alone would fill the chart's width
        axes.set_xlim(-1.5, 1.5)
    axes.set_ylabel("modules completed")
    axes.set_title("Modules completed each month")
    whole_numbers(axes.yaxis)
    if len(months) > 6:
        axes.tick_params(axis="x", labelrotation=45)
    if not months:
        axes.set_yticks([])
        axes.set_xticks([])
        axes.text(
            0.5, 0.5, "No completions yet", ha="center", va="center", transform=axes.transAxes
        )
    return figure


def misconceptions_chart(evidence: Evidence):
    """The unsafe choices made most often."""
    top = evidence.unsafe[:8]
    figure = _figure(8, 1.4 + 0.4 * max(len(top), 2))  # a bar or two stay bars, not blocks
    axes = figure.add_subplot()
    labels = [_short(m.what, 60).replace("$", r"\$") for m in top]
    axes.barh(labels, [m.times for m in top], color="#a11d21")
    axes.invert_yaxis()
    axes.set_xlabel("times chosen")
    axes.set_title("Unsafe choices made most often")
    whole_numbers(axes.xaxis)
    if not top:
        axes.set_xticks([])
        axes.set_yticks([])
        axes.text(
            0.5,
            0.5,
            "No unsafe choices recorded",
            ha="center",
            va="center",
            transform=axes.transAxes,
        )
    return figure


# Each chart with its text alternative, shown as its caption too.
COMPLETION = (completion_chart, "Completion by module: learners in each status")
OVER_TIME = (over_time_chart, "Completion over time: modules completed each month")
MISCONCEPTIONS = (misconceptions_chart, "Unsafe choices made most often")


def png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- CSV ------------------------------------------------------------------------------


def as_csv(evidence: Evidence) -> str:
    """The completion matrix, one row per learner and module, formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    titles = {m.id: m.title for m in evidence.catalogue.modules.values()}
    replays = {r.learner.id: r.by_module for r in evidence.replays}
    for row in evidence.matrix:
        for module_id, cell in row.cells.items():
            if cell is None:
                continue
            values = [
                evidence.profile.name,
                evidence.today.isoformat(),
                f"{evidence.profile.policy.title} ({evidence.profile.policy.approved})",
                row.learner.name,
                row.learner.email,
                row.learner.role,
                row.learner.start_date.isoformat(),
                titles[module_id],
                cell.status,
                cell.due.isoformat(),
                cell.completed_on.isoformat() if cell.completed_on else "",
                "yes" if cell.policy_changed else "no",
                "; ".join(replays.get(row.learner.id, {}).get(module_id, [])),
            ]
            writer.writerow([safe_cell(v) for v in values])
    return out.getvalue()


# --- tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """One table of a report as data, for the page, the HTML report and the PDF alike."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    empty: str  # said in place of rows when there are none


def overdue_listing(evidence: Evidence) -> Listing:
    return Listing(
        "Overdue or expired training",
        ("Name", "Role", "Module", "Due"),
        [
            (learner.name, learner.role, title, f"{due:%d/%m/%Y}")
            for learner, title, due in overdue(evidence.matrix, evidence.catalogue)
        ],
        "No one is overdue.",
    )


def replays_listing(evidence: Evidence) -> Listing:
    return Listing(
        "Staff to replay training after a policy change",
        ("Name", "Role", "Clauses changed", "To replay"),
        [
            (r.learner.name, r.learner.role, ", ".join(r.clauses), "; ".join(r.items))
            for r in evidence.replays
        ],
        "No one: no clause they trained on has changed since.",
    )


def unsafe_listing(evidence: Evidence) -> Listing:
    return Listing(
        "Unsafe choices made most often",
        ("Scenario", "Choice", "Times"),
        [(m.where, m.what, str(m.times)) for m in evidence.unsafe],
        "None yet.",
    )


def missed_listing(evidence: Evidence) -> Listing:
    return Listing(
        "Quiz questions missed most often",
        ("Module", "Question", "Missed"),
        [(m.where, m.what, f"{m.times} of {m.out_of}") for m in evidence.missed],
        "None yet.",
    )


def lessons_listing(evidence: Evidence) -> Listing:
    return Listing(
        "Pupil lessons taught",
        ("Class", "Term", "Lesson", "Times"),
        [(c, t, letter, str(n)) for c, t, letter, n in evidence.lessons],
        "No lessons recorded yet.",
    )


def status_listing(evidence: Evidence) -> Listing:
    """The completion chart's figures: learners in each status, per module."""
    counts = status_counts(evidence.matrix, evidence.catalogue)
    shown = [s for s in STATUSES if any(c[s] for c in counts.values())]
    return Listing(
        "Learners in each status, by module",
        ("Module", *shown),
        [
            (m.title, *(str(counts[m.id][s]) for s in shown))
            for m in modules_in_order(evidence.catalogue)
        ]
        if shown
        else [],
        "No one with these filters.",
    )


def months_listing(evidence: Evidence) -> Listing:
    """The over-time chart's figures: modules completed each month."""
    return Listing(
        "Modules completed each month",
        ("Month", "Modules completed"),
        [
            (f"{date.fromisoformat(month + '-01'):%B %Y}", str(n))
            for month, n in completions_by_month(evidence.matrix)
        ],
        "No completions yet.",
    )


# --- HTML -----------------------------------------------------------------------------

TABLES = "report/tables.html.j2"


@dataclass(frozen=True)
class Picture:
    """A chart drawn, for a template's figure: its text alternative and the PNG in base64."""

    alt: str
    data: str


def _macro(name: str):
    return getattr(ENV.get_template(TABLES).module, name)


def picture(chart: tuple, evidence: Evidence) -> Picture:
    """Draw one of the charts (COMPLETION, OVER_TIME, MISCONCEPTIONS) for these figures."""
    draw, alt = chart
    return Picture(alt, base64.b64encode(png(draw(evidence))).decode())


def listing_html(listing: Listing, heading: str | None = "h3") -> str:
    """A listing as a table under a heading of its title (None: no heading)."""
    return str(_macro("listing")(listing, heading))


def matrix_table(evidence: Evidence) -> str:
    """The matrix as an accessible HTML table: status in words, colour only as an extra."""
    modules = modules_in_order(evidence.catalogue)
    return str(_macro("matrix")(modules, evidence.matrix, STATUS_COLOURS))


def as_html(evidence: Evidence) -> str:
    """The whole report as one HTML page, its charts inside it."""
    return render(
        "report/report.html.j2",
        profile=evidence.profile,
        today=evidence.today,
        complete=sum(row.complete for row in evidence.matrix),
        people=len(evidence.matrix),
        completion=picture(COMPLETION, evidence),
        statuses=status_listing(evidence),
        over_time=picture(OVER_TIME, evidence),
        months=months_listing(evidence),
        misconceptions=picture(MISCONCEPTIONS, evidence),
        overdue=overdue_listing(evidence),
        replays=replays_listing(evidence),
        review_overdue=evidence.policy_review_overdue,
        unsafe=unsafe_listing(evidence),
        missed=missed_listing(evidence),
        lessons=lessons_listing(evidence),
        modules=modules_in_order(evidence.catalogue),
        rows=evidence.matrix,
        colours=STATUS_COLOURS,
    )


# --- PDF ------------------------------------------------------------------------------


def as_pdf(evidence: Evidence) -> bytes:
    """The whole report as an A4 PDF (see report_pdf)."""
    from toolkit.reports.pdf import as_pdf  # reportlab is loaded only when a PDF is made

    return as_pdf(evidence)


def gather(
    store,
    school: School,
    today: date,
    role: str | None = None,
    group: str | None = None,
) -> Evidence:
    from toolkit.reports import tables as reports

    matrix = reports.completion_matrix(store, school, today, role, group)
    return Evidence(
        profile=school.profile,
        catalogue=school.catalogue,
        today=today,
        matrix=matrix,
        unsafe=reports.unsafe_choices(store, school),
        missed=reports.missed_questions(store, school),
        lessons=reports.lesson_coverage(store, school.catalogue),
        replays=reports.policy_replays(store, school, matrix),
    )

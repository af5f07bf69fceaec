"""Render the DSL's evidence: charts (matplotlib), CSV, HTML and PDF, from the reports' data."""

from __future__ import annotations

import base64
import csv
import html
import io
from dataclasses import dataclass
from datetime import date

from toolkit.content import Catalogue, SchoolProfile
from toolkit.reports import (
    STATUSES,
    MatrixRow,
    Misconception,
    completions_by_month,
    modules_in_order,
    overdue,
    status_counts,
)

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
    *("module", "status", "due", "completed_on", "policy_changed"),
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


def safe_cell(value: object) -> str:
    """Neutralise a CSV cell a spreadsheet would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# --- charts ---------------------------------------------------------------------------


def _figure(width: float = 8, height: float = 4):
    from matplotlib.figure import Figure  # imported only when a chart is drawn

    return Figure(figsize=(width, height), layout="constrained")


def _whole_numbers(axis) -> None:
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
    _whole_numbers(axes.xaxis)
    if any(left):
        axes.legend(loc="lower right", fontsize="small")
    else:
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
    _whole_numbers(axes.yaxis)
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
    figure = _figure(8, 4)
    axes = figure.add_subplot()
    top = evidence.unsafe[:8]
    labels = [_short(m.what, 60).replace("$", r"\$") for m in top]
    axes.barh(labels, [m.times for m in top], color="#a11d21")
    axes.invert_yaxis()
    axes.set_xlabel("times chosen")
    axes.set_title("Unsafe choices made most often")
    _whole_numbers(axes.xaxis)
    if not top:
        axes.set_xticks([])
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
            ]
            writer.writerow([safe_cell(v) for v in values])
    return out.getvalue()


# --- HTML -----------------------------------------------------------------------------


def matrix_table(evidence: Evidence) -> str:
    """The matrix as an accessible HTML table: status in words, colour only as an extra."""
    e = html.escape
    modules = modules_in_order(evidence.catalogue)
    head = "".join(f'<th scope="col">{e(m.title)}</th>' for m in modules)
    rows = []
    for row in evidence.matrix:
        cells = []
        for module in modules:
            cell = row.cells.get(module.id)
            if cell is None:
                cells.append("<td>not for this role</td>")
            else:
                colour = STATUS_COLOURS[cell.status]
                cells.append(f'<td style="border-left:6px solid {colour}">{e(cell.text)}</td>')
        learner = row.learner
        rows.append(
            f'<tr><th scope="row">{e(learner.name)}<br><small>{e(learner.role)}</small></th>{"".join(cells)}</tr>'
        )
    return (
        '<table class="esafety-matrix"><caption>Completion by learner and module</caption>'
        f'<thead><tr><th scope="col">Learner</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def figure_html(chart: tuple, evidence: Evidence) -> str:
    """A chart as an image, with its text alternative as a caption too."""
    draw, alt = chart
    data = base64.b64encode(png(draw(evidence))).decode()
    return (
        f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(alt)}</figcaption></figure>"
    )


def as_html(evidence: Evidence) -> str:
    e = html.escape
    profile = evidence.profile
    overdue_rows = (
        "".join(
            f"<tr><td>{e(learner.name)}</td><td>{e(learner.role)}</td><td>{e(title)}</td><td>{due:%d/%m/%Y}</td></tr>"
            for learner, title, due in overdue(evidence.matrix, evidence.catalogue)
        )
        or '<tr><td colspan="4">No one is overdue.</td></tr>'
    )
    complete = sum(row.complete for row in evidence.matrix)
    charts = "".join(
        figure_html(chart, evidence) for chart in (COMPLETION, OVER_TIME, MISCONCEPTIONS)
    )
    unsafe = "".join(
        f"<li>{e(m.where)}: “{e(m.what)}” ({m.times} times)</li>" for m in evidence.unsafe
    )
    missed = "".join(
        f"<li>{e(m.where)}: {e(m.what)} (missed {m.times} of {m.out_of})</li>"
        for m in evidence.missed
    )
    lessons = (
        "".join(
            f"<tr><td>{e(c)}</td><td>{e(t)}</td><td>{e(letter)}</td><td>{n}</td></tr>"
            for c, t, letter, n in evidence.lessons
        )
        or '<tr><td colspan="4">No lessons recorded yet.</td></tr>'
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Social media training: {e(profile.name)}</title>
<style>body{{font-family:sans-serif;margin:2rem;color:#111}}table{{border-collapse:collapse;margin:1rem 0}}
td,th{{border:1px solid #888;padding:.3rem .5rem;text-align:left;vertical-align:top}}
img{{max-width:100%}}@media print{{body{{margin:0}}}}</style></head><body><main>
<h1>Social media training: evidence for governors and inspectors</h1>
<p>{e(profile.name)} · report date {evidence.today:%d %B %Y} · policy: {e(profile.policy.title)}
(approved {e(profile.policy.approved)}, review {e(profile.policy.review)})</p>
<h2>Completion</h2>
<p>{complete} of {len(evidence.matrix)} people have completed every module that applies to their role.</p>
{charts}
<h2>Overdue or expired training</h2>
<table><thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Module</th><th scope="col">Due</th></tr></thead>
<tbody>{overdue_rows}</tbody></table>
<h2>Where staff go wrong</h2><h3>Unsafe choices made most often</h3><ul>{unsafe or "<li>None yet.</li>"}</ul>
<h3>Quiz questions missed most often</h3><ul>{missed or "<li>None yet.</li>"}</ul>
<h2>Pupil lessons taught</h2>
<table><thead><tr><th scope="col">Class</th><th scope="col">Term</th><th scope="col">Lesson</th><th scope="col">Times</th></tr></thead>
<tbody>{lessons}</tbody></table>
<h2>Every learner</h2>{matrix_table(evidence)}
</main></body></html>
"""


# --- PDF ------------------------------------------------------------------------------


def as_pdf(evidence: Evidence) -> bytes:
    """A PDF of the summary, the charts and the overdue list, drawn with matplotlib."""
    from matplotlib.backends.backend_pdf import PdfPages

    profile = evidence.profile
    complete = sum(row.complete for row in evidence.matrix)
    lines = [
        "Social media training: evidence for governors and inspectors",
        "",
        f"School: {profile.name}",
        f"Report date: {evidence.today:%d %B %Y}",
        f"Policy: {profile.policy.title} (approved {profile.policy.approved}, review {profile.policy.review})",
        f"People on the roster: {len(evidence.matrix)}",
        f"Completed every module for their role: {complete}",
        "",
        "Overdue or expired training:",
    ]
    late = overdue(evidence.matrix, evidence.catalogue)
    lines += [
        f"  {learner.name} ({learner.role}): {title}, due {due:%d/%m/%Y}"
        for learner, title, due in late[:40]
    ]
    if len(late) > 40:
        lines.append(f"  … and {len(late) - 40} more (see the CSV export)")
    if not late:
        lines.append("  No one is overdue.")
    buffer = io.BytesIO()
    with PdfPages(buffer) as pdf:
        page = _figure(8.27, 11.69)
        page.text(
            0.06,
            0.96,
            "\n".join(line.replace("$", r"\$") for line in lines),
            va="top",
            family="sans-serif",
            fontsize=9,
        )
        pdf.savefig(page)
        for chart in (completion_chart, over_time_chart, misconceptions_chart):
            pdf.savefig(chart(evidence))
        info = pdf.infodict()
        info["Title"] = f"Social media training: {profile.name}"
    return buffer.getvalue()


def gather(
    store,
    catalogue: Catalogue,
    school_id: str,
    today: date,
    role: str | None = None,
    group: str | None = None,
) -> Evidence:
    from toolkit import reports

    return Evidence(
        profile=catalogue.profile(school_id),
        catalogue=catalogue,
        today=today,
        matrix=reports.completion_matrix(store, catalogue, school_id, today, role, group),
        unsafe=reports.unsafe_choices(store, catalogue, school_id),
        missed=reports.missed_questions(store, catalogue, school_id),
        lessons=reports.lesson_coverage(store, catalogue),
    )

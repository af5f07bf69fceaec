"""Render the trust's figures: the completion chart, the tables, CSV and HTML (PDF: trust_pdf)."""

from __future__ import annotations

import base64
import csv
import io

from toolkit.html import render
from toolkit.reports.html import (
    STATUS_COLOURS,
    Listing,
    Picture,
    png,
    safe_cell,
    whole_numbers,
)
from toolkit.reports.trust import NEW_STARTER_DAYS, RECURS_IN, SchoolResult, TrustEvidence

TITLE = "Social media training across the trust"
# The stacked bars: each school's staff, once each, in these three parts.
PARTS = (
    ("trained", "fully trained", STATUS_COLOURS["complete"]),
    ("in_progress", "in progress", STATUS_COLOURS["in progress"]),
    ("not_started", "not started", STATUS_COLOURS["not started"]),
)
NOT_READ = "not read"
TALLEST = 8  # inches: the chart's height on a page of the PDF, whatever the number of schools


def _figure(width: float, height: float):
    from matplotlib.figure import Figure  # imported only when a chart is drawn

    return Figure(figsize=(width, height), layout="constrained")


def completion_chart(evidence: TrustEvidence):
    """Stacked bars, one per school read: its staff fully trained, in progress, not started."""
    schools = evidence.read
    # A bar or two stay bars, not blocks; fifty schools still fit one page, in smaller type.
    height = min(1.6 + 0.45 * max(len(schools), 2), TALLEST)
    figure = _figure(8, height)
    axes = figure.add_subplot()
    labels = [s.name.replace("$", r"\$") for s in schools]
    per_bar = 72 * (height - 1.6) / max(len(schools), 1)  # points of height for each school
    axes.tick_params(axis="y", labelsize=min(10, 0.7 * per_bar))
    left = [0] * len(schools)
    for attribute, label, colour in PARTS:
        values = [getattr(s.figures, attribute) for s in schools]
        axes.barh(labels, values, left=left, label=label, color=colour)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("staff")
    axes.set_title("Training completion by school")
    whole_numbers(axes.xaxis)
    if any(left):
        figure.legend(loc="outside lower center", ncols=3, fontsize="small")
    else:
        axes.set_xticks([])
        if not schools:
            axes.set_yticks([])
        words = "No staff on any roster" if schools else "No school's records could be read"
        axes.text(0.5, 0.5, words, ha="center", va="center", transform=axes.transAxes)
    return figure


# The chart with its text alternative, shown as its caption too.
COMPLETION = (
    completion_chart,
    "Training completion by school: staff fully trained, in progress and not started",
)


def picture(evidence: TrustEvidence) -> Picture:
    draw, alt = COMPLETION
    return Picture(alt, base64.b64encode(png(draw(evidence))).decode())


# --- tables ---------------------------------------------------------------------------


def _share(count: int, result: SchoolResult) -> str:
    return f"{count} ({result.figures.percent(count)}%)"


def columns(evidence: TrustEvidence) -> list[tuple[str, str]]:
    """Each column of the schools' table with what it means, for the reader of the report."""
    return [
        ("School", "the school, as the trust file names it"),
        ("Staff", "people on the school's roster who have not left"),
        ("Fully trained", "staff with every module for their role complete and in date"),
        ("In progress", "staff not fully trained who have started a scenario or a quiz"),
        ("Not started", "staff who have started nothing yet"),
        ("Overdue", "staff with a module past its due date and not complete"),
        ("Expired", "staff with a module completed so long ago that its refresher is due"),
        (
            "New starters not yet trained",
            f"staff who started in the last {NEW_STARTER_DAYS} days and are not fully trained, "
            "of all who started then",
        ),
        *(
            (f"Lessons, ages {band}", f"pupil lessons delivered to classes of the {band} age band")
            for band in evidence.bands
        ),
        ("Records", "whether the school's records were read, or what to do if not"),
    ]


def schools_listing(evidence: TrustEvidence) -> Listing:
    """One row per school: counts and shares only, never a name of staff."""
    headers = tuple(name for name, _ in columns(evidence))
    rows = []
    for s in evidence.schools:
        f = s.figures
        if f is None:
            rows.append((s.name, *[NOT_READ] * (len(headers) - 2), s.problem))
            continue
        rows.append(
            (
                s.name,
                str(f.staff),
                _share(f.trained, s),
                _share(f.in_progress, s),
                _share(f.not_started, s),
                _share(f.overdue, s),
                _share(f.expired, s),
                f"{f.new_untrained} of {f.new_starters}",
                *(str(f.lessons.get(band, 0)) for band in evidence.bands),
                "read",
            )
        )
    return Listing("Schools", headers, rows, "The trust file lists no school.")


def columns_listing(evidence: TrustEvidence) -> Listing:
    return Listing(
        "What each column means",
        ("Column", "Meaning"),
        [(name, meaning) for name, meaning in columns(evidence)],
        "",
    )


def recurring_listing(evidence: TrustEvidence) -> Listing:
    return Listing(
        f"Misconceptions that recur across schools (found in at least {RECURS_IN})",
        ("Scenario or module", "Unsafe choice or missed question", "Schools", "Staff who made it"),
        [
            (
                r.where,
                ("Choice: " if r.kind == "choice" else "Question: ") + r.what,
                f"{len(r.schools)}: {', '.join(r.schools)}",
                f"{r.learners} of {r.staff} ({r.share}%)",
            )
            for r in evidence.recurring
        ],
        f"None yet: no unsafe choice or missed question is shared by {RECURS_IN} schools.",
    )


def summary(evidence: TrustEvidence) -> str:
    """One sentence of the whole trust's figures."""
    read = evidence.read
    staff = sum(s.figures.staff for s in read)
    trained = sum(s.figures.trained for s in read)
    text = (
        f"{trained} of {staff} staff in {len(read)} of {len(evidence.schools)} schools "
        "are fully trained."
    )
    missing = len(evidence.schools) - len(read)
    if missing:
        text += f" The records of {missing} school{'s' * (missing != 1)} could not be read."
    return text


# --- CSV and HTML ---------------------------------------------------------------------

CSV_SCHOOLS = (
    *("trust", "report_date", "school_id", "school", "records", "staff", "fully_trained"),
    *("in_progress", "not_started", "overdue", "expired", "new_starters"),
    "new_starters_not_trained",
)
CSV_RECURRING = ("kind", "scenario_or_module", "choice_or_question", "schools", "staff_who_made_it")


def as_csv(evidence: TrustEvidence) -> str:
    """Two tables, each under a heading row: the schools, one row each, and then the
    misconceptions recurring across schools. Formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def row(values) -> None:
        writer.writerow([safe_cell(v) for v in values])

    bands = evidence.bands
    row(["Schools"])
    row([*CSV_SCHOOLS, *(f"lessons_{band}" for band in bands)])
    for s in evidence.schools:
        head = [evidence.trust, evidence.today.isoformat(), s.id, s.name]
        f = s.figures
        if f is None:
            row([*head, s.problem])
            continue
        counts = (f.staff, f.trained, f.in_progress, f.not_started, f.overdue, f.expired)
        lessons = (f.lessons.get(band, 0) for band in bands)
        row([*head, "read", *counts, f.new_starters, f.new_untrained, *lessons])
    writer.writerow([])
    row([f"Misconceptions recurring across schools (in at least {RECURS_IN})"])
    row(CSV_RECURRING)
    for r in evidence.recurring:
        row([r.kind, r.where, r.what, "; ".join(r.schools), f"{r.learners} of {r.staff}"])
    return out.getvalue()


def as_html(evidence: TrustEvidence) -> str:
    """The trust's report as one HTML page, its chart inside it."""
    return render(
        "report/trust.html.j2",
        title=TITLE,
        trust=evidence.trust,
        today=evidence.today,
        summary=summary(evidence),
        completion=picture(evidence),
        schools=schools_listing(evidence),
        meanings=columns_listing(evidence),
        recurring=recurring_listing(evidence),
    )


def as_pdf(evidence: TrustEvidence) -> bytes:
    """The trust's report as an A4 PDF (see trust_pdf)."""
    from toolkit.reports.trust_pdf import as_pdf  # reportlab is loaded only when a PDF is made

    return as_pdf(evidence)

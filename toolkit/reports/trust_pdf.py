"""The trust's report as an A4 PDF, turned sideways for the schools' many columns."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import CondPageBreak

from toolkit.reports.pdf import (
    ROOM,
    WIDE,
    _page,
    _share,
    _styles,
    build_pdf,
    chart_block,
    listing_table,
    text,
)
from toolkit.reports.trust import TrustEvidence
from toolkit.reports.trust_render import (
    COMPLETION,
    TITLE,
    columns_listing,
    recurring_listing,
    schools_listing,
    summary,
)


def _school_widths(columns: int) -> list[float]:
    """The school's name and its records' state take wide columns; the figures share the rest."""
    return _share(WIDE, (2.4, *[1] * (columns - 2), 2.6))


def _story(evidence: TrustEvidence) -> list:
    styles = _styles()
    schools = schools_listing(evidence)
    return [
        text(TITLE, styles["title"]),
        text(f"{evidence.trust} · report date {evidence.today:%d %B %Y}", styles["body"]),
        text(
            f"{summary(evidence)} Figures are counts of staff and shares of each school's "
            "staff; no one is named.",
            styles["body"],
        ),
        chart_block(
            COMPLETION,
            evidence,
            schools,
            styles,
            _school_widths(len(schools.headers)),
            heading=text("Completion by school", styles["h2"]),
        ),
        CondPageBreak(ROOM),
        text(columns_listing(evidence).title, styles["h3"]),
        listing_table(columns_listing(evidence), styles, _share(WIDE, (1, 3))),
        CondPageBreak(ROOM),
        text("Where staff go wrong across the trust", styles["h2"]),
        text(recurring_listing(evidence).title, styles["h3"]),
        listing_table(recurring_listing(evidence), styles, _share(WIDE, (2, 4, 2.4, 1.4))),
    ]


def as_pdf(evidence: TrustEvidence) -> bytes:
    """The trust's report on A4 pages turned sideways, each with the trust and date at its foot."""
    return build_pdf(
        _story(evidence),
        [_page("sideways", landscape(A4))],
        title=f"{TITLE}: {evidence.trust}",
        subject="Staff training across the trust's schools, for the trust's leaders",
        author=evidence.trust,
        footer=f"{TITLE} · {evidence.trust} · {evidence.today:%d %B %Y}",
    )

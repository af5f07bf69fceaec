"""The DSL's evidence as an A4 PDF for governors and inspectors: all that the HTML report holds."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from toolkit.reports.html import (
    COMPLETION,
    MISCONCEPTIONS,
    OVER_TIME,
    STATUS_COLOURS,
    Evidence,
    Listing,
    lessons_listing,
    missed_listing,
    months_listing,
    overdue_listing,
    replays_listing,
    status_listing,
    unsafe_listing,
)
from toolkit.reports.tables import modules_in_order

MARGIN = 15 * mm
FOOT = 9 * mm  # where the footer's line sits
WIDTH = A4[0] - 2 * MARGIN  # of the text on an upright page
WIDE = A4[1] - 2 * MARGIN  # of the text on a page turned sideways, for the matrix
ROOM = 45 * mm  # a heading needs this much of its table below it on the same page
MODULES_ACROSS = 6  # columns of modules a sideways page holds with their titles unbroken
GRID = colors.HexColor("#888888")
HEAD = colors.HexColor("#e8e8e8")


def _fonts() -> tuple[str, str]:
    """DejaVu Sans, which matplotlib ships: it has the letters of names Helvetica lacks (Ł, ő, ș)."""
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        import matplotlib

        folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(folder / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(folder / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold")
    return "DejaVuSans", "DejaVuSans-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5, spaceAfter=4)
    return {
        "body": body,
        "title": ParagraphStyle("title", body, fontName=bold, fontSize=16, leading=20),
        "h2": ParagraphStyle(
            "h2",
            body,
            fontName=bold,
            fontSize=13,
            leading=16,
            spaceBefore=10,
            spaceAfter=6,
            keepWithNext=True,
        ),
        "h3": ParagraphStyle(
            "h3",
            body,
            fontName=bold,
            fontSize=10.5,
            leading=13,
            spaceBefore=6,
            spaceAfter=4,
            keepWithNext=True,
        ),
        "caption": ParagraphStyle("caption", body, fontSize=8.5, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", body, fontSize=8, leading=10, spaceAfter=0),
        "head": ParagraphStyle("head", body, fontName=bold, fontSize=8, leading=10, spaceAfter=0),
        "small": ParagraphStyle("small", body, fontSize=7, leading=8.5, spaceAfter=0),
    }


def text(value: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: what a person typed is shown as typed, never read as markup."""
    return Paragraph(escape(str(value)), style)


def _table(rows: list[list], widths: list[float], extra: list | None = None) -> Table:
    """A table whose header row comes again at the top of every page it runs onto."""
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                *(extra or []),
            ]
        )
    )
    return table


def listing_table(listing: Listing, styles, widths: list[float] | None = None) -> Table:
    """A listing as a table, its columns sharing the page's width unless told."""
    columns = len(listing.headers)
    widths = widths or [WIDTH / columns] * columns
    head = [text(h, styles["head"]) for h in listing.headers]
    if not listing.rows:
        return _table(
            [head, [Words(listing.empty, styles["cell"])] + [""] * (columns - 1)],
            widths,
            [("SPAN", (0, 1), (-1, 1))],
        )
    body = [[Words(value, styles["cell"]) for value in row] for row in listing.rows]
    return _table([head, *body], widths)


def chart_block(
    chart: tuple, evidence: Evidence, figures: Listing, styles, widths=None, heading=None
):
    """A chart (under its section's heading, if given), its caption and the figures it draws,
    kept on one page together."""
    draw, alt = chart
    figure = draw(evidence)
    width, height = figure.get_size_inches()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=200)
    buffer.seek(0)
    shown = 150 * mm
    return KeepTogether(
        [
            *([heading] if heading else []),
            Image(buffer, width=shown, height=shown * height / width),
            text(alt, styles["caption"]),
            Spacer(1, 2 * mm),
            listing_table(figures, styles, widths),
            Spacer(1, 4 * mm),
        ]
    )


class Words(Flowable):
    """A table cell's plain words, wrapped at spaces and drawn as they are (never read as markup),
    with a bar of a status colour at their left if given. Far lighter than a Paragraph in each of
    a trust's 100,000 cells; and a table style per cell instead of the bar would make each page
    break of a long table cost time growing as the square of its rows."""

    def __init__(self, value: object, style: ParagraphStyle, colour: str | None = None):
        super().__init__()
        self.value, self.style = str(value), style
        self.colour = colors.HexColor(colour) if colour else None
        self.lines: list[str] = []

    def wrap(self, available_width, available_height):
        style = self.style
        self.lines = simpleSplit(self.value, style.fontName, style.fontSize, available_width)
        self.width, self.height = available_width, len(self.lines) * style.leading
        return self.width, self.height

    def draw(self):
        canvas, style = self.canv, self.style
        if self.colour is not None:
            canvas.setStrokeColor(self.colour)
            canvas.setLineWidth(3)
            canvas.line(-4, -2, -4, self.height + 1)
        canvas.setFont(style.fontName, style.fontSize)
        canvas.setFillColor(colors.black)
        baseline = self.height - style.fontSize
        for line in self.lines:
            canvas.drawString(0, baseline, line)
            baseline -= style.leading


def matrix_table(evidence: Evidence, modules: list, styles) -> Table:
    """Every person by these modules, status in words; a coloured mark as in the HTML."""
    first = 50 * mm
    widths = [first] + [(WIDE - first) / max(len(modules), 1)] * len(modules)
    rows = [[text("Learner", styles["head"])] + [text(m.title, styles["head"]) for m in modules]]
    for row in evidence.matrix:
        learner = row.learner
        line = [[Words(learner.name, styles["cell"]), Words(learner.role, styles["small"])]]
        for module in modules:
            cell = row.cells.get(module.id)
            if cell is None:
                line.append(Words("not for this role", styles["small"]))
            else:
                line.append(Words(cell.text, styles["cell"], STATUS_COLOURS[cell.status]))
        rows.append(line)
    spans = []
    if not evidence.matrix:
        rows.append([Words("No one on the roster.", styles["cell"])] + [""] * len(modules))
        spans.append(("SPAN", (0, 1), (-1, 1)))
    return _table(rows, widths, spans)


def matrix_parts(evidence: Evidence, styles) -> list:
    """The matrix, in parts of at most MODULES_ACROSS modules when a trust has more than a
    page's width holds, each part starting on a page of its own."""
    modules = modules_in_order(evidence.catalogue)
    groups = [
        modules[start : start + MODULES_ACROSS] for start in range(0, len(modules), MODULES_ACROSS)
    ] or [[]]
    parts = []
    for number, group in enumerate(groups, start=1):
        title = "Completion by learner and module"
        if len(groups) > 1:
            title += f", part {number} of {len(groups)}: {group[0].title} to {group[-1].title}"
            if number > 1:
                parts.append(PageBreak())
        parts += [text(title, styles["h3"]), matrix_table(evidence, group, styles)]
    return parts


def _story(evidence: Evidence) -> list:
    styles = _styles()
    profile = evidence.profile
    complete = sum(row.complete for row in evidence.matrix)
    half = WIDTH / 2
    return [
        text("Social media training: evidence for governors and inspectors", styles["title"]),
        text(
            f"{profile.name} · report date {evidence.today:%d %B %Y} · policy: "
            f"{profile.policy.title} (approved {profile.policy.approved}, "
            f"review {profile.policy.review})",
            styles["body"],
        ),
        *(
            [
                text(
                    f"The policy's review date ({profile.policy.review}) has passed: it is due for review.",
                    styles["body"],
                )
            ]
            if evidence.policy_review_overdue
            else []
        ),
        text("Completion", styles["h2"]),
        text(
            f"{complete} of {len(evidence.matrix)} people have completed every module "
            "that applies to their role.",
            styles["body"],
        ),
        chart_block(COMPLETION, evidence, status_listing(evidence), styles, _first_wide(evidence)),
        chart_block(OVER_TIME, evidence, months_listing(evidence), styles, [half, half]),
        CondPageBreak(ROOM),
        text(overdue_listing(evidence).title, styles["h2"]),
        listing_table(overdue_listing(evidence), styles, _share(WIDTH, (3, 1.4, 3.6, 1.2))),
        CondPageBreak(ROOM),
        text(replays_listing(evidence).title, styles["h2"]),
        text(
            f"{len(evidence.replays)} {'person has' if len(evidence.replays) == 1 else 'people have'} "
            "scenarios or quizzes to replay because clauses "
            "of the policy changed since they trained.",
            styles["body"],
        ),
        listing_table(replays_listing(evidence), styles, _share(WIDTH, (2.4, 1.2, 2.4, 3.6))),
        chart_block(
            MISCONCEPTIONS,
            evidence,
            unsafe_listing(evidence),
            styles,
            _share(WIDTH, (2.2, 5.8, 1)),
            heading=text("Where staff go wrong", styles["h2"]),
        ),
        CondPageBreak(ROOM),
        text(missed_listing(evidence).title, styles["h3"]),
        listing_table(missed_listing(evidence), styles, _share(WIDTH, (2.2, 5.8, 1))),
        CondPageBreak(ROOM),
        text(lessons_listing(evidence).title, styles["h2"]),
        listing_table(lessons_listing(evidence), styles, _share(WIDTH, (3, 2, 2, 1))),
        NextPageTemplate("sideways"),
        PageBreak(),
        text("Every learner", styles["h2"]),
        *matrix_parts(evidence, styles),
    ]


def _share(width: float, parts: tuple[float, ...]) -> list[float]:
    return [width * p / sum(parts) for p in parts]


def _first_wide(evidence: Evidence) -> list[float]:
    """Module titles take a wide first column; the counts share the rest."""
    columns = len(status_listing(evidence).headers)
    if columns == 1:  # no one, so no statuses
        return [WIDTH]
    first = 60 * mm
    return [first] + [(WIDTH - first) / (columns - 1)] * (columns - 1)


class _NumberedCanvas(Canvas):
    """Writes the report's name and 'page n of m' at the foot of every page, once m is known."""

    footer = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        regular, _ = _fonts()
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(regular, 7.5)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawString(MARGIN, FOOT, self.footer)
            self.drawRightString(
                self._pagesize[0] - MARGIN, FOOT, f"page {self._pageNumber} of {len(self._pages)}"
            )
            super().showPage()
        super().save()


def _page(name: str, size: tuple[float, float]) -> PageTemplate:
    width, height = size
    frame = Frame(
        MARGIN, MARGIN + 4 * mm, width - 2 * MARGIN, height - 2 * MARGIN - 4 * mm, id=name
    )
    return PageTemplate(id=name, frames=[frame], pagesize=size)


def as_pdf(evidence: Evidence) -> bytes:
    """The whole report on A4: upright pages, then the matrix on pages turned sideways;
    tables run on across pages under their repeated header row."""
    profile = evidence.profile
    return build_pdf(
        _story(evidence),
        [_page("upright", A4), _page("sideways", landscape(A4))],
        title=f"Social media training: {profile.name}",
        subject="Evidence of staff training for governors and inspectors",
        author=profile.name,
        footer=f"Social media training · {profile.name} · {evidence.today:%d %B %Y}",
    )


def build_pdf(
    story: list, templates: list[PageTemplate], title: str, subject: str, author: str, footer: str
) -> bytes:
    """A PDF of the story on the templates' pages (the first sets the page size), each
    numbered with the footer at its foot."""
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=templates[0].pagesize,
        pageTemplates=templates,
        title=title,
        subject=subject,
        author=author,
        creator="esafety-toolkit",
        lang="en-GB",
    )
    canvas = type("Canvas", (_NumberedCanvas,), {"footer": footer})
    document.build(story, canvasmaker=canvas)
    return buffer.getvalue()

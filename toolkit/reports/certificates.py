"""Completion certificates: the modules a learner finished and when, drawn as a one-page PDF."""

from __future__ import annotations

import io
import textwrap
from datetime import date

from toolkit.dates import long_date

NAVY = "#0b4f8a"
INK = "#1a1a1a"
MUTED = "#4a4a4a"
A4_LANDSCAPE = (297 / 25.4, 210 / 25.4)  # inches


def certificate_pdf(
    learner_name: str,
    school: str,
    policy_title: str,
    modules: list[tuple[str, date]],
    issued: date,
    valid_until: date,
) -> bytes:
    """A one-page A4 landscape certificate; every string is drawn as plain text."""
    # Imported here: matplotlib costs a Voila kernel about 50 MB, and only finishers need it.
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    fig = Figure(figsize=A4_LANDSCAPE)

    def text(x: float, y: float, s: str, size: float, **kwargs) -> None:
        # parse_math=False and usetex=False: a "$" in a name is a dollar sign, not mathtext.
        kwargs = {"ha": "center", "va": "center", "color": INK, **kwargs}
        fig.text(x, y, s, fontsize=size, parse_math=False, usetex=False, **kwargs)

    for inset, width in ((0.02, 4), (0.035, 1)):
        fig.patches.append(
            Rectangle(
                (inset * 210 / 297, inset),
                1 - 2 * inset * 210 / 297,
                1 - 2 * inset,
                transform=fig.transFigure,
                fill=False,
                edgecolor=NAVY,
                linewidth=width,
            )
        )

    height = A4_LANDSCAPE[1] * 72  # points: turns a font size into a share of the page

    text(0.5, 0.89, textwrap.fill(school, 90), 15, color=MUTED)
    text(0.5, 0.80, "Certificate of completion", 34, color=NAVY, weight="bold")
    text(0.5, 0.71, "This is to certify that", 14)
    # Scaled down so a long name stays inside the border (about 40 characters fit at 30 pt).
    name_size = max(12, min(30, 30 * 40 / max(len(learner_name), 1)))
    text(0.5, 0.635, learner_name, name_size, weight="bold")
    sentence = f"has completed the social media and e-safety training on {school}'s {policy_title}"
    lines = textwrap.wrap(sentence, 90)
    text(0.5, 0.585, "\n".join(lines), 14, va="top", linespacing=1.5)

    # The module list fills what is left above the footer: one column, two past eight modules.
    top = 0.585 - len(lines) * 1.5 * 14 / height - 0.04
    text(0.5, top, "Modules completed", 13, color=NAVY, weight="bold")
    if len(modules) <= 8:
        columns, longest, largest = [(0.25, 0.75)], 60, 12.0
    else:  # a title and a date in 38% of the page's width
        columns, longest, largest = [(0.1, 0.48), (0.52, 0.9)], 40, 9.5
    per_column = max(-(-len(modules) // len(columns)), 1)
    step = min(0.042, (top - 0.05 - 0.15) / per_column)
    size = min(largest, step * height * 0.6)  # no taller than 60% of a row
    for i, (title, day) in enumerate(modules):
        (left, right), row = columns[i // per_column], i % per_column
        y = top - 0.05 - row * step
        text(left, y, textwrap.shorten(title, longest, placeholder="…"), size, ha="left")
        text(right, y, long_date(day), size, ha="right")

    footer = f"Issued on {long_date(issued)}. Refresher due by {long_date(valid_until)}."
    text(0.5, 0.09, footer, 13)

    buffer = io.BytesIO()
    # Embedded TrueType fonts carry a Unicode map, so the text can be copied and read aloud.
    with rc_context({"pdf.fonttype": 42}):
        fig.savefig(
            buffer,
            format="pdf",
            metadata={
                "Title": f"Certificate of completion: {learner_name}",
                "Subject": f"Social media and e-safety training, {school}",
                "Creator": "esafety-toolkit",
            },
        )
    return buffer.getvalue()

"""HTML from templates that escape by default: one Jinja environment over toolkit/templates."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from toolkit.dates import long_date

TEMPLATES = Path(__file__).parent / "templates"


def split_paragraphs(text: object) -> list[str]:
    """Plain content text as its paragraphs (split at blank lines), each on one line."""
    parts = str(text).strip().split("\n\n")
    return [" ".join(part.split()) for part in parts if part.strip()]


def maths_inert(text: object) -> Markup:
    """Text escaped, with `$` and backslashes as character references too, so that MathJax
    finds no maths in it (the formgrader runs MathJax over what a learner wrote)."""
    return Markup(str(escape(text)).replace("$", "&#36;").replace("\\", "&#92;"))


ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters["split_paragraphs"] = split_paragraphs
ENV.filters["long_date"] = long_date
ENV.filters["maths_inert"] = maths_inert


def render(name: str, **context: object) -> str:
    """A whole template, e.g. "report/report.html.j2", rendered with this context."""
    return ENV.get_template(name).render(**context)


def fragment(name: str, macro: str, **context: object) -> str:
    """One macro of a template (a heading, a notice, a table) rendered, for a widget's HTML."""
    return str(getattr(ENV.get_template(name).module, macro)(**context)).strip()

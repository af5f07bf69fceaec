"""The server's own pages (wait, the DSL app's link page, another site's name), from templates
that escape by default; each is sent uncached, as it speaks of this moment."""

from __future__ import annotations

import jinja2
import tornado.web

from toolkit.html import TEMPLATES

_pages = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES / "server"), autoescape=True, trim_blocks=True
)


def send_page(handler: tornado.web.RequestHandler, name: str, status: int = 200, **context) -> None:
    """Finish a request with one of the server's pages."""
    handler.set_status(status)
    handler.set_header("Content-Type", "text/html; charset=UTF-8")
    handler.set_header("Cache-Control", "no-store")
    handler.finish(_pages.get_template(name).render(**context))

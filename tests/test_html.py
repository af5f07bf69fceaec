"""Every template, given hostile text for everything it shows: is all of it escaped?"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from jinja2 import meta
from jinja2.runtime import Macro

from toolkit.html import ENV, TEMPLATES
from toolkit.server import pages


class JupyterHubsOwn(jinja2.ChainableUndefined):
    """What JupyterHub gives its own templates (its URLs, its user, its announcement): nothing
    here, as only what the toolkit's templates show is checked."""

    def __call__(self, *args: object, **kwargs: object) -> str:
        return ""


def jupyterhub_templates() -> str:
    from jupyterhub.app import JupyterHub

    return JupyterHub().template_paths[-1]


HOSTILE = '<script>alert(1)</script>"onmouseover="x {{ 7*7 }}'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
# Rendered by Voila, inside its own lab page: not ours to render on its own.
NOT_OURS = {"voila"}
# The server's pages extend each other by their names inside templates/server; the Hub's
# extend JupyterHub's own (as "templates/..."), in an environment made as JupyterHub makes it.
HUB = jinja2.Environment(
    loader=jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(TEMPLATES / "hub"),
            jinja2.PrefixLoader({"templates": jinja2.FileSystemLoader(jupyterhub_templates())}),
        ]
    ),
    autoescape=True,
    undefined=JupyterHubsOwn,
)
ENVIRONMENTS = {"server": pages._pages, "hub": HUB}


class Hostile:
    """Whatever a template asks of a value (text, an attribute, an item, a list, a number, a
    date to format, a method to call), answered with hostile text."""

    def __str__(self) -> str:
        return HOSTILE

    def __format__(self, spec: str) -> str:
        return HOSTILE

    def __getattr__(self, name: str) -> Hostile:
        if name.startswith(("_", "jinja_")):  # markupsafe's __html__, Jinja's own markers
            raise AttributeError(name)
        return Hostile()

    def __getitem__(self, key: object) -> Hostile:
        return Hostile()

    def __iter__(self):
        return iter([Hostile(), Hostile()])

    def __len__(self) -> int:
        return 2

    def __call__(self, *args: object, **kwargs: object) -> Hostile:
        return Hostile()


def template_names() -> list[tuple[str, str]]:
    """(folder, name) of every template under toolkit/templates, found afresh each run."""
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file() and path.suffix in {".j2", ".html"}:
            folder = path.relative_to(TEMPLATES).parts[0] if path.parent != TEMPLATES else ""
            if folder not in NOT_OURS:
                found.append((folder, path.relative_to(TEMPLATES).as_posix()))
    return found


def renderings(env: jinja2.Environment, name: str) -> list[tuple[str, bool]]:
    """The template rendered with a hostile value for every name it reads, and each of its
    macros called with a hostile value for every argument; with whether any value was given."""
    source = Path(env.loader.get_source(env, name)[1]).read_text(encoding="utf-8")
    names = meta.find_undeclared_variables(env.parse(source))
    template = env.get_template(name)
    out = [(template.render(**{n: Hostile() for n in names}), bool(names))]
    module = template.make_module({n: Hostile() for n in names})
    for macro in vars(module).values():
        if isinstance(macro, Macro) and not macro.caller:  # a call block's macro needs its caller
            args = {a: Hostile() for a in macro.arguments}
            out.append((str(macro(**args)), bool(args)))
    return out


def assert_escaped(html: str, given: bool) -> None:
    assert "<script>alert" not in html, html
    assert '"onmouseover="' not in html, html  # no value can end an attribute
    assert "49" not in html.replace(ESCAPED, "")  # nothing given is run as a template
    if given:
        assert ESCAPED in html and "{{ 7*7 }}" in html, html


def test_templates_are_found():
    """Are the pages' templates among those checked, so that the next one is too?"""
    names = {name for _, name in template_names()}
    assert {"apps/staff.html.j2", "report/report.html.j2", "server/login.html"} <= names


@pytest.mark.parametrize(("folder", "name"), template_names())
def test_every_template_escapes_everything_it_is_given(folder: str, name: str):
    """Is hostile text shown as text wherever a template puts it, in the page or an attribute?"""
    env = ENVIRONMENTS.get(folder, ENV)
    local = name.split("/", 1)[1] if folder in ENVIRONMENTS else name
    for html, given in renderings(env, local):
        assert_escaped(html, given)


@pytest.mark.parametrize("env", [ENV, *ENVIRONMENTS.values()])
def test_the_environments_escape_by_default(env: jinja2.Environment):
    """Does every environment escape by default, and fail on a name it is not given?"""
    assert env.autoescape is True
    assert env.from_string("{{ x }}").render(x=HOSTILE).startswith(ESCAPED)
    if env is ENV:
        with pytest.raises(jinja2.UndefinedError):
            env.from_string("{{ missing }}").render()


@pytest.mark.parametrize(
    ("env", "source"),
    [
        (ENV, "<p>{{ x|safe }}</p>"),
        (jinja2.Environment(autoescape=False), "<p>{{ x }}</p>"),
        (ENV, '{% macro m(x) %}<a title="{{ x|safe }}">{% endmacro %}{{ m(x) }}'),
    ],
)
def test_the_check_catches_what_it_is_for(env: jinja2.Environment, source: str):
    """Would the check fail for text marked safe, or an environment that does not escape?"""
    with pytest.raises(AssertionError):
        assert_escaped(env.from_string(source).render(x=Hostile()), True)

"""Serving a trust: where the Hub sends each person after they sign in, and the page listing
the pages of everyone who has more than one (staff on two schools' rosters, a trust lead who is
also a school's DSL). The groups say where: they follow the rosters (toolkit.hub.roster_gate)."""

from __future__ import annotations

from dataclasses import dataclass

from jupyterhub.handlers import BaseHandler
from jupyterhub.utils import url_path_join
from tornado import web

from toolkit.hub.config import TRUST_SERVICE, service_name
from toolkit.hub.roster_gate import DSL_GROUP, STAFF_GROUP, TRUST_LEAD_GROUP, school_group
from toolkit.server import DSL_PAGE, STAFF_PAGE, TRUST_PAGE
from toolkit.trust import configured_trust


@dataclass(frozen=True)
class Destination:
    title: str  # what the link says
    school: str  # the school's name; "" for the trust's view
    path: str  # from the Hub's base URL


def destinations(groups: set[str]) -> list[Destination]:
    """The pages a person with these Hub groups may open, the trust's view first."""
    trust = configured_trust()
    found = []
    if TRUST_LEAD_GROUP in groups:
        found.append(
            Destination("The trust's view of every school", "", _page(TRUST_SERVICE, TRUST_PAGE))
        )
    for school in trust.schools if trust else ():
        if school_group(STAFF_GROUP, school.id) in groups:
            found.append(
                Destination(
                    "Your training", school.name, _page(service_name(school.id), STAFF_PAGE)
                )
            )
        if school_group(DSL_GROUP, school.id) in groups:
            dsl = service_name(school.id, dsl=True)
            found.append(Destination("The DSL's page", school.name, _page(dsl, DSL_PAGE)))
    return found


def _page(service: str, page: str) -> str:
    return f"services/{service}/voila/render/{page}"


def _groups(handler: BaseHandler) -> set[str]:
    user = handler.current_user
    return {group.name for group in user.groups} if user else set()


def landing(handler: BaseHandler) -> str:
    """The Hub's default URL: a person's one page, or the list of their pages."""
    found = destinations(_groups(handler))
    if len(found) == 1:
        return url_path_join(handler.base_url, found[0].path)
    return url_path_join(handler.hub.base_url, "schools")


class SchoolsHandler(BaseHandler):
    """The pages of the person signed in, each with its school's name."""

    @web.authenticated
    async def get(self) -> None:
        found = destinations(_groups(self))
        if len(found) == 1:  # signed in on the way here: their one page
            self.redirect(url_path_join(self.base_url, found[0].path))
            return
        html = await self.render_template(
            "schools.html",
            destinations=found,
            links=[url_path_join(self.base_url, d.path) for d in found],
        )
        self.set_header("Cache-Control", "no-store")
        self.finish(html)


HANDLERS = [(r"/schools", SchoolsHandler)]

"""Serving the pages as a JupyterHub service: the Hub signs people in, the roster says who may
open which page.

The Hub's OAuth (HubOAuth) tells the service who is at the browser; nobody reaches a page, and
so no kernel starts, before they have signed in. The roster in the store stays the source of
truth: a person the Hub knows but the roster does not (or no longer) gets a page saying so and
whom to ask; the classroom page is for teaching roles and the DSL page for the DSL and deputy,
checked here on every page request, before a kernel starts. The page's kernel learns who signed
in through a header the server alone sets (`settings.PERSON_HEADER`).
"""

from __future__ import annotations

import logging
import os

import tornado.web
from jupyter_server.utils import url_path_join
from jupyterhub.singleuser.extension import JupyterHubIdentityProvider

from toolkit import settings
from toolkit.server import TRUST_PAGE
from toolkit.server.pages import send_page
from toolkit.store import Store, UnknownLearner
from toolkit.store.records import Learner
from toolkit.trust import configured_trust

log = logging.getLogger(__name__)

# The Hub's credentials for this service: read once by the identity provider, then taken out of
# the environment so that no page's kernel (which inherits it) ever holds them.
HUB_SECRETS = ("JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN")

# Which people may open each page, and how a refusal is worded.
PAGES = {
    "staff.ipynb": (lambda person: True, ""),
    "classroom.ipynb": (lambda person: person.teaches, "classroom"),
    "dsl.ipynb": (lambda person: person.is_dsl, "dsl"),
    "setup.ipynb": (lambda person: person.is_dsl, "dsl"),
}


class HubIdentity(JupyterHubIdentityProvider):
    """JupyterHub's identity provider for a Hub-served Jupyter server, with its sign-in routes
    under this service's prefix (Voila adds an identity provider's routes as they are given)."""

    def get_handlers(self) -> list:
        prefix = os.environ.get(settings.HUB_PREFIX_ENV, "/")
        handlers = [
            (url_path_join(prefix, route), *rest) for route, *rest in super().get_handlers()
        ]
        _ = self.hub_auth.api_token  # read now, before it leaves the environment
        for name in HUB_SECRETS:
            os.environ.pop(name, None)
        return handlers


class Roster:
    """The store's roster, opened once per server, for the check on each page request."""

    def __init__(self):
        self._store: Store | None = None

    def person(self, email: str) -> Learner | None:
        if self._store is None:
            self._store = Store(settings.database_url(), create=False)
        try:
            return self._store.person(email)
        except UnknownLearner:
            return None


ROSTER = Roster()


def admit(handler: tornado.web.RequestHandler, page: str, email: str) -> bool:
    """Whether the person signed in may open the page; if not, the page saying why is sent.
    The page's kernel is told who they are (any such header a browser sent is replaced)."""
    logout = url_path_join(os.environ.get(settings.HUB_PREFIX_ENV, "/"), "logout")
    if page == TRUST_PAGE:
        return _admit_lead(handler, email, logout)
    person = ROSTER.person(email)
    allowed, refusal = PAGES.get(page, (lambda person: False, "unknown"))
    if person is None or not person.current:
        log.warning("Refused %s (%s): %s", email, page, "left" if person else "not on the roster")
        send_page(
            handler, "not-on-roster.html", 403, email=email, left=person is not None, logout=logout
        )
        return False
    if not allowed(person):
        log.warning("Refused %s the page %s: role %s", email, page, person.role)
        send_page(
            handler, "not-for-you.html", 403, refusal=refusal, role=person.role, logout=logout
        )
        return False
    handler.request.headers[settings.PERSON_HEADER] = person.email
    return True


def _admit_lead(handler: tornado.web.RequestHandler, email: str, logout: str) -> bool:
    """The trust's view opens for the leads the trust file lists, and for nobody else: a
    school's service has no trust file, so it refuses everyone."""
    trust = configured_trust()
    if trust is None or not trust.is_lead(email):
        log.warning("Refused %s the trust's view: not a lead of the trust", email)
        send_page(handler, "not-for-you.html", 403, refusal="trust", role="", logout=logout)
        return False
    handler.request.headers[settings.PERSON_HEADER] = email.strip().lower()
    return True

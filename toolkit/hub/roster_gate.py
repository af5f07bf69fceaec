"""Every sign-in through the Hub passes the roster: who is on it (and has not left) gets in,
with Hub groups that follow their role; anyone else gets a page saying so and whom to ask.

The same check runs when the Hub refreshes a signed-in person (every `auth_refresh_age`
seconds): someone marked as left, or whose role changed, is signed out or regrouped within a
minute, without waiting for their next sign-in.
"""

from __future__ import annotations

import functools
import logging

from tornado import web

from toolkit import settings
from toolkit.store import Store, StoreError, UnknownLearner
from toolkit.store.records import Learner
from toolkit.trust import configured_trust

log = logging.getLogger(__name__)

# The Hub's groups, kept in step with the roster. Roles granting access name them in the
# config (toolkit.hub.config): staff pages for everyone, the DSL's page for the DSL roles.
STAFF_GROUP = "esafety-staff"
TEACHING_GROUP = "esafety-teaching"
DSL_GROUP = "esafety-dsl"
GROUPS = (STAFF_GROUP, TEACHING_GROUP, DSL_GROUP)
# Serving a trust, each school's groups carry its id (esafety-staff-barley-lane), and the
# trust's safeguarding leads (listed in the trust file) have a group of their own.
TRUST_LEAD_GROUP = "esafety-trust-lead"


class Refused(web.HTTPError):
    """A sign-in the toolkit refuses, with the reason shown to the person."""

    def __init__(self, title: str, message: str):
        super().__init__(403, reason=title)
        self.jupyterhub_message = message


def school_group(group: str, school_id: str | None) -> str:
    """A Hub group's name at one school of a trust (None: the only school served)."""
    return f"{group}-{school_id}" if school_id else group


def groups_for(person: Learner, school_id: str | None = None) -> list[str]:
    """The Hub groups of a person on the roster (of the trust's school `school_id`)."""
    groups = [STAFF_GROUP]
    if person.teaches:
        groups.append(TEACHING_GROUP)
    if person.is_dsl:
        groups.append(DSL_GROUP)
    return [school_group(group, school_id) for group in groups]


@functools.cache
def _store(url: str) -> Store:
    return Store(url, create=False)


def rosters() -> list[tuple[str | None, str]]:
    """Each school served, as its id in the trust (None: the only school) and its database."""
    trust = configured_trust()
    if trust is None:
        return [(None, settings.database_url())]
    return [(school.id, school.database_url) for school in trust.schools]


def roster_person(email: str, url: str | None = None) -> Learner | None:
    """The person on the roster (of the store at `url`) with this email; None if there is none."""
    try:
        return _store(url or settings.database_url()).person(email)
    except UnknownLearner:
        return None


def standing(email: str) -> tuple[list[str], Learner | None]:
    """A person's Hub groups across the schools served (none: they may not sign in), and a
    record of them on any roster, for the words of a refusal. A school whose store cannot be
    opened is left out, and logged, rather than stopping everyone's sign-in."""
    groups: list[str] = []
    found = None
    for school_id, url in rosters():
        try:
            person = roster_person(email, url)
        except StoreError as err:
            log.error("The roster of %s cannot be read: %s", school_id or "the school", err)
            continue
        found = found or person
        if person is not None and person.current:
            groups += groups_for(person, school_id)
    trust = configured_trust()
    if trust is not None and trust.is_lead(email):
        groups.append(TRUST_LEAD_GROUP)
    return groups, found


def refusal(email: str, person: Learner | None) -> Refused:
    if person is not None:
        return Refused(
            "Training account closed",
            f"You signed in as {email}. The school has marked this person as having left, so "
            "the training no longer opens for this account; the training records are kept by "
            "the school. If this is a mistake, ask your school's Designated Safeguarding Lead.",
        )
    return Refused(
        "Not on this school's staff list",
        f"You signed in as {email}, but this address is not on the school's staff list for "
        "safeguarding training. If you should have access, ask your school's Designated "
        "Safeguarding Lead (DSL) or the person who keeps the staff list to add this exact "
        "address. If you used a personal account by mistake, sign in with your school account.",
    )


def trust_handlers() -> list:
    """The Hub's pages for a trust (none when one school is served)."""
    if configured_trust() is None:
        return []
    from toolkit.hub.trust_pages import HANDLERS

    return HANDLERS


class RosterGate:
    """For an Authenticator: the roster decides who may sign in, and their groups (the config
    sets `manage_groups`, so that these are the person's only groups)."""

    def get_handlers(self, app) -> list:
        return [*super().get_handlers(app), *trust_handlers()]

    def check_allowed(self, username: str, authentication: dict | None = None) -> bool:
        groups, person = standing(username)
        if not groups:
            why = "left" if person else "not on the roster"
            self.log.warning("Sign-in refused for %s: %s", username, why)
            raise refusal(username, person)
        if authentication is not None:
            authentication["groups"] = groups
        return True

    async def refresh_user(self, user, handler=None):
        groups, _ = standing(user.name)
        if not groups:
            self.log.info("Signed out %s: no longer on the roster", user.name)
            return False
        refreshed = await super().refresh_user(user, handler)
        if refreshed is False:
            return False
        model = refreshed if isinstance(refreshed, dict) else {"name": user.name}
        return {**model, "groups": groups}

"""Every sign-in through the Hub passes the roster: who is on it (and has not left) gets in,
with Hub groups that follow their role; anyone else gets a page saying so and whom to ask.

The same check runs when the Hub refreshes a signed-in person (every `auth_refresh_age`
seconds): someone marked as left, or whose role changed, is signed out or regrouped within a
minute, without waiting for their next sign-in.
"""

from __future__ import annotations

import functools

from tornado import web

from toolkit import settings
from toolkit.store import Store, UnknownLearner
from toolkit.store.records import Learner

# The Hub's groups, kept in step with the roster. Roles granting access name them in the
# config (toolkit.hub.config): staff pages for everyone, the DSL's page for the DSL roles.
STAFF_GROUP = "esafety-staff"
TEACHING_GROUP = "esafety-teaching"
DSL_GROUP = "esafety-dsl"
GROUPS = (STAFF_GROUP, TEACHING_GROUP, DSL_GROUP)


class Refused(web.HTTPError):
    """A sign-in the toolkit refuses, with the reason shown to the person."""

    def __init__(self, title: str, message: str):
        super().__init__(403, reason=title)
        self.jupyterhub_message = message


def groups_for(person: Learner) -> list[str]:
    """The Hub groups of a person on the roster."""
    groups = [STAFF_GROUP]
    if person.teaches:
        groups.append(TEACHING_GROUP)
    if person.is_dsl:
        groups.append(DSL_GROUP)
    return groups


@functools.cache
def _store(url: str) -> Store:
    return Store(url, create=False)


def roster_person(email: str) -> Learner | None:
    """The person on the roster with this email; None if there is none."""
    try:
        return _store(settings.database_url()).person(email)
    except UnknownLearner:
        return None


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


class RosterGate:
    """For an Authenticator: the roster decides who may sign in, and their groups (the config
    sets `manage_groups`, so that these are the person's only groups)."""

    def check_allowed(self, username: str, authentication: dict | None = None) -> bool:
        person = roster_person(username)
        if person is None or not person.current:
            why = "left" if person else "not on the roster"
            self.log.warning("Sign-in refused for %s: %s", username, why)
            raise refusal(username, person)
        if authentication is not None:
            authentication["groups"] = groups_for(person)
        return True

    async def refresh_user(self, user, handler=None):
        person = roster_person(user.name)
        if person is None or not person.current:
            self.log.info("Signed out %s: no longer on the roster", user.name)
            return False
        refreshed = await super().refresh_user(user, handler)
        if refreshed is False:
            return False
        model = refreshed if isinstance(refreshed, dict) else {"name": user.name}
        return {**model, "groups": groups_for(person)}

"""A school profile: the settings that differ between schools and its policy's clause catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field

from toolkit.content.base import Kind, Model, Problem, Slug, Text, check_file_name, check_unique
from toolkit.content.text import TEMPLATES, TextFields

Audience = Literal["staff", "governors", "pupils", "parents"]
Strength = Literal["must", "should", "advice"]


class PolicyInfo(Model):
    title: Text
    approved: Text = Field(description="When the policy was approved, as written in it.")
    review: Text = Field(description="When the policy is due for review.")


class SchoolSettings(Model):
    """What differs between schools; content text uses these by name."""

    headteacher: Text = Field(description="Title of the head, e.g. 'the headteacher'.")
    dsl: Text = Field(description="Title of the safeguarding lead.")
    contact_report_to: Text = Field(
        description="Who staff tell about a friend request or contact attempt from a pupil or parent."
    )
    inappropriate_content_report_to: Text = Field(
        description="Who staff tell when inappropriate content is accessed on a school device."
    )
    bullying_support_from: Text = Field(
        description="Who staff go to for support when they are bullied online."
    )
    bullying_report_to: Text = Field(
        description="Who staff report cyberbullying or trolling aimed at them to."
    )
    safeguarding_report_to: Text = Field(
        description="Who staff tell, the same day, about a safeguarding concern seen online "
        "(radicalisation, grooming, a disclosure, indecent images)."
    )
    # Each value of these is one policy's position: where two schools' policies say different
    # things, they have different values, so wording written for one value is true of both.
    personal_use_at_work: Literal[
        "break_times",  # in their break times (no device named)
        "break_times_personal_device",  # in their break times, on their own devices
        "break_or_lunch_no_children",
        "own_time_only",
        "never_in_working_hours",
    ]
    parents_as_friends: Literal[
        "must_not",
        "not_advisable",  # not advisable; a friendship that came first is kept with care
        "discuss_existing",  # advised not to; one that came first is discussed and recorded
        "be_cautious",
    ]
    pupil_relatives: Literal[
        "allowed_if_acknowledged",  # a pupil who is family is the exception the head knows of
        "discuss_existing",  # discussed with the DSL and the head; the decision is recorded
        "not_mentioned",
    ]
    personal_views: Literal[
        "mark_as_personal",  # views shared in a personal capacity are made clear as personal
        "not_as_school",  # personal views are never presented as, or linked to, the school's
        "avoid_politics_religion",  # no objectionable or inflammatory topics, such as politics
    ]
    comments_on_school_posts: Literal[
        "should_not",  # staff should not comment on posts by others about the school
        "not_mentioned",
    ]
    raise_concerns: Literal[
        "all_to_headteacher",  # every concern about social media goes to the head, at once
        "report_breaches",  # everyone is told to report breaches of the policy, and concerns
        "not_mentioned",
    ]
    official_accounts: Literal[
        "risk_assessed",  # approved by the head after a formal risk assessment; parents told;
        # public posts read by a second colleague; staff follow them from professional accounts
        "head_authorises",  # the head authorises who may post; passwords kept on the network
        "head_agrees_in_advance",  # a strong reason, agreed with the head before it is set up
        "special_rules",  # staff asked to contribute are told how to operate and what to write
        "not_mentioned",
    ]
    official_channels: Text = Field(description="How staff contact pupils and families.")
    min_social_media_age: int = Field(ge=0, le=21)
    pass_mark: int = Field(ge=0, le=100, description="Quiz pass mark, in percent.")
    refresher_months: int = Field(ge=1, le=120)


class Clause(Model):
    id: Slug
    section: Text
    text: Text = Field(description="The policy's own words.")
    lead_in: str | None = Field(
        None,
        max_length=40,
        description="Words the policy's list puts before this item (for example 'Do not') when "
        "the item's own words leave them out; shown in square brackets before the quote, so "
        "that an item of a list of things not to do never reads as an instruction.",
    )
    audience: list[Audience] = Field(min_length=1)
    strength: Strength
    cited_widely: str | None = Field(
        None,
        max_length=200,
        description="Why this clause may be cited more often than the tests' limit for one "
        "clause: it is the school's route for a kind of concern, or the rule a whole module "
        "teaches. A general clause (a principle, who runs the policy) never is.",
    )

    @property
    def quoted(self) -> str:
        """The clause as it is quoted to staff: any lead-in in square brackets, then its words."""
        return f"[{self.lead_in}] {self.text}" if self.lead_in else self.text


class SchoolProfile(Model):
    schema_version: int
    id: Slug
    name: Text
    policy: PolicyInfo
    settings: SchoolSettings
    clauses: list[Clause] = Field(min_length=1)
    own_phrases: list[Text] = Field(
        default_factory=list,
        description="Phrases that state a rule only this school's policy has, as the content "
        "renders them for it: no other school's text may contain one (the tests check).",
    )

    def clause(self, clause_id: str) -> Clause:
        return next(c for c in self.clauses if c.id == clause_id)

    def template_values(self) -> dict[str, Any]:
        return {"school": self.name, **self.settings.model_dump()}

    def render(self, text: str) -> str:
        """One piece of content text with this school's settings filled in."""
        return TEMPLATES.from_string(text).render(self.template_values())


# The names content text may use: the school's name and each of its settings.
TEMPLATE_NAMES = frozenset({"school", *SchoolSettings.model_fields})

# A profile quotes the policy's own words: nothing in it is filled in per school.
TEXT = TextFields()


def check_profile(data: dict, file: str) -> Iterator[Problem]:
    yield from check_unique(data.get("clauses"), "/clauses", "clause", file)
    yield from check_file_name(data, file)


KIND = Kind(
    name="profile",
    what="a school profile",
    marker="clauses",
    model=SchoolProfile,
    check=check_profile,
    text=TEXT,
    folder="policies",
    table="profiles",
)

"""The questions a DSL answers to make their school's settings: one per setting, in plain English,
with what each choice means and the general answer where the policy says nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    """One setting, asked in plain English: a Literal setting's values each with what it means,
    or None for free text; and the answer when the policy says nothing."""

    name: str  # the field of SchoolSettings
    ask: str
    silent_value: str | int  # the national-guidance answer, or the most cautious reading
    options: Mapping[str, str] | None = None  # value -> what it means; None: free text


HEAD = "the headteacher"
DSL = "the Designated Safeguarding Lead"

QUESTIONS: tuple[Question, ...] = (
    Question("headteacher", "What does your policy call the head of the school?", HEAD),
    Question("dsl", "What does your policy call the Designated Safeguarding Lead?", DSL),
    Question(
        "contact_report_to",
        "Who do staff tell when a pupil or parent sends them a friend request or tries to "
        "contact them?",
        HEAD,
    ),
    Question(
        "inappropriate_content_report_to",
        "Who do staff tell when inappropriate content is accessed on a school device?",
        HEAD,
    ),
    Question(
        "bullying_support_from",
        "Who do staff go to for support when they are bullied or trolled online?",
        HEAD,
    ),
    Question(
        "bullying_report_to",
        "Who do staff report cyberbullying or trolling aimed at them to?",
        HEAD,
    ),
    Question(
        "safeguarding_report_to",
        "Who do staff tell, the same day, about a safeguarding concern seen online "
        "(radicalisation, grooming, a disclosure, indecent images)?",
        DSL,
    ),
    Question(
        "personal_use_at_work",
        "When may staff use social media for themselves during the school day?",
        options={
            "break_times": "In their break times; the policy names no device.",
            "break_times_personal_device": "In their break times, on their own devices.",
            "break_or_lunch_no_children": "At break or lunch, only where no children are present.",
            "own_time_only": "Only in their own time.",
            "never_in_working_hours": "Never during working hours.",
        },
        silent_value="never_in_working_hours",
    ),
    Question(
        "parents_as_friends",
        "May staff be friends with pupils' parents on social media?",
        options={
            "must_not": "No: staff must not friend or contact parents on social media.",
            "not_advisable": "It is not advisable; a friendship that came first is kept with care.",
            "discuss_existing": "Staff are advised not to; a friendship that came first is "
            "discussed and recorded.",
            "be_cautious": "Staff must be cautious about it.",
        },
        silent_value="must_not",
    ),
    Question(
        "pupil_relatives",
        "What does your policy say when a pupil is a relative of a member of staff?",
        options={
            "allowed_if_acknowledged": "A pupil who is family is the one exception, once the head "
            "knows of it.",
            "discuss_existing": "A relationship that came first is discussed with the DSL and the "
            "head, and the decision recorded.",
            "not_mentioned": "The policy does not mention it.",
        },
        silent_value="not_mentioned",
    ),
    Question(
        "personal_views",
        "What does your policy say about staff sharing their personal views online?",
        options={
            "mark_as_personal": "Views shared in a personal capacity are made clear as personal.",
            "not_as_school": "Personal views are never presented as, or linked to, the school's.",
            "avoid_politics_religion": "Staff avoid objectionable or inflammatory topics, such "
            "as politics or religion.",
        },
        silent_value="not_as_school",
    ),
    Question(
        "comments_on_school_posts",
        "May staff comment on posts by others about the school?",
        options={
            "should_not": "Staff should not comment on posts by others about the school.",
            "not_mentioned": "The policy does not mention it.",
        },
        silent_value="not_mentioned",
    ),
    Question(
        "raise_concerns",
        "Where do staff take a concern about social media or a breach of the policy?",
        options={
            "all_to_headteacher": "Every concern about social media goes to the head, at once.",
            "report_breaches": "Everyone is told to report breaches of the policy, and concerns.",
            "not_mentioned": "The policy does not mention it.",
        },
        silent_value="not_mentioned",
    ),
    Question(
        "official_accounts",
        "How is an official school social media account set up and run?",
        options={
            "risk_assessed": "The head approves it after a formal risk assessment; parents are "
            "told; public posts are read by a second colleague.",
            "head_authorises": "The head authorises who may post; passwords are kept on the "
            "school network.",
            "head_agrees_in_advance": "There must be a strong reason, agreed with the head before "
            "it is set up.",
            "special_rules": "Staff asked to contribute are told how to operate and what to write.",
            "not_mentioned": "The policy does not mention official accounts.",
        },
        silent_value="not_mentioned",
    ),
    Question(
        "official_channels",
        "How do staff contact pupils and families?",
        "the school email system and the school phone",
    ),
    Question(
        "min_social_media_age",
        "From what age does your policy say children may use social media?",
        13,
    ),
    # The school's own choices, not the policy's: shipped defaults, never proposed from clauses.
    Question("pass_mark", "What quiz score, in percent, is a pass?", 80),
    Question("refresher_months", "After how many months is the training taken again?", 12),
)
CHOSEN_BY_SCHOOL = ("pass_mark", "refresher_months")

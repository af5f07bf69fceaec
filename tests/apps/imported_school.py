"""A school whose own policy was imported, written as `esafety policy import` leaves it: a short
made-up policy, its profile and the review the DSL is to confirm."""

from __future__ import annotations

from pathlib import Path

from toolkit.content import imported
from toolkit.content.imported import CitationReview, PolicyReview, SettingReview
from toolkit.content.points import points

SCHOOL_ID = "oakfield-primary"
HOSTILE = '<script>alert("x")</script>'

POLICY = f"""# Oakfield Primary School

## Staff Use of Social Media Policy

Approved by governors: March 2026. Next review: March 2027.

## 1. Purpose

1.1 This policy sets out how staff and governors at Oakfield Primary School use social media.

1.2 Staff must not accept friend requests from pupils. They should tell the headteacher about any such request.

## 2. Personal accounts

- Staff should set their accounts to private.

Staff must not:

- share photographs of pupils on personal accounts;
- discuss pupils or parents online.

## 3. Pupils and parents

3.2 Parents are asked to raise concerns with the school office rather than online.

3.3 Staff must never paste {HOSTILE} into a school page.
"""

CLAUSES = [
    (
        "purpose-1",
        "1. Purpose",
        "This policy sets out how staff and governors at Oakfield Primary School use social media.",
        None,
    ),
    (
        "purpose-2",
        "1. Purpose",
        "Staff must not accept friend requests from pupils. They should "
        "tell the headteacher about any such request.",
        None,
    ),
    ("accounts-1", "2. Personal accounts", "Staff should set their accounts to private.", None),
    (
        "accounts-2",
        "2. Personal accounts",
        "share photographs of pupils on personal accounts;",
        "Staff must not",
    ),
    ("accounts-3", "2. Personal accounts", "discuss pupils or parents online.", "Staff must not"),
    (
        "parents-1",
        "3. Pupils and parents",
        "Parents are asked to raise concerns with the school office rather than online.",
        None,
    ),
    (
        "parents-2",
        "3. Pupils and parents",
        f"Staff must never paste {HOSTILE} into a school page.",
        None,
    ),
]

SETTINGS = {
    "headteacher": "the headteacher",
    "dsl": "the Designated Safeguarding Lead",
    "contact_report_to": "the headteacher",
    "inappropriate_content_report_to": "the Designated Safeguarding Lead",
    "bullying_support_from": "your line manager",
    "bullying_report_to": "the headteacher",
    "safeguarding_report_to": "the Designated Safeguarding Lead",
    "personal_use_at_work": "own_time_only",
    "parents_as_friends": "be_cautious",
    "pupil_relatives": "not_mentioned",
    "personal_views": "mark_as_personal",
    "comments_on_school_posts": "not_mentioned",
    "raise_concerns": "not_mentioned",
    "official_accounts": "not_mentioned",
    "official_channels": "the school email system",
    "min_social_media_age": 13,
    "pass_mark": 80,
    "refresher_months": 12,
}
EVIDENCE = {"contact_report_to": ["purpose-2"], "parents_as_friends": ["accounts-3", "parents-2"]}
SILENT = {"pupil_relatives", "official_accounts", "pass_mark"}

# A few points with clauses proposed, best first; every other point has none proposed.
SCENARIO = "friend-request-from-pupil"
PROPOSED = {SCENARIO: ["purpose-2", "accounts-1"], "quiz/contact": ["purpose-2", "parents-2"]}


def profile() -> dict:
    return {
        "schema_version": 1,
        "id": SCHOOL_ID,
        "name": "Oakfield Primary School",
        "policy": {
            "title": "Staff Use of Social Media Policy",
            "approved": "March 2026",
            "review": "March 2027",
        },
        "settings": dict(SETTINGS),
        "clauses": [
            {
                "id": clause_id,
                "section": section,
                "text": text,
                **({"lead_in": lead_in} if lead_in else {}),
                "audience": ["staff"],
                "strength": "must",
            }
            for clause_id, section, text, lead_in in CLAUSES
        ],
    }


def review(catalogue, school_id: str = SCHOOL_ID) -> PolicyReview:
    citations = {}
    for point in points(catalogue):
        unit = "/".join(point.key.split("/")[:2]) if point.key.startswith("quiz/") else None
        proposed = PROPOSED.get(unit or point.key.split("/")[0], [])
        citations[point.key] = CitationReview(proposed=proposed)
    return PolicyReview(
        schema_version=imported.REVIEW_VERSION,
        school=school_id,
        source="social-media-policy.pdf",
        imported="2026-11-30",
        settings={
            name: SettingReview(value=value, evidence=EVIDENCE.get(name, []), silent=name in SILENT)
            for name, value in SETTINGS.items()
        },
        citations=citations,
    )


def write(
    schools: Path, catalogue, school_id: str = SCHOOL_ID, name: str = "Oakfield Primary School"
) -> Path:
    """The school's folder, as the import writes it."""
    data = {**profile(), "id": school_id, "name": name}
    return imported.write_school(schools, school_id, POLICY, data, review(catalogue, school_id))

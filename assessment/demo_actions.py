"""Fictional demo improvement plan: Riverside's closed round gets actions, and its open round
carries the unfinished ones, so the plan, the next round and the report all show something.

Idempotent: a round that already has actions keeps them, and a round already started from the
closed one is left as it is.
"""

from datetime import date, timedelta

from django.db import transaction

from assessment.models import Action, ActionStatus, Assessment, Membership, Role, RoundStatus
from assessment.services.actions import actions_carry
from frameworks.models import Item

PLACE_CODE = "riverside"
CLOSED_PERIOD = "2025 Q4"
OPEN_PERIOD = "2026 Q4"

# (title, description, owner, member's e-mail, due in days from today, status, items, and the
# level expected of each item on its own scale: a lesson's 0–3, a factor's 1–4)
ACTIONS = [
    (
        "Extend risk stratification to social care data",
        "Link adult social care records to the GP risk tool so the top 5% are found, not just "
        "the top 2%.",
        "",
        "tom.hughes@riverside.example.org",
        -120,
        ActionStatus.DONE,
        ["focus-on-individuals", "lesson-10"],
        {"focus-on-individuals": 3, "lesson-10": 2},
    ),
    (
        "Agree a shared outcomes framework",
        "One set of outcome measures for the programme board, reported quarterly.",
        "Director of Public Health, Riverside Council",
        "",
        -60,
        ActionStatus.DONE,
        ["impact", "lesson-15"],
        {"impact": 2, "lesson-15": 2},
    ),
    (
        "Give social care staff read access to the shared care record",
        "Sign the data-sharing agreement with the council and train the first 200 users.",
        "Head of Digital, Riverside NHS Trust",
        "asha.patel@riverside.example.org",
        -21,
        ActionStatus.IN_PROGRESS,
        ["information-management", "lesson-12"],
        {"information-management": 3, "lesson-12": 3},
    ),
    (
        "Pool the community equipment budget under a section 75 agreement",
        "",
        "Finance leads of the council and the ICB",
        "grace.okafor@riverside.example.org",
        90,
        ActionStatus.PLANNED,
        ["commissioning-and-payment", "lesson-08"],
        {"commissioning-and-payment": 3, "lesson-08": 2},
    ),
    (
        "Joint induction and shared training for the neighbourhood teams",
        "",
        "",
        "dan.reilly@riverside.example.org",
        150,
        ActionStatus.PLANNED,
        ["workforce"],
        {"workforce": 3},
    ),
    (
        "Set up a joint committee with delegated budgets",
        "Replaced by the alliance agreement the partners signed instead.",
        "Chief executives' group",
        "",
        30,
        ActionStatus.DROPPED,
        ["governance"],
        {},
    ),
]


def seed_demo_actions() -> dict:
    """Give Riverside's closed round a plan and carry its open actions into the open round."""
    counts = {"actions": 0, "carried": 0}
    closed = Assessment.objects.filter(
        place__code=PLACE_CODE, period=CLOSED_PERIOD, status=RoundStatus.CLOSED
    ).first()
    if closed is None:
        return counts
    with transaction.atomic():
        if not closed.actions.exists():
            counts["actions"] = _plan(closed)
        following = Assessment.objects.filter(place_id=closed.place_id, period=OPEN_PERIOD).first()
        if following is not None and not closed.next_rounds.exists():
            following.previous = closed
            following.save(update_fields=["previous", "updated_at"])
            counts["carried"] = len(actions_carry(source=closed, target=following))
    return counts


def _plan(assessment: Assessment) -> int:
    items = {i.key: i for i in Item.objects.filter(version__assessments=assessment)}
    members = {
        m.user.email: m
        for m in Membership.objects.filter(place=assessment.place).select_related("user")
    }
    lead = next((m.user for m in members.values() if m.role == Role.LEAD), None)
    today = date.today()
    for title, description, owner, email, days, status, keys, expected in ACTIONS:
        action = Action.objects.create(
            assessment=assessment,
            title=title,
            description=description,
            owner=owner,
            owner_member=members.get(email),
            due=today + timedelta(days=days),
            status=status,
            expected_levels={key: level for key, level in expected.items() if key in items},
            created_by=lead,
        )
        action.items.set([items[key] for key in keys if key in items])
    return len(ACTIONS)

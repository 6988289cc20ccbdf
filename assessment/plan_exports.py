"""The improvement plan as data: the JSON API's document and the CSV and XLSX rows."""

from dataclasses import asdict

from django.utils.timezone import localtime

from assessment.models import Action
from assessment.plan import Plan, action_items, plan_summary
from assessment.statistics import plain_number

EXPORT_HEADER = [
    "place_code",
    "place_name",
    "period",
    "action_id",
    "title",
    "description",
    "owner",
    "owner_member",
    "due",
    "status",
    "overdue",
    "expected_level",
    "item_keys",
    "item_titles",
    "carried_from_period",
    "updated_at",
]
GAPS_HEADER = ["item_key", "item_title", "current", "target", "agreed", "no_action_yet"]


def member_name(action: Action) -> str:
    if action.owner_member is None:
        return ""
    user = action.owner_member.user
    return user.get_full_name() or user.email


def export_rows(plan: Plan) -> list[list]:
    """One row per action, its items joined by "; " in the plan's order."""
    place, period = plan.assessment.place, plan.assessment.period
    rows = []
    for action in plan.actions:
        items = action_items(action, plan)
        carried = action.carried_from.assessment.period if action.carried_from else ""
        rows.append(
            [
                place.code,
                place.name,
                period,
                action.pk,
                action.title,
                action.description,
                action.owner,
                member_name(action),
                action.due,
                action.status,
                "yes" if action.is_overdue else "no",
                "; ".join(f"{e.item.key}: {e.level.value}" for e in action.expected),
                "; ".join(i.key for i in items),
                "; ".join(i.title for i in items),
                carried,
                localtime(action.updated_at).replace(tzinfo=None, microsecond=0),
            ]
        )
    return rows


def gap_rows(plan: Plan) -> list[list]:
    return [
        [
            row.item.key,
            row.item.title,
            plain_number(row.gap.current),
            plain_number(row.gap.target),
            "yes" if row.gap.agreed else "no",
            "yes" if row.no_action_yet else "no",
        ]
        for row in plan.rows
        if row.gap is not None
    ]


def plan_document(plan: Plan) -> dict:
    """The plan as the JSON API gives it."""
    assessment = plan.assessment
    summary = plan_summary(assessment, plan=plan)
    return {
        "assessment": {
            "id": assessment.pk,
            "place": {"code": assessment.place.code, "name": assessment.place.name},
            "period": assessment.period,
            "status": assessment.status,
        },
        "counts": asdict(summary.counts),
        "actions": [_action_entry(action, plan) for action in plan.actions],
        "gaps": [
            {
                "key": row.item.key,
                "title": row.item.title,
                "current": plain_number(row.gap.current),
                "target": plain_number(row.gap.target),
                "agreed": row.gap.agreed,
                "actions": [a.pk for a in row.actions],
                "no_action_yet": row.no_action_yet,
            }
            for row in plan.rows
            if row.gap is not None
        ],
    }


def _action_entry(action: Action, plan: Plan) -> dict:
    return {
        "id": action.pk,
        "title": action.title,
        "description": action.description,
        "owner": action.owner,
        "owner_member": member_name(action) or None,
        "due": action.due.isoformat() if action.due else None,
        "status": action.status,
        "overdue": action.is_overdue,
        "items": [
            {
                "framework": i.version.framework.slug,
                "key": i.key,
                "title": i.title,
                "expected_level": action.expected_levels.get(i.key),
            }
            for i in action_items(action, plan)
        ],
        "items_not_in_this_round": [i.key for i in action.lost_items],
        "carried_from": (
            {"id": action.carried_from_id, "period": action.carried_from.assessment.period}
            if action.carried_from
            else None
        ),
        "updated_at": action.updated_at.isoformat(),
    }

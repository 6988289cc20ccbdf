"""The assessment pages, one module per part of a round's life."""

from assessment.views.consensus import consensus_item, consensus_overview
from assessment.views.imports import assessment_import, assessment_import_template
from assessment.views.places import home, landing, member_add, member_invite, place_detail
from assessment.views.rounds import (
    assessment_advance,
    assessment_api,
    assessment_detail,
    assessment_edit,
    assessment_history,
    assessment_open,
    assessment_remind,
    assessment_share,
    assessment_step_back,
)
from assessment.views.scoring import assessment_reopen, assessment_respond

__all__ = [
    "assessment_advance",
    "assessment_api",
    "assessment_detail",
    "assessment_edit",
    "assessment_remind",
    "assessment_step_back",
    "assessment_history",
    "assessment_import",
    "assessment_import_template",
    "assessment_open",
    "assessment_reopen",
    "landing",
    "assessment_respond",
    "assessment_share",
    "consensus_item",
    "consensus_overview",
    "home",
    "member_add",
    "member_invite",
    "place_detail",
]

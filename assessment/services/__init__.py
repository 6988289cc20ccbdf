"""Writes for places, rounds, responses, consensus and imports, one module per part.

Everything is importable from here: `from assessment import services; services.<name>`.
"""

from assessment.services.consensus import (
    ConsensusConflict,
    consensus_record,
)
from assessment.services.imports import (
    ImportPreview,
    ImportSummary,
    import_preview,
    scores_import,
    upload_forget,
    upload_stash,
    upload_unstash,
)
from assessment.services.places import (
    MemberAdded,
    display_name,
    member_add,
    member_invite,
    participants_default,
)
from assessment.services.rounds import (
    MailOutcome,
    ParticipantsChanged,
    Reminded,
    assessment_advance,
    assessment_edit,
    assessment_open,
    assessment_share,
    assessment_step_back,
    round_invite,
    round_remind,
)
from assessment.services.scoring import (
    SCORING_ENDED,
    Answer,
    ResponsesConflict,
    respondent_for_user,
    response_reopen,
    responses_save,
)

__all__ = [
    "upload_forget",
    "upload_stash",
    "upload_unstash",
    "ImportPreview",
    "import_preview",
    "MailOutcome",
    "ParticipantsChanged",
    "Reminded",
    "assessment_edit",
    "assessment_step_back",
    "round_invite",
    "round_remind",
    "Answer",
    "ConsensusConflict",
    "ImportSummary",
    "MemberAdded",
    "ResponsesConflict",
    "SCORING_ENDED",
    "assessment_advance",
    "assessment_open",
    "assessment_share",
    "consensus_record",
    "display_name",
    "member_add",
    "member_invite",
    "participants_default",
    "respondent_for_user",
    "response_reopen",
    "responses_save",
    "scores_import",
]

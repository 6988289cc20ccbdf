"""E-mail in the background: a round's invitations and reminders, a member's invitation.

A request only queues the e-mail, so a slow or hung mail server never holds a web process; with
TASKS_BACKEND=database the one worker that renders PDFs (`manage.py pdf_worker`) sends it. Each
task records what the mail server took (invited_at, a round's reminder) after sending, so an
e-mail that did not go is never counted as sent. Arguments are plain ids and strings, and a
link's token is made here: the queue never holds a secret.
"""

from django.tasks import task

# The services imported inside each task queue these tasks.


@task()
def mail_round_invitations(
    *, assessment_id: int, respondent_ids: list[int], base_url: str
) -> dict[str, list[str]]:
    """Invite these respondents to score the round; returns the names sent and failed."""
    from assessment.services.rounds import round_invite_send

    outcome = round_invite_send(
        assessment_id=assessment_id, respondent_ids=respondent_ids, base_url=base_url
    )
    return {"sent": outcome.sent, "failed": outcome.failed}


@task()
def mail_round_reminders(
    *, assessment_id: int, base_url: str, user_id: int | None = None
) -> dict[str, list[str]]:
    """Remind everyone in the round who has not submitted; returns the names sent and failed."""
    from assessment.services.rounds import round_remind_send

    reminded = round_remind_send(assessment_id=assessment_id, base_url=base_url, user_id=user_id)
    return {"sent": reminded.sent, "failed": reminded.failed}


@task()
def mail_member_invitation(*, membership_id: int, base_url: str) -> dict[str, list[str]]:
    """Tell a member they were added to a place; returns their address as sent or failed."""
    from assessment.services.places import member_invite_send

    outcome = member_invite_send(membership_id=membership_id, base_url=base_url)
    return {"sent": outcome.sent, "failed": outcome.failed}

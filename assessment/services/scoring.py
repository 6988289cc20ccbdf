"""Writes of a respondent's answers."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history import utils as history

from assessment import states
from assessment.disclosure import refuse_late_scorers
from assessment.models import Assessment, Respondent, Response
from assessment.services.places import respondent_names
from frameworks.models import Item

ANSWER_FIELDS = ["current", "target", "evidence", "confidence", "updated_at"]
SCORING_ENDED = states.SCORING_ENDED


@dataclass(frozen=True)
class Answer:
    current: int | None
    target: int | None
    evidence: str = ""
    confidence: str = ""


def respondent_for_user(*, assessment: Assessment, user) -> Respondent:
    """The user's respondent record in a round; a member who was not listed joins on first visit.

    Safe to call from two requests at once: the round's lock makes the second find the first's.
    """
    respondent = Respondent.objects.filter(assessment=assessment, user=user).first()
    if respondent:
        return respondent
    with transaction.atomic():
        states.lock_for(states.JOIN, assessment.pk)
        respondent = Respondent.objects.filter(assessment=assessment, user=user).first()
        if respondent:
            return respondent
        refuse_late_scorers(assessment, [user])
        taken = Respondent.objects.filter(assessment=assessment).values_list("name", flat=True)
        name = respondent_names([user], taken=taken)[user.pk]
        return Respondent.objects.create(assessment=assessment, user=user, name=name)


class ResponsesConflict(Exception):
    """The respondent's answers were saved from elsewhere since the form was drawn.

    ``saved`` holds the stored answers of the items where the form differs from them.
    """

    def __init__(self, respondent: Respondent, saved: dict[Item, "Response | None"]):
        self.respondent = respondent
        self.saved = saved
        super().__init__(f"{len(saved)} answers were changed elsewhere")


def _as_answer(response: Response | None) -> Answer:
    if response is None:
        return Answer(current=None, target=None)
    return Answer(response.current, response.target, response.evidence, response.confidence)


def responses_save(
    *,
    respondent: Respondent,
    answers: dict[Item, Answer],
    submit: bool = False,
    revision: int | None = None,
) -> int:
    """Save a respondent's draft, and submit it when asked and complete.

    ``answers`` holds only the items the form carried: any other saved answer is kept as it is.
    ``revision`` is the respondent's revision the form was drawn from; if the answers were saved
    from elsewhere since, and this form would change any of them, ResponsesConflict carries the
    stored answers and nothing is written. Returns how many items changed. An incomplete
    submission is still saved as a draft, then refused with a ValidationError naming what is
    left to do. A context factor (Place) takes no target: one given for it is stored as none
    (the scoring form refuses it with an error; a workshop sheet's is dropped).
    """
    answers = {item: _without_context_target(item, answer) for item, answer in answers.items()}
    with transaction.atomic():
        states.lock_for(states.SAVE_ANSWERS, respondent.assessment_id)
        respondent.refresh_from_db(fields=["submitted_at", "revision"])
        existing = {r.item_id: r for r in Response.objects.filter(respondent=respondent)}
        differing = {
            item: existing.get(item.pk)
            for item, answer in answers.items()
            if answer != _as_answer(existing.get(item.pk))
        }
        if revision is not None and revision != respondent.revision and differing:
            raise ResponsesConflict(respondent, differing)
        if respondent.is_submitted:
            if not differing:
                return 0  # the same answers again: a double click on "submit"
            raise ValidationError("You have submitted your answers; reopen them to make changes.")
        _write_changed(respondent, {item: answers[item] for item in differing}, existing)
        missing = []
        if submit:
            # As the scoring page lists them: matrix first, then each framework's items in turn.
            items = Item.objects.filter(version__assessments=respondent.assessment_id).order_by(
                "-version__framework__kind", "version__framework__slug", "position"
            )
            missing = [
                i.title for i in items if getattr(existing.get(i.pk), "current", None) is None
            ]
            if not missing:
                respondent.submitted_at = timezone.now()
        if respondent.submitted_at:
            respondent.revision += 1
            respondent.save(update_fields=["submitted_at", "revision"])  # a submission: history
        elif differing:
            Respondent.objects.filter(pk=respondent.pk).update(revision=F("revision") + 1)
            respondent.revision += 1
    if missing:
        raise ValidationError(
            f"Your answers are saved as a draft, but not submitted: choose a current level for "
            f"every item first. {len(missing)} still to do, starting with {missing[0]}."
        )
    return len(differing)


def _without_context_target(item: Item, answer: Answer) -> Answer:
    if item.is_context and answer.target is not None:
        return Answer(answer.current, None, answer.evidence, answer.confidence)
    return answer


def _write_changed(
    respondent: Respondent, changed: dict[Item, Answer], existing: dict[int, Response]
) -> None:
    """Write the changed answers and one history row each: a statement for the new answers,
    one for the changed ones and one per kind for their history, however many items."""
    now = timezone.now()
    new, updated = [], []
    for item, answer in changed.items():
        response = existing.get(item.pk)
        if response is None:
            response = Response(respondent=respondent, item=item)
            new.append(response)
        else:
            updated.append(response)
        response.current, response.target = answer.current, answer.target
        response.evidence, response.confidence = answer.evidence, answer.confidence
        response.updated_at = now  # a bulk update skips auto_now
        existing[item.pk] = response
    # The history's author comes from the request, as on a single save (simple_history's
    # middleware); outside a request it is left empty.
    if new:
        history.bulk_create_with_history(new, Response)
    if updated:
        history.bulk_update_with_history(updated, Response, fields=ANSWER_FIELDS)


def response_reopen(*, respondent: Respondent) -> Respondent:
    with transaction.atomic():
        states.lock_for(states.REOPEN_ANSWERS, respondent.assessment_id)
        respondent.refresh_from_db(fields=["submitted_at", "revision"])
        respondent.submitted_at = None
        respondent.revision += 1
        respondent.save(update_fields=["submitted_at", "revision"])
    return respondent

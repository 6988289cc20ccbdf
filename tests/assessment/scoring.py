"""Scores for tests: a respondent's answers to a round, saved through the service."""

from assessment import selectors
from assessment.models import Respondent
from assessment.services import Answer, responses_save


def items_by_key(assessment) -> dict:
    """The round's 25 items by key (matrix factors and lessons have distinct keys)."""
    return {item.key: item for item in selectors.assessment_items(assessment)}


def score(
    respondent: Respondent,
    *,
    current: int | None = 2,
    target: int | None = 3,
    levels: dict | None = None,
    only: list[str] | None = None,
    submit: bool = True,
) -> Respondent:
    """Answer every item (or `only` these keys) with `current`/`target`, except where `levels`
    gives (current, target) for a key. Level 2 and 3 sit on both frameworks' scales."""
    items = items_by_key(respondent.assessment)
    chosen = only if only is not None else list(items)
    levels = levels or {}
    answers = {
        items[key]: Answer(*levels.get(key, (current, target)), evidence=f"Evidence on {key}.")
        for key in chosen
    }
    responses_save(respondent=respondent, answers=answers, submit=submit)
    respondent.refresh_from_db()
    return respondent


def respondent_of(assessment, user) -> Respondent:
    return Respondent.objects.get(assessment=assessment, user=user)


def named_respondent(assessment, name: str) -> Respondent:
    """Someone scoring without an account, as a workshop sheet names them."""
    return Respondent.objects.create(assessment=assessment, name=name)


def scoring_form(page):
    """The page's form of answers, the one that posts back to the scoring page (the page also
    holds the sign-out form, and the reopen form once submitted)."""
    path = page.request.path
    return next(f for f in page.forms.values() if (f.action or path).split("?")[0] == path)

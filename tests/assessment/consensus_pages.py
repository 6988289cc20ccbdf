"""The consensus pages as the facilitator reads them: the overview and an item's page, their
cards, figures, dots and sectors."""

from django.utils import timezone

from assessment.models import Membership, Respondent, Response
from tests.assessment.scoring import items_by_key


def overview_url(assessment, query=""):
    return f"/assessments/{assessment.pk}/consensus/{query}"


def item_url(assessment, item):
    return f"/assessments/{assessment.pk}/consensus/{item.pk}/"


def more_answers(assessment, count):
    """`count` more people who submitted answers to every item (written directly: the round
    has already left scoring)."""
    items = list(items_by_key(assessment).values())
    people = Respondent.objects.bulk_create(
        Respondent(assessment=assessment, name=f"Respondent {n}", submitted_at=timezone.now())
        for n in range(count)
    )
    Response.objects.bulk_create(
        Response(respondent=person, item=item, current=1 + n % 3, target=3)
        for n, person in enumerate(people)
        for item in items
    )


def card_of(page, item):
    return page.html.select_one(f"article#item-{item.pk}")


def figures_of(card) -> dict[str, str]:
    """The agreement figures of an item's card, by name."""
    names = [dt.get_text(" ", strip=True) for dt in card.select(".figures dt")]
    values = [dd.get_text(" ", strip=True) for dd in card.select(".figures dd")]
    return dict(zip(names, values, strict=True))


def dots_of(card) -> dict[str, list[str]]:
    """What a screen reader hears for each level's dots (the marks drawn in them are hidden)."""
    rows = card.select("table.distribution tbody tr")
    return {row.th.get_text(strip=True): [heard(li) for li in row.select("li")] for row in rows}


def heard(tag) -> str:
    return " ".join(
        text.strip()
        for text in tag.find_all(string=True)
        if text.strip() and not text.find_parent(attrs={"aria-hidden": "true"})
    )


def sectors_of(card) -> list[list[str]]:
    rows = card.select("table.sectors tbody tr")
    return [[cell.get_text(strip=True) for cell in row.select("th, td")] for row in rows]


def set_sector(user, place, sector):
    Membership.objects.filter(user=user, place=place).update(sector=sector)

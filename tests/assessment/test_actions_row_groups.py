"""The improvement plan's page groups its rows by item: each item's header heads a <tbody> of
its own, holding that item's actions, or its "No action yet", and nothing else."""

import pytest
from django.urls import reverse

from assessment.services.actions import action_create
from tests.assessment.scoring import items_by_key, respondent_of, score

from .row_groups import groups, misgrouped

pytestmark = pytest.mark.django_db


def test_it_heads_each_item_s_actions_with_that_item_only(django_app, lead, open_round, respondent):
    for person in (lead, respondent):  # the lead, taking part, sees the gaps once submitted
        score(respondent_of(open_round, person), levels={"impact": (3, 3)})
    items = items_by_key(open_round)
    for title, key in [("Joint induction", "workforce"), ("Shared budget", "governance")]:
        action_create(assessment=open_round, user=lead, title=title, items=[items[key]])
    page = django_app.get(reverse("assessment-actions", args=[open_round.pk]), user=lead)
    assert misgrouped(page.html) == []
    [factors, _lessons] = page.html.select("table.plan-table")
    by_item = {header.split(" —")[0]: rows for header, rows in groups(factors)}
    assert by_item["7. Workforce"] == ["Joint induction"]
    assert by_item["8. Governance"] == ["Shared budget"]
    assert "1. Impact" not in by_item  # at its target, with no action: not listed

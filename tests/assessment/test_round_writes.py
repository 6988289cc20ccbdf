"""Writes that depend on a round's state trust what the database holds, not what a page showed.

Each test drives the pages with django-webtest, which reads and posts a page's own forms as a
browser does: a stale tab, a double click and a form that carries less than the page all
behave as a facilitator would expect.
"""

from email.message import Message

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment import services
from assessment.models import Assessment, Membership, Respondent, Response, RoundStatus, Sharing
from tests.assessment.scoring import items_by_key, respondent_of, score, scoring_form

pytestmark = pytest.mark.django_db


def _detail(round_):
    return reverse("assessment-detail", args=[round_.pk])


def _respond(round_):
    return reverse("assessment-respond", args=[round_.pk])


def _advance_form(page):
    return next(f for f in page.forms.values() if f.action.endswith("/advance/"))


# --- moving a round on ----------------------------------------------------------------------


def test_it_moves_a_round_one_step_for_two_clicks_on_the_same_page(django_app, lead, open_round):
    page = django_app.get(_detail(open_round), user=lead)
    asking = _advance_form(page).submit(user=lead)
    first = _advance_form(asking).submit(user=lead).follow()
    second = _advance_form(asking).submit(user=lead).follow()  # a double click, or a second tab
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.CONSENSUS, "consensus must not be skipped"
    assert "The round is now: Consensus." in first
    assert "This round has already moved on: it is now consensus. Nothing was changed." in second


def test_it_keeps_every_status_and_sharing_change_in_the_history_with_who(
    django_app, lead, open_round
):
    for _ in range(2):
        page = django_app.get(_detail(open_round), user=lead)
        _advance_form(_advance_form(page).submit(user=lead)).submit(user=lead)
    page = django_app.get(_detail(open_round), user=lead)
    sharing = next(f for f in page.forms.values() if f.action.endswith("/sharing/"))
    sharing["sharing"] = Sharing.ANONYMOUS
    sharing.submit(user=lead)
    history = open_round.history.order_by("history_date")
    changes = [(h.status, h.sharing, h.history_user) for h in history]
    assert changes == [
        (RoundStatus.OPEN, Sharing.PRIVATE, None),  # opened by the fixture, outside a request
        (RoundStatus.CONSENSUS, Sharing.PRIVATE, lead),
        (RoundStatus.CLOSED, Sharing.PRIVATE, lead),
        (RoundStatus.CLOSED, Sharing.ANONYMOUS, lead),
    ]


def test_it_refuses_to_share_a_round_that_was_reopened_in_between(open_round):
    stale = Assessment.objects.get(pk=open_round.pk)
    stale.status = RoundStatus.CLOSED  # what a page drawn earlier believed
    with pytest.raises(ValidationError, match="Only a closed round"):
        services.assessment_share(assessment=stale, sharing=Sharing.NAMED)
    assert Assessment.objects.get(pk=open_round.pk).sharing == Sharing.PRIVATE


# --- scoring --------------------------------------------------------------------------------


def test_it_keeps_saved_answers_that_a_submit_did_not_carry(
    django_app, client, respondent, open_round
):
    items = items_by_key(open_round)
    score(respondent_of(open_round, respondent), only=list(items)[:12], submit=False)
    client.force_login(respondent)
    client.post(_respond(open_round), {"action": "submit"})  # no item fields at all
    kept = Response.objects.filter(respondent__user=respondent, current__isnull=False)
    assert kept.count() == 12


def test_it_shows_a_stale_tab_the_newer_answers_instead_of_overwriting_them(
    django_app, respondent, open_round
):
    impact = items_by_key(open_round)["impact"]
    field = f"i{impact.pk}_current"
    stale_tab = scoring_form(django_app.get(_respond(open_round), user=respondent))
    fresh_tab = scoring_form(django_app.get(_respond(open_round), user=respondent))
    fresh_tab[field] = "3"
    fresh_tab.submit("action", value="save", user=respondent)
    stale_tab[field] = "1"
    clash = stale_tab.submit("action", value="save", user=respondent, status=409)
    assert "Your answers were changed in another tab or window" in clash
    assert "saved current 3" in clash.html.select_one("#conflict").text
    assert Response.objects.get(item=impact, respondent__user=respondent).current == 3
    # This tab's choice is still on the page; saving again keeps it, on purpose.
    again = scoring_form(clash)
    assert again[field].value == "1"
    again.submit("action", value="save", user=respondent).follow()
    assert Response.objects.get(item=impact, respondent__user=respondent).current == 1


def test_it_takes_a_double_click_on_save_without_a_clash(django_app, respondent, open_round):
    impact = items_by_key(open_round)["impact"]
    form = scoring_form(django_app.get(_respond(open_round), user=respondent))
    form[f"i{impact.pk}_current"] = "2"
    form.submit("action", value="save", user=respondent).follow()
    again = form.submit("action", value="save", user=respondent).follow()
    assert "Draft saved: 1 of 25 answered." in again
    assert Respondent.objects.filter(assessment=open_round, user=respondent).count() == 1


def test_it_saves_nothing_after_scoring_has_ended_even_from_an_open_page(
    django_app, lead, respondent, open_round
):
    impact = items_by_key(open_round)["impact"]
    form = scoring_form(django_app.get(_respond(open_round), user=respondent))
    services.assessment_advance(assessment=open_round)
    form[f"i{impact.pk}_current"] = "2"
    page = form.submit("action", value="save", user=respondent).follow()
    assert "Scoring has ended for this round; your answers were not saved." in page
    assert not Response.objects.filter(respondent__assessment=open_round).exists()
    assert not Respondent.objects.filter(assessment=open_round, user=respondent).exists() or (
        not Respondent.objects.get(assessment=open_round, user=respondent).responses.exists()
    )


# --- forms re-shown after an error ----------------------------------------------------------


def test_it_never_echoes_an_invalid_date_into_the_date_picker(django_app, lead, place):
    form = django_app.get(reverse("assessment-open", args=[place.code]), user=lead).forms[1]
    form["period"] = "2027 Q1"
    form["deadline"] = "not-a-date"
    page = form.submit(user=lead)
    assert "Enter a valid date." in page
    assert page.html.select_one("#id_deadline").get("value") is None
    assert "not-a-date" not in page.text


# --- imports --------------------------------------------------------------------------------


def test_it_refuses_a_sheet_naming_one_person_by_e_mail_and_by_name(lead, respondent, open_round):
    from assessment.imports import ScoresFileError, check_rows, read_table

    sheet = (
        "respondent,framework,item,current\n"
        f"{respondent.email},lga-maturity-matrix,impact,2\n"
        "Tom Hughes,lga-maturity-matrix,impact,3\n"
    ).encode()
    versions = list(open_round.framework_versions.all())
    rows = check_rows(read_table("s.csv", sheet), versions)
    with pytest.raises(ScoresFileError) as refused:
        services.scores_import(assessment=open_round, rows=rows)
    assert [str(e) for e in refused.value.errors] == [
        "line 3: Tom Hughes is Tom Hughes, who scored impact already on line 2 "
        f"(as {respondent.email})"
    ]
    assert not Response.objects.filter(respondent__assessment=open_round).exists()


def test_it_names_the_workshop_template_safely_whatever_the_period(client, lead, place, versions):
    hostile = services.assessment_open(
        place=place,
        period="\";filename*=UTF-8''evil.html;x=\"",
        versions=versions,
        participants=[lead],
    )
    welsh = services.assessment_open(
        place=place, period="Chwarter 4 🏴", versions=versions, participants=[lead]
    )
    client.force_login(lead)
    expected = {
        hostile: "riverside-filename-utf-8-evil-html-x-workshop-scores.xlsx",
        welsh: "riverside-chwarter-4-workshop-scores.xlsx",
    }
    for round_, name in expected.items():
        header = client.get(reverse("assessment-import-template", args=[round_.pk]))
        disposition = Message()
        disposition["Content-Disposition"] = header["Content-Disposition"]
        assert disposition.get_content_disposition() == "attachment"
        assert disposition.get_filename() == name


# --- e-mail ---------------------------------------------------------------------------------


@pytest.fixture
def mail_server_down(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2, "use_tls": False},
        }
    }


def _add_member_form(page):
    return next(f for f in page.forms.values() if f.action.endswith("/members/"))


def test_it_keeps_a_new_member_when_the_mail_server_is_down_and_resends_later(
    django_app, lead, place, settings, mail_server_down
):
    place_page = reverse("assessment-place", args=[place.code])
    form = _add_member_form(django_app.get(place_page, user=lead))
    form["email"], form["name"] = "grace@riverside.example.org", "Grace Okafor"
    page = form.submit(user=lead).follow()
    assert Membership.objects.filter(place=place, user__email="grace@riverside.example.org")
    assert "could not be sent" in page
    again = _add_member_form(page)
    again["email"], again["name"] = "grace@riverside.example.org", "Grace Okafor"
    refused = again.submit(user=lead, status=400)
    assert "already a member" in refused and "Resend invitation" in refused

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    resend = next(f for f in refused.forms.values() if f.action.endswith("/invite/"))
    done = resend.submit(user=lead).follow()
    assert "Invitation sent again to grace@riverside.example.org." in done
    assert mail.outbox[-1].to == ["grace@riverside.example.org"]
    assert "/accounts/reset/" in mail.outbox[-1].body


def test_it_lets_only_a_lead_of_the_place_resend_an_invitation(client, respondent, place):
    membership = Membership.objects.get(user=respondent, place=place)
    client.force_login(respondent)
    url = reverse("assessment-member-invite", args=[place.code, membership.pk])
    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405
    assert mail.outbox == []


def test_it_answers_404_for_a_membership_of_another_place(client, lead, outsider, place):
    elsewhere = Membership.objects.get(user=outsider)
    client.force_login(lead)
    url = reverse("assessment-member-invite", args=[place.code, elsewhere.pk])
    assert client.post(url).status_code == 404

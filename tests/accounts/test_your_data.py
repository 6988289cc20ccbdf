"""Your data: a signed-in person downloads everything the app holds about them, as JSON and as
a zip of CSV files, and the audit log records that they did."""

import csv
import io
import json
import zipfile

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.models import AuditEvent, AuditKind

from .personal_data_rounds import EMAIL, NAME, zebedee_round

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts-your-data")
DOWNLOAD = reverse("accounts-your-data-download")


@pytest.fixture
def his_round(place, lead, respondent, zebedee, versions):
    return zebedee_round(place, lead, respondent, zebedee, versions)


@pytest.fixture
def with_a_second_factor(zebedee):
    return Authenticator.objects.create(
        user=zebedee, type=Authenticator.Type.TOTP, data={"secret": "TOP-SECRET-SEED"}
    )


def test_the_page_says_what_is_in_it_and_offers_both_downloads(django_app, zebedee):
    page = django_app.get(PAGE, user=zebedee)

    assert page.status_code == 200
    assert "Your data" in page.html.h1.text
    assert "each answer you gave, with your evidence" in page.text
    links = {a.get_text(strip=True): a["href"] for a in page.html.select("a.btn-primary")}
    assert links == {
        "Download your data (JSON)": f"{DOWNLOAD}?format=json",
        "Download your data (CSV)": f"{DOWNLOAD}?format=csv",
    }


def test_the_json_holds_his_account_answers_evidence_and_words(
    django_app, zebedee, his_round, with_a_second_factor
):
    response = django_app.get(PAGE, user=zebedee).click(href="format=json")

    assert response.content_type == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="your-data-')
    data = json.loads(response.body)
    account = data["Account and sign-in"]
    assert account["account"][0]["email"] == EMAIL
    assert account["account"][0]["last_name"] == "Quasimodo-Fairweather"
    assert account["email_addresses"] == [] or account["email_addresses"][0]["email"] == EMAIL
    assert [f["type"] for f in account["second_factors"]] == ["totp"]
    assert "TOP-SECRET-SEED" not in response.text
    rounds = data["Places, rounds and answers"]
    assert rounds["memberships"][0]["name_given_by_the_lead"] == NAME
    assert rounds["memberships"][0]["role"] == "Lead (facilitator)"
    assert rounds["rounds_taken_part_in"][0]["name_in_round"] == NAME
    impact = next(a for a in rounds["answers"] if a["item_key"] == "impact")
    assert (impact["current"], impact["target"]) == (4, 4)
    assert impact["evidence"] == "ZQ-EVIDENCE seen on impact."
    assert len(rounds["answers"]) == 25
    [agreed] = rounds["agreed_positions_recorded"]
    assert agreed["rationale"].startswith("ZQ-REASON")
    [action] = rounds["actions"]
    assert action["title"] == "ZQ-ACTION: join up discharge"
    assert action["you_own_it"] and action["you_created_it"]
    assert data["Reports"] == {}


def test_the_csv_is_a_zip_of_one_file_per_table(django_app, zebedee, his_round):
    response = django_app.get(PAGE, user=zebedee).click(href="format=csv")

    assert response.content_type == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.body))
    names = set(archive.namelist())
    assert {
        "account-and-sign-in/account.csv",
        "account-and-sign-in/audit_events.csv",
        "places-rounds-and-answers/answers.csv",
        "places-rounds-and-answers/memberships.csv",
    } <= names

    def rows(name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))

    assert rows("account-and-sign-in/account.csv")[0]["first_name"] == "Zebedee"
    answers = rows("places-rounds-and-answers/answers.csv")
    assert len(answers) == 25
    assert {"ZQ-EVIDENCE seen on impact."} == {
        a["evidence"] for a in answers if a["item_key"] == "impact"
    }
    assert rows("places-rounds-and-answers/memberships.csv")[0]["name_given_by_the_lead"] == NAME


def test_a_download_is_recorded_in_the_audit_log(django_app, zebedee):
    django_app.get(f"{DOWNLOAD}?format=csv", user=zebedee)

    event = AuditEvent.objects.get(kind=AuditKind.DATA_DOWNLOADED)
    assert (event.person, event.detail) == (zebedee, "CSV")


def test_a_later_download_lists_the_earlier_one(django_app, zebedee):
    django_app.get(f"{DOWNLOAD}?format=json", user=zebedee)
    data = django_app.get(f"{DOWNLOAD}?format=json", user=zebedee).json

    kinds = [e["kind"] for e in data["Account and sign-in"]["audit_events"]]
    assert kinds.count("Own data downloaded") == 1  # newest first: the earlier download


@pytest.mark.parametrize("wanted", ["xml", "", "../../etc/passwd"])
def test_a_format_it_does_not_make_is_a_clear_400(django_app, zebedee, wanted):
    page = django_app.get(f"{DOWNLOAD}?format={wanted}", user=zebedee, status=400)

    assert "Choose JSON or CSV below" in page.text
    assert "Download your data (JSON)" in page.text
    assert not AuditEvent.objects.filter(kind=AuditKind.DATA_DOWNLOADED).exists()


def test_it_gives_nobody_else_s_data(django_app, lead, his_round):
    data = django_app.get(f"{DOWNLOAD}?format=json", user=lead).json

    assert data["Account and sign-in"]["account"][0]["email"] == lead.email
    assert "Quasimodo" not in json.dumps(data)
    assert "ZQ-EVIDENCE" not in json.dumps(data)


@pytest.mark.parametrize("url", [PAGE, f"{DOWNLOAD}?format=json"])
def test_signed_out_people_are_sent_to_sign_in(django_app, url):
    page = django_app.get(url, status=302)
    assert page.location.startswith(reverse("login"))

"""The statements a public-sector service publishes: /accessibility/ (in the form of the
accessibility regulations' sample statement) and /privacy/, both open to anyone, saying who runs
the service and where to write, and linked from the footer of every kind of page."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ACCESSIBILITY = reverse("accessibility")
PRIVACY = reverse("privacy")


def words(page, selector="main") -> str:
    """What a person reads in that part of the page, spaces tidied."""
    found = page.html.select_one(selector)
    text = " ".join(found.get_text(" ").split()) if found else ""
    return re.sub(r" ([.,;:])", r"\1", text)  # "2026 ." where a tag ended before the stop


def headings(page) -> list[str]:
    return [
        " ".join(h.get_text(" ").split()) for h in page.html.select("main h1, main h2, main h3")
    ]


@pytest.fixture
def service(settings):
    settings.SERVICE_OPERATOR = "Riverside Integrated Care Board"
    settings.SERVICE_CONTACT_EMAIL = "dpo@riverside-icb.example.org"
    settings.EVIDENCE_RETENTION_DAYS = 400
    settings.AUDIT_RETENTION_DAYS = 500
    return settings


# --- both pages, for anyone ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "title"),
    [
        (ACCESSIBILITY, "Accessibility statement for the integration maturity self-assessment"),
        (PRIVACY, "Privacy notice"),
    ],
)
def test_anyone_can_read_the_statements_signed_in_or_not(django_app, lead, url, title):
    signed_out = django_app.get(url)
    assert signed_out.status_code == 200
    assert words(signed_out, "h1") == title

    signed_in = django_app.get(url, user=lead)
    assert signed_in.status_code == 200
    assert words(signed_in, "h1") == title


# --- the accessibility statement ----------------------------------------------------------------


def test_the_accessibility_statement_has_every_section_the_regulations_sample_has(django_app):
    page = django_app.get(ACCESSIBILITY)
    assert headings(page) == [
        "Accessibility statement for the integration maturity self-assessment",
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Technical information about this service's accessibility",
        "Compliance status",
        "Non-accessible content",
        "Non-compliance with the accessibility regulations",
        "Disproportionate burden",
        "Content that's not within the scope of the accessibility regulations",
        "What we're doing to improve accessibility",
        "Preparation of this accessibility statement",
    ]


def test_it_says_how_compliant_the_service_is_and_lists_what_is_not_accessible(django_app):
    text = words(django_app.get(ACCESSIBILITY))
    assert (
        "This service is partially compliant with the Web Content Accessibility Guidelines "
        "version 2.2 AA standard" in text
    )
    # The known problems, honestly: the charts' hover details, and the table beside each chart.
    assert "cannot be reached with a keyboard" in text
    assert "Every chart has a table beside it holding the same numbers" in text
    assert "tagged (PDF/UA-1)" in text


def test_it_names_who_enforces_the_regulations_in_great_britain_and_northern_ireland(django_app):
    text = words(django_app.get(ACCESSIBILITY))
    assert "Equality and Human Rights Commission (EHRC)" in text
    assert "Equality Advisory and Support Service (EASS)" in text
    assert "Equality Commission for Northern Ireland (ECNI)" in text


def test_it_is_dated_and_says_how_it_was_tested(django_app):
    text = words(django_app.get(ACCESSIBILITY))
    assert "This statement was prepared on 5 December 2026." in text
    assert "It was last reviewed on 5 December 2026." in text
    assert "This service was last tested on 5 December 2026" in text
    assert "axe-core" in text


def test_it_names_the_operator_and_where_to_report_a_problem(django_app, service):
    page = django_app.get(ACCESSIBILITY)
    text = words(page)
    assert "This service is run by Riverside Integrated Care Board." in text
    assert "Riverside Integrated Care Board is committed to making this service accessible" in text
    reporting = page.html.find("h2", id="reporting").find_next("p")
    assert reporting.find("a")["href"] == "mailto:dpo@riverside-icb.example.org"


def test_without_a_contact_address_it_says_whom_to_ask(django_app, settings):
    settings.SERVICE_CONTACT_EMAIL = ""
    page = django_app.get(ACCESSIBILITY)
    assert "mailto:" not in page.text
    assert "tell the lead of your place" in words(page)


# --- the privacy notice -------------------------------------------------------------------------


def test_the_privacy_notice_says_who_what_why_who_sees_how_long_and_your_rights(django_app):
    page = django_app.get(PRIVACY)
    assert headings(page) == [
        "Privacy notice",
        "Who we are",
        "What we hold about you",
        "Why we hold it, and our lawful basis",
        "Who can see it",
        "How long we keep it",
        "Your rights",
        "Complaints",
        "Changes to this notice",
    ]


def test_it_lists_what_is_held_and_the_lawful_basis(django_app, service):
    text = words(django_app.get(PRIVACY))
    assert "run by Riverside Integrated Care Board, the controller" in text
    for held in (
        "Your name and e-mail address",
        "Your place and role",
        "Your scores",
        "Your evidence",
        "Reasons",
        "Actions",
        "Sign-in records",
        "The audit log",
    ):
        assert held in text
    assert "UK GDPR Article 6(1)(e), public task" in text
    assert "Scoring is blind." in text
    assert "by name or anonymously" in text


def test_it_gives_the_retention_periods_the_service_is_set_to(django_app, service):
    text = words(django_app.get(PRIVACY))
    assert "Evidence: 400 days after the round it belongs to closes" in text
    assert "The audit log and sign-in records: 500 days, then removed." in text


def test_it_sends_complaints_to_the_ico_and_questions_to_the_contact(django_app, service):
    page = django_app.get(PRIVACY)
    assert "Information Commissioner's Office (ICO)" in words(page)
    assert page.html.select_one("a[href='https://ico.org.uk/make-a-complaint/']")
    assert page.html.select_one("main a[href='mailto:dpo@riverside-icb.example.org']")
    assert "This notice was last updated on 5 December 2026." in words(page)


def test_signed_in_people_are_linked_to_their_data_and_others_told_to_sign_in(django_app, lead):
    signed_out = django_app.get(PRIVACY)
    assert "Sign in and choose “Your data”" in words(signed_out)

    signed_in = django_app.get(PRIVACY, user=lead)
    rights = signed_in.html.find("h2", id="your-rights").find_next("ul")
    assert rights.find("a", string="Your data")["href"] == reverse("accounts-your-data")


# --- the footer and the menu --------------------------------------------------------------------


def footer_links(page) -> dict[str, str]:
    footer = page.html.select_one("footer")
    return {" ".join(a.get_text().split()): a["href"] for a in footer.select("a")}


def assert_footer(page):
    links = footer_links(page)
    assert links.get("Accessibility statement") == ACCESSIBILITY, page.request.path
    assert links.get("Privacy notice") == PRIVACY, page.request.path


@pytest.mark.parametrize(
    "url",
    [
        reverse("login"),
        reverse("account_request_login_code"),
        reverse("password_reset"),
        ACCESSIBILITY,
        PRIVACY,
    ],
)
def test_signed_out_pages_link_to_both_statements_from_the_footer(django_app, url):
    assert_footer(django_app.get(url))


def test_signed_in_pages_of_every_kind_link_to_both_statements(django_app, staff, lead, place):
    pages = [
        reverse("home"),
        reverse("assessment-place", args=[place.code]),
        reverse("reports-compare"),
        reverse("accounts-your-data"),
        reverse("mfa_index"),
        ACCESSIBILITY,
    ]
    for url in pages:
        assert_footer(django_app.get(url, user=lead))
    django_app.reset()
    assert_footer(django_app.get(reverse("accounts-audit"), user=staff))


def test_an_error_page_links_to_both_statements_too(django_app):
    # A request for a host the site does not serve is refused with the site's own 400 page.
    page = django_app.get(reverse("home"), headers={"Host": "elsewhere.example"}, status=400)
    assert_footer(page)


def test_the_signed_in_menu_leads_to_your_data_and_sign_in_and_security(django_app, lead):
    page = django_app.get(reverse("home"), user=lead)
    menu = page.html.select_one("header nav")
    names = {" ".join(a.get_text().split()): a["href"] for a in menu.select("a")}
    assert names["Your data"] == reverse("accounts-your-data")
    assert names["Sign-in and security"] == reverse("mfa_index")
    assert "Audit log" not in names


def test_signed_out_people_have_no_account_menu(django_app):
    page = django_app.get(reverse("login"))
    menu = page.html.select_one("header nav")
    assert "Your data" not in menu.get_text()

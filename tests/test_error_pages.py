"""The site's own 400, 403 (and CSRF), 404 and 500 pages (templates/4xx.html, 500.html):
in the site's layout, each saying what happened and what to do next."""

from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error


def _in_the_site_s_layout(html) -> None:
    assert html.select_one("main#main")
    assert html.select_one("footer nav[aria-label='About this service']")
    assert html.select_one("main a[href='/']")  # what to do next: at least, go home


def test_it_shows_a_respondent_who_follows_a_lead_s_link_the_site_s_403_page(
    django_app, respondent, open_round
):
    url = reverse("assessment-edit", args=[open_round.pk])
    page = django_app.get(url, user=respondent, status=403)
    assert page.html.h1.text == "You cannot open this page"
    assert "ask the place's lead to change your role" in page.text
    _in_the_site_s_layout(page.html)
    assert page.html.select_one("nav[aria-label=Main]")  # signed in: the menu too


def test_it_says_why_when_the_page_gives_a_reason(django_app, lead):
    page = django_app.get(reverse("frameworks-upload"), user=lead, status=403)
    assert "Only staff upload frameworks." in page.text


def test_it_shows_the_site_s_404_page_and_says_nothing_of_what_is_not_there(
    django_app, outsider, open_round
):
    url = reverse("assessment-detail", args=[open_round.pk])
    page = django_app.get(url, user=outsider, status=404)
    assert page.html.h1.text == "Page not found"
    assert "ask that place's lead" in page.text
    assert "Riverside" not in page.text and "No such page" not in page.text
    _in_the_site_s_layout(page.html)


def test_it_shows_the_site_s_400_page_for_a_request_it_cannot_read(django_app):
    page = django_app.get("/", headers={"Host": "elsewhere.example"}, status=400)
    assert page.html.h1.text == "Bad request"
    _in_the_site_s_layout(page.html)


def test_it_shows_the_site_s_500_page_without_a_request_context_or_a_database():
    # No `db` fixture: a query here would fail the test. Django renders 500.html with an
    # empty context, so the page asks nothing of context processors.
    response = server_error(RequestFactory().get("/"))
    text = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in text
    assert "tell the service's staff" in text
    assert '<main id="main"' in text and '<a href="/">Go to My places</a>' in text


def test_it_tells_someone_whose_form_has_expired_to_reload_it(lead, open_round):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    response = client.post(reverse("assessment-remind", args=[open_round.pk]))
    assert response.status_code == 403
    assert "<h1>Your form was not sent</h1>" in response.text
    assert "reload the page and send it again" in response.text
    assert '<main id="main"' in response.text

"""Opening a round: the form says plainly what the lead, the team and the board will see."""

import pytest

pytestmark = pytest.mark.django_db

OPEN_URL = "/places/riverside/rounds/new/"


def test_it_says_what_the_lead_the_team_and_the_board_will_each_see(django_app, lead, versions):
    page = django_app.get(OPEN_URL, user=lead)
    said = page.html.select_one(".who-sees-what").get_text(" ", strip=True)
    assert "The team scores blind" in said
    assert "You, the lead, see who has submitted at any time" in said
    assert "Board viewers see who has submitted, and the team's figures once scoring ends" in said
    assert "With fewer than three taking part , answers can be told apart" in said


def test_it_says_beside_the_names_setting_what_without_names_means(django_app, lead, versions):
    page = django_app.get(OPEN_URL, user=lead)
    help_text = page.html.select_one("#id_show_names_helptext").get_text(" ", strip=True)
    assert "a sector is shown only where three or more answers share it" in help_text
    assert "With fewer than three taking part, answers can be told apart even so." in help_text

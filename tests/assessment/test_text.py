"""What a one-line field refuses, and how text goes into a download's name."""

import pytest
from django.core.exceptions import ValidationError

from assessment.action_forms import NextRoundForm
from assessment.forms import MemberAddForm
from assessment.text import PlainText, file_name_part

REFUSED = [
    "\x00",
    "\x08",
    "\t",
    "\n",
    "\r",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\ufffd",
    # Characters that show nothing, or mark direction without looking like it.
    "\u061c",
    "\u200b",
    "\ufeff",
    "\u2028",
    "\u180e",
    "\u00ad",
    "\U000e0001",
    "\ufff9",
    "\u3164",
    "\ue000",
]


@pytest.mark.parametrize("character", REFUSED)
def test_it_refuses_a_character_that_hides_or_disguises_text(character):
    with pytest.raises(ValidationError) as refused:
        PlainText("The period")(f"2026{character}Q1")
    assert refused.value.messages[0].startswith("The period ")


@pytest.mark.parametrize(
    "text",
    [
        "2026/27 Q1",
        "Ynys Môn",
        "Ffion O’Brien-Évora",
        "北京 2026",
        "می\u200cخواهم",  # Persian needs its zero-width non-joiner
        "Team 👩\u200d💻",  # and emoji their joiner
    ],
)
def test_it_accepts_ordinary_text_in_any_language(text):
    PlainText("The name")(text)


@pytest.mark.django_db  # the form offers the published framework versions
def test_it_names_the_field_in_the_next_round_form():
    form = NextRoundForm({"period": "2027\u202e Q2"}, members=[], taking_part=[])
    assert form.errors["period"] == [
        "The period cannot contain characters that change the direction of text."
    ]


@pytest.mark.parametrize(
    "text, part",
    [
        ("2026/27 Q1", "2026-27-q1"),
        ("2026\\27 Q1", "2026-27-q1"),
        ("Q1 2026 — draft", "q1-2026-draft"),
        ("Ynys Môn", "ynys-môn"),
        ("../../etc", "etc"),
    ],
)
def test_it_keeps_the_whole_period_in_a_file_name(text, part):
    assert file_name_part(text) == part


def test_it_refuses_an_e_mail_address_that_hides_what_it_says():
    form = MemberAddForm({"email": "x@ex\u202eample.net", "name": "X", "role": "viewer"})
    assert (
        "The e-mail address cannot contain characters that change the direction of text."
        in (form.errors["email"])
    )

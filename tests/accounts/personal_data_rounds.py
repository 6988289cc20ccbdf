"""A round Zebedee Quasimodo-Fairweather took part in and helped lead, for the personal data
tests: his name, address and words are distinctive, so a search for them finds every trace."""

from assessment.models import Membership, Role, Sector
from assessment.selectors import assessment_items
from assessment.services import (
    Answer,
    assessment_advance,
    assessment_open,
    consensus_record,
    responses_save,
)
from assessment.services.actions import action_create
from tests.assessment.scoring import respondent_of

NAME = "Zebedee Quasimodo-Fairweather"
EMAIL = "zq@riverside.example.org"
# What a search for him looks for: his surname, address and the words only he wrote.
TRACES = ("Quasimodo", "Zebedee", "zq@riverside", "ZQ-EVIDENCE", "ZQ-REASON", "ZQ-ACTION")


def make_zebedee(make_person, place):
    """A lead of the place, in the local authority, named by the lead who added him."""
    person = make_person(EMAIL, "Zebedee", "Quasimodo-Fairweather")
    Membership.objects.create(
        user=person, place=place, role=Role.LEAD, sector=Sector.LOCAL_AUTHORITY, name=NAME
    )
    return person


def answer(respondent, levels, evidence):
    answers = {
        item: Answer(*levels.get(item.key, (2, 3)), evidence=f"{evidence} on {item.key}.")
        for item in assessment_items(respondent.assessment)
    }
    responses_save(respondent=respondent, answers=answers, submit=True)


def zebedee_round(place, lead, respondent, zebedee, versions):
    """Scored by Priya, Tom and Zebedee (by name), at consensus, where Zebedee records the
    agreed position on Impact and owns an action. Left at consensus: close it to erase him."""
    assessment = assessment_open(
        place=place,
        period="2026 Q4",
        versions=versions,
        participants=[lead, respondent, zebedee],
        show_names=True,
        user=zebedee,
    )
    answer(respondent_of(assessment, lead), {"impact": (1, 3)}, "Board papers")
    answer(respondent_of(assessment, respondent), {"impact": (2, 4)}, "Ward rounds")
    answer(respondent_of(assessment, zebedee), {"impact": (4, 4)}, "ZQ-EVIDENCE seen")
    assessment_advance(assessment=assessment)
    impact = next(i for i in assessment_items(assessment) if i.key == "impact")
    consensus_record(
        assessment=assessment,
        item=impact,
        current=2,
        target=3,
        rationale="ZQ-REASON: the shared care record is live in two wards.",
        minority_view="ZQ-REASON minority: the council sees less.",
        user=zebedee,
        revision=0,
    )
    action_create(
        assessment=assessment,
        user=zebedee,
        title="ZQ-ACTION: join up discharge",
        description="ZQ-ACTION steps Zebedee will take.",
        owner_member=Membership.objects.get(user=zebedee, place=place),
        items=[impact],
    )
    return assessment


def private_media(settings, tmp_path):
    """A media folder of the test's own, so cached PDFs never leak between tests."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def fake_pdf_renders(monkeypatch) -> list[str]:
    """Stand-ins for Chromium and WeasyPrint that keep the HTML each render was given."""
    from reports import pdf

    renders = []

    def html_to_pdf(html):
        renders.append(html)
        return f"%PDF-1.7 render {len(renders)}".encode()

    monkeypatch.setattr(pdf, "report_svgs", lambda report: {"radar": "", "lessons": ""})
    monkeypatch.setattr(pdf, "html_to_pdf", html_to_pdf)
    return renders

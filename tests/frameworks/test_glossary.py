"""The glossary: its page lists every term of fixtures/glossary.yaml with an anchor, framework
pages link it and the terms their summaries use, and a bad glossary file is refused by the
loader with its line, nothing loaded."""

from html import unescape
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.template import Context, Template, TemplateSyntaxError

from frameworks.glossary import GLOSSARY_PATH, glossary
from frameworks.models import FrameworkVersion
from tests.frameworks.files import as_draft, matrix_data, write_framework

pytestmark = pytest.mark.django_db

GLOSSARY_URL = "/frameworks/glossary/"
# The terms the content's sources use most, which the glossary must explain.
REQUIRED = [
    "CCG",
    "PCT",
    "NHS Commissioning Board",
    "ICB",
    "care trust",
    "HWB",
    "BCF",
    "CQUIN",
    "QIPP",
    "PbR/HRG",
    "GMS",
    "PACS/MCP vanguards",
    "ACO",
    "capitation",
    "alliance contract",
    "prime provider",
    "lead provider",
    "RAID",
    "risk stratification",
    "population segmentation",
    "pseudonymised patient-level data",
    "IG",
    "Caldicott Guardian",
    "year-of-care tariff",
    "intermediate care",
    "reablement",
    "virtual ward",
    "MDT",
]


@pytest.fixture
def reader_client(client, django_user_model):
    user = django_user_model.objects.create_user(username="reader", password="not-a-real-one")
    client.force_login(user)
    return client


def _file_terms() -> list[dict]:
    return yaml.safe_load(GLOSSARY_PATH.read_text(encoding="utf-8"))["terms"]


def test_it_explains_every_term_the_sources_use():
    assert sorted(entry["term"] for entry in _file_terms()) == sorted(REQUIRED)


def test_it_lists_every_term_with_its_anchor_then_and_now(reader_client, django_assert_num_queries):
    # session, user: the glossary is read from its file, not the database
    with django_assert_num_queries(2):
        response = reader_client.get(GLOSSARY_URL)
    assert response.status_code == 200
    for entry in _file_terms():
        term = glossary().find(entry["term"])
        assert f'id="{term.anchor}"' in response.text
        assert f'href="#{term.anchor}">{entry["term"]}</a>' in response.text
        entry_html = response.text.split(f'id="{term.anchor}"', 1)[1].split("</section>", 1)[0]
        for field in ("then", "now", "meaning"):
            assert entry[field].strip() in unescape(entry_html)


def test_it_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get(GLOSSARY_URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={GLOSSARY_URL}"


def test_it_refuses_a_post(reader_client):
    assert reader_client.post(GLOSSARY_URL).status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/frameworks/",
        "/frameworks/lga-maturity-matrix/1.0/",
        "/frameworks/lga-maturity-matrix/1.1/",
        "/frameworks/kingsfund-16-lessons/1.0/",
        "/frameworks/kingsfund-16-lessons/1.1/",
    ],
)
def test_it_is_linked_from_the_framework_pages(reader_client, url):
    assert f'href="{GLOSSARY_URL}"' in reader_client.get(url).text


def test_it_links_the_terms_a_factor_summary_uses(reader_client):
    response = reader_client.get("/frameworks/lga-maturity-matrix/1.1/")
    row = response.text.split('<tr id="commissioning-and-payment">', 1)[1].split("</tr>", 1)[0]
    assert "Terms in the glossary:" in row
    assert f'href="{GLOSSARY_URL}#term-cquin">CQUIN</a>' in row
    assert f'href="{GLOSSARY_URL}#term-bcf">BCF</a>' in row
    impact = response.text.split('<tr id="impact">', 1)[1].split("</tr>", 1)[0]
    assert "Terms in the glossary" not in impact  # its summary uses none


def test_the_tag_links_a_term_by_name_or_alias_in_any_case():
    template = Template(
        '{% load glossary %}{% glossary_link "BCF" %} {% glossary_link "better care fund" %} '
        '{% glossary_link "CCG" "clinical commissioning groups" %}'
    )
    html = template.render(Context())
    assert f'<a class="glossary-link" href="{GLOSSARY_URL}#term-bcf">BCF</a>' in html
    assert f'href="{GLOSSARY_URL}#term-bcf">better care fund</a>' in html
    assert f'href="{GLOSSARY_URL}#term-ccg">clinical commissioning groups</a>' in html


def test_the_tag_refuses_a_term_the_glossary_lacks():
    with pytest.raises(TemplateSyntaxError, match="'STP' is not a term"):
        Template('{% load glossary %}{% glossary_link "STP" %}').render(Context())


def test_it_finds_terms_as_whole_words_abbreviations_in_their_own_case():
    found = glossary().terms_in(
        "Two CCGs pooled their BCF money; capitation was discussed; an icb and a nice pct."
    )
    assert [term.term for term in found] == ["CCG", "BCF", "capitation"]


def _refused(*args) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_frameworks", *args, stdout=StringIO(), stderr=err)
    return err.getvalue()


def _line(path, starting: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, start=1) if text.strip().startswith(starting))


def test_the_loader_refuses_a_term_without_its_meaning_with_its_line(tmp_path):
    terms = _file_terms()
    del terms[6]["meaning"]  # BCF
    path = tmp_path / "glossary.yaml"
    path.write_text(yaml.safe_dump({"terms": terms}, sort_keys=False, width=200))
    draft = write_framework(tmp_path, as_draft(matrix_data(), "3.0"))

    problems = _refused(str(draft), "--glossary", str(path))

    line = _line(path, "- term: BCF")
    assert f"{path}: line {line} (terms[6]): 'meaning' is a required property" in problems
    assert not FrameworkVersion.objects.filter(version="3.0").exists()


def test_the_loader_refuses_a_term_written_twice_with_its_line(tmp_path):
    terms = _file_terms()
    terms.append({**terms[0], "term": "ccg"})
    path = tmp_path / "glossary.yaml"
    path.write_text(yaml.safe_dump({"terms": terms}, sort_keys=False, width=200))

    problems = _refused("--glossary", str(path))

    line = _line(path, "- term: ccg")
    assert f"{path}: line {line} (terms[{len(terms) - 1}].term): 'ccg' also names 'CCG'" in (
        problems
    )


def test_the_loader_reports_the_line_of_a_yaml_syntax_error(tmp_path):
    path = tmp_path / "glossary.yaml"
    path.write_text("terms:\n  - term: BCF\n    then: [unclosed\n")
    assert f"{path}: line 4: not valid YAML" in _refused("--glossary", str(path))


def test_the_loader_checks_the_shipped_glossary():
    out = StringIO()
    call_command("load_frameworks", stdout=out)
    assert f"Glossary: {len(REQUIRED)} terms checked." in out.getvalue()


@pytest.mark.django_db
def test_the_scoring_step_and_the_consensus_item_link_the_terms_their_item_uses(
    django_app, lead, respondent, open_round
):
    # Commissioning and payment speaks of the Better Care Fund: both pages link its entry.
    from assessment.services import assessment_advance
    from tests.assessment.scoring import items_by_key, respondent_of, score

    item = items_by_key(open_round)["commissioning-and-payment"]
    position = list(items_by_key(open_round)).index("commissioning-and-payment") + 1
    step = django_app.get(f"/assessments/{open_round.pk}/respond/?item={position}", user=respondent)
    assert step.html.find("a", href="/frameworks/glossary/#term-bcf") is not None
    for person in (lead, respondent):
        score(respondent_of(open_round, person))
    assessment_advance(assessment=open_round)
    page = django_app.get(f"/assessments/{open_round.pk}/consensus/{item.pk}/", user=lead)
    assert page.html.find("a", href="/frameworks/glossary/#term-bcf") is not None


@pytest.mark.django_db
def test_the_report_page_links_the_terms_its_level_descriptors_use(
    django_app, lead, respondent, open_round
):
    # Commissioning and payment at level 2 speaks of the Better Care Fund.
    from assessment.services import assessment_advance
    from tests.assessment.scoring import respondent_of, score

    for person in (lead, respondent):
        score(respondent_of(open_round, person), levels={"commissioning-and-payment": (2, 3)})
    assessment_advance(assessment=open_round)
    page = django_app.get(f"/assessments/{open_round.pk}/report/", user=lead)
    section = page.html.find(
        "section", attrs={"aria-labelledby": "factor-commissioning-and-payment"}
    )
    shown = section.find("dl", class_="gap-steps").get_text()
    assert "Better Care Fund" in shown or "BCF" in shown
    assert section.find("a", href="/frameworks/glossary/#term-bcf") is not None

"""Closed rounds for the comparison tests, and readers for the files they export.

Rounds are scored, moved to consensus and closed through the services, so their stored results
(reports.models.RoundItemResult) are worked out exactly as a real round's are.
"""

import csv
import io
import shutil
from pathlib import Path

from django.core.management import call_command
from openpyxl import load_workbook

from assessment.models import Place, PlaceKind, Region, Respondent, Sharing
from assessment.selectors import assessment_items
from assessment.services import (
    Answer,
    assessment_advance,
    assessment_open,
    assessment_share,
    consensus_record,
    responses_save,
)
from frameworks import documents
from frameworks.selectors import latest_published_versions
from frameworks.services import framework_files_load
from tests.frameworks.files import as_published, lessons_data, matrix_data, write_framework

DEFAULT_LEVELS = (2, 3)  # on both frameworks' scales


def first_published_versions() -> list:
    """The first published version of each framework (1.0), as rounds scored before 1.1 pin."""
    from frameworks.models import FrameworkVersion, matrix_first

    return matrix_first(
        FrameworkVersion.objects.filter(status="published", major=1, minor=0).select_related(
            "framework"
        )
    )


def make_place(code: str, name: str, *, kind=PlaceKind.HWB, region=Region.EAST) -> Place:
    return Place.objects.create(code=code, name=name, kind=kind, region=region)


def closed_round(
    place: Place,
    period: str,
    answers: dict[str, dict],
    *,
    sharing: str = Sharing.NAMED,
    consensus: dict | None = None,
    by=None,
    show_names: bool = False,
    versions=None,
    evidence: dict | None = None,
):
    """A closed round of `place`.

    `answers` maps each respondent's name to the (current, target) they give per item key; every
    item they leave out they answer DEFAULT_LEVELS. `consensus` is the team's agreed (current,
    target) per key, recorded by `by`. `evidence` maps (name, key) to what that person wrote.
    """
    assessment = assessment_open(
        place=place,
        period=period,
        versions=versions or latest_published_versions(),
        participants=[],
        show_names=show_names,
    )
    items = assessment_items(assessment)
    for name, levels in answers.items():
        respondent = Respondent.objects.create(assessment=assessment, name=name)
        written = evidence or {}
        responses_save(
            respondent=respondent,
            answers={
                item: Answer(
                    *levels.get(item.key, DEFAULT_LEVELS),
                    evidence=written.get((name, item.key), f"Evidence on {item.key}."),
                    confidence="medium",
                )
                for item in items
            },
            submit=True,
        )
    assessment_advance(assessment=assessment)
    by_key = {item.key: item for item in items}
    for key, (current, target) in (consensus or {}).items():
        consensus_record(
            assessment=assessment,
            item=by_key[key],
            current=current,
            target=target,
            rationale="Agreed at the workshop.",
            user=by,
            revision=0,
        )
    assessment_advance(assessment=assessment)
    if sharing != Sharing.PRIVATE:
        assessment_share(assessment=assessment, sharing=sharing)
    return assessment


def key_of(assessment) -> int | str:
    """How the comparison page and its addresses name a round: a round shared anonymously by
    its label's code (its id is never given out), any other round by its id."""
    from reports.compare import anonymous_code

    if assessment.sharing == Sharing.ANONYMOUS:
        return anonymous_code(assessment.pk)
    return assessment.pk


def chosen(*rounds, **more) -> dict:
    """The query string of a comparison: ?assessment=<key>&assessment=<key>…"""
    return {"assessment": [key_of(r) for r in rounds], **more}


def offered(page) -> dict[int | str, str]:
    """The rounds the page offers to compare, as the person reads them: key → label (an id as
    a number, an anonymous round's code as text)."""
    labels = {}
    for box in page.html.find_all("input", attrs={"name": "assessment"}):
        value = box["value"]
        label = page.html.find("label", attrs={"for": box["id"]})
        labels[int(value) if value.isdigit() else value] = " ".join(label.get_text().split())
    return labels


# --- a matrix 2.0 with one factor fewer -------------------------------------------------------


def matrix_without(tmp_path: Path, monkeypatch, key: str, version: str = "2.0"):
    """Publish a matrix version that drops the factor `key`, locked in a private lock file."""
    lock = tmp_path / "frameworks.lock.json"
    shutil.copyfile(documents.LOCK_PATH, lock)
    monkeypatch.setattr(documents, "LOCK_PATH", lock)
    data = as_published(matrix_data(), version)
    data["items"] = [item for item in data["items"] if item["key"] != key]
    path = write_framework(tmp_path, data)
    call_command("lock_frameworks", str(path), stdout=io.StringIO())
    framework_files_load(paths=[path])
    from frameworks.models import FrameworkVersion

    return FrameworkVersion.objects.get(framework__slug=data["slug"], version=version)


# --- a third framework, mapped onto the matrix ------------------------------------------------

READINESS = "place-readiness"
# Its items, and the matrix 1.1 factors each declares it corresponds to.
READINESS_MAP = {
    "common-cause": ["governance", "leadership"],
    "pool-budgets": ["commissioning-and-payment", "governance"],
    "share-records": ["information-management"],
}


def readiness_framework(tmp_path: Path, monkeypatch, *, mapped: bool = True):
    """Publish "Place readiness" 1.0: three items on the lessons' 0–3 scale (lessons 1, 8 and
    12 under keys of their own), each mapped to the matrix 1.1 factors of READINESS_MAP."""
    from frameworks.models import FrameworkVersion, Item

    lock = tmp_path / "frameworks.lock.json"
    shutil.copyfile(documents.LOCK_PATH, lock)
    monkeypatch.setattr(documents, "LOCK_PATH", lock)
    data = as_published({**lessons_data(), "slug": READINESS, "title": "Place readiness"}, "1.0")
    items = {item["key"]: item for item in data["items"]}
    data["items"] = [
        {**items[old], "key": new, "number": n}
        for n, (old, new) in enumerate(
            [
                ("lesson-01", "common-cause"),
                ("lesson-08", "pool-budgets"),
                ("lesson-12", "share-records"),
            ],
            start=1,
        )
    ]
    path = write_framework(tmp_path, data)
    call_command("lock_frameworks", str(path), stdout=io.StringIO())
    framework_files_load(paths=[path])
    version = FrameworkVersion.objects.get(framework__slug=READINESS, version="1.0")
    if mapped:
        matrix = FrameworkVersion.objects.get(framework__slug="lga-maturity-matrix", version="1.1")
        version.mapped_version = matrix
        version.save(update_fields=["mapped_version"])
        for key, factors in READINESS_MAP.items():
            Item.objects.get(version=version, key=key).corresponds_to.add(
                *Item.objects.filter(version=matrix, key__in=factors)
            )
    return version


# --- rounds to export -------------------------------------------------------------------------

# Evidence that names its place, as evidence often does: it must never leave an anonymous round.
TELLING = "Seen at the Hexley Moor frailty hub, run by Northmoor's community trust."


def export_rounds(place: Place, other_place: Place, lead) -> dict:
    """Riverside (shared by name) and Northmoor (shared anonymously) show names; Eastvale keeps
    its round private. At Riverside three people put Impact at 1, 2 and 4, and the team agreed
    3 (target 4); nobody agreed Care model, answered 2, 3 and 3 (targets 4, 4, 3)."""
    riverside = closed_round(
        place,
        "2026 Q2",
        {
            "Asha Patel": {"impact": (1, 2), "care-model": (2, 4)},
            "Grace Okafor": {"impact": (2, 3), "care-model": (3, 4)},
            "Tom Hughes": {"impact": (4, 4), "care-model": (3, 3)},
        },
        consensus={"impact": (3, 4)},
        by=lead,
        show_names=True,
    )
    northmoor = closed_round(
        other_place,
        "2026 Q2",
        {"Ian Walker": {}, "Helen Brook": {}},
        sharing=Sharing.ANONYMOUS,
        show_names=True,
        evidence={("Ian Walker", "impact"): TELLING},
    )
    eastvale = make_place("eastvale", "Eastvale Health and Wellbeing Board")
    private = closed_round(eastvale, "2026 Q2", {"Maria Costa": {}}, sharing=Sharing.PRIVATE)
    return {"riverside": riverside, "northmoor": northmoor, "eastvale": private}


# --- reading the exports ----------------------------------------------------------------------


def exported(client, user, url, query):
    """An export as `user` downloads it (200, or the test fails)."""
    client.force_login(user)
    response = client.get(url, query)
    assert response.status_code == 200
    return response


def export_row(rows, key, place_code="riverside", respondent=None) -> dict:
    """The exported row of one item of a place's round (and of one respondent's answers)."""
    return next(
        r
        for r in rows
        if r["item_key"] == key
        and r["place_code"] == place_code
        and (respondent is None or r["respondent"] == respondent)
    )


def csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def xlsx_rows(response) -> list[dict]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["Results"]
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


# --- four places, for the comparison pages --------------------------------------------------------


def four_places(place: Place, other_place: Place) -> dict:
    """Closed rounds of four places, two respondents each, on Impact and Governance:

    ============================  =========  ======  ==========
    round                         sharing    Impact  Governance
    ============================  =========  ======  ==========
    Riverside Borough 2025 Q4     named      1       2
    Riverside Borough 2026 Q2     named      2.5     4
    Northmoor ICS 2026 Q2         anonymous  3       1
    Eastvale HWB 2026 Q2          private    4       2
    Westfield Borough 2026 Q2     named      3.5     3
    ============================  =========  ======  ==========

    Every other factor stands at 2 everywhere.
    """
    eastvale = make_place("eastvale", "Eastvale Health and Wellbeing Board")
    westfield = make_place(
        "westfield", "Westfield Borough", kind=PlaceKind.BOROUGH, region=Region.SOUTH_WEST
    )

    def two(period, at, sharing, impact, governance):
        """Two respondents: Asha and Dan give these currents, and target 4 everywhere."""
        answers = {
            name: {"impact": (impact[n], 4), "governance": (governance[n], 4)}
            for n, name in enumerate(("Asha Patel", "Dan Reilly"))
        }
        return closed_round(at, period, answers, sharing=sharing)

    return {
        "riverside_2025": two("2025 Q4", place, Sharing.NAMED, (1, 1), (2, 2)),
        "riverside": two("2026 Q2", place, Sharing.NAMED, (2, 3), (4, 4)),
        "northmoor": two("2026 Q2", other_place, Sharing.ANONYMOUS, (3, 3), (1, 1)),
        "eastvale": two("2026 Q2", eastvale, Sharing.PRIVATE, (4, 4), (2, 2)),
        "westfield": two("2026 Q2", westfield, Sharing.NAMED, (3, 4), (3, 3)),
    }


# --- reading the comparison page ----------------------------------------------------------------

HEATMAP = HEATMAP_CAPTION = "Places (rows) against the items"


def _heatmap(page):
    [found] = [
        table
        for table in page.html.find_all("table")
        if table.caption and " ".join(table.caption.get_text().split()).startswith(HEATMAP_CAPTION)
    ]
    return found


def heatmap_labels(page) -> list[str]:
    """The place and round each heat map row shows, top to bottom, without its version."""
    labels = []
    for header in _heatmap(page).select("tbody th[scope=row]"):
        shown = [t for t in header.find_all(string=True, recursive=False)]
        labels.append(" ".join("".join(shown).split()))
    return labels


def heatmap_versions(page) -> dict[str, str]:
    """Each heat map row's place and round → the framework and version the row says it used."""
    versions = [" ".join(span.get_text().split()) for span in _heatmap(page).select("th .version")]
    return dict(zip(heatmap_labels(page), versions, strict=True))

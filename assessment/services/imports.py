"""Writes of workshop scores read from a spreadsheet."""

import difflib
import logging
import re
import secrets
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from assessment import states
from assessment.imports import LineError, ScoresFileError, plural
from assessment.models import (
    Assessment,
    Respondent,
    Response,
)
from assessment.services.scoring import ANSWER_FIELDS
from frameworks.models import Item


@dataclass(frozen=True)
class ImportSummary:
    respondents: int
    created_respondents: int
    responses: int
    # Those this import marked as submitted, and those left as drafts: their answers do not
    # cover every item of the round and the lead did not mark them as submitted.
    submitted: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)

    def __str__(self):
        said = (
            f"{plural(self.responses, 'score')} from {plural(self.respondents, 'respondent')} "
            f"({self.created_respondents} new)"
        )
        if self.drafts:
            said += (
                f"; not marked as submitted, as their answers leave items out: "
                f"{', '.join(self.drafts)}"
            )
        return said


@dataclass
class PersonPreview:
    name: str
    new: bool
    adds: int = 0
    replaces: int = 0
    answered: int = 0  # items of the round this person will have answered after the import
    items: int = 0  # items of the round
    submitted: bool = False  # already submitted before the import

    @property
    def complete(self) -> bool:
        """Every item answered: the import marks them submitted without being asked."""
        return self.answered >= self.items

    @property
    def key(self) -> str:
        """How the preview's "mark as submitted" tick names this person."""
        return self.name.lower()


@dataclass
class ImportPreview:
    """What an import would do, shown before anything is written."""

    people: list[PersonPreview]
    items: int
    unknown: list[LineError]  # names not in the round, with the closest one suggested
    # Names two or more of the round's people share: nothing is imported until the sheet
    # names each of them by e-mail address.
    shared: list[LineError] = field(default_factory=list)

    @property
    def new_people(self) -> list[PersonPreview]:
        return [p for p in self.people if p.new]

    @property
    def incomplete(self) -> list[PersonPreview]:
        """People whose answers will leave items out, and who have not submitted: the lead
        may mark each as submitted."""
        return [p for p in self.people if not p.complete and not p.submitted]


@dataclass(frozen=True)
class _Matched:
    respondents: dict[str, Respondent]  # by the lower-cased name or e-mail the sheet gives
    # By lower-cased name, the first line of each name two of the round's people share.
    shared: dict[str, LineError]


def _matched(assessment: Assessment, rows: list) -> _Matched:
    """The round's respondents the sheet names, by lower-cased name or by e-mail address.

    Names need not be unique: a name that two of the round's people share matches neither
    (a guess could put one person's scores under another's name) and is reported by line.
    """
    everyone = list(Respondent.objects.filter(assessment=assessment).select_related("user"))
    named = Counter(r.name.lower() for r in everyone)
    respondents = {r.name.lower(): r for r in everyone if named[r.name.lower()] == 1}
    by_email = {r.user.email.lower(): r for r in everyone if r.user_id and r.user.email}
    shared = {}
    for row in rows:
        name = row.respondent.lower()
        if named[name] > 1 and name not in shared:
            reason = (
                f"{named[name]} people in this round are called {row.respondent}: "
                f"name each by their e-mail address"
            )
            shared[name] = LineError(row.line, reason)
        elif name not in respondents and name in by_email:
            respondents[name] = by_email[name]
    return _Matched(respondents=respondents, shared=shared)


def _unknown_names(rows: list, matched: _Matched) -> list[LineError]:
    """A line error for the first line of each name the round does not have."""
    respondents = matched.respondents
    known = sorted({r.name for r in respondents.values()})
    errors, seen = [], set(matched.shared)
    for row in rows:
        key = row.respondent.lower()
        if key in respondents or key in seen:
            continue
        seen.add(key)
        close = difflib.get_close_matches(row.respondent, known, n=1, cutoff=0.6)
        hint = f": did you mean {close[0]}?" if close else ""
        errors.append(
            LineError(row.line, f"{row.respondent} is not taking part in this round{hint}")
        )
    return errors


def import_preview(*, assessment: Assessment, rows: list) -> ImportPreview:
    """Who and what an import of these checked rows would add or replace (reads only)."""
    matched = _matched(assessment, rows)
    if matched.shared:
        return ImportPreview(people=[], items=0, unknown=[], shared=list(matched.shared.values()))
    respondents = matched.respondents
    answers = Response.objects.filter(respondent__in=list(respondents.values())).values_list(
        "respondent_id", "item__version__framework__slug", "item__key", "current"
    )
    existing, had = set(), {}  # had: the items each person already gave a current level
    for pk, slug, key, current in answers:
        existing.add((pk, slug, key))
        if current is not None:
            had.setdefault(pk, set()).add((slug, key))
    round_items = Item.objects.filter(version__assessments=assessment).count()
    people: dict[str, PersonPreview] = {}
    answered: dict[str, set] = {}
    for row in rows:
        found = respondents.get(row.respondent.lower())
        person = people.setdefault(
            row.respondent.lower(),
            PersonPreview(
                name=found.name if found else row.respondent,
                new=found is None,
                items=round_items,
                submitted=bool(found and found.is_submitted),
            ),
        )
        answered.setdefault(row.respondent.lower(), set(had.get(found.pk, ()) if found else ()))
        answered[row.respondent.lower()].add((row.framework, row.item))
        if found and (found.pk, row.framework, row.item) in existing:
            person.replaces += 1
        else:
            person.adds += 1
    for name, person in people.items():
        person.answered = len(answered[name])
    items = len({(row.framework, row.item) for row in rows})
    return ImportPreview(
        people=sorted(people.values(), key=lambda p: (p.new, p.name.lower())),
        items=items,
        unknown=_unknown_names(rows, matched),
    )


def scores_import(
    *,
    assessment: Assessment,
    rows: list,
    add_respondents: bool = False,
    mark_submitted: Collection[str] = (),
) -> ImportSummary:
    """Save checked workshop rows: each named respondent's scores.

    Someone is marked as submitted when their answers, with any they had, cover every item of
    the round, or when the lead asked for it: ``mark_submitted`` holds their names as the sheet
    spells them, or as the round names them (any case). Others keep their answers as a draft;
    someone who had submitted stays submitted.

    Rows come from assessment.imports.check_rows, so every line is already valid on its own.
    A name the round does not have is refused with ScoresFileError (the closest existing name
    suggested) unless ``add_respondents``, when it joins the round as a new respondent. A
    sheet that names one person twice (by e-mail and by name) for the same item is refused too.
    """
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    items = {
        (i.version.framework.slug, i.key): i
        for i in Item.objects.filter(version__assessments=assessment).select_related(
            "version__framework"
        )
    }
    with transaction.atomic():
        states.lock_for(states.IMPORT_SCORES, assessment.pk)
        matched = _matched(assessment, rows)
        if matched.shared:
            raise ScoresFileError(list(matched.shared.values()))
        if not add_respondents and (unknown := _unknown_names(rows, matched)):
            raise ScoresFileError(unknown)
        respondents = matched.respondents
        _refuse_people_named_twice(rows, respondents)
        created, now = 0, timezone.now()
        for name in dict.fromkeys(row.respondent for row in rows):
            if name.lower() not in respondents:
                respondents[name.lower()] = Respondent.objects.create(
                    assessment=assessment, name=name, imported=True
                )
                created += 1
        touched = {respondents[row.respondent.lower()].pk for row in rows}
        existing = {
            (r.respondent_id, r.item_id): r
            for r in Response.objects.filter(respondent_id__in=touched)
        }
        new, changed = [], []
        for row in rows:
            respondent = respondents[row.respondent.lower()]
            item = items[(row.framework, row.item)]
            response = existing.get((respondent.pk, item.pk))
            if response is None:
                response = Response(respondent=respondent, item=item)
                new.append(response)
            else:
                changed.append(response)
            response.current, response.target = row.current, row.target
            response.evidence, response.confidence = row.evidence, row.confidence
            response.updated_at = now  # a bulk update skips auto_now
        bulk_create_with_history(new, Response, batch_size=500)
        if changed:
            bulk_update_with_history(changed, Response, ANSWER_FIELDS, batch_size=500)
        submitted, drafts = _mark_submitted(
            people={respondents[row.respondent.lower()] for row in rows},
            asked={respondents[n.lower()].pk for n in mark_submitted if n.lower() in respondents},
            items=len(items),
            now=now,
        )
    return ImportSummary(
        respondents=len(touched),
        created_respondents=created,
        responses=len(rows),
        submitted=submitted,
        drafts=drafts,
    )


def _mark_submitted(
    *, people: set[Respondent], asked: set[int], items: int, now
) -> tuple[list[str], list[str]]:
    """Mark as submitted those who answered every item or whom the lead named; (names marked,
    names left as drafts); ``asked`` holds the respondents the lead named. Someone already
    submitted is neither."""
    answered = dict(
        Response.objects.filter(respondent__in=people, current__isnull=False)
        .values("respondent_id")
        .annotate(n=Count("item_id"))
        .values_list("respondent_id", "n")
        .order_by()
    )
    waiting = sorted((p for p in people if not p.is_submitted), key=lambda p: p.name.lower())
    marked = [p for p in waiting if answered.get(p.pk, 0) >= items or p.pk in asked]
    # A save per person, not an update(): the history records who submitted and when.
    for person in marked:
        person.submitted_at = now
        person.save(update_fields=["submitted_at"])
    return [p.name for p in marked], [p.name for p in waiting if p not in marked]


def _refuse_people_named_twice(rows: list, respondents: dict[str, Respondent]) -> None:
    """Two lines that reach one respondent (say, by e-mail and by name) for one item."""
    first: dict[tuple, object] = {}
    errors = []
    for row in rows:
        person = respondents.get(row.respondent.lower())
        if person is None:
            continue  # a new name: check_rows has already refused its repeats
        key = (person.pk, row.framework, row.item)
        earlier = first.setdefault(key, row)
        if earlier is not row:
            errors.append(
                LineError(
                    row.line,
                    f"{row.respondent} is {person.name}, who scored {row.item} already on line "
                    f"{earlier.line} (as {earlier.respondent})",
                )
            )
    if errors:
        raise ScoresFileError(errors)


logger = logging.getLogger(__name__)

# An upload waits here between its preview and the lead's go-ahead.
STASH = "imports"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
STASH_KEPT = timedelta(days=1)


# Storage failures are caught broadly: a folder raises OSError, a bucket its client's own errors.
STORAGE_DOWN = (
    "{what}: the site's file storage is not working. Nothing was imported; try again later, or "
    "tell whoever runs this site."
)


def upload_stash(*, assessment: Assessment, name: str, content: bytes) -> str:
    """Keep a checked upload until the lead confirms it; returns the token that finds it.
    ValidationError when storage cannot keep it (nothing else has been written)."""
    _stash_sweep()
    token = secrets.token_urlsafe(32)
    suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
    try:
        default_storage.save(f"{STASH}/{assessment.pk}/{token}{suffix}", ContentFile(content))
    except Exception as exc:
        logger.warning("An upload to round %s could not be kept (%s)", assessment.pk, exc)
        what = "The file could not be kept while you check what it would import"
        raise ValidationError(STORAGE_DOWN.format(what=what), code="storage") from exc
    return token


def upload_unstash(*, assessment: Assessment, token: str) -> tuple[str, bytes]:
    """The upload a preview kept, as (name, content); ValidationError when it is gone, was
    imported already, or storage cannot read it back."""
    if _TOKEN.match(token or ""):
        for suffix in (".xlsx", ".csv"):
            name = f"{STASH}/{assessment.pk}/{token}{suffix}"
            if cache.get(_imported_key(name)):
                break
            try:
                if default_storage.exists(name):
                    with default_storage.open(name, "rb") as stored:
                        return name, stored.read()
            except Exception as exc:
                logger.warning("The kept upload %s could not be read (%s)", name, exc)
                what = "The file kept for this preview could not be read back"
                raise ValidationError(STORAGE_DOWN.format(what=what), code="storage") from exc
    raise ValidationError("That upload has expired or was already imported: upload the file again.")


def upload_forget(*, name: str) -> None:
    """Remove an imported upload. Storage that refuses does not undo the import, which has
    committed: the upload is remembered as imported, so its preview cannot import it twice, and
    the sweep removes it after a day."""
    try:
        default_storage.delete(name)
    except Exception as exc:
        logger.warning("The imported upload %s could not be removed (%s)", name, exc)
        cache.set(_imported_key(name), True, timeout=STASH_KEPT.total_seconds())


def _imported_key(name: str) -> str:
    return f"assessment-upload-imported:{name}"


def _stash_sweep() -> None:
    """Uploads previewed and never confirmed are kept for a day. Storage that refuses to list
    or remove them leaves them for the next upload's sweep: this one is not refused for it."""
    cutoff = timezone.now() - STASH_KEPT
    try:
        for folder in default_storage.listdir(STASH)[0]:
            for name in default_storage.listdir(f"{STASH}/{folder}")[1]:
                path = f"{STASH}/{folder}/{name}"
                if default_storage.get_modified_time(path) < cutoff:
                    default_storage.delete(path)
    except FileNotFoundError:
        return  # nothing kept yet, or another sweep removed it meanwhile
    except Exception as exc:
        logger.warning("Uploads kept over a day were not swept (%s)", exc)

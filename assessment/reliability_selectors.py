"""Reads that give rounds their reliability figures (assessment.reliability), one round or many.

The bootstrap interval takes about a tenth of a second per framework, so figures are kept in the
cache under a digest of the answers they came from: the same answers give the same figures (the
seed is fixed), and a changed answer changes the digest, so nothing kept can go stale.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from importlib.metadata import version as package_version

from django.core.cache import cache

from assessment.models import Assessment, Response
from assessment.reliability import RESAMPLES, SEED, FrameworkAnswers, Reliability, reliability
from assessment.statistics import SplitRule, split_rule
from frameworks.models import FrameworkVersion, Item, matrix_first

CACHE_SECONDS = 60 * 60 * 24 * 30
# A new release of the library could give other figures: its version is part of the key.
LIBRARY = package_version("krippendorff")


def framework_answers(summaries) -> list[FrameworkAnswers]:
    """A round's answers per framework version, from assessment_summaries (no queries)."""
    by_version: dict[int, list] = defaultdict(list)
    for summary in summaries:
        by_version[summary.item.version_id].append(summary)
    versions = matrix_first({rows[0].framework for rows in by_version.values()})
    answers = []
    for version in versions:
        rows = by_version[version.pk]
        levels = tuple(level.value for level in version.levels.all())
        values = {(r.respondent_id, s.item.pk): r.current for s in rows for r in s.responses}
        answers.append(_answers(version, levels, [s.item for s in rows], values))
    return answers


def _answers(version, levels, items, values: dict[tuple[int, int], int | None]):
    """FrameworkAnswers from {(respondent id, item id): current}."""
    respondents = sorted({respondent for respondent, _ in values})
    return FrameworkAnswers(
        framework=version.framework.slug,
        version=version.version,
        title=version.title,
        levels=levels,
        items=tuple((item.key, item.title) for item in items),
        rows=tuple(
            tuple(values.get((respondent, item.pk)) for item in items) for respondent in respondents
        ),
    )


def round_reliability(summaries) -> list[Reliability]:
    """A round's figures per framework version, from assessment_summaries (no queries beyond
    the cache)."""
    return _kept(framework_answers(summaries))


def rounds_reliability(
    assessment_ids: Iterable[int], *, intervals: bool = True
) -> dict[int, list[Reliability]]:
    """Many rounds' figures per framework version, by round id (5 queries however many).

    Without `intervals`, figures not yet kept come without their bootstrap interval, which is
    what takes the time (about a tenth of a second a framework): a page of hundreds of rounds
    shows every interval already worked out and is drawn at once for the rest."""
    ids = list(assessment_ids)
    pins = Assessment.framework_versions.through.objects.filter(assessment_id__in=ids)
    pinned: dict[int, list[int]] = defaultdict(list)
    for assessment_id, version_id in pins.values_list("assessment_id", "frameworkversion_id"):
        pinned[assessment_id].append(version_id)
    version_ids = {pk for pks in pinned.values() for pk in pks}
    versions = {
        v.pk: v
        for v in FrameworkVersion.objects.filter(pk__in=version_ids)
        .select_related("framework")
        .prefetch_related("levels")
    }
    items: dict[int, list[Item]] = defaultdict(list)
    for item in Item.objects.filter(version__in=version_ids).order_by("version", "position"):
        items[item.version_id].append(item)
    values: dict[int, dict] = defaultdict(dict)
    submitted = Response.objects.filter(
        respondent__assessment__in=ids, respondent__submitted_at__isnull=False
    ).values_list("respondent__assessment_id", "respondent_id", "item_id", "current")
    for assessment_id, respondent_id, item_id, current in submitted:
        values[assessment_id][(respondent_id, item_id)] = current
    answers = {
        assessment_id: [
            _answers(
                version,
                tuple(level.value for level in version.levels.all()),
                items[version.pk],
                _of(values[assessment_id], items[version.pk]),
            )
            for version in matrix_first(versions[pk] for pk in pinned[assessment_id])
        ]
        for assessment_id in ids
    }
    figures = _kept([a for per_round in answers.values() for a in per_round], intervals=intervals)
    found = iter(figures)
    return {assessment_id: [next(found) for _ in answers[assessment_id]] for assessment_id in ids}


def _of(values: dict, items: list[Item]) -> dict:
    """The answers to these items only: a round's answers to one of its frameworks."""
    wanted = {item.pk for item in items}
    return {key: value for key, value in values.items() if key[1] in wanted}


def _kept(answers: list[FrameworkAnswers], *, intervals: bool = True) -> list[Reliability]:
    """Each framework's figures, from the cache where they were worked out before; those
    worked out now are kept only with their interval."""
    rule = split_rule()
    keys = [_key(a, rule) for a in answers]
    found = cache.get_many(keys)
    missing = {}
    figures = []
    for key, a in zip(keys, answers, strict=True):
        if key not in found:
            found[key] = reliability(a, rule, resamples=RESAMPLES if intervals else 0)
            if intervals:
                missing[key] = found[key]
        figures.append(found[key])
    if missing:
        cache.set_many(missing, CACHE_SECONDS)
    return figures


def _key(answers: FrameworkAnswers, rule: SplitRule) -> str:
    """A digest of everything the figures depend on."""
    what = repr((answers, rule, RESAMPLES, SEED, LIBRARY))
    return "reliability:" + hashlib.sha256(what.encode()).hexdigest()


def basis() -> str:
    """A digest of what figures are worked out under besides the answers: figures kept under
    another (a changed split rule, a new release of the library) are out of date."""
    return hashlib.sha256(repr((split_rule(), RESAMPLES, SEED, LIBRARY)).encode()).hexdigest()

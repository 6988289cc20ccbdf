"""Fictional demo data: places, people and rounds in every state, so every page has something.

Everything here is made up. Scores are drawn from a seeded random generator, so a run is
repeatable, and each place has its own profile of strengths and weaknesses.
"""

import random
from datetime import date, datetime, time, timedelta
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessment.demo_actions import seed_demo_actions
from assessment.demo_content import EVIDENCE, LESSON_EVIDENCE, PLACES
from assessment.models import (
    COMPARE_CODENAME,
    Assessment,
    Confidence,
    Consensus,
    Membership,
    Place,
    PlaceKind,
    Region,
    Respondent,
    Response,
    Role,
    RoundStatus,
    Sector,
    Sharing,
)
from assessment.signals import round_closed
from frameworks.models import FrameworkVersion, Item
from frameworks.selectors import first_published_versions, latest_published_versions

DEMO_PASSWORD = "integration-demo"


@cache
def _demo_password_hash() -> str:
    # Hashing is slow on purpose; every demo user shares the one password, so hash it once.
    return make_password(DEMO_PASSWORD)


def _user(first: str, last: str, email: str):
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=email,
        defaults={
            "email": email,
            "first_name": first,
            "last_name": last,
            "password": _demo_password_hash(),
        },
    )
    return user


def _email(first: str, last: str, code: str) -> str:
    return f"{first}.{last}@{code}.example.org".lower()


def seed_demo(*, extra_places: int = 0, respondents_per_round: int = 20) -> dict:
    """Create the demo (idempotently) and, if asked, extra synthetic places for scale tests."""
    versions = latest_published_versions()
    items = _items_of(versions)
    # The earliest rounds were scored on the first published versions: the demo shows both.
    first_versions = first_published_versions()
    editions = {True: (first_versions, _items_of(first_versions)), False: (versions, items)}
    counts = {"places": 0, "rounds": 0, "responses": 0}
    seeded_before = set(Assessment.objects.values_list("pk", flat=True))
    with transaction.atomic():
        admin = _user("Alex", "Admin", "admin@example.org")
        if not admin.is_staff:
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        analysts, _ = Group.objects.get_or_create(name="Analysts")
        analysts.permissions.add(Permission.objects.get(codename=COMPARE_CODENAME))
        _user("Ana", "Lyst", "analyst@example.org").groups.add(analysts)
        for spec in PLACES:
            if Place.objects.filter(code=spec["code"]).exists():
                continue
            place = Place.objects.create(
                code=spec["code"], name=spec["name"], kind=spec["kind"], region=spec["region"]
            )
            lead = _user(*spec["lead"], _email(*spec["lead"], spec["code"]))
            Membership.objects.create(
                user=lead, place=place, role=Role.LEAD, sector=Sector.COMMISSIONER
            )
            people = [_user(f, last, _email(f, last, spec["code"])) for f, last in spec["people"]]
            # The council, the NHS and the voluntary sector each have a voice in every place.
            Membership.objects.bulk_create(
                Membership(user=p, place=place, role=Role.RESPONDENT, sector=sector)
                for p, sector in zip(people, DEMO_SECTORS, strict=False)
            )
            viewer = _user("Board", "Member", f"board@{spec['code']}.example.org")
            Membership.objects.create(user=viewer, place=place, role=Role.VIEWER)
            rng = random.Random(spec["code"])
            profile = {item.key: _base_level(rng, item) for item in items}
            for months_ago, (period, status, sharing) in zip(
                range(len(spec["rounds"]) * 6 - 6, -1, -6), spec["rounds"], strict=True
            ):
                started = _started(status, months_ago)
                people_in_round = [lead, *people]
                waiting = spec.get("not_started", (spec["people"][-1][0],))
                pinned, pinned_items = editions[period == FIRST_EDITION_PERIOD]
                _round(
                    place,
                    period,
                    status,
                    sharing,
                    pinned,
                    pinned_items,
                    people_in_round,
                    profile,
                    rng,
                    lead,
                    started,
                    waiting,
                )
                # Places improve between rounds.
                profile = {key: v + (rng.random() < 0.35) for key, v in profile.items()}
                counts["rounds"] += 1
            counts["places"] += 1
        counts["places"] += _synthetic_places(
            extra_places, respondents_per_round, versions, items, counts
        )
        # The demo writes closed rounds directly: announce each close, as closing one does.
        closed = Assessment.objects.filter(status=RoundStatus.CLOSED).exclude(pk__in=seeded_before)
        for assessment in closed.select_related("place"):
            round_closed.send(sender=Assessment, assessment=assessment)
        counts.update(seed_demo_actions())
    return counts


FIRST_EDITION_PERIOD = "2025 Q4"
DEMO_SECTORS = [Sector.LOCAL_AUTHORITY, Sector.NHS_PROVIDER, Sector.VOLUNTARY, Sector.NHS_PROVIDER]


def _items_of(versions: list[FrameworkVersion]) -> list[Item]:
    return list(
        Item.objects.filter(version__in=versions)
        .select_related("version__framework")
        .prefetch_related("version__levels")
        .order_by("-version__framework__kind", "position")
    )


def _base_level(rng: random.Random, item) -> int:
    values = [lv.value for lv in item.version.levels.all()]
    return rng.choice(values[: max(2, len(values) - 1)])


def _clamp(value: int, item) -> int:
    values = [lv.value for lv in item.version.levels.all()]
    return max(values[0], min(values[-1], value))


def _started(status: str, months_ago: int) -> date:
    """When a round began: an open one ten days ago, its deadline still ahead; one whose
    scoring has ended far enough back that its four-week deadline has passed."""
    if status == RoundStatus.OPEN:
        return date.today() - timedelta(days=10)
    return date.today() - timedelta(days=30 * months_ago + 45)


def _target(item, level: int) -> int | None:
    """A context factor (Place) describes circumstances: it takes no target."""
    return None if item.is_context else _clamp(level, item)


def _round(
    place, period, status, sharing, versions, items, people, profile, rng, lead, started, waiting
):
    assessment = Assessment.objects.create(
        place=place,
        period=period,
        status=status,
        sharing=sharing,
        created_by=lead,
        deadline=started + timedelta(days=28),
        show_names=place.code == "riverside",
    )
    assessment.framework_versions.set(versions)
    # With history, as if people had scored on the pages: the round's history page shows it.
    when = timezone.make_aware(datetime.combine(started, time(10)))
    respondents = bulk_create_with_history(
        [Respondent(assessment=assessment, user=p, name=p.get_full_name()) for p in people],
        Respondent,
        default_user=lead,
        default_date=when,
    )
    now = timezone.now()
    responses = []
    for index, respondent in enumerate(respondents):
        # In an open round some people are still drafting, one has not started.
        if status == RoundStatus.OPEN and respondent.user.first_name in waiting:
            continue
        drafting = status == RoundStatus.OPEN and index % 2 == 1
        chosen = items[: len(items) // 2] if drafting else items
        for item in chosen:
            response = _response(rng, respondent, item, profile[item.key])
            response._history_user = respondent.user
            responses.append(response)
        if not drafting:
            respondent.submitted_at = now
    Respondent.objects.bulk_update(respondents, ["submitted_at"])
    bulk_create_with_history(responses, Response, batch_size=1000, default_date=when)
    if status != RoundStatus.OPEN:
        agreed = items if status == RoundStatus.CLOSED else items[:12]
        positions = [
            Consensus(
                assessment=assessment,
                item=item,
                current=_clamp(profile[item.key], item),
                target=_target(item, profile[item.key] + 1),
                recorded_by=lead,
                rationale=_reason(item, _clamp(profile[item.key], item), responses),
            )
            for item in agreed
        ]
        _minority_view(positions, responses)
        bulk_create_with_history(
            positions, Consensus, default_user=lead, default_date=when + timedelta(days=21)
        )
    return assessment, len(responses)


def _reason(item, level: int, responses: list[Response]) -> str:
    """A demo rationale that reads like a workshop's: how the answers fell, and why this level."""
    answers = [r.current for r in responses if r.item_id == item.pk and r.current is not None]
    names = {lv.value: f"{lv.value} {lv.label}" for lv in item.level_labels()}
    at = sum(1 for value in answers if value == level)
    spread = f"{at} of {len(answers)} answers put it at {names.get(level, level)}"
    if item.is_context:
        return f"{spread}. The team agreed this describes the place's circumstances as they are."
    return (
        f"{spread}. The evidence the team could point to (signed agreements, figures with a "
        f"baseline) matched that level; what the next level asks for is not yet in place."
    )


def _minority_view(positions: list[Consensus], responses: list[Response]) -> None:
    """Record the view some held against the agreed level on the most disputed item: the
    answers furthest from where the team settled (who held it is not kept)."""
    by_item: dict[int, list[int]] = {}
    for response in responses:
        by_item.setdefault(response.item_id, []).append(response.current)

    def distance(position: Consensus) -> int:
        return max(
            (abs(v - position.current) for v in by_item.get(position.item_id, [])), default=0
        )

    disputed = max(positions, key=distance, default=None)
    if disputed is None or distance(disputed) == 0:
        return
    answers = by_item[disputed.item_id]
    lower = sum(v < disputed.current for v in answers) >= sum(v > disputed.current for v in answers)
    disputed.minority_view = (
        "Some of the team put this lower: the progress is real in two neighbourhoods but not "
        "yet across the place."
        if lower
        else "Some of the team put this higher: the work already under way will show in the "
        "next round's evidence."
    )


def _response(rng, respondent, item, base):
    # Most answers sit at or next to the place's level; a few people see it quite differently.
    offset = rng.choices([-2, -1, 0, 1, 2], weights=[1, 5, 12, 5, 1])[0]
    current = _clamp(base + offset, item)
    target = _target(item, current + rng.choice([0, 1, 1, 2]))
    bank = EVIDENCE.get(item.key, LESSON_EVIDENCE)
    return Response(
        respondent=respondent,
        item=item,
        current=current,
        target=target,
        evidence=rng.choice(bank) if rng.random() < 0.7 else "",
        confidence=rng.choice(Confidence.values),
    )


def _synthetic_places(count, per_round, versions, items, counts) -> int:
    """Many made-up places with two closed, shared rounds each: the national scale."""
    regions, kinds = Region.values, [PlaceKind.ICS, PlaceKind.HWB, PlaceKind.BOROUGH]
    created = 0
    for n in range(1, count + 1):
        code = f"place-{n:03d}"
        if Place.objects.filter(code=code).exists():
            continue
        place = Place.objects.create(
            code=code, name=f"Place {n:03d}", kind=kinds[n % 3], region=regions[n % len(regions)]
        )
        rng = random.Random(code)
        profile = {item.key: _base_level(rng, item) for item in items}
        for period in ("2025 Q4", "2026 Q2"):
            assessment = Assessment.objects.create(
                place=place,
                period=period,
                status=RoundStatus.CLOSED,
                sharing=rng.choice([Sharing.NAMED, Sharing.NAMED, Sharing.ANONYMOUS]),
            )
            assessment.framework_versions.set(versions)
            respondents = Respondent.objects.bulk_create(
                Respondent(
                    assessment=assessment, name=f"Respondent {i}", submitted_at=timezone.now()
                )
                for i in range(1, per_round + 1)
            )
            Response.objects.bulk_create(
                (_response(rng, r, item, profile[item.key]) for r in respondents for item in items),
                batch_size=2000,
            )
            counts["responses"] += per_round * len(items)
            profile = {key: v + (rng.random() < 0.3) for key, v in profile.items()}
        created += 1
    return created

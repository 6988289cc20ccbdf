"""Places, their people, rounds of self-assessment, responses and consensus."""

from datetime import date

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from assessment.text import PlainText
from frameworks.models import FrameworkVersion, Item

EVIDENCE_MAX_LENGTH = 5000
# "Without names" needs a crowd: below this many answers (on an item, from a sector, in a round)
# an answer shown without a name can still be told apart, so sectors are pooled and leads warned.
SMALLEST_ANONYMOUS_GROUP = 3


class PlaceKind(models.TextChoices):
    ICS = "ics", "Integrated care system"
    HWB = "hwb", "Health and wellbeing board"
    BOROUGH = "borough", "Borough"
    OTHER = "other", "Other"


class Region(models.TextChoices):
    NORTH_EAST_YORKSHIRE = "north-east-yorkshire", "North East and Yorkshire"
    NORTH_WEST = "north-west", "North West"
    MIDLANDS = "midlands", "Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East"
    SOUTH_WEST = "south-west", "South West"


class Place(models.Model):
    # Set by staff in the admin, whose forms run the model's validators.
    name = models.CharField(max_length=200, validators=[PlainText("The place's name")])
    code = models.SlugField(
        max_length=40, unique=True, help_text="A short code, e.g. 'tower-hamlets'."
    )
    kind = models.CharField(max_length=10, choices=PlaceKind.choices, default=PlaceKind.BOROUGH)
    region = models.CharField(max_length=30, choices=Region.choices, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    LEAD = "lead", "Lead (facilitator)"
    RESPONDENT = "respondent", "Respondent"
    VIEWER = "viewer", "Board viewer"


class Sector(models.TextChoices):
    """Where a member works: a split between the council and the NHS shows as such."""

    NHS_PROVIDER = "nhs-provider", "NHS provider"
    COMMISSIONER = "commissioner", "Commissioner"
    LOCAL_AUTHORITY = "local-authority", "Local authority"
    VOLUNTARY = "voluntary", "Voluntary and community sector"
    OTHER = "other", "Other"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices)
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    # The name the lead gave when adding them: the place shows it, not the account's own name,
    # so adding someone tells nothing of an account they may already have elsewhere.
    name = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["place", "role", "user__email"]
        constraints = [models.UniqueConstraint(fields=["user", "place"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} · {self.place} · {self.get_role_display()}"


class RoundStatus(models.TextChoices):
    OPEN = "open", "Open for scoring"
    CONSENSUS = "consensus", "Consensus"
    CLOSED = "closed", "Closed"


class Sharing(models.TextChoices):
    PRIVATE = "private", "Not shared"
    ANONYMOUS = "anonymous", "Shared anonymously"
    NAMED = "named", "Shared by name"


# How a round moves between these, and what each stage allows to whom: assessment.states.


# Analysts hold this permission: they read rounds other places have shared for comparison.
COMPARE_CODENAME = "compare_places"
COMPARE_PERMISSION = f"assessment.{COMPARE_CODENAME}"


def can_compare(user) -> bool:
    return user.is_authenticated and user.has_perm(COMPARE_PERMISSION)


def _own_places(user) -> models.QuerySet:
    return Place.objects.filter(memberships__user=user).values("pk")


class AssessmentQuerySet(models.QuerySet):
    """Who may see which round, decided here for every page, export, chart and API."""

    def visible_to(self, user) -> "AssessmentQuerySet":
        """Rounds whose own pages the user may open: every round of their places; for an
        analyst, also closed rounds shared by name; every round for staff."""
        if user.is_staff:
            return self.all()
        own = models.Q(place__in=_own_places(user))
        if can_compare(user):
            return self.filter(own | models.Q(status=RoundStatus.CLOSED, sharing=Sharing.NAMED))
        return self.filter(own)

    def comparable_for(self, user) -> "AssessmentQuerySet":
        """Closed rounds the user may put side by side: their own places', and for an analyst
        every shared round (an anonymous one is shown without its place; see reports)."""
        closed = self.filter(status=RoundStatus.CLOSED)
        if user.is_staff:
            return closed
        own = models.Q(place__in=_own_places(user))
        if can_compare(user):
            return closed.filter(own | ~models.Q(sharing=Sharing.PRIVATE))
        return closed.filter(own)

    def listed_for(self, user) -> "AssessmentQuerySet":
        """Rounds that may appear in the user's lists: those visible, and those comparable."""
        return self.visible_to(user) | self.comparable_for(user)

    def lock(self, pk: int) -> "Assessment":
        """The round's row, locked until the transaction ends, with its status as stored.

        Every write whose rule depends on the round's status takes this lock first and checks
        the status it returns, so a write and a change of status never interleave.
        """
        return self.select_for_update().get(pk=pk)


class Assessment(models.Model):
    """A round: one place scoring itself at one time against pinned framework versions."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="assessments")
    period = models.CharField(max_length=40, help_text='A label for the round, e.g. "2026 Q4".')
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    framework_versions = models.ManyToManyField(FrameworkVersion, related_name="assessments")
    deadline = models.DateField(null=True, blank=True)
    show_names = models.BooleanField(
        default=False, help_text="Show each person's answers by name to the team and in reports."
    )
    sharing = models.CharField(max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE)
    # Why the round last stepped back (reopened), kept in its history with who and when.
    status_reason = models.TextField(blank=True, max_length=EVIDENCE_MAX_LENGTH)
    # The round this one follows on from: its open actions were carried over.
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_rounds"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When remove_old_evidence blanked the answers' evidence under EVIDENCE_RETENTION_DAYS:
    # the report says so where the evidence would have shown.
    evidence_removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["place__name", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["place", "period"], name="unique_round_period")
        ]
        permissions = [(COMPARE_CODENAME, "Can compare shared rounds across places")]

    def __str__(self):
        return f"{self.place} {self.period}"

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def is_at_consensus(self) -> bool:
        return self.status == RoundStatus.CONSENSUS

    @property
    def is_closed(self) -> bool:
        return self.status == RoundStatus.CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline is not None and self.deadline < date.today()

    @property
    def evidence_retention_days(self) -> int:
        """The retention policy's days after closing, for the report's sentence where evidence
        was removed (the templates cannot read settings)."""
        return settings.EVIDENCE_RETENTION_DAYS

    def names_place_to(self, user, own_place_ids: set[int]) -> bool:
        """Whether the user may see which place this round belongs to."""
        return user.is_staff or self.place_id in own_place_ids or self.sharing == Sharing.NAMED


class Respondent(models.Model):
    """Someone who scores a round: a signed-in user, or a name from a workshop sheet."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    submitted_at = models.DateTimeField(null=True, blank=True)
    imported = models.BooleanField(default=False)
    # Bumped on every save of answers: the scoring form carries the revision it was drawn from,
    # so a stale tab is shown the newer answers instead of overwriting them.
    revision = models.PositiveIntegerField(default=0)
    invited_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who takes part, who joined, submitted or was removed: participant changes are history.
    history = HistoricalRecords(excluded_fields=["revision"])

    class Meta:
        ordering = ["assessment", "name"]
        constraints = [
            # A member is one person however many share their name; a name from a workshop
            # sheet is all that tells its person apart, so those stay unique in a round.
            models.UniqueConstraint(
                fields=["assessment", "name"],
                condition=models.Q(user__isnull=True),
                name="unique_respondent_name",
            ),
            models.UniqueConstraint(
                fields=["assessment", "user"],
                condition=models.Q(user__isnull=False),
                name="unique_respondent_user",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Confidence(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Response(models.Model):
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="responses")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    current = models.PositiveSmallIntegerField(null=True, blank=True)
    target = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = models.TextField(blank=True, max_length=EVIDENCE_MAX_LENGTH)
    confidence = models.CharField(max_length=6, choices=Confidence.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["respondent", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["respondent", "item"], name="unique_response_item")
        ]

    def __str__(self):
        return f"{self.respondent} · {self.item.key}"


class Consensus(models.Model):
    """The team's agreed position on one item, recorded by the facilitator."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="consensus")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    current = models.PositiveSmallIntegerField()
    # Empty for a context factor (Place): it describes circumstances, so it takes no target.
    target = models.PositiveSmallIntegerField(null=True, blank=True)
    rationale = models.TextField(max_length=EVIDENCE_MAX_LENGTH)
    # Optional: a view some of the team held against the agreed level. Who held it is not kept.
    minority_view = models.TextField(blank=True, max_length=EVIDENCE_MAX_LENGTH)
    # Bumped on every save: a form carries the revision it was drawn from, to catch a clash.
    revision = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "consensus"
        ordering = ["assessment", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="unique_consensus_item")
        ]

    def __str__(self):
        return f"{self.assessment} · {self.item.key}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in-progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Action(models.Model):
    """An owned step of a round's improvement plan, aimed at one or more of its items."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=EVIDENCE_MAX_LENGTH)
    # Owners are often outside the app: a person and their organisation, as free text.
    owner = models.CharField(max_length=200, blank=True)
    owner_member = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    due = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    items = models.ManyToManyField(Item, related_name="+")
    # The level the action is expected to bring each of its items to, by item key, on that
    # item's own scale (a lesson's 0–3 beside a factor's 1–4); a context factor has none.
    expected_levels = models.JSONField(default=dict, blank=True)
    # The action of the round before that this one continues.
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[items])

    class Meta:
        ordering = ["assessment", "due", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due is not None and self.due < date.today()

    def expected_level_for(self, item: Item) -> int | None:
        """The level this action is expected to bring the item to, if said."""
        return self.expected_levels.get(item.key)

    @property
    def expected_level(self) -> int | None:
        """Read-only, for readers written when an action had one level for all its items: the
        level when every item expects the same one, else None. Prefer expected_level_for."""
        values = set(self.expected_levels.values())
        return values.pop() if len(values) == 1 else None


class Reminder(models.Model):
    """A reminder e-mailed to the people of a round who had not submitted."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reminders")
    sent_at = models.DateTimeField(auto_now_add=True)
    # Empty when the daily reminder command sent it.
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipients = models.TextField(help_text="The names reminded, one a line.")

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.assessment} · {self.sent_at:%Y-%m-%d}"

    @property
    def names(self) -> list[str]:
        return self.recipients.splitlines()

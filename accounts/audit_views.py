"""The audit log as staff read it: a filtered page of events, and the same events as CSV.

Information governance asks to see who signed in, who failed to, whose role changed and who
took response-level data away; this is where staff look, and what they hand over when asked.
"""

from datetime import date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from accounts.models import AuditEvent, AuditKind
from config.cells import csv_lines

PER_PAGE = 50
CSV_HEADER = ["when", "kind", "person", "by", "address_typed", "ip_address", "detail"]
# What a spreadsheet would read as the start of a formula (an address typed at a failed
# sign-in is anyone's text).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class AuditFilterForm(forms.Form):
    """The filters of the log, read from the query string: every one may be left empty."""

    kind = forms.ChoiceField(
        label="What happened", choices=[("", "Anything"), *AuditKind.choices], required=False
    )
    person = forms.CharField(
        label="E-mail address contains",
        max_length=254,
        required=False,
        help_text="The person's address, or the address typed at a failed sign-in.",
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The “to” date must be on or after the “from” date.")
        return cleaned


def events_filtered(form: AuditFilterForm) -> QuerySet:
    """The events the (valid) form asks for, newest first, with the people they name in the
    same query."""
    events = AuditEvent.objects.select_related("person", "by").order_by("-at", "-pk")
    data = form.cleaned_data
    if data["kind"]:
        events = events.filter(kind=data["kind"])
    if data["person"]:
        text = data["person"]
        events = events.filter(Q(person__email__icontains=text) | Q(email__icontains=text))
    if (start := data["date_from"]) and start > date.min:
        events = events.filter(at__gte=_day_start(start))
    # Up to the start of the day after the last one asked for, where the calendar has one.
    if (end := data["date_to"]) and end < date.max:
        events = events.filter(at__lt=_day_start(end + timedelta(days=1)))
    return events


def _day_start(day: date) -> datetime:
    """Midnight in the service's time zone (a day in the log is a day in London), in UTC so
    that a date near either end of the calendar cannot overflow on its way to the database."""
    local = timezone.make_aware(datetime.combine(day, time.min))
    try:
        return local.astimezone(timezone.UTC)
    except OverflowError:
        return local.replace(tzinfo=timezone.UTC)


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise PermissionDenied("The audit log is for administrators.")


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Filters that cannot be read are shown with what is wrong, and no events: a page of
    everything would look like the answer to the question asked."""
    _staff_only(request)
    form = AuditFilterForm(request.GET)
    page = None
    if form.is_valid():
        paginator = Paginator(events_filtered(form), PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
    return render(request, "accounts/audit.html", _context(form, page))


@login_required
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered events as CSV, every page of them, newest first."""
    _staff_only(request)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "accounts/audit.html", _context(form, None), status=400)
    rows = (_row(event) for event in events_filtered(form).iterator(chunk_size=2000))
    name = f"audit-log-{timezone.localdate():%Y-%m-%d}.csv"
    return StreamingHttpResponse(
        csv_lines(CSV_HEADER, rows),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )


def _context(form: AuditFilterForm, page) -> dict:
    return {
        "form": form,
        "page_obj": page,
        "nav": "audit",
        "retention_days": settings.AUDIT_RETENTION_DAYS,
    }


def _row(event: AuditEvent) -> list:
    return [
        timezone.localtime(event.at).isoformat(timespec="seconds"),
        event.get_kind_display(),
        event.person.email if event.person else "",
        event.by.email if event.by else "",
        event.email,
        event.ip_address or "",
        event.detail,
    ]

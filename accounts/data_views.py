"""A person's own data ("Your data"), and the staff page that erases a person.

"Your data" downloads as JSON (one document, every holder's tables) or as CSV: a zip of one CSV
file per table, since the tables have different columns and a spreadsheet opens each file as it
is, where one CSV with a "table" column would be mostly empty cells.
"""

import csv
import io
import json
import zipfile
from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit
from accounts.erasure import Refused, erase_person, person_with_address, refusals
from accounts.models import AuditKind
from accounts.personal_data import as_json, everything_about

FORMATS = {"json": "JSON", "csv": "CSV"}


@login_required
@require_GET
def your_data(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/your_data.html", {"formats": FORMATS})


@login_required
@require_GET
def your_data_download(request: HttpRequest) -> HttpResponse:
    wanted = request.GET.get("format", "")
    if wanted not in FORMATS:
        context = {
            "formats": FORMATS,
            "problem": (f"There is no download as {wanted!r}. " if wanted else "")
            + "Choose JSON or CSV below.",
        }
        return render(request, "accounts/your_data.html", context, status=400)
    data = everything_about(request.user)
    audit.record(
        AuditKind.DATA_DOWNLOADED, person=request.user, request=request, detail=FORMATS[wanted]
    )
    stem = f"your-data-{date.today():%Y-%m-%d}"
    if wanted == "json":
        response = HttpResponse(as_json(data), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
    else:
        response = HttpResponse(as_zip_of_csv(data), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{stem}.zip"'
    response["Cache-Control"] = "no-store"
    return response


def as_zip_of_csv(data: dict[str, dict[str, list[dict]]]) -> bytes:
    """One CSV per table, named "<holder>/<table>.csv"; an empty table is a file of its own
    too, so the person sees what was looked for and not found."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for label, tables in data.items():
            for table, rows in tables.items():
                archive.writestr(f"{slugify(label)}/{table}.csv", _csv(rows))
    return buffer.getvalue()


def _csv(rows: list[dict]) -> str:
    columns = list(dict.fromkeys(name for row in rows for name in row)) or ["nothing_held"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({name: _cell(value) for name, value in row.items()})
    return "\ufeff" + out.getvalue()  # the byte-order mark: Excel reads the file as UTF-8


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, default=str, ensure_ascii=False)
    if not isinstance(value, str):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    # Words a spreadsheet would run as a formula are shown as text.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class EraseForm(forms.Form):
    email = forms.EmailField(label="E-mail address of the person to erase", max_length=254)


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise PermissionDenied("Only staff may erase a person.")


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    """Type the address, see what will go and what stays, confirm."""
    _staff_only(request)
    form = EraseForm(request.POST or None)
    context = {"form": form}
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "accounts/erase.html", context, status=status)
    email = form.cleaned_data["email"]
    person = person_with_address(email)
    context["email"] = email
    if person is None:
        context["problem"] = (
            f"No account has the address {email}. Check the spelling; a person already erased "
            "has no address left to find."
        )
        return render(request, "accounts/erase.html", context, status=404)
    if reasons := refusals(person, by=request.user):
        context["refusals"] = reasons
        return render(request, "accounts/erase.html", context, status=409)
    confirmed = request.POST.get("confirm") == "erase"
    try:
        outcome = erase_person(person, by=request.user, request=request, preview=not confirmed)
    except Refused as refusal:  # a round opened since the preview
        context["refusals"] = [str(refusal)]
        return render(request, "accounts/erase.html", context, status=409)
    context["outcome"] = outcome
    return render(
        request, "accounts/erase_done.html" if confirmed else "accounts/erase.html", context
    )

"""The waterborne disease cases page (issue 28, item 7): a health facility's monthly table
uploaded, checked (a dry run reporting each line's problems) and recorded; the counts the
reader may see, by month and disease, with the latest ones (withdrawn by an editor when
recorded in error). Thin: spatial/health.py reads, checks and writes."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import tables

from . import health, selectors
from .choices import WaterborneDisease
from .models import DiseaseCaseCount

LATEST = 100
EXAMPLE = [3, "2026-11", WaterborneDisease.ACUTE_WATERY_DIARRHOEA, 12, "Upazila Health Complex"]


class TableForm(forms.Form):
    municipality = forms.ChoiceField(label=gettext_lazy("Municipality"))
    file = forms.FileField(label=gettext_lazy("Table (CSV or XLSX)"))

    def __init__(self, *args, municipalities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [(m.code, m.local_name) for m in municipalities]


def _problems(error: ValidationError) -> list[tuple[str, str]]:
    """A service's problems as (where, what): "Line 4, cases" for a row's cell."""
    found = []
    for key, texts in error.message_dict.items():
        line, _dot, column = key.partition(".")
        where = (
            _("Line %(line)s, %(column)s") % {"line": line, "column": column}
            if line.isdigit()
            else ""
        )
        found += [(where, text) for text in texts]
    return found


def _municipality(request: HttpRequest, editable: list):
    code = request.POST.get("municipality")
    for municipality in editable:
        if municipality.code == code:
            return municipality
    raise PermissionDenied


def _checked(request, editable, form) -> tuple[dict, int]:
    """The dry run of an uploaded table: what it would record, or every problem."""
    if not form.is_valid():
        return {}, 400
    municipality = _municipality(request, editable)
    upload = form.cleaned_data["file"]
    try:
        if upload.size > health.MAX_BYTES:
            raise ValidationError({"file": [_("The file is larger than 5 MB.")]})
        records = health.read_table(upload.read(), upload.name)
        rows = health.rows_from_records(records)
        done = health.disease_counts_record(
            user=request.user, municipality=municipality, rows=rows, dry_run=True, first_line=2
        )
    except ValidationError as error:
        return {"problems": _problems(error)}, 400
    kept = [{c: row[c] for c in health.COLUMNS} for row in rows]
    for row in kept:
        row["month"] = f"{row['month']:%Y-%m}"
    return {
        "checked": done,
        "rows": kept,
        "kept": json.dumps(kept),
        "municipality": municipality,
    }, 200


def _record(request, editable) -> HttpResponse | tuple[dict, int]:
    municipality = _municipality(request, editable)
    try:
        records = json.loads(request.POST.get("rows", ""))
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise ValueError
        records = [{k: str(v) for k, v in r.items()} for r in records]
    except ValueError:
        return {"problems": [("", _("The checked table was lost; upload it again."))]}, 400
    try:
        done = health.disease_counts_record(
            user=request.user,
            municipality=municipality,
            rows=health.rows_from_records(records),
            first_line=2,
        )
    except ValidationError as error:
        return {"problems": _problems(error)}, 400
    messages.success(
        request,
        _("Recorded: %(created)s new counts, %(updated)s replaced.") % done,
    )
    return redirect("spatial:disease-cases")


def _withdraw(request) -> HttpResponse:
    try:
        health.disease_count_withdraw(user=request.user, count_id=int(request.POST["count"]))
    except (KeyError, ValueError, DiseaseCaseCount.DoesNotExist):
        raise PermissionDenied from None
    messages.success(request, _("The count was withdrawn; its history keeps it."))
    return redirect("spatial:disease-cases")


@login_required
def disease_cases(request: HttpRequest) -> HttpResponse:
    municipalities = list(selectors.municipality_list(user=request.user))
    editable = [
        m for m in municipalities if selectors.can_edit_registers(user=request.user, municipality=m)
    ]
    if request.GET.get("template") == "csv":
        response = HttpResponse(
            "".join(tables.csv_lines(list(health.COLUMNS), [EXAMPLE])),
            content_type=tables.CSV_TYPE,
        )
        response["Content-Disposition"] = 'attachment; filename="disease-cases-template.csv"'
        return response
    form = TableForm(municipalities=editable)
    answer, status = {}, 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "withdraw":
            return _withdraw(request)
        if action == "record":
            answered = _record(request, editable)
            if isinstance(answered, HttpResponse):
                return answered
            answer, status = answered
        else:
            form = TableForm(request.POST, request.FILES, municipalities=editable)
            answer, status = _checked(request, editable, form)
    found = health.disease_counts(user=request.user)
    labels = dict(WaterborneDisease.choices)
    by_month = [
        row | {"disease": labels.get(row["disease"], row["disease"])}
        for row in found.order_by()
        .values("month", "disease")
        .annotate(cases=Sum("cases"))
        .order_by("-month", "disease")[:120]
    ]
    context = {
        "form": form if editable else None,
        "answer": answer,
        "by_month": by_month,
        "latest": found[:LATEST],
        "editable_ids": {m.pk for m in editable},
        # The file's own headers: not translated.
        "columns": format_html_join(
            ", ", '<code translate="no">{}</code>', ((c,) for c in health.COLUMNS)
        ),
        "diseases": WaterborneDisease.choices,
        "max_rows": health.MAX_ROWS,
    }
    return render(request, "spatial/disease_cases.html", context, status=status)

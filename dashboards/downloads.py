"""The indicator tables as CSV (UTF-8 with a byte-order mark, for spreadsheet programs) and
XLSX: one row per indicator with its value, numerator, denominator, rule, target and the
previous year's value, the survey coverage behind it and when it was computed."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _


def _header() -> list[str]:
    return [
        _("Group"),
        _("Provider"),
        _("Code"),
        _("Indicator"),
        _("Year"),
        _("Value"),
        _("Unit"),
        _("Numerator"),
        _("Numerator is"),
        _("Denominator"),
        _("Denominator is"),
        _("Target"),
        _("Previous year"),
        _("Change"),
        _("Rule"),
        _("Survey coverage (dwellings)"),
        _("Computed at"),
    ]


def _rows(report: dict):
    sections = [("", report["cwis"]), ("", report["kpis"])]
    sections += [(provider["name"], provider["indicators"]) for provider in report["providers"]]
    for provider, items in sections:
        for item in items:
            yield [
                item["group"],
                provider,
                item["code"],
                item["name"],
                report["year"],
                item["value"] if item["available"] else _("not available"),
                item["unit"],
                item["numerator"],
                item["numerator_label"],
                item["denominator"],
                item["denominator_label"],
                item["target"],
                item["previous"],
                item["change"],
                item["rule"],
                item["coverage"],
                report["computed_at"].isoformat() if report.get("computed_at") else None,
            ]


def _filename(report: dict, extension: str) -> str:
    return f"indicators-{report['municipality']['code']}-{report['year']}.{extension}"


def indicators_csv(report: dict) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(_header())
    writer.writerows(_rows(report))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
    return response


def indicators_xlsx(report: dict) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(report["year"]))
    sheet.append(_header())
    for row in _rows(report):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "xlsx")}"'
    return response

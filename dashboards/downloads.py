"""The indicator tables as CSV (UTF-8 with a byte-order mark, for spreadsheet programs) and
XLSX: one row per indicator with its value, numerator, denominator, rule, target and the
previous year's value, the survey coverage behind it and when it was computed."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _

from core import tables


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
    response = HttpResponse(
        "".join(tables.csv_lines(_header(), _rows(report))), content_type=tables.CSV_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
    return response


def indicators_xlsx(report: dict) -> HttpResponse:
    content = tables.xlsx_bytes(_header(), _rows(report), title=str(report["year"]))
    response = HttpResponse(content, content_type=tables.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "xlsx")}"'
    return response

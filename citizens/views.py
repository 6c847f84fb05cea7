"""The citizens' pages for their holding (issue 33): look it up with the code on the bill
or a one-time code sent to its registered phone, read its status, ask for an emptying and
apply for a certificate. Public pages, made for a phone; thin: the forms check the shape,
lookup.py reads, services.py writes, guard.py locks and logs."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from containment.desludging import RequestConflict
from core.forms import add_service_errors
from core.local import digits
from spatial.models import Municipality

from . import guard, lookup, messaging, selectors, services, session
from .choices import Action, Outcome
from .forms import CertificateForm, EmptyingForm, LookupForm


def town_of(code: str) -> Municipality:
    found = lookup.municipality_list().filter(code=code).first()
    if found is None:
        raise Http404(_("No municipality has this code."))
    return found


def start(request: HttpRequest) -> HttpResponse:
    towns = list(lookup.municipality_list())
    if len(towns) == 1:
        return redirect("citizens:town", towns[0].code)
    return render(request, "citizens/start.html", {"towns": towns})


def town(request: HttpRequest, code: str) -> HttpResponse:
    municipality = town_of(code)
    proved = session.holding_of(request, municipality.pk)
    return render(
        request,
        "citizens/town.html",
        {"municipality": municipality, "proved": proved, "demo": _demo(municipality)},
    )


def _demo(municipality: Municipality) -> dict | None:
    """On a demo deployment, a holding and its bill's code to try the pages with."""
    if not settings.IMIS.get("SHOW_DEMO_ACCOUNTS"):
        return None
    holding = municipality.holdings.filter(bill_code__isnull=False).order_by("pk").first()
    if holding is None:
        return None
    return {"ward": holding.ward.number, "number": holding.number, "code": holding.bill_code.code}


def _log(request, municipality, action, outcome, **given) -> None:
    """Keep what was tried on this municipality's citizens' pages (guard.log)."""
    guard.log(request, action=action, outcome=outcome, municipality_id=municipality.pk, **given)


def _locked_answer(request, form, municipality, key) -> int:
    _log(request, municipality, Action.LOOKUP, Outcome.LOCKED, number_key=key)
    form.add_error(
        None,
        _(
            "Too many wrong tries. Wait %(minutes)s minutes and try again, or ask the "
            "municipality's help desk."
        )
        % {"minutes": digits(guard.limits()["LOCK_MINUTES"])},
    )
    return 429


def _send_code(request, municipality, holding, key) -> None:
    """Send a one-time code to the holding's registered phones; the page says the same
    whether or not the holding exists or has a phone, so nobody learns either."""
    phones = lookup.registered_phones(holding) if holding else []
    if holding is None or not phones or not lookup.otp_allowed(holding):
        outcome = Outcome.WRONG if holding is None else Outcome.LIMITED
        _log(request, municipality, Action.CODE_SENT, outcome, holding=holding, number_key=key)
        return
    code = lookup.otp_issue(holding, phones[0])
    with translation.override("bn"):
        template = _(
            "Your code for holding %(number)s is %(code)s. It works for %(minutes)s minutes."
        )
        values = {
            "number": digits(holding.number),
            "minutes": digits(guard.limits()["OTP_MINUTES"]),
        }
        text = template % {**values, "code": digits(code)}
        kept = template % {**values, "code": "••••••"}
    for phone in phones:
        messaging.send(municipality_id=municipality.pk, phone=phone, text=text, kept=kept)
    _log(request, municipality, Action.CODE_SENT, Outcome.OK, holding=holding, number_key=key)


def _proved(holding, code: str) -> bool:
    typed = "".join(code.split())
    if typed.isdigit() and len(typed) == lookup.OTP_DIGITS:
        return lookup.otp_matches(holding, typed)
    return lookup.bill_code_matches(holding, typed)


@require_http_methods(["GET", "POST"])
def holding_lookup(request: HttpRequest, code: str) -> HttpResponse:
    municipality = town_of(code)
    wards = [(w.number, _("Ward %(number)s") % {"number": digits(w.number)}) for w in
             municipality.wards.order_by("number")]  # fmt: skip
    form = LookupForm(request.POST or None, wards=wards)
    status, sent = 200, False
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            key = lookup.number_key(data["number"])
            address = guard.client_address(request)
            if guard.locked(municipality_id=municipality.pk, number_key=key, address=address):
                status = _locked_answer(request, form, municipality, key)
            else:
                holding = lookup.holding_find(
                    municipality=municipality, ward_number=data["ward"], number=data["number"]
                )
                if "send" in request.POST:
                    _send_code(request, municipality, holding, key)
                    status, sent = 200, True
                elif not data["code"]:
                    form.add_error("code", _("Type the code from your bill or your phone."))
                elif holding is not None and _proved(holding, data["code"]):
                    _log(
                        request,
                        municipality,
                        Action.LOOKUP,
                        Outcome.OK,
                        holding=holding,
                        number_key=key,
                    )
                    session.open_holding(request, holding)
                    return redirect("citizens:holding", municipality.code)
                else:
                    _log(request, municipality, Action.LOOKUP, Outcome.WRONG, number_key=key)
                    form.add_error(None, _("The holding number or the code is not right."))
    response = render(
        request,
        "citizens/lookup.html",
        {"municipality": municipality, "form": form, "sent": sent},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(guard.limits()["LOCK_MINUTES"] * 60)
    return response


def _proved_or_lookup(request: HttpRequest, code: str):
    municipality = town_of(code)
    holding = session.holding_of(request, municipality.pk)
    return municipality, holding


def holding_page(request: HttpRequest, code: str) -> HttpResponse:
    municipality, holding = _proved_or_lookup(request, code)
    if holding is None:
        return redirect("citizens:lookup", code)
    _log(
        request,
        municipality,
        Action.STATUS,
        Outcome.OK,
        holding=holding,
        number_key=holding.number_key,
    )
    return render(
        request,
        "citizens/holding.html",
        {
            "municipality": municipality,
            "status": lookup.holding_status(holding),
            "cases": selectors.holding_cases(holding),
            "payment_url": settings.IMIS["BILL_PAYMENT_URL"],
        },
    )


def _filing_refused(request: HttpRequest, action: str) -> bool:
    return guard.busy(address=guard.client_address(request), action=action)


@require_http_methods(["GET", "POST"])
def emptying_request(request: HttpRequest, code: str) -> HttpResponse:
    municipality, holding = _proved_or_lookup(request, code)
    if holding is None:
        return redirect("citizens:lookup", code)
    rows = lookup.holding_status(holding)["containments"]
    choices = [
        (row["containment"].pk, f"{row['containment'].code} · "
         f"{row['containment'].get_containment_type_display()}")
        for row in rows
    ]  # fmt: skip
    form = EmptyingForm(request.POST or None, containments=choices)
    status = 200
    if request.method == "POST":
        status = 400
        if _filing_refused(request, Action.REQUEST):
            form.add_error(None, _("Too many requests from here in an hour: try again later."))
            status = 429
        elif form.is_valid():
            data = dict(form.cleaned_data)
            containment = next(
                r["containment"] for r in rows if r["containment"].pk == data.pop("containment")
            )
            try:
                case = services.emptying_request(holding=holding, containment=containment, **data)
            except RequestConflict as conflict:
                form.add_error(
                    "containment",
                    _("This tank already waits for an emptying (asked on %(day)s).")
                    % {"day": digits(conflict.existing.requested_at.date().strftime("%d-%m-%Y"))},
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _filed(request, municipality, case, Action.REQUEST, holding)
    return render(
        request,
        "citizens/emptying.html",
        {"municipality": municipality, "holding": holding, "form": form, "rows": rows},
        status=status,
    )


def _filed(request, municipality, case, action, holding=None) -> HttpResponse:
    _log(request, municipality, action, Outcome.OK, holding=holding, reference=case.reference)
    messages.success(
        request,
        _("Received. Your reference is %(reference)s; we sent it to your phone too.")
        % {"reference": case.reference},
    )
    return redirect("citizens:case", case.reference)


@require_http_methods(["GET", "POST"])
def certificate_apply(request: HttpRequest, code: str) -> HttpResponse:
    municipality, holding = _proved_or_lookup(request, code)
    if holding is None:
        return redirect("citizens:lookup", code)
    form = CertificateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if _filing_refused(request, Action.CERTIFICATE):
            form.add_error(None, _("Too many requests from here in an hour: try again later."))
            status = 429
        elif form.is_valid():
            try:
                case = services.certificate_apply(holding=holding, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _filed(request, municipality, case, Action.CERTIFICATE, holding)
    return render(
        request,
        "citizens/certificate_apply.html",
        {"municipality": municipality, "holding": holding, "form": form},
        status=status,
    )


@require_POST
def leave(request: HttpRequest, code: str) -> HttpResponse:
    session.close(request)
    return redirect("citizens:town", code)

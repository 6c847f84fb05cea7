"""The crew's and the treatment plant's pages (issue 25). Thin: forms check the input, the
chain's services write (each in its transaction), selectors read; a refused step is shown
again with the form and its errors (400), and nothing is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.files import private_file_response
from core.forms import submit

from . import crew, desludging, plant, selectors
from .choices import EmptyingProblem, LabSampleType
from .models import EmptyingPhoto, EmptyingRequest, SludgeDelivery, TreatmentPlant
from .operation_forms import (
    ConfirmLoadForm,
    DailyLogForm,
    DischargeForm,
    EmptyingForm,
    LabSampleForm,
    RejectLoadForm,
)

# The services name the emptying's day; the crew's form asks when it finished.
ALIASES = {"emptied_on": "finished_at"}


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


# ---------------------------------------------------------------- the crew
@login_required
def crew_day(request: HttpRequest) -> HttpResponse:
    """The crew's jobs of a day, on a list and a map."""
    if not crew.crew_providers(user=request.user).exists():
        raise PermissionDenied
    day = _day(request)
    rows = crew.crew_jobs(user=request.user, day=day)
    points = [
        {
            "id": row["job"].pk,
            "lon": round(row["lon"], 6),
            "lat": round(row["lat"], 6),
            "label": row["job"].containment.code,
            "kind": row["step"],
            "url": reverse("containment:crew-job", args=[row["job"].pk]),
        }
        for row in rows
    ]
    return render(
        request,
        "containment/crew_day.html",
        {
            "day": day,
            "rows": rows,
            "config": {
                "points": points,
                "colours": {"empty": "#b45309", "discharge": "#1d4ed8", "done": "#15803d"},
                "basemaps": settings.LEAFLET_CONFIG["TILES"],
            },
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "today": timezone.localdate(),
        },
    )


def _emptying_step(request, job, values) -> None:
    photos = values.pop("photos") or []
    finished_at = values["finished_at"]
    values["emptied_on"] = timezone.localtime(finished_at).date()
    with transaction.atomic():
        emptying = desludging.request_record_emptying(request=job, **values)
        for upload in photos:
            try:
                crew.emptying_add_photo(emptying=emptying, upload=upload)
            except ValidationError as error:
                raise ValidationError({"photos": error.messages}) from None


def _discharge_step(request, job, values) -> None:
    desludging.request_record_delivery(request=job, recorded_by=request.user, **values)


@login_required
@require_http_methods(["GET", "POST"])
def crew_job(request: HttpRequest, pk: int) -> HttpResponse:
    """One job: the caller, the way to the tank, and the form of what comes next (the
    emptying, then the discharge)."""
    try:
        job = crew.crew_job_get(user=request.user, request_id=pk)
    except EmptyingRequest.DoesNotExist:
        raise Http404 from None
    step = crew.next_step(job, has_live_load=job.has_live_load)
    data = request.POST if request.method == "POST" else None
    form = None
    if step == crew.EMPTY:
        form = EmptyingForm(
            data,
            request.FILES or None,
            vehicles=job.provider.vehicles.filter(is_active=True).order_by("registration"),
            initial={"finished_at": _now_local()},
        )
        action = _emptying_step
    elif step == crew.DISCHARGE:
        emptying = job.emptying
        form = DischargeForm(
            data,
            plants=TreatmentPlant.objects.filter(
                municipality_id=job.municipality_id, is_active=True
            ).order_by("name"),
            initial={"volume_m3": emptying.volume_m3, "delivered_at": _now_local()},
        )
        action = _discharge_step
    status = 200
    if request.method == "POST":
        if form is None:
            messages.info(request, _("Nothing is left to record on this job."))
            return redirect("containment:crew-job", pk)
        if submit(
            request, form, lambda data: action(request, job, data), done=_("Recorded."),
            aliases=ALIASES,
        ):  # fmt: skip
            return redirect("containment:crew-job", pk)
        status = 400
    emptying = getattr(job, "emptying", None)
    return render(
        request,
        "containment/crew_job.html",
        {
            "job": job,
            "step": step,
            "form": form,
            "emptying": emptying,
            "photos": list(emptying.photos.order_by("pk")) if emptying else [],
            "problems": [EmptyingProblem(code).label for code in emptying.problems]
            if emptying
            else [],
            "deliveries": list(emptying.deliveries.all()) if emptying else [],
        },
        status=status,
    )


@login_required
def emptying_photo(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        photo = crew.emptying_photo_get(user=request.user, photo_id=pk)
    except EmptyingPhoto.DoesNotExist:
        raise Http404 from None
    path = Path(photo.image.path)
    return private_file_response(path, filename=path.name)


# ---------------------------------------------------------------- the treatment plant
def _plant_of(request: HttpRequest) -> tuple[list[TreatmentPlant], TreatmentPlant]:
    plants = list(plant.operated_plants(user=request.user))
    if not plants:
        raise PermissionDenied
    wanted = request.POST.get("plant") or request.GET.get("plant") or ""
    chosen = next((p for p in plants if str(p.pk) == wanted), None)
    if wanted and chosen is None:
        raise Http404(_("Unknown treatment plant."))
    return plants, chosen or plants[0]


def _plant_page(request, plants, chosen, *, status=200, **forms) -> HttpResponse:
    day = _day(request)
    today = timezone.localdate()
    logged = plant.plant_day(plant=chosen, day=day)
    log = logged["log"]
    forms.setdefault(
        "log_form",
        DailyLogForm(
            initial={
                "day": day,
                **(
                    {name: getattr(log, name) for name in plant.LOG_FIELDS}
                    if log
                    else {"operating": True}
                ),
            }
        ),
    )
    for sample_type in LabSampleType.values:
        forms.setdefault(
            f"lab_{sample_type}",
            LabSampleForm(sample_type=sample_type, initial={"sampled_on": today}),
        )
    loads = plant.plant_loads(
        user=request.user, plant=chosen, decided_since=day - dt.timedelta(days=7)
    )
    waiting = [
        {
            "load": load,
            "confirm": forms.get(f"confirm_{load.pk}")
            or ConfirmLoadForm(
                prefix=f"c{load.pk}",
                initial={"volume_received_m3": load.volume_m3, "received_at": _now_local()},
            ),
            "reject": forms.get(f"reject_{load.pk}") or RejectLoadForm(prefix=f"r{load.pk}"),
        }
        for load in loads["waiting"]
    ]
    return render(
        request,
        "containment/plant.html",
        {
            "plants": plants,
            "plant": chosen,
            "day": day,
            "logged": logged,
            "waiting": waiting,
            "decided": loads["decided"],
            "samples": plant.lab_samples(plant=chosen),
            "lab_forms": [forms[f"lab_{t}"] for t in LabSampleType.values],
            **forms,
        },
        status=status,
    )


@login_required
def plant_desk(request: HttpRequest) -> HttpResponse:
    """The plant's desk: loads waiting at the gate, the day's log, laboratory samples."""
    plants, chosen = _plant_of(request)
    return _plant_page(request, plants, chosen)


def _back(chosen: TreatmentPlant, day: str = "") -> HttpResponse:
    url = reverse("containment:plant") + f"?plant={chosen.pk}"
    return redirect(url + (f"&day={day}" if day else ""))


@login_required
@require_POST
def plant_load(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (volume received, time) or reject (reason) one load at the plant's gate."""
    plants, _chosen = _plant_of(request)
    try:
        load = selectors.sludge_delivery_get(user=request.user, delivery_id=pk)
    except SludgeDelivery.DoesNotExist:
        raise Http404 from None
    chosen = next((p for p in plants if p.pk == load.plant_id), None)
    if chosen is None:
        raise PermissionDenied
    rejecting = request.POST.get("decision") == "reject"
    form = (
        RejectLoadForm(request.POST, prefix=f"r{pk}")
        if rejecting
        else ConfirmLoadForm(request.POST, prefix=f"c{pk}")
    )
    decide = desludging.delivery_reject if rejecting else desludging.delivery_confirm
    if submit(
        request,
        form,
        lambda data: decide(delivery=load, reviewed_by=request.user, **data),
        done=_("Load rejected.") if rejecting else _("Load confirmed as received."),
    ):
        return _back(chosen)
    key = f"{'reject' if rejecting else 'confirm'}_{pk}"
    return _plant_page(request, plants, chosen, status=400, **{key: form})


@login_required
@require_POST
def plant_log(request: HttpRequest) -> HttpResponse:
    plants, chosen = _plant_of(request)
    form = DailyLogForm(request.POST)
    if submit(
        request,
        form,
        lambda data: plant.daily_log_save(plant=chosen, recorded_by=request.user, **data),
        done=_("The day's log is saved."),
    ):
        return _back(chosen, form.cleaned_data["day"].isoformat())
    return _plant_page(request, plants, chosen, status=400, log_form=form)


@login_required
@require_POST
def plant_lab(request: HttpRequest) -> HttpResponse:
    plants, chosen = _plant_of(request)
    sample_type = request.POST.get("kind", "")
    if sample_type not in LabSampleType.values:
        return _plant_page(request, plants, chosen, status=400)
    form = LabSampleForm(request.POST, sample_type=sample_type)

    def record(data):
        values = {k: v for k, v in data.items() if not k.startswith("result_")}
        plant.lab_sample_record(
            plant=chosen,
            sample_type=sample_type,
            results=form.results(),
            recorded_by=request.user,
            **values,
        )

    if submit(request, form, record, done=_("The laboratory results are recorded.")):
        return _back(chosen)
    return _plant_page(request, plants, chosen, status=400, **{f"lab_{sample_type}": form})

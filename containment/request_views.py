"""A desludging request's page (issue 25): what was asked, each step with when and who,
the messages sent to the household, and, once the sludge is discharged, the household's
feedback taken by the desk, which closes the request."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import answer_post

from . import desludging, selectors
from .choices import RequestStatus
from .models import EmptyingRequest
from .operation_forms import FeedbackForm
from .request_trail import request_trail


@login_required
@require_http_methods(["GET", "POST"])
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        job = selectors.emptying_request_get(user=request.user, request_id=pk)
    except EmptyingRequest.DoesNotExist:
        raise Http404 from None
    may_close = job.status == RequestStatus.DELIVERED and selectors.can_run_desludging(
        user=request.user, municipality_id=job.municipality_id, containment=job.containment
    )
    form = FeedbackForm(request.POST or None) if may_close else None
    answered, status = answer_post(
        request,
        form,
        lambda data: desludging.request_record_feedback(request=job, **data),
        done=_("Feedback recorded; the request is closed."),
        then=reverse("containment:request", args=[pk]),
    )
    if answered:
        return answered
    return render(
        request,
        "containment/request.html",
        {
            "job": job,
            "trail": request_trail(job),
            "notices": job.notices.order_by("created_at"),
            "form": form,
        },
        status=status,
    )

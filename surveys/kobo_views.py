"""The Kobo/ODK import page (issue 24): upload an export, map its columns and codes to the
questionnaire (saved per form, reusable, editable), say who its Kobo users are, try it
(dry run, a report per row), then import it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from . import kobo_mapping
from .views import managed_campaign


@login_required
def kobo_import_page(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    config = {
        "campaign": campaign.pk,
        "municipality": campaign.municipality.code,
        "version": campaign.questionnaire_version,
        "meta": [[key, str(label)] for key, (_name, label) in kobo_mapping.META.items()],
        "urls": {
            "questionnaire": reverse(
                "surveys-api:questionnaire", args=[campaign.questionnaire_version]
            ),
            "mappings": reverse("surveys-api:kobo-mapping-list"),
            "inspect": reverse("surveys-api:kobo-inspect", args=[campaign.pk]),
            "import": reverse("surveys-api:kobo-import", args=[campaign.pk]),
            "review": reverse("surveys:review", args=[campaign.pk]),
        },
    }
    return render(request, "surveys/kobo_import.html", {"campaign": campaign, "config": config})

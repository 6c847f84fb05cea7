"""What the benchmarks share: the bench municipality of a tier, and the 95th percentile they print.
Imported after django.setup()."""

from __future__ import annotations

import os


def bench_town(*, assessed: bool = False):
    """The municipality `bench-<BENCH_BUILDINGS>` with its containments, generated (seed 7)
    when missing; `assessed` also runs the compliance assessment after generating it."""
    from containment import services
    from containment.models import Containment
    from fixtures import demo
    from spatial.models import Municipality

    buildings = int(os.environ.get("BENCH_BUILDINGS", "150000"))
    code = f"bench-{buildings}"
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None or not Containment.objects.filter(municipality=municipality).exists():
        municipality = demo.generate(buildings=buildings, seed=7, code=code).municipality
        if assessed:
            services.assess_municipality(municipality=municipality)
    return municipality


def percentile95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def bench_user(municipality, username: str, role):
    """A user of the bench town holding `role` there (made once)."""
    from django.contrib.auth import get_user_model

    from core.models import Membership

    user, _ = get_user_model().objects.get_or_create(username=username)
    Membership.objects.get_or_create(user=user, municipality=municipality, role=role)
    return user


def officer_client(municipality):
    """A test client (Django's whole request stack, in process) logged in as the bench
    town's GIS officer."""
    from django.test import Client

    from core.roles import MembershipRole

    client = Client(HTTP_HOST="localhost")
    client.force_login(bench_user(municipality, "bench-gis-officer", MembershipRole.GIS_OFFICER))
    return client

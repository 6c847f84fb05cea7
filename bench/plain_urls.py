"""URLs for bench/surveys.py: the project's own, plus the baseline it is measured against,
a plain djangorestframework create view on the submissions table."""

import json

from django.contrib.gis.geos import GEOSGeometry
from django.urls import include, path
from rest_framework import generics, serializers

from surveys.models import Submission


class PlainSubmissionSerializer(serializers.ModelSerializer):
    geometry = serializers.JSONField(write_only=True)

    class Meta:
        model = Submission
        fields = ["client_uuid", "campaign", "device_time", "gps_accuracy_m", "answers", "geometry"]

    def create(self, validated):
        geometry = GEOSGeometry(json.dumps(validated.pop("geometry")), srid=4326)
        return Submission.objects.create(
            enumerator=self.context["request"].user,
            geom=geometry,
            payload_sha256="0" * 64,
            **validated,
        )


class PlainSubmissionCreate(generics.CreateAPIView):
    serializer_class = PlainSubmissionSerializer
    queryset = Submission.objects.all()


urlpatterns = [
    path("plain/submissions/", PlainSubmissionCreate.as_view()),
    path("", include("config.urls")),
]

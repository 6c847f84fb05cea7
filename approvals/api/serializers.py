"""The building approval API's shapes (issue 32)."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework_gis.fields import GeometryField

from containment.choices import ContainmentType, Outlet
from spatial.api.serializers import GeometryInputField, StrictFieldsMixin
from spatial.choices import FunctionalUse

from ..choices import Document
from ..models import Application, StageEvent


class ApplicationInputSerializer(StrictFieldsMixin, serializers.Serializer):
    municipality = serializers.CharField(required=False)
    applicant_name = serializers.CharField(max_length=120)
    applicant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    holding = serializers.IntegerField(required=False, allow_null=True)
    plot = serializers.CharField(max_length=200)
    floors = serializers.IntegerField(min_value=1, max_value=60)
    functional_use = serializers.ChoiceField(FunctionalUse.choices)
    occupants = serializers.IntegerField(min_value=1, max_value=100_000)
    footprint = GeometryInputField(
        allowed_types=("Polygon",), help_text="The proposed footprint: a GeoJSON Polygon"
    )
    containment_type = serializers.ChoiceField(ContainmentType.choices)
    volume_m3 = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0)
    outlet = serializers.ChoiceField(Outlet.choices)
    tank_location = GeometryInputField(allowed_types=("Point",), required=False, allow_null=True)
    well_distance_m = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    water_body_distance_m = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class DesignInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """The amended design: any of the proposal's design fields."""

    floors = serializers.IntegerField(min_value=1, max_value=60, required=False)
    functional_use = serializers.ChoiceField(FunctionalUse.choices, required=False)
    occupants = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    footprint = GeometryInputField(allowed_types=("Polygon",), required=False)
    containment_type = serializers.ChoiceField(ContainmentType.choices, required=False)
    volume_m3 = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, required=False
    )
    outlet = serializers.ChoiceField(Outlet.choices, required=False)
    tank_location = GeometryInputField(allowed_types=("Point",), required=False, allow_null=True)
    well_distance_m = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    water_body_distance_m = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class NoteSerializer(StrictFieldsMixin, serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReasonsSerializer(StrictFieldsMixin, serializers.Serializer):
    reasons = serializers.CharField(max_length=2000)


class DocumentInputSerializer(StrictFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(Document.choices)
    file = serializers.FileField(required=False, help_text="The scan: PDF, JPEG or PNG, 10 MB")


class BuiltInputSerializer(StrictFieldsMixin, serializers.Serializer):
    as_approved = serializers.BooleanField()
    differences = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    footprint = GeometryInputField(
        allowed_types=("Polygon",), required=False, help_text="The footprint as built"
    )
    containment_type = serializers.ChoiceField(ContainmentType.choices, required=False)
    outlet = serializers.ChoiceField(Outlet.choices, required=False)
    volume_m3 = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, required=False
    )


class StageEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", allow_null=True)

    class Meta:
        model = StageEvent
        fields = ["stage", "actor", "role", "at", "note", "data"]


class ApplicationSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.code")
    ward = serializers.IntegerField(source="ward.number", allow_null=True)
    holding_number = serializers.CharField(source="holding.number", allow_null=True)
    footprint = GeometryField()
    tank_location = GeometryField(allow_null=True)
    documents = serializers.SerializerMethodField()
    stages = StageEventSerializer(many=True, read_only=True)
    design_rule_set_version = serializers.IntegerField(
        source="design_rule_set.version", allow_null=True
    )
    building = serializers.CharField(source="building.bin", allow_null=True)
    containment = serializers.CharField(source="containment.code", allow_null=True)

    class Meta:
        model = Application
        fields = ["id", "reference", "municipality", "ward", "stage", "applicant_name",
                  "holding_number", "plot", "floors", "functional_use", "occupants",
                  "footprint", "containment_type", "volume_m3", "outlet", "tank_location",
                  "well_distance_m", "water_body_distance_m", "design_status",
                  "design_rule_set_version", "design_outcomes", "decision_reasons",
                  "decided_at", "certificate_number", "building", "containment",
                  "built_as_approved", "differences", "submitted_at", "documents",
                  "stages"]  # fmt: skip

    def get_documents(self, application) -> list[str]:
        return sorted(d.kind for d in application.documents.all())


class ApplicationListSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.code")
    ward = serializers.IntegerField(source="ward.number", allow_null=True)

    class Meta:
        model = Application
        fields = ["id", "reference", "municipality", "ward", "stage", "applicant_name",
                  "plot", "design_status", "submitted_at", "decided_at"]  # fmt: skip

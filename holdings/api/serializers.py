"""What the holdings API reads and answers (issue 31). Owners' ID numbers and phones are
answered masked everywhere here; whole only by the personal-data endpoint, which logs."""

from __future__ import annotations

from rest_framework import serializers

from spatial.api.serializers import StrictFieldsMixin
from spatial.choices import FunctionalUse

from .. import privacy
from ..choices import Feed, Outcome, QueueState
from ..models import (
    FeedImport,
    Holding,
    HoldingChange,
    Ownership,
    PersonalDataAccess,
    QueuedRow,
    TaxStatus,
    TradeLicence,
    WasteFee,
    WaterAccount,
)


class OwnershipSerializer(serializers.ModelSerializer):
    owner = serializers.IntegerField(source="owner_id")
    name = serializers.CharField(source="owner.name")
    name_bn = serializers.CharField(source="owner.name_bn")
    national_id = serializers.SerializerMethodField(help_text="Masked: all but the last 4")
    phone = serializers.SerializerMethodField(help_text="Masked: all but the last 3 digits")

    class Meta:
        model = Ownership
        fields = ["id", "owner", "name", "name_bn", "national_id", "phone", "share_percent",
                  "since", "until"]  # fmt: skip

    def get_national_id(self, ownership: Ownership) -> str:
        return privacy.masked(ownership.owner.national_id, "national_id")

    def get_phone(self, ownership: Ownership) -> str:
        return privacy.masked(ownership.owner.phone, "phone")


class HoldingSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.code")
    ward = serializers.IntegerField(source="ward.number")
    buildings = serializers.SerializerMethodField()
    owners = OwnershipSerializer(source="current", many=True)
    tax_year = serializers.CharField(allow_null=True, help_text="The latest fiscal year imported")
    arrears = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text="Its arrears (BDT)"
    )

    class Meta:
        model = Holding
        fields = ["id", "municipality", "ward", "number", "address", "land_use",
                  "annual_valuation", "valuation_year", "floor_area_m2", "buildings", "owners",
                  "tax_year", "arrears"]  # fmt: skip

    def get_buildings(self, holding: Holding) -> list[str]:
        return [b.bin for b in holding.buildings.all()]


class TaxSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaxStatus
        fields = ["fiscal_year", "assessed", "paid", "arrears", "last_payment_on", "updated_at"]


class WaterSerializer(serializers.ModelSerializer):
    class Meta:
        model = WaterAccount
        fields = ["account_number", "connection", "billing", "arrears", "last_payment_on",
                  "updated_at"]  # fmt: skip


class WasteSerializer(serializers.ModelSerializer):
    class Meta:
        model = WasteFee
        fields = ["fiscal_year", "status", "due", "paid", "last_payment_on", "updated_at"]


class LicenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = TradeLicence
        fields = ["licence_number", "business_name", "business_type", "valid_from",
                  "valid_until", "updated_at"]  # fmt: skip


class ChangeSerializer(serializers.ModelSerializer):
    before = serializers.SerializerMethodField()
    after = serializers.SerializerMethodField()
    recorded_by = serializers.CharField(source="recorded_by.username", allow_null=True)
    has_evidence = serializers.SerializerMethodField(help_text="A document is attached")

    class Meta:
        model = HoldingChange
        fields = ["id", "kind", "happened_on", "evidence_reference", "has_evidence", "note",
                  "before", "after", "recorded_by", "recorded_at"]  # fmt: skip

    def get_has_evidence(self, change: HoldingChange) -> bool:
        return bool(change.evidence)

    def get_before(self, change: HoldingChange) -> list[str]:
        return [h.number for h in change.before.all()]

    def get_after(self, change: HoldingChange) -> list[str]:
        return [h.number for h in change.after.all()]


class HoldingDetailSerializer(HoldingSerializer):
    tax = TaxSerializer(source="tax_years", many=True)
    water_accounts = WaterSerializer(many=True)
    waste_fees = WasteSerializer(many=True)
    trade_licences = LicenceSerializer(many=True)
    former_owners = serializers.SerializerMethodField()

    class Meta(HoldingSerializer.Meta):
        fields = [*HoldingSerializer.Meta.fields, "tax", "water_accounts", "waste_fees",
                  "trade_licences", "former_owners"]  # fmt: skip

    def get_former_owners(self, holding: Holding) -> list[dict]:
        former = holding.ownerships.filter(until__isnull=False).select_related("owner")
        return OwnershipSerializer(former.order_by("-until"), many=True).data


class OwnerInputSerializer(StrictFieldsMixin, serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="An owner already registered")
    name = serializers.CharField(max_length=120, required=False)
    name_bn = serializers.CharField(max_length=120, required=False, allow_blank=True)
    national_id = serializers.CharField(max_length=30, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    share_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("id") and not attrs.get("name"):
            raise serializers.ValidationError({"name": ["Name the owner, or give an owner id."]})
        return attrs


class HoldingInputSerializer(StrictFieldsMixin, serializers.Serializer):
    municipality = serializers.CharField(required=False)
    ward = serializers.IntegerField(min_value=1, help_text="The ward's number")
    number = serializers.CharField(max_length=40)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    land_use = serializers.ChoiceField(FunctionalUse.choices, required=False, allow_blank=True)
    annual_valuation = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    valuation_year = serializers.RegexField(r"^\d{4}-\d{2}$", required=False, allow_blank=True)
    floor_area_m2 = serializers.DecimalField(
        max_digits=9, decimal_places=1, min_value=0, required=False, allow_null=True
    )
    buildings = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, help_text="BINs"
    )
    owners = OwnerInputSerializer(many=True, required=False)


class HoldingUpdateSerializer(HoldingInputSerializer):
    ward = serializers.IntegerField(min_value=1, required=False)
    number = serializers.CharField(max_length=40, required=False)
    owners = None


class EvidenceMixin(serializers.Serializer):
    happened_on = serializers.DateField()
    evidence_reference = serializers.CharField(max_length=80, required=False, allow_blank=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class TransferSerializer(StrictFieldsMixin, EvidenceMixin):
    owners = OwnerInputSerializer(many=True, allow_empty=False)


class PartSerializer(StrictFieldsMixin, serializers.Serializer):
    number = serializers.CharField(max_length=40)
    ward = serializers.IntegerField(min_value=1, required=False)
    buildings = serializers.ListField(child=serializers.CharField(max_length=20), required=False)
    owners = OwnerInputSerializer(many=True, required=False)


class HoldingSplitSerializer(StrictFieldsMixin, EvidenceMixin):
    parts = PartSerializer(many=True, min_length=2)


class HoldingMergeSerializer(StrictFieldsMixin, EvidenceMixin):
    holdings = serializers.ListField(child=serializers.IntegerField(), min_length=2)
    number = serializers.CharField(max_length=40)
    ward = serializers.IntegerField(min_value=1, required=False)


class FeedPushSerializer(StrictFieldsMixin, serializers.Serializer):
    municipality = serializers.CharField(required=False)
    feed = serializers.ChoiceField(Feed.choices)
    rows = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True)),
        allow_empty=False,
        max_length=200_000,
        help_text="Rows as {column: value}: holding_number and ward, then the feed's columns",
    )
    dry_run = serializers.BooleanField(default=False)


class FeedFileSerializer(StrictFieldsMixin, serializers.Serializer):
    municipality = serializers.CharField(required=False)
    feed = serializers.ChoiceField(Feed.choices)
    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX as the system exports it")
    dry_run = serializers.BooleanField(default=False)


class RegisterFileSerializer(StrictFieldsMixin, serializers.Serializer):
    municipality = serializers.CharField(required=False)
    file = serializers.FileField(
        help_text="CSV (UTF-8) or XLSX: ward, holding_number, and any of address, land_use, "
        "annual_valuation, valuation_year, floor_area_m2, buildings (BINs), owners, "
        "national_ids and phones ('; ' between owners), as the export writes them"
    )
    dry_run = serializers.BooleanField(default=False)


class RegisterReportSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    holdings = serializers.IntegerField(help_text="Holdings the file names (rows merged)")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    owners_changed = serializers.IntegerField(help_text="Recorded as transfers naming the file")
    committed = serializers.BooleanField()
    problem_count = serializers.IntegerField()
    problems = serializers.ListField(child=serializers.DictField())
    ignored_columns = serializers.ListField(child=serializers.CharField())


class FeedReportSerializer(serializers.Serializer):
    feed = serializers.ChoiceField(Feed.choices)
    rows = serializers.IntegerField()
    matched = serializers.IntegerField()
    unmatched = serializers.IntegerField()
    ambiguous = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    queued = serializers.IntegerField()
    committed = serializers.BooleanField()
    import_id = serializers.IntegerField(allow_null=True)
    problem_count = serializers.IntegerField()
    problems = serializers.ListField(child=serializers.DictField())
    unresolved = serializers.ListField(
        child=serializers.DictField(), help_text="Rows not matched, with their candidates"
    )
    ignored_columns = serializers.ListField(child=serializers.CharField())


class FeedImportSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.code")
    submitted_by = serializers.CharField(source="submitted_by.username", allow_null=True)

    class Meta:
        model = FeedImport
        fields = ["id", "municipality", "feed", "file_name", "submitted_by", "submitted_at",
                  "rows", "matched", "unmatched", "ambiguous", "created", "updated",
                  "unchanged"]  # fmt: skip


class QueuedRowSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.code")
    outcome = serializers.ChoiceField(Outcome.choices)
    state = serializers.ChoiceField(QueueState.choices)

    class Meta:
        model = QueuedRow
        fields = ["id", "municipality", "feed", "holding_number", "ward_number", "record",
                  "outcome", "candidates", "line", "state", "resolved_holding", "resolved_at",
                  "reason", "created_at", "updated_at"]  # fmt: skip


class DismissSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ResolveSerializer(StrictFieldsMixin, serializers.Serializer):
    holding = serializers.IntegerField(help_text="The holding the row is about")


class PersonalDataSerializer(serializers.Serializer):
    national_id = serializers.CharField()
    phone = serializers.CharField()


class PersonalDataAccessSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username")
    municipality = serializers.CharField(source="municipality.code")
    owner = serializers.CharField(source="owner.name", allow_null=True)

    class Meta:
        model = PersonalDataAccess
        fields = ["id", "at", "user", "municipality", "owner", "kind", "fields", "records",
                  "client_address"]  # fmt: skip

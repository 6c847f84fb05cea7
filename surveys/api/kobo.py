"""Kobo/ODK imports under /api/v1/surveys/: the form mappings a supervisor saves (which
column answers which question, what the form's codes mean), a look at an export's columns
before mapping it, and the import itself (a dry run unless `commit`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_errors import refuse_body
from core.pagination import PAGE_PARAMETERS, page_schema, paged_response
from core.parsers import PlainMultiPartParser
from core.permissions import require_role_anywhere
from spatial.api.serializers import StrictFieldsMixin

from .. import kobo, kobo_mapping, selectors, services
from ..models import KoboMapping, SurveyCampaign

MAX_MAPPING_ID = 2**31 - 1


class KoboMappingSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)
    updated_by = serializers.CharField(source="updated_by.get_username", default=None)

    class Meta:
        model = KoboMapping
        fields = [
            "id",
            "municipality",
            "name",
            "questionnaire_version",
            "columns",
            "codes",
            "updated_by",
            "updated_at",
        ]


class KoboMappingInputSerializer(StrictFieldsMixin, serializers.Serializer):
    municipality = serializers.SlugField(required=False)
    name = serializers.CharField(max_length=120)
    questionnaire_version = serializers.CharField(max_length=30)
    columns = serializers.DictField(
        child=serializers.CharField(max_length=kobo_mapping.MAX_COLUMN),
        help_text="question or meta key (instance, username, end, gps, latitude, longitude, "
        "accuracy) -> the export's column",
    )
    codes = serializers.DictField(
        child=serializers.DictField(child=serializers.JSONField(), allow_empty=True),
        required=False,
        default=dict,
        help_text="question -> {the form's code: the questionnaire's code}",
    )


def _supervise(request: Request, municipality_id: int) -> None:
    if not selectors.can_manage_campaigns(user=request.user, municipality_id=municipality_id):
        raise exceptions.PermissionDenied(_("Only a survey supervisor may do this."))


class KoboMappingListView(APIView):
    @extend_schema(
        operation_id="survey_kobo_mappings_list",
        tags=["surveys"],
        parameters=PAGE_PARAMETERS,
        responses={200: page_schema(KoboMappingSerializer)},
        summary="The saved Kobo form mappings of the supervisor's municipalities",
    )
    def get(self, request: Request) -> Response:
        return paged_response(
            request, selectors.kobo_mapping_list(user=request.user), KoboMappingSerializer
        )

    @extend_schema(
        operation_id="survey_kobo_mappings_create",
        tags=["surveys"],
        request=KoboMappingInputSerializer,
        responses={201: KoboMappingSerializer, 400: OpenApiTypes.OBJECT},
        summary="Save how a Kobo form's export reads as the questionnaire",
    )
    def post(self, request: Request) -> Response:
        require_role_anywhere(
            request.user, selectors.SUPERVISING_ROLES, _("Only a survey supervisor may do this.")
        )
        data = KoboMappingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        code = values.pop("municipality", None)
        municipalities = selectors.supervised_municipalities(user=request.user)
        municipality = (municipalities.filter(code=code).first() if code else None) or _only(
            municipalities
        )
        mapping = services.kobo_mapping_save(municipality=municipality, user=request.user, **values)
        return Response(KoboMappingSerializer(mapping).data, status=status.HTTP_201_CREATED)


def _only(municipalities) -> Any:
    found = list(municipalities[:2])
    if len(found) != 1:
        raise ValidationError({"municipality": [_("This field is required.")]})
    return found[0]


class KoboMappingView(APIView):
    def _get(self, request: Request, pk: int) -> KoboMapping:
        return selectors.kobo_mapping_list(user=request.user).get(pk=pk)

    @extend_schema(
        operation_id="survey_kobo_mapping_read",
        tags=["surveys"],
        responses={200: KoboMappingSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(KoboMappingSerializer(self._get(request, pk)).data)

    @extend_schema(
        operation_id="survey_kobo_mapping_update",
        tags=["surveys"],
        request=KoboMappingInputSerializer,
        responses={200: KoboMappingSerializer, 400: OpenApiTypes.OBJECT},
        summary="Change a saved Kobo form mapping (the next import reads it)",
    )
    def put(self, request: Request, pk: int) -> Response:
        mapping = self._get(request, pk)
        _supervise(request, mapping.municipality_id)
        data = KoboMappingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("municipality", None)
        mapping = services.kobo_mapping_save(
            municipality=mapping.municipality, user=request.user, mapping=mapping, **values
        )
        return Response(KoboMappingSerializer(mapping).data)

    @extend_schema(
        operation_id="survey_kobo_mapping_delete", tags=["surveys"], responses={204: None}
    )
    def delete(self, request: Request, pk: int) -> Response:
        mapping = self._get(request, pk)
        _supervise(request, mapping.municipality_id)
        refuse_body(request)
        services.kobo_mapping_delete(mapping=mapping)
        return Response(status=status.HTTP_204_NO_CONTENT)


class KoboFileSerializer(StrictFieldsMixin, serializers.Serializer):
    file = serializers.FileField()
    mapping = serializers.IntegerField(required=False, min_value=1, max_value=MAX_MAPPING_ID)


class KoboImportInputSerializer(KoboFileSerializer):
    commit = serializers.BooleanField(default=False)
    enumerators = serializers.JSONField(
        binary=True,
        required=False,
        help_text="Kobo user name -> IMIS user name of an enumerator, as a JSON object; "
        "remembered for the next import once committed.",
    )

    def validate_enumerators(self, value: Any) -> dict[str, str]:
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
            for k, v in value.items()
        ):
            raise serializers.ValidationError(
                _('Give a JSON object of Kobo user names to enumerators, e.g. {"field1": "rahim"}.')
            )
        if len(value) > 500:
            raise serializers.ValidationError(_("At most 500 Kobo users per import."))
        return {k.strip(): v.strip() for k, v in value.items()}


def _campaign_and_file(
    request: Request, pk: int, serializer_class, *, inspecting: bool = False
) -> tuple[SurveyCampaign, dict, list[dict], KoboMapping | None]:
    """The campaign (the supervisor's), the checked input, the export's rows (read by the
    mapping when one is named) and the mapping."""
    campaign = selectors.campaign_get(user=request.user, campaign_id=pk)
    _supervise(request, campaign.municipality_id)
    upload = request.FILES.get("file")
    if upload is not None and upload.size > kobo.MAX_BYTES:
        raise ValidationError({"file": [_("The file is larger than 20 MB.")]})
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    values = data.validated_data
    mapping = None
    if values.get("mapping"):
        mapping = (
            selectors.kobo_mapping_list(user=request.user)
            .filter(pk=values["mapping"], municipality_id=campaign.municipality_id)
            .first()
        )
        if mapping is None:
            raise ValidationError({"mapping": [_("Unknown mapping.")]})
        if mapping.questionnaire_version != campaign.questionnaire_version:
            raise ValidationError(
                {
                    "mapping": [
                        _(
                            "The mapping is for questionnaire version %(mapping)s; "
                            "the campaign uses %(campaign)s."
                        )
                        % {
                            "mapping": mapping.questionnaire_version,
                            "campaign": campaign.questionnaire_version,
                        }
                    ]
                }
            )
    records = kobo.read_records(
        values["file"].read(),
        values["file"].name,
        require_instance=mapping is None and not inspecting,
    )
    if mapping is not None:
        records = kobo.mapped_records(records, mapping)
    return campaign, values, records, mapping


def _user_names(enumerators: dict[str, Any]) -> dict[str, str | None]:
    """Kobo user name -> the enumerator's user name it stands for (None: nobody yet)."""
    return {
        name: user.get_username() if user else None for name, user in sorted(enumerators.items())
    }


class KoboInspectView(APIView):
    """What an export holds, for the mapping page: its columns (with the values of those
    that read like code lists), a suggested or the saved mapping, and its Kobo users."""

    parser_classes = [PlainMultiPartParser]

    @extend_schema(
        operation_id="survey_campaign_import_inspect",
        tags=["surveys"],
        request={"multipart/form-data": KoboFileSerializer},
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        summary="Read an export's columns, code values and Kobo users before mapping it",
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign, _values, records, mapping = _campaign_and_file(
            request, pk, KoboFileSerializer, inspecting=True
        )
        columns = kobo_mapping.columns_of(records)
        names = [column["name"] for column in columns]
        suggested = (
            mapping.columns
            if mapping
            else kobo_mapping.suggest(names, campaign.questionnaire_version, kobo.FIELD_MAP)
        )
        users = {
            str(record.get(suggested["username"], "")).strip()
            for record in records
            if "username" in suggested
        } - {""}
        enumerators = kobo.enumerators_for(municipality=campaign.municipality, usernames=users)
        return Response(
            {
                "rows": len(records),
                "columns": columns,
                "suggested": suggested,
                "usernames": _user_names(enumerators),
                # Kobo accounts named at earlier imports (for a user column chosen anew).
                "accounts": selectors.kobo_accounts(municipality=campaign.municipality),
                "enumerators": [
                    user.get_username()
                    for user in selectors.municipality_enumerators(
                        municipality=campaign.municipality
                    )
                ],
            }
        )


class KoboImportView(APIView):
    """Import a KoboToolbox/ODK export into the campaign: a dry run by default, `commit=true`
    to keep the rows; read by a saved `mapping` when the form is not the sample form;
    answers with a report per row and who each Kobo user is."""

    parser_classes = [PlainMultiPartParser]

    @extend_schema(
        operation_id="survey_campaign_import",
        tags=["surveys"],
        request={"multipart/form-data": KoboImportInputSerializer},
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        summary="Import a Kobo/ODK export (dry run unless commit; map Kobo users to enumerators)",
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign, values, records, mapping = _campaign_and_file(
            request, pk, KoboImportInputSerializer
        )
        chosen = values.get("enumerators") or {}
        enumerators = kobo.enumerators_for(
            municipality=campaign.municipality,
            usernames=kobo.kobo_usernames(records),
            mapping=chosen,
        )
        report = kobo.import_records(
            campaign=campaign,
            records=records,
            enumerators=enumerators,
            commit=values["commit"],
            remember={name: enumerators[name] for name in chosen},
            mapping=mapping,
        )
        return Response(
            {
                "committed": values["commit"],
                "counts": report.counts,
                "enumerators": _user_names(enumerators),
                "rows": report.rows,
            }
        )

"""POST /api/v1/<register>/bulk-edit/: one attribute set on many records (spatial/bulk.py),
the attribute table's bulk edit. Thin: check the role, parse, call the service, answer."""

from __future__ import annotations

import pghistory
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import registry
from core.permissions import require_role_anywhere
from core.roles import REGISTER_EDITOR_ROLES
from core.versions import PreconditionFailed, PreconditionRequired

from ..bulk import BulkRefused, bulk_edit, bulk_fields

BIGINT = 2**63 - 1
# Most records one bulk edit sets: each goes through the register's update service (about
# 5 ms a record at tier M, bench/attribute_table.py), so 1,000 take some 5 seconds.
MAX_BULK = 1000


class BulkRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=BIGINT)
    # The record's `version` as the list showed it (milliseconds of its last change).
    version = serializers.IntegerField(min_value=0, max_value=BIGINT, required=False)


class BulkEditSerializer(serializers.Serializer):
    property = serializers.CharField(max_length=100)
    value = serializers.JSONField(allow_null=True)
    records = BulkRecordSerializer(many=True, allow_empty=False, max_length=MAX_BULK)


class BulkEditView(APIView):
    register_name: str

    @property
    def register(self):
        return registry.get(self.register_name)

    @pghistory.context()
    def post(self, request: Request) -> Response:
        pghistory.context(user=request.user.pk)
        require_role_anywhere(request.user, REGISTER_EDITOR_ROLES)
        register = self.register
        body = BulkEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        name = body.validated_data["property"]
        offered = [field["name"] for field in bulk_fields(register)]
        if name not in offered:
            raise exceptions.ValidationError(
                {
                    "property": [
                        _("Bulk edit sets one of: %(names)s.") % {"names": ", ".join(offered)}
                    ]
                }
            )
        records = body.validated_data["records"]
        versions = {record["id"]: record.get("version") for record in records}
        if len(versions) < len(records):
            raise exceptions.ValidationError({"records": [_("A record is named twice.")]})
        if None in versions.values():
            required = PreconditionRequired()
            required.detail = _(
                "Send each record's version as you read it, so that no one's change is overwritten."
            )
            raise required
        # The value as a single edit takes it (the register's own checks and code lists).
        checked = register.properties_serializer(
            data={name: body.validated_data["value"]}, partial=True
        )
        checked.is_valid(raise_exception=True)
        try:
            new = bulk_edit(
                register=register,
                user=request.user,
                versions=versions,
                name=name,
                value=checked.validated_data[name],
            )
        except BulkRefused as refused:
            raise _refusal(refused, register.id_kwarg) from None
        return Response(
            {
                "updated": len(new),
                "records": [{"id": pk, "version": version} for pk, version in new.items()],
            },
            status=status.HTTP_200_OK,
        )


def _refusal(refused: BulkRefused, what: str) -> exceptions.APIException:
    ids = ", ".join(str(pk) for pk in refused.ids[:50])
    if refused.kind == "stale":
        error = PreconditionFailed(what)
        error.detail = _(
            "%(count)s of the records were changed by someone else after you read them "
            "(%(ids)s). Nothing was saved: reload them, then apply your change again."
        ) % {"count": len(refused.ids), "ids": ids}
        return error
    if refused.kind == "forbidden":
        return exceptions.PermissionDenied(
            _("You may not edit records outside your wards (%(ids)s). Nothing was saved.")
            % {"ids": ids}
        )
    return exceptions.NotFound(_("No such records (%(ids)s). Nothing was saved.") % {"ids": ids})


def bulk_schema(register) -> dict:
    return {
        "post": extend_schema(
            operation_id=f"{register.name.replace('-', '_')}_bulk_edit",
            request=BulkEditSerializer,
            responses={
                200: OpenApiResponse(
                    response=OpenApiTypes.OBJECT,
                    description="How many records were changed, and their new versions",
                ),
                412: OpenApiTypes.OBJECT,
                428: OpenApiTypes.OBJECT,
            },
            tags=[register.api_tag or register.name],
            summary=f"Set one attribute on many {register.name} (all or nothing)",
        )
    }

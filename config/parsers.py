"""A JSON parser that honours DATA_UPLOAD_MAX_MEMORY_SIZE.

DRF reads the request stream itself and so skips Django's body-size limit; this parser
refuses an oversized body (413) before reading more than the limit.
"""

from io import BytesIO

from django.conf import settings
from rest_framework.parsers import JSONParser

from .api_errors import PayloadTooLarge


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if limit is not None:
            if declared and declared.isdigit() and int(declared) > limit:
                raise PayloadTooLarge()
            if stream is not None:
                body = stream.read(limit + 1)
                if len(body) > limit:
                    raise PayloadTooLarge()
                stream = BytesIO(body)
        return super().parse(stream, media_type, parser_context)

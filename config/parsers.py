"""The API's JSON parser: honours DATA_UPLOAD_MAX_MEMORY_SIZE, and refuses markup in text.

DRF reads the request stream itself and so skips Django's body-size limit; this parser
refuses an oversized body (413) before reading more than the limit.

No text the registers hold needs HTML (names, holding numbers, notes, answers, in English
or Bangla), so a string that looks like markup or a script URL is refused with a 400 naming
where it was, before any view sees it. Pages escape user text as well (and the CSP forbids
inline script): this keeps such text out of exports and other programs' hands too.
"""

from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

from .api_errors import PayloadTooLarge
from .text import find_markup


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
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            # json nests by recursion: a document thousands of levels deep is an attack.
            raise exceptions.ParseError(_("JSON nested too deeply.")) from None
        where = find_markup(data)
        if where is not None:
            raise exceptions.ValidationError(
                {where: [_("HTML or script is not accepted in text; send plain text.")]}
            )
        return data

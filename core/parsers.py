"""The API's parsers: the JSON parser honours DATA_UPLOAD_MAX_MEMORY_SIZE and refuses markup
in text; every parser refuses a NUL character in text (PostgreSQL cannot store one, so it
would fail at the database after the request was accepted).

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
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from .api_errors import PayloadTooLarge
from .errors import too_large_message
from .middleware import DRAIN_MAX_BYTES, drain
from .text import find_markup, find_nul


def refuse_nul(data, where: str = "") -> None:
    """A 400 naming the first field whose text holds a NUL character."""
    found = find_nul(data, where)
    if found is not None:
        raise exceptions.ValidationError(
            {found: [_("Text may not contain the NUL character (U+0000).")]}
        )


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if limit is not None:
            if declared and declared.isdigit() and int(declared) > limit:
                raise PayloadTooLarge(too_large_message(int(declared), limit))
            if stream is not None:
                body = stream.read(limit + 1)
                if len(body) > limit:
                    # A body without a declared length (chunked): read the rest so that the
                    # client, still sending, gets the answer (core.middleware.drain).
                    drain(stream, DRAIN_MAX_BYTES)
                    raise PayloadTooLarge(too_large_message(None, limit))
                stream = BytesIO(body)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            # json nests by recursion: a document thousands of levels deep is an attack.
            raise exceptions.ParseError(_("JSON nested too deeply.")) from None
        refuse_nul(data)
        where = find_markup(data)
        if where is not None:
            raise exceptions.ValidationError(
                {where: [_("HTML or script is not accepted in text; send plain text.")]}
            )
        return data


def _fields(data) -> dict:
    """A QueryDict's values, every one of a repeated key."""
    return {key: data.getlist(key) for key in data} if hasattr(data, "getlist") else data


class PlainFormParser(FormParser):
    """application/x-www-form-urlencoded, with no NUL in any field."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        refuse_nul(_fields(data))
        return data


class PlainMultiPartParser(MultiPartParser):
    """multipart/form-data (file uploads), with no NUL in any field or file name."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        refuse_nul(_fields(parsed.data))
        refuse_nul({key: [f.name for f in parsed.files.getlist(key)] for key in parsed.files})
        return parsed

"""PDF documents from templates (issue 26): receipts, job sheets, reports and notices,
in English or Bangla, laid out by WeasyPrint (Pango, shaped by HarfBuzz) with the bundled
Noto Sans Bengali (docs/decisions/0016-pdf-reports.md).

Two things plain WeasyPrint gets wrong for Bangla, both handled here:

- text extraction (copy, search, screen readers, `pdftotext`): WeasyPrint maps each glyph
  to one piece of text, but a Bangla vowel sign is drawn before its consonant and one glyph
  serves several letters, so the text read back from the glyphs is wrong. Each line is
  therefore wrapped in a marked-content span whose /ActualText is the line's own text;
- fetching: a document's resources are the bundled font and stylesheet only; nothing else
  (no network, no other file) is fetched, whatever a template says.
"""

from __future__ import annotations

import re
from pathlib import Path

import pydyf
from django.contrib.staticfiles import finders
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.draw import text as weasyprint_text
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

# The bundled typeface (static/vendor/, from npm: scripts/assets.py) and the documents'
# stylesheet, found where Django's static files live.
FONT_FACES = (
    (400, "vendor/noto-sans-bengali/400Regular/NotoSansBengali_400Regular.ttf"),
    (700, "vendor/noto-sans-bengali/700Bold/NotoSansBengali_700Bold.ttf"),
)
FONT_FAMILY = "IMIS Noto Sans Bengali"
STYLESHEET = "css/pdf.css"
LANGUAGES = ("en", "bn")
PDF = "application/pdf"


def static_path(name: str) -> Path:
    found = finders.find(name)
    if not found:
        raise LookupError(f"the static file {name} is missing (make assets)")
    return Path(found).resolve()


def font_css() -> str:
    """@font-face rules for the bundled typeface, by file address."""
    return "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; '
        f'src: url("{static_path(name).as_uri()}"); }}'
        for weight, name in FONT_FACES
    )


class BundledOnly(URLFetcher):
    """Fetches the bundled font and stylesheet and refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.allowed = {static_path(name).as_uri() for _weight, name in FONT_FACES}
        self.allowed.add(static_path(STYLESHEET).as_uri())

    def fetch(self, url, headers=None):
        if url.split("?")[0] not in self.allowed:
            raise ValueError(f"not a bundled resource: {url}")
        return super().fetch(url, headers)


# ------------------------------------------------------------- each line's own text
_draw_first_line = weasyprint_text.draw_first_line


def _draw_first_line_with_text(stream, textbox, *args, **kwargs):
    """WeasyPrint's line drawing, inside a /Span whose /ActualText is the line's text
    (PDF 32000-1 §14.9.4): readers take the text from there instead of from the glyphs."""
    text = textbox.pango_layout.text
    stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
    try:
        return _draw_first_line(stream, textbox, *args, **kwargs)
    finally:
        stream.end_marked_content()


weasyprint_text.draw_first_line = _draw_first_line_with_text


# ------------------------------------------------------------- documents
def language_of(request: HttpRequest) -> str:
    """The document's language: `?lang=en|bn`, else the page's."""
    asked = request.GET.get("lang")
    if asked is None:
        return translation.get_language() or "en"
    if asked not in LANGUAGES:
        raise BadRequest(_("Unknown language %(lang)s: use en or bn.") % {"lang": asked})
    return asked


def pdf_bytes(template: str, context: dict, *, language: str, request=None) -> bytes:
    """The template rendered in `language` and laid out as PDF."""
    with translation.override(language):
        html = render_to_string(
            template,
            {**context, "language": language, "issued_at": timezone.localtime()},
            request=request,
        )
    fonts = FontConfiguration()
    fetcher = BundledOnly()
    document = HTML(string=html, url_fetcher=fetcher)
    stylesheets = [
        CSS(string=font_css(), font_config=fonts, url_fetcher=fetcher),
        CSS(filename=str(static_path(STYLESHEET)), font_config=fonts, url_fetcher=fetcher),
    ]
    return document.write_pdf(stylesheets=stylesheets, font_config=fonts)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def pdf_response(
    request: HttpRequest, template: str, context: dict, *, filename: str
) -> HttpResponse:
    """A PDF answer, in the language asked for (`?lang=`), shown in the browser and saved
    under `filename` (without its .pdf)."""
    language = language_of(request)
    body = pdf_bytes(template, context, language=language, request=request)
    response = HttpResponse(body, content_type=PDF)
    name = _UNSAFE.sub("-", filename).strip("-") or "document"
    response["Content-Disposition"] = f'inline; filename="{name}-{language}.pdf"'
    response["Content-Language"] = language
    return response

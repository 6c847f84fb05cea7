"""Reading the project's PDFs back as their readers do: the text with poppler's pdftotext,
and the glyphs on the page from the content streams and the embedded font programs
(core/pdf.py, docs/decisions/0016-pdf-reports.md)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import uharfbuzz as hb
from django.contrib.staticfiles import finders
from fontTools.ttLib import TTFont

from core.pdf import FONT_FACES

POPPLER = "pdftotext and pdftoppm (Debian: poppler-utils; make setup-test installs them)"
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason=f"needs {POPPLER}",
)


def pdf_text(content: bytes, *, layout: bool = False) -> str:
    """What pdftotext reads from the document, whitespace runs made one space."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    out = subprocess.run(args, input=content, capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


def page_count(content: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True)
    return int(re.search(rb"Pages:\s+(\d+)", out.stdout).group(1))


def _streams(content: bytes) -> dict[int, bytes]:
    """Object number -> the stream's bytes, inflated when compressed."""
    out = {}
    for match in re.finditer(rb"(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n", content, re.S):
        length = int(re.search(rb"/Length (\d+)", match.group(2)).group(1))
        body = content[match.end() : match.end() + length]
        if b"/FlateDecode" in match.group(2):
            body = zlib.decompress(body)
        out[int(match.group(1))] = body
    return out


@dataclass
class Line:
    text: str  # the line's /ActualText
    font: str  # the font resource the line's glyphs are drawn with
    glyphs: list[int]


TOKENS = re.compile(
    r"(?<![\w/])(?P<push>q)\s|(?<![\w/])(?P<pop>Q)\s|/(?P<font>\w+) [\d.]+ Tf"
    r"|/Span\s*<<\s*/ActualText\s*(?:<(?P<text>[0-9a-fA-F]+)>|\((?P<ascii>(?:\\.|[^\\)])*)\))"
    r"\s*>>\s*BDC|(?P<end>EMC)"
    r"|<(?P<glyphs>[0-9a-fA-F]*)>"
)


def lines(content: bytes) -> list[Line]:
    """Each line the document draws: its text and the glyph ids drawn for it, when all are
    drawn with one font (lines with a fallback font are left out). The font is followed
    through the graphics state's saves and restores (q, Q)."""
    found = []
    for body in _streams(content).values():
        if b"BDC" not in body:
            continue
        font, saved = None, []
        line = None
        for token in TOKENS.finditer(body.decode("latin-1")):
            kind = token.lastgroup
            if kind == "push":
                saved.append(font)
            elif kind == "pop":
                font = saved.pop()
            elif kind == "font":
                font = token["font"]
            elif kind in ("text", "ascii"):
                if token["text"] is not None:
                    text = bytes.fromhex(token["text"]).decode("utf-16")
                else:  # a literal string: ASCII with \\, \( and \) escaped
                    text = re.sub(r"\\(.)", r"\1", token["ascii"])
                line = {"text": text, "fonts": set(), "glyphs": []}
            elif kind == "glyphs" and line is not None:
                run = token["glyphs"]
                line["fonts"].add(font)  # the font the run is drawn with
                line["glyphs"] += [int(run[i : i + 4], 16) for i in range(0, len(run), 4)]
            elif kind == "end" and line is not None:
                if len(line["fonts"]) == 1:
                    found.append(Line(line["text"], font, line["glyphs"]))
                line = None
    return found


def embedded_fonts(content: bytes) -> dict[str, TTFont]:
    """Font resource name (the subset tag) -> the embedded font program."""
    streams = _streams(content)
    # Font descriptors may sit in compressed object streams: search every inflated stream.
    text = b"\n".join([content, *streams.values()]).decode("latin-1")
    fonts = {}
    for descriptor in re.finditer(r"<<[^<>]*/FontDescriptor[^<>]*>>", text):
        name = re.search(r"/FontName\s*/(\w+)\+", descriptor.group(0))
        program = re.search(r"/FontFile2\s+(\d+)\s+0\s+R", descriptor.group(0))
        if name and program:
            fonts[name.group(1)] = TTFont(io.BytesIO(streams[int(program.group(1))]))
    return fonts


@cache
def bundled(weight: int) -> bytes:
    name = dict(FONT_FACES)[weight]
    return Path(finders.find(name)).read_bytes()


@cache
def _shaper(weight: int) -> hb.Font:
    return hb.Font(hb.Face(bundled(weight)))


def _script(char: str) -> str | None:
    if "\u0980" <= char <= "\u09ff" or char in "\u0964\u0965\u200c\u200d":
        return "Beng"
    return "Latn" if char.isalpha() else None  # spaces, signs, digits: the run's own


def script_runs(text: str) -> list[tuple[str, str]]:
    """`text` cut into runs of one script, as Pango itemizes a line (UAX #24): a
    character common to scripts belongs to the run before it (at the start, after it)."""
    scripts = [_script(char) for char in text]
    known = next((s for s in scripts if s), "Latn")
    runs: list[tuple[str, str]] = []
    for char, script in zip(text, scripts, strict=True):
        known = script or known
        if runs and runs[-1][0] == known:
            runs[-1] = (known, runs[-1][1] + char)
        else:
            runs.append((known, char))
    return runs


def shaped(text: str, weight: int) -> list[int]:
    """HarfBuzz's glyphs for `text` with the bundled font of `weight`, run by run."""
    glyphs = []
    for script, run in script_runs(text):
        buffer = hb.Buffer()
        buffer.add_str(run)
        buffer.direction = "ltr"
        buffer.script = script
        buffer.language = "bn" if script == "Beng" else "en"
        hb.shape(_shaper(weight), buffer, {})
        glyphs += [info.codepoint for info in buffer.glyph_infos]
    return glyphs


def outline(font: TTFont, glyph_id: int):
    glyf = font["glyf"]
    glyph = glyf[font.getGlyphOrder()[glyph_id]]
    coordinates, ends, _flags = glyph.getCoordinates(glyf)
    return list(coordinates), list(ends)


BANGLA = re.compile(r"[\u0980-\u09ff]")


def check_bangla_glyphs(content: bytes) -> int:
    """Asserts that every one-font line with Bangla in it is drawn with the glyphs HarfBuzz
    shapes from the bundled font, and that the embedded font draws those glyphs with the
    bundled font's outlines. Returns how many lines were checked."""
    fonts = embedded_fonts(content)
    regular, bold = (TTFont(io.BytesIO(bundled(w))) for w in (400, 700))
    checked = 0
    for line in lines(content):
        if not BANGLA.search(line.text):
            continue
        embedded = fonts[line.font]
        weight = 700 if "Bold" in embedded["name"].getDebugName(4) else 400
        original = bold if weight == 700 else regular
        assert line.glyphs == shaped(line.text, weight), line.text
        for glyph_id in set(line.glyphs):
            assert outline(embedded, glyph_id) == outline(original, glyph_id), (line, glyph_id)
        checked += 1
    return checked

"""Shared pieces of every printed paper: the CJK font, styles, dates, QR codes, A4 pages.

Text reaches a page only through `para()` (and `grid()` / `fields()`, which use it): it is
printed as it was typed. reportlab reads a Paragraph's text as markup — `<b>`, `<font>`,
`<img src=…>` (which embeds any file on the server), entities — so a lone `<` in a
reason used to break the paper and an image tag to pull a server file into it. `para()`
escapes everything; the rare trusted markup (a bold name in a sentence) is built with
`markup()`, whose template is code and whose values are escaped like any other text. Never
call reportlab's `Paragraph` directly.

The font is a real TrueType CJK font, embedded (Debian's fonts-wqy-microhei, or
DAIBAN_PDF_FONT). Where none is installed the PDF falls back to Adobe's STSong-Light,
which every PDF reader has but which is not embedded.
"""

import io
import os
import re
from functools import lru_cache
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from daiban.core.dates import cn_date  # noqa: F401 (papers import it from here)

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]


@lru_cache(maxsize=1)
def font_name() -> str:
    paths = [os.environ.get("DAIBAN_PDF_FONT", "")] + FONT_CANDIDATES
    for path in paths:
        if path and os.path.exists(path):
            pdfmetrics.registerFont(TTFont("DaibanCJK", path, subfontIndex=0))
            return "DaibanCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


# C0 controls but tab and line breaks, DEL, C1 controls, lone surrogates and non-characters:
# nothing a reader could see, and some of them would end up raw in the PDF.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class Markup(str):
    """Paragraph markup written in the code, with every value in it escaped (see `markup`)."""


def plain(text) -> str:
    """Any text as Paragraph markup that prints exactly that text: `<`, `>` and `&` escaped,
    invisible control characters dropped, line breaks kept as line breaks."""
    text = _INVISIBLE.sub("", "" if text is None else str(text))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br/>".join(escape(line) for line in lines)


def markup(template: str, **values) -> Markup:
    """Trusted markup from the code around escaped values:
    `markup("本人 <b>{name}</b>", name=resident.name)`. The template must be a literal."""
    return Markup(template.format(**{key: plain(value) for key, value in values.items()}))


def para(text, style: ParagraphStyle) -> Paragraph:
    """The one way text becomes a Paragraph: printed literally, unless it is `Markup`."""
    return Paragraph(text if isinstance(text, Markup) else plain(text), style)


def styles() -> dict[str, ParagraphStyle]:
    font = font_name()
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4 * mm
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=10, alignment=TA_CENTER, textColor=colors.grey
        ),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10.5, leading=15),
        "number": ParagraphStyle("number", parent=base, fontSize=10, alignment=TA_RIGHT),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "seal": ParagraphStyle(
            "seal", parent=base, fontSize=9, alignment=TA_CENTER, textColor=colors.grey
        ),
    }


def qr_image(data: str, size_mm: float = 32) -> Image:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return Image(buffer, width=size_mm * mm, height=size_mm * mm)


def grid(rows: list[list], widths: list[float], header: bool = True) -> Table:
    s = styles()
    cells = [[c if hasattr(c, "wrap") else para(c, s["cell"]) for c in row] for row in rows]
    # splitInRow: a cell taller than a page (a very long reason) goes on over the page.
    table = Table(
        cells, colWidths=[w * mm for w in widths], repeatRows=1 if header else 0, splitInRow=1
    )
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table.setStyle(TableStyle(commands))
    return table


def fields(pairs: list[tuple[str, str]]) -> Table:
    """Label–value lines, two columns, no header."""
    return grid([[label, value] for label, value in pairs], [38, 132], header=False)


def render(story: list, title: str, pagesize=A4) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_INVISIBLE.sub("", title),
        author="代办制 Daiban",
    )
    doc.build(story)
    return buffer.getvalue()


def gap(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)

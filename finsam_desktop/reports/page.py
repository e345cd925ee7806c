"""The one page layout every letter and document the program prints is set on.

Swedish business-document practice (SIS letter layout, SS 03 37):

- **first page**: the letterhead (logo, organisation, unit) in the upper left; in the
  upper right the document's title, then date, reference and page "1 (2)" as rows,
  each on its own line, so nothing can print over anything else; the recipient's
  address in the field that shows through the window of a standard right-hand window
  envelope (C5/C4 "H2"): 120 mm from the left edge, 50 mm from the top, 70 x 35 mm.
  A document with no recipient (kartläggning, registerutdrag, summaries) starts its
  text higher up;
- **later pages**: one short header line (organisation, then title · date · reference,
  then the page "2 (3)" at the right edge, each clipped to its own room), a rule;
- the sender's postal address, phone, e-mail and org. number in the footer of every
  page, with an optional note line above it.

The total number of pages is known when the numbers are written: the canvas keeps
every page and writes "page (pages)" when the document is saved. Several parts (a
letter and its copy) can share one PDF; each is numbered on its own.

Text of any length lays out across pages: ``flow`` cuts long text into paragraphs that
split between pages, absurdly long words are broken, and one-line fields (names in
headers, address lines) are clipped to their room. Headings keep with what follows and
never end a page (``heading``).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from types import SimpleNamespace
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as _ReportLabParagraph
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaParser

from finsam_desktop.domain.letters import Letterhead
from finsam_desktop.i18n import _, format_date
from finsam_desktop.reports.fonts import BOLD, REGULAR, register_fonts

# Paragraph styles are built at import, so the fonts must be known from the start.
register_fonts()

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 25 * mm
RIGHT_MARGIN = 20 * mm
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT_MARGIN
# Kept for the modules that lay out tables across the text width.
MARGIN = LEFT
WIDTH = TEXT_WIDTH

# The window field (measured from the top-left corner of the sheet).
ADDRESS_X = 120 * mm
ADDRESS_TOP = 50 * mm
ADDRESS_WIDTH = 70 * mm
ADDRESS_HEIGHT = 35 * mm
ADDRESS_MAX_LINES = 6

# The upper-right information block above the window.
INFO_X = ADDRESS_X
INFO_WIDTH = PAGE_WIDTH - RIGHT_MARGIN - INFO_X
INFO_TOP = 15 * mm
INFO_LABEL_WIDTH = 26 * mm
LETTERHEAD_WIDTH = INFO_X - LEFT - 6 * mm

# Where the text starts on the first page (below the window, or below the header when
# there is no address) and on later pages; where it ends.
FIRST_BODY_TOP_WINDOW = 98 * mm
FIRST_BODY_TOP_PLAIN = 52 * mm
LATER_HEADER_Y = 15 * mm
LATER_BODY_TOP = 26 * mm
FOOTER_TOP = PAGE_HEIGHT - 18 * mm  # measured from the top
FOOTER_NOTE_Y = 24 * mm  # from the bottom edge
BODY_BOTTOM = 29 * mm  # from the bottom edge

GREY = colors.Color(0.35, 0.35, 0.35)


@lru_cache(maxsize=2048)
def _parsed(text: str, style: ParagraphStyle, case_sensitive: int) -> tuple:
    """Paragraph markup parsed into ReportLab's fragments (what ``Paragraph._setup``
    does), remembered: a thousand letters of one mailing share their body text."""
    text = cleanBlockQuotedText(text)
    parser = ParaParser()
    parser.caseSensitive = case_sensitive
    style, frags, bullet = parser.parse(text, style)
    if frags is None:
        raise ValueError(f"xml parser error ({parser.errors[0]}) in paragraph {text[:30]!r}")
    textTransformFrags(frags, style)
    return text, style, tuple(frags), bullet


# Lines broken per (markup, style, widths): the same text at the same width breaks the
# same way in every letter. Bounded; cleared whole when full.
_LINES: dict[tuple, object] = {}
_LINES_MAX = 2048
# How many paragraphs and strings a canvas remembers the PDF code of (Paragraph.draw,
# _draw_repeated); cleared whole when full.
DRAWN_MAX = 2048


class Paragraph(_ReportLabParagraph):
    """ReportLab's Paragraph, parsed once per text and style and wrapped once per
    width. A paragraph is measured several times at the same width (KeepTogether
    measures its content and the frame measures each part again; a heading measures
    what follows it), and every measuring breaks the lines anew; the lines depend on
    the text, the style and the width only, and a mailing repeats the same paragraphs
    in every letter. The parsed fragments are copied for each paragraph; the broken
    lines are shared (ReportLab only reads them when it draws or splits left-to-right
    text)."""

    def _setup(self, text, style, bulletText, frags, cleaner):
        if frags is not None or bulletText or cleaner is not cleanBlockQuotedText:
            super()._setup(text, style, bulletText, frags, cleaner)
            return
        text, style, frags, bullet = _parsed(text, style, self.caseSensitive)
        self._lines_key = (text, style)
        super()._setup(text, style, bullet, [f.clone() for f in frags], cleaner)

    def breakLines(self, width):
        key = self.__dict__.get("_lines_key")
        if key is None:
            return super().breakLines(width)
        key = (*key, tuple(width) if isinstance(width, list | tuple) else width)
        lines = _LINES.get(key)
        if lines is None:
            if len(_LINES) >= _LINES_MAX:
                _LINES.clear()
            lines = _LINES[key] = super().breakLines(width)
        return lines

    def draw(self):
        """Draws the lines; a paragraph drawn before on this canvas with the same lines
        (same text, style and widths: the shared ``blPara``), the same size and the same
        transparency is not drawn again: the PDF code it made is appended once more.
        That code is drawn inside the paragraph's own origin (Flowable.drawOn translates
        to it) and restores the canvas's state, and the text's glyphs are already in
        this canvas's font subsets: the same bytes as drawing it. Only what draws no
        more than text is repeated: no links, underlines, bullets, boxes or spot colours."""
        blPara = self.__dict__.get("blPara")
        canv = self.canv
        if (
            "_lines_key" not in self.__dict__
            or blPara is None
            or blPara.kind != 0
            or getattr(blPara, "us_lines", None)
            or getattr(blPara, "link", None)
            or self.bulletText
            or self.debug
            or "_offsets" in self.__dict__
            or isinstance(blPara.textColor, colors.CMYKColor)
            or self.style.backColor
            or self.style.borderColor
        ):
            return super().draw()
        cache = canv.__dict__.get("_drawn_paragraphs")
        if cache is None:
            cache = canv._drawn_paragraphs = {}
        key = (type(self), blPara, self.width, self.height, tuple(canv._extgstate._d.items()))
        code = cache.get(key)
        if code is None:
            start = len(canv._code)
            super().draw()
            if len(cache) >= DRAWN_MAX:
                cache.clear()
            cache[key] = tuple(canv._code[start:])
        else:
            canv._code.extend(code)

    def wrap(self, availWidth, availHeight):
        # split() drops the lines when the paragraph must move on: then measure again.
        if self.__dict__.get("_wrapped_width") == availWidth and "blPara" in self.__dict__:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_width = availWidth
        return size


# --- text styles ------------------------------------------------------------------------
# No paragraph leaves a single line behind on the next page (widow).

TITLE = ParagraphStyle("title", fontName=BOLD, fontSize=15, leading=19, spaceAfter=4)
SUBJECT = ParagraphStyle("subject", fontName=BOLD, fontSize=12, leading=15, spaceAfter=8)
HEADING = ParagraphStyle(
    "heading",
    fontName=BOLD,
    fontSize=12,
    leading=15,
    spaceBefore=10,
    spaceAfter=4,
)
BODY = ParagraphStyle(
    "body", fontName=REGULAR, fontSize=10, leading=13, spaceAfter=4, allowWidows=0
)
LETTER_HEADING = ParagraphStyle(
    "letter_heading",
    fontName=BOLD,
    fontSize=11,
    leading=14,
    spaceBefore=4,
    spaceAfter=2,
)
LETTER_BODY = ParagraphStyle(
    "letter", fontName=REGULAR, fontSize=10.5, leading=14, spaceAfter=7, allowWidows=0
)
SMALL = ParagraphStyle("small", fontName=REGULAR, fontSize=8.5, leading=11, textColor=GREY)
LABEL = ParagraphStyle("label", fontName=BOLD, fontSize=9.5, leading=12)
CELL = ParagraphStyle("cell", fontName=REGULAR, fontSize=9.5, leading=12)

# --- text of any length -----------------------------------------------------------------

# A word longer than this is broken (a pasted hash, a key held down): it would otherwise
# make ReportLab measure it character by character on every line.
LONG_WORD = 60
# Text is cut into paragraphs of at most this many characters, so a page break re-wraps
# only what is left of one piece, never a whole 100,000-character field.
PIECE = 1500
# A one-line field (a name, an address line) longer than this is clipped before it is
# measured; the room it prints in is much shorter anyway.
ONE_LINE = 300
# A table cell holding more than this moves out of its table, below it, in full.
LONG_CELL = 400

_LONG_WORD_RE = re.compile(r"\S{" + str(LONG_WORD + 1) + ",}")


def _break_words(text: str) -> str:
    return _LONG_WORD_RE.sub(
        lambda m: " ".join(
            m.group(0)[i : i + LONG_WORD] for i in range(0, len(m.group(0)), LONG_WORD)
        ),
        text,
    )


def _pieces(text: str) -> list[str]:
    """Lines of text, each cut at a space into pieces of at most PIECE characters."""
    out: list[str] = []
    for line in text.split("\n"):
        while len(line) > PIECE:
            cut = line.rfind(" ", PIECE // 2, PIECE)
            cut = cut if cut > 0 else PIECE
            out.append(line[:cut])
            line = line[cut:].lstrip(" ")
        out.append(line)
    return out


def markup(text: str) -> str:
    """Short user text as Paragraph markup: escaped, line breaks and words kept."""
    return "<br/>".join(escape(line) for line in _break_words(text or "").split("\n"))


def clip(text: str, limit: int = ONE_LINE) -> str:
    """A one-line field cut to ``limit`` characters (with an ellipsis), line breaks as spaces."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@lru_cache(maxsize=4096)
def fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` on one line, shortened with an ellipsis to fit ``width`` points.
    Remembered: the same letterhead, labels and footer are fitted on every page."""
    text = clip(text)
    if stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its ellipsis
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle] + "…", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "…"


def text(value: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A short text as one paragraph (a label, a table cell): escaped, line breaks kept."""
    return Paragraph(markup(value), style)


def flow(value: str, style: ParagraphStyle = BODY) -> list[Flowable]:
    """Text of any length as paragraphs that split between pages. Empty lines separate
    paragraphs; single line breaks are kept."""
    value = value or ""
    texts = _flow_texts(value) if len(value) <= PIECE else _flow_texts.__wrapped__(value)
    return [Paragraph(t, style) for t in texts]


@lru_cache(maxsize=1024)
def _flow_texts(value: str) -> tuple[str, ...]:
    """The markup of ``flow``'s paragraphs; remembered for short texts (a mailing has the
    same body in every letter)."""
    value = _break_words(value.replace("\r\n", "\n").replace("\r", "\n"))
    out: list[str] = []
    block: list[str] = []
    size = 0

    def close() -> None:
        nonlocal block, size
        if block:
            out.append("<br/>".join(escape(b) for b in block))
        block, size = [], 0

    for piece in _pieces(value):
        if not piece.strip():
            close()
            continue
        if size + len(piece) > PIECE:
            close()
        block.append(piece)
        size += len(piece)
    close()
    return tuple(out)


class Heading(Paragraph):
    """A heading: ``render`` binds it to the start of what follows it (see _HeadingWithStart)."""


def heading(title: str, style: ParagraphStyle = HEADING) -> list[Flowable]:
    """A heading that never ends a page: it goes where the first lines (or the first
    rows) of what follows it go."""
    return [Heading(markup(clip(title)), style)]


class _HeadingWithStart(Flowable):
    """A heading and the flowable after it, laid out as one: when the two do not fit,
    the heading stays with the part of the follower that fits here, or both move on.
    Unlike KeepTogether, a long follower is split, not moved whole to the next page."""

    def __init__(self, head: Flowable, following: Flowable):
        super().__init__()
        self.head, self.following = head, following
        self.head_height = self.gap = self.following_height = 0.0

    def getSpaceBefore(self) -> float:
        return self.head.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.following.getSpaceAfter()

    def _gap(self) -> float:
        return max(self.head.getSpaceAfter(), self.following.getSpaceBefore())

    def wrap(self, available_width, available_height):
        _w, self.head_height = self.head.wrapOn(self.canv, available_width, available_height)
        self.gap = self._gap()
        room = max(0.0, available_height - self.head_height - self.gap)
        _w, self.following_height = self.following.wrapOn(self.canv, available_width, room)
        self.width = available_width
        self.height = self.head_height + self.gap + self.following_height
        return self.width, self.height

    def split(self, available_width, available_height):
        _w, head_height = self.head.wrapOn(self.canv, available_width, available_height)
        room = available_height - head_height - self._gap()
        if room <= 0:
            return []
        parts = self.following.splitOn(self.canv, available_width, room)
        if len(parts) >= 2 and not isinstance(parts[0], ActionFlowable):
            return [_HeadingWithStart(self.head, parts[0]), *parts[1:]]
        return []  # nothing of the follower fits here: both go to the next page

    def drawOn(self, canvas, x, y, _sW=0):
        self.following.drawOn(canvas, x, y)
        self.head.drawOn(canvas, x, y + self.following_height + self.gap)

    def draw(self) -> None:  # drawOn does the work
        pass


def bind_headings(story: list[Flowable]) -> list[Flowable]:
    """Every Heading joined with the flowable after it (spacers after a heading dropped:
    the heading's own space follows it)."""
    out: list[Flowable] = []
    for flowable in reversed(story):
        if isinstance(flowable, Heading):
            while out and isinstance(out[-1], Spacer | CondPageBreak):
                out.pop()
            if out:
                out[-1] = _HeadingWithStart(flowable, out[-1])
                continue
        out.append(flowable)
    out.reverse()
    return out


def label_value_rows(
    rows: list[tuple[str, str]], label_width: float = 45 * mm, width: float = TEXT_WIDTH
) -> list[Flowable]:
    """Label/value pairs as a two-column table; a long value leaves the table and flows in
    full below its label, so no cell ever needs more than a page."""
    out: list[Flowable] = []
    short: list[list[Flowable]] = []

    def close() -> None:
        if short:
            out.append(grid(list(short), [label_width, width - label_width], header=False))
            short.clear()

    for label, value in rows:
        if len(value or "") > LONG_CELL or (value or "").count("\n") > 8:
            close()
            out.append(Spacer(1, 2 * mm))
            out.append(Heading(markup(clip(label)), LABEL))
            out.extend(flow(value))
            out.append(Spacer(1, 2 * mm))
        else:
            short.append([text(clip(label), LABEL), text(value or "–", CELL)])
    close()
    return out


def grid(rows: list[list], widths: list[float], header: bool = True) -> Table:
    """A table of wrapping cells with a shaded header row. Cells are strings or
    flowables; rows split between pages, the header row repeats."""
    cells = [[c if isinstance(c, Flowable) else text(str(c), CELL) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.Color(0.75, 0.75, 0.75)),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        # Tables default to Helvetica, which is not embedded.
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.94, 0.97)))
    table.setStyle(TableStyle(style))
    return table


def long_cells_table(
    rows: list[list[str]],
    headers: list[str],
    widths: list[float],
    row_name: Callable[[list[str]], str],
) -> list[Flowable]:
    """A table whose text cells may be long: a long cell shows its start in the table
    with "(continued below)", and its whole text follows the table under a label."""
    data: list[list] = [[text(h, LABEL) for h in headers]]
    after: list[Flowable] = []
    for row in rows:
        cells = []
        for column, value in enumerate(row):
            value = value or ""
            if len(value) > LONG_CELL or value.count("\n") > 8:
                start = clip(value, 160)
                cells.append(text(start + " " + _("(continued below)"), CELL))
                after.append(Spacer(1, 2 * mm))
                label = clip(f"{row_name(row)} – {headers[column]}", 200)
                after.append(Heading(markup(label), LABEL))
                after.extend(flow(value))
            else:
                cells.append(text(value, CELL))
        data.append(cells)
    return [grid(data, widths), *after]


# --- the document -----------------------------------------------------------------------


@dataclass
class Head:
    """What the first page's header and the later pages' header line show."""

    letterhead: Letterhead
    title: str  # the document type, e.g. "Kallelse", "Kartläggning"
    date: date | None = None
    reference: str = ""
    recipient: list[str] | None = None  # the address window; None: no window
    copy_label: str = ""  # e.g. "Kopia till remittenten"
    footer_note: str = ""  # one small line above the footer on every page
    rows: list[tuple[str, str]] = field(default_factory=list)  # more rows under the date


@dataclass
class Part:
    """One numbered document (a letter, its copy) in a PDF."""

    head: Head
    story: list[Flowable]


class _State:
    """Which part the pages being drawn belong to, and where page numbers go."""

    def __init__(self, part: Part):
        self.part = part
        self.part_no = 0
        self.page_in_part = 0
        # per page: (part_no, page_in_part, x, y from the bottom, right-aligned)
        self.pages: list[tuple[int, int, float, float, bool]] = []

    def new_page(self, x: float, y: float, right: bool) -> None:
        self.page_in_part += 1
        self.pages.append((self.part_no, self.page_in_part, x, y, right))


class _NextPart(Flowable):
    """Switches to the next part; placed just before its page break."""

    def __init__(self, state: _State, part: Part):
        super().__init__()
        self._state, self._part = state, part

    def wrap(self, _w, _h):
        return 0, 0

    def draw(self) -> None:
        self._state.part = self._part
        self._state.part_no += 1
        self._state.page_in_part = 0


def render(parts: list[Part], *, title: str = "", author: str = "", subject: str = "") -> bytes:
    """One PDF of every part, each from a new page and numbered "page (pages)" on its own."""
    if not parts:
        raise ValueError("nothing to render")
    buffer = io.BytesIO()
    state = _State(parts[0])
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT_MARGIN,
        topMargin=LATER_BODY_TOP,
        bottomMargin=BODY_BOTTOM,
        title=clip(title or parts[0].head.title, 200),
        author=clip(author or parts[0].head.letterhead.organisation, 200),
        subject=clip(subject, 200),
        creator="Finsam Desktop",
        initialFontName=REGULAR,
    )

    def frame(top: float, name: str) -> Frame:
        return Frame(
            LEFT, BODY_BOTTOM, TEXT_WIDTH, PAGE_HEIGHT - top - BODY_BOTTOM, id=name,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
        )  # fmt: skip

    templates = {
        "window": PageTemplate(
            "window",
            [frame(FIRST_BODY_TOP_WINDOW, "w")],
            onPage=lambda c, d: _first_page(c, state),
            autoNextPageTemplate="later",
        ),
        "plain": PageTemplate(
            "plain",
            [frame(FIRST_BODY_TOP_PLAIN, "p")],
            onPage=lambda c, d: _first_page(c, state),
            autoNextPageTemplate="later",
        ),
        "later": PageTemplate(
            "later", [frame(LATER_BODY_TOP, "l")], onPage=lambda c, d: _later_page(c, state)
        ),
    }

    def first(part: Part) -> str:
        return "window" if part.head.recipient is not None else "plain"

    order = [first(parts[0])] + [k for k in templates if k != first(parts[0])]
    doc.addPageTemplates([templates[k] for k in order])
    story: list[Flowable] = []
    for index, part in enumerate(parts):
        if index:
            story += [_NextPart(state, part), NextPageTemplate(first(part)), PageBreak()]
        story += bind_headings(part.story)
    with _fewer_collections():
        doc.build(story, canvasmaker=_numbered_canvas(state))
    return buffer.getvalue()


# Python's cyclic garbage collector runs after every 700 new container objects. A PDF's
# build makes hundreds of thousands (flowables, fragments, text objects, one dict per
# page kept until the page numbers are written), so for 1,000 letters it ran about 170
# times, walking a heap that grows with every page: 10-15 % of the time. While a PDF is
# built it runs after 50,000 instead (reference counting still frees at once all that
# holds no cycle); the usual setting returns when the last build running ends.
BUILD_COLLECTION_THRESHOLD = 50_000
_collections_lock = threading.Lock()
_builds_running = 0
_usual_threshold: tuple[int, ...] = ()


@contextlib.contextmanager
def _fewer_collections():
    global _builds_running, _usual_threshold
    with _collections_lock:
        if not _builds_running:
            _usual_threshold = gc.get_threshold()
            gc.set_threshold(
                max(BUILD_COLLECTION_THRESHOLD, _usual_threshold[0]), *_usual_threshold[1:]
            )
        _builds_running += 1
    try:
        yield
    finally:
        with _collections_lock:
            _builds_running -= 1
            if not _builds_running:
                gc.set_threshold(*_usual_threshold)


def _numbered_canvas(state: _State):
    class NumberedCanvas(Canvas):
        """Writes "page (pages)" on every page once the number of pages of its part is
        known: a part's pages are kept until the next part begins, then written (1,000
        letters in one PDF keep one letter's pages, not all 1,000); a page shown after
        the next part has begun is its part's last and is written at once."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # One object shared by every copy of the canvas's state below: pages drawn
            # and not yet written, and how many are written (their index in state.pages).
            self._kept = SimpleNamespace(pages=[], written=0)

        def showPage(self):
            kept = self._kept
            part_no, page, x, y, right = state.pages[kept.written + len(kept.pages)]
            if not kept.pages and part_no < state.part_no:
                # The next part has begun (_NextPart comes before its page break), so
                # this page is its part's last and the earlier ones are written: the
                # usual one-page letter is numbered and written at once, its state not
                # copied.
                self.setFont(REGULAR, 9)
                _draw_repeated(self, x, y, f"{page} ({page})", right)
                Canvas.showPage(self)
                kept.written += 1
                return
            kept.pages.append(dict(self.__dict__))
            self._startPage()
            part_now = state.pages[kept.written + len(kept.pages) - 1][0]
            done = 0
            while state.pages[kept.written + done][0] != part_now:
                done += 1
            if done:  # the parts before this page's part have all their pages
                drawing = dict(self.__dict__)
                self._write(done)
                self.__dict__.update(drawing)

        def save(self):
            self._write(len(self._kept.pages))
            super().save()

        def _write(self, count: int) -> None:
            """Writes the first ``count`` pages kept, each with its number: they hold
            whole parts, so each part's last page among them is its number of pages."""
            kept = self._kept
            numbers = state.pages[kept.written : kept.written + count]
            totals = {part_no: page for part_no, page, *_rest in numbers}
            for saved, (part_no, page, x, y, right) in zip(
                kept.pages[:count], numbers, strict=True
            ):
                self.__dict__.update(saved)
                total = totals[part_no]
                self.setFont(REGULAR, 9)
                _draw_repeated(self, x, y, f"{page} ({total})", right)
                Canvas.showPage(self)
                kept.written += 1
            del kept.pages[:count]

    return NumberedCanvas


# The widest page number a header makes room for.
PAGE_NUMBER_ROOM = 16 * mm


def _y(top: float) -> float:
    """A distance from the top edge as ReportLab's y (from the bottom edge)."""
    return PAGE_HEIGHT - top


def _once(c: Canvas, key: tuple, draw: Callable[[], None]) -> None:
    """What ``draw`` draws, as a form XObject made at its first use in the PDF and
    placed again on every page after that: the letterhead and the footer are the same
    on every page of one sender, so they are drawn (and their logo read) once per PDF,
    not once per page. The form is keyed by everything that is drawn."""
    name = _form_name(key)
    if not c.hasForm(name):
        c.beginForm(name)
        draw()
        c.endForm()
    c.doForm(name)


@lru_cache(maxsize=256)
def _form_name(key: tuple) -> str:
    """The form's name for ``key``, worked out once per key, not on every page."""
    return "p" + hashlib.sha1(repr(key).encode("utf-8"), usedforsecurity=False).hexdigest()


def _first_page(c: Canvas, state: _State) -> None:
    head = state.part.head
    _letterhead_once(c, head.letterhead)
    _info_block(c, head, state)
    _address_block(c, head.recipient)
    _footer(c, head)


def _later_page(c: Canvas, state: _State) -> None:
    head = state.part.head
    y = _y(LATER_HEADER_Y)
    right_edge = PAGE_WIDTH - RIGHT_MARGIN
    state.new_page(right_edge, y, True)
    c.saveState()
    size = 9
    gap = 6 * mm
    # Date and reference always print whole; the organisation gets the room the title
    # leaves (a third of the line at least), the title what is left between them.
    tail = "  ·  ".join(
        b for b in (format_date(head.date) if head.date else "", clip(head.reference, 40)) if b
    )
    middle_right = right_edge - PAGE_NUMBER_ROOM
    tail_width = stringWidth(tail, REGULAR, size)
    separator = stringWidth("  ·  ", REGULAR, size)
    title_width = stringWidth(clip(head.title, 120), REGULAR, size) + separator
    org_room = max(
        TEXT_WIDTH / 3, middle_right - LEFT - gap - tail_width - title_width if head.title else 0
    )
    organisation = fit(head.letterhead.organisation, BOLD, size, org_room)
    org_width = stringWidth(organisation, BOLD, size)
    c.setFont(BOLD, size)
    c.drawString(LEFT, y, organisation)
    c.setFont(REGULAR, size)
    room = middle_right - tail_width - (LEFT + org_width + gap)
    title = fit(head.title, REGULAR, size, room - separator)
    middle = "  ·  ".join(b for b in (title if room > 15 * mm else "", tail) if b)
    c.drawRightString(middle_right, y, middle)
    c.setStrokeGray(0.6)
    c.setLineWidth(0.5)
    c.line(LEFT, y - 2.5 * mm, right_edge, y - 2.5 * mm)
    c.restoreState()
    _footer(c, head)


def _letterhead_once(c: Canvas, head: Letterhead) -> None:
    logo = hashlib.sha1(head.logo_png, usedforsecurity=False).digest() if head.logo_png else b""
    _once(c, ("letterhead", head.organisation, head.unit, logo), lambda: _letterhead(c, head))


def _letterhead(c: Canvas, head: Letterhead) -> None:
    c.saveState()
    top = INFO_TOP
    if head.logo_png:
        try:
            image = ImageReader(io.BytesIO(head.logo_png))
            width, height = image.getSize()
            scale = min(45 * mm / width, 18 * mm / height)
            w, h = width * scale, height * scale
            c.drawImage(image, LEFT, _y(top - 3 * mm) - h, w, h, mask="auto")
            top += h + 2 * mm
        except (OSError, ValueError):
            # A broken logo must never stop a letter; the name stands alone instead.
            top = INFO_TOP
    c.setFont(BOLD, 11)
    c.drawString(LEFT, _y(top), fit(head.organisation, BOLD, 11, LETTERHEAD_WIDTH))
    if head.unit:
        c.setFont(REGULAR, 10)
        c.drawString(LEFT, _y(top + 5 * mm), fit(head.unit, REGULAR, 10, LETTERHEAD_WIDTH))
    c.restoreState()


@lru_cache(maxsize=256)
def _title_lines(title: str) -> tuple[tuple[str, ...], float]:
    """The title in capitals on at most two lines of the info block, as large as fits.
    Remembered: a mailing has the same title on every letter."""
    words = clip(title, 120).upper().split()
    for size in (12, 11, 10, 9):
        lines: list[str] = []
        for word in words:
            if lines and stringWidth(lines[-1] + " " + word, BOLD, size) <= INFO_WIDTH:
                lines[-1] += " " + word
            else:
                lines.append(word)
        if len(lines) <= 2 and all(stringWidth(x, BOLD, size) <= INFO_WIDTH for x in lines):
            return tuple(lines), size
    return tuple(fit(x, BOLD, 9, INFO_WIDTH) for x in lines[:2]), 9


def _info_block(c: Canvas, head: Head, state: _State) -> None:
    c.saveState()
    y = INFO_TOP
    if head.title:
        lines, size = _title_lines(head.title)
        c.setFont(BOLD, size)
        for line in lines:
            _draw_repeated(c, INFO_X, _y(y), line)
            y += size * 0.45 * mm
        y += 2.5 * mm
    c.setFont(REGULAR, 9)
    # (label, value, whether the value repeats in every letter of a mailing)
    rows = []
    if head.date:
        rows.append((_("Date"), format_date(head.date), True))
    if head.reference:
        rows.append((_("Our reference"), head.reference, False))
    rows += [(label, value, False) for label, value in head.rows]
    value_x = INFO_X + INFO_LABEL_WIDTH
    value_room = INFO_WIDTH - INFO_LABEL_WIDTH
    for label, value, repeated in rows:
        _draw_repeated(c, INFO_X, _y(y), fit(label, REGULAR, 9, INFO_LABEL_WIDTH - 2 * mm))
        value = fit(value, REGULAR, 9, value_room)
        if repeated:
            _draw_repeated(c, value_x, _y(y), value)
        else:
            c.drawString(value_x, _y(y), value)
        y += 4.5 * mm
    _draw_repeated(c, INFO_X, _y(y), _("Page"))
    state.new_page(value_x, _y(y), False)
    y += 4.5 * mm
    if head.copy_label:
        c.setFont(BOLD, 10)
        label = fit(head.copy_label.upper(), BOLD, 10, INFO_WIDTH)
        _draw_repeated(c, INFO_X, _y(y + 1 * mm), label)
    c.restoreState()


def _draw_repeated(c: Canvas, x: float, y: float, text: str, right: bool = False) -> None:
    """``c.drawString`` (or ``drawRightString``) for a string that every letter of a
    mailing draws again at the same place in the same font (a label, the title, the date,
    the page number): its PDF code depends on nothing else, so it is made once per canvas
    (the canvas's own font subsets) and appended again; the same bytes as drawing it."""
    cache = c.__dict__.get("_repeated_strings")
    if cache is None:
        cache = c._repeated_strings = {}
    key = (x, y, text, right, c._fontname, c._fontsize, c._leading)
    code = cache.get(key)
    if code is not None:
        c._code.extend(code)
        return
    start = len(c._code)
    if right:
        c.drawRightString(x, y, text)
    else:
        c.drawString(x, y, text)
    if len(cache) >= DRAWN_MAX:
        cache.clear()
    cache[key] = tuple(c._code[start:])


def _address_block(c: Canvas, recipient: list[str] | None) -> None:
    if not recipient:
        return
    c.saveState()
    c.setFont(REGULAR, 11)
    line_height = 5 * mm
    for i, line in enumerate(recipient[:ADDRESS_MAX_LINES]):
        c.drawString(
            ADDRESS_X,
            _y(ADDRESS_TOP + 4 * mm + i * line_height),
            fit(line, REGULAR, 11, ADDRESS_WIDTH),
        )
    c.restoreState()


def _footer(c: Canvas, head: Head) -> None:
    letterhead = head.letterhead
    layout = _footer_layout(
        (_("Postal address"), _("Phone"), _("E-mail / web"), _("Org. number")),
        letterhead.unit or letterhead.organisation,
        tuple(letterhead.address_lines),
        letterhead.phone,
        letterhead.email,
        letterhead.website,
        letterhead.org_number,
    )
    _once(
        c, ("footer", head.footer_note, layout), lambda: _draw_footer(c, head.footer_note, layout)
    )


def _draw_footer(c: Canvas, note: str, layout: tuple) -> None:
    size, columns = layout
    c.saveState()
    if note:
        c.setFont(REGULAR, 7.5)
        c.setFillColor(GREY)
        c.drawString(LEFT, FOOTER_NOTE_Y, fit(note, REGULAR, 7.5, TEXT_WIDTH))
        c.setFillColor(colors.black)
    if columns:
        c.setStrokeGray(0.6)
        c.setLineWidth(0.5)
        rule = _y(FOOTER_TOP - 4 * mm)
        c.line(LEFT, rule, PAGE_WIDTH - RIGHT_MARGIN, rule)
        for x, title, lines in columns:
            c.setFont(BOLD, size)
            c.drawString(x, _y(FOOTER_TOP), title)
            c.setFont(REGULAR, size)
            for i, line in enumerate(lines):
                c.drawString(x, _y(FOOTER_TOP + (i + 1) * 3.3 * mm), line)
    c.restoreState()


@lru_cache(maxsize=64)
def _footer_layout(
    titles: tuple[str, str, str, str],
    sender: str,
    address_lines: tuple[str, ...],
    phone: str,
    email: str,
    website: str,
    org_number: str,
) -> tuple[float, tuple[tuple[float, str, tuple[str, ...]], ...]]:
    """The footer's font size and its columns (x, title, lines), fitted to their room.
    Measured once per sender (and language), not on every page."""
    columns = [
        (
            titles[0],
            # The sender's name alone is no address: the column needs an address line.
            [sender, *address_lines] if any(line.strip() for line in address_lines) else [],
        ),
        (titles[1], [phone]),
        (titles[2], [email, website]),
        (titles[3], [org_number]),
    ]
    # A column with nothing in it is left out, label and all: no "Telefon" with no number.
    columns = [
        (title, [clip(v, 80) for v in lines if v and v.strip()][:3]) for title, lines in columns
    ]
    columns = [(title, lines) for title, lines in columns if lines]
    if not columns:
        return 7.5, ()
    gap = 6 * mm
    room = (TEXT_WIDTH - gap * (len(columns) - 1)) / len(columns)
    # Columns as wide as their longest line; a smaller size if they would not fit.
    size = 7.5
    while True:
        widths = [
            max(
                stringWidth(t, BOLD if i == 0 else REGULAR, size)
                for i, t in enumerate([title, *lines])
            )
            for title, lines in columns
        ]
        if sum(widths) + gap * (len(widths) - 1) <= TEXT_WIDTH or size <= 5.5:
            break
        size -= 0.5
    if sum(widths) + gap * (len(widths) - 1) > TEXT_WIDTH:
        widths = [room] * len(columns)
    placed = []
    x = LEFT
    for (title, lines), width in zip(columns, widths, strict=True):
        placed.append(
            (
                x,
                fit(title, BOLD, size, width),
                tuple(fit(line, REGULAR, size, width) for line in lines),
            )
        )
        x += width + gap
    return size, tuple(placed)


def _measured_alone(flowable: Flowable) -> bool:
    """Whether measuring ``flowable`` leaves nothing in the frame: a paragraph, a space,
    or a flowable that says so (``measured_alone``); not a CondPageBreak (a Spacer that
    adds a frame break when it does not fit)."""
    if isinstance(flowable, CondPageBreak):
        return False
    return isinstance(flowable, Paragraph | Spacer) or getattr(flowable, "measured_alone", False)


class _KeepTogether(KeepTogether):
    """ReportLab's KeepTogether without its copy of the whole frame at every measuring
    (``copy.deepcopy``, a few per cent of a mailing's time). The copy only catches what
    the content adds to the frame while it is measured (a CondPageBreak's frame break);
    content that adds nothing is measured as it is, to the same sizes."""

    def wrap(self, availWidth, availHeight):
        doc = getattr(self.canv, "_doctemplate", None)
        if getattr(doc, "frame", None) is None or not all(map(_measured_alone, self._content)):
            return super().wrap(availWidth, availHeight)
        frame, doc.frame = doc.frame, None
        try:
            return super().wrap(availWidth, availHeight)
        finally:
            doc.frame = frame


def keep_with_last(story: list[Flowable], closing: list[Flowable]) -> list[Flowable]:
    """``story`` followed by ``closing`` (greeting, signature), the closing kept on one
    page with the last paragraph before it, so a signature never stands alone."""
    if story and isinstance(story[-1], Paragraph):
        return [*story[:-1], _KeepTogether([story[-1], *closing])]
    return [*story, _KeepTogether(closing)]

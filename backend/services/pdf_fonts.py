"""The CJK font PDFs embed: a TrueType subset of the hall's CJK font, made per document.

reportlab embeds only TrueType (``glyf``) outlines, while the font that draws rare name
characters (Noto Sans CJK, found by ``devices.fonts.find_cjk_font``) has CFF outlines and weighs
16 MB. So each document gets the font cut down to the characters it uses (``fontTools.subset``),
with the subset's cubic CFF outlines converted to quadratic TrueType ones (``cu2qu``); reportlab
registers that and embeds it as a FontFile2 stream, so a name such as 王𬌗, 刘䶮 or 吉𠮷 prints
on any reader. A subset costs about 0.2 s and is kept in a small in-memory LRU keyed by its
character set. The built-in ``STSong-Light`` (never embedded, no CJK Ext. A/B/E) is the last
fallback, used with a warning in the log when no font can be embedded.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset as ft_subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont as FontFile
from fontTools.ttLib import newTable
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

from devices.fonts import find_cjk_font

log = logging.getLogger(__name__)
_subset_log = logging.getLogger("fontTools.subset")
if _subset_log.level == logging.NOTSET:  # it lists every glyph kept at INFO: keep the log readable
    _subset_log.setLevel(logging.WARNING)

FALLBACK_FONT = "STSong-Light"
#: Subsets kept registered; most are 20–500 KB. Fonts in use by a document are never evicted.
CACHE_SIZE = 32
#: Every subset draws ASCII, so page numbers, amounts and codes never depend on the collection.
BASE_CHARS = "".join(chr(code) for code in range(0x20, 0x7F))
# cu2qu's tolerance in font units (1000 per em): 0.1 % of the em, far below a printer's dot.
_MAX_ERROR = 1.0
# Tables reportlab never reads (no shaping, no vertical text): dropping them saves subset time.
_DROP_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "VORG", "vhea", "vmtx", "DSIG")


@dataclass
class _Entry:
    font: ttfonts.TTFont
    users: int = 0

    @property
    def name(self) -> str:
        return str(self.font.fontName)


@contextmanager
def embedded_font(texts: Iterable[str]) -> Iterator[str]:
    """The reportlab name of a font that draws every character of ``texts``, for one document.

    The font stays registered until the block ends, so build the whole PDF inside it.
    """
    chars = charset(texts)
    try:
        entry: _Entry | None = _CACHE.acquire(chars)
    except Exception:  # whatever went wrong, a PDF with common characters beats no PDF
        log.warning(
            "cannot embed a CJK font; this PDF uses %s, which lacks rare name characters",
            FALLBACK_FONT,
            exc_info=True,
        )
        entry = None
    if entry is None:
        yield fallback_font()
        return
    try:
        yield entry.name
    finally:
        _CACHE.release(entry)


def charset(texts: Iterable[str]) -> str:
    """The sorted, distinct characters of ``texts`` plus :data:`BASE_CHARS` (the cache key)."""
    chars = set(BASE_CHARS)
    for text in texts:
        chars.update(text)
    # Control characters and lone surrogates draw nothing; U+3000 and other spaces must stay.
    return "".join(sorted(ch for ch in chars if unicodedata.category(ch) not in ("Cc", "Cs")))


@functools.cache
def fallback_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def truetype_subset(source: Path, chars: str, ps_name: str) -> bytes:
    """A TrueType font with the glyphs of ``chars`` from ``source`` (CFF or TrueType outlines).

    ``ps_name`` becomes the PostScript name: reportlab tells fonts apart by it.
    """
    options = ft_subset.Options()
    options.layout_features = []
    options.drop_tables = [*options.drop_tables, *_DROP_TABLES]
    options.notdef_outline = True  # a character the font lacks prints as a box, not as nothing
    options.name_IDs = [1, 2, 3, 4, 6]
    options.name_languages = [0x409]
    with FontFile(str(source), lazy=True) as font:
        subsetter = ft_subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(font)
        if "CFF " in font:
            _cff_to_glyf(font)
        elif "glyf" not in font:
            raise ValueError(f"{source.name}: neither CFF nor TrueType outlines")
        name_table = font["name"]
        name_table.removeNames(nameID=6)
        name_table.setName(ps_name, 6, 3, 1, 0x409)
        name_table.setName(ps_name, 6, 1, 0, 0)
        out = io.BytesIO()
        font.save(out)
    return out.getvalue()


def _cff_to_glyf(font: FontFile) -> None:
    """Replace the font's cubic CFF outlines by quadratic TrueType ones, in place."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for glyph_name in order:
        pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise, TrueType ones clockwise.
        glyph_set[glyph_name].draw(Cu2QuPen(pen, _MAX_ERROR, reverse_direction=True))
        glyf[glyph_name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    maxp = font["maxp"]  # version 0.5 (CFF) lacks the TrueType fields; save() fills the counts
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["post"].formatType = 3.0  # no glyph names: a CID-keyed font has none worth keeping
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


class _FontCache:
    """Registered subsets by character set, least recently used evicted first.

    A font is unregistered from reportlab only when no document is being built with it.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def acquire(self, chars: str) -> _Entry:
        source = find_cjk_font()
        key = f"{source}\n{chars}"
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                entry.users += 1
                return entry
        # Built outside the lock: other documents go on meanwhile (at worst two build the same).
        name = self._font_name(source, key)
        font = ttfonts.TTFont(name, io.BytesIO(truetype_subset(source, chars, name)))
        _warn_missing(font, chars)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                pdfmetrics.registerFont(font)
                entry = self._entries[key] = _Entry(font)
            self._entries.move_to_end(key)
            entry.users += 1
            self._evict()
            return entry

    def release(self, entry: _Entry) -> None:
        with self._lock:
            entry.users -= 1
            self._evict()

    def clear(self) -> None:
        """Unregister every subset no document is using."""
        with self._lock:
            for key in [k for k, e in self._entries.items() if e.users == 0]:
                self._drop(key)

    def __len__(self) -> int:
        return len(self._entries)

    def _evict(self) -> None:
        idle = [k for k, e in self._entries.items() if e.users == 0]  # oldest first
        for key in idle[: max(0, len(self._entries) - self.size)]:
            self._drop(key)

    def _drop(self, key: str) -> None:
        self._entries.pop(key).font.unregister()

    @staticmethod
    def _font_name(source: Path, key: str) -> str:
        digest = hashlib.sha1(key.encode()).hexdigest()[:12]
        return f"{_postscript_name(source)[:40]}-{digest}"


@functools.cache
def _postscript_name(source: Path) -> str:
    with FontFile(str(source), lazy=True) as font:
        return str(font["name"].getDebugName(6) or "CJK")


def _warn_missing(font: ttfonts.TTFont, chars: str) -> None:
    missing = [ch for ch in chars if not ch.isspace() and ord(ch) not in font.face.charToGlyph]
    if missing:
        listed = ", ".join(f"U+{ord(ch):04X} {ch}" for ch in missing)
        log.warning("the PDF font lacks %s; they print as boxes", listed)


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with code points above U+FFFF as UTF-16 surrogate pairs.

    reportlab writes 𠮷 as ``<20BB7>``, which readers reject, so copied or searched text loses
    exactly the rare characters this module exists for; the PDF standard wants ``<D842DFB7>``.
    """
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(
            f"<{code:02X}> <{chr(cp).encode('utf-16-be').hex().upper()}>"
            for code, cp in enumerate(subset)
        ),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


# reportlab looks this helper up when it writes a font into a PDF: the fix applies to every
# TrueType font, and leaves the CMap of a font without such characters byte for byte the same.
ttfonts.makeToUnicodeCMap = _to_unicode_cmap
_CACHE = _FontCache(CACHE_SIZE)

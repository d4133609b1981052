"""Find a CJK font that covers rare name characters (生僻字).

Printers' raster fallback and the kiosk's screens both need one font that draws every character
of a member's name, including CJK Extension A/B/E characters. WenQuanYi Micro Hei draws common
Chinese only; Noto Sans CJK covers the rare ones but Debian ships it as a ``.ttc`` collection whose
first face has Japanese glyph shapes, so the Simplified Chinese face is extracted once into a
cache directory and that single-face file is returned.

The extracted face is written without CFF subroutines. FreeType loads a CFF font's subroutines
into memory for every face it opens, and a screen opens one face per text size and weight: about
2.5 MB each for Noto Sans CJK, a dozen of them on the kiosk. Without subroutines a face costs
about 0.7 MB and each glyph's outline is read when it is drawn. The file grows from 16 to 18 MB
and the extraction takes some 25 s, once.

``python -m devices.fonts`` prepares the font and prints its path (``./hall`` runs it at set-up).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from devices.errors import DeviceDependencyError

#: Characters a usable font must draw: 䶮 (Ext. A), 𠮷 (Ext. B), 𬌗 (Ext. E).
PROBE_CHARS = "\u4dae\U00020bb7\U0002c317"

REPO_ROOT = Path(__file__).resolve().parents[1]
REPO_FONT_DIR = REPO_ROOT / "data" / "fonts"
CACHE_DIR = REPO_FONT_DIR / "cache"
#: Windows' font folders: the system's and the one "install for me only" puts fonts in.
WINDOWS_FONT_DIRS = tuple(
    Path(os.environ[variable], *parts)
    for variable, parts in (
        ("WINDIR", ("Fonts",)),
        ("LOCALAPPDATA", ("Microsoft", "Windows", "Fonts")),
    )
    if os.environ.get(variable)
)
SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local" / "share" / "fonts",
    Path.home() / ".fonts",
    *WINDOWS_FONT_DIRS,
)
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
# Face-name hints of Simplified Chinese faces, best first.
_SC_HINTS = (" sc", "sc ", "hans", " cn", "gb")


class FontNotFoundError(DeviceDependencyError):
    """No installed font covers the rare characters in :data:`PROBE_CHARS`."""


def find_cjk_font(search_dirs: Iterable[Path] | None = None, cache_dir: Path | None = None) -> Path:
    """Return a single-face TTF/OTF covering 䶮 𠮷 𬌗, preferring Simplified Chinese shapes.

    ``data/fonts/`` is searched first, then the system font folders. A face inside a collection
    is written to ``cache_dir`` (``data/fonts/cache/`` by default) the first time and reused.
    """
    dirs = tuple(search_dirs) if search_dirs is not None else (REPO_FONT_DIR, *SYSTEM_FONT_DIRS)
    return _find_cjk_font(dirs, cache_dir or CACHE_DIR)


@functools.cache
def _find_cjk_font(dirs: tuple[Path, ...], cache_dir: Path) -> Path:
    for path in _font_files(dirs, cache_dir):
        if path.suffix.lower() in (".ttc", ".otc"):
            found = _best_face_of_collection(path, cache_dir)
            if found is not None:
                return found
        elif not missing_glyphs(path, PROBE_CHARS):
            return path
    raise FontNotFoundError(
        "未找到能显示生僻字（䶮 𠮷 𬌗）的中文字体。请安装 fonts-noto-cjk"
        "（apt-get install fonts-noto-cjk），或把字体文件放到 data/fonts/ 目录。"
        " / No CJK font covering U+4DAE, U+20BB7, U+2C317 was found: install the Debian "
        "package fonts-noto-cjk or put a TTF/OTF into data/fonts/."
    )


def _font_files(dirs: tuple[Path, ...], cache_dir: Path) -> Iterator[Path]:
    """Font files in search order: folder by folder, likeliest candidates first."""
    for folder in dirs:
        if not folder.is_dir():
            continue
        files = [
            p
            for p in folder.rglob("*")
            if p.suffix.lower() in FONT_SUFFIXES and p.is_file() and cache_dir not in p.parents
        ]
        yield from sorted(files, key=_file_rank)


def _file_rank(path: Path) -> tuple[int, int, str]:
    """Likely CJK fonts first; regular sans before bold or serif."""
    name = path.name.lower()
    cjk = 0 if any(h in name for h in ("cjk", "sc", "hans", "cn", "gb", "song", "hei")) else 1
    style = sum(word in name for word in ("bold", "black", "light", "thin", "serif", "mono"))
    return (cjk, style, name)


def _best_face_of_collection(path: Path, cache_dir: Path) -> Path | None:
    collection = TTCollection(str(path), lazy=True)
    try:
        ranked = sorted(
            enumerate(collection.fonts), key=lambda item: _face_rank(_face_name(item[1]))
        )
        for index, face in ranked:
            if _missing(face.getBestCmap() or {}, PROBE_CHARS):
                continue
            suffix = ".otf" if face.sfntVersion == "OTTO" else ".ttf"
            stem = _face_name(face).replace(" ", "")
            target = cache_dir / f"{stem}-flat{suffix}"
            if not target.exists():
                _extract_face(path, index, target)
                # the same face as earlier versions cached it, with its subroutines
                (cache_dir / f"{stem}{suffix}").unlink(missing_ok=True)
            return target
        return None
    finally:
        collection.close()


def _extract_face(collection: Path, index: int, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with TTFont(str(collection), fontNumber=index) as face:
        if "CFF " in face:
            face["CFF "].cff.desubroutinize()
        face.save(str(partial))
    partial.replace(target)  # atomic: a concurrent reader never sees half a font


def _face_name(face: TTFont) -> str:
    return str(face["name"].getDebugName(4) or face["name"].getDebugName(1) or "CJKFont")


def _face_rank(name: str) -> tuple[int, int]:
    padded = f" {name.lower()} "
    language = next((i for i, hint in enumerate(_SC_HINTS) if hint in padded), len(_SC_HINTS))
    return (language, 1 if "mono" in padded else 0)


def missing_glyphs(font_path: Path | str, text: str) -> set[str]:
    """Characters of ``text`` the font cannot draw (whitespace and control characters ignored)."""
    return _missing(_cmap(str(font_path)), text)


@functools.cache
def _cmap(font_path: str) -> dict[int, str]:
    with TTFont(font_path, lazy=True, fontNumber=0) as font:
        return dict(font.getBestCmap() or {})


def _missing(cmap: dict[int, str], text: str) -> set[str]:
    return {ch for ch in text if ch.isprintable() and not ch.isspace() and ord(ch) not in cmap}


if __name__ == "__main__":
    print(find_cjk_font())

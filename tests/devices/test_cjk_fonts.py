"""CJK font discovery: one single-face font that draws rare name characters."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTCollection, TTFont

from devices import fonts as fonts_module
from devices.fonts import PROBE_CHARS, FontNotFoundError, find_cjk_font, missing_glyphs

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
NOTO_TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def test_found_font_draws_the_rare_characters_with_chinese_shapes() -> None:
    path = find_cjk_font()
    assert path.suffix in (".ttf", ".otf")
    assert missing_glyphs(path, "王𬌗䶮𠮷党员服务中心￥") == set()
    with TTFont(path, lazy=True) as font:
        family = str(font["name"].getDebugName(1))
    if path.parent.name == "cache":  # extracted from a collection: the Simplified face
        assert "SC" in family.split()


@pytest.mark.skipif(not WQY.exists(), reason="fonts-wqy-microhei is not installed")
def test_common_chinese_font_is_reported_missing_the_rare_ones() -> None:
    assert missing_glyphs(WQY, "王" + PROBE_CHARS + " \n") == set(PROBE_CHARS)


@pytest.mark.skipif(not NOTO_TTC.exists(), reason="fonts-noto-cjk is not installed")
def test_collection_face_is_extracted_once_into_the_cache(tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / NOTO_TTC.name).symlink_to(NOTO_TTC)
    cache = tmp_path / "cache"
    path = find_cjk_font([fonts], cache)
    assert path.parent == cache and path.name == "NotoSansCJKSC-flat.otf"
    stamp = path.stat().st_mtime_ns
    fonts_module._find_cjk_font.cache_clear()  # as after a restart of the kiosk
    again = find_cjk_font([fonts], tmp_path / "cache")
    assert again == path and again.stat().st_mtime_ns == stamp


def test_a_font_in_the_project_folder_comes_first(tmp_path: Path) -> None:
    shipped = tmp_path / "data-fonts"
    shipped.mkdir()
    font = shipped / "Shipped.otf"
    shutil.copyfile(find_cjk_font(), font)
    assert find_cjk_font([shipped, Path("/usr/share/fonts")], tmp_path / "cache") == font


def test_no_font_gives_an_install_hint_in_chinese_and_english(tmp_path: Path) -> None:
    with pytest.raises(FontNotFoundError) as caught:
        find_cjk_font([tmp_path], tmp_path / "cache")
    message = str(caught.value)
    assert "fonts-noto-cjk" in message and "生僻字" in message and "install" in message


@pytest.mark.skipif(not NOTO_TTC.exists(), reason="fonts-noto-cjk is not installed")
def test_extracted_face_has_no_subroutines_and_the_same_outlines() -> None:
    """FreeType keeps a CFF font's subroutines in memory once per opened size; the kiosk opens
    a dozen, so the extracted face is written without them — drawing exactly the same."""
    path = find_cjk_font()
    if path.parent.name != "cache":
        pytest.skip("the font in use was not extracted from a collection")
    with TTFont(path) as flat, TTFont(NOTO_TTC, fontNumber=_sc_face_index()) as original:
        cff = flat["CFF "].cff
        assert len(cff.GlobalSubrs) == 0
        assert all(len(getattr(fd.Private, "Subrs", [])) == 0 for fd in cff[0].FDArray)
        for ch in "王𬌗党":
            name = flat.getBestCmap()[ord(ch)]
            assert name == original.getBestCmap()[ord(ch)]
            assert _outline(flat, name) == _outline(original, name)


def _sc_face_index() -> int:
    with TTCollection(NOTO_TTC, lazy=True) as collection:
        names = [str(face["name"].getDebugName(4)) for face in collection.fonts]
    return names.index("Noto Sans CJK SC")


def _outline(font: TTFont, glyph: str) -> list[tuple[str, tuple[object, ...]]]:
    pen = RecordingPen()
    font.getGlyphSet()[glyph].draw(pen)
    return pen.value

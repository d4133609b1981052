"""Disclosure text: front matter, and Markdown turned into blocks a Kivy reader can lay out.

The kiosk shows headings, paragraphs and images, nothing more, so this is a deliberately small
reading of Markdown: ATX headings, paragraphs, list items, quotes, table rows and images. Inline
markup (emphasis, code, links, HTML) is reduced to its text. Images must point at stored media
(``media:<id>``); anything else (a web address, a missing file) is not shown on a kiosk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.services.input_rules import whole_number

IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d{1,3})[.、)]\s+(.*)$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_INLINE = (
    (re.compile(r"<[^>]+>"), ""),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
)
MEDIA_PREFIX = "media:"


@dataclass(frozen=True)
class Block:
    type: str  # heading | paragraph | image
    text: str = ""
    level: int | None = None
    media_id: int | None = None
    prose: bool = True  # False for list items and table rows: not used as a summary


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split ``---``-fenced ``key: value`` lines from the body (a tiny subset of YAML)."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, text
    meta: dict[str, str] = {}
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return meta, "\n".join(lines[index + 1 :]).lstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"第{index + 1}行应为“名称: 内容”")
        meta[key.strip().lower()] = value.strip().strip("\"'")
    raise ValueError("开头的“---”信息块没有结束的“---”")


def plain_inline(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return text.strip()


def _join(left: str, right: str) -> str:
    """Join wrapped lines: Chinese runs on without a space, Latin words keep one."""
    if not left:
        return right
    if left[-1].isascii() and left[-1].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return f"{left} {right}"
    return left + right


def media_id(target: str) -> int | None:
    if target.startswith(MEDIA_PREFIX):
        return whole_number(target[len(MEDIA_PREFIX) :])
    return None


def to_blocks(markdown: str) -> list[Block]:
    blocks: list[Block] = []
    paragraph = ""
    prose = True  # whether the open paragraph is running text (not a list item or table row)
    in_code = False

    def flush() -> None:
        nonlocal paragraph, prose
        text = plain_inline(paragraph)
        if text:
            blocks.append(Block("paragraph", text, prose=prose))
        paragraph, prose = "", True

    def add_text(text: str) -> None:
        """Text that may carry images: each image ends the paragraph it interrupts."""
        nonlocal paragraph
        position = 0
        for match in IMAGE.finditer(text):
            paragraph = _join(paragraph, text[position : match.start()].strip())
            flush()
            found = media_id(match.group(2))
            if found is not None:
                blocks.append(Block("image", plain_inline(match.group(1)), media_id=found))
            position = match.end()
        paragraph = _join(paragraph, text[position:].strip())

    for raw in markdown.splitlines():
        line = raw.rstrip()
        if line.lstrip().startswith("```"):
            flush()
            in_code = not in_code
            continue
        if in_code:
            if line.strip():
                blocks.append(Block("paragraph", line.strip()))
            continue
        if not line.strip() or _RULE.match(line) or _TABLE_SEPARATOR.match(line):
            flush()
            continue
        if heading := _HEADING.match(line):
            flush()
            text = plain_inline(heading.group(2))
            if text:
                blocks.append(Block("heading", text, level=min(len(heading.group(1)), 3)))
            continue
        if line.lstrip().startswith("|"):
            flush()
            cells = [plain_inline(c) for c in line.strip().strip("|").split("|")]
            prose = False
            add_text("　".join(c for c in cells if c))
            flush()
            continue
        item = _BULLET.match(line) or _NUMBERED.match(line)
        if item:
            flush()
            prose = False
            marker = "• " if item.re is _BULLET else f"{item.group(1)}. "
            add_text(marker + item.groups()[-1])
            continue
        if line.lstrip().startswith(">"):
            line = line.lstrip()[1:]
        add_text(line.strip())
    flush()
    return blocks


def summarize(markdown: str, limit: int = 80) -> str:
    """The first prose paragraph (else the first of any), cut at ``limit`` characters."""
    paragraphs = [b for b in to_blocks(markdown) if b.type == "paragraph"]
    paragraphs.sort(key=lambda b: not b.prose)  # stable: prose first, in document order
    if not paragraphs:
        return ""
    text = paragraphs[0].text
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: What is left of a list item or quote line once its only image is gone.
_MARKER_ONLY = re.compile(r"\s*(?:[-*+]|\d+[.)]|>)\s*")


def image_targets(markdown: str) -> list[str]:
    return [m.group(2) for m in IMAGE.finditer(markdown)]


def replace_image_targets(markdown: str, mapping: dict[str, str]) -> str:
    def swap(match: re.Match[str]) -> str:
        target = match.group(2)
        if target not in mapping:
            return match.group(0)
        return f"![{match.group(1)}]({mapping[target]})"

    return IMAGE.sub(swap, markdown)


def drop_image(markdown: str, target: str) -> str:
    """The body without its images that point at ``target``; the rest of the text is untouched.

    A line that held only such an image becomes a paragraph break (it kept the text around it
    apart), without doubling a blank line next to it; a list item or quote line that held only
    the image goes entirely, so the list around it stays one list."""
    if target not in image_targets(markdown):
        return markdown
    kept: list[str] = []
    gap = False  # the last thing seen was a dropped image: a blank line here would be a second
    for line in markdown.splitlines():
        rest = IMAGE.sub(lambda m: "" if m.group(2) == target else m.group(0), line)
        if rest != line and _MARKER_ONLY.fullmatch(rest):
            continue
        if rest != line and not rest.strip():
            if kept and kept[-1].strip():
                kept.append("")
            gap = True
            continue
        if not rest.strip() and gap and (not kept or not kept[-1].strip()):
            continue
        gap = gap and not rest.strip()
        kept.append(rest)
    return "\n".join(kept).strip("\n")

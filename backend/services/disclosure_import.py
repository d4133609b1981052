"""Loading disclosure items from a folder of Markdown files with their images.

Each ``*.md`` file (searched recursively, in name order) starts with a front-matter block::

    ---
    title: 关于2026年度党费收缴使用情况的公示
    category: 党费收缴使用          # a category's name or code
    tier: public                    # public | party | unit | 向社会公开 | 党内公开 | …
    date: 2026-07-01                # shown date; the board shows it from this day
    expires: 2027-06-30             # optional, last day shown
    org: 01010000                   # publishing organization's code (optional with a default)
    summary: …                      # optional; otherwise the first paragraph
    attachments: 明细表.xlsx, 说明.pdf  # optional, files beside the Markdown
    ---

Images are ordinary Markdown images with paths relative to the file (``![图注](img/a.png)``).
Chinese keys (标题, 栏目, 公开范围, 日期, 截止日期, 发布单位, 摘要, 附件) work too. A file whose
exact content was imported before is skipped, so running the import twice adds nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import DomainError, Invalid
from backend.models import DisclosureDocument, DisclosureTier, Organization
from backend.services import disclosure, disclosure_workflow, hall_clock
from backend.services.actor import Actor
from backend.services.disclosure_categories import find_category
from backend.services.disclosure_text import image_targets, parse_front_matter
from backend.services.media import NewMedia

OrgResolver = Callable[[str | None], Organization]

_KEY_ALIASES = {
    "标题": "title",
    "栏目": "category",
    "公开范围": "tier",
    "日期": "date",
    "发布日期": "date",
    "截止日期": "expires",
    "发布单位": "org",
    "摘要": "summary",
    "附件": "attachments",
}
_FIRST_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass
class ImportResult:
    created: list[DisclosureDocument] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def import_folder(
    session: Session,
    actor: Actor,
    folder: Path,
    *,
    resolve_org: OrgResolver,
    reviewer: str | None,
    publish: bool = True,
    today: date | None = None,
) -> ImportResult:
    """Import every Markdown file under ``folder``; any bad file fails the whole import.

    With ``publish`` each item goes through submit → review → publish, the review recorded
    under ``reviewer`` — the person who checked these files for secrecy before the import.
    """
    folder = folder.resolve()
    if not folder.is_dir():
        raise Invalid(f"找不到文件夹{folder}", code="import_folder")
    if publish and not (reviewer or "").strip():
        raise Invalid("发布前须经保密审查，请写明审查人", code="reviewer_missing")
    result = ImportResult()
    files = sorted(p for p in folder.rglob("*.md") if p.is_file())
    if not files:
        raise Invalid(f"文件夹{folder}中没有Markdown（.md）文件", code="import_empty")
    for path in files:
        name = path.relative_to(folder).as_posix()
        try:
            document = _import_file(session, actor, folder, path, resolve_org, today)
            if document is None:
                result.skipped.append(name)
                continue
            if publish:
                disclosure_workflow.submit_review(session, actor, document)
                disclosure_workflow.approve(session, actor, document, reviewer=reviewer)
                disclosure_workflow.publish(session, actor, document)
            result.created.append(document)
        except DomainError as exc:
            raise type(exc)(f"{name}：{exc.message}", code=exc.code) from None
    return result


def _import_file(
    session: Session,
    actor: Actor,
    folder: Path,
    path: Path,
    resolve_org: OrgResolver,
    today: date | None,
) -> DisclosureDocument | None:
    raw = path.read_bytes()
    try:
        meta, body = parse_front_matter(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Invalid("文件不是UTF-8编码", code="import_encoding") from None
    except ValueError as exc:
        raise Invalid(str(exc), code="import_front_matter") from None
    meta = {_KEY_ALIASES.get(k, k): v for k, v in meta.items()}
    title = meta.get("title") or _first_heading(body)
    if not meta.get("category"):
        raise Invalid("缺少栏目（category）", code="import_category")
    category = find_category(session, meta["category"])
    tier = disclosure.parse_tier(meta.get("tier") or DisclosureTier.PUBLIC)
    if tier is DisclosureTier.CONCERNED:
        raise Invalid("向特定党员公开的内容须在管理台指定党员，不能批量导入", code="import_tier")
    files = _images(folder, path, body) + _attachments(folder, path, meta.get("attachments", ""))
    digest = hashlib.sha256(raw)
    for item in files:
        digest.update(item.data)
    if session.scalar(
        select(DisclosureDocument.id).where(DisclosureDocument.source_digest == digest.hexdigest())
    ):
        return None
    return disclosure.create_document(
        session,
        actor,
        org=resolve_org(meta.get("org") or None),
        category=category,
        title=title,
        body_md=body,
        tier=tier,
        publish_on=_date(meta.get("date")) or today or hall_clock.today(),
        expires_on=_date(meta.get("expires")),
        summary=meta.get("summary"),
        files=files,
        source_digest=digest.hexdigest(),
    )


def _first_heading(body: str) -> str:
    match = _FIRST_HEADING.search(body)
    if match is None:
        raise Invalid("缺少标题（title）", code="import_title")
    return match.group(1)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"日期“{value}”应写成2026-07-01的形式", code="import_date") from None


def _read_beside(folder: Path, path: Path, relative: str) -> bytes:
    """A file named relative to the Markdown file, which must stay inside the import folder."""
    target = (path.parent / relative).resolve()
    if not target.is_relative_to(folder):
        raise Invalid(f"文件{relative}不在导入文件夹内", code="import_path")
    if not target.is_file():
        raise Invalid(f"找不到文件{relative}", code="import_missing_file")
    return target.read_bytes()


def _images(folder: Path, path: Path, body: str) -> list[NewMedia]:
    found: dict[str, NewMedia] = {}
    for target in image_targets(body):
        if target in found or re.match(r"^[a-z]+:", target):
            continue  # already read, or a web address / stored media: not a local file
        data = _read_beside(folder, path, target)
        found[target] = NewMedia(filename=Path(target).name, data=data, ref=target)
    return list(found.values())


def _attachments(folder: Path, path: Path, listed: str) -> list[NewMedia]:
    names = [n.strip() for n in re.split(r"[,，、]", listed) if n.strip()]
    return [
        NewMedia(filename=Path(n).name, data=_read_beside(folder, path, n), attachment=True)
        for n in names
    ]

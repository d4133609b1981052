"""Turn the backend's content answers into rows for lists (pure functions, no widgets).

The honor roll and the attract loop show the same rows; the disclosure list shows document
rows. Donors appear by name only when they consented (the backend lists only those); the
others appear as one line with their count and total.
"""

from __future__ import annotations

from typing import Any

HONOR_ORDER = ("优秀共产党员", "优秀党务工作者", "先进基层党组织")


def _rank(group: dict[str, Any]) -> tuple[int, int]:
    title = str(group.get("title", ""))
    position = HONOR_ORDER.index(title) if title in HONOR_ORDER else len(HONOR_ORDER)
    return (-int(group.get("year", 0)), position)


def honor_rows(honors: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows for the honor roll: a heading per group, then its entries, then the donors."""
    rows: list[dict[str, Any]] = []
    groups = list(honors.get("people", [])) + list(honors.get("organizations", []))
    for group in sorted(groups, key=_rank):
        rows.append({"kind": "heading", "text": f"{group['year']}年 {group['title']}"})
        for entry in group.get("entries", []):
            detail = "　".join(p for p in (entry.get("unit"), entry.get("awarding_body")) if p)
            rows.append(
                {
                    "kind": "entry",
                    "title": entry.get("name", ""),
                    "detail": detail,
                    "citation": entry.get("citation", ""),
                    "photo_url": entry.get("photo_url") or "",
                }
            )
    rows.extend(donor_rows(honors.get("donors") or {}))
    return rows


def donor_rows(donors: dict[str, Any]) -> list[dict[str, Any]]:
    if not donors or not donors.get("count"):
        return []
    rows: list[dict[str, Any]] = [{"kind": "heading", "text": "党建基金捐赠"}]
    for donor in donors.get("listed", []):
        unit = f"（{donor['unit']}）" if donor.get("unit") else ""
        kind = donor.get("kind_label", "")
        rows.append(
            {
                "kind": "entry",
                "title": f"{donor['name']}{unit}",
                "detail": f"{kind}捐赠 {donor['amount']} 元　{donor['date']}",
                "citation": "",
                "photo_url": "",
            }
        )
    if donors.get("anonymous_count"):
        rows.append(
            {
                "kind": "entry",
                "title": f"另有 {donors['anonymous_count']} 位爱心人士和单位",
                "detail": f"捐赠合计 {donors['anonymous_total']} 元",
                "citation": "",
                "photo_url": "",
            }
        )
    rows.append(
        {
            "kind": "entry",
            "title": f"共 {donors['count']} 笔捐赠，合计 {donors['total']} 元",
            "detail": "感谢社会各界对党建工作的支持",
            "citation": "",
            "photo_url": "",
        }
    )
    return rows


def document_row(item: dict[str, Any]) -> dict[str, Any]:
    """A row of the disclosure list; member-only items say so."""
    tier = "" if item.get("tier") == "public" else f"【{item.get('tier_label', '党内公开')}】"
    return {
        "doc_id": item["id"],
        "title": f"{tier}{item['title']}",
        "meta": "　".join(str(item.get(k) or "") for k in ("date", "organization", "category")),
        "summary": item.get("summary", ""),
    }

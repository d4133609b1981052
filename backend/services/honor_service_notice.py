"""The 荣誉服务通知单: the paper a member takes to the partner venue, and its public check.

Built like the dues slip (``services/slips.py``): a device-neutral print document with the
notice number and a signed verification QR code (``services/verify.py``, kind ``hs``). The notice
is rebuilt from the stored use (venue, offer, year, basis), so a reprint says what the first
print said, marked 补打 (``services/reprints.py``). The name is masked; the venue checks the
member card shown with it (docs/honor-services.md).
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import HonorUse
from backend.services import reprints, verify
from backend.services.dues_year import hall_now, hall_today, to_local
from backend.services.masking import mask_name
from backend.settings import Settings
from devices.printer.document import PrintDocument

NOTICE_TITLE = "荣誉服务通知单"
NOTICE_KIND = "hs"
CHANNELS = {"counter": "服务窗口", "kiosk": "自助查询机"}


def notice_url(settings: Settings, use: HonorUse) -> str:
    return verify.url_for(settings, NOTICE_KIND, use.notice_no)


def notice_document(settings: Settings, use: HonorUse) -> PrintDocument:
    """The notice as first printed."""
    offer, venue, member = use.offer, use.offer.venue, use.member
    doc = PrintDocument(NOTICE_TITLE)
    doc.text(settings.center_name, align="center", bold=True)
    doc.kv("通知单编号", use.notice_no)
    doc.rule()
    doc.kv("党员", mask_name(member.name))
    doc.kv("所在组织", use.org.name)
    doc.kv("享受条件", use.basis)
    doc.rule()
    doc.kv("合作单位", venue.name)
    if venue.address:
        doc.kv("地址", venue.address)
    if venue.contact_name or venue.contact_phone:
        doc.kv("联系人", " ".join(x for x in (venue.contact_name, venue.contact_phone) if x))
    doc.kv("服务内容", offer.title, bold=True)
    if offer.schedule:
        doc.kv("开放时间", offer.schedule)
    doc.kv("本年度", f"第{use.use_no}次（每年免费{offer.free_uses}次）")
    doc.kv("有效期", f"{use.year}年12月31日前")
    doc.rule()
    doc.text(
        f"{mask_name(member.name)}同志：感谢您为党和人民作出的贡献。"
        "请持本通知单和党员卡到上述单位享受免费服务。",
    )
    doc.kv("开具方式", CHANNELS.get(use.channel, use.channel))
    doc.kv("开具时间", f"{to_local(use.used_on, settings.dues):%Y-%m-%d %H:%M}")
    doc.rule()
    doc.qr(notice_url(settings, use))
    doc.text("扫码核验通知单真伪", align="center")
    doc.cut()
    return doc


def reprint_document(settings: Settings, use: HonorUse) -> PrintDocument:
    """The notice marked 补打 with the count in ``use.prints`` (already counted)."""
    return reprints.mark(
        notice_document(settings, use),
        reprints.reprint_count(use.prints),
        hall_now(settings.dues),
    )


def _resolve(session: Session, settings: Settings, number: str) -> verify.Verification | None:
    if not re.fullmatch(r"\d{10}", number):
        return None
    use = session.scalar(
        select(HonorUse).where(
            HonorUse.notice_year == int(number[:4]), HonorUse.notice_seq == int(number[4:])
        )
    )
    if use is None:
        return None
    fields = [
        ("通知单编号", use.notice_no),
        ("党员", mask_name(use.member.name)),
        ("合作单位", use.offer.venue.name),
        ("服务内容", use.offer.title),
        ("有效期", f"{use.year}年12月31日前"),
    ]
    if use.year < hall_today(settings.dues).year:
        note = "该通知单真实，但已过有效期"
    else:
        note = "该通知单真实有效"
    return verify.Verification(NOTICE_KIND, NOTICE_TITLE, "valid", number, fields, note)


verify.register(NOTICE_KIND, NOTICE_TITLE, _resolve)

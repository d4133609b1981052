"""Sample print documents shaped like the backend's receipts and letters."""

from __future__ import annotations

from devices.printer.document import PrintDocument

RECEIPT_URL = "https://hall.example.cn/r/2024-000123?k=9f3a"
WARNING = "有情提醒：党费要按时缴纳，按党章规定逾期六个月，可作自行退党处理！"
MONTH_WIDTHS = [0.5, 0.25, 0.25]
MONTH_ALIGNS = ["left", "right", "right"]


def dues_receipt(name: str = "王𬌗", *, with_qr: bool = True) -> PrintDocument:
    """A dues receipt like the backend prints at the counter."""
    doc = PrintDocument("党费缴费凭条")
    doc.kv("凭条号", "2024-000123").kv("姓名", name).kv("所在支部", "第一社区党支部")
    doc.rule()
    doc.columns(["月份", "应缴", "实缴"], widths=MONTH_WIDTHS, aligns=MONTH_ALIGNS)
    for month in ("2024年01月", "2024年02月", "2024年03月"):
        doc.columns([month, "25.50", "25.50"], widths=MONTH_WIDTHS, aligns=MONTH_ALIGNS)
    doc.rule()
    doc.kv("合计", "￥76.50", bold=True).kv("大写", "柒拾陆元伍角整")
    doc.text(WARNING)
    if with_qr:
        doc.qr(RECEIPT_URL)
    doc.text("党员服务中心", align="right")
    return doc


def referral_letter(name: str = "王𬌗") -> PrintDocument:
    """A three-part 组织关系介绍信: stub, letter, return slip."""
    doc = PrintDocument("中国共产党党员组织关系介绍信")
    for part, label in (("存根", "第一联"), ("介绍信", "第二联"), ("回执", "第三联")):
        if label != "第一联":
            doc.part_break(label)
        doc.text(f"（{part}）", align="center", bold=True)
        doc.kv("编号", "第 2024-0456 号")
        doc.text(
            f"{name}同志系中共正式党员，身份证号码 110***********1234，由第一社区党支部"
            "转往海淀区中关村街道第三党支部，请接转组织关系。"
        )
        doc.kv("党费已交到", "二〇二四年三月").kv("有效期", "叁拾天")
        doc.text("中共某某街道工作委员会（盖章）", align="right")
        doc.text("二〇二四年四月一日", align="right")
        doc.blank()
    return doc

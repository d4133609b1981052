"""The print document model: builders, JSON round trip, and refusals with Chinese messages."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from devices.printer.document import KVBlock, PrintDocument, TextBlock
from tests.devices.samples import dues_receipt, referral_letter


def test_builders_read_like_the_slip_they_print() -> None:
    doc = (
        PrintDocument("缴费凭条").text("欢迎", align="center", size="double").kv("合计", "￥76.50")
    )
    assert doc.blocks == [TextBlock("欢迎", "center", False, "double"), KVBlock("合计", "￥76.50")]


@pytest.mark.parametrize("doc", [dues_receipt(), referral_letter()], ids=["receipt", "letter"])
def test_json_round_trip_gives_the_same_document(doc: PrintDocument) -> None:
    wire = json.dumps(doc.to_dict(), ensure_ascii=False)
    data = json.loads(wire)
    assert data["version"] == 1
    assert PrintDocument.from_dict(data) == doc


def test_every_block_type_survives_json() -> None:
    doc = (
        PrintDocument("标题", copies=2)
        .text("正文", align="right", bold=True, size="tall")
        .kv("键", "值", bold=True)
        .columns(["a", "b"], widths=[10, 22], aligns=["left", "right"], bold=True)
        .rule("=")
        .blank(2)
        .qr("https://example.cn", size=4, align="left")
        .cut(partial=True)
        .part_break("第二联")
    )
    types = [b["type"] for b in doc.to_dict()["blocks"]]
    assert types == ["text", "kv", "columns", "rule", "blank", "qr", "cut", "part_break"]
    assert PrintDocument.from_dict(json.loads(json.dumps(doc.to_dict()))) == doc


def _receipt_dict() -> dict:
    return dues_receipt().to_dict()


def _mutate(path: str, value: object) -> dict:
    data = _receipt_dict()
    if path.startswith("blocks."):
        _, index, key = path.split(".")
        data["blocks"][int(index)][key] = value
    else:
        data[path] = value
    return data


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([], "文档必须是 JSON 对象"),
        ({"title": "x", "blocks": []}, "版本号"),
        (_mutate("version", 2), "版本号"),
        (_mutate("blocks", "kv"), "缺少块列表"),
        (_mutate("colour", "red"), "未知字段"),
        (_mutate("copies", "2"), "份数必须是整数"),
        (_mutate("copies", 0), "份数必须在 1 到 9 之间"),
        (_mutate("blocks.0.type", "barcode"), "类型“barcode”未知"),
        (_mutate("blocks.0.value", 76.5), "字段“value”类型不对"),
        (_mutate("blocks.0.bold", "yes"), "字段“bold”类型不对"),
        (_mutate("blocks.0.extra", 1), "含未知字段"),
        ({"version": 1, "blocks": [{"type": "kv", "key": "合计"}]}, "缺少字段“value”"),
        ({"version": 1, "blocks": [{"type": "text", "text": "x", "align": "middle"}]}, "对齐方式"),
        ({"version": 1, "blocks": [{"type": "text", "text": "\x1b@"}]}, "控制字符 U+001B"),
        ({"version": 1, "blocks": [{"type": "qr", "data": "x", "size": "big"}]}, "字段取值不对"),
        ({"version": 1, "blocks": [{"type": "blank", "lines": 99}]}, "空行数"),
        (
            {"version": 1, "blocks": [{"type": "columns", "cells": ["a"], "widths": [1, 2]}]},
            "列宽个数与列数不一致",
        ),
        (
            {
                "version": 1,
                "blocks": [{"type": "columns", "cells": ["a", "b"], "widths": [0.5, 16]}],
            },
            "要么全是比例",
        ),
    ],
)
def test_malformed_input_is_refused_in_chinese(data: object, fragment: str) -> None:
    with pytest.raises(ValueError, match="打印文档格式错误") as caught:
        PrintDocument.from_dict(data)
    assert fragment in str(caught.value)


def test_builders_refuse_bad_values_before_anything_prints() -> None:
    with pytest.raises(ValueError, match="字号“huge”无效"):
        PrintDocument().text("x", size="huge")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="二维码内容不能为空"):
        PrintDocument().qr("")


def test_document_module_imports_no_third_party_library() -> None:
    """The backend imports the model; it must not drag in Pillow, escpos or qrcode."""
    probe = (
        "import sys, devices.printer.document, devices.printer.layout, devices.printer;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PIL', 'escpos', 'qrcode', 'fontTools', 'smartcard', 'usb', 'serial'));"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

"""Reading spreadsheets for bulk imports: .xlsx and .csv rows, cell parsers and templates.

Branches keep their registers in Excel, so the cells arrive in whatever shape Excel left them:
real dates or text dates in several spellings, phone and card numbers turned into numbers, csv
files saved as GBK. Everything here turns such cells into plain values or raises ``Invalid``
with a Chinese reason that the import report shows beside the row number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from backend.errors import Invalid


class Row(dict[str, Any]):
    """One data row keyed by its (normalized) column header.

    ``number`` is the row's number as the person sees it in Excel (the header is row 1), so an
    error report points at the right line even when blank rows were skipped.
    """

    def __init__(self, number: int, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.number = number


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str


MEMBER_COLUMNS = (
    Column("姓名", True, "与身份证一致，可含生僻字"),
    Column("性别", False, "男/女；可空，按身份证号判断"),
    Column("身份证号", True, "18位，末位可为X；请以文本格式填写"),
    Column("民族", False, "如 汉族；可空，默认汉族"),
    Column("学历", False, "研究生/大学本科/大学专科/中专/高中/初中/小学及以下"),
    Column("出生日期", False, "可空，按身份证号判断；填写时须与身份证号一致"),
    Column("参加工作日期", False, "日期，如 2024-07-01、2024/7/1、2024.07.01、20240701"),
    Column("入党日期", True, "日期"),
    Column("转正日期", False, "日期；预备党员不填"),
    Column("党员类别", True, "正式/预备"),
    Column("组织编码", True, "所在党支部的8位编码"),
    Column("家庭住址", False, ""),
    Column("联系电话", False, "11位手机号"),
    Column("党费类别", False, "在职/离退休/农民/学生/下岗失业/低保；可空，默认在职"),
    Column("党费计算基数", False, "元，在职、离退休党员的月计算基数；填写后自动核定月缴党费"),
    Column("月缴党费", False, "元，如 76.50；可空：按类别和计算基数自动核定，都没有时待核定"),
)

DUES_COLUMNS = (
    Column("身份证号", False, "身份证号与卡号至少填一项"),
    Column("卡号", False, "党员卡号，如 00012"),
    Column("年", True, "如 2026"),
    Column("月", True, "1-12"),
    Column("金额", True, "该月应缴金额（元），如 76.50"),
    Column("缴费日期", True, "日期，如 2026-03-15"),
)

_TEXT_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_EXCEL_EPOCH = date(1899, 12, 30)


def normalize_header(raw: object) -> str:
    """'党员类别(正式/预备)' → '党员类别'; spaces, required marks and notes in brackets go."""
    text = str(raw or "").strip()
    text = re.sub(r"[（(][^）)]*[）)]", "", text)
    return re.sub(r"[\s*＊]", "", text)


def read_table(source: str | Path | IO[bytes], kind: str | None = None) -> Iterator[Row]:
    """The data rows of the first sheet of an .xlsx file or of a .csv file.

    ``kind`` is ``"xlsx"`` or ``"csv"``; for a path it defaults to the file's suffix. A csv may
    be UTF-8 (with or without BOM) or GBK/GB18030, as Excel in China saves it. Blank rows are
    skipped; the first non-blank row is the header.
    """
    if kind is None:
        if not isinstance(source, str | Path):
            raise Invalid("请指明文件类型（xlsx 或 csv）", code="import_kind")
        kind = Path(source).suffix.lower().lstrip(".")
    if kind in ("xlsx", "xlsm"):
        return _read_xlsx(source)
    if kind == "csv":
        return _read_csv(source)
    raise Invalid("只支持 .xlsx 和 .csv 文件", code="import_kind")


def _rows_from(numbered: Iterator[tuple[int, tuple[Any, ...]]]) -> Iterator[Row]:
    header: list[str] | None = None
    for number, values in numbered:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if header is None:
            header = [normalize_header(v) for v in values]
            continue
        yield Row(number, {h: v for h, v in zip(header, values, strict=False) if h})


def _read_xlsx(source: str | Path | IO[bytes]) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise Invalid("无法读取该Excel文件，请确认是 .xlsx 格式", code="import_file") from exc
    try:
        sheet = book.worksheets[0]
        yield from _rows_from(enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        book.close()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise Invalid("无法识别csv文件的编码，请另存为UTF-8或GBK", code="import_file") from None


def _read_csv(source: str | Path | IO[bytes]) -> Iterator[Row]:
    data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    yield from _rows_from((reader.line_num, tuple(values)) for values in reader)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: object) -> str | None:
    """A cell as text. Whole numbers lose Excel's '.0' (phone numbers stored as numbers)."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        raise Invalid("此处应为文字，不应为日期", code="import_text")
    return str(value).strip()


def parse_code(value: object) -> str | None:
    """Digit codes (ID numbers, card numbers, org codes) must have stayed text in Excel: an
    18-digit number stored as a number has already lost its last digits."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if abs(value) >= 10**15:
            raise Invalid(
                "该号码被Excel存成了数字，末几位已丢失；请把此列设为文本格式后重新填写",
                code="import_number_as_number",
            )
    return parse_text(value)


def parse_date(value: object) -> date | None:
    """Excel dates, Excel serial numbers, and 2024-07-01 / 2024/7/1 / 2024.07.01 / 20240701 /
    2024年7月1日 as text."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 10_000_000 <= value <= 99_999_999 and float(value).is_integer():
            return _ymd(str(int(value)), value)
        if 1 <= value < 2_958_466:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise Invalid(f"日期格式不正确：{value}", code="import_date")
    text = str(value).strip()
    if re.fullmatch(r"\d{8}", text):
        return _ymd(text, value)
    match = _TEXT_DATE.fullmatch(text)
    if match is None:
        raise Invalid(f"日期格式不正确：{text}（应如 2024-07-01）", code="import_date")
    return _real_date(int(match[1]), int(match[2]), int(match[3]), value)


def _ymd(text: str, raw: object) -> date:
    return _real_date(int(text[:4]), int(text[4:6]), int(text[6:8]), raw)


def _real_date(year: int, month: int, day: int, raw: object) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise Invalid(f"日期不存在：{raw}", code="import_date") from None


def parse_amount(value: object) -> int | None:
    """Yuan to integer fen: '76.50', 76.5 (an Excel number) or '￥76.50'; at most 2 decimals."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise Invalid(f"金额格式不正确：{value}", code="amount_format")
    if isinstance(value, float | int):
        # repr gives the shortest text that round-trips, so 76.5 stays 76.5, not 76.4999…
        value = repr(value)
    text = str(value).strip().replace(",", "").replace("，", "").lstrip("￥¥").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise Invalid(f"金额格式不正确：{value}", code="amount_format") from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= 10**10:
        raise Invalid(f"金额格式不正确：{value}（应为不超过两位小数的正数）", code="amount_format")
    return int(amount * 100)


def parse_int(value: object, low: int, high: int, what: str) -> int | None:
    if is_blank(value):
        return None
    text = parse_text(value) or ""
    text = text.removesuffix("年").removesuffix("月")
    if not re.fullmatch(r"\d{1,4}", text) or not low <= int(text) <= high:
        raise Invalid(f"{what}应为{low}到{high}之间的整数：{value}", code="import_int")
    return int(text)


def write_template(path: str | Path | IO[bytes], columns: tuple[Column, ...], title: str) -> None:
    """An .xlsx template: the header row on the first sheet, every column formatted as text so
    that Excel keeps ID and card numbers intact, and a 填写说明 sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, len(column.name) * 3)
        for row in range(2, 1002):
            sheet.cell(row=row, column=index).number_format = "@"
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明"])
    for column in columns:
        notes.append([column.name, "必填" if column.required else "选填", column.help])
    notes.append([])
    notes.append(["只读取第一个工作表；第1行为表头，从第2行起每行一条记录。"])
    notes.append(
        ["任何一行有误时整个文件都不会导入，请按错误报告（行号、列名、原因）改正后重新导入。"]
    )
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["C"].width = 60
    book.save(path)

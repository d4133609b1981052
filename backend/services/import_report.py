"""What an import found: errors per row and column, the report, and the all-or-nothing refusal.

Shared by every spreadsheet import (members, dues): a bad cell becomes a ``RowError`` with the
row number as Excel shows it, the column and a Chinese reason; ``RowCells`` reads a row's cells
through parsers and collects every error of the row instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from backend.errors import Invalid
from backend.services.import_rows import Column, is_blank

T = TypeVar("T")
Progress = Callable[[str, int, int], None]  # (stage, done, total); stage: 校验 | 写入
MAX_REPORTED_ERRORS = 500


@dataclass(frozen=True)
class RowError:
    row_number: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row_number}行" + (f"【{self.column}】" if self.column else "")
        return f"{where}：{self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row_number, "column": self.column, "reason": self.reason}


@dataclass
class ImportReport(Generic[T]):
    """What a preview found: the rows ready to write and every error, in row order."""

    total_rows: int
    ok_rows: list[T] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_row_count(self) -> int:
        return len({e.row_number for e in self.errors})


class ImportRejected(Invalid):
    """The file had bad rows, so nothing was imported; ``report`` holds every error."""

    code = "import_rejected"

    def __init__(self, report: ImportReport[Any]) -> None:
        self.report = report
        super().__init__(
            f"共{report.total_rows}行数据，其中{report.bad_row_count}行有误，"
            "未导入任何数据。请按错误报告改正后重新导入。",
            details=[e.as_dict() for e in report.errors[:MAX_REPORTED_ERRORS]],
        )


class RowCells:
    """Reads one row's cells through parsers, collecting errors instead of stopping at the first."""

    def __init__(self, row: Mapping[str, Any], number: int) -> None:
        self.row = row
        self.number = number
        self.errors: list[RowError] = []

    def get(
        self, column: str, parser: Callable[..., Any], *args: Any, required: bool = False
    ) -> Any:
        value = self.row.get(column)
        if required and is_blank(value):
            self.fail(column, "必填项为空")
            return None
        try:
            return parser(value, *args)
        except Invalid as exc:
            self.fail(column, exc.message)
            return None

    def fail(self, column: str | None, reason: str) -> None:
        self.errors.append(RowError(self.number, column, reason))


def row_number(row: Mapping[str, Any], index: int) -> int:
    """A ``Row`` knows its spreadsheet row; a plain dict is taken as data row ``index``."""
    return getattr(row, "number", index + 2)


def missing_columns(rows: list[Mapping[str, Any]], columns: tuple[Column, ...]) -> list[RowError]:
    if not rows:
        return [RowError(1, None, "文件中没有数据行")]
    present = set().union(*(r.keys() for r in rows[:50]))
    return [
        RowError(1, c.name, "缺少必填列") for c in columns if c.required and c.name not in present
    ]

"""党费核定: the monthly amount from a category and a base (docs/dues.md).

The band's rate applies to the whole base (not progressively) and each band includes its upper
bound. Fixed-amount categories and the rounding rule come from settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from backend.errors import Invalid
from backend.models import DuesCategory
from backend.services.money import round_fen
from backend.settings import DuesSettings

# (inclusive upper bound in fen or None for "and above", rate in per-ten-thousand)
EMPLOYED_BANDS: tuple[tuple[int | None, int], ...] = (
    (300_000, 50),
    (500_000, 100),
    (1_000_000, 150),
    (None, 200),
)
RETIRED_BANDS: tuple[tuple[int | None, int], ...] = ((500_000, 50), (None, 100))


@dataclass(frozen=True)
class Assessment:
    category: DuesCategory
    base_fen: int | None
    rate_bp: int | None  # basis points of the base; None for fixed amounts
    monthly_fen: int
    uncapped_fen: int
    capped: bool
    rule: str  # Chinese description of the rule applied


def _band(bands: tuple[tuple[int | None, int], ...], base_fen: int) -> tuple[int | None, int]:
    for upper, rate in bands:
        if upper is None or base_fen <= upper:
            return upper, rate
    raise AssertionError("the last band is open-ended")


def _describe_band(bands: tuple[tuple[int | None, int], ...], upper: int | None, rate: int) -> str:
    lower = None
    for u, _ in bands:
        if u == upper:
            break
        lower = u
    pct = f"{Decimal(rate) / 100:g}%"
    if upper is None:
        if lower is None:
            raise AssertionError("the first band has an upper bound")
        return f"月基数{lower // 100}元以上按{pct}交纳"
    if lower is None:
        return f"月基数{upper // 100}元以下（含）按{pct}交纳"
    return f"月基数{lower // 100}元以上至{upper // 100}元（含）按{pct}交纳"


def assess(
    category: DuesCategory | str, base_fen: int | None, settings: DuesSettings
) -> Assessment:
    try:
        category = DuesCategory(category)
    except ValueError:
        raise Invalid(f"未知的党费类别：{category}", code="dues_category") from None
    fixed = {
        DuesCategory.FARMER: settings.farmer_fixed_fen,
        DuesCategory.STUDENT: settings.student_fixed_fen,
        DuesCategory.UNEMPLOYED: settings.unemployed_fixed_fen,
        DuesCategory.LOW_INCOME: settings.low_income_fixed_fen,
    }
    if category in fixed:
        amount = fixed[category]
        return Assessment(
            category,
            base_fen,
            None,
            amount,
            amount,
            False,
            f"{category.label}党员每月交纳党费{amount // 100}.{amount % 100:02d}元",
        )
    if base_fen is None:
        raise Invalid("在职和离退休党员须填写月计算基数", code="dues_base_missing")
    if base_fen < 0:
        raise Invalid("月计算基数不能为负数", code="dues_base_negative")
    bands = EMPLOYED_BANDS if category is DuesCategory.EMPLOYED else RETIRED_BANDS
    upper, rate = _band(bands, base_fen)
    uncapped = round_fen(Decimal(base_fen) * rate / 10_000, settings.rounding)
    capped = uncapped > settings.soft_cap_fen
    monthly = settings.soft_cap_fen if capped else uncapped
    rule = f"{category.label}党员，" + _describe_band(bands, upper, rate)
    if capped:
        cap_yuan = settings.soft_cap_fen // 100
        rule += f"；超过每月{cap_yuan}元的，一般按{cap_yuan}元交纳"
    return Assessment(category, base_fen, rate, monthly, uncapped, capped, rule)

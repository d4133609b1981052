"""党费核定 (docs/dues.md): whole-band rates, inclusive upper bounds, fixed amounts, rounding,
cap."""

from __future__ import annotations

from dataclasses import replace

import pytest

from backend.errors import Invalid
from backend.services.assessment import assess
from backend.services.money import format_yuan, parse_yuan
from backend.settings import DuesSettings
from tests.builders import PASSWORD, Builders

DUES = DuesSettings()


def monthly(category: str, base: str | None, settings: DuesSettings = DUES) -> str:
    base_fen = parse_yuan(base) if base is not None else None
    return format_yuan(assess(category, base_fen, settings).monthly_fen)


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("5100.00", "76.50"),  # the official example: 1.5 % of the whole base
        ("4900.00", "49.00"),  # the official example: 1 %
    ],
)
def test_official_examples(base: str, expected: str) -> None:
    assert monthly("employed", base) == expected


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("0.00", "0.00"),
        ("2999.99", "15.00"),
        ("3000.00", "15.00"),  # 0.5 %, the bound belongs to the lower band
        ("3000.01", "30.00"),  # 1 % of the whole base, not only of the part above 3000
        ("5000.00", "50.00"),
        ("5000.01", "75.00"),
        ("10000.00", "150.00"),
        ("10000.01", "200.00"),
        ("20000.00", "400.00"),
    ],
)
def test_employed_band_boundaries(base: str, expected: str) -> None:
    assert monthly("employed", base) == expected


@pytest.mark.parametrize(
    ("base", "expected"),
    [("3000.00", "15.00"), ("5000.00", "25.00"), ("5000.01", "50.00"), ("8000.00", "80.00")],
)
def test_retired_band_boundaries(base: str, expected: str) -> None:
    assert monthly("retired", base) == expected


@pytest.mark.parametrize(
    ("category", "expected"),
    [("farmer", "0.50"), ("student", "0.20"), ("unemployed", "0.20"), ("low_income", "0.20")],
)
def test_fixed_amount_categories_ignore_the_base(category: str, expected: str) -> None:
    assert monthly(category, None) == expected
    assert monthly(category, "9000.00") == expected


def test_fixed_amounts_are_settings() -> None:
    local = replace(DUES, farmer_fixed_fen=100, student_fixed_fen=30)
    assert monthly("farmer", None, local) == "1.00"
    assert monthly("student", None, local) == "0.30"


@pytest.mark.parametrize(
    ("rule", "expected"), [("half_up", "5.01"), ("half_even", "5.00"), ("down", "5.00")]
)
def test_rounding_to_the_fen_is_a_setting(rule: str, expected: str) -> None:
    # 0.5 % of 1001.00 yuan is 5.005 yuan: exactly half a fen.
    assert monthly("employed", "1001.00", replace(DUES, rounding=rule)) == expected


def test_soft_cap_reports_the_uncapped_figure() -> None:
    at_cap = assess("employed", parse_yuan("50000.00"), DUES)
    assert (at_cap.monthly_fen, at_cap.capped) == (100_000, False)
    above = assess("employed", parse_yuan("60000.00"), DUES)
    assert above.capped is True
    assert format_yuan(above.monthly_fen) == "1000.00"
    assert format_yuan(above.uncapped_fen) == "1200.00"
    assert "1000元" in above.rule


def test_rule_text_names_the_band() -> None:
    a = assess("employed", parse_yuan("5100.00"), DUES)
    assert a.rule == "在职党员，月基数5000元以上至10000元（含）按1.5%交纳"
    assert a.rate_bp == 150


@pytest.mark.parametrize(
    ("category", "base", "code"),
    [
        ("employed", None, "dues_base_missing"),
        ("retired", None, "dues_base_missing"),
        ("employed", -1, "dues_base_negative"),
        ("soldier", 100, "dues_category"),
    ],
)
def test_bad_input_raises_a_chinese_reason(category: str, base: int | None, code: str) -> None:
    with pytest.raises(Invalid) as info:
        assess(category, base, DUES)
    assert info.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)


# --- the endpoint ---------------------------------------------------------------------------


@pytest.fixture
def staff(client, build: Builders, db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["b1"], "counter1")
    db.commit()
    token = client.post(
        "/api/v1/auth/login", json={"username": "counter1", "password": PASSWORD}
    ).json["token"]
    return {"Authorization": f"Bearer {token}"}


def test_assess_endpoint_answers_the_official_example(client, staff) -> None:  # type: ignore[no-untyped-def]
    r = client.post(
        "/api/v1/dues/assess", json={"category": "employed", "base": "5100.00"}, headers=staff
    )
    assert r.status_code == 200, r.json
    assert r.json["monthly"] == "76.50"
    assert r.json["capped"] is False
    assert r.json["rate_percent"] == "1.5"
    assert "1.5%" in r.json["rule"]
    capped = client.post(
        "/api/v1/dues/assess", json={"category": "employed", "base": "80000"}, headers=staff
    ).json
    assert (capped["monthly"], capped["uncapped"], capped["capped"]) == ("1000.00", "1600.00", True)


BAD_INPUT = [
    ({"category": "employed", "base": "abc"}, "金额格式不正确"),
    ({"category": "employed", "base": "51.001"}, "金额格式不正确"),
    ({"category": "employed", "base": "-5"}, "金额格式不正确"),
    ({"category": "employed", "base": 5100.5}, "格式不正确"),
    ({"category": "employed"}, "须填写月计算基数"),
    ({"category": "astronaut", "base": "100"}, "未知的党费类别"),
    ({"base": "100"}, "缺少字段 category"),
]


def test_assess_endpoint_bad_input_is_400_in_chinese(client, staff) -> None:  # type: ignore[no-untyped-def]
    for payload, fragment in BAD_INPUT:
        r = client.post("/api/v1/dues/assess", json=payload, headers=staff)
        assert r.status_code == 400, (payload, r.json)
        assert fragment in r.json["message"], (payload, r.json)
    not_json = client.post(
        "/api/v1/dues/assess", data="category=employed", headers=staff, content_type="text/plain"
    )
    assert not_json.status_code == 400
    assert not_json.json["message"] == "请求体必须是JSON"

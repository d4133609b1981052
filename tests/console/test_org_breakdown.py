"""The node summary's categories (both databases): counts by status, sex, ethnicity, age,
education, joining before 1949, floating and hardship, checked against members built to give
them, and the pie charts drawn from them."""

from __future__ import annotations

from datetime import date

from backend.console.charts import pie_chart
from backend.models import MemberStatus
from backend.services.org_breakdown import breakdown
from backend.services.org_stats import summarize
from tests.builders import Builders

TODAY = date(2025, 7, 15)


def _people(build: Builders, db) -> dict:  # type: ignore[no-untyped-def]
    o = build.district()
    build.member(o["b1"], name="甲", birth=date(1990, 7, 16), sex="F")  # 34
    build.member(o["b1"], name="乙", birth=date(1989, 7, 15), status=MemberStatus.PROBATIONARY)
    veteran = build.member(o["b2"], name="丙", birth=date(1928, 1, 1), joined=date(1949, 9, 30))
    veteran.education, veteran.ethnicity = "小学及以下", "回族"
    after = build.member(o["b2"], name="丁", birth=date(1931, 1, 1), joined=date(1949, 10, 1))
    after.education, after.hardship, after.floating = None, True, True
    build.member(o["b3"], name="戊", birth=date(1925, 1, 1), joined=date(1945, 5, 1), sex="F")
    gone = build.member(o["b1"], name="己", birth=date(1920, 1, 1), joined=date(1940, 1, 1))
    gone.archived = True
    db.flush()
    return o


def test_categories_match_the_members_of_the_subtree(build: Builders, db) -> None:
    o = _people(build, db)
    groups = breakdown(db, o["c1"].path, TODAY)  # 甲 乙 丙 丁; 戊 is elsewhere, 己 archived
    assert dict(groups["status"].parts) == {"正式党员": 3, "预备党员": 1}
    assert dict(groups["sex"].parts) == {"男": 3, "女": 1}
    assert dict(groups["ethnicity"].parts) == {"汉族": 3, "少数民族": 1}
    assert dict(groups["age"].parts) == {
        "35岁及以下": 1,  # 甲 34; 乙 turned 36 today
        "36至45岁": 1,
        "46至55岁": 0,
        "56至60岁": 0,
        "61岁及以上": 2,
    }
    education = dict(groups["education"].parts)
    assert education["大学本科"] == 2 and education["小学及以下"] == 1 and education["未填写"] == 1
    assert dict(groups["joined"].parts) == {"1949年10月1日前入党": 1, "1949年10月1日后入党": 3}
    assert groups["floating"].count("流动党员") == 1 and groups["hardship"].count("困难党员") == 1
    assert all(g.total == 4 for g in groups.values())

    district = breakdown(db, o["district"].path, TODAY)
    assert district["joined"].count("1949年10月1日前入党") == 2  # 丙 and 戊, of 5
    summary = summarize(db, o["district"], TODAY)
    assert summary.members == 5 and f"{summary.share(summary.pre_1949):.1f}" == "40.0"


def test_pies_show_each_part_and_its_share() -> None:
    svg = str(pie_chart("入党时间", [("1949年前", 1), ("1949年后", 3)]))
    assert svg.count("<path") == 2 and "1949年前 1（25.0%）" in svg and "1949年后 3（75.0%）" in svg
    whole = str(pie_chart("性别", [("男", 5), ("女", 0)]))
    assert whole.count("<circle") == 1 and "男 5（100.0%）" in whole and "女 0（0.0%）" in whole
    empty = str(pie_chart("性别", [("男", 0), ("女", 0)]))
    assert "<path" not in empty and 'fill="none"' in empty

"""Assessment in the console: the round page with its comparison and trend charts, a subject's
automatic indicator formulas, an adjustment with its reason, and the PDF report whose Chinese
text comes back out with the real pdftotext (docs/appraisal.md)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlalchemy import select

from backend.models import AppraisalRound, AppraisalSubject, DuesMonth, Role
from backend.services import appraisal_results, appraisal_rounds, appraisal_templates
from backend.settings import AppraisalSettings
from tests.builders import SYSTEM, Builders
from tests.console.conftest import page_text

TREE = [
    {
        "name": "党员管理",
        "weight": 100,
        "children": [
            {
                "name": "党费收缴率",
                "weight": 50,
                "standard": "收缴率×100",
                "source": "dues_collection",
            },
            {"name": "工作实绩", "weight": 50, "standard": "按完成情况评分"},
        ],
    }
]


def two_rounds(db, build: Builders) -> tuple[dict, AppraisalRound]:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], monthly_fen=4000)
    for month in (1, 2, 3, 4, 5, 6):
        db.add(
            DuesMonth(
                member_id=member.id,
                org_id=member.org_id,
                year=2026,
                month=month,
                due_fen=4000,
                paid_fen=4000 if month != 3 else 0,
            )
        )
    template = appraisal_templates.create_template(
        db, SYSTEM, kind="org", year=2026, name="测试", tree=TREE, deduction_cap=10
    )
    leaf = next(n for n in template.nodes if n.name == "工作实绩")
    last = None
    for quarter, points in ((1, ("90", "70", "80")), (2, ("95", "65", "85"))):
        last = appraisal_rounds.create_round(
            db,
            SYSTEM,
            AppraisalSettings(),
            template=template,
            org=orgs["district"],
            year=2026,
            quarter=quarter,
            title=f"2026年第{quarter}季度党支部考核",
        )
        subjects = db.scalars(
            select(AppraisalSubject).where(AppraisalSubject.round_id == last.id)
        ).all()
        by_org = {s.org_id: s for s in subjects}
        for org, p in zip(("b1", "b2", "b3"), points, strict=True):
            appraisal_rounds.record_score(
                db, SYSTEM, by_org[orgs[org].id], node_id=leaf.id, rater_kind="superior", points=p
            )
        appraisal_results.score_round(db, SYSTEM, AppraisalSettings(), last)
    assert last is not None
    build.user(orgs["district"], "kaohe")
    db.commit()
    return orgs, last


def test_round_page_charts_formulas_and_an_adjustment(client, db, build, sign_in) -> None:  # type: ignore[no-untyped-def]
    orgs, round_ = two_rounds(db, build)
    b1 = db.scalar(
        select(AppraisalSubject).where(
            AppraisalSubject.round_id == round_.id, AppraisalSubject.org_id == orgs["b1"].id
        )
    )
    round_id, subject_id = round_.id, b1.id
    db.rollback()
    sign_in("kaohe")
    html = page_text(client.get(f"/console/appraisal/{round_id}"))
    assert "2026年第2季度党支部考核" in html and 'id="comparison-chart"' in html
    assert "2026年第1季度" in html and "2026年第2季度" in html  # the trend's periods
    subject_html = page_text(client.get(f"/console/appraisal/subjects/{subject_id}"))
    # Q2: April to June paid, 120.00 of 120.00 due
    assert "收缴率 = 已交 120.00元 ÷ 应交 120.00元 = 100.00%" in subject_html
    refused = client.post(
        f"/console/appraisal/subjects/{subject_id}/adjust",
        data={"points": "2", "reason": ""},
        follow_redirects=True,
    )
    assert "加减分须写明理由" in page_text(refused)
    client.post(
        f"/console/appraisal/subjects/{subject_id}/adjust",
        data={"points": "-1.5", "reason": "迟报季度工作总结"},
    )
    subject_html = page_text(client.get(f"/console/appraisal/subjects/{subject_id}"))
    assert "-1.50" in subject_html and "迟报季度工作总结" in subject_html
    # (100 + 95) ÷ 2 − 1.5
    assert "96.00" in subject_html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_report_renders_chinese(client, db, build, sign_in, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _orgs, round_ = two_rounds(db, build)
    round_id = round_.id
    db.rollback()
    sign_in("kaohe")
    response = client.get(f"/console/appraisal/{round_id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "2026年第2季度党支部考核结果分析报告" in text
    assert "幸福社区第一党支部" in text and "97.50" in text and "优秀0个" in text
    assert "一、排名与等次" in text and "三、得分趋势" in text


def test_sampling_from_the_round_page_records_its_seed(client, db, build, sign_in) -> None:  # type: ignore[no-untyped-def]
    orgs, _last = two_rounds(db, build)
    template_id = _last.template_id
    third = appraisal_rounds.create_round(
        db,
        SYSTEM,
        AppraisalSettings(),
        template=appraisal_templates.get_template(db, template_id),
        org=orgs["district"],
        year=2026,
        quarter=3,
        title="2026年第3季度党支部考核",
    )
    third_id = third.id
    db.commit()
    sign_in("kaohe")
    bad = client.post(
        f"/console/appraisal/{third_id}/sample",
        data={"always": "01099999", "count": "1"},
        follow_redirects=True,
    )
    assert "没有编码为01099999的党组织" in page_text(bad)
    client.post(
        f"/console/appraisal/{third_id}/sample",
        data={"always": "01020001", "count": "1", "seed": "42"},
    )
    html = page_text(client.get(f"/console/appraisal/{third_id}"))
    assert "随机种子 42" in html and html.count("沿用上期得分") == 1


def test_scores_entered_on_the_subject_page(client, db, build, sign_in) -> None:  # type: ignore[no-untyped-def]
    orgs, last = two_rounds(db, build)
    third = appraisal_rounds.create_round(
        db,
        SYSTEM,
        AppraisalSettings(),
        template=last.template,
        org=orgs["district"],
        year=2026,
        quarter=3,
        title="2026年第3季度党支部考核",
    )
    subject = db.scalar(
        select(AppraisalSubject).where(
            AppraisalSubject.round_id == third.id, AppraisalSubject.org_id == orgs["b2"].id
        )
    )
    leaf = next(n for n in last.template.nodes if n.name == "工作实绩")
    subject_id, leaf_id = subject.id, leaf.id
    db.commit()
    sign_in("kaohe")
    missing = client.post(
        f"/console/appraisal/subjects/{subject_id}/scores",
        data={"node_id": str(leaf_id), "rater_kind": "peer", "points": "80"},
        follow_redirects=True,
    )
    assert "互评须写明评价单位或评价人" in page_text(missing)
    client.post(
        f"/console/appraisal/subjects/{subject_id}/scores",
        data={
            "node_id": str(leaf_id),
            "rater_kind": "peer",
            "points": "82.5",
            "rater": "机关党支部",
        },
    )
    html = page_text(client.get(f"/console/appraisal/subjects/{subject_id}"))
    assert "互评（机关党支部）：82.50" in html


def test_a_desk_user_opens_a_round_from_the_console(client, db, build, sign_in) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    template = appraisal_templates.create_template(
        db, SYSTEM, kind="org", year=2026, name="支部考核", tree=TREE, deduction_cap=10
    )
    template_id = template.id
    build.user(orgs["c1"], "dangwei")
    build.user(orgs["c1"], "chuangkou", role=Role.COUNTER)
    db.commit()
    sign_in("dangwei")
    rounds_page = page_text(client.get("/console/appraisal"))
    assert "新建考核" in rounds_page
    form = page_text(client.get("/console/appraisal/new"))
    assert "2026年 支部考核（党组织考核，第1版）" in form and "第一街道党工委" in form
    body = {"template_id": str(template_id), "year": "2026", "period": "4"}
    refused = client.post("/console/appraisal/new", data={**body, "title": "第四季度考核"})
    assert refused.status_code == 400
    assert "请至少选择一个考核对象层级" in page_text(refused)
    made = client.post(
        "/console/appraisal/new", data={**body, "title": "第四季度考核", "branch": "1"}
    )
    assert made.status_code == 302
    round_ = db.scalar(select(AppraisalRound).where(AppraisalRound.title == "第四季度考核"))
    assert (round_.org_id, round_.year, round_.quarter) == (orgs["c1"].id, 2026, 4)
    subjects = db.scalars(
        select(AppraisalSubject.org_id).where(AppraisalSubject.round_id == round_.id)
    ).all()
    assert sorted(subjects) == sorted([orgs["b1"].id, orgs["b2"].id])  # its own branches only
    db.rollback()
    sign_in("chuangkou")  # the counter clerk takes part in no assessment
    assert client.get("/console/appraisal/new").status_code == 403
    assert "新建考核" not in page_text(client.get("/console/appraisal"))

"""Publishing a scored round (docs/appraisal.md): the ranking becomes a disclosure draft in the
“民主评议与评优” category — it then goes through the usual secrecy review and publication of
``disclosure_workflow`` — and the subjects graded 优秀 of a yearly round go on the honor roll
(先进基层党组织 for organizations, 优秀共产党员 for members).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict
from backend.models import AppraisalRound, AppraisalSubject, DisclosureDocument, HonorKind, utcnow
from backend.services import audit, disclosure, honors, policy
from backend.services.actor import Actor
from backend.services.disclosure_categories import find_category
from backend.services.masking import mask_name
from backend.services.policy import Action


@dataclass(frozen=True)
class Publication:
    document: DisclosureDocument
    honors: int


def ranking(session: Session, round_: AppraisalRound) -> list[AppraisalSubject]:
    return list(
        session.scalars(
            select(AppraisalSubject)
            .where(AppraisalSubject.round_id == round_.id)
            .order_by(AppraisalSubject.rank, AppraisalSubject.id)
        )
    )


def subject_name(subject: AppraisalSubject) -> str:
    if subject.member is not None:
        return mask_name(subject.member.name)
    return subject.org.name


def results_markdown(round_: AppraisalRound, subjects: list[AppraisalSubject]) -> str:
    lines = [
        f"{round_.org.name}{round_.title}结果如下：",
        "",
        "| 名次 | 考核对象 | 得分 | 等次 | 说明 |",
        "|---|---|---|---|---|",
    ]
    for s in subjects:
        note = "沿用上期得分" if not s.sampled else ("重点检查" if s.always_checked else "")
        score = f"{(s.score_cp or 0) / 100:.2f}"
        lines.append(f"| {s.rank} | {subject_name(s)} | {score} | {s.grade} | {note} |")
    lines += ["", "如有异议，请于公示期内向考核组织单位反映。"]
    return "\n".join(lines)


def publish_round(
    session: Session, actor: Actor, round_: AppraisalRound, *, honor_roll: bool | None = None
) -> Publication:
    """Draft the results for disclosure and, for a yearly round (or when asked), put the 优秀
    subjects on the honor roll."""
    policy.authorize(actor, Action.APPRAISAL_PUBLISH)
    if round_.state != "scored":
        raise Conflict("考核计分后才能公布结果", code="appraisal_not_scored")
    subjects = ranking(session, round_)
    document = disclosure.create_document(
        session,
        actor,
        org=round_.org,
        category=find_category(session, "appraisal"),
        title=f"关于{round_.title}结果的公示",
        body_md=results_markdown(round_, subjects),
    )
    added = 0
    if honor_roll if honor_roll is not None else round_.quarter is None:
        for subject in subjects:
            if subject.grade != "优秀":
                continue
            person = subject.member is not None
            honors.add_honor(
                session,
                actor,
                kind=HonorKind.PERSON if person else HonorKind.ORGANIZATION,
                title="优秀共产党员" if person else "先进基层党组织",
                year=round_.year,
                awarding_body=round_.org.name,
                org=subject.org,
                member=subject.member,
                citation=f"{round_.title}评定为优秀，得分{(subject.score_cp or 0) / 100:.2f}",
            )
            added += 1
    round_.state, round_.published_at, round_.disclosure_id = "published", utcnow(), document.id
    session.flush()
    audit.record(
        session,
        actor,
        "appraisal.publish",
        "appraisal_round",
        round_.id,
        after={"disclosure_id": document.id, "honors": added},
    )
    return Publication(document, added)

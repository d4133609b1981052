"""The branches a counter may pick: a destination of a transfer within the district (any
active branch) or the receiving branch of a transfer in (only inside the user's subtree)."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.models import Organization, OrgType
from backend.services.policy import Action
from backend.services.scope import path_in_scope


class BranchOut(BaseModel):
    id: int
    code: str
    name: str
    parents: str = Field(description="上级组织，如 第一街道党工委 › 幸福社区党总支")
    secretary: str | None
    in_scope: bool = Field(description="在本人管理范围内（可办理转入）")


class BranchListOut(BaseModel):
    items: list[BranchOut]


@endpoint(
    api_bp,
    "/counter/branches",
    summary="全区在用的党支部（区内转接的接收支部；转入只能选管理范围内的）",
    response=BranchListOut,
    action=Action.READ,
)
def branches(ctx: Ctx) -> BranchListOut:
    orgs = ctx.session.scalars(select(Organization).order_by(Organization.code)).all()
    by_id = {o.id: o for o in orgs}
    items = []
    for org in orgs:
        if org.type is not OrgType.BRANCH or not org.active:
            continue
        ids = [int(part) for part in org.path.strip("/").split("/")[:-1]]
        chain = [by_id[i].name for i in ids if i in by_id and by_id[i].type is not OrgType.DISTRICT]
        items.append(
            BranchOut(
                id=org.id,
                code=org.code,
                name=org.name,
                parents=" › ".join(chain),
                secretary=org.secretary,
                in_scope=path_in_scope(ctx.actor, org.path),
            )
        )
    return BranchListOut(items=items)

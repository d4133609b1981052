"""Content commands: import-disclosure (fill the disclosure board from a folder)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.commands import cli_session
from backend.errors import DomainError, Invalid
from backend.models import Organization
from backend.services.actor import Actor
from backend.services.disclosure_categories import ensure_default_categories
from backend.services.disclosure_import import OrgResolver, import_folder
from backend.services.dues_year import hall_today


def org_resolver(session: Session, default_code: str | None) -> OrgResolver:
    """Organizations by code; files without one use ``default_code`` or the district itself."""

    def resolve(code: str | None) -> Organization:
        if code or default_code:
            wanted = code or default_code
            org = session.scalar(select(Organization).where(Organization.code == wanted))
            if org is None:
                raise Invalid(f"组织编码{wanted}不存在", code="org_not_found")
            return org
        roots = session.scalars(select(Organization).where(Organization.parent_id.is_(None))).all()
        if len(roots) != 1:
            raise Invalid("请在文件中写明发布单位（org），或使用 --org", code="import_org")
        return roots[0]

    return resolve


@click.command("import-disclosure")
@with_appcontext
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--reviewer", help="对这些文件做过保密审查的人（直接发布时必填）")
@click.option("--org", "org_code", default=None, help="文件未写发布单位时使用的组织编码")
@click.option("--draft", is_flag=True, help="只导入为草稿，不发布（之后在管理台审核发布）")
def import_disclosure(
    folder: Path, reviewer: str | None, org_code: str | None, draft: bool
) -> None:
    """从文件夹导入党务公开内容（Markdown + 图片），默认经审查后直接发布。"""
    if not draft and not reviewer:
        raise click.UsageError(
            "直接发布须经保密审查：请用 --reviewer 写明审查人，或用 --draft 导入为草稿"
        )
    try:
        with cli_session() as session:
            actor = Actor.system("cli:import-disclosure")
            ensure_default_categories(session, actor)
            result = import_folder(
                session,
                actor,
                folder,
                resolve_org=org_resolver(session, org_code),
                reviewer=reviewer,
                publish=not draft,
                today=hall_today(current_app.extensions["hall"].settings.dues),
            )
            created = [(d.title, d.category.name) for d in result.created]
    except DomainError as exc:
        raise click.ClickException(f"导入失败，未做任何更改。{exc.message}") from None
    state = "草稿" if draft else "已发布"
    for title, category in created:
        click.echo(f"  {state}  [{category}] {title}")
    click.echo(f"共导入{len(created)}篇，跳过{len(result.skipped)}篇（此前已导入）。")


COMMANDS = [import_disclosure]

"""Set-up commands: init-db, create-user, register-device, serve (backup: ``backup.py``)."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from backend import schema
from backend.commands import cli_session
from backend.errors import DomainError
from backend.models import Organization, Role
from backend.services import users
from backend.services.actor import Actor


@click.command("init-db")
def init_db() -> None:
    """创建或升级数据库结构（Alembic 迁移）。"""
    schema.upgrade(current_app.extensions["hall"].engine)
    click.echo("数据库已就绪。")


@click.command("create-user")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "full_name", required=True, help="姓名")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default="org_staff",
    help="角色："
    + "；".join(f"{r.value}={r.label}" for r in Role)
    + "（各角色可办理的事项见 docs/roles.md）",
)
@click.option("--org", "org_code", required=True, help="所属组织编码（管理范围）")
def create_user(username: str, password: str, full_name: str, role: str, org_code: str) -> None:
    """新建工作人员账户。"""
    with cli_session() as session:
        org = session.scalar(select(Organization).where(Organization.code == org_code))
        if org is None:
            raise click.ClickException(f"组织编码{org_code}不存在")
        try:
            users.create_user(
                session,
                Actor.system("cli"),
                username=username,
                password=password,
                full_name=full_name,
                role=role,
                org=org,
            )
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
    click.echo(f"已创建用户 {username}（{Role(role).label}，范围 {org.name}）。")


@click.command("register-device")
@click.argument("name")
@click.option("--location", default=None, help="安放位置")
def register_device(name: str, location: str | None) -> None:
    """登记一台查询机，打印它的设备密钥（只显示这一次）。"""
    with cli_session() as session:
        try:
            _device, key = users.register_device(
                session, Actor.system("cli"), name, location=location
            )
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
    click.echo(f"设备 {name} 已登记。设备密钥（请写入查询机配置，仅显示一次）：")
    click.echo(key)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """用 waitress 运行后台服务（生产用；开发调试可用 flask run）。"""
    from waitress import serve as waitress_serve

    from backend.logging_setup import configure_logging

    configure_logging()
    click.echo(f"党员服务大厅后台：http://{host}:{port}/console/  （API：/api/v1/）")
    # waitress needs the app itself, not the proxy (its threads have no app context); flask
    # types ``current_app`` as ``Flask``, hiding the proxy's ``_get_current_object``.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    waitress_serve(app, host=host, port=port, threads=threads)


COMMANDS = [init_db, create_user, register_device, serve]

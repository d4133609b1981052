"""``audit verify``: recompute the audit log's hash chain (docs/audit.md)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.commands import cli_session
from backend.services import audit_chain


@click.group("audit", cls=AppGroup)
def audit_group() -> None:
    """审计日志。"""


@audit_group.command("verify")
def verify() -> None:
    """校验审计链：逐行重算哈希，报告第一处断开的行（退出码 1）。"""
    with cli_session() as session:
        report = audit_chain.verify(session)
    if not report.intact:
        raise click.ClickException(report.message())
    click.echo(report.message())
    click.echo(f"末行哈希：{report.head}（可记下，日后核对整条链未被重写）")


COMMANDS = [audit_group]

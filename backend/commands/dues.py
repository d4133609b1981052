"""The ``dues`` command group: ``flask --app backend dues open-year 2027``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.commands import cli_session
from backend.errors import DomainError
from backend.services import dues_year
from backend.services.actor import Actor


@click.group("dues", cls=AppGroup)
def dues() -> None:
    """党费台账。"""


@dues.command("open-year")
@click.argument("year", type=int)
@click.option("--no-backup", is_flag=True, help="不备份（默认开账后备份当年台账）")
def open_year(year: int, no_backup: bool) -> None:
    """建立某年度党费收缴台账（每名党员12个月）并备份；可重复执行，已建账的党员跳过。"""
    try:
        with cli_session() as session:
            result = dues_year.open_year(session, Actor.system("cli"), year, backup=not no_backup)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(
        f"{year}年党费台账：新建账党员 {result.members_opened} 名"
        f"（其中待核定金额 {result.members_pending} 名），"
        f"已建账跳过 {result.members_skipped} 名，新增月度记录 {result.rows_created} 条。"
    )
    if result.backup_label:
        click.echo(f"已备份 {result.backup_rows} 条记录，备份标签：{result.backup_label}")
    elif not no_backup:
        click.echo("没有新增记录，未另作备份。")


COMMANDS = [dues]

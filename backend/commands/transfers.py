"""Letter register commands: ``flask --app backend letters expire-check``.

Prints the introduction letters that expired without their return slip coming back (the
sending 党委 stays responsible for those members), for a scheduled job or a morning check. The
exit status is 1 when there are any, so a scheduler can raise an alarm. The same daily run ends
the floating flag of members whose 流动党员活动证 expired without review
(``floating.clear_expired``).
"""

from __future__ import annotations

from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from backend.commands import cli_session
from backend.services import floating, letter_register
from backend.services.actor import Actor
from backend.services.dues_year import hall_today
from backend.services.transfers import cn_date

letters = AppGroup("letters", help="组织关系介绍信登记簿。")


@letters.command("expire-check")
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="按哪一天检查（默认今天）",
)
def expire_check(on: datetime | None) -> None:
    """列出逾期未收回回执的介绍信。"""
    settings = current_app.extensions["hall"].settings
    today: date = on.date() if on is not None else hall_today(settings.dues)
    with cli_session() as session:
        ended = floating.clear_expired(session, Actor.system("cli"), today)
        names = "、".join(m.name for m in ended)
        rows = letter_register.expired_unreturned(session, Actor.system("cli"), today)
        lines = [
            f"{x.number}  {x.payload['name']}  转往{x.to_name}  有效期至{cn_date(x.valid_until)}"
            for x in rows
        ]
    if names:
        click.echo(f"流动党员活动证过期未审验，已取消流动党员标记：{names}")
    if not lines:
        click.echo(f"截至{cn_date(today)}，没有逾期未收回回执的介绍信。")
        return
    click.echo(f"截至{cn_date(today)}，逾期未收回回执的介绍信共{len(lines)}封：")
    for line in lines:
        click.echo(line)
    click.get_current_context().exit(1)


COMMANDS = [letters]

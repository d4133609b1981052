"""Spreadsheet imports: import-members, import-dues (.xlsx or .csv, all-or-nothing)."""

from __future__ import annotations

from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.commands import cli_session
from backend.errors import DomainError
from backend.models import Organization, PaymentMethod, User
from backend.services import dues_imports, imports
from backend.services.actor import Actor
from backend.services.dues_year import hall_today
from backend.services.import_report import ImportRejected, ImportReport
from backend.services.import_rows import (
    DUES_COLUMNS,
    MEMBER_COLUMNS,
    Row,
    read_table,
    write_template,
)
from backend.services.money import format_yuan

SHOWN_ERRORS = 200


class ProgressBars:
    """Turns the services' ``progress(stage, done, total)`` calls into click progress bars."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.stage: str | None = None
        self.done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.bar = click.progressbar(length=total, label=stage, show_pos=True)
            self.bar.__enter__()
            self.stage, self.done = stage, 0
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _actor(session: Session, username: str | None) -> Actor:
    if username is None:
        return Actor.system("cli")
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        raise click.ClickException(f"用户{username}不存在或已停用")
    return Actor.for_user(user)


def _read(path: str) -> list[Row]:
    click.echo(f"正在读取 {path} …")
    try:
        rows = list(read_table(path))
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"共 {len(rows)} 行数据。")
    return rows


def _print_errors(report: ImportReport[Any]) -> None:
    for error in report.errors[:SHOWN_ERRORS]:
        click.echo(str(error), err=True)
    if len(report.errors) > SHOWN_ERRORS:
        click.echo(f"……另有{len(report.errors) - SHOWN_ERRORS}处错误未列出", err=True)


def _template_or_file(path: str | None, template: str | None, columns: Any, title: str) -> bool:
    """Write the template if asked; True when there is nothing else to do."""
    if template:
        write_template(template, columns, title)
        click.echo(f"已写出导入模板：{template}")
        return True
    if not path:
        raise click.UsageError("请指定要导入的文件（.xlsx 或 .csv），或用 --template 生成模板")
    return False


common = [
    click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False)),
    click.option("--template", type=click.Path(dir_okay=False), help="写出 .xlsx 导入模板后退出"),
    click.option("--dry-run", is_flag=True, help="只校验，不写入数据库"),
    click.option("--user", "username", default=None, help="按该工作人员的管理范围导入"),
]


def _with_common(command: Any) -> Any:
    for decorate in reversed(common):
        command = decorate(command)
    return command


@click.command("import-members")
@with_appcontext
@_with_common
@click.option("--skip-bad-rows", is_flag=True, help="跳过有误的行（默认：有一行错误则全部不导入）")
def import_members(
    path: str | None, template: str | None, dry_run: bool, username: str | None, skip_bad_rows: bool
) -> None:
    """从 Excel(.xlsx) 或 csv 批量导入党员；先校验全部行，有误则不导入。"""
    if _template_or_file(path, template, MEMBER_COLUMNS, "党员信息"):
        return
    assert path is not None
    rows = _read(path)
    settings = current_app.extensions["hall"].settings
    bars = ProgressBars()
    try:
        with cli_session() as session:
            actor = _actor(session, username)
            today = hall_today(settings.dues)
            if dry_run:
                report = imports.preview_members(
                    session, actor, rows, dues=settings.dues, today=today, progress=bars
                )
                bars.close()
                _print_errors(report)
                click.echo(f"校验完成：{len(report.ok_rows)}行正确，{report.bad_row_count}行有误。")
                session.rollback()
                return
            result = imports.import_members(
                session,
                actor,
                rows,
                settings=settings,
                allow_partial=skip_bad_rows,
                today=today,
                progress=bars,
            )
    except ImportRejected as exc:
        bars.close()
        _print_errors(exc.report)
        raise click.ClickException(exc.message) from None
    except DomainError as exc:
        bars.close()
        raise click.ClickException(exc.message) from None
    bars.close()
    numbers = f"，卡号 {result.first_card_no}–{result.last_card_no}" if result.created else ""
    skipped = f"；跳过有误的 {result.skipped_rows} 行" if result.skipped_rows else ""
    click.echo(f"已导入 {result.created} 名党员{numbers}{skipped}。")


@click.command("import-dues")
@with_appcontext
@_with_common
@click.option("--branch", "branch_code", default=None, help="党支部编码（一次导入一个支部）")
@click.option(
    "--method",
    type=click.Choice([m.value for m in PaymentMethod]),
    default=PaymentMethod.CASH.value,
    help="缴费方式：cash 现金，bank 银行转账",
)
def import_dues(
    path: str | None,
    template: str | None,
    dry_run: bool,
    username: str | None,
    branch_code: str | None,
    method: str,
) -> None:
    """导入一个党支部的党费缴纳记录（身份证号或卡号、年、月、金额、缴费日期）。"""
    if _template_or_file(path, template, DUES_COLUMNS, "党费缴纳"):
        return
    assert path is not None
    if not branch_code:
        raise click.UsageError("请用 --branch 指定党支部编码")
    rows = _read(path)
    settings = current_app.extensions["hall"].settings
    bars = ProgressBars()
    try:
        with cli_session() as session:
            actor = _actor(session, username)
            branch = session.scalar(select(Organization).where(Organization.code == branch_code))
            if branch is None:
                raise click.ClickException(f"组织编码{branch_code}不存在")
            today = hall_today(settings.dues)
            if dry_run:
                report = dues_imports.preview_dues(
                    session, actor, branch, rows, today=today, progress=bars
                )
                bars.close()
                _print_errors(report)
                click.echo(f"校验完成：{len(report.ok_rows)}行正确，{report.bad_row_count}行有误。")
                session.rollback()
                return
            result = dues_imports.import_dues(
                session,
                actor,
                branch,
                rows,
                dues=settings.dues,
                method=method,
                today=today,
                progress=bars,
            )
            branch_name = branch.name
    except ImportRejected as exc:
        bars.close()
        _print_errors(exc.report)
        raise click.ClickException(exc.message) from None
    except DomainError as exc:
        bars.close()
        raise click.ClickException(exc.message) from None
    bars.close()
    slips = "、".join(
        f"{a}–{b}" for a, b in zip(result.slip_numbers[::2], result.slip_numbers[1::2], strict=True)
    )
    click.echo(
        f"{branch_name}：已导入 {result.months} 个月的党费，共 {result.payments} 笔缴费，"
        f"合计 {format_yuan(result.amount_fen)} 元；凭条编号 {slips}。"
    )


COMMANDS = [import_members, import_dues]

"""demo-data: fill an empty database with the demo district and print what to try."""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from backend.commands import cli_session
from backend.errors import DomainError
from backend.services import demo, demo_cards
from backend.services.dues_year import hall_today
from backend.settings import Settings


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Columns aligned by display width, so Chinese (and rare) characters line up."""
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]


@click.command("demo-data")
@with_appcontext
@click.option("--reset", is_flag=True, help="先清空数据库中的全部数据（含审计日志）；仅用于演示库")
@click.option("--if-empty", is_flag=True, help="数据库已有数据时什么也不做（供一键启动脚本使用）")
@click.option(
    "--members",
    "member_count",
    type=click.IntRange(20, 20_000),
    default=2000,
    show_default=True,
    help="党员人数",
)
@click.option("--seed", type=int, default=demo.DEMO_SEED, show_default=True, help="随机种子")
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False),
    default=str(demo.DEFAULT_KEY_PATH),
    show_default=True,
    help="演示查询机的设备密钥写到这里（查询机默认读取）",
)
def demo_data(reset: bool, if_empty: bool, member_count: int, seed: int, key_file: str) -> None:
    """生成演示区：组织、党员、卡片、两年党费台账和缴费记录、演示账户与查询机。"""
    hall = current_app.extensions["hall"]
    if not inspect(hall.engine).has_table("organizations"):
        raise click.ClickException("数据库尚未建立，请先运行：flask --app backend init-db")
    key_path = Path(key_file)
    if if_empty and not reset:
        with cli_session() as session:
            if not demo.is_empty(session):
                click.echo("数据库已有数据，不再生成演示数据。")
                _echo_what_to_try(session, hall.settings, key_path)
                return
    started = time.perf_counter()
    try:
        with cli_session() as session:
            if reset:
                demo.reset_database(session)
            report = demo.generate(
                session,
                hall.settings,
                member_count=member_count,
                seed=seed,
                device_key_path=key_path,
            )
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    seconds = time.perf_counter() - started
    content = report.content
    click.echo(
        f"演示数据已生成（以 {report.today.isoformat()} 为当天，用时 {seconds:.1f} 秒）："
        f"{report.organizations} 个组织，{report.members} 名党员，{report.cards} 张卡，"
        f"{report.ledger_rows} 条党费台账，{report.payments} 笔缴费；"
        f"党务公开 {content.documents + 1} 篇，光荣榜 {content.honors} 项，"
        f"捐助党建基金 {content.donations} 笔；"
        f"待处理的转入通知 {report.transfers.waiting_notices} 份，"
        f"流入的流动党员 {report.transfers.floating_guests} 名。"
    )
    _echo_cards(report.demo_cards)
    _echo_users(report.users, report.password)
    where = f"，设备密钥已写入 {report.device_key_path}" if report.device_key_path else ""
    click.echo(f"演示查询机：{report.device_name}{where}。")


def _echo_what_to_try(session: Session, settings: Settings, key_path: Path) -> None:
    """The demo cards and accounts again, as they are today (so every ./hall run shows them)."""
    showcase = demo_cards.recall(demo_cards.cards_path(key_path))
    cards = demo_cards.describe(session, settings.card_uid_key, showcase, hall_today(settings.dues))
    if cards:
        _echo_cards(cards)
    users = demo_cards.accounts(session, tuple(u[0] for u in demo.DEMO_USERS), demo.DEMO_PASSWORD)
    if users:
        _echo_users(users, demo.DEMO_PASSWORD)
    if key_path.is_file():
        click.echo(f"演示查询机的设备密钥在 {key_path}。")


def _echo_cards(cards: list[demo_cards.DemoCard]) -> None:
    click.echo("")
    click.echo("演示卡（在查询机上键入 UID 后回车即为刷卡；也可输入卡号和身份证号后六位查询）：")
    rows = [
        [
            c.uid,
            c.card_no,
            c.id_last6,
            c.name_masked,
            c.org_name,
            str(c.months_behind),
            c.state_label,
            c.note,
        ]
        for c in cards
    ]
    header = ["UID", "卡号", "身份证后六位", "姓名", "所在组织", "连续欠缴月数", "卡状态", "说明"]
    for line in _table(header, rows):
        click.echo("  " + line.rstrip())


def _echo_users(users: list[demo_cards.DemoUser], password: str) -> None:
    click.echo("")
    click.echo(f"演示账户（密码均为 {password}）：")
    staff = [[u.username, u.role_label, u.org_name] for u in users]
    for line in _table(["用户名", "角色", "管理范围"], staff):
        click.echo("  " + line.rstrip())
    click.echo("")


COMMANDS = [demo_data]

"""``backup``, ``backup-drill`` and ``restore`` (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from backend.commands import cli_session
from backend.errors import DomainError
from backend.services import audit_chain, backup_drill, backup_retention
from backend.services import backup as backups
from backend.services.dues_year import hall_now


@click.command("backup")
@with_appcontext
@click.option("--to", "target", type=click.Path(file_okay=False), default=None)
@click.option(
    "--keep-days",
    type=click.IntRange(min=0),
    default=None,
    help="删除早于此天数的备份（默认 HALL_BACKUP_KEEP_DAYS；0 为全部保留；最新一份总保留）",
)
def backup(target: str | None, keep_days: int | None) -> None:
    """备份数据库与密钥到备份目录（一个仅本人可读的 .tar.gz 文件），并清理过期备份。"""
    hall = current_app.extensions["hall"]
    folder = Path(target or hall.settings.backup_dir)
    now = hall_now(hall.settings.dues)
    try:
        out = backups.make_backup(hall.engine, hall.settings, folder, now)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"已备份到 {out}")
    click.echo(f"注意：{backups.WARNING}")
    days = hall.settings.backup_keep_days if keep_days is None else keep_days
    for old in backup_retention.prune(folder, days, now):
        click.echo(f"已删除超过 {days} 天的备份 {old.name}")


@click.command("backup-drill")
@with_appcontext
@click.argument("archive", type=click.Path(exists=True, dir_okay=False), required=False)
def drill(archive: str | None) -> None:
    """恢复演练：把最新（或指定的）备份恢复到临时数据库，核对各表校验值与审计链，然后删除临时库。"""
    hall = current_app.extensions["hall"]
    try:
        path = (
            Path(archive)
            if archive
            else backup_drill.latest_archive(Path(hall.settings.backup_dir))
        )
        report = backup_drill.drill(path, hall.engine)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)


@click.command("restore")
@with_appcontext
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
def restore(archive: str) -> None:
    """把备份恢复到一个空数据库（DATABASE_URL 所指），并恢复密钥。"""
    hall = current_app.extensions["hall"]
    try:
        done = backups.restore(Path(archive), hall.engine, hall.settings)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"已恢复（{done.kind}，迁移版本 {done.revision or '未知'}）。")
    click.echo(f"密钥已写入 {done.keys_written}。")
    if done.keys_replaced is not None:
        click.echo(f"原有密钥文件已改名为 {done.keys_replaced}。")
    restored = backups.read_keys(done.keys_written)
    if any(getattr(hall.settings, k) != v for k, v in restored.items()):
        click.echo(
            "注意：当前设置的密钥与备份不同。如设置了环境变量 HALL_SECRET_KEY 或 "
            "HALL_CARD_UID_KEY，请改为备份中的值或删除它们，否则卡片无法识别。"
        )
    with cli_session() as session:
        click.echo(audit_chain.verify(session).message())


COMMANDS = [backup, drill, restore]

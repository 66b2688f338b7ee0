"""The `onewindow` command: what the make targets, operators and analysts call.

Every command reads DATABASE_URL / ONEWINDOW_DATA_DIR / SECRET_KEY from the environment and works on
a fresh, empty data dir.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from engine.config import load_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _database():
    from engine.db import Database

    return Database.from_url(load_settings().database_url)


def _fail(message: str, code: int = 1):
    click.echo(message, err=True)
    sys.exit(code)


@click.group(help="一窗通 OneWindow：网上行政审批平台的命令行工具。")
@click.option("-v", "--verbose", is_flag=True, help="显示详细日志。")
def main(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command("init-db", help="创建或升级数据库结构（迁移到最新版本）。")
def init_db() -> None:
    from engine.migrate import upgrade

    settings = load_settings()
    database = _database()
    upgrade(database.engine)
    click.echo(f"数据库已就绪：{_safe_url(settings.database_url)}")


@main.command("load-items", help="检查并发布 DIR（默认项目根目录）中的全部事项包。")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False))
def load_items_command(directory: str | None) -> None:
    from engine.catalogue import load_items

    report, deployed = load_items(_database(), directory or PROJECT_ROOT, published_by="cli")
    for problem in report.problems:
        click.echo(problem.format(), err=problem.severity == "error")
    if not report.ok:
        _fail("事项包有错误，未发布任何事项。")
    for d in deployed:
        click.echo(f"{d.item_code}  第 {d.version_no} 版  {'新发布' if d.created else '内容未变'}")


@main.command(help="创建演示账号和演示办件。")
@click.option("--cases", "count", default=12, show_default=True, type=click.IntRange(0, 2_000_000),
              help="演示办件数量。")
def demo(count: int) -> None:
    from engine import demo as demo_data

    database = _database()
    accounts = demo_data.create_demo_users(database)
    made = demo_data.create_demo_cases(database, count) if count else 0
    click.echo(f"已创建 {made} 件演示办件。演示账号（密码均为 {demo_data.DEMO_PASSWORD}）：")
    for account in accounts:
        click.echo(f"  {account.username:<12} {account.role_label}（{account.display_name}）")


@main.command(help="启动网站（内嵌定时调度器，适用于单机部署）。")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-scheduler", is_flag=True, help="不在网站进程中运行调度器（另行运行 onewindow scheduler）。")
def serve(host: str, port: int, no_scheduler: bool) -> None:
    from engine.scheduler import WakeScheduler
    from webapp import create_app

    app = create_app()
    scheduler = None
    if not no_scheduler:
        scheduler = WakeScheduler(app.extensions["onewindow"])
        scheduler.start()
    click.echo(f"一窗通已启动：http://{host}:{port}/  （Ctrl+C 退出）")
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        if scheduler is not None:
            scheduler.shutdown()


@main.command(help="单独运行定时调度器（多机部署时可运行多个）。")
def scheduler() -> None:
    from engine.scheduler import WakeScheduler

    click.echo("调度器已启动（Ctrl+C 退出）。")
    runner = WakeScheduler(_database(), blocking=True)
    try:
        runner.start()
    except (KeyboardInterrupt, SystemExit):
        runner.shutdown()


@main.command(help="检查事项包或单个流程图：PATH 可为项目根目录、processes 目录、.item.yaml 或 .bpmn 文件。")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def check(paths: tuple[str, ...]) -> None:
    from engine.bundles import check_paths

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        _fail("找不到：" + "、".join(missing), 2)
    report = check_paths(list(paths))
    for problem in report.problems:
        click.echo(problem.format())
    errors = sum(1 for p in report.problems if p.severity == "error")
    warnings = sum(1 for p in report.problems if p.severity == "warning")
    if errors:
        _fail(f"检查未通过：{errors} 个错误，{warnings} 个警告。")
    click.echo(f"检查通过：{len(report.bundles)} 个事项包，{warnings} 个警告。")


@main.group(help="审计记录。")
def audit() -> None:
    pass


@audit.command(help="校验审计记录的哈希链是否完整。")
def verify() -> None:
    from engine import audit as audit_trail

    with _database().read() as session:
        report = audit_trail.verify(session)
    if report.ok:
        click.echo(f"审计链完整：共 {report.checked} 条记录。")
    else:
        _fail(f"审计链在第 {report.broken_at} 条处断开：{report.reason}（之前 {report.checked} 条完好）。")


@main.group("api-client", help="开放接口的部门系统客户端（令牌）。")
def api_client() -> None:
    pass


@api_client.command("create", help="为部门系统 NAME 创建客户端，打印一次访问令牌（只保存其哈希，丢失须重建）。")
@click.argument("name")
@click.option("--department", "departments", multiple=True, required=True, help="部门编码（可重复）。")
@click.option("--scope", "scopes", multiple=True, required=True,
              help="权限范围（可重复）：items:read cases:read cases:write tasks:read tasks:write supervision:read "
                   "statistics:read events:read webhooks:manage")
def api_client_create(name: str, departments: tuple[str, ...], scopes: tuple[str, ...]) -> None:
    from engine import api_clients
    from engine.errors import InvalidInput

    scopes = tuple(s for scope in scopes for s in scope.replace(",", " ").split())
    try:
        created = api_clients.create_client(_database(), name, list(departments), list(scopes))
    except InvalidInput as exc:
        _fail("；".join(m for messages in exc.errors.values() for m in messages) or exc.message)
    click.echo(f"已创建接口客户端“{created.name}”。访问令牌（只显示这一次，请妥善保存）：")
    click.echo(created.token)


@api_client.command("revoke", help="吊销客户端 NAME 的令牌（立即生效）。")
@click.argument("name")
def api_client_revoke(name: str) -> None:
    from engine import api_clients
    from engine.errors import NotFound

    try:
        api_clients.revoke(_database(), name)
    except NotFound as exc:
        _fail(exc.message)
    click.echo(f"已吊销接口客户端“{name}”。")


@api_client.command("sync-groups", help="组织数据变更后，使客户端的技术账号属于其部门当前的全部岗位组。")
@click.argument("name")
def api_client_sync_groups(name: str) -> None:
    from engine import api_clients
    from engine.errors import NotFound

    try:
        api_clients.sync_groups(_database(), name)
    except NotFound as exc:
        _fail(exc.message)
    click.echo(f"已更新接口客户端“{name}”的岗位组。")


@api_client.command("list", help="列出接口客户端（不显示令牌）。")
def api_client_list() -> None:
    from engine import api_clients

    with _database().read() as session:
        for client in api_clients.list_clients(session):
            state = "已吊销" if client.revoked_at else "有效"
            used = client.last_used_at.isoformat(timespec="seconds") if client.last_used_at else "从未使用"
            click.echo(f"{client.name}\t{state}\t{','.join(client.departments)}\t{' '.join(client.scopes)}\t{used}")


def _safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':')[0]}:***@{host}" if ":" in credentials else url
    return url


if __name__ == "__main__":
    main()

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
    _install_guide_files(report.bundles, directory or PROJECT_ROOT)


def _install_guide_files(bundles, root) -> None:
    """The blank forms and samples the guides name, copied where the portal serves them (engine.guide_files)."""
    from engine import guide_files

    data_dir = load_settings().data_dir
    for bundle in bundles:
        copied, missing = guide_files.install(root, data_dir, bundle.stem, bundle.item["code"], bundle.item)
        if missing:
            click.echo(f"{bundle.item['code']}  提示：processes/{bundle.stem}.files/ 中没有 "
                       f"{'、'.join(missing)}，办事指南不提供这些文件的下载")


BULK_FROM = 1000  # from this many demo cases on, rows are bulk-loaded (see `demo`)


@main.command(help="创建演示账号和演示办件。")
@click.option("--cases", "count", default=12, show_default=True, type=click.IntRange(0, 2_000_000),
              help="演示办件数量。")
@click.option("--bulk/--no-bulk", default=None,
              help=f"直接批量写入办件和任务行（{BULK_FROM} 件及以上默认如此，用于列表、监察和统计的数据量演示）。")
def demo(count: int, bulk: bool | None) -> None:
    from engine import demo as demo_data

    database = _database()
    accounts = demo_data.create_demo_users(database)
    from engine.portal_seed import seed_demo_content

    seed_demo_content(database)  # the portal's news, notices, policies and answered consultations
    if bulk or (bulk is None and count >= BULK_FROM):
        made = _bulk_cases(database, count)
    else:
        made = demo_data.create_demo_cases(database, count) if count else 0
    click.echo(f"已创建 {made} 件演示办件。演示账号（密码均为 {demo_data.DEMO_PASSWORD}）：")
    for account in accounts:
        click.echo(f"  {account.username:<12} {account.role_label}（{account.display_name}）")


def _bulk_cases(database, count: int) -> int:
    """Case and task rows written directly by the benchmarks' loader (bench/inbox_bench.py: ten tasks a case,
    60 % concluded, the rest open and some yellow or red), minutes for 100 k instead of hours through the
    engine. They carry no workflow and no audit trail: for the volume of lists, the desk and statistics,
    not for handling."""
    import time

    bench = PROJECT_ROOT / "bench"
    if not (bench / "inbox_bench.py").is_file():
        _fail("批量写入需要源码目录中的 bench/inbox_bench.py（请在项目目录中运行，或使用 --no-bulk）。")
    sys.path.insert(0, str(bench))
    from inbox_bench import bulk_load

    started = time.perf_counter()
    made, tasks, _seconds = bulk_load(database, count)
    click.echo(f"批量写入 {made} 件办件、{tasks} 个任务，用时 {time.perf_counter() - started:.0f} 秒"
               "（无流程实例和审计记录，仅用于数据量演示）。")
    return made


@main.command(help="启动网站（内嵌定时调度器，适用于单机部署）。")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-scheduler", is_flag=True, help="不在网站进程中运行调度器（另行运行 onewindow scheduler）。")
def serve(host: str, port: int, no_scheduler: bool) -> None:
    from engine.scheduler import WakeScheduler
    from webapp import create_app
    from webapp.security import RequestHandler

    app = create_app()
    scheduler = None
    if not no_scheduler:
        scheduler = WakeScheduler(app.extensions["onewindow"])
        scheduler.start()
    click.echo(f"一窗通已启动：http://{host}:{port}/  （Ctrl+C 退出）")
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False, request_handler=RequestHandler)
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


@main.command("element-templates", help="根据当前配置（表单、候选组、办理环节）生成 Camunda Modeler 元素模板 JSON 文件。")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def element_templates(file: str) -> None:
    import json

    from designer_export.templates import element_templates as build

    Path(file).write_text(json.dumps(build(_database()), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    click.echo(f"已写入元素模板：{file}")


@main.command("export-item", help="把事项 CODE（流程图、表单、指南和全部版本）导出为一个 zip 事项包。")
@click.argument("code")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def export_item(code: str, file: str) -> None:
    from designer_export.archive import export_item as export
    from engine.errors import OneWindowError

    try:
        Path(file).write_bytes(export(_database(), code))
    except OneWindowError as exc:
        _fail(exc.message)
    click.echo(f"已导出事项 {code}：{file}")


@main.command("import-item", help="导入 export-item 生成的事项包（含全部版本）。")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_item(file: str) -> None:
    from designer_export.archive import import_item as load
    from engine.errors import OneWindowError

    try:
        code = load(_database(), Path(file).read_bytes(), imported_by="cli")
    except OneWindowError as exc:
        for message in getattr(exc, "errors", {}).get("", []):
            click.echo(message, err=True)
        _fail(exc.message)
    click.echo(f"已导入事项 {code}")


@main.command(help="把数据库和上传的文件、文书、指南文件备份到 FILE（一个 tar.gz 归档；系统运行中即可备份）。")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def backup(file: str) -> None:
    from engine import backup as backups

    try:
        summary = backups.backup(load_settings(), file)
    except backups.BackupError as exc:
        _fail(exc.message)
    kind = backups.backend_label(summary.backend)
    click.echo(f"已备份（{kind}，迁移版本 {summary.revision or '无'}，{summary.files} 个文件，"
               f"{summary.size / 1024 / 1024:.1f} MB）：{file}")


@main.command(help="从 backup 生成的 FILE 恢复数据库和文件。目标数据库须为空（新建），除非加 --force。")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="目标数据库已有数据时也恢复：先清空数据库，再写入备份内容。")
def restore(file: str, force: bool) -> None:
    from engine import backup as backups

    try:
        summary = backups.restore(load_settings(), file, force=force)
    except backups.BackupError as exc:
        _fail(exc.message)
    kind = backups.backend_label(summary.backend)
    click.echo(f"已恢复（{kind}，迁移版本 {summary.revision or '无'}，{summary.files} 个文件）。"
               "如备份来自旧版本，请再运行 onewindow init-db 升级数据库结构。")


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

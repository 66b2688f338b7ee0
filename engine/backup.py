"""Backups: one archive with the database and the files its rows name, and the restore of such an archive.

`backup` writes a gzip'd tar file:

    manifest.json          format, database backend, migration revision, time, counts
    database.sqlite3       SQLite: a copy by sqlite3's online backup API
    database.pgdump        PostgreSQL: `pg_dump --format=custom` (one snapshot)
    files/uploads/...      applicants' uploads (ONEWINDOW_UPLOAD_DIR, else <data dir>/uploads)
    files/documents/...    issued documents' PDFs (<data dir>/documents)
    files/guide-files/...  the guides' blank forms and samples (<data dir>/guide-files)

Both database copies are consistent while the app and the schedulers keep writing. The database is copied
first, the files after: a file is on disk before the row that names it commits, so every file the copied
rows name is in the archive (files uploaded meanwhile come along unreferenced, which is harmless).
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from . import clock
from .config import Settings
from .db import Database
from .errors import OneWindowError
from .guide_files import DIRECTORY as GUIDE_DIRECTORY

FORMAT = "onewindow-backup/1"
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(OneWindowError):
    code = "backup_failed"


@dataclass(frozen=True)
class Summary:
    backend: str
    revision: str | None
    files: int
    size: int  # bytes of the archive


def file_roots(settings: Settings) -> dict[str, Path]:
    """The folders a backup carries, by their name in the archive."""
    return {"uploads": settings.uploads_dir, "documents": settings.documents_dir,
            GUIDE_DIRECTORY: settings.data_dir / GUIDE_DIRECTORY}


def backup(settings: Settings, target: str | Path) -> Summary:
    """Write the archive of the database at `settings.database_url` and its files to `target` (replaced
    atomically: a failed backup leaves no half-written archive)."""
    target = Path(target).resolve()
    if not target.parent.is_dir():
        raise BackupError(f"目录不存在：{target.parent}")
    with _plain_errors():
        return _backup(settings, target)


def _backup(settings: Settings, target: Path) -> Summary:
    database = Database.from_url(settings.database_url)
    backend = database.engine.dialect.name
    try:
        revision = _revision(database)
        with tempfile.TemporaryDirectory(prefix="onewindow-backup-", dir=target.parent) as scratch:
            dump = Path(scratch) / DUMPS[backend]
            if backend == "sqlite":
                _copy_sqlite(_sqlite_path(settings.database_url), dump)
            else:
                _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"],
                     settings.database_url)
            partial = Path(scratch) / "archive.tar.gz"
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(dump, DUMPS[backend])
                files = sum(_add_folder(archive, name, root) for name, root in file_roots(settings).items())
                manifest = {"format": FORMAT, "backend": backend, "revision": revision,
                            "created_at": clock.now().isoformat(), "files": files}
                _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
            os.replace(partial, target)
    finally:
        database.dispose()
    return Summary(backend, revision, files, target.stat().st_size)


def restore(settings: Settings, source: str | Path, *, force: bool = False) -> Summary:
    """Put the archive's database and files in place of the configured ones. Refused when the database
    has tables or a file folder has files, unless `force` (then the database is emptied first and the
    archive's files are written over the folders' files of the same name)."""
    with _plain_errors():
        return _restore(settings, Path(source), force)


def _restore(settings: Settings, source: Path, force: bool) -> Summary:
    try:
        archive = tarfile.open(source, "r:*")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"无法读取备份文件 {source}：{exc}") from exc
    with archive:
        manifest = _manifest(archive, source)
        database = Database.from_url(settings.database_url)
        backend = database.engine.dialect.name
        try:
            if manifest["backend"] != backend:
                raise BackupError(f"备份来自 {backend_label(manifest['backend'])} 数据库，"
                                  f"目标是 {backend_label(backend)}：请恢复到同一种数据库。")
            _refuse_unless_empty(database, settings, force)
            with tempfile.TemporaryDirectory(prefix="onewindow-restore-") as scratch:
                dump = _extract(archive, DUMPS[backend], Path(scratch))
                if backend == "sqlite":
                    database.dispose()
                    _copy_sqlite(dump, _sqlite_path(settings.database_url))
                else:
                    if force:
                        _empty_postgresql(database)
                    database.dispose()
                    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                          str(dump)], settings.database_url, database_flag=True)
            files = _restore_files(archive, settings)
        finally:
            database.dispose()
    return Summary(backend, manifest.get("revision"), files, source.stat().st_size)


@contextmanager
def _plain_errors():
    """A database that cannot be reached or a disk that refuses: a sentence for the operator, no traceback."""
    try:
        yield
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        raise BackupError(f"无法连接或读写数据库：{reason}") from exc
    except OSError as exc:
        raise BackupError(f"读写文件失败：{exc}") from exc


# -- the database --------------------------------------------------------------------------------------------

def _revision(database: Database) -> str | None:
    if "alembic_version" not in inspect(database.engine).get_table_names():
        return None
    with database.engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _sqlite_path(url: str) -> Path:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("内存数据库无法备份或恢复。")
    return Path(path)


def _copy_sqlite(source: Path, target: Path) -> None:
    """sqlite3's online backup: a consistent copy while other connections write (WAL included)."""
    source_db, target_db = sqlite3.connect(source), sqlite3.connect(target)
    try:
        source_db.backup(target_db)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite 复制失败：{exc}") from exc
    finally:
        target_db.close()
        source_db.close()


def _libpq_env(url: str) -> dict[str, str]:
    """Connection settings for pg_dump / pg_restore as libpq variables: the password never on a command line."""
    parsed = make_url(url)
    env = dict(os.environ)
    for variable, value in (("PGHOST", parsed.host), ("PGPORT", parsed.port), ("PGUSER", parsed.username),
                            ("PGPASSWORD", parsed.password), ("PGDATABASE", parsed.database)):
        if value is not None:
            env[variable] = str(value)
    return env


def _run(command: list[str], url: str, database_flag: bool = False) -> None:
    program = command[0]
    if shutil.which(program) is None:
        raise BackupError(f"找不到 {program}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client），"
                          "版本不低于数据库服务器。")
    if database_flag:  # pg_restore needs -d to write into a database instead of printing SQL
        command = [program, f"--dbname={make_url(url).database}", *command[1:]]
    result = subprocess.run(command, env=_libpq_env(url), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{program} 失败（退出码 {result.returncode}）：{result.stderr.strip()[:2000]}")


def _empty_postgresql(database: Database) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def _refuse_unless_empty(database: Database, settings: Settings, force: bool) -> None:
    if force:
        return
    tables = inspect(database.engine).get_table_names()
    if tables:
        raise BackupError(f"目标数据库不是空的（已有 {len(tables)} 张表），恢复会覆盖其中的数据。"
                          "请恢复到新建的空数据库，或确认后加 --force 覆盖。")
    for name, root in file_roots(settings).items():
        if root.is_dir() and any(path.is_file() for path in root.rglob("*")):
            raise BackupError(f"文件目录 {root} 中已有文件，恢复可能覆盖它们。请使用空目录，或确认后加 --force。")


def backend_label(backend: str) -> str:
    """The database kind as people write it."""
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(backend, backend)


# -- the archive ---------------------------------------------------------------------------------------------

def _add_folder(archive: tarfile.TarFile, name: str, root: Path) -> int:
    count = 0
    if not root.is_dir():
        return 0
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            try:
                archive.add(path, f"files/{name}/{path.relative_to(root).as_posix()}", recursive=False)
            except FileNotFoundError:  # removed while we walked (a temporary upload): not referenced
                continue
            count += 1
    return count


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(clock.now().timestamp()), 0o644
    archive.addfile(info, io.BytesIO(data))


def _manifest(archive: tarfile.TarFile, source: Path) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read().decode("utf-8")) if member else None
    except (KeyError, ValueError, tarfile.TarError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("backend") not in DUMPS:
        raise BackupError(f"{source} 不是一窗通的备份文件（缺少或无法识别 {MANIFEST}）。")
    return manifest


def _extract(archive: tarfile.TarFile, name: str, folder: Path) -> Path:
    try:
        archive.extract(name, folder, filter="data")
    except (KeyError, tarfile.TarError) as exc:
        raise BackupError(f"备份文件不完整：缺少 {name}。") from exc
    return folder / name


def _restore_files(archive: tarfile.TarFile, settings: Settings) -> int:
    roots, count = file_roots(settings), 0
    for member in archive:
        parts = member.name.split("/", 2)
        if len(parts) != 3 or parts[0] != "files" or parts[1] not in roots or not member.isfile():
            continue
        member.name = parts[2]
        roots[parts[1]].mkdir(parents=True, exist_ok=True)
        archive.extract(member, roots[parts[1]], filter="data")  # "data": nothing outside the folder
        count += 1
    return count

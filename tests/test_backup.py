"""`onewindow backup` while the app writes, and `onewindow restore` into a fresh database and data dir: the cases,
tasks, workflows, audit chain and files come back identical, and a restored case goes on."""
import io
import threading
import uuid

import pytest
from sqlalchemy import select

from engine import cases, materials
from engine.db import Database
from engine.models import Base, StoredFile

from .conftest import BACKEND, pg_database
from .helpers import answer, application, item_code, only_open_task, worker_for
from .material_files import pdf, png
from .processes import environment
from .test_cli import onewindow

COMPARED = ("case_file", "case_workflow", "human_task", "case_timer", "stored_file", "audit_event")


@pytest.fixture
def empty_database_url(tmp_path):
    """A database nobody has created tables in, as an operator makes one for a restore."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    with pg_database("ow_r") as url:
        yield url


def _rows(db, table: str) -> dict:
    columns = Base.metadata.tables[table]
    key = list(columns.primary_key.columns)
    with db.read() as session:
        return {tuple(row[c.name] for c in key): dict(row)
                for row in session.execute(select(columns)).mappings()}


def _handled_cases(db, users, uploads, count: int) -> list[int]:
    """Cases at different steps, and uploads on disk."""
    code = item_code(db, "construction_permit")
    made = []
    for n in range(count):
        case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
        if n % 2:
            task = only_open_task(db, case_id)
            cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="accept"))
        made.append(case_id)
    for n, content in enumerate((pdf("licence"), png(), pdf("site plan"))):
        materials.store(db, users["haiyun"], f"材料{n}.pdf", io.BytesIO(content), uploads_dir=uploads)
    return made


def test_backup_while_writing_restores_identical_cases_files_and_chain_and_cases_go_on(
        db, users, database_url, empty_database_url, tmp_path):
    source_dir, target_dir = tmp_path / "source", tmp_path / "target"
    handled = _handled_cases(db, users, source_dir / "uploads", 6)
    code = item_code(db, "business_license_change")
    stop, written = threading.Event(), []

    def keep_submitting():  # the app goes on taking applications during the backup
        while not stop.is_set():
            written.append(cases.submit(db, code, application(db, code), users["zhangsan"]).case_id)

    writer = threading.Thread(target=keep_submitting)
    writer.start()
    try:
        archive = tmp_path / "onewindow-backup.tar.gz"
        result = onewindow("backup", str(archive), env=environment(database_url, source_dir))
    finally:
        stop.set()
        writer.join(60)
    assert result.returncode == 0 and "已备份" in result.stdout, result.stdout + result.stderr
    assert written, "nothing was written during the backup"

    restored_env = environment(empty_database_url, target_dir)
    result = onewindow("restore", str(archive), env=restored_env)
    assert result.returncode == 0, result.stdout + result.stderr
    restored = Database.from_url(empty_database_url)
    try:
        for table in COMPARED:
            source_rows, restored_rows = _rows(db, table), _rows(restored, table)
            assert restored_rows, table
            # A snapshot: every restored row is the source's row; what is missing was written after it.
            for key, row in restored_rows.items():
                assert source_rows[key] == row, (table, key)
        head = _rows(restored, "audit_head")[(1,)]  # the chain's head: a link of the source's chain
        assert _rows(db, "audit_event")[(head["seq"],)]["hash"] == head["hash"]
        source_cases, restored_cases = set(_rows(db, "case_file")), set(_rows(restored, "case_file"))
        missing = {key[0] for key in source_cases - restored_cases}
        assert missing <= set(written), "a case older than the backup is missing"
        with restored.read() as session:
            stored = list(session.scalars(select(StoredFile)))
        assert len(stored) == 3
        for row in stored:
            assert (target_dir / "uploads" / row.path).read_bytes() == (source_dir / "uploads" / row.path).read_bytes()
        verified = onewindow("audit", "verify", env=restored_env)
        assert verified.returncode == 0 and "审计链完整" in verified.stdout, verified.stdout + verified.stderr

        # A restored case goes on: its open task completes and the chain stays whole.
        case_id = handled[0]  # waiting for pre-review
        task = only_open_task(restored, case_id)
        cases.complete(restored, task.id, worker_for(restored, task, users), answer(restored, task, decision="accept"))
        assert only_open_task(restored, case_id).id != task.id
        verified = onewindow("audit", "verify", env=restored_env)
        assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        restored.dispose()


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(db, users, database_url, tmp_path):
    source_dir = tmp_path / "source"
    case_ids = _handled_cases(db, users, source_dir / "uploads", 1)
    archive = tmp_path / "backup.tar.gz"
    assert onewindow("backup", str(archive), env=environment(database_url, source_dir)).returncode == 0
    code = item_code(db, "construction_permit")
    later = cases.submit(db, code, application(db, code), users["haiyun"]).case_id

    refused = onewindow("restore", str(archive), env=environment(database_url, tmp_path / "other"))
    assert refused.returncode == 1 and "不是空的" in refused.stderr and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _rows(db, "case_file").keys() >= {(later,)}  # nothing was touched

    db.dispose()
    forced = onewindow("restore", "--force", str(archive), env=environment(database_url, tmp_path / "other"))
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert set(_rows(db, "case_file")) == {(case_id,) for case_id in case_ids}
    assert onewindow("audit", "verify", env=environment(database_url, tmp_path / "other")).returncode == 0


def test_restore_names_a_file_that_is_not_a_backup(database_url, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    result = onewindow("restore", str(junk), env=environment(database_url, tmp_path / "data"))
    assert result.returncode == 1 and "无法读取备份文件" in result.stderr and "Traceback" not in result.stderr


def test_restore_refuses_file_folders_that_already_hold_files(db, users, database_url, empty_database_url, tmp_path):
    _handled_cases(db, users, tmp_path / "source" / "uploads", 1)
    archive = tmp_path / "backup.tar.gz"
    assert onewindow("backup", str(archive), env=environment(database_url, tmp_path / "source")).returncode == 0
    target = tmp_path / "target"
    (target / "uploads" / "2026").mkdir(parents=True)
    (target / "uploads" / "2026" / "someone-elses-file").write_bytes(b"%PDF-1.4")
    result = onewindow("restore", str(archive), env=environment(empty_database_url, target))
    assert result.returncode == 1 and "已有文件" in result.stderr and "Traceback" not in result.stderr


def test_backup_of_a_database_that_cannot_be_reached_says_so(tmp_path):
    unreachable = f"postgresql://nobody@127.0.0.1:1/{uuid.uuid4().hex}"
    result = onewindow("backup", str(tmp_path / "b.tar.gz"), env=environment(unreachable, tmp_path / "data"))
    assert result.returncode == 1 and "无法连接或读写数据库" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "b.tar.gz").exists()


@pytest.mark.skipif(BACKEND != "postgresql", reason="pg_dump is only needed for PostgreSQL")
def test_backup_names_the_missing_pg_dump(database_url, tmp_path):
    env = dict(environment(database_url, tmp_path / "data"), PATH=str(tmp_path / "empty-bin"))
    result = onewindow("backup", str(tmp_path / "b.tar.gz"), env=env)
    assert result.returncode == 1 and "pg_dump" in result.stderr and "postgresql-client" in result.stderr
    assert "Traceback" not in result.stderr

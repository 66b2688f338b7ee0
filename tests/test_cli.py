"""The `onewindow` command on a fresh, empty data dir, as an operator or analyst runs it."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIAGRAM = ROOT / "processes" / "construction_permit.bpmn"


def onewindow(*args, env=None, cwd=None):
    command = [sys.executable, "-c", "from webapp.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd or ROOT, timeout=300)


@pytest.fixture
def fresh_env(tmp_path, database_url):
    """An empty data dir; the database is the test's own (SQLite or PostgreSQL), already migrated."""
    return dict(os.environ, ONEWINDOW_DATA_DIR=str(tmp_path / "data"), DATABASE_URL=database_url,
                PYTHONPATH=str(ROOT))


def test_every_setup_command_works_on_an_empty_data_dir(tmp_path):
    env = dict(os.environ, ONEWINDOW_DATA_DIR=str(tmp_path / "empty"), PYTHONPATH=str(ROOT))
    env.pop("DATABASE_URL", None)
    steps = [("init-db",), ("load-items",), ("demo", "--cases", "3"), ("audit", "verify")]
    for step in steps:
        result = onewindow(*step, env=env)
        assert result.returncode == 0, (step, result.stdout, result.stderr)
    assert (tmp_path / "empty" / "onewindow.sqlite3").exists()
    assert (tmp_path / "empty" / "secret_key").exists()
    assert "zhangsan" in onewindow("demo", "--cases", "0", env=env).stdout


def test_loading_unchanged_items_again_publishes_no_new_version(fresh_env):
    result = onewindow("load-items", env=fresh_env)
    assert result.returncode == 0, result.stderr
    assert "第 1 版" in result.stdout and "新发布" not in result.stdout


def test_check_accepts_the_sample_items(fresh_env):
    result = onewindow("check", ".", env=fresh_env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_exits_1_and_names_the_element_of_a_broken_diagram(fresh_env, tmp_path):
    broken = tmp_path / "broken.bpmn"
    broken.write_text(SAMPLE_DIAGRAM.read_text(encoding="utf-8").replace('decision == "accept"', 'decision ==',
                                                                         1), encoding="utf-8")
    result = onewindow("check", str(broken), env=fresh_env)
    assert result.returncode == 1
    assert "broken.bpmn:" in result.stdout and "Traceback" not in result.stdout + result.stderr


def test_check_exits_2_on_usage_errors(fresh_env, tmp_path):
    assert onewindow("check", env=fresh_env).returncode == 2
    assert onewindow("check", str(tmp_path / "missing.bpmn"), env=fresh_env).returncode == 2


def test_check_answers_a_file_that_is_not_xml_without_a_traceback(fresh_env, tmp_path):
    junk = tmp_path / "junk.bpmn"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n not a diagram")
    result = onewindow("check", str(junk), env=fresh_env)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr


def test_audit_verify_reports_an_intact_chain(fresh_env):
    result = onewindow("audit", "verify", env=fresh_env)
    assert result.returncode == 0 and "审计链完整" in result.stdout


def test_serve_answers_http_with_its_scheduler_running(fresh_env):
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from webapp.cli import main; main()", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=fresh_env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline, body = time.monotonic() + 30, None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2) as response:
                    body = response.read().decode()
            except OSError:
                time.sleep(0.2)
        assert body is not None and '"ok"' in body
    finally:
        server.terminate()
        server.communicate(timeout=20)


def test_demo_bulk_loads_cases_the_desk_and_statistics_can_count(fresh_env, db):
    from sqlalchemy import func, select

    from engine.models import Case, HumanTask

    result = onewindow("demo", "--cases", "40", "--bulk", env=fresh_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "批量写入 40 件办件" in result.stdout
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 40
        assert session.scalar(select(func.count()).select_from(HumanTask)) == 400

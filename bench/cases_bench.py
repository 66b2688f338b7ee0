"""Figures 1, 2 and 5: new cases per second, task completions per second, stored bytes per concluded case.

All three run on one fresh database holding the sample items: `engine.cases.submit` of the immediate sample
item, then `engine.cases.complete` of the open tasks until every case is concluded, each interleaved in five
blocks with bursts of the commit floor (one-row INSERT + COMMIT on a scratch table, same engine, pragmas and
BEGIN mode); then the size of the tables those cases touched, divided by the number of cases.
"""
from __future__ import annotations

import cProfile
import io
import pstats

from sqlalchemy import func, select, text

from common import Figure, Results, Stopwatch, log

CASE_TABLES = ("case_file", "case_workflow", "human_task", "audit_event", "case_timer")
MAX_ROUNDS = 12  # completion rounds per case (an immediate item needs one or two)


class CommitFloor:
    """One-row INSERT + COMMIT on a scratch table, with the engine's own engine, pragmas and BEGIN mode.

    Measured in bursts interleaved with the engine's work, so both see the same disk: one fsync on this
    kind of virtual disk varies several-fold from one minute to the next."""

    def __init__(self, db):
        self.engine = db.engine.execution_options(sqlite_begin="IMMEDIATE") if db.is_sqlite else db.engine
        self.statement = text("INSERT INTO bench_floor (id, payload) VALUES (:id, :payload)")
        self.next_id = 0
        self.start_tally()
        with self.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, payload VARCHAR(64) NOT NULL)")
        for i in range(20):  # warm the pool and the file
            with self.engine.begin() as conn:
                conn.execute(self.statement, {"id": -1 - i, "payload": "warm-up"})

    def start_tally(self) -> None:
        """Count from here on (the submit phase and the completion phase get a floor each)."""
        self.done, self.seconds, self.bursts = 0, 0.0, []

    def burst(self, count: int, max_seconds: float = 5.0) -> None:
        watch = Stopwatch()
        done = 0
        while done < count and watch.seconds < max_seconds:
            self.next_id += 1
            with self.engine.begin() as conn:
                conn.execute(self.statement, {"id": self.next_id, "payload": f"row {self.next_id}"})
            done += 1
        self.seconds += watch.seconds
        self.done += done
        self.bursts.append(done / watch.seconds)

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else float("nan")

    def spread(self) -> str:
        return f"bursts {min(self.bursts):.0f}–{max(self.bursts):.0f}/s"

    def close(self) -> None:
        with self.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE bench_floor")


def interleaved(floor: CommitFloor, floor_commits: int, jobs: list, action, blocks: int = 5) -> float:
    """Run `action(job)` for every job in `blocks` blocks, a floor burst before each; seconds spent in jobs."""
    seconds = 0.0
    size = -(-len(jobs) // blocks)
    for b in range(blocks):
        floor.burst(max(floor_commits // blocks, 1))
        watch = Stopwatch()
        for job in jobs[b * size:(b + 1) * size]:
            action(job)
        seconds += watch.seconds
    return seconds


def immediate_item(db) -> str:
    from engine.models import Item

    with db.read() as session:
        code = session.scalar(select(Item.code).where(Item.case_kind == "immediate", Item.retired_at.is_(None))
                              .order_by(Item.code))
    if code is None:
        raise RuntimeError("no sample item with case_kind 'immediate' is loaded")
    return code


# ---------------------------------------------------------------------------------------------------------
# Stored bytes

def table_bytes(db) -> tuple[dict[str, int], str]:
    """Bytes stored per case table (indexes and TOAST included), and how they were measured."""
    with db.engine.connect() as conn:
        if db.is_postgresql:
            sizes = {t: conn.exec_driver_sql(f"SELECT pg_total_relation_size('{t}')").scalar() for t in CASE_TABLES}
            return sizes, "pg_total_relation_size (heap + TOAST + indexes)"
        try:
            rows = conn.exec_driver_sql(
                "SELECT m.tbl_name, SUM(d.pgsize) FROM dbstat AS d JOIN sqlite_master AS m ON m.name = d.name "
                "GROUP BY m.tbl_name").all()
            sizes = {t: 0 for t in CASE_TABLES}
            sizes.update({name: int(size) for name, size in rows if name in CASE_TABLES})
            return sizes, "SQLite dbstat (pages of each table and its indexes)"
        except Exception:  # dbstat not compiled in: fall back to the stored column lengths
            return _column_lengths(conn), "sum of stored column lengths (no dbstat; indexes not counted)"


def _column_lengths(conn) -> dict[str, int]:
    sizes = {}
    for table in CASE_TABLES:
        columns = [row[1] for row in conn.exec_driver_sql(f"PRAGMA table_info({table})")]
        expr = " + ".join(f"COALESCE(LENGTH(CAST({c} AS BLOB)), 0)" for c in columns)
        sizes[table] = int(conn.exec_driver_sql(f"SELECT COALESCE(SUM({expr}), 0) FROM {table}").scalar())
    return sizes


def compact(db) -> None:
    """Rewrite the case tables without dead row versions (PostgreSQL: VACUUM FULL; SQLite: VACUUM)."""
    if db.is_postgresql:
        with db.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
            for table in CASE_TABLES:
                conn.exec_driver_sql(f"VACUUM FULL {table}")
        return
    raw = db.engine.raw_connection()  # outside SQLAlchemy: its BEGIN hook would wrap VACUUM in a transaction
    try:
        raw.driver_connection.execute("VACUUM")
    finally:
        raw.close()


# ---------------------------------------------------------------------------------------------------------
# The benchmark

def run(db, backend: str, results: Results, n_cases: int, floor_commits: int, profile: str | None = None) -> None:
    from engine import cases, demo
    from engine.models import Case, HumanTask, User
    from engine.permissions import may_work_on

    code = immediate_item(db)
    application = demo.sample_application(db, code)
    applicant = demo.user(db, "zhangsan")
    before, method = table_bytes(db)
    for _ in range(5):  # warm-up: spec cache, calendar, connection pool (they count in the bytes figure)
        cases.submit(db, code, application, applicant)

    log(f"immediate item {code}: {n_cases} submits through engine.cases.submit, "
        f"interleaved with {floor_commits} one-row commits (the floor)")
    floor = CommitFloor(db)
    profiler = cProfile.Profile() if profile in ("submit", "all") else None
    ids = []

    def submit_one(_job):
        ids.append(cases.submit(db, code, application, applicant).case_id)

    if profiler:
        profiler.enable()
    submit_seconds = interleaved(floor, floor_commits, list(range(n_cases)), submit_one)
    if profiler:
        profiler.disable()
    rate = n_cases / submit_seconds
    share = rate / floor.rate * 100
    results.add(Figure(backend, "new_cases", "new cases/s", f"{rate:.1f}",
                       f"floor {floor.rate:.1f} commits/s ({share:.1f} %)", "target ≥ 10 % of floor", share >= 10.0,
                       [f"{n_cases} sequential submits in {submit_seconds:.1f} s "
                        f"({submit_seconds / n_cases * 1000:.2f} ms each); floor {floor.done} commits, {floor.spread()}"]))
    results.fact(backend, "commit_floor", f"{floor.rate:.1f}")
    results.fact(backend, "new_cases", f"{rate:.1f}")
    if profiler:
        _print_profile(profiler, f"engine.cases.submit ({backend})")

    # Figure 2: complete every open staff task of those cases until they conclude.
    with db.read() as session:
        staff = list(session.scalars(select(User).where(User.kind == "staff")))
    workers: dict[str, object] = {}
    answers: dict[tuple, dict] = {}

    def worker_for(task):
        if task.group_code not in workers:
            with db.read() as session:
                case = session.get(Case, task.case_id)
                workers[task.group_code] = next((u for u in staff if may_work_on(session, u, task, case)), None)
        return workers[task.group_code]

    all_ids = _all_case_ids(db)
    completed = 0
    complete_seconds = 0.0
    floor.start_tally()
    profiler = cProfile.Profile() if profile in ("complete", "all") else None
    for _round in range(MAX_ROUNDS):
        with db.read() as session:
            open_tasks = list(session.scalars(select(HumanTask).where(HumanTask.case_id.in_(ids),
                                                                      HumanTask.state == "open")
                                              .order_by(HumanTask.id)))
        if not open_tasks:
            break
        jobs = []
        for task in open_tasks:
            who = worker_for(task)
            if who is None:
                raise RuntimeError(f"no demo account may work on task {task.bpmn_id} (group {task.group_code})")
            key = (task.form_key, task.bpmn_id)
            if key not in answers:
                answers[key] = demo.approving_answer(db, task)
            jobs.append((task.id, who, answers[key]))
        log(f"completing {len(jobs)} open tasks (round {_round + 1})")
        if profiler:
            profiler.enable()
        complete_seconds += interleaved(floor, floor_commits, jobs, lambda job: cases.complete(db, *job))
        if profiler:
            profiler.disable()
        completed += len(jobs)
    # Warm-up cases are concluded too (untimed), so every case counted below is concluded.
    _conclude_rest(db, [i for i in all_ids if i not in set(ids)], worker_for, answers)
    floor.close()
    rate2 = completed / complete_seconds if complete_seconds else float("nan")
    results.add(Figure(backend, "completions", "task completions/s", f"{rate2:.1f}",
                       f"floor {floor.rate:.1f} commits/s ({rate2 / floor.rate * 100:.1f} %)", "(no target)", None,
                       [f"{completed} completions in {complete_seconds:.1f} s "
                        f"({complete_seconds / max(completed, 1) * 1000:.2f} ms each); floor {floor.done} commits, "
                        f"{floor.spread()}"]))
    results.fact(backend, "completions", f"{rate2:.1f}")
    if profiler:
        _print_profile(profiler, f"engine.cases.complete ({backend})")

    # Figure 5: bytes per concluded case.
    with db.read() as session:
        total = session.scalar(select(func.count()).select_from(Case))
        concluded = session.scalar(select(func.count()).select_from(Case).where(Case.concluded_at.is_not(None)))
        statuses = dict(session.execute(select(Case.status, func.count()).group_by(Case.status)).all())
    if concluded != total:
        log(f"warning: {total - concluded} of {total} cases did not conclude (statuses {statuses})")
    raw, _ = table_bytes(db)
    compact(db)
    packed, _ = table_bytes(db)
    per_case_raw = sum(raw[t] - before[t] for t in CASE_TABLES) / total
    per_case = sum(packed[t] - before[t] for t in CASE_TABLES) / total
    breakdown = ", ".join(f"{t} {(packed[t] - before[t]) / total / 1024:.1f}" for t in CASE_TABLES)
    results.add(Figure(backend, "bytes_per_case", "bytes/concluded case", f"{per_case / 1024:.1f} KiB",
                       f"as written {per_case_raw / 1024:.1f} KiB", "target ≤ 16 KiB", per_case <= 16 * 1024,
                       [f"{total} concluded cases, {method}; after compaction (VACUUM) — per table, KiB: "
                        f"{breakdown}"]))
    results.fact(backend, "bytes_method", method)
    _payload_note(db, ids, backend, results)


def _all_case_ids(db) -> list[int]:
    from engine.models import Case

    with db.read() as session:
        return list(session.scalars(select(Case.id)))


def _conclude_rest(db, case_ids, worker_for, answers) -> None:
    from engine import cases, demo
    from engine.models import HumanTask

    for _round in range(MAX_ROUNDS):
        with db.read() as session:
            open_tasks = list(session.scalars(select(HumanTask).where(HumanTask.case_id.in_(case_ids),
                                                                      HumanTask.state == "open")))
        if not open_tasks:
            return
        for task in open_tasks:
            key = (task.form_key, task.bpmn_id)
            if key not in answers:
                answers[key] = demo.approving_answer(db, task)
            cases.complete(db, task.id, worker_for(task), answers[key])


def _payload_note(db, ids, backend, results) -> None:
    """Where the bytes are: average lengths of the big columns of one concluded case."""
    sample = ids[: min(len(ids), 200)]
    if not sample:
        return
    placeholders = ",".join(str(int(i)) for i in sample)
    length = "octet_length" if db.is_postgresql else "length"
    cast = "::text" if db.is_postgresql else ""
    with db.engine.connect() as conn:
        state = conn.exec_driver_sql(f"SELECT AVG({length}(state)) FROM case_workflow WHERE case_id IN ({placeholders})"
                                     ).scalar()
        app = conn.exec_driver_sql(f"SELECT AVG({length}(application{cast})) FROM case_file WHERE id IN ({placeholders})"
                                   ).scalar()
        events = conn.exec_driver_sql(f"SELECT COUNT(*) * 1.0 / {len(sample)}, AVG({length}(detail{cast})) "
                                      f"FROM audit_event WHERE case_id IN ({placeholders})").one()
        tasks = conn.exec_driver_sql(f"SELECT COUNT(*) * 1.0 / {len(sample)} FROM human_task "
                                     f"WHERE case_id IN ({placeholders})").scalar()
    note = (f"per case: workflow state {float(state):.0f} B, application {float(app):.0f} B, "
            f"{float(events[0]):.1f} audit events (detail {float(events[1] or 0):.0f} B each), {float(tasks):.1f} tasks")
    print(f"{'':<28}  {note}", flush=True)
    results.figures[-1].notes.append(note)


def _print_profile(profiler, title: str, limit: int = 30) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(limit)
    print(f"\n--- cProfile: {title}, top {limit} by cumulative time ---")
    print(out.getvalue())
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(20)
    print(f"--- cProfile: {title}, top 20 by own time ---")
    print(out.getvalue(), flush=True)

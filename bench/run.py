"""OneWindow benchmarks (`make bench`): each figure printed beside its floor measured in the same run.

    .venv/bin/python bench/run.py [--db sqlite|postgresql|both] [--quick] [--cases N] [--timers N]
                                  [--inbox-cases N] [--timer-spread S] [--only cases,timers,inbox]
                                  [--profile submit|complete|all] [--load-seconds S] [--load-clients N]

Figures, per database (a fresh temporary database for each group, dropped at the end, also on failure;
groups run in the order cases, timers, inbox):
  1. new cases/s through engine.cases.submit (immediate sample item), beside one-row INSERT+COMMIT/s
  2. task completions/s through engine.cases.complete, beside the same commit floor
  3. inbox page p50/p95 (engine.inbox.inbox_page) at 100 k cases / 1 M tasks, beside the bare indexed query
  4. timer lateness p50/p99/max and duplicate firings for 10 k boundary timers (engine.scheduler.WakeScheduler)
  5. stored bytes per concluded small case
  6. the supervision desk at the inbox's 100 k cases: deadlines page, red list, dashboard counts, a month of
     statistics (bench/desk_bench.py)
  7. the API under load over loopback HTTP: live `onewindow serve` processes, concurrent clients mixing
     submissions, inbox reads and task completions; requests/s and p50/p95 per kind beside a health-route
     floor over the same HTTP stack and a bare SELECT 1 (bench/load_bench.py)

This is a script, not a timed test: it reports, it does not fail on a MISS (exit status 0), but it exits
non-zero if a benchmark could not run.
"""
from __future__ import annotations

import argparse
import logging
import os
import platform
import signal
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))  # the engine, when run without the editable install

from common import Results, postgresql_available, prepare, temp_database  # noqa: E402

ALL = ("cases", "timers", "load", "inbox", "desk")  # the 1 M-row bulk load last: its disk write-back would disturb the others


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default=None,
                        help="database(s) to measure (default: both if PostgreSQL answers, else sqlite)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--cases", type=int, default=None, metavar="N",
                        help="cases submitted and concluded for figures 1, 2 and 5 (default 2000; quick 200)")
    parser.add_argument("--timers", type=int, default=None, metavar="N",
                        help="cases with a boundary timer for figure 4 (default 10000; quick 1000)")
    parser.add_argument("--inbox-open-share", type=float, default=0.40, metavar="F",
                        help="share of the inbox data set's cases still running (default 0.40; 1.0 makes every "
                             "case open, e.g. 100 k open cases for the workbench issue's bar)")
    parser.add_argument("--inbox-cases", type=int, default=None, metavar="N",
                        help="cases bulk-loaded for figure 3 (default 100000; quick 10000); tasks = 10 × cases")
    parser.add_argument("--timer-spread", type=float, default=None, metavar="SECONDS",
                        help="window over which the timers of figure 4 fall due (default 45; quick 20)")
    parser.add_argument("--only", default=",".join(ALL),
                        help=f"comma list of benchmark groups to run: {', '.join(ALL)} (default: all)")
    parser.add_argument("--profile", choices=("submit", "complete", "all"), default=None,
                        help="run cProfile around the submit and/or complete loops and print the hot spots")
    parser.add_argument("--load-seconds", type=float, default=None, metavar="S",
                        help="duration of the mixed API load of figure 7 (default 40; quick 10)")
    parser.add_argument("--load-clients", type=int, default=8, metavar="N",
                        help="concurrent HTTP clients of figure 7 (default 8)")
    parser.add_argument("--load-servers", type=int, default=2, metavar="N",
                        help="`onewindow serve` processes on PostgreSQL for figure 7 (default 2; SQLite: 1)")
    args = parser.parse_args(argv)
    args.only = [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = set(args.only) - set(ALL)
    if unknown:
        parser.error(f"unknown benchmark group(s): {', '.join(sorted(unknown))}")
    quick = args.quick
    args.cases = args.cases or (200 if quick else 2000)
    args.timers = args.timers or (1000 if quick else 10000)
    args.inbox_cases = args.inbox_cases or (10000 if quick else 100000)
    args.floor_commits = 500 if quick else 3000
    args.inbox_iterations = 100 if quick else 500
    args.timer_spread = args.timer_spread or (20.0 if quick else 45.0)
    args.load_seconds = args.load_seconds or (10.0 if quick else 40.0)
    return args


def _terminate(signum, _frame):
    # Turn SIGTERM / SIGHUP into an exception so every `finally` (dropping the temp databases) runs.
    print(f"\nstopped by signal {signum}; removing the temporary databases", file=sys.stderr, flush=True)
    raise SystemExit(128 + signum)


def machine_facts() -> dict[str, str]:
    import sqlite3

    import sqlalchemy
    from importlib.metadata import version

    memory = ""
    try:
        with open("/proc/meminfo") as fh:
            kib = int(fh.readline().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    return {"cpus": str(os.cpu_count()), "cpu": cpu, "memory": memory,
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "sqlalchemy": sqlalchemy.__version__, "spiffworkflow": version("SpiffWorkflow"),
            "kernel": platform.release()}


def _groups(args) -> dict:
    """Each group: (its prepare() keyword arguments, how to run it on a prepared database)."""
    import cases_bench
    import desk_bench
    import inbox_bench
    import load_bench
    import timer_bench

    inbox_bench.OPEN_SHARE = args.inbox_open_share

    return {
        "cases": ({}, lambda db, url, backend, results: cases_bench.run(
            db, backend, results, args.cases, args.floor_commits, args.profile)),
        "timers": ({"items": False, "users": False}, lambda db, url, backend, results: timer_bench.run(
            db, backend, results, args.timers, args.timer_spread)),
        "load": ({}, lambda db, url, backend, results: load_bench.run(
            db, url, backend, results, args.load_seconds, args.load_clients, args.load_servers)),
        "inbox": ({}, lambda db, url, backend, results: inbox_bench.run(
            db, backend, results, args.inbox_cases, args.inbox_iterations)),
        "desk": ({}, lambda db, url, backend, results: desk_bench.run(
            db, backend, results, args.inbox_cases, args.inbox_iterations)),
    }


def run_backend(backend: str, args, results: Results) -> list[str]:
    """Every benchmark group on one database kind (a fresh database each); returns the groups that failed."""
    failures = []
    print(f"\n=== {backend} ===", flush=True)
    groups = _groups(args)
    for name in ALL:
        if name not in args.only:
            continue
        _settle()
        options, measure = groups[name]
        try:
            with temp_database(backend, name) as url:
                db = prepare(url, **options)
                try:
                    _version(db, backend, results)
                    measure(db, url, backend, results)
                finally:
                    db.dispose()
        except Exception:
            traceback.print_exc()
            failures.append(f"{backend}: {name}")
    return failures


def _settle() -> None:
    """Let the previous group's disk writes drain, so they do not slow the next group's commits.

    The load average is printed because other work on a small machine moves every figure."""
    os.sync()
    time.sleep(2)
    one, five, _fifteen = os.getloadavg()
    print(f"  · load average before this group: {one:.2f} (1 min), {five:.2f} (5 min)", flush=True)


def _version(db, backend, results) -> None:
    from common import database_version

    if "version" not in results.facts.get(backend, {}):
        results.fact(backend, "version", database_version(db))


def main(argv=None) -> int:
    started = time.perf_counter()
    signal.signal(signal.SIGTERM, _terminate)
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:  # respect nohup
        signal.signal(signal.SIGHUP, _terminate)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)

    pg_ok, pg_info = postgresql_available()
    if args.db is None:
        backends = ["sqlite", "postgresql"] if pg_ok else ["sqlite"]
        if not pg_ok:
            print(f"PostgreSQL does not answer ({pg_info}): measuring SQLite only.")
    elif args.db == "both":
        backends = ["sqlite", "postgresql"]
    else:
        backends = [args.db]
    if "postgresql" in backends and not pg_ok:
        print(f"PostgreSQL was asked for but does not answer: {pg_info}", file=sys.stderr)
        return 2

    facts = machine_facts()
    print(f"OneWindow benchmarks — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {facts['cpus']} CPUs ({facts['cpu']}), {facts['memory']} RAM, Linux {facts['kernel']}")
    print(f"Python {facts['python']}, SQLite {facts['sqlite']}, SQLAlchemy {facts['sqlalchemy']}, "
          f"SpiffWorkflow {facts['spiffworkflow']}" + (f", PostgreSQL {pg_info}" if pg_ok else ""))
    print(f"sizes: {args.cases} cases (figures 1, 2, 5), {args.inbox_cases} cases / {args.inbox_cases * 10} tasks "
          f"({args.inbox_open_share:.0%} running; figures 3, 6), {args.timers} timers over {args.timer_spread:.0f} s (figure 4)"
          + ("  [--quick]" if args.quick else ""))

    results = Results()
    failures: list[str] = []
    try:
        for backend in backends:
            failures += run_backend(backend, args, results)
    except KeyboardInterrupt:
        print("\ninterrupted; temporary databases were removed", file=sys.stderr)
        return 130

    print("\n=== summary ===")
    for backend in backends:
        print(f"-- {backend} ({results.facts.get(backend, {}).get('version', '?')})")
        for figure in results.figures:
            if figure.backend == backend:
                print(figure.line())
    misses = [f for f in results.figures if f.ok is False]
    print(f"\n{len(results.figures)} figures, {sum(1 for f in results.figures if f.ok)} PASS, {len(misses)} MISS"
          + (f"; FAILED to run: {', '.join(failures)}" if failures else ""))
    print(f"total run time {time.perf_counter() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

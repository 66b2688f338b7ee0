"""Statistics of the desk: a month of cases driven through the engine (concluded early, late, refused, in
progress, overdue, waiting at the window, evaluated well and badly); every number of every table is
recomputed here from the case rows in plain Python and compared, and so are the cases behind each number
and the CSV, Excel and PDF exports against the page."""
import csv
import io
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select

from engine import calendar_store, cases, clock, deadlines, evaluation, statistics, timers
from engine.calendar import last_day
from engine.models import Case, Department, Evaluation, HumanTask
from engine.status import CONCLUDED, FINAL

from .helpers import application, drive, item_code
from .test_web_supervision import _as, _tagged
from .webpage import Page

MARCH = statistics.StatsFilter(date_from=datetime(2026, 3, 1).date(), date_to=datetime(2026, 3, 31).date())


def _at(day: int, month: int = 3, hour: int = 9):
    clock.travel_to(datetime(2026, month, day, hour, 0, tzinfo=clock.TZ))
    timers.fire_due(clock_db[0])


clock_db = [None]


def _submit(db, users, stem, who="haiyun"):
    code = item_code(db, stem)
    return cases.submit(db, code, application(db, code), users[who]).case_id


def _rate(db, users, case_id, who, level):
    comment = "窗口人员态度冷淡，材料退回三次。" if level <= 2 else ""
    evaluation.evaluate(db, case_id, users[who], evaluation.Rating(level, level, level, level, level, level, comment))


def _seed_month(db, users) -> dict:
    """Cases received in March 2026 (the business licence change has a one-working-day limit and concludes at
    the window (and one in April, outside the month); the clock ends on 6 April."""
    clock_db[0] = db
    made = {}
    _at(2)
    made["early"] = _submit(db, users, "construction_permit")
    drive(db, users, made["early"])
    _at(3)
    made["last_day"] = _submit(db, users, "business_license_change", "zhangsan")
    drive(db, users, made["last_day"])
    _at(4)
    made["refused"] = _submit(db, users, "real_estate_transfer")
    drive(db, users, made["refused"], {"pre_review": {"decision": "refuse", "opinion": "不属于本机关职权范围。"}})
    _at(5)
    made["in_progress"] = _submit(db, users, "env_impact_report")
    drive(db, users, made["in_progress"], max_steps=1)
    _at(9)
    made["late"] = _submit(db, users, "construction_permit")
    drive(db, users, made["late"], max_steps=1)
    _at(10)
    made["waiting"] = _submit(db, users, "business_license_change", "zhangsan")
    _at(12)
    made["overdue_open"] = _submit(db, users, "real_estate_transfer")
    drive(db, users, made["overdue_open"], max_steps=1)
    _at(30)  # the late case concludes weeks after its promised day
    drive(db, users, made["late"], {"escalation": {"action": "take_over", "decision": "agree", "opinion": "科长直接审查同意。"}})
    _at(1, 4)
    made["april"] = _submit(db, users, "business_license_change", "zhangsan")
    _at(6, 4, 10)
    _rate(db, users, made["early"], "haiyun", 5)
    _rate(db, users, made["last_day"], "zhangsan", 2)
    _rate(db, users, made["refused"], "haiyun", 4)
    _rate(db, users, made["late"], "haiyun", 3)
    return made


def _expected(session, user, dimension: str) -> dict:
    """Every metric by dimension value, from the case rows in plain Python (no SQL grouping)."""
    from engine.permissions import supervised_departments

    scope = supervised_departments(session, user)
    calendar = calendar_store.calendar_for(session)
    start = datetime(2026, 3, 1, tzinfo=clock.TZ)
    end = datetime(2026, 4, 1, tzinfo=clock.TZ)
    levels = dict(session.execute(select(Department.id, Department.level)).all())
    ratings = {e.case_id: e for e in session.scalars(select(Evaluation))}
    result = defaultdict(lambda: defaultdict(int))
    for case in session.scalars(select(Case)):
        if not start <= case.received_at < end or (scope is not None and case.department_id not in scope):
            continue
        reviews = sorted((t for t in session.scalars(select(HumanTask).where(HumanTask.case_id == case.id))
                          if t.case_step == "pre_review" and t.state == "done"), key=lambda t: (t.completed_at, t.id))
        clerk = reviews[-1].completed_by_id if reviews else None
        window = case.window or ("unrecorded" if case.channel == "window" else "online")
        key = {"department": case.department_id, "item": case.item_id, "clerk": clerk, "window": window,
               "level": levels[case.department_id], "month": case.received_at.astimezone(clock.TZ).strftime("%Y-%m")
               }[dimension]
        key = "none" if key is None else str(key)
        row = result[key]
        concluded = case.status in CONCLUDED
        due = case.promised_due_at
        row["received"] += 1
        row["accepted"] += case.accepted_at is not None
        row["refused"] += case.status in (4, 5)
        row["concluded"] += concluded
        row["in_progress"] += case.accepted_at is not None and case.status not in FINAL
        row["overdue"] += (concluded and due is not None and case.concluded_at > due) or (
            case.status not in FINAL and case.warning_level == "red")
        row["early"] += concluded and due is not None and case.concluded_at.astimezone(clock.TZ).date() < last_day(due)
        row["on_time"] += concluded and (due is None or case.concluded_at <= due)
        rating = ratings.get(case.id)
        row["evaluated"] += rating is not None
        row["bad_review"] += rating is not None and rating.is_bad
        row["rating_total"] += rating.level if rating is not None else 0
        if concluded and case.accepted_at is not None:
            row["workdays_total"] += deadlines.case_clock_of(session, case, calendar).used
            row["workdays_cases"] += 1
    return result


def _actual(table) -> dict:
    return {row.key: dict(row.counts, rating_total=row.rating_total, workdays_total=row.workdays_total,
                          workdays_cases=row.workdays_cases) for row in table.rows}


def test_every_statistics_number_equals_the_count_from_the_case_rows(db, users):
    made = _seed_month(db, users)
    supervisor = users["supervisor"]
    with db.read() as session:
        calendar = calendar_store.calendar_for(session)
        by_department = statistics.table(session, supervisor, MARCH, calendar)
        assert by_department.total.counts["received"] == 7  # the April case is not in March
        assert by_department.total.counts == {"received": 7, "accepted": 5, "refused": 1, "concluded": 3,
                                              "in_progress": 2, "overdue": 3, "early": 1, "on_time": 2,
                                              "evaluated": 4, "bad_review": 1}
        assert by_department.total.early_rate == round(100 * 1 / 3, 1)  # one concluded on its last day
        assert by_department.total.on_time_rate == round(100 * 2 / 3, 1)
        assert by_department.total.average_rating == round(14 / 4, 2)
        for dimension in statistics.DIMENSIONS:
            table = statistics.table(session, supervisor, statistics.StatsFilter(
                dimension=dimension, date_from=MARCH.date_from, date_to=MARCH.date_to), calendar)
            expected = _expected(session, supervisor, dimension)
            actual = _actual(table)
            assert set(actual) == set(expected), dimension
            for key, numbers in expected.items():
                assert {k: actual[key].get(k, 0) for k in numbers} == dict(numbers), (dimension, key)
            # Every number drills down to exactly the cases it counts.
            for row in table.rows:
                for metric in statistics.METRICS:
                    found = statistics.cases_behind(session, supervisor, table.filter, row.key, metric, page_size=500)
                    assert len(found.cases) == row.counts[metric], (dimension, row.key, metric)
        by_item = statistics.table(session, supervisor, statistics.StatsFilter(
            dimension="item", date_from=MARCH.date_from, date_to=MARCH.date_to), calendar)
        late_item = session.get(Case, made["late"]).item_id
        assert next(r for r in by_item.rows if r.key == str(late_item)).counts["overdue"] == 1


def test_a_township_supervisor_counts_nothing_of_the_county(db, users):
    from engine import accounts
    from engine.demo import DEMO_PASSWORD
    from engine.permissions import SUPERVISOR

    clock_db[0] = db
    _at(2)
    _submit(db, users, "construction_permit")
    with db.write() as session:
        township = accounts.create_user(session, "bj_sup", DEMO_PASSWORD, "白蕉监察", roles=(SUPERVISOR,),
                                        department="bj_center")
        session.expunge(township)
    with db.read() as session:
        calendar = calendar_store.calendar_for(session)
        assert statistics.table(session, users["supervisor"], MARCH, calendar).total.counts["received"] == 1
        assert statistics.table(session, township, MARCH, calendar).total.counts.get("received", 0) == 0
        assert statistics.table(session, users["clerk"], MARCH, calendar).total.counts.get("received", 0) == 0


def _page_table(page) -> list[list[str]]:
    table = page.find("stats-table")
    rows = []
    for tr in (e for e in table.iter() if e.tag == "tr"):
        rows.append([" ".join(c.text.split()) for c in tr.children if not isinstance(c, str) and c.tag in ("th", "td")])
    return rows


def _plain(value) -> str:
    """A cell as compared: empty is "—", a number by its value (Excel keeps 50.0 as 50)."""
    if value is None or value == "":
        return "—"
    try:
        return repr(float(value))
    except ValueError:
        return str(value)


def test_the_page_the_excel_and_csv_exports_and_the_pdf_report_agree(app, db, users, pdf_font):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    _seed_month(db, users)
    client = _as(app, "supervisor")
    page = Page(client.get("/supervision/statistics?month=2026-03&dimension=department"))
    shown = [[_plain(c) for c in row] for row in _page_table(page)]
    assert shown[-1][0] == "合计" and shown[-1][1] == "7.0"
    # Each number links to the cases behind it.
    link = next(e for e in page.all("data-testid", "stat-all-overdue")).iter().__next__()
    drill = Page(client.get(link.get("href")))
    assert len(drill.all("data-testid", "drill-case-")) == 3

    workbook = load_workbook(io.BytesIO(client.get("/supervision/statistics/export.xlsx?month=2026-03").data))
    sheet = [[_plain(c) for c in row] for row in workbook.active.iter_rows(values_only=True)]
    assert sheet == shown

    raw = client.get("/supervision/statistics/export.csv?month=2026-03").data
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = [[_plain(c) for c in row] for row in csv.reader(io.StringIO(raw.decode("utf-8-sig")))]
    assert rows == shown

    response = client.get("/supervision/statistics/report.pdf?month=2026-03")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "2026-03 效能监察月度报告" in text
    for department in (r[0] for r in shown[1:-1]):
        assert department in text
    assert "按受理人员" in text and "王窗口" in text

    # The charts' data matches the tables beside them.
    charts = client.get("/supervision/statistics/charts.json?month=2026-03").get_json()
    assert charts["trend"]["months"][-1] == "2026-03" and charts["trend"]["received"][-1] == 7
    assert sum(charts["items"]["overdue"]) == 3
    trend_row = next(e for e in page.all("data-testid", "trend-2026-03"))
    assert [c.text for c in trend_row.children if not isinstance(c, str)] == ["2026-03", "7", "3", "3"]

import io
from datetime import date

from openpyxl import Workbook, load_workbook

from courses.scheduling.models import ClassRun
from courses.scheduling.plan_files import read_plan_file
from courses.scheduling.queries import annual_plan
from courses.scheduling.services import cancel_run, import_plan


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_count(db) -> int:
    return db.session.execute(db.select(db.func.count(ClassRun.id))).scalar_one()


def test_plan_totals_by_month_and_category(make_category, make_course, make_run):
    fire = make_category("FIRE-P")
    course = make_course(category="FIRE-P")
    make_run(course, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 6), capacity=30)
    make_run(course, starts_on=date(2026, 3, 16), ends_on=date(2026, 3, 17), capacity=40)
    cancel_run(make_run(course, starts_on=date(2026, 4, 6), ends_on=date(2026, 4, 6), capacity=99))
    plan = annual_plan(2026)
    assert (plan.total.runs, plan.total.days, plan.total.seats) == (2, 7, 70)
    assert plan.cells[(3, fire.id)].runs == 2 and 4 not in plan.by_month


def test_export_then_import_round_trip(db, admin_client, make_course, make_run):
    course = make_course(code="RT-1")
    make_run(course, starts_on=date(2026, 5, 4), ends_on=date(2026, 5, 8), capacity=30)
    response = admin_client.get("/plan/2026.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert header[:2] == ["course_code", "year"] and row[0] == "RT-1" and row[3] == "RT-1-115-01"
    # The same file again clashes with the runs it came from: nothing is imported.
    report = import_plan(read_plan_file("plan.xlsx", response.data))
    assert not report.written and report.errors[0][0] == 2


def test_import_is_all_or_nothing_with_a_row_report(db, make_course):
    make_course(code="IMP-1")
    before = run_count(db)
    content = xlsx([
        ["課程代碼", "開課日期", "結訓日期", "每期人數", "報名截止"],
        ["IMP-1", "115/03/02", "115/03/06", 30, ""],
        ["IMP-1", "2026-04-06", "2026-04-01", 30, ""],
        ["NOPE", "2026-05-04", "2026-05-05", "many", ""],
        ["IMP-1", "2026-06-01", "2026-06-02", 30, "2026-06-05"],
    ])
    report = import_plan(read_plan_file("plan.xlsx", content))
    assert not report.written and report.created == []
    assert sorted({line for line, _f, _m in report.errors}) == [3, 4, 5]
    assert ("course_code" in {f for line, f, _m in report.errors if line == 4})
    assert run_count(db) == before


def test_import_csv_creates_every_run(db, make_course):
    make_course(code="IMP-2")
    content = ("course_code,year,starts_on,ends_on,capacity,route\n"
               "IMP-2,2026,2026-03-02,2026-03-03,30,planned\n"
               "IMP-2,2026,2026-09-07,2026-09-18,35,ad_hoc\n").encode("utf-8-sig")
    report = import_plan(read_plan_file("plan.csv", content))
    assert report.written and report.created == ["IMP-2-115-01", "IMP-2-115-02"]
    assert run_count(db) == 2


def test_import_page_shows_the_report(db, admin_client, make_course):
    make_course(code="IMP-3")
    content = "course_code,starts_on,ends_on,capacity\nIMP-3,2026-03-02,2026-03-01,30\n".encode()
    response = admin_client.post("/admin/plan/import", data={"file": (io.BytesIO(content), "plan.csv")},
                                 content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="import-report"' in html and "ends_on" in html
    response = admin_client.post("/admin/plan/import", data={"file": (io.BytesIO(b"x"), "plan.pdf")},
                                 content_type="multipart/form-data")
    assert response.status_code == 400 and run_count(db) == 0

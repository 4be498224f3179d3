"""Staff import from the HR system's CSV: upsert by staff number, every bad line reported, all or nothing."""
from click.testing import CliRunner

from lms.people import services
from lms.people.models import Employee

HEADER = "staff_no,national_id,name_zh,name_en,email,agency_code,job_title,grade,rank_class,is_supervisor,hire_date\n"
GOOD = (
    "P100001,E123456783,陳怡君,\"CHEN, YI-CHUN\",p100001@kcg.gov.tw,POL-LY,科員,5,委任,N,2015-08-01\n"
    "P100002,,林志豪,\"LIN, CHIH-HAO\",p100002@kcg.gov.tw,FIRE,科長,9,薦任,Y,104/03/16\n"
)


def run_import(text: str, partial: bool = False, encoding: str = "utf-8"):
    return services.import_staff(services.read_staff_csv(text.encode(encoding)), partial=partial)


def count(db):
    return db.session.execute(db.select(db.func.count(Employee.id))).scalar_one()


def test_good_file_creates_then_is_idempotent(db, city):
    report = run_import(HEADER + GOOD)
    assert (report.created, report.updated, report.rejected, report.written) == (2, 0, [], True)
    lin = db.session.execute(db.select(Employee).filter_by(staff_no="P100002")).scalar_one()
    assert lin.hire_date.isoformat() == "2015-03-16" and lin.is_supervisor and lin.rank_class == "junior"
    again = run_import(HEADER + GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = run_import(HEADER + GOOD.replace("科員", "專員"))
    assert (changed.updated, changed.unchanged) == (1, 1)
    assert count(db) == 2


def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_written(db, city):
    bad = (
        "P100003,E123456789,王小明,,p3@kcg.gov.tw,NOPE,科員,5,委任,N,2015-08-01\n"   # bad ID checksum, agency
        "P100004,,,,not-an-email,POL,科員,20,委任,maybe,2015-13-01\n"                  # many problems at once
        "P100001,,重複,,,POL,科員,5,委任,N,\n"                                          # repeated staff number
    )
    report = run_import(HEADER + GOOD + bad)
    assert not report.written
    assert count(db) == 0
    lines = {line: reason for line, _, reason in report.rejected}
    assert set(lines) == {4, 5, 6}
    assert "national ID" in lines[4] and "unknown agency code 'NOPE'" in lines[4]
    for fragment in ("Chinese name", "e-mail", "grade", "is_supervisor", "hire_date"):
        assert fragment in lines[5]
    assert "repeated (first on line 2)" in lines[6]


def test_partial_import_writes_good_rows(db, city):
    report = run_import(HEADER + GOOD + "P100005,,,,,POL,,,,,\n", partial=True)
    assert report.written and report.created == 2 and len(report.rejected) == 1
    assert count(db) == 2


def test_email_and_national_id_stay_unique(db, city, make_employee):
    make_employee(staff_no="OTHER1", email="p100001@kcg.gov.tw", national_id="A123456789")
    report = run_import(HEADER + GOOD.replace(",E123456783,", ",A123456789,"))
    reasons = report.rejected[0][2]
    assert "e-mail already belongs to staff number OTHER1" in reasons
    assert "national ID already belongs to staff number OTHER1" in reasons


def test_big5_file_with_chinese_headers(db, city):
    text = ("員工編號,姓名,機關代碼,職稱,官等\n"
            "P200001,黃淑芬,POL,人事室主任,薦任\n")
    report = run_import(text, encoding="cp950")
    assert report.created == 1
    assert db.session.execute(db.select(Employee.name_zh).filter_by(staff_no="P200001")).scalar_one() == "黃淑芬"


def test_missing_columns_are_refused(db, city):
    try:
        services.read_staff_csv(b"name,email\nx,y\n")
    except services.ValidationFailed as exc:
        assert "staff_no" in exc.errors[0][1] and "agency_code" in exc.errors[0][1]
    else:
        raise AssertionError("a file without staff numbers must be refused")


def test_cli_reports_rejected_lines_and_exit_code(app, db, city, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(HEADER + GOOD + "P100009,,,,,POL,,,,,\n", encoding="utf-8")
    def invoke(*args):
        with app.app_context():  # its own session, as a real command has; it may roll back
            return CliRunner().invoke(app.cli, ["lms", "import-staff", *args])

    result = invoke(str(path))
    assert result.exit_code == 1
    assert "line 4: P100009: Chinese name is required" in result.output
    assert "nothing written" in result.output
    assert count(db) == 0
    result = invoke("--partial", str(path))
    assert result.exit_code == 0 and "2 created" in result.output
    assert count(db) == 2

"""Every change to staff records: one employee at a time, or a whole CSV file from the HR system."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable

from email_validator import EmailNotValidError, validate_email

from lms.agencies.models import Agency
from lms.errors import ValidationFailed
from lms.extensions import db
from lms.people import crypto
from lms.people.demo_data import national_id_checksum_ok, normalise_national_id
from lms.people.models import CYBER_ROLES, RANK_CLASSES, Employee

STAFF_NO_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,20}$")
FIELDS = ("staff_no", "national_id", "name_zh", "name_en", "email", "agency_code", "job_title", "grade",
          "rank_class", "cyber_role", "is_supervisor", "is_active", "hire_date")
# The HR system exports Chinese headers; both spellings are accepted.
HEADER_ALIASES = {
    "員工編號": "staff_no", "身分證字號": "national_id", "姓名": "name_zh", "英文姓名": "name_en",
    "電子郵件": "email", "機關代碼": "agency_code", "職稱": "job_title", "職等": "grade", "官等": "rank_class",
    "資安角色": "cyber_role", "主管": "is_supervisor", "在職": "is_active", "到職日": "hire_date",
}
RANK_ALIASES = {"特任": "special", "簡任": "senior", "薦任": "junior", "委任": "elementary", "其他": "other"}
TRUE_WORDS = {"1", "y", "yes", "true", "是", "t"}
FALSE_WORDS = {"0", "n", "no", "false", "否", "f", ""}


@dataclass(frozen=True)
class EmployeeData:
    staff_no: str
    name_zh: str
    agency_code: str
    national_id: str = ""
    name_en: str = ""
    email: str = ""
    job_title: str = ""
    grade: int | None = None
    rank_class: str = "other"
    cyber_role: str = "general"
    is_supervisor: bool = False
    is_active: bool = True
    hire_date: date | None = None


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, staff number, reasons)
    written: bool = False

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged


def _parse_bool(raw: str, name: str, errors: list) -> bool:
    value = (raw or "").strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    errors.append((name, f"{name} must be Y or N, not {raw!r}"))
    return False


def _parse_date(raw: str, errors: list) -> date | None:
    value = (raw or "").strip()
    if not value:
        return None
    match = re.fullmatch(r"(\d{2,4})[-/.](\d{1,2})[-/.](\d{1,2})", value)
    if match:
        year, month, day = (int(g) for g in match.groups())
        year = year + 1911 if year < 1000 else year  # ROC years (民國) are written with 2-3 digits
        try:
            return date(year, month, day)
        except ValueError:
            pass
    errors.append(("hire_date", f"hire_date {value!r} is not a date (YYYY-MM-DD or ROC YYY/MM/DD)"))
    return None


def parse_row(raw: dict[str, str]) -> tuple[EmployeeData, list[tuple[str, str]]]:
    """Turn one CSV row into EmployeeData (defaults where a value is unreadable) and its format problems."""
    get = lambda key: (raw.get(key) or "").strip()  # noqa: E731
    errors: list[tuple[str, str]] = []
    grade = None
    if get("grade"):
        if get("grade").isdigit() and 1 <= int(get("grade")) <= 14:
            grade = int(get("grade"))
        else:
            errors.append(("grade", f"grade must be 1 to 14, not {get('grade')!r}"))
    rank = RANK_ALIASES.get(get("rank_class"), get("rank_class") or "other")
    if rank not in RANK_CLASSES:
        errors.append(("rank_class", f"unknown rank class {get('rank_class')!r}"))
    cyber = get("cyber_role") or "general"
    if cyber not in CYBER_ROLES:
        errors.append(("cyber_role", f"cyber_role must be one of {', '.join(CYBER_ROLES)}"))
    data = EmployeeData(
        staff_no=get("staff_no"), name_zh=get("name_zh"), agency_code=get("agency_code").upper(),
        national_id=normalise_national_id(get("national_id")) if get("national_id") else "",
        name_en=get("name_en"), email=get("email").lower(), job_title=get("job_title"), grade=grade,
        rank_class=rank, cyber_role=cyber,
        is_supervisor=_parse_bool(get("is_supervisor"), "is_supervisor", errors),
        is_active=_parse_bool(get("is_active") or "Y", "is_active", errors),
        hire_date=_parse_date(get("hire_date"), errors),
    )
    return data, errors


def check_employee(data: EmployeeData, agencies: dict[str, Agency]) -> list[tuple[str, str]]:
    errors = []
    if not STAFF_NO_PATTERN.match(data.staff_no):
        errors.append(("staff_no", "staff number missing or not letters/digits (max 20)"))
    if not data.name_zh:
        errors.append(("name_zh", "Chinese name is required"))
    if len(data.name_zh) > 60 or len(data.name_en) > 120 or len(data.job_title) > 60:
        errors.append(("name_zh", "a name or job title is too long"))
    if data.agency_code not in agencies:
        errors.append(("agency_code", f"unknown agency code {data.agency_code!r}"))
    if data.national_id and not national_id_checksum_ok(data.national_id):
        errors.append(("national_id", "national ID number is not valid (format or check digit)"))
    if data.email:
        try:
            validate_email(data.email, check_deliverability=False)
        except EmailNotValidError:
            errors.append(("email", f"{data.email!r} is not an e-mail address"))
    return errors


def _apply(employee: Employee, data: EmployeeData, agency: Agency) -> bool:
    """Copy data onto the row; True when anything changed (so re-imports report 'unchanged')."""
    values = {
        "name_zh": data.name_zh, "name_en": data.name_en, "email": data.email or None,
        "agency_id": agency.id, "job_title": data.job_title, "grade": data.grade,
        "rank_class": data.rank_class, "cyber_role": data.cyber_role, "is_supervisor": data.is_supervisor,
        "is_active": data.is_active, "hire_date": data.hire_date,
    }
    changed = False
    for key, value in values.items():
        if getattr(employee, key) != value:
            setattr(employee, key, value)
            changed = True
    if data.national_id and employee.national_id_digest != crypto.digest(data.national_id):
        employee.national_id = data.national_id
        changed = True
    if changed and employee.id is not None:
        employee.agency = agency
    return changed


def _uniqueness_errors(data: EmployeeData, existing: Employee | None) -> list[tuple[str, str]]:
    errors = []
    own_id = existing.id if existing else None
    if data.email:
        other = db.session.execute(db.select(Employee.id, Employee.staff_no)
                                   .where(db.func.lower(Employee.email) == data.email)).first()
        if other and other.id != own_id:
            errors.append(("email", f"e-mail already belongs to staff number {other.staff_no}"))
    if data.national_id:
        other = db.session.execute(db.select(Employee.id, Employee.staff_no)
                                   .filter_by(national_id_digest=crypto.digest(data.national_id))).first()
        if other and other.id != own_id:
            errors.append(("national_id", f"national ID already belongs to staff number {other.staff_no}"))
    return errors


def upsert_employee(data: EmployeeData, agencies: dict[str, Agency] | None = None) -> tuple[Employee, str]:
    """Create or update one employee by staff number. Returns (employee, 'created'|'updated'|'unchanged')."""
    if agencies is None:
        agencies = {a.code: a for a in db.session.execute(db.select(Agency)).scalars()}
    existing = db.session.execute(db.select(Employee).filter_by(staff_no=data.staff_no)).scalar_one_or_none()
    errors = check_employee(data, agencies) or _uniqueness_errors(data, existing)
    if errors:
        raise ValidationFailed(errors)
    employee = existing or Employee(staff_no=data.staff_no)
    changed = _apply(employee, data, agencies[data.agency_code])
    if existing is None:
        db.session.add(employee)
    db.session.flush()
    return employee, "created" if existing is None else ("updated" if changed else "unchanged")


def read_staff_csv(raw: bytes) -> list[tuple[int, dict[str, str]]]:
    """Rows of a staff CSV with their line numbers. UTF-8 (with or without BOM) or Big5, as HR exports."""
    for encoding in ("utf-8-sig", "cp950"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed([("file", "the file is neither UTF-8 nor Big5 text")])
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise ValidationFailed([("file", "the file is empty")])
    headers = [HEADER_ALIASES.get(h.strip(), h.strip()) for h in reader.fieldnames]
    missing = {"staff_no", "name_zh", "agency_code"} - set(headers)
    if missing:
        raise ValidationFailed([("file", f"missing column(s): {', '.join(sorted(missing))}")])
    reader.fieldnames = headers
    return [(reader.line_num, row) for row in reader]


def import_staff(rows: Iterable[tuple[int, dict[str, str]]], partial: bool = False,
                 progress: Callable[[int], None] | None = None) -> ImportReport:
    """Upsert staff by staff number, reporting every rejected line with its reasons.

    All or nothing by default: one bad row and nothing is written. With partial=True the good rows
    are written (still in one transaction) and the bad ones reported.
    """
    report = ImportReport()
    agencies = {a.code: a for a in db.session.execute(db.select(Agency)).scalars()}
    seen: dict[str, int] = {}
    savepoint = db.session.begin_nested()
    for line, raw in rows:
        data, errors = parse_row(raw)
        errors += check_employee(data, agencies)
        staff_no = data.staff_no
        if staff_no and staff_no in seen:
            errors.append(("staff_no", f"staff number repeated (first on line {seen[staff_no]})"))
        seen.setdefault(staff_no, line)
        if not errors:
            try:
                _, outcome = upsert_employee(data, agencies)
                setattr(report, outcome, getattr(report, outcome) + 1)
            except ValidationFailed as exc:
                errors = exc.errors
        if errors:
            report.rejected.append((line, staff_no, "; ".join(m for _, m in errors)))
        if progress:
            progress(1)
    if report.rejected and not partial:
        savepoint.rollback()
    else:
        savepoint.commit()
        report.written = True
    return report

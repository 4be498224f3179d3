"""Read side of staff data for pages, the API and reports: set-based and scoped."""
from __future__ import annotations

from dataclasses import dataclass

from lms.agencies.models import Agency
from lms.auth.permissions import Scope
from lms.extensions import db
from lms.people.models import Employee

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _scoped(stmt, scope: Scope):
    clause = scope.clause(Agency.path)
    return stmt if clause is None else stmt.where(clause)


def search_employees(scope: Scope, text: str = "", agency_code: str = "", page: int = 1,
                     include_inactive: bool = False, per_page: int = PAGE_SIZE) -> Page:
    stmt = db.select(Employee).join(Agency, Employee.agency_id == Agency.id)
    stmt = _scoped(stmt, scope)
    if not include_inactive:
        stmt = stmt.where(Employee.is_active.is_(True))
    if agency_code:
        under = db.session.execute(db.select(Agency.path).filter_by(code=agency_code)).scalar()
        stmt = stmt.where(db.false() if under is None else
                          db.or_(Agency.path == under, Agency.path.like(under + "/%")))
    if text:
        like = f"%{text.strip()}%"
        stmt = stmt.where(db.or_(Employee.staff_no.ilike(like), Employee.name_zh.like(like),
                                 Employee.name_en.ilike(like), Employee.email.ilike(like)))
    total = db.session.execute(db.select(db.func.count()).select_from(stmt.subquery())).scalar_one()
    page = max(1, page)
    items = db.session.execute(
        stmt.order_by(Agency.path, Employee.staff_no).limit(per_page).offset((page - 1) * per_page)
    ).scalars().all()
    return Page(list(items), total, page, per_page)


def search_from_args(scope: Scope, args, per_page: int = PAGE_SIZE) -> Page:
    """The staff search as the list page and the API read it from the query string."""
    return search_employees(scope, text=args.get("q", "")[:100], agency_code=args.get("agency", "")[:32],
                            page=args.get("page", 1, type=int), per_page=per_page)


def get_employee(employee_id: int) -> Employee | None:
    return db.session.get(Employee, employee_id)


def get_by_staff_no(staff_no: str) -> Employee | None:
    return db.session.execute(db.select(Employee).filter_by(staff_no=staff_no)).scalar_one_or_none()


def overview(scope: Scope) -> dict:
    """Head counts in the user's scope: staff, supervisors, agencies."""
    stmt = _scoped(
        db.select(db.func.count(Employee.id), db.func.count(db.distinct(Employee.agency_id)),
                  db.func.sum(db.case((Employee.is_supervisor.is_(True), 1), else_=0)))
        .join(Agency, Employee.agency_id == Agency.id).where(Employee.is_active.is_(True)),
        scope)
    staff, agencies, supervisors = db.session.execute(stmt).one()
    return {"staff": staff or 0, "agencies": agencies or 0, "supervisors": supervisors or 0}


def staff_counts_by_agency(scope: Scope) -> dict[int, int]:
    stmt = _scoped(
        db.select(Employee.agency_id, db.func.count(Employee.id))
        .join(Agency, Employee.agency_id == Agency.id).where(Employee.is_active.is_(True))
        .group_by(Employee.agency_id),
        scope)
    return dict(db.session.execute(stmt).all())

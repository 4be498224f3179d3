"""Demo data for the core: the agency tree, staff with Chinese names, one account per role.

Staff are inserted in batches with executemany, so 25,000 people take seconds and little memory.
Only the demo accounts get passwords (argon2 is deliberately slow).
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Callable

import sqlalchemy as sa

from lms.agencies.models import Agency
from lms.agencies.services import upsert_agency
from lms.auth.models import Role
from lms.auth.services import create_user
from lms.extensions import db
from lms.people import crypto
from lms.people.demo_data import AGENCIES, job_kind_for, make_job, make_national_id, make_person
from lms.people.models import Employee

DEMO_PASSWORD = "demo-password-2026"
BATCH = 2000

# (staff number, role, agency code, Chinese name, English name, job title, supervisor?)
DEMO_ACCOUNTS = (
    ("L0001", Role.LEARNER, "POL-LY", "王小明", "WANG, HSIAO-MING", "警員", False),
    ("I0001", Role.INSTRUCTOR, "PER-DEV", "林志豪", "LIN, CHIH-HAO", "講座", False),
    ("A0001", Role.TRAINING_ADMIN, "PER-DEV", "陳怡君", "CHEN, YI-CHUN", "專員", False),
    ("O0001", Role.AGENCY_OFFICER, "POL", "黃淑芬", "HUANG, SHU-FEN", "人事室主任", False),
    ("S0001", Role.SUPERVISOR, "POL-LY", "張家豪", "CHANG, CHIA-HAO", "分局長", True),
    ("X0001", Role.SYSADMIN, "INFO", "李建宏", "LI, CHIEN-HUNG", "資訊管理師", False),
)


def seed_agencies() -> dict[str, Agency]:
    by_code: dict[str, Agency] = {}
    for seed in AGENCIES:
        by_code[seed.code] = upsert_agency(seed.code, seed.name_zh, seed.name_en, seed.kind,
                                           by_code.get(seed.parent_code))
    return by_code


def _agency_for_demo(code: str, agencies: dict[str, Agency]) -> Agency:
    # Fall back to the first unit of the first-level agency if the tree has no such code.
    if code in agencies:
        return agencies[code]
    prefix = code.split("-")[0]
    return next((a for c, a in agencies.items() if c.startswith(prefix)), next(iter(agencies.values())))


def seed_demo_accounts(agencies: dict[str, Agency]) -> list[Employee]:
    employees = []
    for staff_no, role, code, name_zh, name_en, title, supervisor in DEMO_ACCOUNTS:
        agency = _agency_for_demo(code, agencies)
        employee = Employee(staff_no=staff_no, name_zh=name_zh, name_en=name_en, agency=agency,
                            email=f"{staff_no.lower()}@demo.kcg.gov.tw", job_title=title,
                            grade=9 if supervisor else 6, rank_class="junior", is_supervisor=supervisor,
                            hire_date=date(2015, 8, 1))
        employee.national_id = make_national_id(random.Random(staff_no), "M")
        db.session.add(employee)
        db.session.flush()
        roles = [] if role is Role.LEARNER else [(role, agency)]
        create_user(DEMO_PASSWORD, employee=employee, roles=roles)
        employees.append(employee)
    return employees


def seed_staff(count: int, agencies: dict[str, Agency], progress: Callable[[int], None] | None = None,
               seed: int = 2026) -> int:
    """Insert `count` generated staff spread over the tree (units get more people than agencies)."""
    rng = random.Random(seed)
    targets = [a for a in agencies.values() if a.kind != "city"]
    weights = [4 if a.kind == "unit" else 2 for a in targets]
    digest, encrypt = crypto.digest, crypto.encrypt
    used_ids: set[str] = set()
    inserted = 0
    while inserted < count:
        rows = []
        for n in range(inserted, min(count, inserted + BATCH)):
            agency = rng.choices(targets, weights)[0]
            person = make_person(rng)
            job = make_job(rng, job_kind_for(agency.code))
            national_id = make_national_id(rng, person.sex)
            while national_id in used_ids:
                national_id = make_national_id(rng, person.sex)
            used_ids.add(national_id)
            rows.append({
                "staff_no": f"K{n + 1:06d}", "name_zh": person.name_zh, "name_en": person.name_en,
                "email": f"k{n + 1:06d}@demo.kcg.gov.tw", "agency_id": agency.id,
                "job_title": job.title_zh, "grade": job.grade, "rank_class": job.rank_class,
                "cyber_role": "it" if agency.code.startswith("INFO") and rng.random() < 0.6 else "general",
                "is_supervisor": job.is_supervisor, "is_active": True,
                "hire_date": date(1990, 1, 1) + timedelta(days=rng.randrange(0, 12800)),
                "national_id_cipher": encrypt(national_id), "national_id_digest": digest(national_id),
            })
        db.session.execute(sa.insert(Employee), rows)
        inserted += len(rows)
        if progress:
            progress(len(rows))
    return inserted


def core_is_seeded() -> bool:
    return db.session.execute(db.select(Agency.id).limit(1)).first() is not None

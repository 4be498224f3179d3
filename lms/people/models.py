"""Employees: the civil servants the platform trains."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from lms.db import TimestampMixin
from lms.extensions import db
from lms.people import crypto

# 官等: 特任 / 簡任 / 薦任 / 委任, plus staff outside the rank system (technicians, contract staff).
RANK_CLASSES = ("special", "senior", "junior", "elementary", "other")
# 資通安全責任等級分級辦法: who owes which cybersecurity hours.
CYBER_ROLES = ("dedicated", "it", "general")


class Employee(TimestampMixin, db.Model):
    __tablename__ = "employees"

    id = sa.Column(sa.Integer, primary_key=True)
    staff_no = sa.Column(sa.String(20), nullable=False, unique=True)
    national_id_cipher = sa.Column(sa.Text, nullable=True)
    national_id_digest = sa.Column(sa.String(64), nullable=True, unique=True)
    name_zh = sa.Column(sa.String(60), nullable=False)
    name_en = sa.Column(sa.String(120), nullable=False, default="")
    email = sa.Column(sa.String(254), nullable=True, unique=True)
    agency_id = sa.Column(sa.Integer, sa.ForeignKey("agencies.id"), nullable=False, index=True)
    job_title = sa.Column(sa.String(60), nullable=False, default="")
    grade = sa.Column(sa.Integer, nullable=True)
    rank_class = sa.Column(sa.String(16), nullable=False, default="other")
    cyber_role = sa.Column(sa.String(16), nullable=False, default="general")
    is_supervisor = sa.Column(sa.Boolean, nullable=False, default=False)
    is_active = sa.Column(sa.Boolean, nullable=False, default=True)
    hire_date = sa.Column(sa.Date, nullable=True)

    agency = relationship("Agency", lazy="joined")

    def __repr__(self) -> str:
        return f"<Employee {self.staff_no}>"

    @property
    def national_id(self) -> str | None:
        return crypto.decrypt(self.national_id_cipher) if self.national_id_cipher else None

    @national_id.setter
    def national_id(self, value: str | None) -> None:
        if value:
            self.national_id_cipher = crypto.encrypt(value)
            self.national_id_digest = crypto.digest(value)
        else:
            self.national_id_cipher = self.national_id_digest = None

    @property
    def national_id_masked(self) -> str:
        return crypto.mask(self.national_id)

    def display_name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") and self.name_en else self.name_zh

"""The organisation tree. `path` (codes joined by '/') makes subtree queries one indexed LIKE."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from lms.db import TimestampMixin
from lms.extensions import db

AGENCY_KINDS = ("city", "agency", "district", "unit")
CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,30}$"


class Agency(TimestampMixin, db.Model):
    __tablename__ = "agencies"

    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(32), nullable=False, unique=True)
    name_zh = sa.Column(sa.String(120), nullable=False)
    name_en = sa.Column(sa.String(200), nullable=False, default="")
    kind = sa.Column(sa.String(16), nullable=False, default="unit")
    parent_id = sa.Column(sa.Integer, sa.ForeignKey("agencies.id"), nullable=True, index=True)
    path = sa.Column(sa.String(400), nullable=False, index=True)
    is_active = sa.Column(sa.Boolean, nullable=False, default=True)

    parent = relationship("Agency", remote_side=[id], backref="children")

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") and self.name_en else self.name_zh

    def is_within(self, ancestor_path: str) -> bool:
        return self.path == ancestor_path or self.path.startswith(ancestor_path + "/")


def subtree_clause(column, ancestor_path: str):
    """SQL condition: `column` (an Agency.path column) lies in the subtree rooted at ancestor_path."""
    return sa.or_(column == ancestor_path, column.like(ancestor_path + "/%"))

"""Read side of the agency tree."""
from __future__ import annotations

from lms.agencies.models import Agency, subtree_clause
from lms.extensions import db


def get_by_code(code: str) -> Agency | None:
    return db.session.execute(db.select(Agency).filter_by(code=code)).scalar_one_or_none()


def codes_to_agencies() -> dict[str, Agency]:
    return {a.code: a for a in db.session.execute(db.select(Agency)).scalars()}


def tree(paths: list[str] | None) -> list[Agency]:
    """Agencies in tree order; `paths` limits them to those subtrees (None = the whole city)."""
    stmt = db.select(Agency).order_by(Agency.path)
    if paths is not None:
        if not paths:
            return []
        stmt = stmt.where(db.or_(*(subtree_clause(Agency.path, p) for p in paths)))
    return list(db.session.execute(stmt).scalars())

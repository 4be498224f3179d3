"""Changes to the agency tree."""
from __future__ import annotations

import re

from lms.agencies.models import AGENCY_KINDS, CODE_PATTERN, Agency
from lms.errors import ValidationFailed
from lms.extensions import db


def upsert_agency(code: str, name_zh: str, name_en: str = "", kind: str = "unit",
                  parent: Agency | None = None) -> Agency:
    errors = []
    if not re.match(CODE_PATTERN, code or ""):
        errors.append(("code", f"invalid agency code {code!r}"))
    if not (name_zh or "").strip():
        errors.append(("name_zh", "a Chinese name is required"))
    if kind not in AGENCY_KINDS:
        errors.append(("kind", f"unknown kind {kind!r}"))
    if errors:
        raise ValidationFailed(errors)
    agency = db.session.execute(db.select(Agency).filter_by(code=code)).scalar_one_or_none()
    if agency is None:
        agency = Agency(code=code)
        db.session.add(agency)
    agency.name_zh, agency.name_en, agency.kind = name_zh.strip(), name_en.strip(), kind
    agency.parent = parent
    agency.path = f"{parent.path}/{code}" if parent is not None else code
    db.session.flush()
    return agency

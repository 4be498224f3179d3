"""Template globals: the current locale, role-based navigation, ROC dates."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Flask, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.auth.models import Role

TAIPEI = ZoneInfo("Asia/Taipei")

# (endpoint, label, roles that see it; empty = every signed-in user). Domains append their entries.
NAV_ITEMS: list[tuple[str, object, set[Role]]] = [
    ("core.home", _l("Home"), set()),
    ("people.list_employees", _l("Staff"),
     {Role.SUPERVISOR, Role.AGENCY_OFFICER, Role.TRAINING_ADMIN, Role.SYSADMIN}),
    ("people.list_agencies", _l("Agencies"),
     {Role.SUPERVISOR, Role.AGENCY_OFFICER, Role.TRAINING_ADMIN, Role.SYSADMIN}),
    ("notifications.list_notifications", _l("Notifications"), set()),
    ("notifications.outbox", _l("Outbox"), {Role.SYSADMIN, Role.TRAINING_ADMIN}),
    ("core.status", _l("System status"), {Role.SYSADMIN, Role.TRAINING_ADMIN}),
]


def add_nav_item(endpoint: str, label, roles: set[Role]) -> None:
    if all(item[0] != endpoint for item in NAV_ITEMS):
        NAV_ITEMS.append((endpoint, label, roles))


def nav_for_current_user() -> list[tuple[str, str]]:
    if not current_user.is_authenticated:
        return []
    roles = current_user.roles
    return [(url_for(endpoint), str(label)) for endpoint, label, wanted in NAV_ITEMS
            if not wanted or roles & wanted]


def roc_date(value) -> str:
    if value is None:
        return ""
    return f"{value.year - 1911:03d}/{value.month:02d}/{value.day:02d}"


def local_datetime(value) -> str:
    """Aware UTC datetimes shown in Taipei time (the platform's users are all in one time zone)."""
    if value is None:
        return ""
    return value.astimezone(TAIPEI).strftime("%Y-%m-%d %H:%M")


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(nav_for_current_user=nav_for_current_user,
                                 current_locale=lambda: str(get_locale() or "zh_Hant_TW"))
    app.jinja_env.filters["roc_date"] = roc_date
    app.jinja_env.filters["local_datetime"] = local_datetime

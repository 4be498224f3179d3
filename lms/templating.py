"""Template globals: the current locale, role-based navigation, ROC dates."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale, get_translations
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


def nav_for_current_user() -> tuple[tuple[str, str], ...]:
    """The menu for the signed-in user's roles, in their language. Built once per roles, language and
    mount point in each process (a dozen url_for and translations were 0.4 ms of every page)."""
    if not current_user.is_authenticated:
        return ()
    roles = frozenset(current_user.roles)
    built = current_app.extensions.setdefault("lms.nav", {})
    key = (roles, str(get_locale()), request.script_root)
    nav = built.get(key)
    if nav is None:
        nav = tuple((url_for(endpoint), str(label)) for endpoint, label, wanted in NAV_ITEMS
                    if not wanted or roles & wanted)
        built[key] = nav
    return nav


def template_translations():
    """The translations templates use, found with one lookup once known.

    Flask-Babel's own template functions look up its per-request namespace four times and spell out the
    locale's name again for each of a page's thirty-odd strings (about 38 us each). The key is the domain
    and locale in that namespace, so force_locale and refresh, which change or drop the locale, are followed.
    """
    found = _TRANSLATIONS.get(_babel_key())
    if found is None:
        found = get_translations()  # sets the namespace's domain and locale
        key = _babel_key()
        if None not in key:
            _TRANSLATIONS[key] = found
    return found


def _babel_key() -> tuple:
    context = g.get("_flask_babel") if g else None
    return getattr(context, "babel_domain", None), getattr(context, "babel_locale", None)


_TRANSLATIONS: dict = {}


def roc_date(value) -> str:
    if value is None:
        return ""
    return f"{value.year - 1911:03d}/{value.month:02d}/{value.day:02d}"


def local_datetime(value) -> str:
    """Aware UTC datetimes shown in Taipei time (the platform's users are all in one time zone)."""
    if value is None:
        return ""
    return value.astimezone(TAIPEI).strftime("%Y-%m-%d %H:%M")


def template_macros(name: str):
    """Template `name` as a module whose macros render with a request's full template context (context
    processors, `url_for`, translations): a page's parts rendered one by one, e.g. to cache them apart."""
    app = current_app._get_current_object()
    context: dict = {}
    app.update_template_context(context)
    return app.jinja_env.get_template(name).make_module(context)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: template_translations().ugettext(s),
        ngettext=lambda s, p, n: template_translations().ungettext(s, p, n),
        pgettext=lambda c, s: template_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: template_translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update(nav_for_current_user=nav_for_current_user,
                                 current_locale=lambda: str(get_locale() or "zh_Hant_TW"))
    app.jinja_env.filters["roc_date"] = roc_date
    app.jinja_env.filters["local_datetime"] = local_datetime

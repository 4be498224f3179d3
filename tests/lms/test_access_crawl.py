"""A crawl of every GET route, signed in as each demo role, on the seeded demo city.

1. No route answers 500, whatever id it is given (real ids of every table the parameter names, and an
   id that does not exist).
2. Scope: for every route that takes the id of a record tied to a person (a table with employee_id, or
   the employees table), a learner asking for someone else's record and a supervisor or agency officer
   asking for a record of someone outside their agency tree get 403 or 404, never the record.

Routes whose parameters cannot be filled from the database (tokens, free text) are listed, not hidden.
"""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import pytest
import sqlalchemy as sa
from werkzeug.routing import IntegerConverter

ROLES = {"L0001": "learner", "I0001": "instructor", "A0001": "admin", "O0001": "officer",
         "S0001": "supervisor", "X0001": "sysadmin"}
SKIP_ENDPOINTS = {"static", "auth.logout"}
MISSING_ID = 987654321
MISSING_CODE = "NO-SUCH-CODE"
# Parameter names the table-name guess cannot settle (several tables would fit).
INT_ARGUMENTS = {"run_id": "class_runs", "level_id": "track_levels"}
# `<code>` means a course or a track, by where the route lives.
CODE_TABLES = (("/api/v1/tracks/", "tracks"), ("/tracks/", "tracks"), ("/", "courses"))


def _sign_in(app, staff_no):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "identifier": staff_no,
                                            "password": "demo-password-2026"})
    assert response.status_code == 302, staff_no
    return client


def _table_for(argument: str, tables: dict[str, sa.Table]) -> sa.Table | None:
    if argument in INT_ARGUMENTS:
        return tables.get(INT_ARGUMENTS[argument])
    stem = argument.removesuffix("_id")
    names = (stem + "s", stem + "es", stem[:-1] + "ies" if stem.endswith("y") else stem + "s", stem)
    exact = [tables[n] for n in names if n in tables]
    if exact:
        return exact[0]
    suffixed = [t for n, t in tables.items() if any(n.endswith("_" + x) for x in names)]
    return suffixed[0] if len(suffixed) == 1 else None


def _owners(connection, table: sa.Table) -> dict[int, int]:
    """record id -> the employee it belongs to, for tables tied to a person."""
    if table.name == "employees":
        return {row.id: row.id for row in connection.execute(sa.select(table.c.id))}
    if "employee_id" in table.c and "id" in table.c:
        return {row.id: row.employee_id for row in connection.execute(
            sa.select(table.c.id, table.c.employee_id).where(table.c.employee_id.is_not(None)))}
    return {}


@pytest.fixture(scope="module")
def city(demo_app):
    from lms.extensions import db

    with demo_app.app_context():
        connection = db.session.connection()
        tables = {t.name: t for t in db.metadata.sorted_tables}
        agencies = {row.id: row.parent_id for row in connection.execute(
            sa.text("SELECT id, parent_id FROM agencies"))}
        employee_agency = {row.id: row.agency_id for row in connection.execute(
            sa.text("SELECT id, agency_id FROM employees"))}
        staff = {row.staff_no: (row.id, row.agency_id) for row in connection.execute(
            sa.text("SELECT id, staff_no, agency_id FROM employees WHERE staff_no IN :numbers")
            .bindparams(sa.bindparam("numbers", expanding=True)), {"numbers": list(ROLES)})}
        ids, owners, codes = {}, {}, {}
        for name, table in tables.items():
            if "code" in table.c:
                codes[name] = [r[0] for r in connection.execute(
                    sa.select(table.c.code).order_by(table.c.code).limit(2))]
            if "id" in table.c:
                ids[name] = [r[0] for r in connection.execute(sa.select(table.c.id).order_by(table.c.id).limit(3))]
                owners[name] = _owners(connection, table)
        db.session.remove()

    def subtree(root: int) -> set[int]:
        found, changed = {root}, True
        while changed:
            more = {a for a, parent in agencies.items() if parent in found} - found
            changed = bool(more)
            found |= more
        return found

    return {"tables": tables, "ids": ids, "codes": codes, "owners": owners, "staff": staff,
            "employee_agency": employee_agency, "subtree": subtree}


def _foreign_owner(role: str, staff_no: str, owner: int, city) -> bool:
    me, my_agency = city["staff"][staff_no]
    if role == "learner":
        return owner != me
    if role in {"supervisor", "officer"}:
        return city["employee_agency"].get(owner) not in city["subtree"](my_agency)
    return False


def _routes(app, city):
    """(rule, {argument: table or 'year'}) for every GET route; plus the ones that cannot be filled."""
    usable, unfillable = [], []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP_ENDPOINTS:
            continue
        mapping = {}
        for argument in rule.arguments:
            if argument in (rule.defaults or {}):
                continue
            # The app's own int converter (lms.core.args.BoundedIntConverter) is an IntegerConverter.
            is_int = isinstance(rule._converters[argument], IntegerConverter)
            if argument == "year":
                mapping[argument] = "year"
            elif argument == "code" and rule.rule.count("<") == 1:
                table = next(t for prefix, t in CODE_TABLES if prefix in rule.rule)
                mapping[argument] = ("code", table)
            elif is_int and (table := _table_for(argument, city["tables"])) is not None:
                mapping[argument] = table
            else:
                mapping = None
                break
        (usable if mapping is not None else unfillable).append((rule, mapping))
    return usable, unfillable


def test_every_get_route_as_every_role_has_no_server_error_and_no_scope_leak(demo_app, city):
    usable, unfillable = _routes(demo_app, city)
    tried, server_errors, leaks = 0, [], []
    statuses = defaultdict(int)
    for staff_no, role in ROLES.items():
        client = _sign_in(demo_app, staff_no)
        for rule, mapping in usable:
            candidates: list[tuple[dict, bool]] = []
            if not mapping:
                candidates.append(({}, False))
            else:
                table_args = {a: t for a, t in mapping.items() if isinstance(t, sa.Table)}
                base = {a: date.today().year for a, t in mapping.items() if t == "year"}
                for argument, (_, name) in ((a, t) for a, t in mapping.items() if isinstance(t, tuple)):
                    for code in city["codes"].get(name, []) + [MISSING_CODE]:
                        candidates.append(({**base, argument: code}, False))
                if not table_args and not any(isinstance(t, tuple) for t in mapping.values()):
                    candidates.append((base, False))
                for argument, table in table_args.items():
                    others = {a: (city["ids"].get(t.name) or [MISSING_ID])[0] for a, t in table_args.items()}
                    for record_id in city["ids"].get(table.name, [])[:2] + [MISSING_ID]:
                        candidates.append(({**base, **others, argument: record_id}, False))
                    foreign = [rid for rid, owner in city["owners"].get(table.name, {}).items()
                               if _foreign_owner(role, staff_no, owner, city)]
                    if foreign and len(table_args) == 1:
                        candidates.append(({**base, argument: foreign[0]}, True))
            for values, must_be_refused in candidates:
                url = rule.build(values, append_unknown=False)[1]
                response = client.get(url)
                tried += 1
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    server_errors.append(f"{role} GET {url} -> {response.status_code}")
                elif must_be_refused and response.status_code not in (403, 404):
                    leaks.append(f"{role} GET {url} -> {response.status_code} (someone else's record)")
    print(f"\ncrawl: {len(usable)} GET routes, {tried} requests as {len(ROLES)} roles, "
          f"statuses {dict(sorted(statuses.items()))}; {len(unfillable)} routes with parameters the crawl "
          f"cannot fill: {sorted(r.rule for r, _ in unfillable)}")
    assert server_errors == [], server_errors
    assert leaks == [], leaks
    # The crawl must reach nearly every route: a route it cannot fill is tried by nobody. The
    # remaining ones take strings (export names, file kinds, tokens, paths) or two related ids.
    assert len(unfillable) <= 10, sorted(r.rule for r, _ in unfillable)
    assert tried > 1000

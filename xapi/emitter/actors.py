"""Who statements are about and who vouches for them: employees as xAPI agents, the platform as authority.

An employee is identified by an account on the platform (homePage = BASE_URL, name = staff
number) unless XAPI_ACTOR_IFI selects mbox or mbox_sha1sum. The national ID never goes into a
statement: it is personal data kept encrypted in the personnel record only.
"""
from __future__ import annotations

import hashlib

from flask import current_app

ACTOR_IFIS = ("account", "mbox", "mbox_sha1sum")


def employee_agent(employee) -> dict:
    ifi = current_app.config.get("XAPI_ACTOR_IFI", "account")
    if ifi in ("mbox", "mbox_sha1sum") and employee.email:
        mbox = f"mailto:{employee.email.lower()}"
        if ifi == "mbox":
            return {"objectType": "Agent", "mbox": mbox}
        return {"objectType": "Agent", "mbox_sha1sum": hashlib.sha1(mbox.encode()).hexdigest()}
    return {"objectType": "Agent", "account": {"homePage": current_app.config["BASE_URL"], "name": employee.staff_no}}


def platform_authority() -> dict:
    return {"objectType": "Agent", "name": "LMS",
            "account": {"homePage": current_app.config["BASE_URL"], "name": "lms-platform"}}

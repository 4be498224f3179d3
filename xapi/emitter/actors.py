"""Who statements are about and who vouches for them: employees as xAPI agents, the platform as authority.

An employee is identified by an account on the platform (homePage = BASE_URL, name = staff
number) unless XAPI_ACTOR_IFI selects mbox or mbox_sha1sum. The national ID never goes into a
statement: it is personal data kept encrypted in the personnel record only.
"""
from __future__ import annotations

import hashlib

from flask import current_app

ACTOR_IFIS = ("account", "mbox", "mbox_sha1sum")


def employee_agents(employee) -> dict[str, dict]:
    """The agent of the employee under each identifier the emitter can use (ACTOR_IFIS)."""
    agents = {"account": {"objectType": "Agent",
                          "account": {"homePage": current_app.config["BASE_URL"], "name": employee.staff_no}}}
    if employee.email:
        mbox = f"mailto:{employee.email.lower()}"
        agents["mbox"] = {"objectType": "Agent", "mbox": mbox}
        agents["mbox_sha1sum"] = {"objectType": "Agent", "mbox_sha1sum": hashlib.sha1(mbox.encode()).hexdigest()}
    return agents


def employee_agent(employee) -> dict:
    agents = employee_agents(employee)
    return agents.get(current_app.config.get("XAPI_ACTOR_IFI", "account"), agents["account"])


def directory_agents(agent: dict) -> list[dict]:
    """Every agent form of the employee an account agent on this platform names (none otherwise):
    the platform's staff directory is the outside source the Agents resource merges."""
    account = agent.get("account")
    if not isinstance(account, dict) or account.get("homePage") != current_app.config["BASE_URL"]:
        return []
    from lms.people.queries import get_by_staff_no

    employee = get_by_staff_no(account.get("name", ""))
    return list(employee_agents(employee).values()) if employee is not None else []


def platform_authority() -> dict:
    return {"objectType": "Agent", "name": "LMS",
            "account": {"homePage": current_app.config["BASE_URL"], "name": "lms-platform"}}

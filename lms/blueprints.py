"""The one list of every blueprint. Only here (and in the CLI) does the core reach the domains."""
from __future__ import annotations

import importlib

from flask import Flask

BLUEPRINT_MODULES = (
    "lms.core.views",
    "lms.auth.views",
    "lms.people.views",
    "lms.people.api",
    "lms.openapi.views",
    "lms.notifications.views",
    "courses.catalogue.views",
    "courses.scheduling.views",
    "courses.catalogue.api",
    "courses.scheduling.api",
    "courses.enrollment.views",
    "courses.attendance.views",
    "courses.evaluation.views",
    "xapi.lrs.views",
    "lms.personnel.views",
    "lms.personnel.api",
    "xapi.lrs.admin",
    "courses.subsidies.views",
    "courses.subsidies.api",
    "courses.reports.views",
    "courses.reports.api",
    "courses.online.views",
    "courses.online.api",
    "courses.tracks.views",
    "courses.tracks.api",
)


def register_blueprints(app: Flask) -> None:
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(importlib.import_module(name).bp)

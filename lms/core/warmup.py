"""What a new web process would otherwise do on its first requests, done before it serves any.

A fresh gunicorn worker (at start, after a deploy, and each time max_requests recycles one) used to
compile every template, load each language's translations and configure the mappers on whichever
requests came first: those took several times as long as the same pages a minute later. In
bench/load.py three quarters of the catalogue and course requests over 50 ms fell in the first five
seconds. With `preload_app` (deploy/gunicorn.conf.py) the master does this once and forks its
workers warm; without it each worker does it while booting, before it accepts a connection.
"""
from __future__ import annotations

from flask import Flask

TEMPLATE_SUFFIXES = (".html", ".txt", ".ics", ".xml")


def warm_up(app: Flask) -> int:
    """Compile the templates, load the translations, configure the mappers; return how many
    templates were compiled. Opens no database connection."""
    from flask_babel import force_locale, get_translations
    from sqlalchemy.orm import configure_mappers

    from lms import LOCALES

    configure_mappers()
    env = app.jinja_env
    names = env.list_templates(filter_func=lambda name: name.endswith(TEMPLATE_SUFFIXES))
    for name in names:
        env.get_template(name)
    with app.test_request_context():
        for locale in LOCALES:
            with force_locale(locale):
                get_translations()
    return len(names)

"""WSGI entry point: gunicorn wsgi:app (deploy/gunicorn.conf.py preloads it in the master)."""
from lms import create_app
from lms.core.warmup import warm_up

app = create_app()
warm_up(app)

"""gunicorn settings for the web tier: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`."""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Sync workers (one request at a time each, behind nginx, which buffers slow clients): a worker takes a
# connection only when it is idle, so the load spreads evenly. With threads (gthread) a worker also takes
# connections while busy and keeps them alive: in one bench/load.py run two of five workers served 2,072 and
# 2,039 requests and two served 232; sync workers served 1,208-1,279 each. (The p95 difference was within
# this 2-core machine's run-to-run noise.) GUNICORN_THREADS above 1 switches to gthread.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = 60
graceful_timeout = 30
# Recycle a worker now and then, in case something in it grows. Rarely: a worker's memory does not grow with
# requests (bench/load.py: 125-135 MB each, a fresh one and one that served 2,000 pages alike), and each
# recycle starts a cold process (new database connections) whose first pages, and its neighbours', are
# slower: at 2,000 it was a recycle every ~20 s across 5 workers at 100 requests/s, 30-60 slow pages each.
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"              # the app logs each request with its request id; gunicorn's line adds the client
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Import the app (and compile its templates, lms.core.warmup) once in the master: workers are
# forked warm, also when max_requests replaces one, and share that memory until they write to it.
preload_app = True


def when_ready(server):
    """After the preload, before the first fork: serve the busiest pages once (lms.core.warmup: their
    queries are compiled then, not on each new worker's first requests), then move the app's ~200,000
    objects (modules, templates, mappers) out of the garbage collector's reach. A full collection in a
    worker then walks only what requests left behind instead of pausing every request of that worker for a
    walk over all of them (about 100 ms here), and the collector no longer writes to the pages the workers
    share with the master."""
    import gc

    from lms.core.warmup import warm_up_pages
    from wsgi import app

    served = warm_up_pages(app)
    pages = ", ".join(f"{path} {status}" for path, status in served.items())
    server.log.info("warm-up: served %s", pages or "no page")
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    """A worker must not share the master's database connections (the master opens none, but a
    pool inherited across a fork is never safe to use): drop them without closing the sockets."""
    from lms.extensions import db
    from wsgi import app

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)

"""How the portal is served in production: ``gunicorn wsgi:app`` reads this file from the project folder.

Every setting can be changed on the command line; bench/load_test.py runs with this file.
"""
import ctypes
import ctypes.util
import os

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "3"))
threads = int(os.environ.get("WEB_THREADS", "8"))
worker_class = "gthread"
# Longer than a person's pause between pages (the load test pauses up to 15 s), so an idle
# kept-alive connection is not closed just as the browser reuses it: a reset the client sees as an
# error (the load test of 2026-11-26 met one with 10 s). 75 s is what nginx keeps by default.
keepalive = 75

M_ARENA_MAX = -8  # from glibc's malloc.h


def _cap_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives busy threads arenas of their own, up to eight per core, and keeps what they grew.

    Under the load test each 8-thread worker grew from 220 to about 400 MB that way (docs/load-test.md).
    Set here, in the master, the workers it forks inherit it; MALLOC_ARENA_MAX in the
    environment does the same and wins if set.
    """
    if os.environ.get("MALLOC_ARENA_MAX"):
        return
    name = ctypes.util.find_library("c")
    if not name:
        return  # not glibc (musl, macOS): nothing to cap
    libc = ctypes.CDLL(name)
    if hasattr(libc, "mallopt"):
        libc.mallopt(M_ARENA_MAX, arenas)


_cap_malloc_arenas()


# ------------------------------------------------------------------ operations (docs/deploy.md)

# Each web worker process writes its metrics to PROMETHEUS_MULTIPROC_DIR; a worker that exits
# leaves its files, and its live gauges must stop counting.
def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# LOG_FORMAT=json: gunicorn's own lines (its errors and the access log) as JSON too, like the app's.
if os.environ.get("LOG_FORMAT") == "json":
    accesslog = "-"
    access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({x-request-id}o)s"'
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "portal.operations.logs.json_formatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": "INFO"},  # the app's own records too (portal/operations/logs.py)
        "loggers": {
            "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }

"""gunicorn settings for the hall's backend on Linux (docs/deploy.md).

    gunicorn -c deploy/gunicorn.conf.py

Several worker processes, each with a few threads: a tap spends most of its time waiting on the
database, so threads keep a worker busy while one request waits, and the processes use every
core (one interpreter lock each). All state a request leaves behind is in the database or in the
signed session cookie, so any worker may answer any request (docs/deploy.md lists what).

Every figure can be changed from the environment file without editing this one.
"""

import os

wsgi_app = "backend.wsgi:app"
bind = [os.environ.get("HALL_BIND", "127.0.0.1:5000")]
workers = int(os.environ.get("HALL_WORKERS", str(os.cpu_count() or 2)))
worker_class = "gthread"
threads = int(os.environ.get("HALL_THREADS", "8"))
# A request's worst case is a large page or a PDF; long exports run in a child process of their
# own (docs/transactions.md), so no request should hold a worker this long.
timeout = int(os.environ.get("HALL_WORKER_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# The backend writes its own access lines, which name no one (docs/security.md); gunicorn's
# would carry query strings. Errors and gunicorn's own notices go to standard error (journald).
accesslog = None
errorlog = "-"
loglevel = "info"
# Forwarded addresses and HTTPS are believed by the app alone, per HALL_TRUSTED_PROXIES
# (docs/security.md); gunicorn trusting them too would be a second, unconfigured rule.
forwarded_allow_ips = ""
# No control socket: its default path is shared by every gunicorn of the same user.
control_socket_disable = True
proc_name = "hall-backend"

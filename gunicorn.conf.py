"""gunicorn's settings for civicdata in production (`make serve`, `make bench`).

gunicorn reads this file by itself when started from the project's folder
(`gunicorn civicdata.wsgi`). Each value can be changed by an environment variable, so a
deployment tunes it without editing code:

| Variable | Default |
| --- | --- |
| `GUNICORN_BIND` | `127.0.0.1:8000` (behind a reverse proxy; never every interface by default) |
| `WEB_CONCURRENCY` | worker processes: 2 per CPU core plus 1 |
| `GUNICORN_THREADS` | threads per worker: 2 |
| `GUNICORN_TIMEOUT` | 30 seconds before a silent worker is killed and replaced |
| `GUNICORN_MAX_REQUESTS` | 5000 requests before a worker is replaced (0: never) |
| `GUNICORN_MAX_REQUESTS_JITTER` | up to 500 more, so workers are not all replaced at once |
| `GUNICORN_ACCESS_LOG` | `-` (standard output); a file path; empty to log no requests |
"""

import os


def _int_from_env(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# Rendering a page is Python work, so processes (not threads) are what use the cores. The extra
# worker and the second thread keep a core busy while another request waits on the database.
workers = _int_from_env("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
threads = _int_from_env("GUNICORN_THREADS", 2)
worker_class = "gthread"  # keep-alive connections, unlike the sync worker

timeout = _int_from_env("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5

# Replacing a worker now and then bounds the memory any slow leak could take.
max_requests = _int_from_env("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int_from_env("GUNICORN_MAX_REQUESTS_JITTER", 500)

# The application is loaded once, before the workers are forked: they share its memory, and a
# replaced worker is ready at once. (Reload code by restarting, not with HUP.)
preload_app = True

# The access log keeps no reader's address, user agent, referrer or query string (which holds
# what they searched for): time, method, path, status, bytes sent and duration in milliseconds
# are enough to see load and errors, and nothing in it identifies a reader.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"

# Recent gunicorn opens a control socket (for gunicornc) at one path per user, which a second
# instance on the same machine (another port) would fight over; nothing here uses it.
control_socket_disable = True

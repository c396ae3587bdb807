"""gunicorn for motcua: `gunicorn -c deploy/gunicorn.conf.py motcua.wsgi:application`.

Every value can be changed from the environment (motcua.env): GUNICORN_BIND, GUNICORN_WORKERS,
GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_ACCESS_LOG.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "unix:/run/motcua/gunicorn.sock")
# Synchronous workers: 2 per core + 1, the usual figure for an app that waits on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (a slow leak never grows for ever).
max_requests = 2000
max_requests_jitter = 200
# nginx on this machine (or the Unix socket) is the only proxy whose X-Forwarded-Proto is believed.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Path without the query string (the tracking page's proof is in it), the request id, the bytes
# sent by this process (0 for a document handed to nginx by X-Accel-Redirect).
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}i)s'


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR, forget the metrics files of a worker that exited."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

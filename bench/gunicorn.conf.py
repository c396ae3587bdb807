"""gunicorn settings for the HTTP benchmarks (bench/bench_tracking.py) and a small production node.

Sync workers: for database-bound views they beat threaded workers on this 2-core machine
(docs/PERFORMANCE.md). Each worker keeps its database connection open (CONN_MAX_AGE).
"""
import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
backlog = 2048
timeout = 30
accesslog = None
errorlog = "-"
loglevel = "warning"

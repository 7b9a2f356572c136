"""gunicorn settings for Reachback: `gunicorn -c docs/deploy/gunicorn.conf.py wsgi:app`.

Sized for a 2-core machine; every value can be overridden on the command line.
"""
import os

# Behind the reverse proxy, on loopback only: the proxy terminates HTTPS.
bind = os.environ.get("REACHBACK_BIND", "127.0.0.1:8000")
# Two synchronous workers per core is plenty: pages are small and answer in milliseconds;
# a slow satellite client is buffered by the proxy, never by a worker.
workers = int(os.environ.get("REACHBACK_WORKERS", "2"))
worker_class = "sync"
# A worker busy longer than this is stuck: kill it and start another (uploads are read by
# the proxy first, and text extraction runs in a bounded subprocess).
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (jitter avoids restarting both at once): memory stays flat.
max_requests = 5000
max_requests_jitter = 500
# Only the proxy talks to gunicorn; it sets X-Forwarded-For/-Proto (REACHBACK_TRUSTED_PROXIES=1).
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
errorlog = "-"
# Request lines only: query strings may hold search terms, never log bodies or cookies.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'

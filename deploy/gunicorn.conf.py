"""gunicorn settings for Daiban (`gunicorn -c deploy/gunicorn.conf.py daiban.wsgi`).

Sync workers: every request is short and waits on the database; slow clients on village
phone lines are nginx's to buffer (deploy/nginx/daiban.conf), not the workers'.
Every value can be changed from the environment (GUNICORN_CMD_ARGS, or the variables
below) without editing this file.
"""

import multiprocessing
import os

bind = os.environ.get("DAIBAN_BIND", "127.0.0.1:8000")
# 2 per core plus one, at most 9: each holds one database connection.
workers = int(os.environ.get("DAIBAN_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
worker_class = "sync"
timeout = int(os.environ.get("DAIBAN_WEB_TIMEOUT", "60"))  # the effectiveness report PDF
graceful_timeout = 30
keepalive = 5
# Replace each worker now and then: a slow leak never reaches the machine's memory.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# Only nginx on this machine may say the request came over HTTPS.
forwarded_allow_ips = os.environ.get("DAIBAN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("DAIBAN_ACCESS_LOG", "-")
# The query string is left out: a tracking code or a search must not reach a log.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
proc_name = "daiban-web"
# gunicorn's control socket would live in the service user's home; systemd and signals
# (HUP to reload, TERM to stop) are the controls here.
control_socket_disable = True

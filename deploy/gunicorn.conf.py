"""Gunicorn settings for production: threaded workers, since each live call holds a WebSocket."""

import os

wsgi_app = "voice.app:create_app()"
bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '5000')}")
# Each worker loads each language's Vosk model once (~100-300 MB for English) and shares it
# across its threads; size workers by memory, threads by concurrent calls.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("THREADS", "32"))  # concurrent media streams per worker
timeout = 60
graceful_timeout = 30
keepalive = 75  # behind a load balancer with a 60 s idle timeout
# Behind a balancer (deploy/haproxy.cfg): trust its X-Forwarded-Proto, and nobody else's: its
# address, as compose.yaml sets it (recent gunicorn also takes networks, e.g. 10.0.0.0/8).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The balancer opens each connection with a PROXY line naming the caller's address (haproxy's
# send-proxy), so REMOTE_ADDR is the caller's, not the balancer's: per-address login limits
# count callers. Accepted only from PROXY_ALLOW_IPS; plain requests still work with it on.
proxy_protocol = os.environ.get("PROXY_PROTOCOL", "false").lower() in ("1", "true", "yes", "on")
proxy_allow_ips = os.environ.get("PROXY_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"

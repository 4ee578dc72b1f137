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
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"

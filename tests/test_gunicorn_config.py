"""gunicorn.conf.py: the production server's settings, as gunicorn itself reads them."""

import datetime
import os
import runpy
from types import SimpleNamespace

from django.conf import settings
from gunicorn.config import Config
from gunicorn.glogging import Logger

CONFIG = settings.BASE_DIR / "gunicorn.conf.py"


def gunicorn_config(monkeypatch, **env):
    """The Config gunicorn builds from the file, with these environment variables."""
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(CONFIG)).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_access_log_keeps_no_reader_address_agent_or_search_words(monkeypatch, tmp_path):
    log = tmp_path / "access.log"
    logger = Logger(gunicorn_config(monkeypatch, GUNICORN_ACCESS_LOG=str(log)))
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/search/?q=domestic+violence",
        "PATH_INFO": "/search/",
        "QUERY_STRING": "q=domestic+violence",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_X_FORWARDED_FOR": "198.51.100.9",
        "HTTP_USER_AGENT": "Mozilla/5.0 (Reader's phone)",
        "HTTP_REFERER": "https://example.org/shared-by-a-friend",
    }
    request = SimpleNamespace(
        headers=[("X-FORWARDED-FOR", "198.51.100.9"), ("USER-AGENT", "Mozilla/5.0")]
    )
    response = SimpleNamespace(status="200 OK", sent=5120, headers=[])

    logger.access(response, request, environ, datetime.timedelta(milliseconds=42))

    line = log.read_text()
    assert '"GET /search/" 200 5120 42ms' in line
    for private in ("203.0.113.7", "198.51.100.9", "Mozilla", "example.org", "violence"):
        assert private not in line


def test_workers_follow_the_machine_unless_the_environment_says(monkeypatch):
    assert gunicorn_config(monkeypatch).workers == 2 * os.cpu_count() + 1
    assert gunicorn_config(monkeypatch, WEB_CONCURRENCY="3", GUNICORN_THREADS="4").workers == 3
    assert gunicorn_config(monkeypatch, GUNICORN_THREADS="4").threads == 4


def test_server_listens_on_the_loopback_unless_told_otherwise(monkeypatch):
    assert gunicorn_config(monkeypatch).bind == ["127.0.0.1:8000"]
    assert gunicorn_config(monkeypatch, GUNICORN_BIND="127.0.0.1:8821").bind == ["127.0.0.1:8821"]

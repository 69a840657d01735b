"""Two web instances sharing one database and one real Redis: what is published through one is
what readers get from the other, at once (README: Several instances).

Starts Debian's redis-server on 127.0.0.1:6391 and two gunicorn instances on 127.0.0.1:8811 and
8812 (two workers each), on a copy of the test database (a file for SQLite, a database on the
same server for PostgreSQL) with the production settings module.
"""

import http.cookiejar
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import redis
from django.conf import settings
from django.db import connection

REDIS_PORT = 6391
WRITER = "http://127.0.0.1:8811"
READER = "http://127.0.0.1:8812"
DRAFT_SLUG = "written-on-one-instance"
PASSWORD = "a-long-test-password-for-two-instances"

DRAFT = """\
---
title: Written on one instance
date: 2024-03-01
draft: true
---

The first words of the essay, {words}.

##### A heading

More text.
"""


def _shared_database(tmp_path, django_db_blocker):
    """A database the instances can share (a copy of the migrated test database on SQLite, a new
    one on PostgreSQL), and how to drop it."""
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            path = tmp_path / "shared.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(path) as target:
                connection.connection.backup(target)
            return f"sqlite:///{path}", lambda: None
        name = f"{connection.settings_dict['NAME']}_two_instances"
        # An empty database, migrated by the caller: copying the test database as a template
        # fails while any other thread of the test run (a live server) is connected to it.
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        db = connection.settings_dict
        user = urllib.parse.quote(db["USER"] or "")
        password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
        url = f"postgres://{user}{password}@{db['HOST']}:{db['PORT']}/{name}"

    def drop():
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


def _wait_for(check, what, seconds=15):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except (OSError, redis.RedisError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not start within {seconds} seconds")
        time.sleep(0.05)


def _stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def instances(tmp_path, transactional_db, django_db_blocker):
    """Redis, the shared database with the demo content and a draft, and two instances."""
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        pytest.fail(
            "redis-server is not installed: this test runs a real Redis. Install Debian's "
            "redis-server (`make service-deps` does it as root)."
        )
    started = []
    database_url, drop_database = _shared_database(tmp_path, django_db_blocker)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civicdata.settings",
        "DATABASE_URL": database_url,
        "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "DEBUG": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    try:
        manage(env, "migrate", "--noinput")
        started.append(
            subprocess.Popen(
                [redis_server, "--port", str(REDIS_PORT), "--bind", "127.0.0.1"]
                + ["--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                stdout=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        store = redis.Redis(port=REDIS_PORT)
        _wait_for(store.ping, "redis-server")
        config = tmp_path / "gunicorn.conf.py"
        config.write_text("")  # not the project's: these instances are small and quiet
        for address in (WRITER, READER):
            started.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "civicdata.wsgi", "-c", str(config)]
                    + ["--chdir", str(settings.BASE_DIR), "--workers", "2", "--no-control-socket"]
                    + ["--bind", address.removeprefix("http://")],
                    cwd=tmp_path,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        draft = tmp_path / f"{DRAFT_SLUG}.md"
        draft.write_text(DRAFT.format(words="as first drafted"))
        manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model\n"
            "from django.core.management import call_command\n"
            f"call_command('import_hugo', 'demo-content', '{draft}')\n"
            f"get_user_model().objects.create_superuser('editor', '', '{PASSWORD}')",
        )
        for address in (WRITER, READER):
            _wait_for(lambda a=address: get(f"{a}/robots.txt")[0] == 200, f"gunicorn at {address}")
        yield {"env": env, "draft": draft, "redis": store}
    finally:
        for process in reversed(started):
            _stop(process)
        drop_database()


def manage(env, *args):
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"


def get(url, opener=None):
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]


def editor_session(base):
    """A urllib opener logged into the admin of one instance, as a browser would be."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    _, login_page = get(f"{base}/admin/login/", opener)
    post(
        opener,
        f"{base}/admin/login/?next=/admin/",
        {"username": "editor", "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(login_page)},
    )
    return opener


def post(opener, url, data):
    body = urllib.parse.urlencode(data, doseq=True).encode()
    origin = "/".join(url.split("/")[:3])
    request = urllib.request.Request(url, data=body, headers={"Referer": url, "Origin": origin})
    with opener.open(request, timeout=10) as response:
        return response.status, response.read().decode()


def test_what_is_published_through_one_instance_is_read_at_once_through_the_other(instances):
    essay = f"/essays/{DRAFT_SLUG}/"
    lists = ["/", "/essays/", "/feed/", "/sitemap.xml"]
    for base in (READER, WRITER):
        assert get(f"{base}{essay}")[0] == 404
        for url in lists:
            assert essay not in get(f"{base}{url}")[1]
    assert instances["redis"].keys("*civicdata:page:*"), "the readers' pages are kept in Redis"

    # An editor publishes the draft in the admin of one instance...
    editor = editor_session(WRITER)
    _, changelist = get(f"{WRITER}/admin/essays/essay/?q=Written+on+one+instance", editor)
    essay_id = re.search(r"/admin/essays/essay/(\d+)/change/", changelist)[1]
    status, _ = post(
        editor,
        f"{WRITER}/admin/essays/essay/",
        {
            "action": "publish_now",
            "_selected_action": [essay_id],
            "csrfmiddlewaretoken": csrf_token(changelist),
        },
    )
    assert status == 200  # the list again, after the redirect

    # ...and readers of the other get it at once, everywhere.
    status, page = get(f"{READER}{essay}")
    assert status == 200
    assert "as first drafted" in page
    for url in lists:
        assert essay in get(f"{READER}{url}")[1], url

    # An import run with the same settings changes the text: the other instance shows it.
    instances["draft"].write_text(
        DRAFT.format(words="as revised").replace("draft: true", "draft: false")
    )
    manage(instances["env"], "import_hugo", str(instances["draft"]))
    page = get(f"{READER}{essay}")[1]
    assert "as revised" in page
    assert "as first drafted" not in page

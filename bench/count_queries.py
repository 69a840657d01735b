"""Print, as JSON, the SQL queries each path costs: the first request and the one after it.

Runs in a process of its own against the bench database, with the environment the server has
(so the page cache is on or off as it is there). Usage: python -m bench.count_queries PATH...
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdata.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

client = Client(SERVER_NAME="127.0.0.1")
counts = {}
for page in sys.argv[1:]:
    measured = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        if response.status_code != 200:
            sys.exit(f"{page} answered {response.status_code}")
        measured.append(len(queries))
    counts[page] = {"first": measured[0], "again": measured[1]}
print(json.dumps(counts))
